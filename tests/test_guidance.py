"""The personal guide (actions/guidance.py), pure: which steps, documents and fees apply, and how
they are written. Built from small hand-made catalogue objects; no server, no catalogue files."""

from __future__ import annotations

from actions.guidance import (
    FAILS,
    HOLDS,
    UNKNOWN,
    applicable,
    applicable_costs,
    applicable_steps,
    check,
    checklist,
    costs_text,
    first_sentence,
    guide_messages,
    hours_text,
    money,
    next_question,
)
from actions.phrases import day_names, say
from actions.state import UNKNOWN as DONT_KNOW
from catalogue_client import (
    Condition,
    Cost,
    Document,
    LifeEvent,
    OpeningHours,
    Option,
    Organisation,
    Question,
    Service,
    ServiceStep,
)

CIVIL_STATUS = Organisation("civil-status", "Civil status office", "CSO", None, None, None)
ABROAD = Condition("born_abroad", ("yes",), "if the child was born abroad")
AT_HOME = Condition("born_abroad", ("no",), "if the child was born in Moldova")


def service(
    ident: str,
    documents: tuple[Document, ...] = (),
    costs: tuple[Cost, ...] = (Cost(None, 0.0, "MDL"),),
    deadline: str | None = None,
) -> Service:
    return Service(
        id=ident,
        title=ident.replace("-", " ").capitalize(),
        description="",
        output="a certificate",
        authority=CIVIL_STATUS,
        documents=documents,
        costs=costs,
        processing_time="the same day",
        deadline=deadline,
        channels=(),
        online_url=None,
        legal_basis=None,
        life_events=("birth",),
    )


def question(ident: str, when: tuple[Condition, ...] = ()) -> Question:
    options = (Option("yes", "Yes", None), Option("no", "No", None))
    return Question(ident, "yes_no", f"{ident}?", options, when)


PASSPORT = Document("passport", "Passport", None)
FOREIGN_CERTIFICATE = Document("foreign-certificate", "Foreign birth certificate", None, (ABROAD,))
REGISTRATION = service("birth-registration", (PASSPORT, FOREIGN_CERTIFICATE), deadline="Within 3 months. Late: a fine.")
TRANSCRIPTION = service("transcription", (PASSPORT,), (Cost("urgent", 1200.0, "MDL"), Cost(None, None, "MDL")))
BIRTH = LifeEvent(
    "birth",
    "Birth of a child",
    "",
    (),
    (question("born_abroad"), question("married", (AT_HOME,)), question("employed")),
    (ServiceStep(REGISTRATION, ()), ServiceStep(TRANSCRIPTION, (ABROAD,))),
)


def test_a_condition_holds_fails_or_is_unknown() -> None:
    assert check([ABROAD], {"born_abroad": "yes"}) == (HOLDS, [])
    assert check([ABROAD], {"born_abroad": "no"}) == (FAILS, [])
    assert check([ABROAD], {}) == (UNKNOWN, ["if the child was born abroad"])
    assert check([ABROAD], {"born_abroad": DONT_KNOW}) == (UNKNOWN, ["if the child was born abroad"])


def test_conditions_on_questions_not_asked_are_left_aside() -> None:
    assert check([ABROAD], {}, asked={"married"}) == (HOLDS, [])


def test_only_failing_items_are_left_out_and_unknown_ones_keep_their_condition() -> None:
    documents = [PASSPORT, FOREIGN_CERTIFICATE]
    assert applicable(documents, {"born_abroad": "no"}) == [(PASSPORT, [])]
    assert applicable(documents, {}) == [(PASSPORT, []), (FOREIGN_CERTIFICATE, ["if the child was born abroad"])]


def test_fees_fall_back_to_every_variant_when_none_applies() -> None:
    conditional = service("x", costs=(Cost("abroad", 10.0, "MDL", (ABROAD,)),))
    assert applicable_costs(conditional, {"born_abroad": "no"}) == list(conditional.costs)


