"""The scaled profile on one machine: `python -m runner.scaled` (what `make run-scaled` does).

The same code as `make run`, configured as a deployment is: PostgreSQL for the conversations
(Rasa's own `SQLTrackerStore`, dialect postgresql), Rasa's event broker and the console's store;
Redis for Rasa's lock store (a conversation's turns one at a time, whichever replica takes them;
rasa_addons/lock_store.py makes its changes atomic);
two Rasa servers and two action servers behind HAProxy (health checks every second, a server
that fails two is taken out, a refused connection is retried on the other); two helpdesk
consoles behind HAProxy too; the catalogue service and the widget's demo page.

PostgreSQL and Redis listen on free ports on 127.0.0.1, with their data under
`$ASSISTANT_VAR/scaled/` (PostgreSQL's folder belongs to the `postgres` user: it refuses to run
as root). Its password and Redis's are made once and kept there (0600); they reach Rasa in the
generated endpoints file (0600) and the consoles in their environment, never a command line.
HAProxy listens where `make run` puts the single processes (RASA_PORT, ACTIONS_PORT,
CONSOLE_PORT, CONSOLE_PUSH_PORT), so clients are configured the same way. Each process logs to
`scaled/logs/`. A process that exits is restarted; Ctrl-C or SIGTERM stops everything:
HAProxy first, then the applications, then Redis and PostgreSQL (a fast shutdown).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner import settings
from runner.processes import (
    Server,
    action_server,
    catalogue_service,
    console_secret,
    console_server,
    kept_secret,
    rasa_server,
    telegram_bridge,
    widget_server,
)
from runner.scaled_files import Ports, haproxy_config, write_endpoints
from runner.services import create_databases, missing_programs, postgres, postgres_url, redis
from runner.supervisor import stop_all, stop_on_signals, supervise


@dataclass
class Profile:
    """Every process of the scaled profile, in the order they start; `infrastructure` stops last."""

    ports: Ports
    infrastructure: list[Server]
    applications: list[Server]
    pg_password: str
    home: Path  # its data, generated settings and logs

    @property
    def servers(self) -> list[Server]:
        return self.infrastructure + self.applications

    def conversations_url(self) -> str:
        return postgres_url(self.ports.postgres, self.pg_password, "conversations")

    def replicas(self, name: str) -> list[Server]:
        return [server for server in self.servers if server.name.startswith(name)]


def build(var: Path, ports: Ports, api_token: str, bridge_token: str, console_secret: str) -> Profile:
    """The profile's processes, configured and not started; data and logs under `var`/scaled."""
    home = var / "scaled"
    logs = home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o755)  # the postgres user must reach its data folder
    pg_password = kept_secret(home / "postgres-password")
    (home / "postgres-port").write_text(f"{ports.postgres}\n", encoding="utf-8")  # for pg_dump (docs/operations.md)
    redis_password = kept_secret(home / "redis-password")
    endpoints = write_endpoints(home / "endpoints.yml", ports, pg_password, redis_password)
    catalogue_url = f"http://127.0.0.1:{ports.catalogue}"
    rasa_url = f"http://127.0.0.1:{ports.rasa}"
    infrastructure: list[Server] = [
        postgres(home / "postgres", ports.postgres, pg_password, logs / "postgres.log"),
        redis(home / "redis", ports.redis, redis_password, logs / "redis.log"),
    ]
    applications: list[Server] = [catalogue_service(ports.catalogue, log_path=logs / "catalogue.log")]
    for i, port in enumerate(ports.action_replicas, 1):
        server = action_server(port, catalogue_url, home / f"catalogue-cache-{i}", log_path=logs / f"actions-{i}.log")
        server.name = f"action server {i}"
        applications.append(server)
    for i, port in enumerate(ports.rasa_replicas, 1):
        server = rasa_server(
            port,
            settings.RASA_MODEL,
            endpoints,
            api_token=api_token,
            cors=settings.RASA_CORS_ORIGINS,
            bridge_token=bridge_token,
            log_path=logs / f"rasa-{i}.log",
        )
        server.name = f"Rasa server {i}"
        server.env["TRUSTED_PROXY"] = "1"  # per-address limits by the address HAProxy saw (set, never appended)
        applications.append(server)
    config = home / "haproxy.cfg"
    config.write_text(haproxy_config(ports), encoding="utf-8")
    stats = f"http://127.0.0.1:{ports.stats}/stats"
    applications.append(Server("HAProxy", ["haproxy", "-f", str(config), "-db"], stats, log_path=logs / "haproxy.log"))
    for i, (port, push_port) in enumerate(ports.console_replicas, 1):
        log = logs / f"console-{i}.log"
        server = console_server(port, push_port, rasa_url, api_token, console_secret, var, log_path=log)
        server.name = f"helpdesk console {i}"
        server.env["TRUSTED_PROXY"] = "1"  # per-address limits by the address HAProxy saw
        server.env.update(
            CONSOLE_DATABASE_URL=postgres_url(ports.postgres, pg_password, "console"),
            CONSOLE_EVENTS_URL=postgres_url(ports.postgres, pg_password, "events"),
            CONSOLE_REDIS_URL=f"redis://:{redis_password}@127.0.0.1:{ports.redis}/0",
            CONSOLE_PUSH_ORIGINS=",".join(settings.RASA_CORS_ORIGINS),
            BRIDGE_TOKEN=bridge_token,
            CATALOGUE_URL=catalogue_url,
        )
        applications.append(server)
    applications.append(widget_server(ports.widget, log_path=logs / "widget.log"))
    if settings.TELEGRAM_BOT_TOKEN:  # webhook mode: two behind HAProxy; long polling: one (Telegram allows one)
        shared = {
            "CONSOLE_PUSH_URL": f"http://127.0.0.1:{ports.console_push}",
            "TELEGRAM_DATABASE_URL": postgres_url(ports.postgres, pg_password, "telegram"),  # updates handled once
        }
        bridge_ports = ports.bridge_replicas if settings.TELEGRAM_WEBHOOK_URL else [0]
        for i, port in enumerate(bridge_ports, 1):
            env = {**shared, "TELEGRAM_STATE": str(home / f"telegram-{i}.db")}
            if port:
                env.update(TELEGRAM_WEBHOOK_PORT=str(port), TELEGRAM_WEBHOOK_LISTEN="127.0.0.1")
            bridge = telegram_bridge(rasa_url, api_token, bridge_token, logs / f"telegram-{i}.log", **env)
            bridge.name = f"Telegram bridge {i}"
            applications.append(bridge)
    return Profile(ports, infrastructure, applications, pg_password, home)


