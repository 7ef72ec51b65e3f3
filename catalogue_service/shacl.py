"""Checks the catalogue's CPSV-AP export against the official CPSV-AP 3.2.0 SHACL shapes.

A government adopting the catalogue reads it through the export, so the export must conform
to the application profile's own shapes, not only parse as RDF. Usage (part of `make validate`):

    python -m catalogue_service.shacl [data/catalogue] [--shapes cpsv-ap-3.2.0-SHACL.ttl]

The shapes are published by SEMIC with CPSV-AP 3.2.0 (CC-BY 4.0) and vendored in
`catalogue_service/cpsv_ap/` (its README says where from), so the check runs on a clean clone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

from catalogue_service import jsonld
from catalogue_service.content import load

VENDORED = Path(__file__).with_name("cpsv_ap")
DEFAULT_SHAPES = VENDORED / "cpsv-ap-3.2.0-SHACL.ttl"
OFFICIAL_EXAMPLE = VENDORED / "cpsv-ap-3.2.0-example.ttl"
EXPORT_BASE = "http://localhost:8800"  # the IRIs' base does not change what conforms


@dataclass(frozen=True)
class Violation:
    """One result of the SHACL report: the property, the shape's message, one node it was found on."""

    path: str
    message: str
    severity: str
    focus: str
    value: str


def violations(document: dict[str, Any], shapes: Path) -> list[Violation]:
    """Every SHACL result (violation, warning or info) for a JSON-LD document; empty: it conforms."""
    data = Graph().parse(data=json.dumps(document), format="json-ld")
    shapes_graph = Graph().parse(str(shapes), format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    return [
        Violation(
            path=str(report.value(result, SH.resultPath)),
            message=str(report.value(result, SH.resultMessage)),
            severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            focus=str(report.value(result, SH.focusNode)),
            value=str(report.value(result, SH.value)),
        )
        for result in report.subjects(SH.focusNode, None)
    ]


def catalogue_violations(directory: Path | str, shapes: Path = DEFAULT_SHAPES) -> list[Violation]:
    """The SHACL results for the export of the catalogue at `directory`."""
    return violations(jsonld.export(load(directory), EXPORT_BASE), shapes)


def summary(found: list[Violation]) -> list[str]:
    """One line per kind of result, most frequent first, with a count and one example node."""
    kinds = Counter((v.severity, v.path, v.message) for v in found)
    example = {(v.severity, v.path, v.message): v for v in reversed(found)}
    lines = []
    for (severity, path, message), count in kinds.most_common():
        first = example[(severity, path, message)]
        lines.append(f"{count:5} {severity}: {path}: {message} (e.g. {first.focus} -> {first.value})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", default="data/catalogue")
    parser.add_argument("--shapes", type=Path, help=f"the SHACL shapes (default {DEFAULT_SHAPES})")
    args = parser.parse_args(argv)
    shapes = args.shapes or DEFAULT_SHAPES
    if not shapes.is_file():
        print(f"{shapes}: no such file", file=sys.stderr)
        return 2
    found = catalogue_violations(args.directory, shapes)
    for line in summary(found):
        print(line)
    if found:
        print(f"{len(found)} SHACL result(s): the CPSV-AP export of {args.directory} does not conform", file=sys.stderr)
        return 1
    print(f"{args.directory}: the CPSV-AP export conforms to {shapes.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
