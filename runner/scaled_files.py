"""The files the scaled profile generates, with the ports they name: HAProxy's configuration and
Rasa's endpoints (runner/scaled.py starts the processes that read them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from runner import settings
from runner.processes import ACTIONS_HEADER, ACTIONS_TOKEN, free_port, write_private

REPLICAS = 2  # Rasa servers, action servers, consoles and Telegram bridges (webhook mode) each
# HAProxy's expression for the chat an update belongs to (message or button press): a chat's updates
# go to one bridge, where its keyboards' data and language are (the other takes them if it is down)
CHAT_OF_UPDATE = r"""req.body,regsub('^.*?\"chat\":\{\"id\":',''),regsub('[^0-9-].*$','')"""


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
    # the bridges' webhook (0: none, when TELEGRAM_WEBHOOK_URL is unset)
    telegram: int = settings.TELEGRAM_WEBHOOK_PORT if settings.TELEGRAM_WEBHOOK_URL else 0
    bridge_replicas: list[int] = field(default_factory=lambda: [free_port() for _ in range(REPLICAS)])
    console_replicas: list[tuple[int, int]] = field(
        default_factory=lambda: [(free_port(), free_port()) for _ in range(REPLICAS)]
    )


def haproxy_config(ports: Ports) -> str:
    """Round robin over the replicas, each checked every second: two failed checks take a server
    out (a refused connection at once; a busy one gets 5 s to answer its check, so a replica
    queueing turns under load is not taken out — with one replica that left none), two good ones
    bring it back; a refused connection is retried on another server. Rasa and
    the consoles are told the caller's address in X-Forwarded-For, replacing any the caller sent."""

    def servers(name: str, replica_ports: list[int]) -> str:
        return "".join(f"  server {name}{i} 127.0.0.1:{port} check\n" for i, port in enumerate(replica_ports, 1))

    rasa = servers("rasa", ports.rasa_replicas)
    actions = servers("actions", ports.action_replicas)
    console = servers("console", [port for port, _ in ports.console_replicas])
    push = servers("push", [port for _, port in ports.console_replicas])
    bridges = servers("bridge", ports.bridge_replicas)
    telegram = (
        f"""frontend telegram
  bind 127.0.0.1:{ports.telegram}
  option http-buffer-request
  default_backend telegram
backend telegram
  # a chat's updates to one bridge (its keyboards' data and language live there); the other if it is down
  balance hash {CHAT_OF_UPDATE}
  hash-type consistent
  option httpchk GET /health
{bridges}
"""
        if ports.telegram
        else ""
    )
    return f"""global
  maxconn 4000

defaults
  mode http
  timeout connect 2s
  timeout client 65s
  timeout server 65s
  timeout tunnel 1h
  timeout check 5s
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
  http-request set-header X-Forwarded-For %[src]
  default_backend console
backend console
  balance roundrobin
  option httpchk GET /health
{console}
frontend console_push
  bind 127.0.0.1:{ports.console_push}
  http-request set-header X-Forwarded-For %[src]
  default_backend console_push
backend console_push
  balance roundrobin
  option httpchk GET /health
{push}
{telegram}listen stats
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
        "tracker_store:\n  type: rasa_addons.postgres_tracker_store.PostgreSQLTrackerStore\n"
        f"{database}  db: conversations\n"
        f"event_broker:\n  type: SQL\n{database}  db: events\n"
        f"lock_store:\n  type: rasa_addons.lock_store.AtomicRedisLockStore\n  url: 127.0.0.1\n  port: {ports.redis}\n"
        f'  password: "{redis_password}"\n  db: 0\n  key_prefix: assistant\n'
    )
    return write_private(path, text)
