"""The NLU side of the benchmark: the held-out set through a Rasa server, a BM25 baseline over the
catalogue, and /model/parse under load."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import requests

from bench.turns_bench import summary
from catalogue_service.content import load as load_catalogue
from catalogue_service.search import SearchIndex
from nlp.evaluate import examples

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "ro", "ru")


def held_out() -> dict[str, list[tuple[str, str]]]:
    return {lang: examples(ROOT / "tests" / "nlu" / f"{lang}.yml") for lang in LANGS}


def parse_all(url: str, examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    session = requests.Session()
    return [
        (intent, session.post(url, json={"text": text}, timeout=30).json()["intent"]["name"])
        for intent, text in examples
    ]


def bm25_predictions(examples: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """What a portal's search box does: the life event of the best BM25 hit among life events and services."""
    content = load_catalogue(ROOT / "data" / "catalogue")
    index = SearchIndex(content)
    pairs = []
    for intent, text in examples:
        if not intent.startswith("life_event_"):
            continue
        predicted = "none"
        for kind, ident, _score in index.search(text, lang, {"life_event", "service"}, limit=1):
            event = ident if kind == "life_event" else (content.life_events_using(ident) or ["none"])[0]
            predicted = "life_event_" + event.replace("-", "_")
        pairs.append((intent, predicted))
    return pairs


def parse_load(url: str, texts: list[str], concurrency: int, seconds: float) -> dict[str, float]:
    import aiohttp

    from bench.turns_bench import Result

    async def run() -> Result:
        result = Result()
        deadline = time.perf_counter() + seconds
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

            async def user(offset: int) -> None:
                i = offset
                while time.perf_counter() < deadline:
                    start = time.perf_counter()
                    async with session.post(url, json={"text": texts[i % len(texts)]}) as response:
                        await response.read()
                        result.errors += response.status != 200
                    result.latencies.append(time.perf_counter() - start)
                    result.turns += 1
                    i += concurrency

            started = time.perf_counter()
            await asyncio.gather(*(user(i) for i in range(concurrency)))
            result.elapsed = time.perf_counter() - started
        return result

    return summary(asyncio.run(run()))
