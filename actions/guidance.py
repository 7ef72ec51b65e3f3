"""The personal guide: which of a life event's services, documents and fees apply, written out.

A condition holds, fails, or is unknown (question not asked, or "I don't
know"). A step or document is left out only when a condition fails; unknown
ones are kept and marked with the catalogue's text for when they apply.
Conditions on questions that this life event does not ask (a shared service's
document that matters only when moving, say) are left aside in its guide.

The guide reads on a phone: a summary first (the steps in order, where, the
first deadline), then one message per step, then one checklist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from actions.phrases import day_names, say
from actions.state import UNKNOWN as UNKNOWN_ANSWER
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
MAX_FEES_IN_GUIDE = 1  # fee variants shown per step; the rest on "how much does it cost?"


def check(
    conditions: Iterable[Condition], answers: dict[str, str], asked: set[str] | None = None
) -> tuple[str, list[str]]:
    """Whether all conditions hold, and the texts of the ones still unknown; conditions on
    questions outside `asked` (when given) are left aside."""
    unknown = []
    for condition in conditions:
        if asked is not None and condition.question not in asked:
            continue
        answer = answers.get(condition.question)
        if answer is None or answer == UNKNOWN_ANSWER:
            unknown.append(condition.text)
        elif answer not in condition.answers:
            return FAILS, []
    return (UNKNOWN if unknown else HOLDS), unknown


Conditional = TypeVar("Conditional", ServiceStep, Document, Cost)


def applicable(
    items: Iterable[Conditional], answers: dict[str, str], asked: set[str] | None = None
) -> list[tuple[Conditional, list[str]]]:
    """The items whose conditions do not fail, each with the texts of its still-unknown conditions."""
    kept = []
    for item in items:
        verdict, unknown = check(item.when, answers, asked)
        if verdict != FAILS:
            kept.append((item, unknown))
    return kept


def applicable_steps(event: LifeEvent, answers: dict[str, str]) -> list[tuple[ServiceStep, list[str]]]:
    return applicable(event.steps, with_skipped(event, answers))


NOT_ASKED = "not asked"  # a question whose own condition failed: a step that needs its answer does not apply


def with_skipped(event: LifeEvent, answers: dict[str, str]) -> dict[str, str]:
    """The answers, and the questions never asked because their own condition failed ("only a
    certificate" skips "why do you need the document?": no "if your document was lost" step)."""
    answers = dict(answers)
    skipped = True
    while skipped:
        skipped = False
        for question in event.questions:
            if question.id not in answers and check(question.when, answers)[0] == FAILS:
                answers[question.id] = NOT_ASKED
                skipped = True
    return answers


def applicable_documents(
    service: Service, answers: dict[str, str], asked: set[str] | None = None
) -> list[tuple[Document, list[str]]]:
    return applicable(service.documents, answers, asked)


def applicable_costs(service: Service, answers: dict[str, str]) -> list[Cost]:
    return [cost for cost, _ in applicable(service.costs, answers)] or list(service.costs)


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


def costs_text(service: Service, lang: str, answers: dict[str, str] | None = None, limit: int | None = None) -> str:
    """The fees that apply to these answers (all, without answers); beyond `limit`, a pointer."""
    costs = applicable_costs(service, answers) if answers is not None else list(service.costs)
    text = "; ".join(money(cost, lang) for cost in costs[:limit])
    if limit is not None and len(costs) > limit:
        text += f"; {say('fees_on_request', lang)}"
    return text


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


def document_lines(service: Service, answers: dict[str, str], lang: str, asked: set[str] | None = None) -> list[str]:
    lines = []
    for document, unknown in applicable_documents(service, answers, asked):
        marker = f" — {'; '.join(unknown)}" if unknown else ""
        lines.append(f"  • {document.name}{marker}")
    return lines


def step_message(
    number: int,
    step: ServiceStep,
    unknown: list[str],
    office: Office | None,
    answers: dict[str, str],
    lang: str,
    asked: set[str] | None = None,
) -> str:
    service = step.service
    lines = [f"{number}. {service.title}"]
    if unknown:
        lines.append(say("only_if", lang, condition="; ".join(unknown)))
    lines.append(f"{say('label_receive', lang)}: {service.output}")
    documents = document_lines(service, answers, lang, asked)
    if documents:
        lines.append(f"{say('label_documents', lang)}:")
        lines.extend(documents)
    where = service.authority.name
    if office is not None and office.name.startswith(where):
        where = office_text(office, lang)
    elif office is not None:
        where += f" — {office_text(office, lang)}"
    lines.append(f"{say('label_where', lang)}: {where}")
    if office is not None and office.opening_hours:
        lines.append(f"{say('label_hours', lang)}: {hours_text(office.opening_hours, lang)}")
    lines.append(f"{say('label_cost', lang)}: {costs_text(service, lang, answers, MAX_FEES_IN_GUIDE)}")
    if service.deadline:  # the first sentence; the rest, and the processing time, on "how long?"
        lines.append(f"{say('label_deadline', lang)}: {first_sentence(service.deadline)}")
    if service.online_url:
        lines.append(f"{say('label_online', lang)}: {service.online_url}")
    return "\n".join(lines)


def checklist(
    steps: list[tuple[ServiceStep, list[str]]], answers: dict[str, str], lang: str, asked: set[str] | None = None
) -> str:
    """Every document of the applicable steps once, conditional ones marked."""
    seen: dict[str, str] = {}
    for step, _ in steps:
        for document, unknown in applicable_documents(step.service, answers, asked):
            if document.id not in seen or not unknown:
                seen[document.id] = f"☐ {document.name}" + (f" — {'; '.join(unknown)}" if unknown else "")
    return "\n".join([say("checklist_title", lang), *seen.values()])


def first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + ("." if dot or not head.endswith(".") else "")


def summary(event: LifeEvent, steps: list[tuple[ServiceStep, list[str]]], offices: dict[str, Office], lang: str) -> str:
    """The guide in a few lines: the steps in order, where each is done, the first deadline."""
    lines = [say("guide_intro", lang, title=event.title)]
    for number, (step, _) in enumerate(steps, start=1):
        office = offices.get(step.service.authority.id)
        where = office.locality.name if office is not None else None
        authority = step.service.authority.short_name or step.service.authority.name
        lines.append(f"{number}. {step.service.title} — {authority}" + (f", {where}" if where else ""))
    deadline = next((step.service for step, _ in steps if step.service.deadline), None)
    if deadline is not None and deadline.deadline:
        text = f"{deadline.title}: {first_sentence(deadline.deadline)}"
        lines.append(say("guide_summary_first_deadline", lang, deadline=text))
    if any(unknown for _, unknown in steps):
        lines.append(say("guide_unknown_note", lang))
    lines.append(say("guide_details", lang))
    return "\n".join(lines)


def guide_messages(event: LifeEvent, answers: dict[str, str], offices: dict[str, Office], lang: str) -> list[str]:
    """The guide as readable messages: the summary, one per step, the checklist."""
    steps = applicable_steps(event, answers)
    if not steps:
        return [say("guide_nothing", lang, title=event.title)]
    asked = {question.id for question in event.questions}
    messages = [summary(event, steps, offices, lang)]
    for number, (step, unknown) in enumerate(steps, start=1):
        office = offices.get(step.service.authority.id)
        messages.append(step_message(number, step, unknown, office, answers, lang, asked))
    if len(steps) > 1:
        messages.append(checklist(steps, answers, lang, asked))
    return messages
