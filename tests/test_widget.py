"""The website chat widget in a real browser (Debian's Chromium, driven by Playwright) against the real assistant."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from runner.processes import ROOT
from tests.conftest import RASA_API_TOKEN, Stack

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
    untitled = HOST_PAGE.format(server=assistant.rasa_url, lang="ro").replace(' data-title="Asistent"', "")
    (root / "ro-untitled.html").write_text(untitled, encoding="utf-8")  # the widget's own title
    demo = (ROOT / "bot" / "widget" / "demo.html").read_text(encoding="utf-8")
    assert 'data-server="http://127.0.0.1:5005"' in demo
    (root / "demo.html").write_text(demo.replace("http://127.0.0.1:5005", assistant.rasa_url), encoding="utf-8")
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


def open_and_write(page: Page, site: str, text: str):  # type: ignore[no-untyped-def]
    """Open the widget on the Romanian page, send `text`, wait for the first answer; the input field."""
    page.goto(f"{site}/ro.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    field = page.locator("[data-lifeevents-widget] input")
    field.fill(text)
    field.press("Enter")
    expect(bot_messages(page).first).to_contain_text("Am înțeles", timeout=20000)
    return field


def test_a_conversation_with_buttons_survives_a_reload(page: Page, site: str) -> None:
    open_and_write(page, site, "Soția a născut ieri o fetiță la Cahul, ce acte trebuie?")
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


class FakeRasa:
    """Playwright's route on the Rasa REST URL: records what the widget sends, answers with given replies."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[dict[str, Any]] = []
        self.replies: list[dict[str, Any]] = []

    def __enter__(self) -> FakeRasa:
        self.page.route(self.url, self.answer)
        return self

    def __exit__(self, *_: object) -> None:
        self.page.unroute(self.url, self.answer)

    def answer(self, route: Route) -> None:
        body: dict[str, Any] = route.request.post_data_json or {}
        self.requests.append(body)
        sender = body["sender"]
        route.fulfill(
            status=200,
            headers={"Access-Control-Allow-Origin": "*"},
            content_type="application/json",
            body=json.dumps([{"recipient_id": sender, **reply} for reply in self.replies]),
        )


def say_in_widget(page: Page, message: str) -> None:
    field = page.locator("[data-lifeevents-widget] input")
    field.fill(message)
    field.press("Enter")


def test_the_conversation_language_switches_the_widget_texts(page: Page, site: str, assistant: Stack) -> None:
    page.goto(f"{site}/ro.html")
    widget = page.locator("[data-lifeevents-widget] .widget")
    field = page.locator("[data-lifeevents-widget] input")
    send = page.locator("[data-lifeevents-widget] form button")
    page.locator("[data-lifeevents-widget] .launcher").click()
    expect(field).to_have_attribute("placeholder", "Scrieți ce s-a întâmplat…")
    expect(send).to_have_text("Trimite")
    with FakeRasa(page, f"{assistant.rasa_url}/webhooks/rest/webhook") as rasa:
        rasa.replies = [
            {"custom": {"language": "ru"}},
            {"custom": {"something": "else"}},  # not for the widget: ignored
            {"custom": {"language": "de"}},  # not a language the widget speaks: ignored
            {"text": "Понятно: у вас родился ребёнок. В каком районе?"},
        ]
        say_in_widget(page, "У нас родился ребёнок")
        expect(bot_messages(page)).to_have_count(1)
        expect(bot_messages(page).first).to_have_text("Понятно: у вас родился ребёнок. В каком районе?")
        expect(field).to_have_attribute("placeholder", "Напишите, что произошло…")
        expect(send).to_have_text("Отправить")
        expect(widget).to_have_attribute("lang", "ru")
        expect(bot_messages(page).first).to_have_attribute("lang", "ru")
        assert page.locator("[data-lifeevents-widget] .close").get_attribute("aria-label") == "Закрыть"
        assert page.locator("[data-lifeevents-widget] label").inner_text() == "Напишите, что произошло…"
        expect(page.locator("[data-lifeevents-widget] .title")).to_have_text("Asistent")  # the page's data-title
        assert page.locator("[data-lifeevents-widget] .msg").count() == 2, "no bubbles for custom elements"
        assert rasa.requests[0]["metadata"]["language"] == "ro", "the page's language until the assistant says"

        page.reload()  # the language is kept with the conversation
        expect(field).to_have_attribute("placeholder", "Напишите, что произошло…")
        expect(send).to_have_text("Отправить")
        expect(page.locator("[data-lifeevents-widget] .launcher")).to_have_text("Спросить помощника")
        expect(bot_messages(page)).to_have_count(1)
        rasa.replies = [{"text": "Кахул"}]
        say_in_widget(page, "Кахул")
        expect(bot_messages(page)).to_have_count(2)
        assert rasa.requests[1]["metadata"] == {"language": "ru", "channel": "web"}
    page.route(f"{assistant.rasa_url}/webhooks/rest/webhook", lambda route: route.abort())
    say_in_widget(page, "ещё вопрос")
    expect(page.locator("[data-lifeevents-widget] .msg.error")).to_contain_text("недоступен")


