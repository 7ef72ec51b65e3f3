"""Run the whole assistant with its embedded defaults: `python -m runner` (what `make run` does).

Catalogue service on :8800, action server on :5055, Rasa on :5005 with its REST
channel (POST /webhooks/rest/webhook), conversations in SQLite (var/tracker.db).
Rasa's HTTP API is enabled with RASA_API_TOKEN (a random one if unset; the
Telegram bridge uses it to delete a chat's data on /forget). With
TELEGRAM_BOT_TOKEN set, the Telegram bridge runs too. Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from runner.processes import (
    ROOT,
    Server,
    action_server,
    base_env,
    catalogue_service,
    rasa_server,
    widget_server,
    write_endpoints,
)

CATALOGUE_PORT = int(os.environ.get("CATALOGUE_PORT", "8800"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
WIDGET_PORT = int(os.environ.get("WIDGET_PORT", "8090"))
# the sites whose pages may embed the widget (the demo page by default)
CORS_ORIGINS = os.environ.get(
    "RASA_CORS_ORIGINS", f"http://127.0.0.1:{WIDGET_PORT},http://localhost:{WIDGET_PORT}"
).split(",")
MODEL = os.environ.get("RASA_MODEL", "models/assistant.tar.gz")


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    started: list[Server] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    api_token = os.environ.get("RASA_API_TOKEN") or secrets.token_urlsafe(24)
    bridge_token = os.environ.get("BRIDGE_TOKEN") or secrets.token_urlsafe(24)
    # the action server's port as configured (endpoints.yml names the default one)
    endpoints = write_endpoints(ROOT / "var" / "endpoints.yml", ACTIONS_PORT, ROOT / "var" / "tracker.db")
    telegram: subprocess.Popen[bytes] | None = None
    try:
        catalogue_url = f"http://127.0.0.1:{CATALOGUE_PORT}"
        for server in (
            catalogue_service(CATALOGUE_PORT),
            action_server(ACTIONS_PORT, catalogue_url, Path(".cache/actions-catalogue-http")),
            rasa_server(RASA_PORT, MODEL, endpoints, api_token=api_token, cors=CORS_ORIGINS, bridge_token=bridge_token),
            widget_server(WIDGET_PORT),
        ):
            print(f"starting the {server.name} ...", flush=True)
            started.append(server.start())
        if os.environ.get("TELEGRAM_BOT_TOKEN"):
            print("starting the Telegram bridge ...", flush=True)
            env = base_env(
                RASA_URL=f"http://127.0.0.1:{RASA_PORT}", RASA_API_TOKEN=api_token, BRIDGE_TOKEN=bridge_token
            )
            telegram = subprocess.Popen([sys.executable, "-m", "bot.telegram_bridge"], cwd=ROOT, env=env)
        print(
            f"\nThe assistant is ready.\n  REST channel: POST http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
            f'  {{"sender": "web-{secrets.token_hex(16)}", "message": "my father died"}}\n'
            f"  catalogue:    {catalogue_url}/life-events\n"
            f"  web widget:   http://127.0.0.1:{WIDGET_PORT}/demo.html (embed: /widget.js)\n"
            "Ctrl-C stops it.",
            flush=True,
        )
        while not stopping and all(s.process and s.process.poll() is None for s in started):
            time.sleep(0.5)
    except KeyboardInterrupt:
        stopping = True
    finally:
        if telegram is not None:
            telegram.terminate()
            telegram.wait(timeout=15)
        for server in reversed(started):
            server.stop()
    if not stopping:
        sys.exit(1)


if __name__ == "__main__":
    main()
