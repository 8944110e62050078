"""The installed library as an embedder sees it: headers and vigil.pc from
"meson install", the example program built against them, and only the
documented symbols exported."""
import os
import subprocess

from conftest import BUILD

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def install(tmp_path):
    dest = tmp_path / "dest"
    subprocess.run(["meson", "install", "-C", BUILD, "--destdir", str(dest), "--quiet"],
                   check=True, capture_output=True)
    return dest


def test_example_builds_against_installed_headers(tmp_path):
    dest = install(tmp_path)
    pcdirs = [str(p.parent) for p in dest.rglob("vigil.pc")]
    assert pcdirs, "vigil.pc was not installed"
    env = dict(os.environ, PKG_CONFIG_PATH=":".join(pcdirs),
               PKG_CONFIG_SYSROOT_DIR=str(dest))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "vigil"], env=env,
                           capture_output=True, text=True, check=True).stdout.split()
    exe = tmp_path / "scan_example"
    san = os.environ.get("VIGIL_SANITIZE")  # a sanitizer build's library
    if san:
        flags = ["-fsanitize=" + san] + flags
    subprocess.run([os.environ.get("CC", "cc"), "-Wall", "-Wextra", "-Werror", "-o", str(exe),
                    os.path.join(ROOT, "docs", "examples", "scan_example.c")] + flags,
                   check=True)
    libdir = [f[2:] for f in flags if f.startswith("-L")][0]
    sigs = tmp_path / "s.ndb"
    sigs.write_text("Example.Sig:0:*:%s\n" % b"EXAMPLE-MARKER".hex())
    bad, good = tmp_path / "bad", tmp_path / "good"
    bad.write_bytes(b"xx EXAMPLE-MARKER xx")
    good.write_bytes(b"nothing")
    cp = subprocess.run([str(exe), str(sigs), str(bad), str(good)], capture_output=True,
                        text=True, env=dict(os.environ, LD_LIBRARY_PATH=libdir))
    assert cp.returncode == 1
    assert cp.stdout.splitlines() == ["%s: Example.Sig FOUND" % bad, "%s: OK" % good]


def test_only_public_symbols_exported():
    lib = [os.path.join(BUILD, "src", "lib", f) for f in os.listdir(os.path.join(BUILD, "src", "lib"))
           if f.startswith("libvigil.so.")][0]
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                         text=True, check=True).stdout
    syms = {line.split()[-1].split("@")[0] for line in out.splitlines() if " T " in line}
    header = open(os.path.join(ROOT, "include", "vigil", "vigil.h")).read()
    mapfile = open(os.path.join(ROOT, "src", "lib", "vigil.map")).read()
    assert syms, "no symbols"
    for s in syms:
        assert s.startswith("vigil_"), s
        assert s + "(" in header, "%s is exported but not declared in vigil.h" % s
        assert s + ";" in mapfile
    soname = subprocess.run(["objdump", "-p", lib], capture_output=True, text=True).stdout
    assert "SONAME               libvigil.so.0" in soname


def test_every_exported_function_has_an_installed_man_page(tmp_path):
    """man FUNCTION works for each exported symbol: a group page, or a
    one-line .so that names an installed group page."""
    dest = install(tmp_path)
    pages = {p.name: p for p in dest.rglob("man3/*.3")}
    assert "libvigil.3" in pages
    mapfile = open(os.path.join(ROOT, "src", "lib", "vigil.map")).read()
    syms = [line.strip().rstrip(";") for line in mapfile.splitlines()
            if line.strip().startswith("vigil_")]
    assert len(syms) > 20
    for s in syms:
        page = pages.get(s + ".3")
        assert page, "no man page for " + s
        text = page.read_text()
        if text.startswith(".so "):
            target = text.split()[1].split("/")[-1]
            assert target in pages, (s, target)
            text = pages[target].read_text()
        assert s in text, (s, "not described on its page")
