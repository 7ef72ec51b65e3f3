"""The environment variables the Rasa server process reads, each once, with its one default.

Listed in the README's configuration table; read when the server starts.
"""

from __future__ import annotations

import os

# characters of a message the assistant reads; longer ones are answered "too long"
MAX_MESSAGE = int(os.environ.get("MAX_MESSAGE", "2000"))
# messages a minute to one conversation / from one address (offices share one); 0: no limit
RATE_PER_CONVERSATION = int(os.environ.get("RATE_PER_CONVERSATION", "30"))
RATE_PER_CLIENT = int(os.environ.get("RATE_PER_CLIENT", "600"))
# behind the deployment's own reverse proxy: the per-address limit uses the address it forwards
TRUSTED_PROXY = os.environ.get("TRUSTED_PROXY") == "1"
# the Telegram bridge's shared secret: its channel refuses callers without it ("" refuses all)
BRIDGE_TOKEN = os.environ.get("BRIDGE_TOKEN", "")
# days a conversation is kept after its last event (endpoints.yml's retention_days wins)
RETENTION_DAYS = float(os.environ.get("RETENTION_DAYS") or 90)
