"""Reads the catalogue's YAML files into one in-memory, indexed `Content`.

The files are written by people; `catalogue_service.validate` checks them and
this module only loads what passed. Everything served over HTTP is built from
a `Content`, so the service never touches the files after start-up.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Text = dict[str, str]


class _CatalogueLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.1 reads `yes`/`no`/`on`/`off` as booleans; in the catalogue they are answers.
    On libyaml's parser when PyYAML has it (8x faster: the service, the validator and the tests
    read the whole catalogue at every start); the same data either way."""


_CatalogueLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CatalogueLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_CatalogueLoader)  # noqa: S506 - safe loader subclass


def catalogue_files(directory: Path) -> list[Path]:
    """The files that make up a catalogue, in a stable order."""
    fixed = [
        directory / name
        for name in (
            "catalogue.yml",
            "localities.yml",
            "organisations.yml",
            "documents.yml",
            "questions.yml",
            "relations.yml",
            "places.yml",
        )
    ]
    events = sorted((directory / "life-events").glob("*.yml"))
    return [path for path in fixed if path.exists()] + events


@dataclass
class Content:
    """The whole catalogue, indexed by id; values are the YAML mappings as written."""

    meta: dict[str, Any]
    localities: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    offices: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    relations: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    life_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: str = ""

    @property
    def languages(self) -> list[str]:
        return list(self.meta.get("languages", ["en", "ro", "ru"]))

    @property
    def fallback_language(self) -> str:
        return str(self.meta.get("fallback_language", "en"))

    def life_events_using(self, service_id: str) -> list[str]:
        return [
            event_id
            for event_id, event in self.life_events.items()
            if any(ref.get("service") == service_id for ref in event.get("services", []))
        ]

    def event_questions(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """The event's questions in order, shared ones (`ref`) resolved."""
        resolved = []
        for question in event.get("questions", []):
            if "ref" in question:
                resolved.append(self.questions[question["ref"]])
            else:
                resolved.append(question)
        return resolved


def load(directory: Path | str) -> Content:
    """Load a catalogue that has passed validation (see `validate.problems`)."""
    directory = Path(directory)
    digest = hashlib.sha256()
    content = Content(meta={})
    for path in catalogue_files(directory):
        data = read_yaml(path) or {}
        digest.update(path.read_bytes())
        relative = str(path.relative_to(directory))
        content.sources[relative] = data.get("source", {})
        if path.name == "catalogue.yml":
            content.meta = data
        for locality in data.get("localities", []) or []:
            content.localities[locality["id"]] = locality
        for organisation in data.get("organisations", []) or []:
            content.organisations[organisation["id"]] = organisation
            for office in organisation.get("offices", []) or []:
                content.offices[office["id"]] = {**office, "organisation": organisation["id"]}
        for document in data.get("documents", []) or []:
            content.documents[document["id"]] = document
        for question in data.get("questions", []) or []:
            content.questions[question["id"]] = question
        for relation in data.get("relations", []) or []:
            content.relations[relation["id"]] = relation
        for place in data.get("places", []) or []:
            content.places[place["id"]] = place
        for service in data.get("services", []) or []:
            content.services[service["id"]] = service
        event = data.get("life_event")
        if event:
            content.life_events[event["id"]] = event
            for question in event.get("questions", []) or []:
                if "id" in question:
                    content.questions[question["id"]] = question
    content.version = digest.hexdigest()[:16]
    return content