def test_the_next_question_skips_answered_ones_and_those_whose_condition_fails() -> None:
    assert next_question(BIRTH, {}) == BIRTH.questions[0]
    assert next_question(BIRTH, {"born_abroad": "no"}) == BIRTH.questions[1]
    assert next_question(BIRTH, {"born_abroad": "yes"}) == BIRTH.questions[2]
    assert next_question(BIRTH, {"born_abroad": "yes", "employed": "no"}) is None


def test_money_is_written_for_a_phone() -> None:
    assert money(Cost(None, 0.0, "MDL"), "en") == say("free", "en")
    assert money(Cost("urgent", 1200.0, "MDL"), "en") == "1 200 MDL (urgent)"
    assert money(Cost(None, None, "MDL"), "ro") == say("fee_varies", "ro")
    assert costs_text(TRANSCRIPTION, "en", limit=1) == f"1 200 MDL (urgent); {say('fees_on_request', 'en')}"


def test_opening_hours_join_a_run_of_days() -> None:
    names = day_names("en")
    week = OpeningHours(("Mo", "Tu", "We", "Th", "Fr"), "08:00", "17:00")
    saturday = OpeningHours(("Sa",), "09:00", "13:00")
    assert hours_text([week, saturday], "en") == f"{names[0]}–{names[4]} 08:00–17:00; {names[5]} 09:00–13:00"
    assert hours_text([OpeningHours(("Mo", "We"), "08:00", "12:00")], "en") == f"{names[0]}, {names[2]} 08:00–12:00"


def test_first_sentence() -> None:
    assert first_sentence("Within 3 months. Late: a fine.") == "Within 3 months."
    assert first_sentence("Within 3 months") == "Within 3 months."
    assert first_sentence("Within 3 months.") == "Within 3 months."


def test_the_guide_is_a_summary_a_message_per_step_and_a_checklist() -> None:
    messages = guide_messages(BIRTH, {"born_abroad": "yes"}, {}, "en")
    assert len(messages) == 4
    summary, first, second, listed = messages
    assert "Birth registration" in summary and "Transcription" in summary and "Within 3 months." in summary
    assert first.startswith("1. Birth registration") and "Foreign birth certificate" in first
    assert second.startswith("2. Transcription")
    assert listed.splitlines()[0] == say("checklist_title", "en")
    assert listed.count("Passport") == 1, "a document two steps need is listed once"


def test_the_guide_leaves_out_what_does_not_apply() -> None:
    messages = guide_messages(BIRTH, {"born_abroad": "no"}, {}, "en")
    assert len(messages) == 2, "one step: no checklist"
    assert "Transcription" not in "".join(messages) and "Foreign birth certificate" not in messages[1]


def test_a_guide_with_no_step_says_so() -> None:
    nothing = LifeEvent("birth", "Birth of a child", "", (), (), (ServiceStep(TRANSCRIPTION, (ABROAD,)),))
    assert guide_messages(nothing, {"born_abroad": "no"}, {}, "en") == [
        say("guide_nothing", "en", title="Birth of a child")
    ]


def test_in_the_checklist_a_document_needed_for_sure_wins_over_a_conditional_one() -> None:
    conditional = service("a", (Document("passport", "Passport", None, (ABROAD,)),))
    steps = [(ServiceStep(conditional, ()), []), (ServiceStep(REGISTRATION, ()), [])]
    assert checklist(steps, {}, "en").splitlines()[1] == "☐ Passport"


def test_a_step_that_needs_the_answer_to_a_question_never_asked_does_not_apply() -> None:
    married = Condition("married", ("yes",), "if the parents are married")
    paternity = ServiceStep(service("paternity-recognition"), (married,))
    event = LifeEvent("birth", "Birth of a child", "", (), BIRTH.questions, (*BIRTH.steps, paternity))
    titles = [step.service.title for step, _ in applicable_steps(event, {"born_abroad": "yes"})]
    assert titles == ["Birth registration", "Transcription"], "'married?' is asked only for a birth at home"
    unknown = applicable_steps(event, {"born_abroad": "no"})
    assert [unknown_texts for step, unknown_texts in unknown][-1] == ["if the parents are married"]
