"""Webhook mode, the way python-telegram-bot's custom-webhook example runs it: our own small web server
puts Telegram's updates on the application's update queue, beside a `/health` route.

`Application.run_webhook(secret_token=...)` would do the secret-token check and the queueing itself,
but its server (tornado) serves the webhook path only, and the bridge's `/health` must stay; so the
check is here, with the same answer as the library's: 403 without the right token.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ExtBot

log = logging.getLogger("bot.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application, path: str, secret: str) -> web.Application:  # type: ignore[type-arg]
    """The web server: Telegram's updates at `path` (with the secret token only) and `/health`."""

    async def receive(request: web.Request) -> web.Response:
        if not secrets.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            log.warning("Refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="bad update")
        if isinstance(application.bot, ExtBot):
            application.bot.insert_callback_data(update)  # a pressed button's data, as polling does
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get("/health", health)
    return app


async def serve_webhook(application: Application, listen: str, port: int, path: str, secret: str, url: str) -> None:  # type: ignore[type-arg]
    """Register the webhook with Telegram, serve until SIGINT or SIGTERM, then stop cleanly."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    runner = web.AppRunner(webhook_app(application, path, secret))
    await runner.setup()
    async with application:  # initialize (reads the persistence) ... shutdown
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        if application.post_init:
            await application.post_init(application)
        await web.TCPSite(runner, listen, port).start()
        log.info("Telegram webhook listening on %s:%s%s", listen, port, path)
        try:
            await stopping.wait()
        finally:
            await runner.cleanup()  # no new updates; then the queued ones are handled and persisted
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
