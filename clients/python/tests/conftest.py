"""Starts a real Bosun server (the jar the Maven build made) for the SDK's tests.

The server runs on its embedded defaults in a fresh data dir, on a free loopback port. Without a
JDK ≥ 21 or the built jar the tests skip with the reason; under CI=true that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator, Optional

import pytest

ROOT = Path(__file__).resolve().parents[3]
JAR = ROOT / "bosun-server" / "target" / "bosun.jar"
SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

import bosun  # noqa: E402


def _java_major(java: Path) -> int:
    try:
        out = subprocess.run([str(java), "-XshowSettings:properties", "-version"], capture_output=True,
                             text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired):
        return 0
    m = re.search(r"java\.specification\.version = (\d+)", out)
    return int(m.group(1)) if m else 0


def find_java() -> Optional[Path]:
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    candidates += sorted(Path("/usr/lib/jvm").glob("*/bin/java"), reverse=True)
    for java in candidates:
        if java.exists() and _java_major(java) >= 21:
            return java
    return None


def need(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


class Server:
    """One `bosun serve` process: start, stop (SIGTERM), start again on the same port and data."""

    def __init__(self, java: Path, data_dir: Path, env: dict[str, str]) -> None:
        self.java = java
        self.data_dir = data_dir
        self.env = env
        self.port = 0
        self.url = ""
        self.proc: Optional[subprocess.Popen[str]] = None
        self.output: list[str] = []

    def start(self, timeout: float = 180.0) -> None:
        args = [str(self.java), "--enable-native-access=ALL-UNNAMED", "-jar", str(JAR), "serve",
                "--port", str(self.port), "--data-dir", str(self.data_dir)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=self.env, cwd=str(self.data_dir.parent))
        found = threading.Event()

        def pump(p: subprocess.Popen[str]) -> None:
            assert p.stdout is not None
            for line in p.stdout:
                self.output.append(line.rstrip())
                m = re.search(r"Bosun listening on (http://[\d.]+:(\d+))", line)
                if m:
                    self.url, self.port = m.group(1), int(m.group(2))
                    found.set()

        threading.Thread(target=pump, args=(self.proc,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("bosun serve did not start:\n" + "\n".join(self.output[-30:]))
        bosun.Client(self.url).wait_ready(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def java() -> Path:
    j = find_java()
    if j is None:
        need("no JDK >= 21 found (set JAVA_HOME); the SDK's tests need a real Bosun server")
    if not JAR.exists():
        need(f"{JAR.relative_to(ROOT)} is not built; run the Maven build first (./scripts/test.sh does)")
    return j  # type: ignore[return-value]


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOSUN_")}
    return env


@pytest.fixture(scope="session")
def server(java: Path) -> Iterator[Server]:
    data = Path(tempfile.mkdtemp(prefix="bosun-py-")) / "data"
    s = Server(java, data, _server_env())
    s.start()
    yield s
    s.stop()
    shutil.rmtree(data.parent, ignore_errors=True)


@pytest.fixture()
def restartable(java: Path) -> Iterator[Server]:
    """A server of the test's own, which the test may stop and start again."""
    data = Path(tempfile.mkdtemp(prefix="bosun-py-r-")) / "data"
    s = Server(java, data, _server_env())
    s.start()
    yield s
    s.stop()
    shutil.rmtree(data.parent, ignore_errors=True)


@pytest.fixture()
def client(server: Server) -> bosun.Client:
    return bosun.Client(server.url)
