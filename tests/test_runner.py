"""`make run` keeps the assistant up and its secrets out of sight: each process killed with kill -9
under a small load comes back while the others go on, no message a citizen was answered is lost
and the conversations continue where they were; no secret is on a command line; the action server
answers only Rasa; SIGTERM stops everything within seconds.

One runner serves the whole module (starting Rasa is the slow part); the last test stops it."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from runner.processes import base_env, free_port
from runner.serve_rasa import arguments
from tests.conftest import ROOT

SECRETS = {
    "RASA_API_TOKEN": f"api-{secrets.token_hex(12)}",
    "BRIDGE_TOKEN": f"bridge-{secrets.token_hex(12)}",
    "ACTIONS_TOKEN": f"actions-{secrets.token_hex(12)}",
}
WRITE_AGAIN = "write again in a minute"


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def pids_on(port: int) -> list[int]:
    """The processes started with `--port <port>`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            args = command_line(int(entry.name))
            if any(a == "--port" and b == str(port) for a, b in zip(args, args[1:], strict=False)):
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, their children, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def wait_for(check: Callable[[], Any], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


@dataclass
class Running:
    tmp: Path
    ports: dict[str, int]
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.ports['RASA_PORT']}/webhooks/rest/webhook"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        return list(requests.post(self.webhook, json={"sender": sender, "message": text}, timeout=60).json())

    def answer(self, sender: str, text: str) -> list[dict[str, Any]]:
        """The reply as any conversation would get it (without whom it is addressed to)."""
        return [{k: v for k, v in reply.items() if k != "recipient_id"} for reply in self.say(sender, text)]

    def said(self, sender: str) -> list[str]:
        """What the conversation holds as said by the citizen (a rolled-back turn is not)."""
        url = f"http://127.0.0.1:{self.ports['RASA_PORT']}/conversations/{sender}/tracker"
        events = requests.get(url, params={"token": SECRETS["RASA_API_TOKEN"]}, timeout=30).json()["events"]
        tracker = DialogueStateTracker.from_dict(sender, events)
        return [str(e.text) for e in tracker.applied_events() if isinstance(e, UserUttered)]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("runner")
    ports = {
        name: free_port()
        for name in ("CATALOGUE_PORT", "ACTIONS_PORT", "RASA_PORT", "WIDGET_PORT", "CONSOLE_PORT", "CONSOLE_PUSH_PORT")
    }
    env = base_env(**{name: str(port) for name, port in ports.items()}, ASSISTANT_VAR=str(tmp / "var"), **SECRETS)
    env.update(RATE_PER_CONVERSATION="0", RATE_PER_CLIENT="0")  # the load below is faster than any citizen
    env.pop("TELEGRAM_BOT_TOKEN", None)
    log_path = tmp / "runner.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "runner"], cwd=ROOT, env=env, stdout=log, stderr=log)
    stack = Running(tmp, ports, process, log_path)
    try:
        assert wait_for(lambda: "is ready" in stack.log(), 240), "the runner never came up"
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def test_no_secret_is_on_a_command_line_and_the_endpoints_file_is_private(running: Running) -> None:
    children = descendants(running.process.pid)
    assert len(children) >= 4, "catalogue, action server, Rasa and the widget's server"
    for pid in [running.process.pid, *children]:
        command = " ".join(command_line(pid))
        for name, value in SECRETS.items():
            assert value not in command, f"{name} is on the command line of {command[:80]}"
    endpoints = running.tmp / "var" / "endpoints.yml"
    assert endpoints.stat().st_mode & 0o777 == 0o600
    assert SECRETS["ACTIONS_TOKEN"] in endpoints.read_text(), "Rasa shows the action server the token"
    console = f"http://127.0.0.1:{running.ports['CONSOLE_PORT']}/health"
    assert requests.get(console, timeout=5).status_code == 200, "make run starts the helpdesk console"
    for name in ("console_secret", "console.db", "events.db"):  # made by the runner, the console, Rasa
        assert (running.tmp / "var" / name).stat().st_mode & 0o777 == 0o600, name


def test_the_action_server_answers_only_rasa(running: Running) -> None:
    actions = f"http://127.0.0.1:{running.ports['ACTIONS_PORT']}"
    marker = f"tracker-{uuid.uuid4().hex}"
    call = {"next_action": "action_respond", "sender_id": marker, "tracker": {"sender_id": marker}, "domain": {}}
    assert requests.post(f"{actions}/webhook", json=call, timeout=10).status_code == 401
    wrong = {"X-Actions-Token": "not-the-token"}
    assert requests.post(f"{actions}/webhook", json=call, headers=wrong, timeout=10).status_code == 403
    assert requests.get(f"{actions}/actions", timeout=10).status_code == 401
    assert requests.get(f"{actions}/health", timeout=10).status_code == 200, "health checks need no token"
    right = {"X-Actions-Token": SECRETS["ACTIONS_TOKEN"]}
    garbled = {"next_action": "action_respond", "sender_id": marker, "tracker": marker}  # fails in rasa_sdk
    broken = requests.post(f"{actions}/webhook", json=garbled, headers=right, timeout=10)
    assert broken.status_code == 500 and marker not in broken.text, "an error answer does not echo the call"
    sender = f"web-{uuid.uuid4().hex}"
    assert "Birth of a child" in str(running.say(sender, "my wife gave birth")), "Rasa itself is answered"
    time.sleep(0.5)  # the log lines of the refused calls are written by now
    log = running.log()
    assert "refused a call to /webhook without the action server's token" in log
    assert marker not in log, "nothing of a refused call is logged"


