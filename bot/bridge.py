"""The bridge's work: each Telegram chat is one Rasa conversation (sender `telegram:<chat id>`).

A chat's messages are handled one at a time, in order; different chats concurrently. When Rasa is
down the citizen is told so in their language and the message waits in SQLite (bot/state.py) until
Rasa is back: it is answered once, in order, before anything the citizen writes next. Telegram calls
are plain calls: the application's rate limiter waits out flood control (bot/telegram_bridge.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from typing import Any

import httpx
from telegram import Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.formatting import split
from bot.handled import Handled
from bot.helpdesk import StaffMessages
from bot.keyboards import assistant_keyboard, drop_keyboards, forget_keyboard
from bot.phrases import LANGUAGES, say
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.state import State

log = logging.getLogger("bot.telegram")
LANGUAGE_NAMES = {"en": "English", "ro": "Română", "ru": "Русский"}
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


class Bridge:
    def __init__(self, rasa: RasaClient, state: State, handled: Handled | None = None) -> None:
        self.rasa = rasa
        self.state = state
        self.handled = handled or Handled(f"sqlite:///{state.path}")  # shared by several bridges: PostgreSQL
        self.locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.stopping = asyncio.Event()
        self.redelivery: asyncio.Task[None] | None = None
        self.helpdesk: StaffMessages | None = None  # staff messages from the helpdesk console, when configured
        self.staff_task: asyncio.Task[None] | None = None

    def lang(self, chat_id: int, update: Update | None = None) -> str:
        stored = self.state.language(chat_id)
        if stored:
            return stored
        user = update.effective_user if update else None
        return telegram_language(user.language_code if user else None)

    async def tell(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, key: str, **kw: Any) -> None:
        await context.bot.send_message(chat_id, say(key, self.lang(chat_id), **kw))

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
        """One message to Rasa and its replies to the chat; False if Rasa could not take it."""
        replies = await self.ask(context, chat_id, text, metadata, queue_on_failure)
        if replies is None:
            return False
        for reply in replies:
            await self.send_reply(context, chat_id, reply)
        return True

    async def ask(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        text: str,
        metadata: dict[str, Any] | None,
        queue_on_failure: bool,
    ) -> list[dict[str, Any]] | None:
        """Rasa's replies to one message, with the typing indicator meanwhile; None if Rasa is down."""
        typing = asyncio.create_task(self.keep_typing(context, chat_id))
        try:
            meta = {"language": self.lang(chat_id), **(metadata or {})}
            return await self.rasa.send(sender_of(chat_id), text, meta)
        except RasaUnavailable as error:
            log.warning("Rasa unavailable for a chat message: %s", error)
            if error.delivered:
                await self.tell(context, chat_id, "assistant_slow")
            elif queue_on_failure:
                self.state.queue(chat_id, text, metadata)
                await self.tell(context, chat_id, "assistant_unavailable")
            return None
        finally:
            typing.cancel()

    async def flush(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
        """Deliver the chat's waiting messages in order; False if Rasa is still down."""
        for message_id, _, text, metadata in self.state.waiting(chat_id):
            replies = await self.ask(context, chat_id, text, metadata, queue_on_failure=False)
            if replies is None:
                return False
            self.state.delivered(message_id)  # Rasa has it: never sent again, even if a reply fails below
            for reply in replies:
                await self.send_reply(context, chat_id, reply)
        return True

    async def redeliver(self, context: Any) -> None:
        """Once Rasa is back, answer the messages that waited for it (`context` needs only `.bot`)."""
        for chat_id in dict.fromkeys(chat for _, chat, _, _ in self.state.waiting()):
            async with self.locks[chat_id]:
                if not await self.flush(context, chat_id):
                    return

    async def redelivery_loop(self, application: Application) -> None:  # type: ignore[type-arg]
        """Every few seconds until the bridge stops; a round in progress is finished, never cut short."""
        while not self.stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), REDELIVERY_SECONDS)
                return
            try:
                await self.redeliver(application)
            except Exception:  # the loop must outlive any one failure, or waiting messages wait forever
                log.exception("Redelivery failed")

    async def start_redelivery(self, application: Application) -> None:  # type: ignore[type-arg]
        self.stopping.clear()
        self.redelivery = asyncio.create_task(self.redelivery_loop(application))
        if self.helpdesk is not None:
            self.staff_task = asyncio.create_task(self.helpdesk.run(application.bot, self.stopping))

    async def stop_redelivery(self, application: Application) -> None:  # type: ignore[type-arg]
        """After the application stopped: let a redelivery round finish, then persist what it sent."""
        self.stopping.set()
        if self.redelivery:
            await self.redelivery
        if self.staff_task:
            await self.staff_task
        await application.update_persistence()

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
        keyboard = assistant_keyboard(chat_id, buttons) if buttons else None
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if not piece and not (last and keyboard):
                continue
            await context.bot.send_message(
                chat_id,
                piece or "…",
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                reply_markup=keyboard if last else None,
            )

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
        keyboard = forget_keyboard(chat_id, say("forget_yes", lang), say("forget_no", lang))
        await context.bot.send_message(chat_id, say("forget_confirm", lang), reply_markup=keyboard)

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
        """A pressed button: answered, its keyboard removed, its payload sent on; a second press ignored."""
        query = update.callback_query
        if query is None or query.message is None:
            return
        chat_id, message_id = query.message.chat.id, query.message.message_id
        # no await between this check and press(): two presses handled at once cannot both pass
        if self.state.pressed(chat_id, message_id):
            await query.answer()
            return
        data = query.data  # the button's data, looked up by python-telegram-bot; InvalidCallbackData if unknown
        if not isinstance(data, dict):
            await query.answer(say("button_expired", self.lang(chat_id)))
            return
        self.state.press(chat_id, message_id)
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
        with contextlib.suppress(KeyError):
            context.drop_callback_data(query)  # the keyboard is gone: so is its data
        if "forget" in data:
            await self.forget(context, chat_id) if data["forget"] else await self.tell(context, chat_id, "forget_kept")
            return
        payload = str(data.get("payload", ""))
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
            await self.rasa.forget(sender_of(chat_id))
        except RasaUnavailable as error:
            log.warning("Could not delete a conversation: %s", error)
            await context.bot.send_message(chat_id, say("forget_failed", lang))
            return
        if self.helpdesk is not None:  # what the helpdesk console keeps of the chat goes too
            try:
                await self.helpdesk.forget(chat_id)
            except httpx.HTTPError as error:
                log.warning("Could not delete a conversation in the helpdesk console: %s", type(error).__name__)
                await context.bot.send_message(chat_id, say("forget_failed", lang))
                return
        self.state.forget(chat_id)
        if isinstance(context.bot, ExtBot):
            drop_keyboards(context.bot, chat_id)
            await context.application.update_persistence()
        await context.bot.send_message(chat_id, say("forget_done", lang))

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        self.handled.register(application)  # first, for every update: one handled before stops there
        application.add_handler(CommandHandler("start", self.on_start))
        application.add_handler(CommandHandler("help", self.on_help))
        application.add_handler(CommandHandler("language", self.on_language))
        application.add_handler(CommandHandler("restart", self.on_restart))
        application.add_handler(CommandHandler("forget", self.on_forget))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(filters.LOCATION, self.on_location))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        application.add_handler(MessageHandler(~filters.TEXT & ~filters.COMMAND, self.on_other))
