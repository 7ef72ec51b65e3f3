"""Rasa's command line, with the HTTP API's token taken from the environment instead of `ps`.

`python -m runner.serve_rasa run --model … --port 5005 …` is `rasa run …`; when RASA_API_TOKEN is
set it adds `--enable-api --auth-token <token>` to the arguments inside this process only, so
the token never appears on a command line another user could read (/proc/<pid>/cmdline).
This is also where the server's speed patches (rasa_addons/speedups.py) are applied, once,
before Rasa loads anything.
"""

from __future__ import annotations

import sys

from runner import settings


def arguments(argv: list[str], token: str | None) -> list[str]:
    """Rasa's arguments with the API enabled by `token`, when there is one."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in argv):
        raise SystemExit("pass the API token in RASA_API_TOKEN, not on the command line")
    return [*argv, "--enable-api", "--auth-token", token] if token else list(argv)


def main() -> None:
    from rasa_addons import speedups

    sys.argv = ["rasa", *arguments(sys.argv[1:], settings.RASA_API_TOKEN or None)]
    speedups.apply()
    print("rasa_addons: speed patches applied (one action-response validator, kept-alive action calls)", flush=True)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
