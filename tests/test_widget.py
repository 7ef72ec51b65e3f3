"""The website chat widget in a real browser (Debian's Chromium, driven by Playwright) against the real assistant."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from runner.processes import ROOT
from tests.conftest import Stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Host page</title>
<style>
  * {{ font-family: Georgia, serif; }}
  button {{ background: rgb(0, 128, 0) !important; color: yellow !important; }}
  li {{ color: purple; }}
</style></head>
<body>
  <button id="host-button" type="button">Host button</button>
  <script>window.hostKeys = Object.keys(window);</script>
  <script src="/widget.js" data-server="{server}" data-lang="{lang}"
          data-title="Asistent" data-color="#aa0000"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def site(assistant: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Host pages in en/ro/ru on their own origin, serving widget.js as a government site would."""
    root = tmp_path_factory.mktemp("site")
    shutil.copy(ROOT / "bot" / "widget" / "widget.js", root / "widget.js")
    for lang in ("en", "ro", "ru"):
        (root / f"{lang}.html").write_text(HOST_PAGE.format(server=assistant.rasa_url, lang=lang), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make setup` (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def bot_messages(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-lifeevents-widget] .msg.bot")


def test_a_conversation_with_buttons_survives_a_reload(page: Page, site: str) -> None:
    page.goto(f"{site}/ro.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    field = page.locator("[data-lifeevents-widget] input")
    field.fill("Soția a născut ieri o fetiță la Cahul, ce acte trebuie?")
    field.press("Enter")
    expect(bot_messages(page).first).to_contain_text("Am înțeles", timeout=20000)
    buttons = page.locator("[data-lifeevents-widget] .buttons").last.locator("button")
    expect(buttons.first).to_be_enabled()
    question_count = bot_messages(page).count()
    buttons.first.click()
    expect(buttons.first).to_be_disabled()  # a pressed question cannot be answered twice
    expect(bot_messages(page)).not_to_have_count(question_count, timeout=20000)
    before_reload = bot_messages(page).all_inner_texts()
    page.reload()
    expect(bot_messages(page)).to_have_count(len(before_reload))
    assert bot_messages(page).all_inner_texts() == before_reload
    page.locator("[data-lifeevents-widget] .buttons").last.locator("button").first.click()
    expect(bot_messages(page)).not_to_have_count(len(before_reload), timeout=20000)


def test_typing_indicator_links_and_no_markup_injection(page: Page, site: str) -> None:
    page.goto(f"{site}/en.html")
    page.locator("[data-lifeevents-widget] .launcher").click()

    def slow(route: Route) -> None:
        page.wait_for_timeout(800)
        route.continue_()

    page.route("**/webhooks/rest/webhook", slow)
    field = page.locator("[data-lifeevents-widget] input")
    field.fill('<img src=x onerror="window.pwned=1"> I need a passport')
    field.press("Enter")
    expect(page.locator("[data-lifeevents-widget] .typing")).to_be_visible()
    expect(bot_messages(page).first).to_be_visible(timeout=20000)
    expect(page.locator("[data-lifeevents-widget] .typing")).to_be_hidden()
    user = page.locator("[data-lifeevents-widget] .msg.user").first
    assert "<img" in user.inner_text()
    assert page.locator("[data-lifeevents-widget] img").count() == 0
    assert page.evaluate("window.pwned") is None
    page.unroute("**/webhooks/rest/webhook")
    field.fill("can I do it online?")
    field.press("Enter")
    link = page.locator("[data-lifeevents-widget] .msg.bot a").first
    expect(link).to_be_visible(timeout=20000)
    assert link.get_attribute("href", timeout=1000).startswith("https://")  # type: ignore[union-attr]
    assert link.get_attribute("rel") == "noopener noreferrer"


def test_styles_do_not_clash_with_the_host_page(page: Page, site: str) -> None:
    page.goto(f"{site}/en.html")
    launcher = page.locator("[data-lifeevents-widget] .launcher")
    assert launcher.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(170, 0, 0)"
    host_button = page.locator("#host-button")
    assert host_button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 128, 0)"
    added = page.evaluate("Object.keys(window).filter(k => k !== 'hostKeys' && !window.hostKeys.includes(k))")
    assert added == [], "the widget defines no globals"


def test_assistant_unreachable_keeps_the_message(page: Page, site: str) -> None:
    page.goto(f"{site}/ru.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    page.route("**/webhooks/rest/webhook", lambda route: route.abort())
    field = page.locator("[data-lifeevents-widget] input")
    field.fill("умер отец")
    field.press("Enter")
    expect(page.locator("[data-lifeevents-widget] .msg.error")).to_contain_text("недоступен")
    expect(field).to_have_value("умер отец")
