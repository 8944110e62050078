// drive.js -- one clamd client library from npm against one daemon, each
// call's outcome printed as one JSON line, for tests/e2e/test_clients.py
// to compare between vigild and clamd.
//   node drive.js clamscan unix SOCKET FILE DIR
//   node drive.js clamscan tcp PORT FILE DIR
//   node drive.js clamdjs tcp PORT FILE DIR
'use strict';

const fs = require('fs');

function out(call, value) {
    process.stdout.write(JSON.stringify({ call, value }) + '\n');
}

// "ClamAV 1.4.6[/27000/date]" or "Vigil 0.2.0/version/date": the same
// form (VERSION names the engine; clamd leaves the database's part out
// when it has no .cvd, vigild gives its own database's)
function ver(v) {
    const line = String(v).replace(/\0$/, '').trim();
    return /^(ClamAV|Vigil) [^/\s]+(\/\d+\/.+)?$/.test(line) ? 'NAME VERSION'
                                                          : line;
}

function fail(e) {
    return { error: String(e && e.message ? e.message : e) };
}

async function clamscan(kind, where, file, dir) {
    const NodeClam = require('clamscan');
    const clamdscan = {
        socket: kind === 'unix' ? where : false,
        host: kind === 'tcp' ? '127.0.0.1' : false,
        port: kind === 'tcp' ? Number(where) : false,
        timeout: 30000,
        localFallback: false,
        path: null,
        multiscan: false,
        active: true,
    };
    let c;
    try {
        c = await new NodeClam().init({ clamdscan, preference: 'clamdscan' });
        out('init', 'ok');
    } catch (e) {
        out('init', fail(e));
        return;
    }
    try {
        const v = await c.getVersion();
        out('version', ver(v));
    } catch (e) {
        out('version', fail(e));
    }
    try {
        const r = await c.isInfected(file);
        out('isInfected', { isInfected: r.isInfected, viruses: r.viruses });
    } catch (e) {
        out('isInfected', fail(e));
    }
    try {
        const r = await c.scanStream(fs.createReadStream(file));
        out('scanStream', { isInfected: r.isInfected, viruses: r.viruses });
    } catch (e) {
        out('scanStream', fail(e));
    }
    try {
        const r = await c.scanDir(dir);
        out('scanDir', { isInfected: r.isInfected, bad: r.badFiles.sort(),
                         viruses: r.viruses.sort() });
    } catch (e) {
        out('scanDir', fail(e));
    }
}

async function clamdjs(port, file, dir) {
    const clamd = require('clamdjs');
    const s = clamd.createScanner('127.0.0.1', Number(port));
    try {
        out('ping', await clamd.ping('127.0.0.1', Number(port), 5000));
    } catch (e) {
        out('ping', fail(e));
    }
    try {
        const v = await clamd.version('127.0.0.1', Number(port), 5000);
        out('version', ver(v));
    } catch (e) {
        out('version', fail(e));
    }
    for (const [name, call] of [
        ['scanFile', () => s.scanFile(file, 10000)],
        ['scanBuffer', () => s.scanBuffer(fs.readFileSync(file), 10000)]]) {
        try {
            const r = await call();
            out(name, { reply: r, clean: clamd.isCleanReply(r) });
        } catch (e) {
            out(name, fail(e));
        }
    }
    try {
        const r = await s.scanDirectory(dir, { timeout: 10000,
                                                detail: true });
        out('scanDirectory', { scanned: r.ScannedFiles,
                               infected: r.Infected, errors: r.EncounterError,
                               replies: r.Result.map((x) =>
                                   [x.file, x.reply, x.errorMsg]).sort() });
    } catch (e) {
        out('scanDirectory', fail(e));
    }
}

async function main() {
    const [lib, kind, where, file, dir] = process.argv.slice(2);
    if (lib === 'clamscan')
        await clamscan(kind, where, file, dir);
    else
        await clamdjs(where, file, dir);
    process.exit(0);
}

main();
