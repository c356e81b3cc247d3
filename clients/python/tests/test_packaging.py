"""The package installs offline with Debian's setuptools: `pip install --no-build-isolation`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


def test_installs_without_a_package_index_and_ships_its_type_marker() -> None:
    venv = Path(tempfile.mkdtemp(prefix="bosun-py-venv-"))
    build = Path(tempfile.mkdtemp(prefix="bosun-py-src-"))
    try:
        made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                              capture_output=True, text=True)
        if made.returncode != 0:
            reason = f"cannot make a venv here ({made.stderr.strip()[:200]}); Debian's python3-venv is missing"
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        # Build from a copy, so the source tree is left without build/ or egg-info litter.
        src = build / "python"
        shutil.copytree(PROJECT, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache"))
        pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-index", "--no-build-isolation", str(src)],
                             capture_output=True, text=True, timeout=300)
        assert pip.returncode == 0, pip.stdout + pip.stderr
        check = ("import bosun, bosun.holodeck, bosun.holodeck.plato_integration, pathlib; "
                 "print(pathlib.Path(bosun.__file__).parent)")
        out = subprocess.run([str(venv / "bin" / "python"), "-c", check], capture_output=True, text=True,
                             cwd=str(venv), env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        assert out.returncode == 0, out.stderr
        installed = Path(out.stdout.strip())
        assert installed.is_relative_to(venv)
        assert (installed / "py.typed").exists()
    finally:
        shutil.rmtree(venv, ignore_errors=True)
        shutil.rmtree(build, ignore_errors=True)
