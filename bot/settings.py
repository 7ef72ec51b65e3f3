"""The Telegram bridge's environment variables, each read once with its one default (README table)."""

from __future__ import annotations

import os
from pathlib import Path

TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
BRIDGE_TOKEN = os.environ.get("BRIDGE_TOKEN", "")  # shown to Rasa's bridge channel
RASA_API_TOKEN = os.environ.get("RASA_API_TOKEN") or None  # Rasa's HTTP API, for /forget
RASA_URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
TELEGRAM_STATE = Path(os.environ.get("TELEGRAM_STATE", "var/telegram.db"))  # the bridge's file (0600)
# where the bridges record the updates and staff messages they took on (bot/handled.py); unset: the
# bridge's own file; a postgresql:// URL shared by several bridges (the scaled profile)
TELEGRAM_DATABASE_URL = os.environ.get("TELEGRAM_DATABASE_URL") or f"sqlite:///{TELEGRAM_STATE}"
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL") or None  # a Bot API server; unset: Telegram's
# webhook mode instead of long polling when TELEGRAM_WEBHOOK_URL is set (the secret is required then)
TELEGRAM_WEBHOOK_URL = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_WEBHOOK_LISTEN = os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1")
TELEGRAM_WEBHOOK_PORT = int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443"))
TELEGRAM_WEBHOOK_PATH = os.environ.get("TELEGRAM_WEBHOOK_PATH", "/telegram")
# the helpdesk console's push endpoint, where staff messages for Telegram chats wait; unset: none
CONSOLE_PUSH_URL = os.environ.get("CONSOLE_PUSH_URL") or None
