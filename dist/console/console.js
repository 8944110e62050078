// console.js -- the Vigil console: reads vigild's HTTP API (/v1/...) every
// two seconds and draws what it says. Text from the engine (file names,
// detection names, paths inside archives) goes in as text, never as HTML.
// The token, when one is asked for, is kept for this tab only
// (sessionStorage) and sent as a bearer header: no cookie, so no other
// site can make a request with it.
"use strict";

const state = { token: sessionStorage.getItem("vigil-token") || "",
  lastSeq: 0, samples: [], prev: null, needToken: false,
  shield: { prev: null, passed: [], dropped: [], tick: 0 } };
const $ = (id) => document.getElementById(id);

function headers() {
  return state.token ? { Authorization: "Bearer " + state.token } : {};
}

function say(text, ok) {
  const m = $("message");
  m.textContent = text;
  m.className = ok ? "message ok" : "message";
  m.hidden = !text;
}

async function api(path, options) {
  const opts = Object.assign({ headers: headers() }, options || {});
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (r.status === 401) {
    state.needToken = true;
    say("vigild needs its token (HTTPTokenFile): enter it above.");
  }
  return { status: r.status, body: body };
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function when(unix) {
  return unix ? new Date(unix * 1000).toISOString().replace("T", " ")
    .replace(/\.\d+Z$/, " UTC") : "-";
}

function duration(s) {
  if (s < 120) return s.toFixed(s < 10 ? 2 : 0) + " s";
  if (s < 7200) return (s / 60).toFixed(0) + " min";
  if (s < 172800) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " days";
}

function showVersion(v) {
  const db = v.database;
  $("engine").textContent = "engine " + v.vigil;
  $("db-version").textContent = String(db.version);
  $("db-signatures").textContent = db.signatures.toLocaleString("en");
  $("db-built").textContent = when(db.version) + " (" +
    duration(db.age_seconds) + " ago)";
  $("db-load").textContent = db.load_seconds.toFixed(2) + " s" +
    (db.quick_matcher ? ", quick matcher" : "");
  const up = v.update, u = $("db-update");
  if (!up) {
    u.textContent = "not kept by vigil update";
    u.className = "muted";
    $("db-release").textContent = "-";
    return;
  }
  u.textContent = (up.stale ? "STALE: " : "fresh: ") + "verified " +
    duration(up.metadata_age_seconds) + " ago";
  u.className = up.stale ? "bad" : "good";
  $("db-release").textContent = up.release + " (" + up.release_dir +
    "), installed " + when(up.installed_at) + (up.log ? "; public log: " +
    "leaf " + up.log.leaf + " of " + up.log.size : "");
}

function showStatus(s) {
  const w = s.workers, c = s.counters;
  $("w-live").textContent = w.live + " / " + w.busy;
  $("w-queued").textContent = String(w.queued);
  $("w-scans").textContent = c.scans.toLocaleString("en") + " (clamd " +
    c.by_interface.clamd + ", ICAP " + c.by_interface.icap + ", HTTP " +
    c.by_interface.http + ")";
  $("w-found").textContent = c.found.toLocaleString("en");
  $("w-uptime").textContent = duration(s.uptime_seconds);
  if (state.prev) {
    const dt = s.uptime_seconds - state.prev.uptime_seconds;
    if (dt > 0) state.samples.push((c.scans - state.prev.counters.scans) / dt);
    if (state.samples.length > 60) state.samples.shift();
  }
  state.prev = s;
  drawChart($("throughput"), state.samples);
}

function drawChart(canvas, values, more) {
  const g = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  const top = Math.max(1, ...values, ...(more || [])) * 1.15, pad = 4;
  g.clearRect(0, 0, w, h);
  g.strokeStyle = "#dde1e6";
  g.fillStyle = "#69707d";
  g.font = "11px system-ui, sans-serif";
  for (let i = 1; i <= 3; i++) {
    const y = h - (h - 2 * pad) * i / 3 - pad;
    g.beginPath(); g.moveTo(0, y); g.lineTo(w, y); g.stroke();
    g.fillText((top * i / 3).toFixed(top < 3 ? 1 : 0) + "/s", 4, y + 12);
  }
  line(g, w, h, pad, top, values, "#2457c5");
  if (more) line(g, w, h, pad, top, more, "#b3261e");
}

function line(g, w, h, pad, top, values, colour) {
  if (values.length < 2) return;
  g.strokeStyle = colour;
  g.lineWidth = 2;
  g.beginPath();
  values.forEach((v, i) => {
    const x = w - (values.length - 1 - i) * (w / 59);
    const y = h - pad - (h - 2 * pad) * v / top;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

function showDetections(list) {
  const body = $("detections").tBodies[0];
  list.forEach((d) => {
    const row = document.createElement("tr");
    cell(row, when(d.time));
    cell(row, d.via);
    cell(row, d.object);
    cell(row, d.name, "infected");
    cell(row, d.path || "-");
    body.insertBefore(row, body.firstChild);
    state.lastSeq = Math.max(state.lastSeq, d.seq);
  });
  while (body.rows.length > 100) body.deleteRow(body.rows.length - 1);
  $("no-detections").hidden = body.rows.length > 0;
}

function showQuarantine(r) {
  $("quarantine-card").hidden = r.status !== 200;
  if (r.status !== 200) return;
  const body = $("quarantine").tBodies[0];
  body.replaceChildren();
  r.body.entries.forEach((e) => {
    const row = document.createElement("tr");
    cell(row, e.id);
    cell(row, e.path);
    cell(row, e.detection, "infected");
    cell(row, e.size.toLocaleString("en") + " B");
    cell(row, when(e.quarantined));
    body.appendChild(row);
  });
}

const PROTOCOLS = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6" };
const DROPS = ["blocked", "rule_dropped", "malformed", "amp_dropped",
  "syn_dropped", "src_dropped", "rule_rate_dropped", "ics_dropped"];

function showShield(st) {
  const c = st.counters, sh = state.shield;
  const dropped = DROPS.reduce((n, k) => n + c[k], 0);
  const passed = c.passed + c.allowed + c.rule_passed + c.not_ip;
  const now = Date.now() / 1000;
  $("sh-interface").textContent = "on " + st.interface;
  $("sh-passed").textContent = passed.toLocaleString("en");
  $("sh-dropped").textContent = dropped.toLocaleString("en");
  $("sh-lists").textContent = st.blocked.length + " / " + st.allowed.length;
  $("sh-rules").textContent = String(st.rules);
  $("sh-upstream").textContent = st.upstream.bird ? st.upstream.announced +
    " announced, " + st.upstream.withdrawn + " withdrawn" : "no BIRD";
  if (sh.prev) {
    const dt = now - sh.prev.t;
    sh.passed.push((passed - sh.prev.passed) / dt);
    sh.dropped.push((dropped - sh.prev.dropped) / dt);
    if (sh.passed.length > 60) { sh.passed.shift(); sh.dropped.shift(); }
  }
  sh.prev = { t: now, passed: passed, dropped: dropped };
  drawChart($("packets"), sh.passed, sh.dropped);
  drawTimeline($("timeline"), st.attacks, now);
  showIcs(st.ics || []);
  state.shield.peaks = {};
  st.attacks.forEach((a) => { state.shield.peaks[a.id] = a.peak_pps; });
}

const MODBUS = { 1: "read coils", 2: "read inputs", 3: "read registers",
  4: "read input registers", 5: "write coil", 6: "write register",
  15: "write coils", 16: "write registers", 23: "read/write registers" };

function showIcs(records) {
  const body = $("ics").tBodies[0];
  $("ics-part").hidden = records.length === 0;
  body.replaceChildren();
  records.forEach((r) => {
    const row = document.createElement("tr");
    cell(row, r.client);
    cell(row, r.server + ":" + r.port);
    cell(row, "Modbus " + r.function + (MODBUS[r.function] ? " (" +
      MODBUS[r.function] + ")" : ""), "bad");
    cell(row, r.dropped.toLocaleString("en"));
    cell(row, when(r.last));
    body.appendChild(row);
  });
}

function drawTimeline(canvas, attacks, now) {
  const g = canvas.getContext("2d"), w = canvas.width, h = canvas.height;
  const from = now - 3600, row = Math.max(8, Math.min(18, (h - 16) /
    Math.max(1, attacks.length)));
  g.clearRect(0, 0, w, h);
  g.fillStyle = "#69707d";
  g.font = "11px system-ui, sans-serif";
  for (let m = 0; m <= 60; m += 15) {
    const x = w * m / 60;
    g.fillRect(x, h - 14, 1, 4);
    g.fillText(m === 60 ? "now" : "-" + (60 - m) + " min", Math.min(x + 2,
      w - 30), h - 2);
  }
  attacks.forEach((a, i) => {
    const x0 = w * (Math.max(a.start, from) - from) / 3600;
    const end = a.state === "active" ? now : a.end;
    const x1 = Math.max(x0 + 3, w * (end - from) / 3600);
    g.fillStyle = a.state === "active" ? "#b3261e" : "#d9a39f";
    g.fillRect(x0, 2 + i * row, x1 - x0, row - 3);
  });
}

function sourcesText(a) {
  const top = (a.sources && a.sources.top) || [];
  return top.slice(0, 3).map((s) => s.address + (s.asn ? " (AS" + s.asn +
    (s.country ? ", " + s.country : "") + ")" : "")).join(", ") +
    (a.sources && a.sources.spoofed_likely ? " - spoofed, likely" : "");
}

function showAttacks(report) {
  const body = $("attacks").tBodies[0];
  body.replaceChildren();
  report.attacks.slice().reverse().forEach((a) => {
    const row = document.createElement("tr");
    cell(row, String(a.id));
    cell(row, a.destination);
    cell(row, a.kind);
    cell(row, a.state, a.state === "active" ? "bad" : "muted");
    cell(row, a.start);
    const peak = state.shield.peaks && state.shield.peaks[a.id];
    cell(row, peak === undefined ? "-" : peak.toLocaleString("en"));
    cell(row, sourcesText(a) || "-");
    cell(row, a.actions.map((x) => x.action || x.kind || "").join(", ") ||
      "-");
    body.appendChild(row);
  });
  $("no-attacks").hidden = report.attacks.length > 0;
}

function showShieldRules(r) {
  const body = $("shield-rules").tBodies[0];
  body.replaceChildren();
  r.rules.forEach((x) => {
    const row = document.createElement("tr");
    cell(row, x.destination);
    cell(row, x.source);
    cell(row, PROTOCOLS[x.protocol] || String(x.protocol || "any"));
    cell(row, x.destination_ports.join("-"));
    cell(row, x.action + (x.rate_pps ? " " + x.rate_pps + " pps" : ""),
      x.action === "drop" ? "bad" : "");
    cell(row, x.packets.toLocaleString("en"));
    body.appendChild(row);
  });
}

async function refreshShield() {
  const st = await api("/v1/shield/status");
  if (st.status !== 200) {
    $("sh-interface").textContent = "not answering: " + (st.body &&
      st.body.error ? st.body.error.message : "HTTP " + st.status);
    return;
  }
  showShield(st.body);
  const rules = await api("/v1/shield/rules");
  if (rules.status === 200) showShieldRules(rules.body);
  if (state.shield.tick++ % 3) return;
  const rep = await api("/v1/shield/report");
  if (rep.status === 200) showAttacks(rep.body);
}

async function refresh() {
  try {
    const v = await api("/v1/version");
    if (v.status !== 200) return;
    if (!state.needToken) say("");
    showVersion(v.body);
    const s = await api("/v1/status");
    if (s.status !== 200) return;
    showStatus(s.body);
    const d = await api("/v1/detections?after=" + state.lastSeq);
    if (d.status === 200) showDetections(d.body.detections);
    $("quarantine-card").hidden = !s.body.quarantine;
    if (s.body.quarantine) showQuarantine(await api("/v1/quarantine"));
    $("shield-card").hidden = !s.body.shield;
    if (s.body.shield) await refreshShield();
  } catch (e) {
    say("vigild does not answer: " + e.message);
  }
}

function resultRow(f) {
  const row = document.createElement("tr");
  cell(row, f.name);
  cell(row, f.verdict, f.verdict);
  cell(row, f.detections.map((d) => d.name + (d.path ? " in " + d.path : ""))
    .join(", ") || (f.error ? f.error.message : "-"));
  cell(row, (f.seconds * 1000).toFixed(1) + " ms");
  return row;
}

async function upload(files) {
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  say("Scanning " + files.length + " file(s)...", true);
  const r = await api("/v1/scan", { method: "POST", headers: headers(),
    body: form });
  if (!r.body || !r.body.files) {
    say("Not scanned: " + (r.body && r.body.error ? r.body.error.message
      : "HTTP " + r.status));
    return;
  }
  const body = $("scan-results").tBodies[0];
  r.body.files.forEach((f) => body.insertBefore(resultRow(f), body.firstChild));
  say("Scanned: " + r.body.verdict, r.body.verdict === "clean");
  refresh();
}

function wire() {
  const zone = $("dropzone"), input = $("file-input");
  zone.addEventListener("dragover", (e) => { e.preventDefault();
    zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => { e.preventDefault();
    zone.classList.remove("over"); upload(e.dataTransfer.files); });
  input.addEventListener("change", () => { upload(input.files);
    input.value = ""; });
  $("auth").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value.trim();
    sessionStorage.setItem("vigil-token", state.token);
    state.needToken = false;
    say("");
    refresh();
  });
  $("reload").addEventListener("click", async () => {
    const r = await api("/v1/reload", { method: "POST", headers: headers() });
    if (r.status === 202) say("Reloading the database.", true);
    else say("Not reloaded: " + (r.body && r.body.error ?
      r.body.error.message : "HTTP " + r.status));
  });
}

wire();
refresh();
setInterval(refresh, 2000);
