"""The console's one door to Rasa: its HTTP API with RASA_API_TOKEN.

Pause and resume are Rasa's own events, so a paused assistant stays silent whatever channel
the citizen writes on; a staff message is a `bot` event with metadata naming the staff member,
so the conversation's one transcript holds it too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp


class RasaError(Exception):
    """Rasa could not be reached or refused the call."""


class Rasa:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.session: aiohttp.ClientSession | None = None

    async def _session(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    def _url(self, sender_id: str, tail: str) -> str:
        return f"{self.url}/conversations/{quote(sender_id, safe='')}/{tail}"

    async def _call(
        self, method: str, url: str, params: dict[str, str] | None = None, body: Any = None, read: bool = True
    ) -> dict[str, Any]:
        """One call to Rasa's HTTP API with the token; its JSON answer if `read`."""
        session = await self._session()
        try:
            async with session.request(
                method, url, params={"token": self.token, **(params or {})}, json=body
            ) as response:
                if response.status != 200:
                    raise RasaError(f"Rasa answered HTTP {response.status}")
                return dict(await response.json()) if read else {}
        except aiohttp.ClientError as error:
            raise RasaError(type(error).__name__) from error

    async def tracker(self, sender_id: str) -> dict[str, Any]:
        return await self._call("GET", self._url(sender_id, "tracker"), params={"include_events": "ALL"})

    async def parse(self, text: str) -> dict[str, Any]:
        """What the assistant's model reads in a text (intent, entities, life events by clause)."""
        return await self._call("POST", f"{self.url}/model/parse", body={"text": text})

    async def append(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        await self._call("POST", self._url(sender_id, "tracker/events"), body=events, read=False)

    async def pause(self, sender_id: str) -> None:
        await self.append(sender_id, [{"event": "pause"}])

    async def resume(self, sender_id: str, notice: str, staff: str) -> None:
        """The assistant answers again; the handover request is cleared so a new one is noticed; the
        citizen's notice is recorded as the assistant's."""
        await self.append(
            sender_id,
            [
                {"event": "resume"},
                {"event": "slot", "name": "handover", "value": None},
                {"event": "bot", "text": notice, "metadata": {"console": "notice", "staff": staff}},
            ],
        )

    async def staff_message(self, sender_id: str, text: str, staff: str, author: str) -> None:
        await self.append(
            sender_id,
            [{"event": "bot", "text": text, "metadata": {"console": "staff", "staff": staff, "author": author}}],
        )
