"""Every error the catalogue client raises; callers catch `CatalogueError`."""

from __future__ import annotations


class CatalogueError(Exception):
    """The catalogue could not give the answer asked for."""


class NotFound(CatalogueError):
    """The catalogue has no such life event, service, organisation, ... (HTTP 404)."""


class BadRequest(CatalogueError):
    """The catalogue refused the question (HTTP 400), e.g. an unknown language."""


class Unavailable(CatalogueError):
    """The catalogue cannot be reached, is too slow or failed, and nothing is cached."""


class InvalidResponse(CatalogueError):
    """The catalogue answered with something that is not what its API promises."""
