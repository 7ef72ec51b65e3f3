"""Staff accounts: roles, password hashes, wrong-password counts and the session epoch."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from console.store.engine import Database
from console.store.tables import ROLES, accounts


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    display_name: str
    role: str
    session_epoch: int
    active: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> Account:
        return cls(row["id"], row["name"], row["display_name"], row["role"], row["session_epoch"], row["active"])

    def may(self, role: str) -> bool:
        """Whether this account has at least `role` (agent < supervisor < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)


class AccountStore(Database):
    def add_account(self, name: str, display_name: str, role: str, password_hash: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        self.changes(
            accounts.insert().values(
                name=name,
                display_name=display_name,
                role=role,
                password_hash=password_hash,
                failures=0,
                locked_until=0.0,
                session_epoch=0,
                active=True,
                created_at=time.time(),
            )
        )

    def _update_account(self, name: str, **values: Any) -> bool:
        return bool(self.changes(accounts.update().where(accounts.c.name == name).values(**values)))

    def set_password(self, name: str, password_hash: str) -> bool:
        """A new password; the account's sessions end."""
        return self._update_account(
            name, password_hash=password_hash, failures=0, locked_until=0.0, session_epoch=accounts.c.session_epoch + 1
        )

    def set_active(self, name: str, active: bool) -> bool:
        return self._update_account(name, active=active, session_epoch=accounts.c.session_epoch + 1)

    def login_row(self, name: str) -> dict[str, Any] | None:
        return self.row(accounts.select().where(accounts.c.name == name))

    def record_failure(self, name: str, locked_until: float) -> None:
        self._update_account(name, failures=accounts.c.failures + 1, locked_until=locked_until)

    def record_success(self, name: str) -> None:
        self._update_account(name, failures=0, locked_until=0.0)

    def end_sessions(self, account_id: int) -> None:
        """Every session cookie of the account stops working (sign-out)."""
        self.changes(
            accounts.update().where(accounts.c.id == account_id).values(session_epoch=accounts.c.session_epoch + 1)
        )

    def account(self, account_id: int) -> Account | None:
        row = self.row(accounts.select().where(accounts.c.id == account_id))
        return Account.of(row) if row else None

    def accounts(self) -> list[Account]:
        return [Account.of(row) for row in self.rows(accounts.select().order_by(accounts.c.name))]
