"""The personal guide: which of a life event's services and documents apply, written out.

A condition holds, fails, or is unknown (question not asked, or "I don't
know"). A step or document is left out only when a condition fails; unknown
ones are kept and marked with the catalogue's text for when they apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from actions.phrases import day_names, say
from catalogue_client import (
    Condition,
    Cost,
    Document,
    LifeEvent,
    Office,
    OpeningHours,
    Question,
    Service,
    ServiceStep,
)

HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"


def check(conditions: Iterable[Condition], answers: dict[str, str]) -> tuple[str, list[str]]:
    """Whether all conditions hold, and the texts of the ones still unknown."""
    unknown = []
    for condition in conditions:
        answer = answers.get(condition.question)
        if answer is None or answer == "?":
            unknown.append(condition.text)
        elif answer not in condition.answers:
            return FAILS, []
    return (UNKNOWN if unknown else HOLDS), unknown


Conditional = TypeVar("Conditional", ServiceStep, Document)


def applicable(items: Iterable[Conditional], answers: dict[str, str]) -> list[tuple[Conditional, list[str]]]:
    """The items whose conditions do not fail, each with the texts of its still-unknown conditions."""
    kept = []
    for item in items:
        verdict, unknown = check(item.when, answers)
        if verdict != FAILS:
            kept.append((item, unknown))
    return kept


def applicable_steps(event: LifeEvent, answers: dict[str, str]) -> list[tuple[ServiceStep, list[str]]]:
    return applicable(event.steps, answers)


def applicable_documents(service: Service, answers: dict[str, str]) -> list[tuple[Document, list[str]]]:
    return applicable(service.documents, answers)


def next_question(event: LifeEvent, answers: dict[str, str]) -> Question | None:
    """The first question not yet answered whose own condition does not fail."""
    for question in event.questions:
        if question.id in answers:
            continue
        if check(question.when, answers)[0] == FAILS:
            continue
        return question
    return None


# -- writing --------------------------------------------------------------------
def money(cost: Cost, lang: str) -> str:
    if cost.amount is None:
        value = say("fee_varies", lang)
    elif cost.free:
        value = say("free", lang)
    else:
        value = f"{cost.amount:,.0f} {cost.currency}".replace(",", " ")
    return f"{value} ({cost.label})" if cost.label else value


def costs_text(service: Service, lang: str) -> str:
    return "; ".join(money(cost, lang) for cost in service.costs)


def hours_text(hours: Iterable[OpeningHours], lang: str) -> str:
    names = day_names(lang)
    order = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    parts = []
    for entry in hours:
        indexes = sorted(order.index(day) for day in entry.days)
        contiguous = indexes == list(range(indexes[0], indexes[-1] + 1))
        if len(indexes) > 2 and contiguous:
            days = f"{names[indexes[0]]}–{names[indexes[-1]]}"
        else:
            days = ", ".join(names[i] for i in indexes)
        parts.append(f"{days} {entry.opens}–{entry.closes}")
    return "; ".join(parts)


def office_text(office: Office, lang: str) -> str:
    text = f"{office.name}, {office.address}"
    if office.phone:
        text += f", {office.phone}"
    return text


def document_lines(service: Service, answers: dict[str, str], lang: str) -> list[str]:
    lines = []
    for document, unknown in applicable_documents(service, answers):
        marker = f" — {'; '.join(unknown)}" if unknown else ""
        lines.append(f"  • {document.name}{marker}")
    return lines


def step_message(
    number: int, step: ServiceStep, unknown: list[str], office: Office | None, answers: dict[str, str], lang: str
) -> str:
    service = step.service
    lines = [f"{number}. {service.title}"]
    if unknown:
        lines.append(say("only_if", lang, condition="; ".join(unknown)))
    lines.append(f"{say('label_receive', lang)}: {service.output}")
    documents = document_lines(service, answers, lang)
    if documents:
        lines.append(f"{say('label_documents', lang)}:")
        lines.extend(documents)
    where = service.authority.name
    if office is not None:
        where += f" — {office_text(office, lang)}"
    lines.append(f"{say('label_where', lang)}: {where}")
    if office is not None and office.opening_hours:
        lines.append(f"{say('label_hours', lang)}: {hours_text(office.opening_hours, lang)}")
    lines.append(f"{say('label_cost', lang)}: {costs_text(service, lang)}")
    if service.deadline:
        lines.append(f"{say('label_deadline', lang)}: {service.deadline}")
    lines.append(f"{say('label_processing', lang)}: {service.processing_time}")
    if service.online_url:
        lines.append(f"{say('label_online', lang)}: {service.online_url}")
    return "\n".join(lines)


def checklist(steps: list[tuple[ServiceStep, list[str]]], answers: dict[str, str], lang: str) -> str:
    """Every document of the applicable steps once, conditional ones marked."""
    seen: dict[str, str] = {}
    for step, _ in steps:
        for document, unknown in applicable_documents(step.service, answers):
            if document.id not in seen or not unknown:
                seen[document.id] = f"☐ {document.name}" + (f" — {'; '.join(unknown)}" if unknown else "")
    return "\n".join([say("checklist_title", lang), *seen.values()])


def guide_messages(event: LifeEvent, answers: dict[str, str], offices: dict[str, Office], lang: str) -> list[str]:
    """The guide as readable messages: intro, one per step, the checklist."""
    steps = applicable_steps(event, answers)
    if not steps:
        return [say("guide_nothing", lang, title=event.title)]
    intro = say("guide_intro", lang, title=event.title)
    if any(unknown for _, unknown in steps):
        intro += "\n" + say("guide_unknown_note", lang)
    messages = [intro]
    for number, (step, unknown) in enumerate(steps, start=1):
        office = offices.get(step.service.authority.id)
        messages.append(step_message(number, step, unknown, office, answers, lang))
    messages.append(checklist(steps, answers, lang))
    return messages
