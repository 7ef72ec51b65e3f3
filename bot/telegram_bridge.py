"""The Telegram bridge: python-telegram-bot in front of the assistant's REST channel.

    TELEGRAM_BOT_TOKEN=... python -m bot.telegram_bridge            # long polling
    TELEGRAM_WEBHOOK_URL=https://... TELEGRAM_WEBHOOK_SECRET=... ... # webhook mode

Each chat is one Rasa conversation (sender `telegram:<chat id>`). Messages of a
chat are handled one at a time, in order; different chats concurrently. Rasa
buttons become inline keyboards whose callback data is a short key (Telegram
allows 64 bytes); a pressed keyboard is removed so it cannot be pressed twice.
When Rasa is down the citizen gets a polite message in their language and the
message waits in SQLite until Rasa is back; nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

import privacy
from bot.formatting import split
from bot.phrases import LANGUAGES, say
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.state import State

log = logging.getLogger("bot.telegram")
T = TypeVar("T")
LANGUAGE_NAMES = {"en": "English", "ro": "Română", "ru": "Русский"}
SEND_ATTEMPTS = 5
REDELIVERY_SECONDS = 5.0


def sender_of(chat_id: int) -> str:
    return f"telegram:{chat_id}"


def telegram_language(code: str | None) -> str:
    code = (code or "").lower()
    if code.startswith(("ro", "mo")):
        return "ro"
    if code.startswith("ru"):
        return "ru"
    return "en"


def seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Bridge:
    def __init__(self, rasa: RasaClient, state: State, rasa_api: str | None, rasa_token: str | None) -> None:
        self.rasa = rasa
        self.state = state
        self.rasa_api = rasa_api
        self.rasa_token = rasa_token
        self.locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- Telegram calls, with flood control and network retries ------------------
    async def call(self, method: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await method(*args, **kwargs)
            except RetryAfter as error:
                wait = seconds(error.retry_after)
                log.warning("Telegram flood control: waiting %.1f s", wait)
                await asyncio.sleep(wait)
            except (TimedOut, NetworkError) as error:
                if attempt == SEND_ATTEMPTS:
                    raise
                log.warning("Telegram network error (%s), retrying", type(error).__name__)
                await asyncio.sleep(0.5 * attempt)
        raise TelegramError("Telegram kept refusing the request")

    def lang(self, chat_id: int, update: Update | None = None) -> str:
        stored = self.state.language(chat_id)
        if stored:
            return stored
        user = update.effective_user if update else None
        return telegram_language(user.language_code if user else None)

    async def tell(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, key: str, **kw: Any) -> None:
        await self.call(context.bot.send_message, chat_id, say(key, self.lang(chat_id), **kw))

    # -- relaying to the assistant --------------------------------------------------
    async def relay(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, metadata: dict[str, Any] | None = None
    ) -> None:
        """Send one citizen message to Rasa and its replies back, after anything still waiting."""
        async with self.locks[chat_id]:
            if self.state.waiting(chat_id):
                self.state.queue(chat_id, text, metadata)
                if not await self.flush(context, chat_id):
                    await self.tell(context, chat_id, "assistant_unavailable")
                return
            await self.deliver(context, chat_id, text, metadata, queue_on_failure=True)

    async def deliver(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        text: str,
        metadata: dict[str, Any] | None,
        queue_on_failure: bool,
    ) -> bool:
        typing = asyncio.create_task(self.keep_typing(context, chat_id))
        try:
            meta = {"language": self.lang(chat_id), **(metadata or {})}
            replies = await self.rasa.send(sender_of(chat_id), text, meta)
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for a chat message: %s", error)
            if error.delivered:
                await self.tell(context, chat_id, "assistant_slow")
            elif queue_on_failure:
                self.state.queue(chat_id, text, metadata)
                await self.tell(context, chat_id, "assistant_unavailable")
            return False
        finally:
            typing.cancel()
        for reply in replies:
            await self.send_reply(context, chat_id, reply)
        return True

    async def flush(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
        """Deliver the chat's waiting messages in order; False if Rasa is still down."""
        for message_id, _, text, metadata in self.state.waiting(chat_id):
            if not await self.deliver(context, chat_id, text, metadata, queue_on_failure=False):
                return False
            self.state.delivered(message_id)
        return True

    async def redeliver(self, context: Any) -> None:
        """Once Rasa is back, answer the messages that waited for it (`context` needs only `.bot`)."""
        for chat_id in dict.fromkeys(chat for _, chat, _, _ in self.state.waiting()):
            async with self.locks[chat_id]:
                if not await self.flush(context, chat_id):
                    return

    async def redelivery_loop(self, application: Application) -> None:  # type: ignore[type-arg]
        while True:
            await asyncio.sleep(REDELIVERY_SECONDS)
            try:
                await self.redeliver(application)
            except TelegramError as error:
                log.warning("Redelivery failed: %s", error)

    async def keep_typing(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        try:
            while True:
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(4)
        except (TelegramError, asyncio.CancelledError):
            return

    async def send_reply(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: dict[str, Any]) -> None:
        buttons = reply.get("buttons") or []
        if not reply.get("text") and not buttons:
            return  # e.g. {"custom": {"language": "ru"}}, the conversation's language for the web widget
        pieces = split(str(reply.get("text") or ""))
        keyboard = self.keyboard(chat_id, buttons) if buttons else None
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if not piece and not (last and keyboard):
                continue
            await self.call(
                context.bot.send_message,
                chat_id,
                piece or "…",
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                reply_markup=keyboard if last else None,
            )

    def keyboard(self, chat_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
        keys = [
            InlineKeyboardButton(
                str(b.get("title", ""))[:64],
                callback_data=self.state.button_key(chat_id, str(b.get("payload", "")), str(b.get("title", ""))),
            )
            for b in buttons
        ]
        width = 2 if all(len(str(b.get("title", ""))) <= 16 for b in buttons) else 1
        return InlineKeyboardMarkup([keys[i : i + width] for i in range(0, len(keys), width)])

    # -- handlers ---------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A citizen's text goes to the assistant."""
        message = update.effective_message
        if message is None or update.effective_chat is None:
            return
        await self.relay(context, update.effective_chat.id, (message.text or "")[:4000])

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: the welcome in the citizen's Telegram language, and a language choice."""
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        self.state.set_language(chat_id, self.lang(chat_id, update))
        await self.relay(context, chat_id, "/greet")
        await self.offer_languages(context, chat_id)

    async def on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: what the assistant can do."""
        await self.relay(context, update.effective_chat.id, "/help")  # type: ignore[union-attr]

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/language: choose the conversation's language."""
        await self.offer_languages(context, update.effective_chat.id)  # type: ignore[union-attr]

    async def on_restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/restart: start the conversation over."""
        await self.relay(context, update.effective_chat.id, "/start_over")  # type: ignore[union-attr]

    async def on_forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: delete this chat's conversation data, after a confirmation."""
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        lang = self.lang(chat_id, update)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(say("forget_yes", lang), callback_data="forget:yes"),
                    InlineKeyboardButton(say("forget_no", lang), callback_data="forget:no"),
                ]
            ]
        )
        await self.call(context.bot.send_message, chat_id, say("forget_confirm", lang), reply_markup=keyboard)

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A shared location: the nearest office for the current service or life event."""
        location = update.effective_message.location  # type: ignore[union-attr]
        await self.relay(
            context,
            update.effective_chat.id,  # type: ignore[union-attr]
            "/ask_office",
            {"location": {"lat": location.latitude, "lon": location.longitude}},  # type: ignore[union-attr]
        )

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice...: the assistant reads text only."""
        if update.effective_chat:
            await self.tell(context, update.effective_chat.id, "text_only")

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed button: answered, its keyboard removed, its payload sent on."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        chat_id = query.message.chat.id
        if query.data in ("forget:yes", "forget:no"):
            await self.call(query.answer)
            await self.call(query.edit_message_reply_markup, reply_markup=None)
            await self.forget(context, chat_id) if query.data == "forget:yes" else await self.tell(
                context, chat_id, "forget_kept"
            )
            return
        button = self.state.button(query.data or "")
        if button is None:
            await self.call(query.answer, say("button_expired", self.lang(chat_id)))
            return
        if not self.state.first_press(chat_id, query.message.message_id):
            await self.call(query.answer)
            return
        await self.call(query.answer)
        await self.call(query.edit_message_reply_markup, reply_markup=None)
        payload, _title = button
        if payload.startswith("/change_language"):
            for code in LANGUAGES:
                if f'"{code}"' in payload:
                    self.state.set_language(chat_id, code)
        await self.relay(context, chat_id, payload)

    async def offer_languages(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        buttons = [
            {"title": name, "payload": f'/change_language{{"language": "{code}"}}'}
            for code, name in LANGUAGE_NAMES.items()
        ]
        await self.send_reply(context, chat_id, {"text": say("language_which", self.lang(chat_id)), "buttons": buttons})

    async def forget(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        lang = self.lang(chat_id)
        try:
            if not (self.rasa_api and self.rasa_token):
                raise RuntimeError("Rasa's HTTP API is not configured (RASA_API_TOKEN)")
            async with httpx.AsyncClient(timeout=10) as client:
                url = f"{self.rasa_api}/conversations/{sender_of(chat_id)}/tracker/events"
                response = await client.put(url, params={"token": self.rasa_token}, json=[])
                response.raise_for_status()
        except (httpx.HTTPError, RuntimeError) as error:
            log.warning("Could not delete a conversation: %s", error)
            await self.call(context.bot.send_message, chat_id, say("forget_failed", lang))
            return
        self.state.forget(chat_id)
        await self.call(context.bot.send_message, chat_id, say("forget_done", lang))

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        application.add_handler(CommandHandler("start", self.on_start))
        application.add_handler(CommandHandler("help", self.on_help))
        application.add_handler(CommandHandler("language", self.on_language))
        application.add_handler(CommandHandler("restart", self.on_restart))
        application.add_handler(CommandHandler("forget", self.on_forget))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.LOCATION, self.on_location))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND, self.on_other))


