"""Personal identifiers masked wherever text leaves the conversation itself (logs, reports).

`mask(text)` replaces Moldovan personal numbers (IDNP, 13 digits with a valid check digit),
card numbers (Luhn), IBANs, e-mail addresses and phone numbers with a label. `install()` puts
a filter on the root logger's handlers so that every process's log lines are masked, whatever
library wrote them.
"""

from __future__ import annotations

import logging
import re

IDNP = re.compile(r"(?<!\d)[02]\d{12}(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?(?:373[ -]?)?\(?0?\d{2}\)?(?:[ -]?\d{2,3}){2,3}(?!\d)")


def _idnp_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:12], [7, 3, 1] * 4, strict=True))
    return total % 10 == int(digits[12])


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _idnp(match: re.Match[str]) -> str:
    return "[IDNP]" if _idnp_valid(match.group()) else match.group()


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[CARD]" if 13 <= len(digits) <= 19 and _luhn_valid(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[PHONE]" if 8 <= len(digits) <= 15 else match.group()


def mask(text: str) -> str:
    """`text` with personal identifiers replaced by [IDNP], [CARD], [IBAN], [EMAIL], [PHONE]."""
    text = EMAIL.sub("[EMAIL]", text)
    text = IBAN.sub("[IBAN]", text)
    text = IDNP.sub(_idnp, text)
    text = CARD.sub(_card, text)
    return PHONE.sub(_phone, text)


class MaskingFilter(logging.Filter):
    """Masks the formatted message of every record that passes through a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install() -> None:
    """Mask every log line of this process (handlers added later are covered through the root's)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
