"""The catalogue client's environment variables, each read once with its one default (README table).

A `Catalogue` built without arguments uses these; arguments win over them.
"""

from __future__ import annotations

import os

# the catalogue service's address
CATALOGUE_URL = os.environ.get("CATALOGUE_URL") or "http://127.0.0.1:8800"
# the on-disk HTTP cache (SQLite); the last good copies answer while the catalogue is down
CATALOGUE_CACHE = os.environ.get("CATALOGUE_CACHE") or ".cache/catalogue-http"
# seconds to wait for an answer once connected
CATALOGUE_TIMEOUT = float(os.environ.get("CATALOGUE_TIMEOUT") or 3)
