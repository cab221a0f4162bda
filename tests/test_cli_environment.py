"""`python publish.py` finds the project's .venv by itself, or says in one line what to run."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import publish
from handoutpress import __version__

ROOT = Path(__file__).resolve().parents[1]


def test_missing_package_is_one_line_naming_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(publish, "ROOT", tmp_path)  # no .venv there
    monkeypatch.setattr(publish, "DEPENDENCIES", ("reportlab", "no_such_package_xyz"))
    with pytest.raises(SystemExit) as exit_:
        publish._in_project_environment()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no_such_package_xyz" in err and "reportlab" not in err.split(";")[0]
    assert "make publish" in err and "pip install -e" in err


def test_another_python_runs_itself_in_the_venv(tmp_path, monkeypatch):
    venv_python = tmp_path / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text("")
    monkeypatch.setattr(publish, "ROOT", tmp_path)
    monkeypatch.setattr(publish, "DEPENDENCIES", ("no_such_package_xyz",))
    monkeypatch.setattr(sys, "argv", ["publish.py", "check", "--strict"])
    calls = []

    def execv(path, argv):  # the real one never returns
        calls.append((path, argv))
        raise SystemExit(0)

    monkeypatch.setattr(publish.os, "execv", execv)
    with pytest.raises(SystemExit):
        publish._in_project_environment()
    assert calls == [(str(venv_python), [str(venv_python), str(tmp_path / "publish.py"), "check", "--strict"])]


def test_nothing_happens_when_everything_is_installed(monkeypatch):
    monkeypatch.setattr(publish.os, "execv", lambda *a: pytest.fail("re-executed"))
    publish._in_project_environment()


def test_version_from_both_commands():
    out = subprocess.run([sys.executable, str(ROOT / "publish.py"), "--version"], capture_output=True, text=True)
    assert (out.returncode, out.stdout.strip()) == (0, f"handoutpress {__version__}")
    command = Path(sys.executable).parent / "handoutpress"  # installed by pip from pyproject.toml
    out = subprocess.run([str(command), "--version"], capture_output=True, text=True)
    assert (out.returncode, out.stdout.strip()) == (0, f"handoutpress {__version__}")
