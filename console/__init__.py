"""The helpdesk console: staff take over conversations the assistant handed over, live.

Its own process (`python -m console`), two listeners:
- the staff's pages (CONSOLE_PORT): sign-in, the inbox, a conversation, claim, reply, hand back;
- the citizens' push endpoint (CONSOLE_PUSH_PORT): the widget receives staff messages there,
  only for the conversation whose secret id it holds.

It learns of handovers and of every message from Rasa's SQL event broker (`console/events.py`),
tells Rasa who holds a conversation with Rasa's own pause/resume events over its HTTP API
(`console/rasa.py`), and keeps who holds what, the staff's messages waiting for delivery,
accounts and the audit in its own store (`console/store.py`, SQLite or PostgreSQL).
"""