def test_the_widgets_own_title_follows_the_language(page: Page, site: str, assistant: Stack) -> None:
    page.goto(f"{site}/ro-untitled.html")
    title = page.locator("[data-lifeevents-widget] .title")
    page.locator("[data-lifeevents-widget] .launcher").click()
    expect(title).to_have_text("Asistentul serviciilor publice")
    with FakeRasa(page, f"{assistant.rasa_url}/webhooks/rest/webhook") as rasa:
        rasa.replies = [{"text": "I understand: you lost your job."}, {"custom": {"language": "en"}}]
        say_in_widget(page, "I lost my job")
        expect(title).to_have_text("Public services assistant")
        expect(bot_messages(page)).to_have_count(1)
        expect(bot_messages(page).first).to_have_attribute("lang", "en")
        expect(page.locator("[data-lifeevents-widget] form button")).to_have_text("Send")
        panel = page.locator("[data-lifeevents-widget] .panel")
        assert panel.get_attribute("aria-label") == "Public services assistant"


def test_the_demo_page_is_readable_on_a_phone(browser: Browser, site: str, assistant: Stack) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    try:
        page.goto(f"{site}/demo.html")
        assert page.evaluate("window.innerWidth") == 360, "the page is laid out for the phone's width (viewport meta)"
        page.locator("[data-lifeevents-widget] .launcher").tap()
        with FakeRasa(page, f"{assistant.rasa_url}/webhooks/rest/webhook") as rasa:  # long texts, links, buttons
            long_link = "https://servicii.gov.md/" + "documente-necesare-" * 20
            options = ["Certificat de naștere pentru copilul meu nou-născut", "Nu știu", "Altceva " * 12]
            rasa.replies = [
                {"text": "Am înțeles — pașaportul. " * 8},
                {"text": f"Detalii: {long_link} {'x' * 200}"},
                {"text": "Pentru cine?", "buttons": [{"title": o, "payload": "/choose"} for o in options]},
            ]
            say_in_widget(page, "Vreau să îmi fac pașaport")
            expect(page.locator("[data-lifeevents-widget] .buttons button")).to_have_count(3)
        shot(page, "demo-phone")
        sizes = page.locator("[data-lifeevents-widget] .msg, [data-lifeevents-widget] .buttons button").evaluate_all(
            "items => items.map(m => parseFloat(getComputedStyle(m).fontSize))"
        )
        assert len(sizes) >= 4 and min(sizes) >= 14, sizes
        font = bot_messages(page).first.evaluate("m => getComputedStyle(m).fontFamily")
        assert "Georgia" not in font, "the page's * { font-family } does not reach the widget"
        field = page.locator("[data-lifeevents-widget] input")
        assert field.evaluate("i => parseFloat(getComputedStyle(i).fontSize)") >= 16, "no zoom on focus"
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, "no horizontal scrolling"
        panel = page.locator("[data-lifeevents-widget] .panel").bounding_box()
        assert panel is not None and panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
        log = page.locator("[data-lifeevents-widget] .log")
        assert log.evaluate("l => l.scrollWidth <= l.clientWidth"), "long words and links wrap inside the chat"
    finally:
        context.close()


# With the real assistant: it needs the actions' side of "the conversation's language follows the citizen"
# (a {"custom": {"language": ...}} reply element when the language is set or changes) and fails without it.
def test_a_russian_speaker_on_a_romanian_page_is_answered_in_russian(page: Page, site: str) -> None:
    page.goto(f"{site}/ro.html")
    page.locator("[data-lifeevents-widget] .launcher").click()
    say_in_widget(page, "Вчера умер мой отец, какие документы нужны?")
    expect(bot_messages(page).first).to_contain_text("Понятно", timeout=20000)
    expect(page.locator("[data-lifeevents-widget] input")).to_have_attribute("placeholder", "Напишите, что произошло…")
    expect(page.locator("[data-lifeevents-widget] form button")).to_have_text("Отправить")
    expect(page.locator("[data-lifeevents-widget] .widget")).to_have_attribute("lang", "ru")
    assert page.locator("[data-lifeevents-widget] .msg.bot:empty").count() == 0, "no bubble for the custom element"
    expect(page.locator("[data-lifeevents-widget] .title")).to_have_text("Asistent")  # the page's data-title


def test_a_citizen_can_start_afresh_or_forget_the_conversation(page: Page, site: str, assistant: Stack) -> None:
    field = open_and_write(page, site, "am pierdut locul de muncă, IDNP 2002001234563")
    first_id = page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).sender")

    page.locator("[data-lifeevents-widget] .fresh").click()  # "Conversație nouă"
    expect(bot_messages(page)).to_have_count(0)
    second_id = page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).sender")
    assert second_id != first_id and re.fullmatch(r"web-[0-9a-f]{32}", second_id)
    field.fill("s-a născut un copil")
    field.press("Enter")
    expect(bot_messages(page).first).to_contain_text("Am înțeles", timeout=20000)

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-lifeevents-widget] .forget").click()  # "Uitați această conversație"
    expect(bot_messages(page).last).to_contain_text("Conversația a fost ștearsă.", timeout=20000)
    said = requests.get(
        f"{assistant.rasa_url}/conversations/{second_id}/tracker", params={"token": RASA_API_TOKEN}, timeout=30
    ).json()
    assert not [e for e in said["events"] if e["event"] == "user"], "the assistant kept nothing of it"
    assert page.evaluate("() => JSON.parse(Object.values(localStorage)[0]).sender") not in (first_id, second_id)
