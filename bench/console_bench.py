"""The helpdesk console under load: how soon a handover reaches the inbox, how soon a staff reply
reaches the citizen's widget, and what the console costs the assistant's own turns.

The real stack on free ports (catalogue, action server, Rasa with the SQL event broker, the
console). While `--talkers` other citizens talk to the assistant without pause, `--held` citizens
ask for a person one after another; for each, the time from the REST answer (the handover is
recorded) to the first inbox listing that shows it (an agent polling /api/inbox every 20 ms).
`--agents` agents then claim them in turn, and each reply is timed from the POST to its arrival
on the citizen's server-sent event stream (`/push/<id>/stream`). Last, the talkers' turn latency
for `--seconds` with the console running and again with it stopped (the broker still writes).
With `--telegram N` (10 by default) N Telegram chats do the same through the real bridge against
the local Bot API stand-in (tests/fake_telegram.py): reply POST to the stand-in's sendMessage.
Writes bench/results/console.md and console.json (`make bench` runs it too).

    .venv/bin/python bench/console_bench.py [--held 50] [--agents 5] [--talkers 16] [--seconds 20] [--telegram 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from runner.processes import (  # noqa: E402
    Server,
    action_server,
    base_env,
    catalogue_service,
    console_server,
    free_port,
    rasa_server,
    write_endpoints,
)

os.environ.setdefault("RATE_PER_CLIENT", "0")  # the load comes from one address
os.environ.setdefault("RATE_PER_CONVERSATION", "0")
TALK = ["Hi. My dad passed away yesterday in Bălți, what do I do?", "how much does it cost?", "cât costă?"]
TOKEN = secrets.token_urlsafe(16)
PASSWORD = secrets.token_urlsafe(12)


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    ms = sorted(v * 1000 for v in values)
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    return f"p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {ms[-1]:.0f} ms (n={len(ms)})"


async def talk(session: aiohttp.ClientSession, rasa: str, stop: asyncio.Event, latencies: list[float]) -> None:
    sender = "web-" + secrets.token_hex(16)
    turn = 0
    while not stop.is_set():
        start = time.perf_counter()
        async with session.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": TALK[turn % 3]}):
            pass
        latencies.append(time.perf_counter() - start)
        turn += 1
        if turn % 6 == 0:
            sender = "web-" + secrets.token_hex(16)


async def sign_in(session: aiohttp.ClientSession, console: str, name: str) -> str:
    async with session.get(f"{console}/login") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    form = {"csrf": csrf.group(1), "name": name, "password": PASSWORD}
    async with session.post(f"{console}/login", data=form, allow_redirects=False) as response:
        assert response.status == 303, response.status
    async with session.get(f"{console}/") as page:
        found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found is not None
    return found.group(1)


async def listen(push: str, sender: str, arrived: dict[str, float], ready: asyncio.Event) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{push}/push/{sender}/stream") as stream:
        ready.set()
        async for line in stream.content:
            if line.startswith(b"data: "):
                arrived[json.loads(line[6:])["text"]] = time.perf_counter()


async def telegram_replies(
    urls: dict[str, str], args: argparse.Namespace, agents: list[aiohttp.ClientSession], tokens: list[str]
) -> str:
    """Telegram chats ask for a person through the bridge; each staff reply timed to the stand-in."""
    from tests.fake_telegram import FakeTelegram

    console_url = urls["console"]
    latencies: list[float] = []
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as state:
        env = base_env(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=fake.url,
            RASA_URL=urls["rasa"],
            RASA_API_TOKEN=TOKEN,
            BRIDGE_TOKEN=TOKEN,
            TELEGRAM_STATE=str(Path(state) / "telegram.db"),
            CONSOLE_PUSH_URL=urls["push"],
        )
        bridge = Server("Telegram bridge", [sys.executable, "-m", "bot.telegram_bridge"], None, env)
        bridge.start()
        try:
            await asyncio.to_thread(fake.wait_for, lambda f: f.sent(method="getUpdates"), 60)
            for n in range(args.telegram):
                chat = 50_000 + n
                async with agents[0].get(f"{console_url}/api/inbox", params={"tab": "open"}) as response:
                    before = {row["id"] for row in (await response.json())["rows"]}
                fake.user_says(chat, "I want to talk to a person")
                conversation = None
                while conversation is None:
                    async with agents[0].get(f"{console_url}/api/inbox", params={"tab": "waiting"}) as response:
                        rows = [r for r in (await response.json())["rows"] if r["id"] not in before]
                    conversation = rows[0]["id"] if rows else None
                    await asyncio.sleep(0.02)
                agent, csrf = agents[n % len(agents)], tokens[n % len(agents)]
                async with agent.post(f"{console_url}/c/{conversation}/claim", data={"csrf": csrf}):
                    pass
                text = f"telegram reply {n} {secrets.token_hex(4)}"
                sent = time.perf_counter()
                async with agent.post(f"{console_url}/c/{conversation}/reply", data={"csrf": csrf, "text": text}):
                    pass
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    if any(text in str(m.get("text")) for m in fake.sent(chat)):
                        latencies.append(time.perf_counter() - sent)
                        break
                    await asyncio.sleep(0.005)
        finally:
            bridge.stop()
    return percentiles(latencies)


async def measure(urls: dict[str, str], args: argparse.Namespace, console: Server) -> dict[str, str]:
    rasa, push, console_url = urls["rasa"], urls["push"], urls["console"]
    results: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        stop = asyncio.Event()
        background: list[float] = []
        talkers = [asyncio.create_task(talk(session, rasa, stop, background)) for _ in range(args.talkers)]
        agents = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in range(args.agents)]
        tokens = [await sign_in(agent, console_url, f"agent{n}") for n, agent in enumerate(agents)]
        print("agents signed in", flush=True)

        inbox_latency: list[float] = []
        citizens: list[tuple[str, int]] = []
        for _ in range(args.held):
            sender = "web-" + secrets.token_hex(16)
            async with session.post(
                f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": "I want to talk to a person"}
            ):
                recorded = time.perf_counter()
            seen = {c for _, c in citizens}
            while True:
                async with agents[0].get(f"{console_url}/api/inbox", params={"tab": "waiting"}) as response:
                    rows = (await response.json())["rows"]
                new = [row["id"] for row in rows if row["id"] not in seen]
                if new:
                    inbox_latency.append(time.perf_counter() - recorded)
                    citizens.append((sender, new[0]))
                    break
                await asyncio.sleep(0.02)
        results["handover → inbox"] = percentiles(inbox_latency)
        print("handovers measured", flush=True)

        for n, (_, conversation) in enumerate(citizens):
            agent, csrf = agents[n % len(agents)], tokens[n % len(agents)]
            async with agent.post(f"{console_url}/c/{conversation}/claim", data={"csrf": csrf}, allow_redirects=False):
                pass
        arrived: dict[str, float] = {}
        listeners = []
        for sender, _ in citizens:
            ready = asyncio.Event()
            listeners.append(asyncio.create_task(listen(push, sender, arrived, ready)))
            await ready.wait()
        reply_latency: list[float] = []
        for n, (_, conversation) in enumerate(citizens):
            agent, csrf = agents[n % len(agents)], tokens[n % len(agents)]
            text = f"reply {n} {secrets.token_hex(4)}"
            sent = time.perf_counter()
            form = {"csrf": csrf, "text": text}
            async with agent.post(f"{console_url}/c/{conversation}/reply", data=form, allow_redirects=False):
                pass
            deadline = time.monotonic() + 10
            while text not in arrived and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            if text in arrived:
                reply_latency.append(arrived[text] - sent)
        results["staff reply → widget"] = percentiles(reply_latency)
        if args.telegram:
            results["staff reply → Telegram (stand-in)"] = await telegram_replies(urls, args, agents, tokens)
        print("replies measured", flush=True)
        for task in listeners:
            task.cancel()

        background.clear()
        await asyncio.sleep(args.seconds)
        results[f"assistant turn, {args.talkers} talking, console running"] = percentiles(list(background))
        await asyncio.to_thread(console.stop)
        background.clear()
        await asyncio.sleep(args.seconds)
        results[f"assistant turn, {args.talkers} talking, console stopped"] = percentiles(list(background))
        stop.set()
        await asyncio.gather(*talkers, return_exceptions=True)
        for agent in agents:
            await agent.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--held", type=int, default=50)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--talkers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--telegram", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="console-bench-"))
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "console", "push")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    servers: list[Server] = []
    var = tmp / "var"
    var.mkdir()
    try:
        servers.append(catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log").start())
        servers.append(
            action_server(ports["actions"], urls["catalogue"], tmp / "cache", log_path=tmp / "a.log").start()
        )
        endpoints = write_endpoints(
            tmp / "endpoints.yml", ports["actions"], tmp / "tracker.db", events_db=var / "events.db"
        )
        rasa = rasa_server(ports["rasa"], ROOT / "models" / "assistant.tar.gz", endpoints, api_token=TOKEN,
                           bridge_token=TOKEN, log_path=tmp / "rasa.log")  # fmt: skip
        servers.append(rasa.start(timeout=240))
        for n in range(args.agents):
            command = [sys.executable, "-m", "console.accounts", "add", f"agent{n}", "--role", "agent"]
            env = base_env(ASSISTANT_VAR=str(var))
            subprocess.run(
                command, input=PASSWORD + "\n", env=env, cwd=ROOT, text=True, check=True, capture_output=True
            )
        console = console_server(ports["console"], ports["push"], urls["rasa"], TOKEN, "bench", var,
                                 log_path=tmp / "console.log")  # fmt: skip
        console.env.update(CATALOGUE_URL=urls["catalogue"], BRIDGE_TOKEN=TOKEN)
        servers.append(console.start(timeout=60))
        print(f"stack up; {args.held} handovers, {args.agents} agents, {args.talkers} citizens talking", flush=True)
        results = asyncio.run(measure(urls, args, console))
    finally:
        for server in reversed(servers):
            server.stop()
    text = "\n".join(
        [
            "# Helpdesk console under load",
            "",
            f"Generated by `bench/console_bench.py` on {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} cores; "
            f"{args.held} handovers held by {args.agents} agents while {args.talkers} citizens talk to the assistant, "
            f"{args.telegram} Telegram chats through the bridge and the Bot API stand-in, turns measured for "
            f"{args.seconds:.0f} s with the console running and again with it stopped.",
            "",
            "| measured | latency |",
            "| --- | --- |",
            *(f"| {name} | {value} |" for name, value in results.items()),
        ]
    )
    OUT.mkdir(parents=True, exist_ok=True)  # bench/results/console.md and .json, like the tracker's
    (OUT / "console.md").write_text(text + "\n", encoding="utf-8")
    (OUT / "console.json").write_text(json.dumps({"arguments": vars(args), "results": results}, indent=2))
    print(text)


if __name__ == "__main__":
    main()
