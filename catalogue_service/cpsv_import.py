"""Reads a CPSV-AP document (JSON-LD or Turtle) into the catalogue's YAML files, so a government
can bring its own catalogue. Usage:

    python -m catalogue_service.cpsv_import DOCUMENT OUTPUT_DIR [--format turtle|json-ld]

What CPSV-AP carries is mapped (`cpsv_mapping.py`): public services, their evidence, output,
costs, channels and competent organisation, the organisations' contact points and offices,
localities and life events. What it cannot map it does not invent: every triple left unread is
reported, grouped by class and property, and what the catalogue needs that CPSV-AP does not hold
(the questions, the conditions, a life event's order of services, a review date) is listed. The
files then go through `make validate` like any other: `python -m catalogue_service.validate DIR`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from catalogue_service.cpsv_mapping import Mapper

# what the catalogue's format needs and CPSV-AP 3.2 does not hold, said once for every import
NOT_IN_CPSV_AP = (
    "the questions a life event asks, and the conditions (`when`) on services, documents and fees",
    "the order of a life event's services (dct:relation is a set): kept in the order of their ids",
    "each file's review date (`source.reviewed`): left out, for an editor to check and set",
    "a service's processing time and deadline as text, organisations' short names and keywords",
    "the country's bounding box and the helpdesk (catalogue.yml)",
)


@dataclass
class Imported:
    """The catalogue's files (name -> data) and what could not be mapped."""

    files: dict[str, dict[str, Any]]
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        lines = [f"{len(self.files)} file(s): " + ", ".join(self.files)]
        lines += [f"  {note}" for note in self.notes]
        if self.unmapped:
            lines.append(f"Not mapped ({len(self.unmapped)} kind(s) of statement, left out):")
            lines += [f"  {line}" for line in self.unmapped]
        lines.append("Not held by CPSV-AP, to add by hand:")
        lines += [f"  {line}" for line in NOT_IN_CPSV_AP]
        return lines


def read(path: Path, format: str | None = None) -> Graph:
    """A CPSV-AP document; the format from its name (.ttl, .jsonld, .json) unless given."""
    if format is None:
        format = "turtle" if path.suffix in (".ttl", ".turtle") else "json-ld"
    return Graph().parse(str(path), format=format)


def convert(graph: Graph, source_name: str) -> Imported:
    """The catalogue's files for a CPSV-AP graph."""
    mapper = Mapper(graph)
    catalogue = mapper.catalogue()
    source = {"name": f"CPSV-AP import of {source_name}", "notes": "Imported; not yet reviewed by an editor."}
    files: dict[str, dict[str, Any]] = {"catalogue.yml": {"source": source, **catalogue.meta}}
    for name, section, items in (
        ("localities.yml", "localities", catalogue.localities),
        ("organisations.yml", "organisations", catalogue.organisations),
        ("documents.yml", "documents", catalogue.documents),
    ):
        if items:
            files[name] = {"source": source, section: items}
    placed: set[str] = set()
    for event in catalogue.life_events:
        services = [catalogue.services[s] for s in _service_ids(event) if s in catalogue.services and s not in placed]
        placed.update(service["id"] for service in services)
        body: dict[str, Any] = {"source": source, "life_event": event}
        if services:
            body["services"] = services
        files[f"life-events/{event['id']}.yml"] = body
    ungrouped = [service for ident, service in catalogue.services.items() if ident not in placed]
    imported = Imported(files, notes=list(mapper.notes))
    if ungrouped:
        files["life-events/ungrouped-services.yml"] = {"source": source, "services": ungrouped}
        imported.notes.append(
            f"{len(ungrouped)} service(s) no life event groups: in life-events/ungrouped-services.yml, "
            "for an editor to place in a life event"
        )
    imported.unmapped = _unmapped(graph, mapper.used)
    return imported


def _service_ids(event: dict[str, Any]) -> list[str]:
    return [str(ref["service"]) for ref in event.get("services", [])]


def _unmapped(graph: Graph, used: set[tuple[Node, Node, Node]]) -> list[str]:
    """Every statement the mapping did not read, counted by the subject's class and the property."""
    left = [triple for triple in graph if triple not in used]
    kinds: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    for subject, predicate, value in left:
        classes = sorted(graph.qname(c) for c in graph.objects(subject, RDF.type) if isinstance(c, URIRef))
        key = (" ".join(classes) or "(untyped)", graph.qname(predicate) if isinstance(predicate, URIRef) else "?")
        kinds[key] += 1
        example.setdefault(key, f"{subject} -> {value}")
    return [f"{count:4} {cls} {prop} (e.g. {example[(cls, prop)]})" for (cls, prop), count in kinds.most_common()]


def write(imported: Imported, directory: Path) -> None:
    for name, data in imported.files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", type=Path, help="a CPSV-AP document (.ttl, .jsonld)")
    parser.add_argument("output", type=Path, help="the folder to write the catalogue's files into")
    parser.add_argument("--format", choices=("turtle", "json-ld"), help="default: from the document's name")
    args = parser.parse_args(argv)
    if args.output.exists() and any(args.output.iterdir()):
        print(f"{args.output} is not empty: give a new folder", file=sys.stderr)
        return 2
    imported = convert(read(args.document, args.format), args.document.name)
    write(imported, args.output)
    print("\n".join(imported.report()))
    print(f"Written to {args.output}; check it with: python -m catalogue_service.validate {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
