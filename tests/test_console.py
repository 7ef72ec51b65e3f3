"""The helpdesk console against the real stack: Rasa writing its events to the SQL event broker,
the console reading them, pausing and resuming Rasa over its HTTP API, and pushing staff
messages to the citizen. Security first, then a takeover over HTTP, then (test_console_browser.py)
the same in Chromium."""

from __future__ import annotations

import os
import re
import secrets
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from runner.processes import (
    ROOT,
    Server,
    action_server,
    base_env,
    catalogue_service,
    console_server,
    free_port,
    rasa_server,
    write_endpoints,
)
from tests.test_widget import AXE, CHROMIUM, CHROMIUM_ARGS

MODEL = ROOT / "models" / "assistant.tar.gz"
SHOTS = ROOT / "build" / "reports" / "console"
API_TOKEN = "console-test-api-token"
BRIDGE_TOKEN = "console-test-bridge-token"
PASSWORDS = {name: secrets.token_urlsafe(12) for name in ("ana", "bob", "sue", "root", "eve", "tom")}
ROLES = {"ana": "agent", "bob": "agent", "sue": "supervisor", "root": "admin", "eve": "agent", "tom": "agent"}
PUSH_RATE = 120  # requests a minute to one conversation's push endpoint (the tests poll it often)


def wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """The first true value of `check` within `timeout` seconds (a deadline, not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not seen within the time allowed")


@dataclass
class Helpdesk:
    tmp: Path
    rasa_url: str
    console_url: str
    push_url: str
    site_origin: str
    servers: list[Server]
    catalogue_url: str

    @property
    def console(self) -> Server:
        return self.servers[-1]

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        reply.raise_for_status()
        return [r for r in reply.json() if "custom" not in r]

    def tracker(self, sender: str) -> dict[str, Any]:
        url = f"{self.rasa_url}/conversations/{sender}/tracker"
        return dict(requests.get(url, params={"token": API_TOKEN}, timeout=10).json())

    def staff(self, name: str) -> Staff:
        return Staff(self.console_url).sign_in(name, PASSWORDS[name])

    def pushed(self, sender: str, after: int = 0) -> list[dict[str, Any]]:
        reply = requests.get(f"{self.push_url}/push/{sender}", params={"after": after}, timeout=10)
        reply.raise_for_status()
        return list(reply.json()["messages"])


class Staff:
    """A staff member's browser, as far as HTTP goes: cookies and the page's CSRF token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kw: Any) -> requests.Response:
        response = self.http.get(self.url + path, timeout=20, allow_redirects=False, **kw)
        found = re.search(r'name="csrf" value="([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, csrf: str | None = None, **data: str) -> requests.Response:
        form = {"csrf": self.csrf if csrf is None else csrf, **data}
        return self.http.post(self.url + path, data=form, timeout=20, allow_redirects=False)

    def sign_in(self, name: str, password: str) -> Staff:
        self.get("/login")
        response = self.post("/login", name=name, password=password)
        assert response.status_code == 303, response.text
        self.get("/")
        return self

    def inbox(self, tab: str = "waiting") -> dict[str, Any]:
        response = self.get("/api/inbox", params={"tab": tab})
        response.raise_for_status()
        return dict(response.json())

    def conversation(self, conversation_id: int) -> dict[str, Any]:
        return dict(self.get(f"/api/c/{conversation_id}").json())


def add_account(var: Path, name: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "console.accounts", "add", name, "--role", ROLES[name]]
    env = base_env(ASSISTANT_VAR=str(var))
    return subprocess.run(command, input=PASSWORDS[name] + "\n", env=env, cwd=ROOT, text=True, capture_output=True)


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpdesk]:
    assert MODEL.exists(), "train the model first: make train (make test does it)"
    tmp = tmp_path_factory.mktemp("helpdesk")
    var = tmp / "var"
    var.mkdir()
    ports = {name: free_port() for name in ("catalogue", "actions", "rasa", "console", "push", "site")}
    site_origin = f"http://127.0.0.1:{ports['site']}"
    rasa_url = f"http://127.0.0.1:{ports['rasa']}"
    servers: list[Server] = []
    try:
        servers.append(catalogue_service(ports["catalogue"], log_path=tmp / "catalogue.log").start())
        catalogue_url = f"http://127.0.0.1:{ports['catalogue']}"
        actions = action_server(ports["actions"], catalogue_url, tmp / "cache", log_path=tmp / "actions.log")
        servers.append(actions.start())
        endpoints = write_endpoints(
            var / "endpoints.yml", ports["actions"], var / "tracker.db", events_db=var / "events.db"
        )
        rasa = rasa_server(
            ports["rasa"],
            MODEL,
            endpoints,
            api_token=API_TOKEN,
            cors=[site_origin],
            bridge_token=BRIDGE_TOKEN,
            log_path=tmp / "rasa.log",
        )
        servers.append(rasa.start(timeout=180))
        console = console_server(
            ports["console"], ports["push"], rasa_url, API_TOKEN, "test-secret", var, log_path=tmp / "console.log"
        )
        console.env.update(CONSOLE_PUSH_ORIGINS=site_origin, BRIDGE_TOKEN=BRIDGE_TOKEN, CATALOGUE_URL=catalogue_url)
        # as behind a proxy: a test names another caller's address with X-Forwarded-For
        console.env.update(TRUSTED_PROXY="1", CONSOLE_RATE_PUSH=str(PUSH_RATE), CONSOLE_RATE_PUSH_CLIENT="3000")
        servers.append(console.start(timeout=60))
        for name in PASSWORDS:
            done = add_account(var, name)
            assert done.returncode == 0, done.stderr
        yield Helpdesk(
            tmp,
            rasa_url,
            f"http://127.0.0.1:{ports['console']}",
            f"http://127.0.0.1:{ports['push']}",
            site_origin,
            servers,
            catalogue_url,
        )
    finally:
        for server in reversed(servers):
            server.stop()


