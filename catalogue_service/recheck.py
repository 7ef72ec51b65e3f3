"""What an editor should check again: facts without a source, old reviews, offices a citizen cannot
find or call. Warnings, not errors: `make validate` stays green and prints a short list.

A service's facts are sourced by its `source` (a page and the date it was checked); its fees,
deadline and document list by their own source where it differs (`costs[i].source`,
`sources.costs`, `sources.deadline`, `sources.documents`), else by the service's. A review is old
when its date is more than 12 months before today. An office needs a street address (one with
a house number: "Bălți — exact address: asp.gov.md" has none) and a phone, its own or its
organisation's; opening hours are already required by the schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

HOUSE_NUMBER = re.compile(r"\b\d+[A-Za-zА-Яа-я]?\b")
SHOWN_PER_KIND = 3

# the kinds, in the order the list shows them
SERVICE, FEE, DEADLINE, DOCUMENTS, OLD, ADDRESS, PHONE = (
    "services without a source",
    "fees without a source",
    "deadlines without a source",
    "document lists without a source",
    "sources reviewed more than 12 months ago",
    "offices without a street address",
    "offices without a phone",
)
KINDS = (SERVICE, FEE, DEADLINE, DOCUMENTS, OLD, ADDRESS, PHONE)


@dataclass(frozen=True)
class Recheck:
    kind: str
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None  # the schema reports a date that is not one


def _year_before(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


class _Finder:
    def __init__(self, today: dt.date) -> None:
        self.oldest_fresh = _year_before(today)
        self.found: list[Recheck] = []

    def add(self, kind: str, file: str, path: str, message: str) -> None:
        self.found.append(Recheck(kind, file, path, message))

    def source(self, file: str, path: str, source: Any) -> bool:
        """Whether a source is given; an old review is noted."""
        if not isinstance(source, dict):
            return False
        reviewed = _date(source.get("reviewed"))
        if reviewed is not None and reviewed < self.oldest_fresh:
            where = source.get("url") or source.get("name") or "the source"
            self.add(OLD, file, f"{path}.reviewed", f"{where} was last checked on {reviewed.isoformat()}")
        return True

    def file(self, name: str, data: dict[str, Any]) -> None:
        self.source(name, "source", data.get("source"))
        for i, service in _items(data.get("services")):
            self.service(name, f"services[{i}]", service)
        for i, org in _items(data.get("organisations")):
            for j, office in _items(org.get("offices")):
                self.office(name, f"organisations[{i}].offices[{j}]", office, org)

    def service(self, file: str, path: str, service: dict[str, Any]) -> None:
        ident = service.get("id", "?")
        covered = self.source(file, f"{path}.source", service.get("source"))
        if not covered:
            self.add(SERVICE, file, path, f"service '{ident}' names no page its facts were checked against")
        given = service.get("sources")
        parts: dict[str, Any] = given if isinstance(given, dict) else {}
        fees = self.source(file, f"{path}.sources.costs", parts.get("costs")) or covered
        for j, cost in _items(service.get("costs")):
            if not self.source(file, f"{path}.costs[{j}].source", cost.get("source")) and not fees:
                self.add(FEE, file, f"{path}.costs[{j}]", f"a fee of '{ident}' has no source")
        deadline = self.source(file, f"{path}.sources.deadline", parts.get("deadline"))
        if service.get("deadline") and not (deadline or covered):
            self.add(DEADLINE, file, f"{path}.deadline", f"the deadline of '{ident}' has no source")
        documents = self.source(file, f"{path}.sources.documents", parts.get("documents"))
        if service.get("documents") and not (documents or covered):
            self.add(DOCUMENTS, file, f"{path}.documents", f"the documents of '{ident}' have no source")

    def office(self, file: str, path: str, office: dict[str, Any], org: dict[str, Any]) -> None:
        ident = office.get("id", "?")
        address = office.get("address")
        texts = [str(text) for text in address.values()] if isinstance(address, dict) else []
        if not any(HOUSE_NUMBER.search(text) for text in texts):
            shown = (address or {}).get("en") if isinstance(address, dict) else None
            self.add(ADDRESS, file, f"{path}.address", f"office '{ident}': no street and number ({shown!r})")
        if not office.get("phone") and not org.get("phone"):
            self.add(PHONE, file, path, f"office '{ident}': no phone, nor one for '{org.get('id', '?')}'")


def rechecks(files: dict[str, Any], today: dt.date | None = None) -> list[Recheck]:
    """What to check again in the catalogue's files (name -> data as read), as of `today`."""
    finder = _Finder(today or dt.date.today())
    for name, data in files.items():
        if isinstance(data, dict):
            finder.file(name, data)
    return finder.found


def summary(found: list[Recheck], shown: int = SHOWN_PER_KIND) -> list[str]:
    """The editors' list: per kind its count and the first few, then how many more."""
    if not found:
        return ["To re-check: nothing."]
    lines = [f"To re-check ({len(found)} warning(s), not errors):"]
    for kind in KINDS:
        of_kind = [item for item in found if item.kind == kind]
        if not of_kind:
            continue
        lines.append(f"  {len(of_kind):4} {kind}")
        lines += [f"         {item}" for item in of_kind[:shown]]
        if len(of_kind) > shown:
            lines.append(f"         … and {len(of_kind) - shown} more")
    return lines
