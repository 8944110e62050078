"""Shell completion as installed (dist/completion/): bash completes the
subcommands, each program's options as its own --help lists them, and
file names; the zsh function is valid zsh."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
BASH = os.path.join(ROOT, "dist", "completion", "vigil.bash")
PATHS = ":".join(os.path.join(BUILD, "src", d) for d in
                 ("cli", "daemon", "update", "shield", "onaccess"))


def complete(words, tmp_path):
    """COMPREPLY for the words, the last being completed."""
    script = ('source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _vigil_complete; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' %
              (BASH, " ".join("'%s'" % w for w in words), len(words) - 1))
    res = subprocess.run(["bash", "-c", script], capture_output=True,
                         text=True, cwd=str(tmp_path),
                         env=dict(os.environ, PATH=PATHS + ":" +
                                  os.environ["PATH"]))
    assert res.returncode == 0, res.stderr
    return set(res.stdout.split())


def test_bash(tmp_path):
    assert complete(["vigil", "q"], tmp_path) == {"quarantine"}
    assert {"--move=", "--quarantine", "--file-list="} <= \
        complete(["vigil", "scan", "--"], tmp_path)
    assert complete(["vigil", "scan", "--max-dir"], tmp_path) == \
        {"--max-dir-recursion="}
    assert "--check-config" in complete(["vigild", "--check"], tmp_path)
    assert complete(["vigil-shield", "un"], tmp_path) == \
        {"unblock", "unallow"}
    assert "--schedule" in complete(["vigil", "update", "--sch"], tmp_path)
    (tmp_path / "sample.eml").write_text("x")
    assert complete(["vigil", "scan", "sam"], tmp_path) == {"sample.eml"}


def test_zsh_is_valid():
    zsh = shutil.which("zsh")
    if not zsh:
        pytest.fail("zsh is not installed (scripts/deps.sh test)")
    res = subprocess.run([zsh, "-n", os.path.join(ROOT, "dist",
                                                   "completion", "_vigil")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
