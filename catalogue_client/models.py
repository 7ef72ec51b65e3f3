"""Typed views of the catalogue's answers, already in one language.

Each top-level result carries `stale`: True when it was served from the
client's cache because the catalogue could not be reached, so the assistant
can say the information may be out of date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from catalogue_client.questions import Condition, Question, _conditions


@dataclass(frozen=True)
class OpeningHours:
    days: tuple[str, ...]
    opens: str
    closes: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OpeningHours:
        return cls(tuple(data["days"]), str(data["opens"]), str(data["closes"]))


@dataclass(frozen=True)
class Locality:
    id: str
    name: str
    district: str | None
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()  # other names citizens type: other languages, other spellings

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Locality:
        point = data["coordinates"]
        return cls(
            str(data["id"]),
            str(data["name"]),
            data.get("district"),
            float(point["lat"]),
            float(point["lon"]),
            tuple(data.get("aliases") or []),
        )


@dataclass(frozen=True)
class Office:
    id: str
    organisation: str
    name: str
    locality: Locality
    address: str
    lat: float
    lon: float
    phone: str | None
    opening_hours: tuple[OpeningHours, ...]
    distance_km: float | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Office:
        point = data["coordinates"]
        return cls(
            id=str(data["id"]),
            organisation=str(data["organisation"]),
            name=str(data["name"]),
            locality=Locality.from_json(data["locality"]),
            address=str(data["address"]),
            lat=float(point["lat"]),
            lon=float(point["lon"]),
            phone=data.get("phone"),
            opening_hours=tuple(OpeningHours.from_json(h) for h in data["opening_hours"]),
            distance_km=data.get("distance_km"),
        )


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    short_name: str | None
    website: str | None
    phone: str | None
    email: str | None
    description: str | None = None
    offices: tuple[Office, ...] = ()
    stale: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any], stale: bool = False) -> Organisation:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            short_name=data.get("short_name"),
            website=data.get("website"),
            phone=data.get("phone"),
            email=data.get("email"),
            description=data.get("description"),
            offices=tuple(Office.from_json(o) for o in data.get("offices") or []),
            stale=stale,
        )


@dataclass(frozen=True)
class Document:
    id: str
    name: str
    description: str | None
    when: tuple[Condition, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        return cls(str(data["id"]), str(data["name"]), data.get("description"), _conditions(data.get("when")))


@dataclass(frozen=True)
class Cost:
    """A fee variant; `amount` is None when the fee is set case by case (the label says how)."""

    label: str | None
    amount: float | None
    currency: str
    when: tuple[Condition, ...] = ()  # the answers this fee variant applies to (none: everyone)

    @property
    def free(self) -> bool:
        return self.amount == 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cost:
        amount = data.get("amount")
        return cls(
            data.get("label"),
            None if amount is None else float(amount),
            str(data["currency"]),
            _conditions(data.get("when")),
        )


@dataclass(frozen=True)
class Channel:
    type: str  # in_person | online | phone | post
    url: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Channel:
        return cls(str(data["type"]), data.get("url"))


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    description: str
    output: str
    authority: Organisation
    documents: tuple[Document, ...]
    costs: tuple[Cost, ...]
    processing_time: str
    deadline: str | None
    channels: tuple[Channel, ...]
    online_url: str | None
    legal_basis: str | None
    life_events: tuple[str, ...]
    stale: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any], stale: bool = False) -> Service:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            description=str(data["description"]),
            output=str(data["output"]),
            authority=Organisation.from_json(data["authority"]),
            documents=tuple(Document.from_json(d) for d in data["documents"]),
            costs=tuple(Cost.from_json(c) for c in data["costs"]),
            processing_time=str(data["processing_time"]),
            deadline=data.get("deadline"),
            channels=tuple(Channel.from_json(c) for c in data["channels"]),
            online_url=data.get("online_url"),
            legal_basis=data.get("legal_basis"),
            life_events=tuple(data.get("life_events") or []),
            stale=stale,
        )


@dataclass(frozen=True)
class ServiceStep:
    """A service as one step of a life event, applying only when `when` holds."""

    service: Service
    when: tuple[Condition, ...]


@dataclass(frozen=True)
class LifeEventSummary:
    id: str
    title: str
    description: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LifeEventSummary:
        return cls(str(data["id"]), str(data["title"]), str(data["description"]))


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title: str
    description: str
    keywords: tuple[str, ...]
    questions: tuple[Question, ...]
    steps: tuple[ServiceStep, ...]
    stale: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any], stale: bool = False) -> LifeEvent:
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            description=str(data["description"]),
            keywords=tuple(data.get("keywords") or []),
            questions=tuple(Question.from_json(q) for q in data["questions"]),
            steps=tuple(
                ServiceStep(Service.from_json(step["service"], stale), _conditions(step.get("when")))
                for step in data["services"]
            ),
            stale=stale,
        )


@dataclass(frozen=True)
class SearchHit:
    type: str  # life_event | service | organisation
    id: str
    title: str
    description: str | None
    score: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchHit:
        return cls(
            str(data["type"]), str(data["id"]), str(data["title"]), data.get("description"), float(data["score"])
        )


@dataclass(frozen=True)
class Helpdesk:
    organisation: Organisation
    hours: str | None
    stale: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any], stale: bool = False) -> Helpdesk:
        return cls(Organisation.from_json(data["organisation"]), data.get("hours"), stale)


T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A list answer (offices, search hits, life events) with its staleness: `Listing[Office]`."""

    items: tuple[T, ...] = field(default_factory=tuple)
    stale: bool = False

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]
