"""Checks the catalogue's files and says, for each problem, the file, where in it and what is wrong.

Run by editors (`make validate`) and by the test command. Usage:

    python -m catalogue_service.validate [data/catalogue]
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from catalogue_service.content import catalogue_files, read_yaml

LIFE_EVENT_IDS = (
    "birth",
    "marriage",
    "divorce",
    "death",
    "job-loss",
    "disability",
    "retirement",
    "moving",
    "property",
    "identity-documents",
    "education",
    "vehicle",
    "starting-business",
    "closing-business",
    "immigration",
)
QUESTION_TYPES = ("yes_no", "choice", "locality")
PLACES = ("abroad", "moldova")
CHANNEL_TYPES = ("in_person", "online", "phone", "post")
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()-]{4,20}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
CEDILLA = re.compile("[şţŞŢ]")
DEFAULT_BBOX = {"min_lat": 45.4, "max_lat": 48.6, "min_lon": 26.6, "max_lon": 30.2}


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class _Checker:
    """Walks the files once to collect ids, then once more to check every reference."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.languages: list[str] = ["en", "ro", "ru"]
        self.bbox = DEFAULT_BBOX
        self.files: dict[str, Any] = {}
        self.ids: dict[str, dict[str, str]] = {
            kind: {}
            for kind in (
                "life event",
                "service",
                "question",
                "document",
                "organisation",
                "office",
                "locality",
                "relation",
                "place",
            )
        }
        self.questions: dict[str, dict[str, Any]] = {}
        self.used_services: set[str] = set()

    # -- reporting -------------------------------------------------------
    def problem(self, file: str, path: str, message: str) -> None:
        self.problems.append(Problem(file, path, message))

    # -- pass 1: read and collect ids ------------------------------------
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
            self.languages = list(meta.get("languages") or self.languages)
            self.bbox = (meta.get("country") or {}).get("bbox") or DEFAULT_BBOX
        for name, data in self.files.items():
            self.collect(name, data)

    def register(self, kind: str, ident: Any, file: str, path: str) -> None:
        pattern = QUESTION_ID_PATTERN if kind == "question" else ID_PATTERN
        if not isinstance(ident, str) or not pattern.match(ident):
            self.problem(file, path, f"{kind} id {ident!r} must be lower-case letters, digits and hyphens")
            return
        seen = self.ids[kind]
        if ident in seen:
            self.problem(file, path, f"duplicate {kind} id '{ident}' (first defined in {seen[ident]})")
        else:
            seen[ident] = file

    def collect(self, file: str, data: dict[str, Any]) -> None:
        for i, locality in enumerate(_items(data.get("localities"))):
            self.register("locality", locality.get("id"), file, f"localities[{i}].id")
        for i, org in enumerate(_items(data.get("organisations"))):
            self.register("organisation", org.get("id"), file, f"organisations[{i}].id")
            for j, office in enumerate(_items(org.get("offices"))):
                self.register("office", office.get("id"), file, f"organisations[{i}].offices[{j}].id")
        for i, document in enumerate(_items(data.get("documents"))):
            self.register("document", document.get("id"), file, f"documents[{i}].id")
        for i, relation in enumerate(_items(data.get("relations"))):
            self.register("relation", relation.get("id"), file, f"relations[{i}].id")
        for i, place in enumerate(_items(data.get("places"))):
            self.register("place", place.get("id"), file, f"places[{i}].id")
        for i, question in enumerate(_items(data.get("questions"))):
            self.register("question", question.get("id"), file, f"questions[{i}].id")
            self.questions.setdefault(str(question.get("id")), question)
        for i, service in enumerate(_items(data.get("services"))):
            self.register("service", service.get("id"), file, f"services[{i}].id")
        event = data.get("life_event")
        if isinstance(event, dict):
            self.register("life event", event.get("id"), file, "life_event.id")
            for i, question in enumerate(_items(event.get("questions"))):
                if "ref" not in question:
                    path = f"life_event.questions[{i}].id"
                    self.register("question", question.get("id"), file, path)
                    self.questions.setdefault(str(question.get("id")), question)

    # -- pass 2: check every part ----------------------------------------
    def check(self) -> None:
        for file, data in self.files.items():
            self.check_source(file, data.get("source"))
            if file == "catalogue.yml":
                self.check_meta(file, data)
            for i, locality in enumerate(_items(data.get("localities"))):
                self.check_locality(file, f"localities[{i}]", locality)
            for i, org in enumerate(_items(data.get("organisations"))):
                self.check_organisation(file, f"organisations[{i}]", org)
            for i, document in enumerate(_items(data.get("documents"))):
                self.check_document(file, f"documents[{i}]", document)
            for i, relation in enumerate(_items(data.get("relations"))):
                self.check_text(file, f"relations[{i}].name", relation.get("name"))
                self.check_keywords(file, f"relations[{i}].keywords", relation.get("keywords") or {})
            for i, place in enumerate(_items(data.get("places"))):
                self.check_text(file, f"places[{i}].name", place.get("name"))
                self.check_keywords(file, f"places[{i}].keywords", place.get("keywords"))
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

    def check_source(self, file: str, source: Any) -> None:
        if not isinstance(source, dict):
            self.problem(file, "source", "every file needs a source block (name, reviewed date)")
            return
        if not source.get("name"):
            self.problem(file, "source.name", "say where the facts come from")
        reviewed = source.get("reviewed")
        if not isinstance(reviewed, dt.date):
            self.problem(file, "source.reviewed", "the review date must be a date like 2026-11-22")
        if source.get("url") is not None:
            self.check_url(file, "source.url", source["url"])

    def check_meta(self, file: str, data: dict[str, Any]) -> None:
        if "en" not in self.languages:
            self.problem(file, "languages", "English must be one of the languages (it is the fallback)")
        helpdesk = data.get("helpdesk")
        if not isinstance(helpdesk, dict):
            self.problem(file, "helpdesk", "name the helpdesk organisation and its hours")
            return
        self.check_ref(file, "helpdesk.organisation", "organisation", helpdesk.get("organisation"))
        self.check_text(file, "helpdesk.hours", helpdesk.get("hours"))

    def check_locality(self, file: str, path: str, locality: dict[str, Any]) -> None:
        self.check_text(file, f"{path}.name", locality.get("name"))
        if "district" in locality:
            self.check_text(file, f"{path}.district", locality.get("district"))
        self.check_coordinates(file, f"{path}.coordinates", locality.get("coordinates"))
        self.check_keywords(file, f"{path}.aliases", locality.get("aliases"), every_language=False)

    def check_organisation(self, file: str, path: str, org: dict[str, Any]) -> None:
        self.check_text(file, f"{path}.name", org.get("name"))
        self.check_text(file, f"{path}.description", org.get("description"))
        for optional in ("short_name",):
            if optional in org:
                self.check_text(file, f"{path}.{optional}", org[optional])
        self.check_keywords(file, f"{path}.keywords", org.get("keywords"))
        if not any(org.get(key) for key in ("website", "phone", "email")):
            self.problem(file, path, "the contact point needs a website, a phone or an email")
        self.check_contact(file, path, org)
        for j, office in enumerate(_items(org.get("offices"))):
            where = f"{path}.offices[{j}]"
            self.check_text(file, f"{where}.name", office.get("name"))
            self.check_text(file, f"{where}.address", office.get("address"))
            self.check_ref(file, f"{where}.locality", "locality", office.get("locality"))
            self.check_coordinates(file, f"{where}.coordinates", office.get("coordinates"))
            self.check_contact(file, where, office)
            self.check_opening_hours(file, f"{where}.opening_hours", office.get("opening_hours"))

    def check_contact(self, file: str, path: str, holder: dict[str, Any]) -> None:
        if holder.get("website") is not None:
            self.check_url(file, f"{path}.website", holder["website"])
        phone = holder.get("phone")
        if phone is not None and not (isinstance(phone, str) and PHONE_PATTERN.match(phone)):
            self.problem(file, f"{path}.phone", f"{phone!r} is not a phone number")
        email = holder.get("email")
        if email is not None and not (isinstance(email, str) and EMAIL_PATTERN.match(email)):
            self.problem(file, f"{path}.email", f"{email!r} is not an email address")

    def check_document(self, file: str, path: str, document: dict[str, Any]) -> None:
        self.check_text(file, f"{path}.name", document.get("name"))
        if "description" in document:
            self.check_text(file, f"{path}.description", document["description"])

    def check_question(self, file: str, path: str, question: dict[str, Any]) -> None:
        self.check_text(file, f"{path}.text", question.get("text"))
        kind = question.get("type")
        options = question.get("options")
        if kind not in QUESTION_TYPES:
            self.problem(file, f"{path}.type", f"type {kind!r} must be one of {', '.join(QUESTION_TYPES)}")
            return
        if kind == "locality":
            if options:
                self.problem(file, f"{path}.options", "a locality question takes no options")
        else:
            option_ids = [option.get("id") for option in _items(options)]
            if kind == "yes_no" and sorted(map(str, option_ids)) != ["no", "yes"]:
                self.problem(file, f"{path}.options", "a yes_no question needs exactly the options yes and no")
            if kind == "choice" and len(option_ids) < 2:
                self.problem(file, f"{path}.options", "a choice question needs at least two options")
            if len(set(map(str, option_ids))) != len(option_ids):
                self.problem(file, f"{path}.options", "option ids repeat")
            for k, option in enumerate(_items(options)):
                where = f"{path}.options[{k}]"
                if kind == "choice" or "label" in option:
                    self.check_text(file, f"{where}.label", option.get("label"))
                self.check_text(file, f"{where}.condition", option.get("condition"))
                self.check_keywords(file, f"{where}.keywords", option.get("keywords"))
                if option.get("place", "abroad") not in PLACES:
                    self.problem(file, f"{where}.place", f"place must be one of {', '.join(PLACES)}")
                if "yes_no" in option and (kind != "choice" or str(option["yes_no"]) not in ("yes", "no")):
                    self.problem(file, f"{where}.yes_no", "yes_no (yes or no) is for the options of a choice question")
                combines = option.get("combines", [])
                if combines and (
                    kind != "choice"
                    or not isinstance(combines, list)
                    or len(combines) < 2
                    or not {str(c) for c in combines} <= set(map(str, option_ids)) - {str(option.get("id"))}
                ):
                    self.problem(
                        file,
                        f"{where}.combines",
                        "combines lists two or more other options of the same choice question",
                    )
                ages = option.get("ages")
                if ages is not None and (
                    not isinstance(ages, list)
                    or len(ages) != 2
                    or not all(_is_number(a) for a in ages)
                    or ages[0] >= ages[1]
                ):
                    self.problem(file, f"{where}.ages", "ages is [from, to): two numbers, the first smaller")
                relations = option.get("relations", [])
                if not isinstance(relations, list):
                    self.problem(file, f"{where}.relations", "relations must be a list of relation ids")
                    relations = []
                for k2, relation in enumerate(relations):
                    self.check_ref(file, f"{where}.relations[{k2}]", "relation", relation)
        for threshold in ("at_least", "under"):
            if threshold in question and (kind != "yes_no" or not _is_number(question[threshold])):
                self.problem(file, f"{path}.{threshold}", f"{threshold} is a number, for a yes_no question")
        if "when" in question:
            self.check_when(file, f"{path}.when", question["when"])

    def check_life_event(self, file: str, event: Any) -> None:
        if not isinstance(event, dict):
            self.problem(file, "life_event", "a life-event file needs a life_event section")
            return
        event_id = event.get("id")
        if event_id not in LIFE_EVENT_IDS:
            self.problem(file, "life_event.id", f"'{event_id}' is not one of the contract's life events")
        elif Path(file).stem != event_id:
            self.problem(file, "life_event.id", f"the file of life event '{event_id}' must be named {event_id}.yml")
        self.check_text(file, "life_event.title", event.get("title"))
        self.check_text(file, "life_event.description", event.get("description"))
        self.check_keywords(file, "life_event.keywords", event.get("keywords"))
        for i, question in enumerate(_items(event.get("questions"))):
            path = f"life_event.questions[{i}]"
            if "ref" in question:
                self.check_ref(file, f"{path}.ref", "question", question["ref"])
            else:
                self.check_question(file, path, question)
        refs = list(_items(event.get("services")))
        if not refs:
            self.problem(file, "life_event.services", "a life event needs at least one service")
        for i, ref in enumerate(refs):
            path = f"life_event.services[{i}]"
            if self.check_ref(file, f"{path}.service", "service", ref.get("service")):
                self.used_services.add(ref["service"])
            if "when" in ref:
                self.check_when(file, f"{path}.when", ref["when"])

    def check_service(self, file: str, path: str, service: dict[str, Any]) -> None:
        for required in ("title", "description", "output", "processing_time"):
            self.check_text(file, f"{path}.{required}", service.get(required))
        for optional in ("deadline", "legal_basis"):
            if optional in service:
                self.check_text(file, f"{path}.{optional}", service[optional])
        self.check_keywords(file, f"{path}.keywords", service.get("keywords"))
        self.check_ref(file, f"{path}.authority", "organisation", service.get("authority"))
        documents = list(_items(service.get("documents")))
        if not documents:
            self.problem(file, f"{path}.documents", "list the documents a citizen must bring")
        for j, need in enumerate(documents):
            self.check_ref(file, f"{path}.documents[{j}].document", "document", need.get("document"))
            if "when" in need:
                self.check_when(file, f"{path}.documents[{j}].when", need["when"])
        costs = list(_items(service.get("costs")))
        if not costs:
            self.problem(file, f"{path}.costs", "give the cost (amount 0 when it is free)")
        for j, cost in enumerate(costs):
            where = f"{path}.costs[{j}]"
            amount = cost.get("amount")
            if cost.get("varies") is True:
                if amount is not None:
                    self.problem(file, where, "a fee that varies has no fixed amount")
                self.check_text(file, f"{where}.label", cost.get("label"))
            elif isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                self.problem(file, f"{where}.amount", f"{amount!r} is not an amount (a number, 0 if free)")
            currency = cost.get("currency")
            if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
                self.problem(file, f"{where}.currency", f"{currency!r} is not a currency code like MDL")
            if len(costs) > 1 or "label" in cost:
                self.check_text(file, f"{where}.label", cost.get("label"))
            if "when" in cost:
                self.check_when(file, f"{where}.when", cost["when"])
        channels = list(_items(service.get("channels")))
        if not channels:
            self.problem(file, f"{path}.channels", "say how the service can be requested")
        for j, channel in enumerate(channels):
            where = f"{path}.channels[{j}]"
            kind = channel.get("type")
            if kind not in CHANNEL_TYPES:
                self.problem(file, f"{where}.type", f"channel {kind!r} must be one of {', '.join(CHANNEL_TYPES)}")
            if kind == "online" and "url" not in channel:
                self.problem(file, where, "an online channel needs its url")
            if "url" in channel:
                self.check_url(file, f"{where}.url", channel["url"])

    # -- small checks ----------------------------------------------------
    def check_ref(self, file: str, path: str, kind: str, ident: Any) -> bool:
        if ident is None:
            self.problem(file, path, f"name the {kind}")
            return False
        if ident not in self.ids[kind]:
            self.problem(file, path, f"refers to an unknown {kind} '{ident}'")
            return False
        return True

    def check_when(self, file: str, path: str, when: Any) -> None:
        if not isinstance(when, dict) or not when:
            self.problem(file, path, "a condition maps question ids to answers")
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

    def check_text(self, file: str, path: str, text: Any) -> None:
        if not isinstance(text, dict):
            self.problem(file, path, f"needs a text in each language ({', '.join(self.languages)})")
            return
        for lang in self.languages:
            value = text.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.problem(file, f"{path}.{lang}", f"the {_LANGUAGE_NAMES.get(lang, lang)} translation is missing")
        unknown = set(text) - set(self.languages)
        if unknown:
            self.problem(file, path, f"unknown language code(s): {', '.join(sorted(map(str, unknown)))}")
        romanian = text.get("ro")
        if isinstance(romanian, str) and CEDILLA.search(romanian):
            self.problem(file, f"{path}.ro", "uses ş/ţ with a cedilla; Romanian writes ș/ț with a comma below")

    def check_keywords(self, file: str, path: str, keywords: Any, every_language: bool = True) -> None:
        if keywords is None:
            return
        if not isinstance(keywords, dict):
            self.problem(file, path, "keywords map each language to a list of words")
            return
        for lang in self.languages if every_language else [lang for lang in self.languages if lang in keywords]:
            words = keywords.get(lang)
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                self.problem(file, f"{path}.{lang}", "needs a list of words in this language")

    def check_url(self, file: str, path: str, url: Any) -> None:
        parsed = urlparse(url) if isinstance(url, str) else None
        host = parsed.hostname if parsed else None
        if parsed is None or parsed.scheme not in ("http", "https") or not host or "." not in host or " " in url:
            self.problem(file, path, f"{url!r} is not a well-formed http(s) URL")

    def check_coordinates(self, file: str, path: str, coordinates: Any) -> None:
        if not isinstance(coordinates, dict):
            self.problem(file, path, "give coordinates as {lat: ..., lon: ...}")
            return
        lat, lon = coordinates.get("lat"), coordinates.get("lon")
        if not (_is_number(lat) and _is_number(lon)):
            self.problem(file, path, "latitude and longitude must be numbers")
            return
        assert lat is not None and lon is not None
        box = self.bbox
        if not (box["min_lat"] <= lat <= box["max_lat"] and box["min_lon"] <= lon <= box["max_lon"]):
            self.problem(file, path, f"({lat}, {lon}) lies outside the country")

    def check_opening_hours(self, file: str, path: str, hours: Any) -> None:
        entries = list(_items(hours))
        if not entries:
            self.problem(file, path, "give the office's opening hours")
            return
        taken: dict[str, list[tuple[str, str]]] = {}
        for k, entry in enumerate(entries):
            where = f"{path}[{k}]"
            days = entry.get("days")
            opens, closes = entry.get("opens"), entry.get("closes")
            if not isinstance(days, list) or not days or any(day not in DAYS for day in days):
                self.problem(file, f"{where}.days", f"days must be a list of {' '.join(DAYS)}")
                continue
            if not all(isinstance(t, str) and TIME_PATTERN.match(t) for t in (opens, closes)):
                self.problem(file, where, f"times must be HH:MM, got opens={opens!r} closes={closes!r}")
                continue
            assert isinstance(opens, str) and isinstance(closes, str)
            if opens >= closes:
                self.problem(file, where, f"opens at {opens} but closes at {closes}")
                continue
            for day in days:
                for other_open, other_close in taken.get(day, []):
                    if opens < other_close and other_open < closes:
                        self.problem(file, where, f"{day} is listed twice with overlapping hours")
                taken.setdefault(day, []).append((opens, closes))


_LANGUAGE_NAMES = {"en": "English", "ro": "Romanian", "ru": "Russian"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _items(value: Any) -> Iterator[dict[str, Any]]:
    """The mappings of a list; anything else yields nothing (its absence is checked where it matters)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield item


def problems(directory: Path | str) -> list[Problem]:
    """Every problem in the catalogue at `directory`; an empty list means it is valid."""
    checker = _Checker(Path(directory))
    checker.read()
    checker.check()
    return checker.problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("data/catalogue")
    found = problems(directory)
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} problem(s) in {directory}", file=sys.stderr)
        return 1
    print(f"{directory}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
