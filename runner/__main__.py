"""Run the whole assistant with its embedded defaults: `python -m runner` (what `make run` does).

Catalogue service on :8800, action server on :5055, Rasa on :5005 with its REST
channel (POST /webhooks/rest/webhook), conversations in SQLite (var/tracker.db).
RASA_API_TOKEN enables Rasa's HTTP API for tools. Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from runner.processes import ROOT, Server, action_server, catalogue_service, rasa_server

CATALOGUE_PORT = int(os.environ.get("CATALOGUE_PORT", "8800"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
MODEL = os.environ.get("RASA_MODEL", "models/assistant.tar.gz")


def main() -> None:
    (ROOT / "var").mkdir(exist_ok=True)
    started: list[Server] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        catalogue_url = f"http://127.0.0.1:{CATALOGUE_PORT}"
        for server in (
            catalogue_service(CATALOGUE_PORT),
            action_server(ACTIONS_PORT, catalogue_url, Path(".cache/actions-catalogue-http")),
            rasa_server(RASA_PORT, MODEL, api_token=os.environ.get("RASA_API_TOKEN")),
        ):
            print(f"starting the {server.name} ...", flush=True)
            started.append(server.start())
        print(
            f"\nThe assistant is ready.\n  REST channel: POST http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook"
            f'  {{"sender": "me", "message": "my father died"}}\n  catalogue:    {catalogue_url}/life-events\n'
            "Ctrl-C stops it.",
            flush=True,
        )
        while not stopping and all(s.process and s.process.poll() is None for s in started):
            time.sleep(0.5)
    except KeyboardInterrupt:
        stopping = True
    finally:
        for server in reversed(started):
            server.stop()
    if not stopping:
        sys.exit(1)


if __name__ == "__main__":
    main()
