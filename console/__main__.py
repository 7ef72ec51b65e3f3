"""`python -m console`: the staff's pages on CONSOLE_PORT and the widget's push endpoint on
CONSOLE_PUSH_PORT (both on 127.0.0.1 unless CONSOLE_HOST says otherwise); stops on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

import privacy
from console.config import Settings
from console.events import EventReader
from console.rasa import Rasa
from console.redis_relay import RedisRelay
from console.store import Store
from console.web import Console, push_app, staff_app

log = logging.getLogger("console")


class PathOnly(AbstractAccessLogger):
    """Access log lines without query strings: a search, a situation typed in assist mode, a catalogue
    query may hold what a citizen said (and the push endpoint's paths, their secret ids: not logged)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %d %.0f ms", request.method, request.path, response.status, time * 1000)


async def purge(store: Store, days: float, stopping: asyncio.Event) -> None:
    """The retention period, kept at start and every hour after."""
    while not stopping.is_set():
        try:
            purged = await asyncio.to_thread(store.purge, time.time() - days * 86400)
            if purged:
                log.info("%d conversations older than %g days purged", purged, days)
        except Exception as error:  # the database restarting: next hour
            log.warning("could not purge old conversations (%s)", type(error).__name__)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), 3600)


async def serve(settings: Settings) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    store = Store(settings.store_url)
    rasa = Rasa(settings.rasa_url, settings.rasa_token)
    console = Console(settings, store, rasa, stopping)
    reader = EventReader(settings.broker_url, store, console.changes.notify)
    relay = RedisRelay(settings.redis_url, console.changes) if settings.redis_url else None
    runners = []
    for app, port, access in (
        (staff_app(console), settings.port, True),
        (push_app(console), settings.push_port, False),
    ):
        # the push endpoint's paths hold citizens' secret ids: no access log for it
        runner = web.AppRunner(
            app,
            access_log=log if access else None,
            access_log_class=PathOnly,
            handle_signals=False,
            shutdown_timeout=2.0,
        )
        await runner.setup()
        await web.TCPSite(runner, settings.host, port).start()
        runners.append(runner)
    log.info("console on http://%s:%d, push endpoint on :%d", settings.host, settings.port, settings.push_port)
    reading = asyncio.create_task(reader.run(stopping))
    purging = asyncio.create_task(purge(store, settings.retention_days, stopping))
    relaying = asyncio.create_task(relay.run(stopping)) if relay else None
    await stopping.wait()
    console.changes.wake()  # open streams end now, not at their next look at the store
    await reading
    await purging
    if relay and relaying:
        await relaying
        await relay.close()
    for runner in runners:
        await runner.cleanup()
    await rasa.close()


def main() -> None:
    # force: importing the actions (assist mode) has already given the root logger a default handler
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", force=True)
    privacy.install()
    settings = Settings()
    if not settings.secret:
        sys.exit("CONSOLE_SECRET is not set (make run generates one into var/console_secret)")
    if not settings.rasa_token:
        sys.exit("RASA_API_TOKEN is not set: the console talks to Rasa through its HTTP API")
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
