"""The environment variables the runner reads, each once with its one default (README table).

Read by `python -m runner` (make run) and by the two entry points it starts, `serve_rasa` and
`serve_actions`. Secrets are given as they are (empty when unset): the runner makes random ones
for what it starts, the entry points refuse or disable what has none.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CATALOGUE_PORT = int(os.environ.get("CATALOGUE_PORT", "8800"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
WIDGET_PORT = int(os.environ.get("WIDGET_PORT", "8090"))
RASA_INTERFACE = os.environ.get("RASA_INTERFACE", "127.0.0.1")  # where Rasa listens
ACTIONS_HOST = os.environ.get("ACTIONS_HOST", "127.0.0.1")  # where the action server listens
# the sites whose pages may embed the widget (the demo page by default)
RASA_CORS_ORIGINS = os.environ.get(
    "RASA_CORS_ORIGINS", f"http://127.0.0.1:{WIDGET_PORT},http://localhost:{WIDGET_PORT}"
).split(",")
RASA_MODEL = os.environ.get("RASA_MODEL", "models/assistant.tar.gz")
ASSISTANT_VAR = Path(os.environ.get("ASSISTANT_VAR", ROOT / "var"))  # conversations and generated settings
RASA_API_TOKEN = os.environ.get("RASA_API_TOKEN", "")  # Rasa's HTTP API; unset: random (make run), off (serve_rasa)
BRIDGE_TOKEN = os.environ.get("BRIDGE_TOKEN", "")  # Rasa's bridge channel and the Telegram bridge; unset: random
ACTIONS_TOKEN = os.environ.get("ACTIONS_TOKEN", "")  # Rasa and the action server; unset: random (make run)
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")  # set: make run starts the Telegram bridge too
TELEGRAM_WEBHOOK_URL = os.environ.get("TELEGRAM_WEBHOOK_URL", "")  # set: the scaled profile runs two bridges
TELEGRAM_WEBHOOK_PORT = int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443"))  # where HAProxy takes the webhook
CONSOLE_PORT = int(os.environ.get("CONSOLE_PORT", "8070"))  # the helpdesk console's staff pages
CONSOLE_PUSH_PORT = int(os.environ.get("CONSOLE_PUSH_PORT", "8071"))  # its push endpoint for the widget
CONSOLE_SECRET = os.environ.get("CONSOLE_SECRET", "")  # signs staff sessions; unset: kept in var/console_secret
