"""Rasa's Redis lock store with each change of a lock made atomically: for several Rasa servers.

Rasa's `RedisLockStore` keeps one conversation's tickets (a queue of turns) in one Redis key,
and changes it by reading the key, changing the queue in Python and writing it back. Two Rasa
servers taking turns of one conversation at the same moment both read the same queue: one
ticket is overwritten by the other (two turns then hold "the" lock at once, and interleave),
or one server deletes the key while the other's turn is still waiting in it (that turn fails
with `LockError`: the citizen is asked to write again). Seen with bursts of eight messages
from one sender through HAProxy to two replicas (tests/test_scaled.py).

This class keeps Rasa's tickets, key and format, and makes each read-change-write one Redis
transaction (WATCH the key, MULTI/EXEC the write, retried when another server changed the key
in between): issuing a ticket, dropping expired tickets, and finishing a turn (removing its
ticket, deleting the key only when no other ticket waits).

Configured in endpoints.yml as `lock_store: {type: rasa_addons.lock_store.AtomicRedisLockStore,
url: …, port: …, password: …}` (the same settings as Rasa's `type: redis`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        """Apply `change` to the conversation's lock in one transaction; it returns the lock to
        save (None: delete the key) and a result. Retried when another process changed the key."""
        key = self.key_prefix + conversation_id
        result: list[T] = []

        def transaction(pipe: Any) -> None:
            stored = pipe.get(key)
            lock, value = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            result[:] = [value]

        self.red.transaction(transaction, key)
        return result[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # Redis down or refusing: Rasa's own error for it
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the turn's ticket; delete the lock only when no other turn waits in it."""

        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
