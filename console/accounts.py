"""Staff accounts, made by an operator on the server: there is no default account or password.

    python -m console.accounts add ana --role agent --name "Ana"   # asks for the password twice
    python -m console.accounts password ana                        # a new password (ends her sessions)
    python -m console.accounts disable ana | enable ana
    python -m console.accounts list

The password is read from the terminal without echo, or from standard input when it is not a
terminal (one line), never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from console.auth import MIN_PASSWORD, hash_password
from console.config import Settings
from console.store import ROLES, Store


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise SystemExit("the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\n")
    if len(first) < MIN_PASSWORD:
        raise SystemExit(f"a password has at least {MIN_PASSWORD} characters")
    return first


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m console.accounts", description="helpdesk console accounts")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="a new account (password asked)")
    add.add_argument("account")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--name", help="the name citizens see (default: the account's)")
    for command in ("password", "disable", "enable"):
        commands.add_parser(command).add_argument("account")
    commands.add_parser("list")
    args = parser.parse_args(argv)
    store = Store(Settings().store_url)
    if args.command == "add":
        if store.login_row(args.account) is not None:
            raise SystemExit(f"{args.account} exists already")
        store.add_account(
            args.account, args.name or args.account.capitalize(), args.role, hash_password(read_password())
        )
        print(f"added {args.account} ({args.role})")
    elif args.command == "password":
        if not store.set_password(args.account, hash_password(read_password())):
            raise SystemExit(f"no account {args.account}")
        print(f"new password for {args.account}; their sessions are ended")
    elif args.command in ("disable", "enable"):
        if not store.set_active(args.account, args.command == "enable"):
            raise SystemExit(f"no account {args.account}")
        print(f"{args.account} {args.command}d")
    else:
        for account in store.accounts():
            print(
                f"{account.name}\t{account.role}\t{account.display_name}\t{'active' if account.active else 'disabled'}"
            )


if __name__ == "__main__":
    main()
