"""Typed views of the catalogue's questions, already in one language: a question, its options
(with the words that give each answer) and the conditions that make a question, a step, a
document or a fee apply; the relations that answer options ("my son")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Condition:
    """'only if question Q was answered one of `answers`'; `text` says it for the citizen."""

    question: str
    answers: tuple[str, ...]
    text: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Condition:
        return cls(str(data["question"]), tuple(str(a) for a in data["answers"]), str(data.get("text") or ""))


def _conditions(items: list[dict[str, Any]] | None) -> tuple[Condition, ...]:
    return tuple(Condition.from_json(item) for item in items or [])


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    condition: str | None
    keywords: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    place: str | None = None  # "abroad" or "moldova": a place named in an answer picks this option
    yes_no: str | None = None  # on a choice option: the option a plain "yes" or "no" picks
    place_names: tuple[str, ...] = ()  # "abroad": every foreign place's names, in every language
    combines: tuple[str, ...] = ()  # the options that, named together, give this one ("both")
    ages: tuple[float, float] | None = None  # a person's age in [from, to) gives this option ("am 45 de ani")
    not_in: tuple[str, ...] = ()  # longer phrases holding the option's words that mean something else
    outweighs: tuple[str, ...] = ()  # named together with these options, this one is the answer

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Option:
        return cls(
            str(data["id"]),
            str(data["label"]),
            data.get("condition"),
            tuple(data.get("keywords") or []),
            tuple(data.get("relations") or []),
            data.get("place"),
            data.get("yes_no"),
            tuple(data.get("place_names") or []),
            tuple(data.get("combines") or []),
            (float(data["ages"][0]), float(data["ages"][1])) if data.get("ages") else None,
            tuple(data.get("not_in") or []),
            tuple(data.get("outweighs") or []),
        )


@dataclass(frozen=True)
class Relation:
    id: str
    name: str
    keywords: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Relation:
        return cls(str(data["id"]), str(data["name"]), tuple(data.get("keywords") or []))


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # yes_no | choice | locality
    text: str
    options: tuple[Option, ...]
    when: tuple[Condition, ...]
    at_least: float | None = None  # yes_no: a number in the answer at least this much means yes
    under: float | None = None  # yes_no: any number (an age) in the answer below this means yes

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        at_least, under = data.get("at_least"), data.get("under")
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            text=str(data["text"]),
            options=tuple(Option.from_json(o) for o in data.get("options") or []),
            when=_conditions(data.get("when")),
            at_least=None if at_least is None else float(at_least),
            under=None if under is None else float(under),
        )