class Citizen(threading.Thread):
    """Writes a conversation over and over; what is not answered (an error, or 'write again') is sent
    again, as the widget lets the citizen do."""

    def __init__(self, webhook: str, script: list[str]) -> None:
        super().__init__(daemon=True)
        self.webhook, self.script = webhook, script
        self.sender = f"web-{uuid.uuid4().hex}"
        self.answered: list[str] = []
        self.resent: set[str] = set()  # sent again after an error: may be stored twice
        self.problems: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        step = 0
        while not self.stopping.is_set():
            text = self.script[step % len(self.script)]
            try:
                reply = requests.post(self.webhook, json={"sender": self.sender, "message": text}, timeout=60)
            except requests.RequestException:
                self.resent.add(text)
                time.sleep(0.5)
                continue
            if reply.status_code != 200:
                self.problems.append(f"HTTP {reply.status_code}")
                self.resent.add(text)
                time.sleep(0.5)
                continue
            texts = " ".join(str(m.get("text") or "") for m in reply.json())
            if not texts:
                self.problems.append(f"no answer to {text!r}")
            elif WRITE_AGAIN not in texts:
                self.answered.append(text)
                step += 1
            time.sleep(0.2)


def assert_nothing_lost(citizen: Citizen, stored: list[str]) -> None:
    """Every answered message is stored, in order; anything more is a message sent again after an error."""
    expected = iter(citizen.answered)
    pending = next(expected, None)
    for text in stored:
        if text == pending:
            pending = next(expected, None)
        else:
            assert text in citizen.resent, f"{text!r} is stored but was never answered nor resent"
    assert pending is None, f"{pending!r} was answered but is not in the conversation"


@pytest.mark.parametrize("victim", ["ACTIONS_PORT", "CATALOGUE_PORT", "RASA_PORT"])
def test_a_process_killed_under_load_comes_back_and_nothing_is_lost(running: Running, victim: str) -> None:
    sender, control = f"web-{uuid.uuid4().hex}", f"web-{uuid.uuid4().hex}"
    for who in (sender, control):
        assert "Birth of a child" in str(running.say(who, "my wife gave birth"))
    expected = running.answer(control, "no, here in Moldova")
    scripts = [
        ["I lost my job", "how much does it cost?", "can I do it online?"],
        ["my father died", "how much does it cost?", "where is the office in Cahul?"],
        ["we are getting married next month", "what documents do I need?", "how much does it cost?"],
    ]
    citizens = [Citizen(running.webhook, script) for script in scripts]
    for citizen in citizens:
        citizen.start()
    try:
        assert wait_for(lambda: all(len(c.answered) >= 2 for c in citizens), 60), "the load never got going"
        port = running.ports[victim]
        [pid] = pids_on(port)
        os.kill(pid, signal.SIGKILL)
        health = {
            "ACTIONS_PORT": f"http://127.0.0.1:{port}/health",
            "CATALOGUE_PORT": f"http://127.0.0.1:{port}/health",
            "RASA_PORT": f"http://127.0.0.1:{port}/webhooks/rest/",
        }[victim]
        assert wait_for(lambda: requests.get(health, timeout=2).ok and pids_on(port) not in ([], [pid]), 240)
        counts = [len(c.answered) for c in citizens]
        assert wait_for(lambda: all(len(c.answered) >= n + 2 for c, n in zip(citizens, counts, strict=True)), 90)
    finally:
        for citizen in citizens:
            citizen.stopping.set()
        for citizen in citizens:
            citizen.join(timeout=90)
    assert running.answer(sender, "no, here in Moldova") == expected, "the conversation goes on where it was"
    assert running.process.poll() is None and "restarting" in running.log()
    for citizen in citizens:
        assert not citizen.problems, citizen.problems
        assert_nothing_lost(citizen, running.said(citizen.sender))


def test_the_action_server_does_not_start_without_its_token() -> None:
    env = base_env()
    env.pop("ACTIONS_TOKEN", None)
    command = [sys.executable, "-m", "runner.serve_actions", "--actions", "actions", "--port", str(free_port())]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert done.returncode != 0 and b"ACTIONS_TOKEN is not set" in done.stderr


def test_the_api_token_is_given_to_rasa_inside_the_process() -> None:
    assert arguments(["run", "--port", "1"], "t0ken") == ["run", "--port", "1", "--enable-api", "--auth-token", "t0ken"]
    assert arguments(["run"], None) == ["run"], "no token: no HTTP API"
    with pytest.raises(SystemExit):
        arguments(["run", "--auth-token", "visible"], None)


def test_sigterm_stops_everything_fast(running: Running) -> None:
    started = time.monotonic()
    running.process.send_signal(signal.SIGTERM)
    running.process.wait(timeout=30)
    took = time.monotonic() - started
    assert took < 6, f"stopping took {took:.1f} s"
    assert not any(pids_on(port) for port in running.ports.values())
