"""The action server as the runner starts it: rasa_sdk's own server, answering only Rasa.

`python -m runner.serve_actions --actions actions --port 5055` takes rasa_sdk's arguments and runs
rasa_sdk's server, with two additions made through rasa_sdk's plugin hook
(`attach_sanic_app_extensions`):

- every call except `GET /health` must carry the shared secret ACTIONS_TOKEN (from the
  environment) in the `X-Actions-Token` header, which Rasa sends as its action endpoint's
  header (the runner writes it into endpoints.yml, mode 0600); a call without it gets a 401, a
  wrong one a 403, and nothing of its body is read or logged;
- an action that fails answers a plain 500: rasa_sdk's own error answer echoes the whole
  tracker, which Rasa then writes into its log.

Once the server is up it warms the catalogue client's cache in the background
(actions/catalogue.py): importing the actions starts nothing.

Without ACTIONS_TOKEN the server does not start.
"""

from __future__ import annotations

import hmac
import logging
import sys

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from runner import settings
from runner.processes import ACTIONS_HEADER

log = logging.getLogger("runner.serve_actions")
hookimpl = pluggy.HookimplMarker("rasa_sdk")
OPEN_PATHS = frozenset({"/health"})


def refusal(request: Request, token: str) -> HTTPResponse | None:
    """The answer refusing a caller without the token, or None when the call may go on."""
    if request.path in OPEN_PATHS:
        return None
    given = request.headers.get(ACTIONS_HEADER)
    if given is None:
        log.warning("refused a call to %s without the action server's token", request.path)
        return response.json({"error": f"The {ACTIONS_HEADER} header is missing."}, status=401)
    if not hmac.compare_digest(given.encode(), token.encode()):
        log.warning("refused a call to %s with a wrong action server token", request.path)
        return response.json({"error": f"The {ACTIONS_HEADER} header is wrong."}, status=403)
    return None


class Guard:
    """rasa_sdk plugin: the token check and an error answer that tells nothing of the request."""

    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        async def check_token(request: Request) -> HTTPResponse | None:
            return refusal(request, self.token)

        async def failed(request: Request, exception: Exception) -> HTTPResponse:
            log.error("an action failed on %s %s", request.method, request.path, exc_info=exception)
            return response.json({"error": "The action failed; see the action server's log."}, status=500)

        async def warm_up(_app: Sanic, _loop: object) -> None:
            from actions.catalogue import warm_up_in_background  # loaded by rasa_sdk by now

            warm_up_in_background()

        app.register_middleware(check_token, "request")
        app.error_handler.add(Exception, failed)
        app.register_listener(warm_up, "after_server_start")


def main() -> None:
    token = settings.ACTIONS_TOKEN
    if not token:
        sys.exit("ACTIONS_TOKEN is not set: the action server answers only callers that know it")
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from rasa_sdk.plugin import plugin_manager

    plugin_manager().register(Guard(token))
    rasa_sdk_main()


if __name__ == "__main__":
    main()
