"""Personal identifiers are masked outside the conversation (pure checks, then a process's logs)."""

from __future__ import annotations

import logging
import uuid

import pytest

from privacy import MaskingFilter, mask
from tests.conftest import Stack


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("my IDNP is 2002001234563", "my IDNP is [IDNP]"),
        ("call me at +373 69 123 456 please", "call me at [PHONE] please"),
        ("telefon 069123456", "telefon [PHONE]"),
        ("write to ana.popescu@mail.md", "write to [EMAIL]"),
        ("IBAN MD24AG000225100013104168", "IBAN [IBAN]"),
        ("card 4111 1111 1111 1111", "card [CARD]"),
    ],
)
def test_identifiers_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    ["I worked 35 years", "born in 2019, we live in Cahul", "2002001234567 is not a valid IDNP", "order 12345"],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask(text) == text


def test_log_lines_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("privacy-test")
    caplog.handler.addFilter(MaskingFilter())
    logger.warning("the citizen wrote %r", "IDNP 2002001234563, phone +37369123456")
    assert "2002001234563" not in caplog.text and "37369123456" not in caplog.text
    assert "[IDNP]" in caplog.text and "[PHONE]" in caplog.text


def test_what_citizens_type_leaves_no_identifier_in_logs_or_caches(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    secrets = ["2002001234563", "37369123456", "ana.popescu@mail.md", "MD24AG000225100013104168"]
    for text in (
        "I need a criminal record certificate, my IDNP is 2002001234563",
        "call me at +37369123456 or write to ana.popescu@mail.md",
        "my account is MD24AG000225100013104168, where do I get papers",
    ):
        assistant.say(sender, text)
    assistant.say(f"web-{uuid.uuid4().hex}", "x" * 5000 + " 2002001234563")  # too long: refused, logged
    written = b"".join(
        path.read_bytes() for path in assistant.tmp.rglob("*") if path.is_file() and "tracker" not in path.name
    )
    for secret in secrets:
        assert secret.encode() not in written, f"{secret} found outside the conversation"
