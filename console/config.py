"""The console's settings, each read once from the environment with its one default (README table)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    var: Path = field(default_factory=lambda: Path(os.environ.get("ASSISTANT_VAR", ROOT / "var")))
    host: str = field(default_factory=lambda: os.environ.get("CONSOLE_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_PORT", "8070")))
    push_port: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_PUSH_PORT", "8071")))
    database_url: str = field(default_factory=lambda: os.environ.get("CONSOLE_DATABASE_URL", ""))
    events_url: str = field(default_factory=lambda: os.environ.get("CONSOLE_EVENTS_URL", ""))
    secret: str = field(default_factory=lambda: os.environ.get("CONSOLE_SECRET", ""))
    rasa_url: str = field(default_factory=lambda: os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    rasa_token: str = field(default_factory=lambda: os.environ.get("RASA_API_TOKEN", ""))
    # the Telegram bridge's shared secret: it fetches the staff messages for Telegram chats with it
    bridge_token: str = field(default_factory=lambda: os.environ.get("BRIDGE_TOKEN", ""))
    # the web origins whose pages embed the widget: they may read the push endpoint
    push_origins: list[str] = field(
        default_factory=lambda: _list(os.environ.get("CONSOLE_PUSH_ORIGINS") or os.environ.get("RASA_CORS_ORIGINS", ""))
    )
    secure_cookie: bool = field(default_factory=lambda: os.environ.get("CONSOLE_SECURE_COOKIE") == "1")
    # days the console keeps a conversation's row, staff messages, notes and tags after its last change
    retention_days: float = field(default_factory=lambda: float(os.environ.get("RETENTION_DAYS") or 90))
    # Redis for the consoles' notifications to each other (the scaled profile); unset: none needed
    redis_url: str = field(default_factory=lambda: os.environ.get("CONSOLE_REDIS_URL", ""))
    # seconds between a live page's looks at the store for changes nobody announced
    store_poll: float = field(default_factory=lambda: float(os.environ.get("CONSOLE_STORE_POLL") or 1))
    # behind the deployment's own proxy: per-address limits use the address it forwards (X-Forwarded-For)
    trusted_proxy: bool = field(default_factory=lambda: os.environ.get("TRUSTED_PROXY") == "1")
    # requests a minute to one conversation's push endpoint / from one address (0: no limit)
    push_rate: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_RATE_PUSH") or 60))
    push_rate_per_client: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_RATE_PUSH_CLIENT") or 600))
    # wrong sign-ins a minute from one address (each account is also slowed down on its own)
    sign_in_failures: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_RATE_SIGN_IN_FAILURES") or 10))
    # replies and guides a minute sent by one staff member
    reply_rate: int = field(default_factory=lambda: int(os.environ.get("CONSOLE_RATE_REPLY") or 30))
    # a TrueType font with the Romanian and Russian letters, for the guide as a PDF (Debian's fonts-dejavu-core)
    pdf_font: Path = field(
        default_factory=lambda: Path(
            os.environ.get("CONSOLE_PDF_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        )
    )
    session_hours: float = field(default_factory=lambda: float(os.environ.get("CONSOLE_SESSION_HOURS", "12")))

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var / 'console.db'}"

    @property
    def broker_url(self) -> str:
        return self.events_url or f"sqlite:///{self.var / 'events.db'}"
