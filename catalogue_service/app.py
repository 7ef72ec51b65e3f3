"""The read-only catalogue HTTP service (Sanic, the server Rasa already ships with).

Every answer is JSON in the requested language (`?lang=`, English fallback),
with an ETag and Cache-Control so clients can revalidate cheaply; errors are
JSON too: {"error": {"code": ..., "message": ...}}. The API is described in
`openapi.yaml`, which the tests check the service against. The endpoints are
in routes.py (Sanic blueprints), what every answer shares in http.py.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Sanic

from catalogue_service.content import load
from catalogue_service.http import Served, handle_errors
from catalogue_service.routes import blueprints
from catalogue_service.search import SearchIndex
from catalogue_service.validate import problems
from catalogue_service.views import Views

OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")


def create_app(catalogue_dir: Path | str, max_age: int = 300, name: str = "catalogue") -> Sanic:
    """Build the service over the catalogue at `catalogue_dir` (which must validate)."""
    found = problems(catalogue_dir)
    if found:
        details = "\n".join(str(p) for p in found[:20])
        raise SystemExit(f"The catalogue at {catalogue_dir} is invalid:\n{details}")
    content = load(catalogue_dir)
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.content = content
    app.ctx.served = Served(content, Views(content), SearchIndex(content), max_age, OPENAPI_FILE.read_bytes())
    handle_errors(app)
    for blueprint in blueprints():
        app.blueprint(blueprint)
    return app