def web_id() -> str:
    return "web-" + secrets.token_hex(16)


def hand_over(helpdesk: Helpdesk, staff: Staff, sender: str, text: str = "I want to talk to a person") -> int:
    """The citizen asks for a person; the conversation's row id once it is in the inbox."""
    before = {row["id"] for row in staff.inbox("open")["rows"]}
    helpdesk.say(sender, text)
    rows = wait_for(lambda: [r for r in staff.inbox("waiting")["rows"] if r["id"] not in before])
    assert len(rows) == 1
    return int(rows[0]["id"])


# --- accounts and security ----------------------------------------------------------------


def test_accounts_have_no_default_password_and_the_store_is_private(helpdesk: Helpdesk) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "console.accounts", "add", "short", "--role", "agent"],
        input="tooshort\n",
        env=base_env(ASSISTANT_VAR=str(helpdesk.tmp / "var")),
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    assert refused.returncode != 0 and "at least" in refused.stderr
    for name in ("console.db", "events.db"):
        assert stat.S_IMODE(os.stat(helpdesk.tmp / "var" / name).st_mode) == 0o600
    listed = subprocess.run(
        [sys.executable, "-m", "console.accounts", "list"],
        env=base_env(ASSISTANT_VAR=str(helpdesk.tmp / "var")),
        cwd=ROOT,
        text=True,
        capture_output=True,
    )
    assert "ana\tagent" in listed.stdout and "root\tadmin" in listed.stdout
    assert not any(password in listed.stdout for password in PASSWORDS.values())


def test_nothing_without_signing_in(helpdesk: Helpdesk) -> None:
    anonymous = Staff(helpdesk.console_url)
    assert anonymous.get("/").status_code == 303
    assert anonymous.get("/").headers["Location"] == "/login"
    assert anonymous.get("/api/inbox").status_code == 401
    assert anonymous.get("/api/stream").status_code == 401
    assert anonymous.get("/c/1").status_code == 303
    assert anonymous.get("/api/c/1").status_code == 401
    assert anonymous.get("/audit").status_code == 303
    anonymous.get("/login")  # a session with a CSRF token, but nobody signed in
    assert anonymous.post("/c/1/claim").status_code == 401
    assert anonymous.post("/c/1/reply", text="hello").status_code == 401
    page = anonymous.get("/login")
    cookie = page.headers.get("Set-Cookie", "") or anonymous.http.cookies.get("console_session", "")
    assert cookie


def test_the_session_cookie_is_http_only_and_signed(helpdesk: Helpdesk) -> None:
    fresh = requests.get(helpdesk.console_url + "/login", timeout=10)
    header = fresh.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header
    forged = requests.Session()
    forged.cookies.set("console_session", '{"u": 1, "e": 0, "c": "x"}')
    assert forged.get(helpdesk.console_url + "/api/inbox", timeout=10).status_code == 401