def build(token: str, bridge: Bridge, api_url: str | None = None) -> Application:  # type: ignore[type-arg]
    async def start_redelivery(application: Application) -> None:  # type: ignore[type-arg]
        application.create_task(bridge.redelivery_loop(application))

    builder = ApplicationBuilder().token(token).concurrent_updates(True).post_init(start_redelivery)
    if api_url:
        builder = builder.base_url(api_url.rstrip("/") + "/bot")
    application = builder.build()
    bridge.register(application)
    return application


async def serve_webhook(application: Application, listen: str, port: int, path: str, secret: str, url: str) -> None:  # type: ignore[type-arg]
    """Webhook mode: Telegram POSTs updates here; requests without the secret-token header are refused."""

    async def receive(request: web.Request) -> web.Response:
        if not secrets.compare_digest(request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), secret):
            log.warning("Refused a webhook request without the right secret token")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get("/health", health)
    runner = web.AppRunner(app)
    await runner.setup()
    async with application:
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await application.start()
        if application.post_init:
            await application.post_init(application)
        await web.TCPSite(runner, listen, port).start()
        log.info("Telegram webhook listening on %s:%s%s", listen, port, path)
        try:
            await asyncio.Event().wait()
        finally:
            await application.stop()
            await runner.cleanup()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the bot token in URLs
    privacy.install()
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    rasa_url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    bridge = Bridge(
        RasaClient(rasa_url, os.environ["BRIDGE_TOKEN"]),
        State(Path(os.environ.get("TELEGRAM_STATE", "var/telegram.db"))),
        rasa_url,
        os.environ.get("RASA_API_TOKEN"),
    )
    application = build(token, bridge, os.environ.get("TELEGRAM_API_URL"))
    webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL")
    if webhook_url:
        secret = os.environ["TELEGRAM_WEBHOOK_SECRET"]
        port = int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443"))
        path = os.environ.get("TELEGRAM_WEBHOOK_PATH", "/telegram")
        asyncio.run(
            serve_webhook(
                application, os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"), port, path, secret, webhook_url
            )
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)


if __name__ == "__main__":
    main()
