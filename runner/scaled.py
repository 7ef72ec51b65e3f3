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
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner import settings
from runner.processes import (
    ACTIONS_HEADER,
    ACTIONS_TOKEN,
    Server,
    action_server,
    catalogue_service,
    console_server,
    free_port,
    rasa_server,
    telegram_bridge,
    widget_server,
)
from runner.services import (
    create_databases,
    kept_secret,
    missing_programs,
    postgres,
    postgres_url,
    redis,
    write_private,
)

REPLICAS = 2  # Rasa servers, action servers and consoles each


@dataclass
class Ports:
    """Where HAProxy listens for clients (the same ports as `make run`) and where the rest listens."""

    rasa: int = settings.RASA_PORT
    actions: int = settings.ACTIONS_PORT
    catalogue: int = settings.CATALOGUE_PORT
    console: int = settings.CONSOLE_PORT
    console_push: int = settings.CONSOLE_PUSH_PORT
    widget: int = settings.WIDGET_PORT
    postgres: int = field(default_factory=free_port)
    redis: int = field(default_factory=free_port)
    stats: int = field(default_factory=free_port)  # HAProxy's statistics page (/stats, ;csv for machines)
    rasa_replicas: list[int] = field(default_factory=lambda: [free_port() for _ in range(REPLICAS)])
    action_replicas: list[int] = field(default_factory=lambda: [free_port() for _ in range(REPLICAS)])
    console_replicas: list[tuple[int, int]] = field(
        default_factory=lambda: [(free_port(), free_port()) for _ in range(REPLICAS)]
    )


def haproxy_config(ports: Ports) -> str:
    """Round robin over the replicas, each checked every second: two failed checks take a server
    out, two good ones bring it back; a refused connection is retried on another server. Rasa is
    told the caller's address in X-Forwarded-For, replacing any the caller sent."""

    def servers(name: str, replica_ports: list[int]) -> str:
        return "".join(f"  server {name}{i} 127.0.0.1:{port} check\n" for i, port in enumerate(replica_ports, 1))

    rasa = servers("rasa", ports.rasa_replicas)
    actions = servers("actions", ports.action_replicas)
    console = servers("console", [port for port, _ in ports.console_replicas])
    push = servers("push", [port for _, port in ports.console_replicas])
    return f"""global
  maxconn 4000

defaults
  mode http
  timeout connect 2s
  timeout client 65s
  timeout server 65s
  timeout tunnel 1h
  retries 2
  option redispatch 1
  default-server inter 1s fall 2 rise 2

frontend rasa
  bind 127.0.0.1:{ports.rasa}
  http-request set-header X-Forwarded-For %[src]
  default_backend rasa
backend rasa
  balance roundrobin
  option httpchk GET /webhooks/rest/
{rasa}
frontend actions
  bind 127.0.0.1:{ports.actions}
  default_backend actions
backend actions
  balance roundrobin
  option httpchk GET /health
{actions}
frontend console
  bind 127.0.0.1:{ports.console}
  default_backend console
backend console
  balance roundrobin
  option httpchk GET /health
{console}
frontend console_push
  bind 127.0.0.1:{ports.console_push}
  default_backend console_push
backend console_push
  balance roundrobin
  option httpchk GET /health
{push}
listen stats
  bind 127.0.0.1:{ports.stats}
  stats enable
  stats uri /stats
"""


def write_endpoints(path: Path, ports: Ports, pg_password: str, redis_password: str) -> Path:
    """Rasa's endpoints: the action servers through HAProxy, Rasa's SQL tracker store and event
    broker on PostgreSQL, Rasa's Redis lock store with atomic changes (rasa_addons/lock_store.py:
    Rasa's own loses turns when two servers take one conversation's turns at once). Holds secrets: 0600."""
    database = f"  dialect: postgresql\n  url: 127.0.0.1\n  port: {ports.postgres}\n"
    database += f'  username: postgres\n  password: "{pg_password}"\n'
    text = (
        f'action_endpoint:\n  url: "http://127.0.0.1:{ports.actions}/webhook"\n'
        f'  headers:\n    {ACTIONS_HEADER}: "{ACTIONS_TOKEN}"\n'
        f"tracker_store:\n  type: SQL\n{database}  db: conversations\n"
        f"event_broker:\n  type: SQL\n{database}  db: events\n"
        f"lock_store:\n  type: rasa_addons.lock_store.AtomicRedisLockStore\n  url: 127.0.0.1\n  port: {ports.redis}\n"
        f'  password: "{redis_password}"\n  db: 0\n  key_prefix: assistant\n'
    )
    return write_private(path, text)


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
        server.env.update(
            CONSOLE_DATABASE_URL=postgres_url(ports.postgres, pg_password, "console"),
            CONSOLE_EVENTS_URL=postgres_url(ports.postgres, pg_password, "events"),
            CONSOLE_PUSH_ORIGINS=",".join(settings.RASA_CORS_ORIGINS),
            BRIDGE_TOKEN=bridge_token,
            CATALOGUE_URL=catalogue_url,
        )
        applications.append(server)
    applications.append(widget_server(ports.widget, log_path=logs / "widget.log"))
    if settings.TELEGRAM_BOT_TOKEN:  # long polling: one bridge (webhook mode behind HAProxy is still to come)
        push_url = f"http://127.0.0.1:{ports.console_push}"
        bridge = telegram_bridge(rasa_url, api_token, bridge_token, logs / "telegram.log", CONSOLE_PUSH_URL=push_url)
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
    from runner.__main__ import stop_all

    front = [server for server in started if server.name == "HAProxy"]
    stop_all(front)
    stop_all([server for server in started if server not in profile.infrastructure + front])
    stop_all([server for server in started if server in profile.infrastructure])


def main() -> None:
    from runner.__main__ import console_secret, supervise

    missing = missing_programs()
    if missing:
        raise SystemExit(f"missing Debian packages: {' '.join(missing)} (make scaled-packages installs them)")
    var = settings.ASSISTANT_VAR
    var.mkdir(exist_ok=True)
    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    api_token = settings.RASA_API_TOKEN or secrets.token_urlsafe(24)
    bridge_token = settings.BRIDGE_TOKEN or secrets.token_urlsafe(24)
    ports = Ports()
    profile = build(var, ports, api_token, bridge_token, console_secret())
    started: list[Server] = []
    try:
        start(profile, started, lambda: stopping)
        if not stopping:
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
            supervise(started, lambda: stopping)
    finally:
        print("stopping ...", flush=True)
        stop(profile, started)


if __name__ == "__main__":
    main()
