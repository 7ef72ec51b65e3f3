"""The catalogue service's environment variables, each read once with its one default (README table)."""

from __future__ import annotations

import os

CATALOGUE_HOST = os.environ.get("CATALOGUE_HOST", "127.0.0.1")  # where the service listens
CATALOGUE_PORT = int(os.environ.get("CATALOGUE_PORT", "8800"))
CATALOGUE_DIR = os.environ.get("CATALOGUE_DIR", "data/catalogue")  # the catalogue's files
CATALOGUE_MAX_AGE = int(os.environ.get("CATALOGUE_MAX_AGE", "300"))  # seconds clients may keep an answer
# the IRIs of the CPSV-AP export; unset: the address the export was asked at
CATALOGUE_BASE_IRI = os.environ.get("CATALOGUE_BASE_IRI") or None
