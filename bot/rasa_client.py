"""The bridge's one way to talk to the assistant: its own channel on the Rasa server, which
accepts Telegram chats only from a caller that knows the shared BRIDGE_TOKEN; and, for /forget,
Rasa's HTTP API (RASA_API_TOKEN)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa could not be reached or failed; `delivered` says whether it may have seen the message."""

    def __init__(self, message: str, delivered: bool) -> None:
        super().__init__(message)
        self.delivered = delivered


class RasaClient:
    def __init__(self, url: str, token: str, api_token: str | None = None, timeout: float = 30.0) -> None:
        self.base = url.rstrip("/")
        self.url = self.base + "/webhooks/bridge/webhook"
        self.api_token = api_token
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=3.0), headers={"X-Bridge-Token": token})

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The assistant's replies to one message from `sender`."""
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        try:
            response = await self.client.post(self.url, json=payload)
        except httpx.ConnectError as error:
            raise RasaUnavailable("Rasa is not reachable", delivered=False) from error
        except httpx.TimeoutException as error:
            raise RasaUnavailable("Rasa did not answer in time", delivered=True) from error
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"Rasa failed: {type(error).__name__}", delivered=True) from error
        if response.status_code >= 500:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}", delivered=response.status_code != 503)
        replies = response.json()
        return replies if isinstance(replies, list) else []

    async def forget(self, sender: str) -> None:
        """Delete `sender`'s conversation (its events) from Rasa's tracker store."""
        if not self.api_token:
            raise RasaUnavailable("Rasa's HTTP API is not configured (RASA_API_TOKEN)", delivered=False)
        url = f"{self.base}/conversations/{sender}/tracker/events"
        try:
            response = await self.client.put(url, params={"token": self.api_token}, json=[], timeout=10)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailable(
                f"Rasa did not delete the conversation: {type(error).__name__}", delivered=False
            ) from error

    async def close(self) -> None:
        await self.client.aclose()
