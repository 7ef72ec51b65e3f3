"""CPU time and memory of a process together with its children, from /proc (Linux).

PostgreSQL serves each connection from a child of the postmaster, so its cost is the tree's;
the others are single processes and their tree is themselves. Memory is the proportional set
size (PSS) summed over the tree: shared memory (PostgreSQL's buffers, pages shared after a fork)
is counted once in all, not once per process as RSS would.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from bench.tracker_bench import cpu_seconds


def tree(pid: int) -> list[int]:
    """`pid` and its descendants alive now."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                waiting += [int(child) for child in (task / "children").read_text().split()]
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process and its living children (one that ended between
    two readings takes its seconds with it: PostgreSQL's backends here live as long as the pool)."""
    total = 0.0
    for member in tree(pid):
        with contextlib.suppress(OSError, IndexError):
            total += cpu_seconds(member)
    return total


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of the process and its children, MB."""
    total_kb = 0
    for member in tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024
