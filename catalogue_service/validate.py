"""Checks the catalogue's files and says, for each problem, the file, where in it and what is wrong.

Run by editors (`make validate`) and by the test command. Usage:

    python -m catalogue_service.validate [data/catalogue] [--today YYYY-MM-DD] [--all]

Each file's shape is checked against the JSON Schema `catalogue.schema.json` (editors can point
their YAML editor at it: docs/catalogue-format.md); its `x-message` and `x-missing` annotations
are the sentences an editor reads. What a schema cannot say is checked here: ids unique across
the files, references between them, the answers conditions name, opening hours in order,
coordinates inside the country, and which life events and files must exist. Then, as warnings
that leave the catalogue valid, what an editor should check again (`recheck.py`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from catalogue_service import recheck
from catalogue_service import schema as catalogue_schema
from catalogue_service.content import catalogue_files, read_yaml
from catalogue_service.schema import LANGUAGES, Problem

# the contract's life events (ARCHITECTURE.md), as the schema lists them
LIFE_EVENT_IDS: tuple[str, ...] = tuple(catalogue_schema.schema()["$defs"]["life_event"]["properties"]["id"]["enum"])
DEFAULT_BBOX = {"min_lat": 45.4, "max_lat": 48.6, "min_lon": 26.6, "max_lon": 30.2}
KINDS = ("life event", "service", "question", "document", "organisation", "office", "locality", "relation", "place")


# -- what a schema cannot say: across files and fields -----------------------------------------


class _Checker:
    """Walks the files once to collect ids, then once more to check every reference."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = LANGUAGES
        self.bbox = DEFAULT_BBOX
        self.files: dict[str, Any] = {}
        self.ids: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.questions: dict[str, dict[str, Any]] = {}
        self.used_services: set[str] = set()

    def problem(self, file: str, path: str, message: str) -> None:
        self.problems.append(Problem(file, path, message))

    # -- pass 1: read, check each file's shape, collect ids ----------------------------------
    def read(self) -> None:
        paths = catalogue_files(self.directory)
        if not paths:
            self.problem(str(self.directory), "", "no catalogue files found in this folder")
        for path in paths:
            name = str(path.relative_to(self.directory))
            try:
                data = read_yaml(path)
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f"line {mark.line + 1}" if mark else ""
                self.problem(name, where, f"is not valid YAML ({getattr(error, 'problem', error)})")
                continue
            if not isinstance(data, dict):
                self.problem(name, "", "must be a mapping of sections (source, ...)")
                continue
            self.files[name] = data
        meta = self.files.get("catalogue.yml")
        if meta is None:
            self.problem("catalogue.yml", "", "is missing: it names the languages and the country")
        else:
            languages = meta.get("languages")
            if isinstance(languages, list) and all(isinstance(lang, str) for lang in languages):
                self.languages = tuple(languages) or LANGUAGES
            bbox = (meta.get("country") or {}).get("bbox")
            self.bbox = bbox if isinstance(bbox, dict) else DEFAULT_BBOX
        validator = catalogue_schema.validator(self.languages)
        for name, data in self.files.items():
            self.problems += catalogue_schema.shape_problems(name, data, validator)
            self.collect(name, data)

    def register(self, kind: str, ident: Any, file: str, path: str) -> None:
        if not isinstance(ident, str):
            return  # the schema says what an id must be
        seen = self.ids[kind]
        if ident in seen:
            self.problem(file, path, f"duplicate {kind} id '{ident}' (first defined in {seen[ident]})")
        else:
            seen[ident] = file

    def collect(self, file: str, data: dict[str, Any]) -> None:
        for section, kind in (
            ("localities", "locality"),
            ("documents", "document"),
            ("relations", "relation"),
            ("places", "place"),
            ("services", "service"),
        ):
            for i, item in enumerate(_items(data.get(section))):
                self.register(kind, item.get("id"), file, f"{section}[{i}].id")
        for i, org in enumerate(_items(data.get("organisations"))):
            self.register("organisation", org.get("id"), file, f"organisations[{i}].id")
            for j, office in enumerate(_items(org.get("offices"))):
                self.register("office", office.get("id"), file, f"organisations[{i}].offices[{j}].id")
        questions = [(f"questions[{i}]", q) for i, q in enumerate(_items(data.get("questions")))]
        event = data.get("life_event")
        if isinstance(event, dict):
            self.register("life event", event.get("id"), file, "life_event.id")
            questions += [
                (f"life_event.questions[{i}]", q)
                for i, q in enumerate(_items(event.get("questions")))
                if "ref" not in q
            ]
        for path, question in questions:
            self.register("question", question.get("id"), file, f"{path}.id")
            self.questions.setdefault(str(question.get("id")), question)

    # -- pass 2: references and what spans fields ---------------------------------------------
    def check(self) -> None:
        for file, data in self.files.items():
            if file == "catalogue.yml":
                self.check_meta(file, data)
            for i, org in enumerate(_items(data.get("organisations"))):
                self.check_organisation(file, f"organisations[{i}]", org)
            for i, locality in enumerate(_items(data.get("localities"))):
                self.check_coordinates(file, f"localities[{i}].coordinates", locality.get("coordinates"))
            for i, question in enumerate(_items(data.get("questions"))):
                self.check_question(file, f"questions[{i}]", question)
            for i, service in enumerate(_items(data.get("services"))):
                self.check_service(file, f"services[{i}]", service)
            if file.startswith("life-events/"):
                self.check_life_event(file, data.get("life_event"))
        for event_id in LIFE_EVENT_IDS:
            if event_id not in self.ids["life event"]:
                self.problem(f"life-events/{event_id}.yml", "", f"life event '{event_id}' is missing")
        for service_id, file in self.ids["service"].items():
            if service_id not in self.used_services:
                self.problem(file, f"service '{service_id}'", "is not listed by any life event")

    def check_meta(self, file: str, data: dict[str, Any]) -> None:
        helpdesk = data.get("helpdesk")
        if not isinstance(helpdesk, dict):
            self.problem(file, "helpdesk", "name the helpdesk organisation and its hours")
            return
        self.check_ref(file, "helpdesk.organisation", "organisation", helpdesk.get("organisation"))

    def check_organisation(self, file: str, path: str, org: dict[str, Any]) -> None:
        for j, office in enumerate(_items(org.get("offices"))):
            where = f"{path}.offices[{j}]"
            self.check_ref(file, f"{where}.locality", "locality", office.get("locality"))
            self.check_coordinates(file, f"{where}.coordinates", office.get("coordinates"))
            self.check_opening_hours(file, f"{where}.opening_hours", office.get("opening_hours"))

    def check_question(self, file: str, path: str, question: dict[str, Any]) -> None:
        options = list(_items(question.get("options")))
        option_ids = [str(option.get("id")) for option in options]
        if len(set(option_ids)) != len(option_ids):
            self.problem(file, f"{path}.options", "option ids repeat")
        for k, option in enumerate(options):
            where = f"{path}.options[{k}]"
            combines = option.get("combines")
            others = set(option_ids) - {str(option.get("id"))}
            if isinstance(combines, list) and combines and not {str(c) for c in combines} <= others:
                self.problem(
                    file, f"{where}.combines", "combines lists two or more other options of the same choice question"
                )
            outweighs = option.get("outweighs")
            if isinstance(outweighs, list) and not {str(o) for o in outweighs} <= others:
                self.problem(file, f"{where}.outweighs", "outweighs lists other options of the same question")
            ages = option.get("ages")
            if isinstance(ages, list) and len(ages) == 2 and all(map(_is_number, ages)) and ages[0] >= ages[1]:
                self.problem(file, f"{where}.ages", "ages is [from, to): two numbers, the first smaller")
            relations = option.get("relations")
            for r, relation in enumerate(relations if isinstance(relations, list) else []):
                self.check_ref(file, f"{where}.relations[{r}]", "relation", relation)
        if "when" in question:
            self.check_when(file, f"{path}.when", question["when"])

    def check_life_event(self, file: str, event: Any) -> None:
        if not isinstance(event, dict):
            self.problem(file, "life_event", "a life-event file needs a life_event section")
            return
        event_id = event.get("id")
        if event_id in LIFE_EVENT_IDS and Path(file).stem != event_id:
            self.problem(file, "life_event.id", f"the file of life event '{event_id}' must be named {event_id}.yml")
        for i, question in enumerate(_items(event.get("questions"))):
            path = f"life_event.questions[{i}]"
            if "ref" in question:
                self.check_ref(file, f"{path}.ref", "question", question["ref"])
            else:
                self.check_question(file, path, question)
        for i, ref in enumerate(_items(event.get("services"))):
            path = f"life_event.services[{i}]"
            if self.check_ref(file, f"{path}.service", "service", ref.get("service")):
                self.used_services.add(ref["service"])
            if "when" in ref:
                self.check_when(file, f"{path}.when", ref["when"])

    def check_service(self, file: str, path: str, service: dict[str, Any]) -> None:
        self.check_ref(file, f"{path}.authority", "organisation", service.get("authority"))
        for j, need in enumerate(_items(service.get("documents"))):
            self.check_ref(file, f"{path}.documents[{j}].document", "document", need.get("document"))
            if "when" in need:
                self.check_when(file, f"{path}.documents[{j}].when", need["when"])
        for j, cost in enumerate(_items(service.get("costs"))):
            if "when" in cost:
                self.check_when(file, f"{path}.costs[{j}].when", cost["when"])

    # -- small checks ---------------------------------------------------------------------------
    def check_ref(self, file: str, path: str, kind: str, ident: Any) -> bool:
        if not isinstance(ident, str):
            return False  # missing or not an id: the schema says so
        if ident not in self.ids[kind]:
            self.problem(file, path, f"refers to an unknown {kind} '{ident}'")
            return False
        return True

    def check_when(self, file: str, path: str, when: Any) -> None:
        if not isinstance(when, dict):
            return
        for question_id, answers in when.items():
            where = f"{path}.{question_id}"
            question = self.questions.get(str(question_id))
            if question is None:
                self.problem(file, where, f"the condition is on an unknown question '{question_id}'")
                continue
            if question.get("type") == "locality":
                self.problem(file, where, "conditions on a locality question are not supported")
                continue
            valid = {str(option.get("id")) for option in _items(question.get("options"))}
            for answer in answers if isinstance(answers, list) else [answers]:
                if str(answer) not in valid:
                    self.problem(
                        file,
                        where,
                        f"'{answer}' is not an answer of question '{question_id}' "
                        f"(answers: {', '.join(sorted(valid))})",
                    )

    def check_coordinates(self, file: str, path: str, coordinates: Any) -> None:
        if not isinstance(coordinates, dict):
            return
        lat: Any = coordinates.get("lat")
        lon: Any = coordinates.get("lon")
        if not (_is_number(lat) and _is_number(lon)):
            return
        box = self.bbox
        if not (box["min_lat"] <= lat <= box["max_lat"] and box["min_lon"] <= lon <= box["max_lon"]):
            self.problem(file, path, f"({lat}, {lon}) lies outside the country")

    def check_opening_hours(self, file: str, path: str, hours: Any) -> None:
        taken: dict[str, list[tuple[str, str]]] = {}
        for k, entry in enumerate(_items(hours)):
            where = f"{path}[{k}]"
            days, opens, closes = entry.get("days"), entry.get("opens"), entry.get("closes")
            if not (isinstance(days, list) and isinstance(opens, str) and isinstance(closes, str)):
                continue  # the schema says what an entry must hold
            if opens >= closes:
                self.problem(file, where, f"opens at {opens} but closes at {closes}")
                continue
            for day in map(str, days):
                for other_open, other_close in taken.get(day, []):
                    if opens < other_close and other_open < closes:
                        self.problem(file, where, f"{day} is listed twice with overlapping hours")
                taken.setdefault(day, []).append((opens, closes))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _items(value: Any) -> Iterator[dict[str, Any]]:
    """The mappings of a list; anything else yields nothing (the schema reports it)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def problems(directory: Path | str) -> list[Problem]:
    """Every problem in the catalogue at `directory`; an empty list means it is valid."""
    return check(directory)[0]


def check(directory: Path | str, today: dt.date | None = None) -> tuple[list[Problem], list[recheck.Recheck]]:
    """The problems (errors) and what to re-check (warnings: `recheck.py`) as of `today`."""
    checker = _Checker(Path(directory))
    checker.read()
    checker.check()
    return checker.problems, recheck.rechecks(checker.files, today)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Checks the catalogue's files; lists what to re-check.")
    parser.add_argument("directory", nargs="?", default="data/catalogue", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="reviews are aged from this date (YYYY-MM-DD)")
    parser.add_argument("--all", action="store_true", help="every fact to re-check, not the first few")
    args = parser.parse_args(argv)
    found, warnings = check(args.directory, args.today)
    for problem in found:
        print(problem)
    print("\n".join(recheck.summary(warnings, len(warnings) if args.all else recheck.SHOWN_PER_KIND)))
    if found:
        print(f"{len(found)} problem(s) in {args.directory}", file=sys.stderr)
        return 1
    print(f"{args.directory}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