def test_roles_agents_are_refused_admin_and_audit_pages(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    assert ana.get("/").status_code == 200
    assert ana.get("/admin/accounts").status_code == 403
    assert ana.get("/audit").status_code == 403
    sue = helpdesk.staff("sue")
    assert sue.get("/audit").status_code == 200
    assert sue.get("/admin/accounts").status_code == 403
    root = helpdesk.staff("root")
    page = root.get("/admin/accounts")
    assert page.status_code == 200 and "ana" in page.text
    assert ana.post("/admin/accounts/bob/disable").status_code == 403  # an agent cannot
    assert sue.post("/admin/accounts/bob/disable").status_code == 403  # nor a supervisor
    bob = helpdesk.staff("bob")
    assert root.post("/admin/accounts/bob/disable").status_code == 303
    assert bob.get("/api/inbox").status_code == 401  # the session ended at once
    refused = Staff(helpdesk.console_url)
    refused.get("/login")
    assert refused.post("/login", name="bob", password=PASSWORDS["bob"]).status_code == 401
    assert root.post("/admin/accounts/bob/enable").status_code == 303
    assert helpdesk.staff("bob").get("/api/inbox").status_code == 200
    assert root.post("/admin/accounts/root/disable").status_code == 400  # not oneself
    assert "disabled" in sue.get("/audit").text


def test_forms_without_the_csrf_token_are_refused(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    assert ana.post("/logout", csrf="").status_code == 403
    assert ana.post("/logout", csrf="forged-token").status_code == 403
    assert ana.get("/api/inbox").status_code == 200  # still signed in: nothing happened
    other = Staff(helpdesk.console_url)
    other.get("/login")
    assert other.post("/login", csrf=ana.csrf, name="ana", password=PASSWORDS["ana"]).status_code == 403


def test_wrong_passwords_slow_the_account_down(helpdesk: Helpdesk) -> None:
    eve = Staff(helpdesk.console_url)
    eve.get("/login")
    codes = [eve.post("/login", name="eve", password="wrong password!").status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401]
    assert 429 in codes[3:]  # locked for a while after the third
    refused = eve.post("/login", name="eve", password=PASSWORDS["eve"])
    assert refused.status_code == 429  # even the right password waits until the lock ends
    assert "wait" in refused.text
    unknown = eve.post("/login", name="nobody", password="whatever it is")
    assert unknown.status_code == 401


def test_signing_out_ends_the_session(helpdesk: Helpdesk) -> None:
    bob = helpdesk.staff("bob")
    stolen = dict(bob.http.cookies)
    assert bob.post("/logout").status_code == 303
    replay = requests.Session()
    replay.cookies.update(stolen)
    assert replay.get(helpdesk.console_url + "/api/inbox", timeout=10).status_code == 401


# --- a takeover over HTTP -----------------------------------------------------------------


def test_a_takeover_from_handover_to_hand_back(helpdesk: Helpdesk) -> None:
    ana, bob = helpdesk.staff("ana"), helpdesk.staff("bob")
    citizen = web_id()
    helpdesk.say(citizen, "Bună ziua, m-am căsătorit luna trecută")
    conversation = hand_over(helpdesk, ana, citizen, "vreau să vorbesc cu un om")
    row = next(r for r in ana.inbox()["rows"] if r["id"] == conversation)
    assert row["channel"] == "website" and row["language"] == "ro" and row["reason"]
    page = ana.get(f"/c/{conversation}").text
    assert citizen not in str(ana.inbox()) and citizen not in page  # the citizen's secret id is never shown
    assert "Getting married" in page  # what the assistant knows, in the catalogue's words
    facts = ana.get(f"/c/{conversation}", params={"q": "certificat de căsătorie"}).text
    assert '<span class="fact" lang="ro">' in facts  # the catalogue at hand, in the citizen's language
    assert row["reason"] == "asked for a person"

    # two agents claim at once: exactly one wins
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def claim(staff: Staff, name: str) -> None:
        barrier.wait()
        results[name] = staff.post(f"/c/{conversation}/claim").status_code

    threads = [threading.Thread(target=claim, args=(s, n)) for s, n in ((ana, "ana"), (bob, "bob"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    holder = ana.conversation(conversation)["conversation"]["holder"]
    assert holder in ("ana", "bob")
    claims = [r for r in helpdesk_audit(helpdesk, conversation) if r == "claimed"]
    assert claims == ["claimed"]
    me, other = (ana, bob) if holder == "ana" else (bob, ana)
    assert conversation in [r["id"] for r in me.inbox("mine")["rows"]]
    assert conversation not in [r["id"] for r in other.inbox("mine")["rows"]]
    assert conversation in [r["id"] for r in other.inbox("open")["rows"]]
    assert conversation not in [r["id"] for r in other.inbox("waiting")["rows"]]
    assert "Already taken by" in other.get(other.post(f"/c/{conversation}/claim").headers["Location"]).text
    assert helpdesk.tracker(citizen)["paused"] is True

    # the holder replies: recorded in the tracker, pushed to the widget once
    assert me.post(f"/c/{conversation}/reply", text="Bună ziua, sunt aici. Cu ce vă pot ajuta?").status_code == 303
    pushed = helpdesk.pushed(citizen)
    assert [m["text"] for m in pushed] == ["Bună ziua, sunt aici. Cu ce vă pot ajuta?"]
    assert pushed[0]["author"].endswith(", asistență")
    assert helpdesk.pushed(citizen, after=pushed[0]["id"]) == []
    staff_events = [e for e in helpdesk.tracker(citizen)["events"] if (e.get("metadata") or {}).get("console")]
    assert staff_events[-1]["metadata"]["staff"] == holder
    assert other.post(f"/c/{conversation}/reply", text="me too").status_code == 303  # refused: not theirs
    assert len(helpdesk.pushed(citizen)) == 1

    # the citizen answers: the assistant stays silent, the agent sees it
    assert helpdesk.say(citizen, "Am nevoie de un certificat de căsătorie nou") == []
    said = wait_for(lambda: [m for m in me.conversation(conversation)["messages"] if m["from"] == "citizen"])
    assert said[-1]["text"] == "Am nevoie de un certificat de căsătorie nou"
    assert any(m["from"] == "staff" for m in me.conversation(conversation)["messages"])

    # transfer to the other agent and back, then hand back to the assistant
    assert me.post(f"/c/{conversation}/transfer", to=("bob" if holder == "ana" else "ana")).status_code == 303
    assert ana.conversation(conversation)["conversation"]["holder"] != holder
    assert other.post(f"/c/{conversation}/handback").status_code == 303
    assert ana.conversation(conversation)["conversation"]["status"] == "closed"
    notice = helpdesk.pushed(citizen, after=pushed[0]["id"])
    assert len(notice) == 1 and notice[0]["author"] == "" and "asistent" in notice[0]["text"]
    assert helpdesk.tracker(citizen)["paused"] is False
    answer = helpdesk.say(citizen, "ce acte îmi trebuie?")
    assert answer, "the assistant answers again"
    assert conversation in [r["id"] for r in ana.inbox("closed")["rows"]]


def helpdesk_audit(helpdesk: Helpdesk, conversation: int) -> list[str]:
    sue = helpdesk.staff("sue")
    page = sue.get(f"/c/{conversation}").text
    history = page.split("<h2>Audit</h2>")[-1]
    return re.findall(r"\b(claimed|replied|transferred|handed_back|closed|released)\b", history)


def test_release_and_close_with_an_outcome(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    citizen = web_id()
    conversation = hand_over(helpdesk, ana, citizen, "Хочу поговорить с человеком")
    assert ana.inbox()["rows"][0]["language"] in ("ru", "en")
    ana.post(f"/c/{conversation}/claim")
    assert helpdesk.tracker(citizen)["paused"] is True
    ana.post(f"/c/{conversation}/release")
    assert ana.conversation(conversation)["conversation"]["status"] == "waiting"
    assert helpdesk.tracker(citizen)["paused"] is False
    ana.post(f"/c/{conversation}/claim")
    assert ana.post(f"/c/{conversation}/close", outcome="answered").status_code == 303
    closed = ana.conversation(conversation)["conversation"]
    assert closed["status"] == "closed" and closed["outcome"] == "answered"
    assert len(helpdesk.pushed(citizen)) == 1
    history = helpdesk_audit(helpdesk, conversation)
    assert history[:4] == ["closed", "claimed", "released", "claimed"]  # newest first


def test_one_citizen_cannot_read_anothers_pushes(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    citizen = web_id()
    conversation = hand_over(helpdesk, ana, citizen)
    ana.post(f"/c/{conversation}/claim")
    ana.post(f"/c/{conversation}/reply", text="Only for you")
    assert len(helpdesk.pushed(citizen)) == 1
    assert helpdesk.pushed(web_id()) == []
    for forged in ("telegram:424242", "default", citizen.upper(), citizen[:-1], citizen + "0"):
        response = requests.get(f"{helpdesk.push_url}/push/{forged}", timeout=10)
        assert response.status_code == 404
    cross = requests.get(f"{helpdesk.push_url}/push/{citizen}", headers={"Origin": "http://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in cross.headers
    own = requests.get(f"{helpdesk.push_url}/push/{citizen}", headers={"Origin": helpdesk.site_origin}, timeout=10)
    assert own.headers["Access-Control-Allow-Origin"] == helpdesk.site_origin
    ana.post(f"/c/{conversation}/handback")
    other = web_id()
    assert requests.post(f"{helpdesk.push_url}/push/{other}/forget", timeout=10).json() == {"forgotten": True}
    assert ana.get(f"/api/c/{conversation}").status_code == 200  # another id forgets nothing of this one
    assert requests.post(f"{helpdesk.push_url}/push/telegram:424242/forget", timeout=10).status_code == 404
    assert requests.post(f"{helpdesk.push_url}/push/{citizen}/forget", timeout=10).status_code == 200
    assert helpdesk.pushed(citizen) == [] and ana.get(f"/api/c/{conversation}").status_code == 404
    log = (helpdesk.tmp / "console.log").read_text()
    assert citizen not in log
    assert "could not read" not in log and "Traceback" not in log


# --- the same in a real browser: the citizen in the widget, the agent in the console ---------

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title></head>
<body><main><h1>A government page</h1></main>
<script src="/widget.js" data-server="{server}" data-push="{push}" data-lang="en"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def site(helpdesk: Helpdesk, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The widget embedded in a page on the one origin Rasa and the push endpoint admit."""
    from functools import partial
    from http.server import ThreadingHTTPServer

    from tests.test_widget import QuietHandler

    root = tmp_path_factory.mktemp("site")
    (root / "widget.js").write_bytes((ROOT / "bot" / "widget" / "widget.js").read_bytes())
    (root / "en.html").write_text(HOST_PAGE.format(server=helpdesk.rasa_url, push=helpdesk.push_url), encoding="utf-8")
    port = int(helpdesk.site_origin.rsplit(":", 1)[1])
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield helpdesk.site_origin
    server.shutdown()
    server.server_close()


def axe_serious(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run()).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_a_citizen_in_the_widget_and_an_agent_in_the_console(helpdesk: Helpdesk, site: str) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make setup`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            citizen = browser.new_context().new_page()
            agent = browser.new_context(bypass_csp=True).new_page()  # bypass: axe is injected inline

            agent.goto(helpdesk.console_url + "/")
            assert axe_serious(agent) == []  # the sign-in page
            agent.get_by_label("Account").fill("ana")
            agent.get_by_label("Password").fill(PASSWORDS["ana"])
            agent.get_by_role("button", name="Sign in").click()
            expect(agent.get_by_role("heading", name="Inbox")).to_be_visible()
            rows = agent.locator("#rows tr")
            before = rows.count()
            assert axe_serious(agent) == []

            citizen.goto(f"{site}/en.html")
            widget = citizen.locator("[data-lifeevents-widget]")
            widget.locator(".launcher").click()
            field = widget.locator("input")
            field.fill("I want to talk to a person")
            field.press("Enter")
            expect(widget.locator(".msg.bot").first).to_contain_text("helpdesk", timeout=20000)

            expect(rows).to_have_count(before + 1, timeout=10000)  # arrived without a reload
            expect(agent).to_have_title(re.compile(r"^\(\d+\) Inbox"))
            rows.last.get_by_role("link").focus()  # the keyboard alone: a link, then the Claim button
            agent.keyboard.press("Enter")
            claim = agent.get_by_role("button", name="Claim")
            claim.focus()
            agent.keyboard.press("Enter")
            expect(agent.get_by_label("Reply to the citizen")).to_be_visible()
            agent.get_by_label("Reply to the citizen").fill("Hello, I am Ana. How can I help?")
            agent.get_by_role("button", name="Send").click()

            staff = widget.locator(".msg.staff")
            expect(staff).to_have_count(1, timeout=10000)
            expect(staff).to_contain_text("Ana, helpdesk")
            expect(staff).to_contain_text("Hello, I am Ana. How can I help?")

            bot_count = widget.locator(".msg.bot").count()
            field.fill("I lost my passport, what do I do?")
            field.press("Enter")
            transcript = agent.locator("#transcript li.from-citizen")
            expect(transcript.last).to_contain_text("I lost my passport", timeout=10000)  # live, no reload
            SHOTS.mkdir(parents=True, exist_ok=True)
            agent.screenshot(path=str(SHOTS / "conversation.png"), full_page=True)
            citizen.screenshot(path=str(SHOTS / "widget.png"))
            expect(widget.locator(".typing")).to_be_hidden()
            assert widget.locator(".msg.bot").count() == bot_count  # the assistant stays silent
            assert axe_serious(agent) == []

            citizen.reload()  # catches up from its own copy: the reply is not shown twice
            expect(widget.locator(".msg.staff")).to_have_count(1)
            agent.get_by_label("Search services, documents, offices, costs").fill("passport")
            agent.get_by_role("button", name="Search the catalogue").click()
            insert = agent.get_by_role("button", name="Insert in the reply").first
            fact = str(insert.get_attribute("data-fact"))
            insert.click()  # a catalogue fact, in the citizen's language, into the reply
            expect(agent.get_by_label("Reply to the citizen")).to_have_value(fact)
            agent.get_by_role("button", name="Send").click()
            expect(widget.locator(".msg.staff")).to_have_count(2, timeout=10000)
            expect(widget.locator(".msg.staff").last).to_contain_text(fact.split("\n")[0])

            agent.get_by_role("button", name="Hand back to the assistant").click()
            expect(widget.locator(".msg.bot").last).to_contain_text("handed the conversation back", timeout=10000)
            after_notice = widget.locator(".msg.bot").count()
            field.fill("how much does a new passport cost?")
            field.press("Enter")
            expect(widget.locator(".msg.bot")).not_to_have_count(after_notice, timeout=20000)  # the assistant again
            expect(widget.locator(".msg.staff")).to_have_count(2)

            for path in ("/search?text=passport", "/assist?situation=I+lost+my+passport"):  # the other pages
                agent.goto(helpdesk.console_url + path)
                assert axe_serious(agent) == [], path
        finally:
            browser.close()


def test_the_console_and_rasa_restarted_in_the_middle_of_a_takeover(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    citizen = web_id()
    conversation = hand_over(helpdesk, ana, citizen)
    ana.post(f"/c/{conversation}/claim")
    ana.post(f"/c/{conversation}/reply", text="One moment, please.")
    helpdesk.console.process.kill()  # type: ignore[union-attr]
    helpdesk.console.process.wait()  # type: ignore[union-attr]
    assert helpdesk.say(citizen, "I am still here") == []  # Rasa keeps the pause: still silent
    helpdesk.console.start(timeout=60)
    assert ana.conversation(conversation)["conversation"]["holder"] == "ana"  # the same session, still held
    said = wait_for(lambda: [m for m in ana.conversation(conversation)["messages"] if m["from"] == "citizen"])
    assert said[-1]["text"] == "I am still here"
    ana.post(f"/c/{conversation}/reply", text="Thank you for waiting.")

    rasa = helpdesk.servers[2]
    rasa.stop()  # Rasa restarts: the pause is in the conversation's tracker, the console's state in its store
    problem = ana.get(ana.post(f"/c/{conversation}/reply", text="Are you there?").headers["Location"]).text
    assert "Not sent" in problem  # said plainly, and nothing queued that the transcript would miss
    rasa.start(timeout=180)
    assert helpdesk.tracker(citizen)["paused"] is True
    assert helpdesk.say(citizen, "Yes, still here") == []
    wait_for(lambda: [m for m in ana.conversation(conversation)["messages"] if m["text"] == "Yes, still here"])
    assert [m["text"] for m in helpdesk.pushed(citizen)] == ["One moment, please.", "Thank you for waiting."]
    ana.post(f"/c/{conversation}/handback")
    assert helpdesk.say(citizen, "I need a passport"), "the assistant answers again"


def test_a_takeover_on_telegram_through_the_bridge(helpdesk: Helpdesk, tmp_path: Path) -> None:
    from tests.fake_telegram import FakeTelegram

    with FakeTelegram() as fake:
        env = base_env(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_URL=fake.url,
            RASA_URL=helpdesk.rasa_url,
            RASA_API_TOKEN=API_TOKEN,
            BRIDGE_TOKEN=BRIDGE_TOKEN,
            TELEGRAM_STATE=str(tmp_path / "telegram.db"),
            CONSOLE_PUSH_URL=helpdesk.push_url,
        )
        command = [sys.executable, "-m", "bot.telegram_bridge"]
        bridge = Server("Telegram bridge", command, None, env, log_path=tmp_path / "bridge.log").start()
        try:
            fake.wait_for(lambda f: f.sent(method="getUpdates"), timeout=60)
            chat = 9101
            ana = helpdesk.staff("ana")

            def said_to_chat(text: str) -> list[str]:
                return [m.get("text", "") for m in fake.sent(chat) if text in m.get("text", "")]

            before = {row["id"] for row in ana.inbox("open")["rows"]}
            fake.user_says(chat, "I want to talk to a person")
            rows = wait_for(lambda: [r for r in ana.inbox()["rows"] if r["id"] not in before], timeout=30)
            assert rows[0]["channel"] == "telegram"
            conversation = int(rows[0]["id"])
            ana.post(f"/c/{conversation}/claim")
            ana.post(f"/c/{conversation}/reply", text="Hello from the helpdesk")
            delivered = wait_for(lambda: said_to_chat("Hello from the helpdesk"))
            assert delivered == ["Ana, helpdesk:\nHello from the helpdesk"]

            fake.user_says(chat, "My passport was stolen yesterday")
            stolen = "My passport was stolen yesterday"
            wait_for(lambda: [m for m in ana.conversation(conversation)["messages"] if m["text"] == stolen])
            assert ana.conversation(conversation)["messages"][-1]["from"] == "citizen"  # the assistant is silent

            bridge.stop()  # the bridge restarts in the middle: nothing lost, nothing repeated
            ana.post(f"/c/{conversation}/reply", text="Did you report it to the police?")
            bridge.start()
            wait_for(lambda: said_to_chat("Did you report it to the police?"), timeout=60)
            ana.post(f"/c/{conversation}/handback")
            wait_for(lambda: said_to_chat("handed the conversation back"))
            assert len(said_to_chat("Hello from the helpdesk")) == 1
            assert len(said_to_chat("Did you report it to the police?")) == 1

            count = len(fake.sent(chat))
            fake.user_says(chat, "how much does a new passport cost?")
            wait_for(lambda: len(fake.sent(chat)) > count, timeout=30)  # the assistant answers again
            assert not any("helpdesk:" in m.get("text", "") for m in fake.sent(chat)[count:])
            refused = requests.get(f"{helpdesk.push_url}/bridge/messages", timeout=10)
            assert refused.status_code == 401
            assert requests.post(f"{helpdesk.push_url}/bridge/forget?chat_id={chat}", timeout=10).status_code == 401

            seen = len(fake.sent(chat))  # /forget: the console's copy goes with the conversation
            fake.user_says(chat, "/forget")
            confirm = fake.wait_for(lambda f: [m for m in f.sent(chat)[seen:] if m.get("reply_markup")])[0]
            fake.user_presses(chat, confirm, confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
            fake.wait_for(lambda f: any("deleted" in str(m.get("text")) for m in f.sent(chat)[seen:]))
            assert ana.get(f"/api/c/{conversation}").status_code == 404
            assert "Hello from the helpdesk" not in str(ana.get("/api/inbox", params={"tab": "closed"}).json())
        finally:
            bridge.stop()


def test_notes_tags_and_search(helpdesk: Helpdesk) -> None:
    ana = helpdesk.staff("ana")
    citizen = web_id()
    helpdesk.say(citizen, "Мой отец умер вчера в Бельцах")
    conversation = hand_over(helpdesk, ana, citizen, "Хочу поговорить с человеком")
    link = f'href="/c/{conversation}"'
    assert ana.post(f"/c/{conversation}/note", text="Called back about the inheritance").status_code == 303
    ana.post(f"/c/{conversation}/tag", tag="Inheritance")
    ana.post(f"/c/{conversation}/tag", tag="inheritance ")  # the same tag: kept once
    ana.post(f"/c/{conversation}/tag", tag="urgent")
    page = ana.get(f"/c/{conversation}").text
    assert "Called back about the inheritance" in page
    assert page.count('name="tag" value="inheritance"') == 1 and 'value="urgent"' in page
    assert helpdesk.pushed(citizen) == []  # notes are for staff only

    def found(**query: str) -> bool:
        response = ana.get("/search", params=query)
        assert response.status_code == 200
        return link in response.text

    assert found(tag="inheritance") and found(tag="urgent")
    assert found(text="INHERITANCE")  # in a note
    assert found(text="отец умер")  # in the transcript, read through Rasa's API
    assert not found(text="nothing like this was said")
    language = next(r["language"] for r in ana.inbox()["rows"] if r["id"] == conversation)
    assert found(language=language, channel="website", life_event="death")
    assert not found(language="ro" if language != "ro" else "en")
    assert not found(channel="telegram", tag="inheritance")
    assert found(person="ana") and not found(person="bob", tag="urgent")
    today = time.strftime("%Y-%m-%d")
    assert found(**{"from": today, "to": today, "tag": "urgent"})
    assert not found(**{"to": "2020-01-01", "tag": "urgent"})
    ana.post(f"/c/{conversation}/untag", tag="urgent")
    assert not found(tag="urgent")
    log = (helpdesk.tmp / "console.log").read_text()
    assert "GET /search 200" in log and "INHERITANCE" not in log and "text=" not in log  # no query strings
    ana.post(f"/c/{conversation}/claim")
    ana.post(f"/c/{conversation}/close", outcome="referred")
    assert helpdesk_audit(helpdesk, conversation)[:2] == ["closed", "claimed"]


def walk_assist(staff: Staff, params: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Answers each question on screen (a choice's first option; a place: does not know) until the
    guide; the guide page and the last query."""
    for _ in range(20):
        page = staff.get("/assist", params=params)
        assert page.status_code == 200, page.text
        if 'class="guide"' in page.text:
            return page.text, params
        form = page.text.split('<form method="get" action="/assist"', 1)[1].split("</form>", 1)[0]
        params = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        choice = re.search(r'type="radio" name="([^"]+)" value="([^"]*)" checked', form)
        place = re.search(r'<select id="answer" name="([^"]+)">', form)
        assert choice or place, form
        if choice:
            params[choice.group(1)] = choice.group(2)
        elif place:
            params[place.group(1)] = "?"
    raise AssertionError("no guide after 20 questions")


def test_assist_mode_gives_the_assistants_guide_in_the_citizens_language(helpdesk: Helpdesk) -> None:
    import html

    ana = helpdesk.staff("ana")
    guide, query = walk_assist(ana, {"situation": "Soția a născut ieri o fetiță, ce acte trebuie?"})
    assert query["event"] == "birth" and query["lang"] == "ro"  # read by the assistant's own model
    assert '<article class="guide" lang="ro"' in guide and "Print the guide" in guide
    assert "Iată ghidul" in html.unescape(guide)
    english, _ = walk_assist(ana, {**query, "lang": "en"})  # the same answers, another language
    assert '<article class="guide" lang="en"' in english

    citizen = web_id()
    conversation = hand_over(helpdesk, ana, citizen)
    page = ana.get(f"/c/{conversation}").text
    assert "/assist?" in page and f"conversation={conversation}" in page
    ana.post(f"/c/{conversation}/claim")
    parts = re.findall(r'<section class="guide-part">(.*?)</section>', guide, flags=re.S)
    form = {key: value for key, value in query.items() if key.startswith("a_") or key in ("event", "lang")}
    assert ana.post(f"/c/{conversation}/guide", **form).status_code == 303
    pushed = helpdesk.pushed(citizen)
    assert [html.escape(m["text"], quote=False) for m in pushed] == parts  # the guide, in Romanian
    assert all(m["author"] == "Ana, helpdesk" for m in pushed)  # the citizen wrote in English
    ana.post(f"/c/{conversation}/handback")
    assert "sent_guide" not in ana.get(f"/c/{conversation}").text  # the audit is for supervisors
    sue = helpdesk.staff("sue")
    assert "sent_guide" in sue.get(f"/c/{conversation}").text
    assert "situation=" not in (helpdesk.tmp / "console.log").read_text()  # what a citizen said stays out of logs


def test_assist_mode_gives_the_guide_as_a_pdf_in_the_citizens_language(helpdesk: Helpdesk, tmp_path: Path) -> None:
    import html
    import io

    from pypdf import PdfReader

    from catalogue_client import Catalogue

    ana = helpdesk.staff("ana")
    guide, query = walk_assist(ana, {"situation": "У нас родился ребёнок, какие документы нужны?"})
    assert query["event"] == "birth" and query["lang"] == "ru"
    link = re.search(r'<a href="([^"]+)" download>Download the guide as a PDF</a>', guide)
    assert link, "no PDF link beside the printable guide"
    pdf = ana.get(html.unescape(link.group(1)))
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert 'filename="guide-birth-ru.pdf"' in pdf.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    pages = [re.sub(r"Страница \d+/\d+", " ", page.extract_text()) for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    parts = [html.unescape(part) for part in re.findall(r'<section class="guide-part">(.*?)</section>', guide, re.S)]
    assert parts and all(" ".join(part.split()) in text for part in parts)  # every message, in Russian
    title = Catalogue(helpdesk.catalogue_url, cache_path=tmp_path / "cache").life_event("birth", lang="ru").title
    assert text.startswith(title) and reader.metadata and reader.metadata.title == title
    unanswered = ana.get("/assist.pdf", params={"event": "birth", "lang": "ru"})  # no answers yet: the questions
    assert unanswered.status_code == 303 and unanswered.headers["Location"].startswith("/assist?event=birth")


def test_outside_the_helpdesks_hours_the_citizen_is_told_when_a_person_answers(
    helpdesk: Helpdesk, tmp_path: Path
) -> None:
    import datetime as dt

    from actions.guidance import hours_text
    from actions.handover import HELPDESK_TIME, next_opening
    from catalogue_client import Catalogue

    ana = helpdesk.staff("ana")
    citizen = web_id()
    before = {row["id"] for row in ana.inbox("open")["rows"]}
    said = " ".join(str(reply.get("text")) for reply in helpdesk.say(citizen, "I want to talk to a person"))
    helpdesk_hours = Catalogue(helpdesk.catalogue_url, cache_path=tmp_path / "cache").helpdesk()
    closed = next_opening(helpdesk_hours.organisation.offices[0].opening_hours, dt.datetime.now(HELPDESK_TIME))
    assert ("The helpdesk is closed now" in said) == (closed is not None), said
    rows = wait_for(lambda: [r for r in ana.inbox("waiting")["rows"] if r["id"] not in before])
    assert len(rows) == 1  # in the queue whatever the hour; a later reply reaches the widget (push catch-up)
    hours = helpdesk_hours.organisation.offices[0].opening_hours
    inbox = ana.get("/").text  # staff see the same hours, and whether citizens are told to wait
    assert f"Helpdesk hours: {hours_text(hours, 'en')} (Europe/Chisinau time)" in inbox
    assert ("closed now" in inbox, "open now" in inbox) == (closed is not None, closed is None)


# --- how fast callers may go ----------------------------------------------------------------


def test_the_push_endpoint_asks_a_flooding_widget_to_wait(helpdesk: Helpdesk) -> None:
    citizen, url = web_id(), f"{helpdesk.push_url}/push/"
    codes = [requests.get(url + citizen, timeout=10).status_code for _ in range(PUSH_RATE)]
    assert set(codes) == {200}
    slowed = requests.get(url + citizen, headers={"Origin": helpdesk.site_origin}, timeout=10)
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) > 0
    assert slowed.json()["error"] == "too_many_requests"
    assert slowed.headers["Access-Control-Allow-Origin"] == helpdesk.site_origin  # the widget can read why
    assert requests.get(url + citizen + "/stream", timeout=10).status_code == 429
    assert requests.get(url + web_id(), timeout=10).status_code == 200  # other citizens go on


def test_wrong_sign_ins_from_one_address_are_refused_for_a_while(helpdesk: Helpdesk) -> None:
    from console.config import Settings

    guesser = Staff(helpdesk.console_url)
    guesser.http.headers["X-Forwarded-For"] = "203.0.113.7"  # one address guessing many accounts
    guesser.get("/login")
    failures = Settings().sign_in_failures
    codes = [guesser.post("/login", name=f"guess{i}", password="wrong password!").status_code for i in range(failures)]
    assert set(codes) == {401}
    refused = guesser.post("/login", name="tom", password=PASSWORDS["tom"])  # even the right password
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong sign-ins from here" in refused.text
    helpdesk.staff("tom")  # from another address tom signs in


def test_a_staff_member_sending_too_fast_is_asked_to_wait(helpdesk: Helpdesk) -> None:
    from console.config import Settings

    tom = helpdesk.staff("tom")
    conversation = hand_over(helpdesk, tom, web_id())
    assert tom.post(f"/c/{conversation}/claim").status_code == 303
    for _ in range(Settings().reply_rate - 1):  # empty replies: refused by the form, counted all the same
        assert tom.post(f"/c/{conversation}/reply", text="").status_code == 303
    assert tom.post(f"/c/{conversation}/reply", text="One more thing.").status_code == 303
    slowed = tom.post(f"/c/{conversation}/reply", text="And another.")
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) > 0
    assert "Wait" in slowed.text and f'href="/c/{conversation}"' in slowed.text
    said = [m["text"] for m in tom.conversation(conversation)["messages"] if m["from"] == "staff"]
    assert said == ["One more thing."]  # the refused one was not sent
    assert helpdesk.staff("ana").post(f"/c/{conversation}/note", text="seen").status_code == 303  # others go on
