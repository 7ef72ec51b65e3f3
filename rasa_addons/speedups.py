"""Speed fixes for Rasa 3.6's server, applied by `apply()` where the server starts (runner/serve_rasa.py).

Both were found with py-spy under load (docs/performance.md):

- Rasa checks every action server answer with `jsonschema.validate(result,
  spec)`, which re-checks the schema itself and rebuilds a validator on every
  call (62% of the server's time per turn). Here the schema is checked once and
  one validator is reused; what is validated, and the error raised, are
  unchanged.
- Rasa opens a new HTTP client session, and so a new TCP connection, for every
  call to the action server (and every other endpoint). Here each endpoint keeps
  one session per event loop and its connections alive for a short while
  (shorter than the servers' keep-alive, so a reused connection is never one
  the server is closing). Headers, authentication and timeouts are the
  endpoint's own, as before.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

# Sanic (the action server's framework) closes idle connections after 5 s.
KEEPALIVE_SECONDS = 2.0

_SPEC = RemoteAction.action_response_format_spec()
_VALIDATOR = validator_for(_SPEC)(_SPEC)
_VALIDATOR.check_schema(_SPEC)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _VALIDATOR.validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise


class _Reused:
    """`async with` over a session that stays open (Rasa closes the one it gets after each call)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> None:
        return None


_new_session = EndpointConfig.session


def _session(self: EndpointConfig) -> Any:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not in a coroutine: Rasa's own behaviour
        return _new_session(self)
    sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession]
    sessions = self.__dict__.setdefault("_sessions_by_loop", weakref.WeakKeyDictionary())
    session = sessions.get(loop)
    if session is None or session.closed:
        fresh = _new_session(self)
        session = aiohttp.ClientSession(
            headers=fresh.headers,
            auth=fresh.auth,
            timeout=fresh.timeout,
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        loop.create_task(fresh.close())
        sessions[loop] = session
    return _Reused(session)


def apply() -> None:
    """Patch Rasa's classes; calling it again changes nothing."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _session  # type: ignore[method-assign]


def applied() -> bool:
    """Whether this process's Rasa runs with both patches."""
    return (
        getattr(RemoteAction._validate_action_result, "__code__", None) is _validate_action_result.__code__
        and getattr(EndpointConfig.session, "__code__", None) is _session.__code__
    )
