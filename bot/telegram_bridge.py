"""The Telegram bridge: python-telegram-bot in front of the assistant (bot/bridge.py does the work).

    TELEGRAM_BOT_TOKEN=... python -m bot.telegram_bridge            # long polling
    TELEGRAM_WEBHOOK_URL=https://... TELEGRAM_WEBHOOK_SECRET=... ... # webhook mode (bot/webhook.py)

What python-telegram-bot does for the bridge: its AIORateLimiter waits out Telegram's flood control
(429 with retry_after) and sends the request again; its arbitrary callback data keeps what each
button means (bot/keyboards.py), kept across restarts by a persistence in the bridge's SQLite file
(bot/persistence.py). A request that could not connect never reached Telegram, so the HTTP
transport tries it again; one that timed out or failed at Telegram is not repeated (it may have
been delivered, and the citizen would read it twice).
"""

from __future__ import annotations

import asyncio
import logging
import os

import httpx
from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

import privacy
from bot import settings
from bot.bridge import Bridge
from bot.handled import Handled
from bot.helpdesk import StaffMessages
from bot.persistence import SQLitePersistence
from bot.rasa_client import RasaClient
from bot.state import State
from bot.webhook import serve_webhook

__all__ = ["Bridge", "build", "main"]

FLOOD_RETRIES = 5  # a request refused with 429 is sent again after Telegram's retry_after, up to this often
CONNECT_RETRIES = 3  # a request that could not connect never reached Telegram: safe to send again
KEYBOARDS_KEPT = 10_000  # the most recent keyboards whose buttons work; an older one says "write your answer"
POOL_SIZE = 256  # connections to Telegram, as many as updates handled at once (python-telegram-bot's default)


def build(token: str, bridge: Bridge, api_url: str | None = None, polling: bool = True) -> Application:  # type: ignore[type-arg]
    """The application; for webhook mode without an updater (bot/webhook.py feeds its update queue)."""
    transport = httpx.AsyncHTTPTransport(retries=CONNECT_RETRIES, limits=httpx.Limits(max_connections=POOL_SIZE))
    builder = (
        ApplicationBuilder()
        .token(token)
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        .request(HTTPXRequest(connection_pool_size=POOL_SIZE, httpx_kwargs={"transport": transport}))
        .arbitrary_callback_data(KEYBOARDS_KEPT)
        .job_queue(None)  # nothing is scheduled: no scheduler thread
        .persistence(SQLitePersistence(bridge.state))
        .post_init(bridge.start_redelivery)
        .post_stop(bridge.stop_redelivery)
    )
    if api_url:
        builder = builder.base_url(api_url.rstrip("/") + "/bot")
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    bridge.register(application)
    return application


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the bot token in URLs
    privacy.install()
    os.umask(0o077)  # every file the bridge writes is its owner's only
    for name in ("TELEGRAM_BOT_TOKEN", "BRIDGE_TOKEN"):
        if not getattr(settings, name):
            raise SystemExit(f"{name} is not set")
    bridge = Bridge(
        RasaClient(settings.RASA_URL, settings.BRIDGE_TOKEN, settings.RASA_API_TOKEN),
        State(settings.TELEGRAM_STATE),
        Handled(settings.TELEGRAM_DATABASE_URL),
    )
    if settings.CONSOLE_PUSH_URL:  # staff messages from the helpdesk console (bot/helpdesk.py)
        bridge.helpdesk = StaffMessages(settings.CONSOLE_PUSH_URL, settings.BRIDGE_TOKEN, bridge.state, bridge.handled)
    webhook_url = settings.TELEGRAM_WEBHOOK_URL
    application = build(settings.TELEGRAM_BOT_TOKEN, bridge, settings.TELEGRAM_API_URL, polling=not webhook_url)
    if webhook_url:
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            raise SystemExit("TELEGRAM_WEBHOOK_SECRET is required in webhook mode: without it anyone could post")
        listen, port = settings.TELEGRAM_WEBHOOK_LISTEN, settings.TELEGRAM_WEBHOOK_PORT
        asyncio.run(serve_webhook(application, listen, port, settings.TELEGRAM_WEBHOOK_PATH, secret, webhook_url))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


if __name__ == "__main__":
    main()
