"""Shared fixtures: real servers on free ports, started per test session and stopped after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = ROOT / "data" / "catalogue"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            if requests.get(url, timeout=0.5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {timeout}s")


class CatalogueServer:
    """The real catalogue service in a subprocess."""

    def __init__(self, catalogue_dir: Path, max_age: int = 300) -> None:
        self.catalogue_dir = catalogue_dir
        self.max_age = max_age
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> CatalogueServer:
        command = [sys.executable, "-m", "catalogue_service", "--port", str(self.port)]
        command += ["--catalogue", str(self.catalogue_dir), "--max-age", str(self.max_age)]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        wait_until_up(self.url + "/health", self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def catalogue_server() -> Iterator[CatalogueServer]:
    server = CatalogueServer(CATALOGUE_DIR).start()
    yield server
    server.stop()


@pytest.fixture()
def catalogue_copy(tmp_path: Path) -> Path:
    """A private copy of the real catalogue that a test may edit or break."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target
