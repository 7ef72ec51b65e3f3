"""The catalogue's CPSV-AP 3.2 export as a file, in JSON-LD or Turtle.

The service serves the same graph at `/export/cpsv-ap.jsonld` and `/export/cpsv-ap.ttl`; this is
the command for a government or an editor who wants it without running the service. Usage:

    python -m catalogue_service.cpsv_export [data/catalogue] [--format turtle|json-ld]
        [--base http://localhost:8800] [--output FILE]

Turtle is the JSON-LD export parsed by rdflib and written again (the same triples, so the same
SHACL conformance), its prefixes the JSON-LD context's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rdflib import Graph

from catalogue_service import jsonld
from catalogue_service.content import Content, load

FORMATS = ("turtle", "json-ld")
DEFAULT_BASE = "http://localhost:8800"


def graph(document: dict[str, Any]) -> Graph:
    """A JSON-LD document as an rdflib graph, with the export's prefixes bound for writing."""
    parsed = Graph().parse(data=json.dumps(document), format="json-ld")
    for prefix, namespace in jsonld.CONTEXT.items():
        parsed.bind(prefix, namespace, replace=True)
    return parsed


def turtle(content: Content, base: str) -> str:
    """The whole catalogue in CPSV-AP 3.2 Turtle."""
    return graph(jsonld.export(content, base)).serialize(format="turtle")


def serialized(content: Content, base: str, format: str) -> str:
    if format == "turtle":
        return turtle(content, base)
    return json.dumps(jsonld.export(content, base), ensure_ascii=False, indent=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="data/catalogue")
    parser.add_argument("--format", choices=FORMATS, default="turtle")
    parser.add_argument("--base", default=DEFAULT_BASE, help="the base of the export's IRIs")
    parser.add_argument("--output", type=Path, help="the file to write (default: standard output)")
    args = parser.parse_args(argv)
    text = serialized(load(args.directory), args.base, args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
