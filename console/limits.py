"""How fast callers may go: the widget's push endpoint per conversation and per address, wrong
sign-ins per address, replies per staff member. Beyond a limit a polite 429 with Retry-After:
JSON for the widget, a page for staff. Counted in each console process's memory (`rate_limit`)."""

from __future__ import annotations

from aiohttp import web

from console.config import Settings
from rate_limit import RateLimit


class Limits:
    def __init__(self, settings: Settings) -> None:
        self.trusted_proxy = settings.trusted_proxy
        self.push_conversation = RateLimit(settings.push_rate)
        self.push_client = RateLimit(settings.push_rate_per_client)
        self.sign_in_failures = RateLimit(settings.sign_in_failures)
        self.reply = RateLimit(settings.reply_rate)

    def client(self, request: web.BaseRequest) -> str:
        """The caller's address; behind the deployment's own proxy (TRUSTED_PROXY=1), the one it saw."""
        if self.trusted_proxy:
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                return forwarded
        return request.remote or "?"


def retry_after(wait: float) -> int:
    """Whole seconds to wait, rounded up (the Retry-After header's value)."""
    return int(wait) + 1
