"""The servers the scaled profile takes from Debian rather than writes: PostgreSQL and Redis,
each started as its own process on 127.0.0.1 with a generated password (runner/scaled.py).

`Service` is a `Server` (runner/processes.py) that does not speak HTTP: it is ready when a probe
says so, and stopped with its own signal (SIGINT is PostgreSQL's fast shutdown).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.processes import Server, write_private

# Rasa's tracker store, its event broker, the console's store, the Telegram bridges' record of updates handled
DATABASES = ("conversations", "events", "console", "telegram")


@dataclass
class Service(Server):
    """A server that does not speak HTTP: ready when `probe()` is true, stopped with `stop_signal`."""

    probe: Callable[[], bool] | None = None
    stop_signal: int = signal.SIGTERM

    def wait_until_ready(self, timeout: float) -> None:
        if self.probe is None:
            return super().wait_until_ready(timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}")
            if self.probe():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f}s")

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(self.stop_signal)


def missing_programs() -> list[str]:
    """The Debian packages the profile needs that are not installed (`make scaled-packages` installs them)."""
    missing = [] if postgres_programs() else ["postgresql"]
    return missing + [name for name in ("redis-server", "haproxy") if not shutil.which(name)]


def postgres_programs() -> Path | None:
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists() and (root / "postgres").exists():
            return root
    return None


def postgres(data: Path, port: int, password: str, log_path: Path) -> Service:
    """PostgreSQL as the `postgres` user on 127.0.0.1:`port` (no Unix socket), passwords required
    (scram-sha-256); the cluster is made on first start with `initdb` under runuser. The server
    itself is exec'd by setpriv, so signals reach the postmaster (runuser would stand between and
    kill it two seconds after a SIGTERM); SIGINT is PostgreSQL's fast shutdown."""
    programs = postgres_programs()
    if programs is None:
        raise SystemExit("PostgreSQL's programs are missing: make scaled-packages installs Debian's postgresql")
    user = pwd.getpwnam("postgres")
    if not (data / "PG_VERSION").exists():
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chown(data, user.pw_uid, user.pw_gid)
        pwfile = data.parent / "initdb-password"
        write_private(pwfile, password)
        os.chown(pwfile, user.pw_uid, user.pw_gid)
        try:
            initdb = [str(programs / "initdb"), "-D", str(data), "-U", "postgres", "--pwfile", str(pwfile)]
            initdb += ["--auth", "scram-sha-256", "--encoding", "UTF8", "--locale", "C.UTF-8"]
            done = subprocess.run(["runuser", "-u", "postgres", "--", *initdb], capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"initdb failed (is {data} reachable by the postgres user?): {done.stderr.strip()}")
        finally:
            pwfile.unlink(missing_ok=True)
    command = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
    command += [str(programs / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", ""]
    url = postgres_url(port, password, "postgres")

    def ready() -> bool:
        import psycopg2

        try:
            psycopg2.connect(url, connect_timeout=1).close()
            return True
        except psycopg2.OperationalError:
            return False

    return Service("PostgreSQL", command, None, log_path=log_path, probe=ready, stop_signal=signal.SIGINT)


def postgres_url(port: int, password: str, database: str) -> str:
    return f"postgresql://postgres:{password}@127.0.0.1:{port}/{database}"


def create_databases(port: int, password: str) -> None:
    import psycopg2

    connection = psycopg2.connect(postgres_url(port, password, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        for name in DATABASES:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def redis(folder: Path, port: int, password: str, log_path: Path) -> Service:
    """Redis on 127.0.0.1:`port` for Rasa's lock store: locks need no persistence, so none is kept.
    Its password is in its configuration file (0600), not on its command line."""
    folder.mkdir(parents=True, exist_ok=True)
    config = write_private(
        folder / "redis.conf",
        f"bind 127.0.0.1\nport {port}\nprotected-mode yes\nrequirepass {password}\ndir {folder}\n"
        'save ""\nappendonly no\ndaemonize no\n',
    )

    def ready() -> bool:
        import redis as client

        try:
            return bool(client.Redis(port=port, password=password, socket_timeout=1).ping())
        except client.RedisError:
            return False

    return Service("Redis", ["redis-server", str(config)], None, log_path=log_path, probe=ready)
