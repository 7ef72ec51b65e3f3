"""Staff messages from the helpdesk console to their Telegram chats, in order, each once.

The console keeps what staff write (and its notices: handed back, closed) until it is delivered;
the bridge asks for what came after the last one it sent (`GET /bridge/messages?after=N&wait=20`
on the console's push endpoint, with the bridge's shared secret: a long poll that answers as soon
as there is something), sends each to its chat with the
writer's name, and keeps its place in its own file, so a restart of either side loses nothing.
Each message is claimed before it is sent (bot/handled.py): two bridges send it once, and a bridge
killed between Telegram's answer and writing its place down does not send it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import httpx
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.formatting import split
from bot.handled import STAFF, Handled
from bot.state import State

log = logging.getLogger("bot.helpdesk")
CURSOR = "helpdesk"
WAIT = 20.0  # seconds the console may hold a request while nothing is waiting


class StaffMessages:
    def __init__(self, url: str, token: str, state: State, handled: Handled, interval: float = 0.5) -> None:
        self.url = url.rstrip("/") + "/bridge/messages"
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(WAIT + 10.0, connect=3.0), headers={"X-Bridge-Token": token}
        )
        self.state = state
        self.handled = handled  # shared by the bridges: each staff message claimed once, before it is sent
        self.interval = interval

    async def fetch(self, after: int) -> list[dict[str, Any]]:
        response = await self.client.get(self.url, params={"after": after, "wait": WAIT})
        response.raise_for_status()
        return list(response.json()["messages"])

    async def forget(self, chat_id: int) -> None:
        """The chat's conversation leaves the console too (/forget); raises httpx.HTTPError when it cannot."""
        url = self.url.rsplit("/", 1)[0] + "/forget"
        response = await self.client.post(url, params={"chat_id": chat_id}, timeout=10.0)
        response.raise_for_status()

    async def deliver(self, bot: Bot, message: dict[str, Any]) -> bool:
        """Send one message; false when it should be tried again later (Telegram or the network)."""
        text = f"{message['author']}:\n{message['text']}" if message["author"] else str(message["text"])
        try:
            for part in split(text):
                await bot.send_message(int(message["chat_id"]), part)
        except (Forbidden, BadRequest) as error:  # the citizen blocked the bot, the chat is gone: not again
            log.warning("a staff message could not be delivered (%s); skipped", type(error).__name__)
        except TelegramError as error:
            log.warning("a staff message was not delivered yet (%s); trying again", type(error).__name__)
            return False
        return True

    async def run(self, bot: Bot, stopping: asyncio.Event) -> None:
        after = self.state.cursor(CURSOR)
        stop = asyncio.ensure_future(stopping.wait())
        while not stopping.is_set():
            pause = 0.0
            started = time.monotonic()
            fetching = asyncio.ensure_future(self.fetch(after))
            await asyncio.wait({fetching, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not fetching.done():  # stopping: the long poll is abandoned
                fetching.cancel()
                with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
                    await fetching
                break
            try:
                messages = fetching.result()
                for message in messages:
                    claimed = self.handled.claim(STAFF, int(message["id"]))  # else sent, or being sent, already
                    if claimed and not await self.deliver(bot, message):
                        self.handled.release(STAFF, int(message["id"]))
                        pause = 5.0
                        break
                    after = int(message["id"])
                    self.state.set_cursor(CURSOR, after)
                if not messages and time.monotonic() - started < self.interval:
                    pause = self.interval  # a console that does not hold the request: poll gently
            except (httpx.HTTPError, ValueError, KeyError) as error:
                log.debug("the helpdesk console did not answer (%s)", type(error).__name__)
                pause = 5.0
            if pause:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(stop), pause)
        stop.cancel()
        await self.client.aclose()
