"""Reads an RDF graph and remembers every statement it read, so the rest can be reported."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _order(node: Node) -> tuple[str, str]:
    return (type(node).__name__, str(node))


class GraphReader:
    """Statements read through it are recorded in `used`; `ids` gives each node a catalogue id."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.used: set[tuple[Node, Node, Node]] = set()
        self.notes: list[str] = []
        self.ids: dict[Node, str] = {}

    # -- reading statements, each one read recorded ------------------------------------------
    def objects(self, subject: Node, predicate: URIRef) -> Iterator[Node]:
        for value in sorted(self.graph.objects(subject, predicate), key=_order):
            self.used.add((subject, predicate, value))
            yield value

    def value(self, subject: Node, predicate: URIRef) -> Node | None:
        return next(self.objects(subject, predicate), None)

    def texts(self, subject: Node, predicate: URIRef) -> dict[str, str]:
        found: dict[str, str] = {}
        for value in self.objects(subject, predicate):
            if isinstance(value, Literal):
                found.setdefault(value.language or "en", str(value))
        return found

    def typed(self, cls: URIRef) -> list[Node]:
        subjects = sorted(set(self.graph.subjects(RDF.type, cls)), key=_order)
        for subject in subjects:
            self.used.add((subject, RDF.type, cls))
        return subjects

    def ident(self, node: Node, kind: str) -> str:
        if node not in self.ids:
            given = self.value(node, DCTERMS.identifier)
            name = str(given) if given is not None else re.split(r"[/#]", str(node).rstrip("/"))[-1]
            ident, taken, n = _slug(name), set(self.ids.values()), 1
            while f"{kind}:{ident}" in taken:
                n += 1
                ident = f"{_slug(name)}-{n}"
            self.ids[node] = f"{kind}:{ident}"
        return self.ids[node].split(":", 1)[1]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def typed_also(self, node: Node, cls: URIRef) -> None:
        if (node, RDF.type, cls) in self.graph:
            self.used.add((node, RDF.type, cls))

    def read(self, node: Node, *predicates: URIRef) -> None:
        """Statements the export derives from others (an office's town name, a cost's organisation)."""
        for predicate in predicates:
            list(self.objects(node, predicate))
