"""Run the catalogue service: python -m catalogue_service [--host H] [--port P] [--catalogue DIR]."""

from __future__ import annotations

import argparse
import logging

import privacy
from catalogue_service import settings
from catalogue_service.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=settings.CATALOGUE_HOST)
    parser.add_argument("--port", type=int, default=settings.CATALOGUE_PORT)
    parser.add_argument("--catalogue", default=settings.CATALOGUE_DIR)
    parser.add_argument("--max-age", type=int, default=settings.CATALOGUE_MAX_AGE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(args.catalogue, max_age=args.max_age)
    privacy.install()
    app.run(host=args.host, port=args.port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
