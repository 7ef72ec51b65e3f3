"""`make run` keeps the assistant up: a process killed with kill -9 comes back while the others go on,
the conversation continues where it was, and SIGTERM stops everything within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from runner.processes import base_env, free_port
from tests.conftest import ROOT


def pids_of(fragment: str) -> list[int]:
    """The processes whose command line contains `fragment`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if fragment in command:
                found.append(int(entry.name))
    return found


def wait_for(check, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def test_a_killed_process_comes_back_and_sigterm_stops_everything_fast(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("CATALOGUE_PORT", "ACTIONS_PORT", "RASA_PORT", "WIDGET_PORT")}
    env = base_env(**{name: str(port) for name, port in ports.items()}, ASSISTANT_VAR=str(tmp_path / "var"))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    log = (tmp_path / "runner.log").open("wb")
    runner = subprocess.Popen([sys.executable, "-m", "runner"], cwd=ROOT, env=env, stdout=log, stderr=log)
    rasa = f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook"
    actions_health = f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health"
    try:
        assert wait_for(lambda: b"is ready" in (tmp_path / "runner.log").read_bytes(), 240), "the runner never came up"
        sender = f"web-{uuid.uuid4().hex}"
        first = requests.post(rasa, json={"sender": sender, "message": "my wife gave birth"}, timeout=30).json()
        assert "Was the child born abroad?" in first[-2]["text"] or "born abroad" in str(first)

        [actions_pid] = pids_of(f"--port {ports['ACTIONS_PORT']}")
        os.kill(actions_pid, signal.SIGKILL)
        assert wait_for(
            lambda: (
                requests.get(actions_health, timeout=1).ok
                and pids_of(f"--port {ports['ACTIONS_PORT']}") != [actions_pid]
            ),
            90,
        )
        reply = requests.post(rasa, json={"sender": sender, "message": "no, here in Moldova"}, timeout=30).json()
        assert "parents married" in str(reply), "the conversation goes on where it was"
        assert runner.poll() is None and b"restarting" in (tmp_path / "runner.log").read_bytes()
    finally:
        started = time.monotonic()
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=30)
        took = time.monotonic() - started
        log.close()
    assert took < 6, f"stopping took {took:.1f} s"
    assert not pids_of(f"--port {ports['RASA_PORT']}") and not pids_of(f"--port {ports['ACTIONS_PORT']}")
