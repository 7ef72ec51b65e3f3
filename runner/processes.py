"""The assistant's processes, each started as a subprocess and ready when its health URL answers.

Used by `python -m runner` (what `make run` starts) and by the end-to-end tests,
so both run the system the same way.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from runner import settings

ROOT = settings.ROOT
BIN = Path(sys.executable).parent


STOP_TIMEOUT = 5.0  # seconds a process gets to stop before it is killed
# The secret Rasa shows the action server (runner/serve_actions.py): ACTIONS_TOKEN, else one per
# process that starts servers, so the action server and the endpoints.yml written here always agree.
ACTIONS_TOKEN = settings.ACTIONS_TOKEN or secrets.token_urlsafe(24)
ACTIONS_HEADER = "X-Actions-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "RASA_TELEMETRY_ENABLED": "false"}
    env.update(extra)
    return env


@dataclass
class Server:
    name: str
    command: list[str]
    health_url: str | None  # None: nothing to wait for (the Telegram bridge polls Telegram)
    env: dict[str, str] = field(default_factory=base_env)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    url: str = ""  # where its clients call it

    def start(self, timeout: float = 120.0) -> Server:
        self.launch()
        self.wait_until_ready(timeout)
        return self

    def launch(self) -> Server:
        """Start the process without waiting for it (several start at once; then `wait_until_ready`)."""
        log = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log or None, stderr=subprocess.STDOUT if log else None
        )
        return self

    def wait_until_ready(self, timeout: float) -> None:
        if self.health_url is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}")
            try:
                if requests.get(self.health_url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f}s ({self.health_url})")

    def terminate(self) -> None:
        """Ask the process to stop (SIGTERM: honoured even where SIGINT is ignored, as in the background)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = STOP_TIMEOUT) -> None:
        """Wait for the process to stop; kill it when it takes longer than `timeout` seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        self.terminate()
        self.wait_stopped()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def catalogue_service(
    port: int, catalogue_dir: Path | str = "data/catalogue", max_age: int = 300, **kw: Path
) -> Server:
    command = [sys.executable, "-m", "catalogue_service", "--port", str(port), "--catalogue", str(catalogue_dir)]
    command += ["--max-age", str(max_age)]
    url = f"http://127.0.0.1:{port}"
    return Server("catalogue service", command, f"{url}/health", log_path=kw.get("log_path"), url=url)


def action_server(
    port: int, catalogue_url: str, cache_path: Path | str | None = None, token: str = ACTIONS_TOKEN, **kw: Path
) -> Server:
    """rasa_sdk's action server, answering only calls that carry `token` (runner/serve_actions.py);
    its catalogue client caches in `cache_path`, else where CATALOGUE_CACHE says."""
    command = [sys.executable, "-m", "runner.serve_actions", "--actions", "actions", "--port", str(port)]
    env = base_env(CATALOGUE_URL=catalogue_url, SANIC_HOST=settings.ACTIONS_HOST, ACTIONS_TOKEN=token)
    if cache_path is not None:
        env["CATALOGUE_CACHE"] = str(cache_path)
    return Server("action server", command, f"http://127.0.0.1:{port}/health", env, log_path=kw.get("log_path"))


def rasa_server(
    port: int,
    model: Path | str,
    endpoints: Path | str = "endpoints.yml",
    credentials: Path | str = "credentials.yml",
    api_token: str | None = None,
    cors: list[str] | None = None,
    bridge_token: str | None = None,
    **kw: Path,
) -> Server:
    """Rasa with its channels (rasa_addons/channels.py); browsers may call it only from the `cors`
    origins; the Telegram bridge's channel needs `bridge_token` (BRIDGE_TOKEN); the HTTP API is
    enabled with `api_token`. Secrets travel in the environment, never on the command line
    (runner/serve_rasa.py hands the API token to Rasa inside the process)."""
    command = [sys.executable, "-m", "runner.serve_rasa", "run", "--model", str(model), "--port", str(port)]
    command += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
    command += ["--interface", settings.RASA_INTERFACE]
    if cors:
        command += ["--cors", *cors]
    env = base_env()
    for name, secret in (("RASA_API_TOKEN", api_token), ("BRIDGE_TOKEN", bridge_token)):
        if secret:
            env[name] = secret
        else:
            env.pop(name, None)
    url = f"http://127.0.0.1:{port}/webhooks/rest/"
    return Server("Rasa server", command, url, env, log_path=kw.get("log_path"))


def telegram_bridge(
    rasa_url: str, api_token: str, bridge_token: str, log_path: Path | None = None, **env: str
) -> Server:
    """The Telegram bridge (bot/telegram_bridge.py) in front of the Rasa server at `rasa_url`; its
    other settings (TELEGRAM_BOT_TOKEN, ...) from `env` or this process's environment."""
    variables = base_env(RASA_URL=rasa_url, RASA_API_TOKEN=api_token, BRIDGE_TOKEN=bridge_token, **env)
    command = [sys.executable, "-m", "bot.telegram_bridge"]
    return Server("Telegram bridge", command, None, variables, log_path=log_path)


def widget_server(port: int, **kw: Path) -> Server:
    """Serves bot/widget/ (widget.js and a demo page) as static files."""
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(ROOT / "bot" / "widget"),
    ]
    return Server("web widget", command, f"http://127.0.0.1:{port}/widget.js", log_path=kw.get("log_path"))


def console_server(
    port: int, push_port: int, rasa_url: str, api_token: str, secret: str, var: Path, **kw: Path
) -> Server:
    """The helpdesk console (console/): staff pages on `port`, the widget's push endpoint on
    `push_port`; its store and Rasa's events in `var` unless CONSOLE_DATABASE_URL and
    CONSOLE_EVENTS_URL say otherwise. Secrets in its environment."""
    env = base_env(
        CONSOLE_PORT=str(port),
        CONSOLE_PUSH_PORT=str(push_port),
        RASA_URL=rasa_url,
        RASA_API_TOKEN=api_token,
        CONSOLE_SECRET=secret,
        ASSISTANT_VAR=str(var),
    )
    url = f"http://127.0.0.1:{port}/health"
    return Server("helpdesk console", [sys.executable, "-m", "console"], url, env, log_path=kw.get("log_path"))


def write_endpoints(
    path: Path, action_port: int, tracker_db: Path, actions_token: str = ACTIONS_TOKEN, events_db: Path | None = None
) -> Path:
    """Rasa's endpoints: the action server (with the token it asks for) and the SQLite tracker
    store; with `events_db`, the event broker the helpdesk console reads (rasa_addons/event_broker.py).
    The file holds a secret, so only its owner may read it (0600)."""
    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'  headers:\n    {ACTIONS_HEADER}: "{actions_token}"\n'
        f"tracker_store:\n  type: rasa_addons.tracker_store.SQLiteTrackerStore\n  db: {tracker_db}\n"
    )
    if events_db is not None:
        text += f"event_broker:\n  type: rasa_addons.event_broker.SQLiteEventBroker\n  db: {events_db}\n"
    return write_private(path, text)


def write_private(path: Path, text: str) -> Path:
    """Write a file only its owner may read (0600), also when it was there before with a wider mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def kept_secret(path: Path) -> str:
    """A random secret made once and kept in `path` (0600), so what was made with it stays valid."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_urlsafe(32)
    write_private(path, secret)
    return secret


def console_secret(var: Path) -> str:
    """CONSOLE_SECRET, else one made once and kept in `var`/console_secret: sessions survive a restart."""
    return settings.CONSOLE_SECRET or kept_secret(var / "console_secret")
