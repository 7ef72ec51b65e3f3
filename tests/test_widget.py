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
AXE = ROOT / "bot" / "widget" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "reports" / "widget"
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


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
        pass


@pytest.fixture(scope="module")
def site(assistant: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Host pages in en/ro/ru on their own origin, serving widget.js as a government site would."""
    root = tmp_path_factory.mktemp("site")
    shutil.copy(ROOT / "bot" / "widget" / "widget.js", root / "widget.js")
    for lang in ("en", "ro", "ru"):
        (root / f"{lang}.html").write_text(HOST_PAGE.format(server=assistant.rasa_url, lang=lang), encoding="utf-8")
    port = int(assistant.site_origin.rsplit(":", 1)[1])  # the origin Rasa's CORS allows
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield assistant.site_origin
    server.shutdown()
    server.server_close()


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
    groups = page.locator("[data-lifeevents-widget] .buttons")
    expect(groups.first).to_be_visible()
    buttons = groups.nth(groups.count() - 1).locator("button")  # this question's, not whatever comes last later
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


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_keyboard_only_on_a_phone_with_language_switch(browser: Browser, site: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{site}/en.html")
        page.keyboard.press("Tab")  # the host page's button
        page.keyboard.press("Tab")  # the widget's launcher
        page.keyboard.press("Enter")
        panel = page.locator("[data-lifeevents-widget] .panel")
        expect(panel).to_be_visible()
        box = panel.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, "fits a 360-px screen"
        page.keyboard.type("My father died yesterday")
        page.keyboard.press("Enter")
        expect(bot_messages(page).first).to_contain_text("I understand", timeout=20000)
        page.keyboard.type("in Romanian please")
        page.keyboard.press("Enter")
        expect(bot_messages(page).last).to_be_visible(timeout=20000)
        expect(page.locator("[data-lifeevents-widget] .msg.bot").filter(has_text="limba română")).to_have_count(1)
        # answer the pending question with the keyboard alone: Tab from the input back to its first button
        question_buttons = page.locator("[data-lifeevents-widget] .buttons").last.locator("button")
        question_buttons.first.focus()
        assert question_buttons.first.evaluate("b => getComputedStyle(b).outlineStyle") != "none", "focus is visible"
        count = bot_messages(page).count()
        page.keyboard.press("Enter")
        expect(bot_messages(page)).not_to_have_count(count, timeout=20000)
        shot(page, "phone-keyboard")
        page.keyboard.press("Escape")
        expect(panel).to_be_hidden()
        assert page.evaluate("document.activeElement.hasAttribute('data-lifeevents-widget')"), (
            "focus returns to the widget"
        )
    finally:
        context.close()


def test_no_serious_accessibility_violations(page: Page, site: str) -> None:
    page.goto(f"{site}/ro.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    field = page.locator("[data-lifeevents-widget] input")
    field.fill("Vreau să îmi fac pașaport")
    field.press("Enter")
    expect(page.locator("[data-lifeevents-widget] .buttons button").first).to_be_visible(timeout=20000)
    shot(page, "accessibility")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run({include: [['[data-lifeevents-widget]']]})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], serious
    assert page.locator("[data-lifeevents-widget] [role=log][aria-live=polite]").count() == 1
    assert page.locator("[data-lifeevents-widget] .widget").get_attribute("lang") == "ro"


def test_other_sites_cannot_use_the_assistant(page: Page, site: str) -> None:
    """Rasa's CORS admits only the configured origin: the same page from another origin gets no answer."""
    other = site.replace("127.0.0.1", "localhost")
    page.goto(f"{other}/en.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    field = page.locator("[data-lifeevents-widget] input")
    field.fill("hello")
    field.press("Enter")
    expect(page.locator("[data-lifeevents-widget] .msg.error")).to_be_visible(timeout=20000)
    assert bot_messages(page).count() == 0
