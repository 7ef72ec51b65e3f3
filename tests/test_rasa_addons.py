"""The Rasa server runs with its add-ons: the speed patches are active in the running server.

runner/serve_rasa.py applies rasa_addons/speedups.py once before Rasa starts (nothing patches on
import). What the session patch changes is visible from outside: without it Rasa opens and
closes a TCP connection to the action server for every action call; with it, consecutive turns
reuse one kept-alive connection.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import Stack

ESTABLISHED = "01"


def socket_inodes(pid: int) -> set[str]:
    """The inodes of the sockets process `pid` holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def open_connections_to(pid: int, port: int) -> set[int]:
    """The local ports of process `pid`'s established TCP connections to 127.0.0.1:`port`."""
    inodes = socket_inodes(pid)
    local_ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if state == ESTABLISHED and inode in inodes and int(remote.split(":")[1], 16) == port:
            local_ports.add(int(local.split(":")[1], 16))
    return local_ports


def test_the_speed_patches_are_applied_where_the_server_starts(assistant: Stack) -> None:
    log = (assistant.tmp / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert log.count("rasa_addons: speed patches applied") >= 1


def test_consecutive_turns_reuse_one_connection_to_the_action_server(assistant: Stack) -> None:
    assert assistant.rasa.process is not None and assistant.actions.health_url is not None
    pid, actions_port = assistant.rasa.process.pid, urlsplit(assistant.actions.health_url).port
    assert actions_port is not None
    sender = f"web-{uuid.uuid4().hex}"
    assistant.say(sender, "my father died")
    after_first = open_connections_to(pid, actions_port)
    assistant.say(sender, "how much does it cost?")
    after_second = open_connections_to(pid, actions_port)
    assert after_first, "Rasa closed its connection to the action server after the turn (session patch not active)"
    assert after_first & after_second, "the second turn opened a new connection instead of reusing the first"
