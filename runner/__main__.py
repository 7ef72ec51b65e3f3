"""Run the whole assistant with its embedded defaults: `python -m runner` (what `make run` does).

Catalogue service on :8800, action server on :5055, Rasa on :5005 with its REST
channel (POST /webhooks/rest/webhook), conversations in SQLite (var/tracker.db).
Rasa's HTTP API is enabled with RASA_API_TOKEN (a random one if unset; the
Telegram bridge uses it to delete a chat's data on /forget); the action server
answers only Rasa, which shows it ACTIONS_TOKEN (random if unset) from the
generated var/endpoints.yml (0600). Secrets reach the processes in their
environment, never on a command line. With TELEGRAM_BOT_TOKEN set, the
Telegram bridge runs too. A process that exits is
restarted with back-off while the others keep serving; Ctrl-C or SIGTERM stops
everything within seconds.
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Callable

from runner import settings
from runner.processes import (
    Server,
    action_server,
    catalogue_service,
    console_server,
    rasa_server,
    telegram_bridge,
    widget_server,
    write_endpoints,
)

RESTART_TIMEOUT = 180.0  # seconds a restarted process has to answer its health check (Rasa loads its model)


MAX_BACKOFF = 30.0  # seconds between attempts to restart a process that keeps crashing


def supervise(servers: list[Server], stopping: Callable[[], bool]) -> None:
    """Keep every process running until asked to stop: one that exits is restarted after a
    back-off (1 s, doubling up to 30 s) while the others go on serving."""
    backoff = {server.name: 1.0 for server in servers}
    retry_at: dict[str, float] = {}
    while not stopping():
        for server in servers:
            if server.running:
                continue
            now = time.monotonic()
            if server.name not in retry_at:
                code = server.process.returncode if server.process else None
                print(f"the {server.name} exited (code {code}); restarting in {backoff[server.name]:.0f} s", flush=True)
                retry_at[server.name] = now + backoff[server.name]
            elif now >= retry_at[server.name]:
                del retry_at[server.name]
                try:
                    server.start(timeout=RESTART_TIMEOUT)
                    print(f"the {server.name} is running again", flush=True)
                    backoff[server.name] = 1.0
                except RuntimeError as error:
                    print(f"the {server.name} did not come back: {error}", flush=True)
                    server.terminate()
                    backoff[server.name] = min(backoff[server.name] * 2, MAX_BACKOFF)
        time.sleep(0.5)


def stop_all(servers: list[Server]) -> None:
    """Stop every process at once (SIGTERM), killing those that take longer than a few seconds."""
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait_stopped()


def console_secret() -> str:
    """CONSOLE_SECRET, else one made once and kept in var/console_secret (0600): sessions survive a restart."""
    if settings.CONSOLE_SECRET:
        return settings.CONSOLE_SECRET
    path = settings.ASSISTANT_VAR / "console_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret


def helpdesk_console(api_token: str, bridge_token: str) -> Server:
    """The helpdesk console on CONSOLE_PORT, its push endpoint on CONSOLE_PUSH_PORT, reading Rasa's events."""
    rasa_url = f"http://127.0.0.1:{settings.RASA_PORT}"
    var = settings.ASSISTANT_VAR
    server = console_server(
        settings.CONSOLE_PORT, settings.CONSOLE_PUSH_PORT, rasa_url, api_token, console_secret(), var
    )
    server.env.setdefault("CONSOLE_PUSH_ORIGINS", ",".join(settings.RASA_CORS_ORIGINS))  # where the widget is
    server.env["BRIDGE_TOKEN"] = bridge_token  # the Telegram bridge fetches its chats' staff messages with it
    server.env["CATALOGUE_URL"] = f"http://127.0.0.1:{settings.CATALOGUE_PORT}"  # questions and answers in words
    return server


def main() -> None:
    var = settings.ASSISTANT_VAR
    var.mkdir(exist_ok=True)
    started: list[Server] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    api_token = settings.RASA_API_TOKEN or secrets.token_urlsafe(24)
    bridge_token = settings.BRIDGE_TOKEN or secrets.token_urlsafe(24)
    # the action server's port as configured (endpoints.yml names the default one)
    endpoints = write_endpoints(
        var / "endpoints.yml", settings.ACTIONS_PORT, var / "tracker.db", events_db=var / "events.db"
    )
    catalogue_url = f"http://127.0.0.1:{settings.CATALOGUE_PORT}"
    servers = [
        catalogue_service(settings.CATALOGUE_PORT),
        action_server(settings.ACTIONS_PORT, catalogue_url),
        rasa_server(
            settings.RASA_PORT,
            settings.RASA_MODEL,
            endpoints,
            api_token=api_token,
            cors=settings.RASA_CORS_ORIGINS,
            bridge_token=bridge_token,
        ),
        widget_server(settings.WIDGET_PORT),
        helpdesk_console(api_token, bridge_token),
    ]
    if settings.TELEGRAM_BOT_TOKEN:
        rasa_url = f"http://127.0.0.1:{settings.RASA_PORT}"
        push_url = f"http://127.0.0.1:{settings.CONSOLE_PUSH_PORT}"  # staff messages from the helpdesk console
        servers.append(telegram_bridge(rasa_url, api_token, bridge_token, CONSOLE_PUSH_URL=push_url))
    try:
        for server in servers:
            if stopping:
                break
            print(f"starting the {server.name} ...", flush=True)
            started.append(server.start())
        if not stopping:
            print(
                f"\nThe assistant is ready.\n  REST channel: POST http://127.0.0.1:{settings.RASA_PORT}/webhooks/rest/webhook"
                f'  {{"sender": "web-{secrets.token_hex(16)}", "message": "my father died"}}\n'
                f"  catalogue:    {catalogue_url}/life-events\n"
                f"  web widget:   http://127.0.0.1:{settings.WIDGET_PORT}/demo.html (embed: /widget.js)\n"
                f"  helpdesk:     http://127.0.0.1:{settings.CONSOLE_PORT}/ (accounts: python -m console.accounts)\n"
                "A process that stops is restarted. Ctrl-C stops everything.",
                flush=True,
            )
            supervise(started, lambda: stopping)
    finally:
        print("stopping ...", flush=True)
        stop_all(started)


if __name__ == "__main__":
    main()
