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

import secrets

from runner import settings
from runner.processes import (
    Server,
    action_server,
    catalogue_service,
    console_secret,
    console_server,
    rasa_server,
    telegram_bridge,
    widget_server,
    write_endpoints,
)
from runner.supervisor import stop_all, stop_on_signals, supervise


def helpdesk_console(api_token: str, bridge_token: str) -> Server:
    """The helpdesk console on CONSOLE_PORT, its push endpoint on CONSOLE_PUSH_PORT, reading Rasa's events."""
    rasa_url = f"http://127.0.0.1:{settings.RASA_PORT}"
    var = settings.ASSISTANT_VAR
    server = console_server(
        settings.CONSOLE_PORT, settings.CONSOLE_PUSH_PORT, rasa_url, api_token, console_secret(var), var
    )
    server.env.setdefault("CONSOLE_PUSH_ORIGINS", ",".join(settings.RASA_CORS_ORIGINS))  # where the widget is
    server.env["BRIDGE_TOKEN"] = bridge_token  # the Telegram bridge fetches its chats' staff messages with it
    server.env["CATALOGUE_URL"] = f"http://127.0.0.1:{settings.CATALOGUE_PORT}"  # questions and answers in words
    return server


def main() -> None:
    var = settings.ASSISTANT_VAR
    var.mkdir(exist_ok=True)
    started: list[Server] = []
    stopping = stop_on_signals()
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
            if stopping():
                break
            print(f"starting the {server.name} ...", flush=True)
            started.append(server.start())
        if not stopping():
            print(
                f"\nThe assistant is ready.\n  REST channel: POST http://127.0.0.1:{settings.RASA_PORT}/webhooks/rest/webhook"
                f'  {{"sender": "web-{secrets.token_hex(16)}", "message": "my father died"}}\n'
                f"  catalogue:    {catalogue_url}/life-events\n"
                f"  web widget:   http://127.0.0.1:{settings.WIDGET_PORT}/demo.html (embed: /widget.js)\n"
                f"  helpdesk:     http://127.0.0.1:{settings.CONSOLE_PORT}/ (accounts: python -m console.accounts)\n"
                "A process that stops is restarted. Ctrl-C stops everything.",
                flush=True,
            )
            supervise(started, stopping)
    finally:
        print("stopping ...", flush=True)
        stop_all(started)


if __name__ == "__main__":
    main()