def start(
    profile: Profile, started: list[Server], stopping: Callable[[], bool] = lambda: False, timeout: float = 180.0
) -> None:
    """Start the profile in waves, each started at once and then waited for: PostgreSQL, Redis and
    the catalogue; the action servers and the first Rasa server; the other Rasa server and HAProxy;
    the first console; the rest.
    What was started is added to `started` (to be stopped even when a wave fails)."""
    infrastructure = [*profile.infrastructure, profile.applications[0]]
    rest = profile.applications[1:]
    consoles = [server for server in rest if server.name.startswith("helpdesk console")]
    backends = [server for server in rest if server.name.startswith(("action server", "Rasa server", "HAProxy"))]
    # the first Rasa server and the first console each before their replicas: they create their
    # tables (Rasa's tracker store and event broker, the console's store), which two processes
    # must not do at once on a fresh database
    first_rasa = [server for server in backends if server.name.startswith("Rasa server")][:1]
    others = [server for server in rest if server not in backends + consoles[:1]]
    waves = [
        infrastructure,
        [server for server in backends if server.name.startswith("action server")] + first_rasa,
        [server for server in backends if not server.name.startswith("action server") and server not in first_rasa],
        consoles[:1],
        others,
    ]
    for wave in waves:
        if stopping():
            break
        for server in wave:
            print(f"starting the {server.name} ...", flush=True)
            started.append(server.launch())
        for server in wave:
            server.wait_until_ready(timeout)
        if wave is infrastructure:
            create_databases(profile.ports.postgres, profile.pg_password)


def stop(profile: Profile, started: list[Server]) -> None:
    """HAProxy first (no new request reaches a stopping server), then the applications (they
    close their connections), then Redis and PostgreSQL."""
    front = [server for server in started if server.name == "HAProxy"]
    applications = [server for server in started if server not in profile.infrastructure + front]
    stop_all(front, applications, [server for server in started if server in profile.infrastructure])


def main() -> None:
    missing = missing_programs()
    if missing:
        raise SystemExit(f"missing Debian packages: {' '.join(missing)} (make scaled-packages installs them)")
    var = settings.ASSISTANT_VAR
    var.mkdir(exist_ok=True)
    stopping = stop_on_signals()
    api_token = settings.RASA_API_TOKEN or secrets.token_urlsafe(24)
    bridge_token = settings.BRIDGE_TOKEN or secrets.token_urlsafe(24)
    ports = Ports()
    profile = build(var, ports, api_token, bridge_token, console_secret(var))
    started: list[Server] = []
    try:
        start(profile, started, stopping)
        if not stopping():
            print(
                f"\nThe scaled profile is ready (logs in {var / 'scaled' / 'logs'}).\n"
                f"  REST channel (HAProxy -> {len(ports.rasa_replicas)} Rasa servers): "
                f"POST http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook\n"
                f"  helpdesk (HAProxy -> {len(ports.console_replicas)} consoles): http://127.0.0.1:{ports.console}/\n"
                f"  HAProxy's statistics: http://127.0.0.1:{ports.stats}/stats\n"
                f"  PostgreSQL 127.0.0.1:{ports.postgres} (password in {var / 'scaled' / 'postgres-password'}), "
                f"Redis 127.0.0.1:{ports.redis}\n"
                "A process that stops is restarted. Ctrl-C stops everything.",
                flush=True,
            )
            supervise(started, stopping)
    finally:
        print("stopping ...", flush=True)
        stop(profile, started)


if __name__ == "__main__":
    main()
