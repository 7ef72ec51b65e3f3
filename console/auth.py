"""Passwords (argon2), the signed session cookie (itsdangerous), CSRF tokens, slowed wrong passwords.

The cookie holds only the account's id, the account's session epoch (signing out or changing the
password moves it, so older cookies stop working) and the session's CSRF token; it is signed
with CONSOLE_SECRET, HTTP-only, SameSite=Strict.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "console_session"
FREE_FAILURES = 3  # wrong passwords in a row before the account is slowed down
MAX_LOCK = 300.0  # seconds an account waits at most between attempts
MIN_PASSWORD = 10

hasher = PasswordHasher()
_DUMMY = hasher.hash(secrets.token_urlsafe(16))  # verified for unknown names: the same time either way


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return hasher.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def lock_after(failures: int) -> float:
    """Seconds the account waits after its `failures`-th wrong password in a row (1, 2, 4, … 300)."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_LOCK)


class Sessions:
    """Signs and reads the session cookie."""

    def __init__(self, secret: str, max_age_hours: float) -> None:
        self.serializer = URLSafeTimedSerializer(secret, salt="console-session")
        self.max_age = int(max_age_hours * 3600)

    def new(self) -> dict[str, Any]:
        return {"c": secrets.token_urlsafe(24)}

    def dump(self, session: dict[str, Any]) -> str:
        return str(self.serializer.dumps(session))

    def load(self, cookie: str | None) -> dict[str, Any] | None:
        if not cookie:
            return None
        try:
            value = self.serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is one
            return None
        return value if isinstance(value, dict) and isinstance(value.get("c"), str) else None


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def now() -> float:
    return time.time()
