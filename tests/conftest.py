"""Shared fixtures: real servers on free ports, started per test session and stopped after."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from runner.processes import Server, action_server, catalogue_service, free_port, rasa_server, write_endpoints

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = ROOT / "data" / "catalogue"


def start_catalogue(catalogue_dir: Path = CATALOGUE_DIR, max_age: int = 300) -> Server:
    """The real catalogue service on a free port, started the way `make run` starts it."""
    return catalogue_service(free_port(), catalogue_dir, max_age).start()


@pytest.fixture(scope="session")
def catalogue_server() -> Iterator[Server]:
    server = start_catalogue()
    yield server
    server.stop()


@pytest.fixture()
def catalogue_copy(tmp_path: Path) -> Path:
    """A private copy of the real catalogue that a test may edit or break."""
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


# `make pytest` runs two pytest-xdist workers; `--dist loadfile` (pyproject.toml) keeps a module on one
# worker, so its module-scoped servers start once, and each worker starts its own `assistant` stack.
# The modules that start their own Rasa servers (a minute or more each) are handed out first, so that
# the short ones fill in at the end; within a module the order is kept. test_assistant_e2e.py comes
# before every other module on the `assistant` stack, as in alphabetical order: its catalogue-outage
# test needs a life event the stack's action server has not cached yet (test_dialogue asks about all).
SLOW_FIRST = (
    "test_scaled.py",
    "test_runner.py",
    "test_console.py",
    "test_assistant_e2e.py",
    "test_dialogue.py",
    "test_telegram.py",
    "test_widget.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: order kept within


# The tests talk to the assistant from one address far faster than any office: no per-address limit.
os.environ["RATE_PER_CLIENT"] = "0"
MODEL = ROOT / "models" / "assistant.tar.gz"
RASA_API_TOKEN = "test-api-token"
BRIDGE_TOKEN = "test-bridge-token"


@dataclass
class Stack:
    """The whole assistant: catalogue service, action server, Rasa (REST channel and HTTP API)."""

    tmp: Path
    catalogue: Server
    actions: Server
    rasa: Server
    rasa_url: str
    site_origin: str  # the one web origin Rasa's CORS lets the widget be embedded in

    def say(self, sender: str, text: str, raw: bool = False, **metadata: Any) -> list[dict[str, Any]]:
        """The assistant's reply; without `raw`, the channel signals (`custom`) left out."""
        payload: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            payload["metadata"] = metadata
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=payload, timeout=30)
        response.raise_for_status()
        replies = list(response.json())
        return replies if raw else [reply for reply in replies if "custom" not in reply]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert MODEL.exists(), "train the model first: make train (make test does it)"
    tmp = tmp_path_factory.mktemp("stack")
    ports = {"catalogue": free_port(), "actions": free_port(), "rasa": free_port(), "site": free_port()}
    site_origin = f"http://127.0.0.1:{ports['site']}"
    catalogue = catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log")
    actions = action_server(
        ports["actions"], f"http://127.0.0.1:{ports['catalogue']}", tmp / "cache", log_path=tmp / "actions.log"
    )
    endpoints = write_endpoints(tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db")
    rasa = rasa_server(
        ports["rasa"],
        MODEL,
        endpoints,
        api_token=RASA_API_TOKEN,
        cors=[site_origin],
        bridge_token=BRIDGE_TOKEN,
        log_path=tmp / "rasa.log",
    )
    servers = (rasa, actions, catalogue)
    try:
        rasa.launch()  # Rasa loads its model while the catalogue and then the action server (which warms
        catalogue.start()  # its cache from the catalogue) come up
        actions.start()
        rasa.wait_until_ready(timeout=180)
        yield Stack(tmp, catalogue, actions, rasa, f"http://127.0.0.1:{ports['rasa']}", site_origin)
    finally:
        for server in servers:
            server.terminate()  # all at once, then wait for each
        for server in servers:
            server.wait_stopped()
