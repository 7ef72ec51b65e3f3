"""The helpdesk console: staff take over conversations the assistant handed over, live.

Its own process (`python -m console`), two listeners:
- the staff's pages (CONSOLE_PORT): sign-in, the inbox, a conversation, claim, reply, hand back;
- the citizens' push endpoint (CONSOLE_PUSH_PORT): the widget receives staff messages there,
  only for the conversation whose secret id it holds.

It learns of handovers and of every message from Rasa's SQL event broker (`console/events.py`),
tells Rasa who holds a conversation with Rasa's own pause/resume events over its HTTP API
(`console/rasa.py`), and keeps who holds what, the staff's messages waiting for delivery,
accounts and the audit in its own store (`console/store/`, SQLite or PostgreSQL).

The staff's application (`console/web.py`) is put together from one module a concern, each
with its own routes: `sign_in`, `inbox`, `conversation_page`, `takeover` (claim, release,
transfer, reply, send the guide, hand back, close), `notes_and_tags`, `search_page`,
`assist_page`, `admin_pages`; `guard` checks who may do what, `context` holds what the handlers
share; `push` is the citizens' push endpoint and the Telegram bridge's queue. Beside them:
`notifications` (what wakes live pages) and `redis_relay` (the same between console processes),
`limits` (how fast callers may go), `hours` (the helpdesk's hours as the inbox shows them),
`guide_pdf` (assist mode's guide as a PDF).
"""
