"""How a message is read in the conversation's state, reading by reading (pure: no servers)."""

from __future__ import annotations

from actions import reading as r
from actions.answers import dont_know, facts_in, locality_in, polarity, read_answer
from actions.language import clearly_written_in
from catalogue_client import Locality, Option, Question

ABROAD = Question(
    "born_abroad",
    "yes_no",
    "Was the child born abroad?",
    (
        Option(
            "yes", "Yes", None, ("abroad", "за границей"), place="abroad", place_names=("Italia", "Italy", "Москва")
        ),
        Option("no", "No", None, (), place="moldova"),
    ),
    (),
)
MARRIED = Question(
    "parents_married",
    "choice",
    "Are the child's parents married to each other?",
    (
        Option("married", "Yes, married", None, ("married", "căsătoriți", "женаты", "в браке"), yes_no="yes"),
        Option("not_married", "No, not married", None, ("not married", "unmarried", "не в браке"), yes_no="no"),
    ),
    (),
)
CONTRIBUTIONS = Question(
    "min_contribution",
    "yes_no",
    "Do you have at least 15 years of contributions?",
    (Option("yes", "Yes", None), Option("no", "No", None)),
    (),
    at_least=15,
)
LEGAL_FORM = Question(
    "legal_form",
    "choice",
    "Which legal form?",
    (
        Option("individual_entrepreneur", "Individual entrepreneur", None, ("ИП", "II", "entrepreneur")),
        Option("srl", "Limited liability company (SRL)", None, ("SRL", "ООО", "LLC")),
        Option("other_company", "Another type of company", None, ("cooperative", "кооператив")),
    ),
    (),
)
LOCALITY = Question("locality", "locality", "Where do you live?", (), ())
LOCALITIES = [
    Locality("chisinau", "Chisinau", None, 47.0, 28.8, ("Chișinău", "Кишинёв", "Kishinev")),
    Locality("cahul", "Cahul", None, 45.9, 28.2, ("Кагул",)),
    Locality("criuleni", "Криуляны", "Криулянский район", 47.2, 29.2, ("Criuleni",)),
]


def test_negated_answers_mean_the_other_option() -> None:
    assert read_answer(ABROAD, "no, here in Moldova", LOCALITIES) == "no"
    assert read_answer(ABROAD, "нет, не за границей", LOCALITIES) == "no"
    assert read_answer(ABROAD, "nu, aici la Cahul", LOCALITIES) == "no"
    assert read_answer(MARRIED, "no we are not married, we just live together") == "not_married"
    assert read_answer(MARRIED, "nu suntem căsătoriți") == "not_married"


def test_places_answer_abroad_questions_but_languages_and_nationalities_do_not() -> None:
    romania = Option("yes", "Yes", None, (), place="abroad", place_names=("Romania", "România", "Румыния"))
    question = Question("born_abroad", "yes_no", "Born abroad?", (romania, Option("no", "No", None)), ())
    assert read_answer(question, "da, in Romania") == "yes"
    assert read_answer(question, "в Румынии") == "yes"
    assert read_answer(question, "vorbim romana acasa") is None
    assert read_answer(question, "у мужа румынский паспорт") is None

    assert read_answer(ABROAD, "в Москве рожала", LOCALITIES) == "yes"
    assert read_answer(ABROAD, "in italia, la Padova", LOCALITIES) == "yes"
    assert read_answer(ABROAD, "at the maternity in Kishinev", LOCALITIES) == "no"


def test_a_plain_yes_picks_the_option_a_yes_means() -> None:
    assert read_answer(MARRIED, "yes") == "married"
    assert read_answer(MARRIED, "да") == "married"
    assert read_answer(MARRIED, "nu") == "not_married"


def test_numbers_are_compared_with_the_questions_threshold() -> None:
    assert read_answer(CONTRIBUTIONS, "da am 35 de ani de stagiu") == "yes"
    assert read_answer(CONTRIBUTIONS, "only about 10 years") == "no"
    assert read_answer(CONTRIBUTIONS, "лет 15 точно есть") == "yes"


def test_the_most_specific_option_and_negation_after_the_word() -> None:
    kinds = Question(
        "type",
        "choice",
        "Which document?",
        (
            Option("id_card", "ID card", None, ("ID", "buletin")),
            Option("passport", "Passport", None, ("passport", "pasaport")),
            Option("both", "Both", None, ("ID and passport", "buletinul si pasaportul")),
        ),
        (),
    )
    assert read_answer(kinds, "my ID and passport were stolen") == "both"
    car = Question(
        "owns_car",
        "yes_no",
        "Do you own a car?",
        (Option("yes", "Yes", None, ("машина",)), Option("no", "No", None)),
        (),
    )
    assert read_answer(car, "машины нет") == "no"
    months = Question(
        "insured",
        "yes_no",
        "Insured 12 of the last 24 months?",
        (Option("yes", "Yes", None), Option("no", "No", None)),
        (),
        at_least=12,
    )
    assert read_answer(months, "da am lucrat acolo 3 ani cu carte de munca") == "yes"
    assert read_answer(months, "less than 12 months") == "no"
    children = Question(
        "kids", "yes_no", "Children under 18?", (Option("yes", "Yes", None), Option("no", "No", None)), (), under=18
    )
    assert read_answer(children, "two boys 7 and 12") == "yes"
    assert read_answer(children, "our daughter is 19 already") == "no"


def test_the_questions_own_words_and_a_label_word_answer_it() -> None:
    army = Question(
        "army", "yes_no", "Did you do military service?", (Option("yes", "Yes", None), Option("no", "No", None)), ()
    )
    assert read_answer(army, "served in the military in the 80s") == "yes"
    assert read_answer(army, "i was never in the military") == "no"
    housing = Question(
        "housing",
        "choice",
        "Where will you live?",
        (
            Option("own", "In my own home", None),
            Option("rent", "Renting a flat", None),
            Option("other", "Somewhere else", None),
        ),
        (),
    )
    assert read_answer(housing, "we are renting for now") == "rent"
    assert read_answer(housing, "not renting") is None


def test_doubled_letters_typed_once_still_match() -> None:
    insured = Question(
        "insured",
        "yes_no",
        "Is the parent insured?",
        (Option("yes", "Yes", None, ("works officially",)), Option("no", "No", None, ("unemployed",))),
        (),
    )
    assert read_answer(insured, "she works oficialy as a teacher") == "yes"
    assert read_answer(insured, "she is unnemployed") == "no"
    assert read_answer(CONTRIBUTIONS, "only 11 years") == "no", "digits are never collapsed"


def test_option_words_and_abbreviations() -> None:
    assert read_answer(LEGAL_FORM, "SRL") == "srl"
    assert read_answer(LEGAL_FORM, "хочу открыть ИП") == "individual_entrepreneur"
    assert read_answer(LEGAL_FORM, "an agricultural cooperative") == "other_company"
    assert read_answer(LEGAL_FORM, "the second one") == "srl"
    assert read_answer(LEGAL_FORM, "SRL or maybe a cooperative") is None  # two options: ask again


def test_dont_know_in_its_many_forms() -> None:
    for text in ("I don't know", "dunno", "nu stiu", "habar n-am", "не знаю", "без понятия", "not sure"):
        assert dont_know(text), text
        assert read_answer(ABROAD, text, LOCALITIES) == "?"
    assert not dont_know("no, I know it was here")


def test_localities_by_any_spelling() -> None:
    assert read_answer(LOCALITY, "we live in kishinev", LOCALITIES) == "chisinau"
    assert read_answer(LOCALITY, "село в Криулянском районе", LOCALITIES) == "criuleni"
    assert read_answer(LOCALITY, "somewhere far away", LOCALITIES) is None
    assert read_answer(LOCALITY, "сорок дней назад", [Locality("soroca", "Сороки", None, 48.1, 28.3)]) is None


def test_polarity_reads_the_first_word_then_negation() -> None:
    assert polarity("yes we are married") == "yes"
    assert polarity("no! we are not buying anything") == "no"
    assert polarity("she doesn't work") == "no"
    assert polarity("Cahul") is None


def test_facts_given_by_the_way_fill_later_questions_but_a_bare_yes_does_not() -> None:
    facts = facts_in([ABROAD, MARRIED, LOCALITY], "born in Italy, we are not married, we live in Cahul", [], LOCALITIES)
    assert facts == {"born_abroad": "yes", "parents_married": "not_married", "locality": "cahul"}
    assert facts_in([ABROAD, MARRIED, CONTRIBUTIONS], "yes, no, 35", [], LOCALITIES) == {}
    assert facts_in([CONTRIBUTIONS], "my father only has about 10 years of official work") == {"min_contribution": "no"}


DOCUMENT = Question(
    "document",
    "choice",
    "Which document do you need?",
    (
        Option("id_card", "Identity card", None, ("ID card", "buletin", "удостоверение")),
        Option("passport", "Passport", None, ("passport", "pașaport", "паспорт")),
        Option("both", "Both", None, ("both",), combines=("id_card", "passport")),
    ),
    (),
)
WORKED_ABROAD = Question(
    "worked_abroad",
    "yes_no",
    "Did you work and pay contributions in another country?",
    (
        Option("yes", "Yes", None, ("abroad",), place="abroad", place_names=("Russia", "Россия", "Odesa")),
        Option("no", "No", None, ("without papers", "неофициально", "only in Moldova"), place="moldova"),
    ),
    (),
)
LICENCE = Question(
    "licence",
    "choice",
    "Do you have a driving licence?",
    (
        Option("none", "No, I need one", None, ("don't have a licence", "получить права")),
        Option("moldovan", "A Moldovan licence", None, ("Moldovan licence", "не просрочены")),
    ),
    (),
)
ORIGIN = Question(
    "origin",
    "choice",
    "Which car?",
    (
        Option("new", "A new car", None, ("dealer",)),
        Option("imported", "Brought from abroad", None, (), place="abroad", place_names=("Spain", "Germany")),
    ),
    (),
)


def test_options_named_together_only_one_and_a_word_added_inside_a_phrase() -> None:
    assert read_answer(DOCUMENT, "the id card and also a pasport") == "both"
    assert read_answer(DOCUMENT, "и паспорт и булетин... удостоверение тоже") == "both"
    assert read_answer(DOCUMENT, "only the id card, the passport was at home") == "id_card"
    assert read_answer(LICENCE, "i dont have a driving licence yet") == "none"
    assert read_answer(LICENCE, "нужно получить водительские права") == "none"
    assert read_answer(LICENCE, "нет они просрочены") != "moldovan"  # no gap right after a "not"


def test_what_follows_but_decides_and_an_options_words_outweigh_a_place() -> None:
    assert read_answer(WORKED_ABROAD, "he worked in russia on construction but without papers") == "no"
    assert read_answer(WORKED_ABROAD, "в россии работал на стройке, но неофициально") == "no"
    assert read_answer(WORKED_ABROAD, "in Russia, for ten years") == "yes"


def test_facts_by_the_way_need_a_place_that_says_where_and_no_age_counts_as_a_record() -> None:
    assert facts_in([ORIGIN], "i brought a car from Germany") == {"origin": "imported"}
    assert facts_in([ORIGIN], "I came back from Spain and I am about to buy a car") == {}
    assert facts_in([WORKED_ABROAD], "I did the army in Odesa", places=False) == {}
    assert facts_in([CONTRIBUTIONS], "am 61 de ani, cum ma pensionez?") == {}
    assert facts_in([CONTRIBUTIONS], "am 61 de ani, am lucrat 10 ani in Italia si vreo 8 ani aici") == {}
    assert facts_in([CONTRIBUTIONS], "da am 35 de ani de stagiu") == {"min_contribution": "yes"}
    assert facts_in([CONTRIBUTIONS], "мне 63 года, стажа 12 лет") == {"min_contribution": "no"}


EMPLOYEES = Question(
    "employees",
    "yes_no",
    "Does the business have employees?",
    (
        Option("yes", "Yes", None, ("employees", "angajați", "officially", "oficial")),
        Option("no", "No", None, ("nimeni", "nobody", "lucrez singur", "не работаю")),
    ),
    (),
)
PERSON = Question(
    "person",
    "choice",
    "Who is it for?",
    (Option("adult", "An adult", None, ages=(18.0, 150.0)), Option("child", "A child", None, ages=(0.0, 18.0))),
    (),
)
FOR_CHILD = Question(
    "for_child",
    "yes_no",
    "Is it for a child under 18?",
    (Option("yes", "Yes", None), Option("no", "No", None)),
    (),
    under=18,
)
FORM = Question(
    "form",
    "choice",
    "Which legal form?",
    (
        Option("ii", "Individual enterprise", None, ("întreprindere individuală",)),
        Option("other", "Another form", None, ("comandită",)),
    ),
    (),
)


def test_negative_words_agree_with_a_negation_and_nowhere_negates() -> None:
    assert read_answer(EMPLOYEES, "nu am pe nimeni, lucrez singur") == "no"
    assert read_answer(EMPLOYEES, "de la inceputul anului nu mai avem niciun angajat") == "no"
    assert read_answer(EMPLOYEES, "я сижу с малой, нигде официально не работаю") == "no"
    assert read_answer(EMPLOYEES, "a lucrat la piata, oficial nicaieri") == "no"


def test_ages_answer_questions_about_who_and_children_ages_about_under_18() -> None:
    assert read_answer(PERSON, "am 45 de ani") == "adult"
    assert facts_in([PERSON], "i am 52, after a stroke i cant work anymore") == {"person": "adult"}
    assert facts_in([PERSON], "my son is 14 and he had an accident") == {"person": "child"}
    assert facts_in([FOR_CHILD], "vreau sa-i fac fiicei buletin si pasaport, are 10 ani") == {"for_child": "yes"}
    assert facts_in([FOR_CHILD], "my son is 25 and lost his passport") == {"for_child": "no"}


def test_a_long_word_matches_on_its_letters_but_the_last_two_and_the_older_spelling_reads() -> None:
    assert facts_in([FORM], "ma inregistrez ca intreprindere individuala, fac mobila la comanda") == {"form": "ii"}
    assert read_answer(MARRIED, "sîntem căsătoriți de 5 ani") == "married"


def test_the_town_the_citizen_lives_in_or_moves_to_is_the_locality() -> None:
    assert r.locality_in("born at the maternity in Chisinau, we live in Cahul", LOCALITIES) == "cahul"
    assert r.locality_in("I moved from Cahul to Chisinau for work", LOCALITIES) == "chisinau"
    assert facts_in([ABROAD], "born at the maternity in Chisinau, we live in Cahul", [], LOCALITIES) == {
        "born_abroad": "no"
    }


VAT = Question(
    "vat",
    "yes_no",
    "Do you expect sales above 1.2 million MDL in 12 months?",
    (Option("yes", "Yes", None), Option("no", "No", None)),
    (),
    at_least=1_200_000,
)
ESTATE = Question(
    "estate",
    "yes_no",
    "Did they leave property?",
    (Option("yes", "Yes", None, ("house",)), Option("no", "No", None, ("nothing",))),
    (),
)


def test_amounts_with_their_multiplier_and_a_negated_number() -> None:
    assert read_answer(VAT, "the contract is around 2 mil lei a year") == "yes"
    assert read_answer(VAT, "оборот миллиона два") == "yes"
    assert read_answer(VAT, "about 800 thousand") == "no"
    assert read_answer(CONTRIBUTIONS, "nu, stagiul meu e mic, n-am 15 ani") == "no"
    assert read_answer(CONTRIBUTIONS, "i worked there 20 yrs") == "yes"


def test_articles_are_optional_and_a_bare_nothing_says_nothing_by_the_way() -> None:
    assert read_answer(LICENCE, "want to get driving licence, i dont have a licence yet") == "none"
    assert facts_in([ESTATE], "папа умер, ничего не соображаю") == {}
    assert read_answer(ESTATE, "nothing") == "no"


def test_where_the_citizen_writes_from_or_comes_from() -> None:
    assert facts_in([ABROAD], "writing from Italy: my baby was born yesterday in Cahul", [], LOCALITIES) == {
        "born_abroad": "no"
    }
    assert r.locality_in("born in Chisinau, we are also from Cahul", LOCALITIES) == "cahul"
    assert r.locality_in("we moved from Cahul to Chisinau", LOCALITIES) == "chisinau"
    assert facts_in([PERSON], "băiatul meu de 22 de ani are autism") == {"person": "adult"}


MINORS = Question(
    "minors",
    "yes_no",
    "Do you have children under 18?",
    (Option("yes", "Yes", None), Option("no", "No", None)),
    (),
    under=18,
)


def test_a_corrected_answer_counts_as_corrected_and_ages_are_not_any_number() -> None:
    assert read_answer(MARRIED, "nu... stai, da, ne-am inregistrat in decembrie") == "married"
    assert read_answer(CONTRIBUTIONS, "нет, стоп. да, стажа у меня 20 лет") == "yes"
    assert read_answer(MINORS, "No, our children are grown up. It was only the two of us.") == "no"
    assert read_answer(MINORS, "двое школьников") == "yes"
    assert read_answer(MINORS, "she is 4") == "yes"
    assert read_answer(MINORS, "two boys, 19 and 22") == "no"
    assert read_answer(MINORS, "none") == "no"
    assert read_answer(MINORS, "we had kids long ago... no") == "no"
    assert read_answer(MARRIED, "а, в браке? не, мы просто живем вместе") == "not_married"
    assert read_answer(CONTRIBUTIONS, "I worked 8 years officially, the rest informally") == "no"


def asking(question: Question = ABROAD, event: str = "birth") -> r.State:
    return r.State(stage="asking", life_event=event, question=question)


def test_while_a_question_is_pending_the_message_is_first_an_answer() -> None:
    message = r.Message("yes we are married", "life_event_marriage", 0.8)
    assert r.read(message, asking(MARRIED)) == r.Reading(r.ANSWER, "married")
    message = r.Message("no, here in Moldova", "life_event_immigration", 0.7)
    assert r.read(message, asking(), LOCALITIES) == r.Reading(r.ANSWER, "no")


def test_another_life_event_is_asked_about_never_switched_silently() -> None:
    message = r.Message("we are also getting married next month", "life_event_marriage", 0.8)
    assert r.read(message, asking()) == r.Reading(r.PROPOSE, "marriage")
    proposed = r.State(stage="asking", life_event="birth", question=ABROAD, proposed="marriage")
    assert r.read(r.Message("yes please", "affirm", 0.9), proposed) == r.Reading(r.SWITCH, "marriage")
    assert r.read(r.Message("no, continue", "deny", 0.9), proposed) == r.Reading(r.KEEP)
    weak = r.Message("something about a wedding maybe", "life_event_marriage", 0.3)
    assert r.read(weak, asking()).kind == r.NOT_UNDERSTOOD


def test_the_same_life_event_again_adds_facts_instead_of_restarting() -> None:
    message = r.Message("my wife gave birth, she works officially", "life_event_birth", 0.9)
    assert r.read(message, asking(MARRIED)) == r.Reading(r.SAME_EVENT)


def test_after_the_guide_questions_are_about_the_guide() -> None:
    guided = r.State(stage="feedback", life_event="job-loss")
    assert r.read(r.Message("how much will I get?", "ask_amount", 0.7), guided) == r.Reading(r.FOLLOWUP, "ask_amount")
    assert r.read(r.Message("da, m-a ajutat", "affirm", 0.8), guided) == r.Reading(r.FEEDBACK, "yes")
    same = r.Message("how much money from the unemployment benefit", "life_event_job_loss", 0.86)
    assert r.read(same, guided) == r.Reading(r.SAME_EVENT)
    where = r.Message("куда идти за пособием на погребение?", "life_event_job_loss", 0.6, followup="ask_office")
    assert r.read(where, guided) == r.Reading(r.FOLLOWUP, "ask_office")
    other = r.Message("and my father died yesterday", "life_event_death", 0.9)
    assert r.read(other, guided) == r.Reading(r.PROPOSE, "death")
    question = r.Message(
        "what is the deadline to accept the inheritance?", "life_event_death", 0.6, followup="ask_deadline"
    )
    assert r.read(question, guided) == r.Reading(r.FOLLOWUP, "ask_deadline")


def test_after_the_guide_a_question_naming_a_town_asks_where_it_is_done() -> None:
    guided = r.State(stage="feedback", life_event="disability")
    message = r.Message("unde se face comisia, la noi sau la Chisinau?", "life_event_moving", 0.36)
    assert r.read(message, guided, LOCALITIES) == r.Reading(r.FOLLOWUP, "ask_office")
    assert r.read(r.Message("we live in Cahul", "inform_locality", 0.8), guided, LOCALITIES) == r.Reading(
        r.LOCALITY, "cahul"
    )


def test_two_situations_in_one_message() -> None:
    text = "we got married in Romania and moved to Chișinău"
    message = r.Message(text, "life_event_marriage", 0.63, life_events=("marriage", "moving"))
    assert r.read(message, r.State()) == r.Reading(r.START, "marriage", ("moving",))


def test_unsure_first_messages_get_a_question_not_a_guess() -> None:
    assert r.read(r.Message("i need papers", "vague_request", 0.6), r.State()).kind == r.CLARIFY
    unsure = r.Message("am nevoie de un certificat", "life_event_vehicle", 0.2, runner_up=0.15)
    assert r.read(unsure, r.State()).kind == r.CLARIFY
    retire = r.Message(
        "what documents do I need to retire?", "ask_documents", 0.46, best_event=("life_event_retirement", 0.2)
    )
    assert r.read(retire, r.State()) == r.Reading(r.START, "retirement")
    papers = r.Message("i need papers", "vague_request", 0.6, best_event=("life_event_identity_documents", 0.1))
    assert r.read(papers, r.State()).kind == r.CLARIFY
    far_ahead = r.Message(
        "мы расписались в Москве, как это зарегистрировать", "life_event_marriage", 0.28, runner_up=0.09
    )
    assert r.read(far_ahead, r.State()) == r.Reading(r.START, "marriage")
    assert r.read(r.Message("criminal record certificate", "other_service", 0.7), r.State()).kind == r.OUTSIDE


def test_buttons_mean_exactly_what_they_say() -> None:
    button = r.Message('/choose{"option": "srl"}', "choose", 1.0, payload=True, option="srl")
    assert r.read(button, asking(LEGAL_FORM, "starting-business")) == r.Reading(r.ANSWER, "srl")
    assert r.read(r.Message("/life_event_death", "life_event_death", 1.0, payload=True), asking()) == r.Reading(
        r.START, "death"
    )


def test_commands_work_at_any_time() -> None:
    assert r.read(r.Message("start over", "start_over", 0.9), asking()) == r.Reading(r.COMMAND, "start_over")
    assert r.read(r.Message("i want a person", "handover", 0.8), asking()) == r.Reading(r.COMMAND, "handover")


def test_the_language_follows_what_is_clearly_written() -> None:
    assert clearly_written_in("здравствуйте, у меня умер отец") == "ru"
    assert clearly_written_in("nu stiu ce sa fac") == "ro"
    assert clearly_written_in("what do I need to do now") == "en"
    for unclear in ("👍", "ok", "da", "Cahul", "12345", "no, here in Moldova"):
        assert clearly_written_in(unclear) is None, unclear


def test_how_much_is_an_allowance_asks_for_the_amount_not_a_fee() -> None:
    from actions.followups import followup_kind

    assert followup_kind(r.Reading(r.FOLLOWUP, "ask_cost"), "how much is the birth allowance?") == "ask_amount"
    assert followup_kind(r.Reading(r.FOLLOWUP, "ask_cost"), "cât costă certificatul?") == "ask_cost"
    assert followup_kind(r.Reading(r.FOLLOWUP, "ask_cost"), "сколько платят пособие по уходу?") == "ask_amount"


def test_words_inside_a_longer_phrase_that_means_something_else_do_not_count() -> None:
    licence = Question(
        "licence",
        "choice",
        "Do you have a driving licence?",
        (
            Option("moldovan", "A Moldovan licence", None, ("молдавские",), not_in=("молдавских номерах",)),
            Option("foreign", "A foreign licence", None, ("украинские",)),
        ),
        (),
    )
    opening = "купил машину у соседа, на молдавских номерах, как переоформить"
    assert facts_in([licence], opening) == {}
    assert facts_in([licence], "права у меня молдавские, машина на молдавских номерах") == {"licence": "moldovan"}
    assert read_answer(licence, "молдавские") == "moldovan"


def test_every_word_list_is_written_folded_as_messages_are_read() -> None:
    import actions.answer_words
    import actions.count_words
    from folding import fold

    for lists in (actions.answer_words, actions.count_words):
        for name, value in vars(lists).items():
            if isinstance(value, frozenset):
                assert {word for word in value if fold(word) != word} == set(), name


def test_ages_and_negated_counts_are_not_years_of_contributions() -> None:
    assert facts_in([CONTRIBUTIONS], "salut, tata are 62 de ani si vrea sa iasa la pensie") == {}
    assert facts_in([CONTRIBUTIONS], "am implinit virsta dar n-am stajul de 15 ani") == {"min_contribution": "no"}
    assert read_answer(CONTRIBUTIONS, "mama are 30 de ani vechime") == "yes"
    months = Question(
        "insured",
        "yes_no",
        "In the last 24 months, did you work officially for at least 12 months?",
        (Option("yes", "Yes", None), Option("no", "No", None)),
        (),
        at_least=12,
    )
    assert facts_in([months], "уволилась, одна с ребенком 4 года") == {}


def test_more_than_a_lower_figure_leaves_the_answer_to_the_yes() -> None:
    above = Question("vat", "yes_no", "Sales above 1.5 million MDL?", VAT.options, (), at_least=1_500_000)
    assert read_answer(above, "да, оборот точно будет больше 1.2 млн") == "yes"
    assert read_answer(above, "nu, sub 1 milion") == "no"


def test_barely_enough_is_not_enough() -> None:
    income = Question(
        "low_income",
        "yes_no",
        "Will your income be too low?",
        (Option("yes", "Yes", None, ("еле хватает",)), Option("no", "No", None, ("денег хватает",))),
        (),
    )
    assert read_answer(income, "да живет одна, денег еле хватает") == "yes"
    assert read_answer(income, "денег хватает, дети помогают") == "no"


def test_a_town_in_either_romanian_spelling_and_lived_in_here() -> None:
    singerei = Locality("singerei", "Sîngerei", None, 47.6, 28.1)
    comrat = Locality("comrat", "Comrat", None, 46.3, 28.7, ("Комрат",))
    assert locality_in("Sangerei", [singerei]) == "singerei"
    assert facts_in([LOCALITY], "двойня родилась в комрате, мы тут и живем", (), [comrat]) == {"locality": "comrat"}


def test_one_option_outweighs_another_named_with_it() -> None:
    foreign = Question(
        "foreign_spouse",
        "yes_no",
        "Is one of the future spouses a foreign citizen?",
        (
            Option("yes", "Yes", None, ("I'm British",), outweighs=("no",)),
            Option("no", "No", None, ("is Moldovan",)),
        ),
        (),
    )
    assert facts_in([foreign], "I'm British and my fiancee is Moldovan") == {"foreign_spouse": "yes"}
    assert read_answer(foreign, "she is Moldovan") == "no"


def test_a_drawn_out_no_and_a_first_passport_said_with_a_negation() -> None:
    assert polarity("nooo, way less") == "no" and polarity("daaa") == "yes" and polarity("нееет") == "no"
    passport = Question(
        "type",
        "choice",
        "Which document?",
        (
            Option("passport", "Passport", None, ("passport", "doesn't have a passport")),
            Option("id_card", "ID card", None, ("ID card",)),
        ),
        (),
    )
    assert facts_in([passport], "she doesn't have a passport yet, we go to Turkey") == {"type": "passport"}
    assert read_answer(passport, "not the passport, the ID card") == "id_card"


def test_where_the_citizen_lives_abroad_is_not_where_it_happened() -> None:
    assert facts_in([ABROAD], "my grandma died in the hospital in Cahul, i live in Italy") == {}
    assert facts_in([ABROAD], "he was born in Italy, in Milan") == {"born_abroad": "yes"}


def test_of_two_situations_the_one_asked_about_comes_first() -> None:
    text = "i am on pension now, and want to close my little shop"
    message = r.Message(text, "life_event_retirement", 0.64, life_events=("closing-business", "retirement"))
    assert r.read(message, r.State()) == r.Reading(r.START, "closing-business", ("retirement",))


def test_a_taken_back_answer_and_a_number_in_words() -> None:
    minors = Question("minors", "yes_no", "Children under 18?", VAT.options, (), under=18)
    assert read_answer(minors, "да, дочь 17... ой нет, ей в марте уже 18 исполнилось") == "no"
    assert read_answer(ABROAD, "da... ba nu, s-a nascut aici") == "no"
    assert facts_in([CONTRIBUTIONS], "am lucrat treizeci și opt de ani la școală") == {"min_contribution": "yes"}
    assert facts_in([minors], "ne-am mutat cu sotul si doi copii de scoala") == {"minors": "yes"}


def test_a_negation_does_not_reach_into_who_and_not_in_covers_overlapping_words() -> None:
    minors = Question(
        "minors",
        "yes_no",
        "Children under 18?",
        (
            Option("yes", "Yes", None, ("с кем останутся дети",)),
            Option("no", "No", None, ("живу одна",), not_in=("одна с дочкой",)),
        ),
        (),
        under=18,
    )
    assert facts_in([minors], "не можем договориться с кем останутся дети") == {"minors": "yes"}
    assert facts_in([minors], "живу одна с дочкой 14 лет") == {"minors": "yes"}
    assert facts_in([minors], "живу одна, детей нет") == {"minors": "no"}


def test_a_broad_situation_named_with_a_specific_one_comes_second() -> None:
    text = "i came back from Italy and brought my car with italian plates"
    message = r.Message(text, "life_event_returning_home", 0.6, life_events=("returning-home", "vehicle"))
    assert r.read(message, r.State()) == r.Reading(r.START, "vehicle", ("returning-home",))


def test_a_question_in_the_middle_is_answered_and_a_late_fact_is_no_switch() -> None:
    estate = Question(
        "estate",
        "yes_no",
        "Did they leave property?",
        (Option("yes", "Yes", None, ("moștenire", "casă", "mașină")), Option("no", "No", None, ("nimic",))),
        (),
    )
    asking_estate = r.State(stage="asking", life_event="death", question=estate, questions=(estate,))
    cost = r.Message("cât costă certificatul de moștenitor?", "ask_cost", 0.42)
    assert r.read(cost, asking_estate) == r.Reading(r.FOLLOWUP, "ask_cost")
    asking_town = r.State(stage="asking", life_event="death", question=LOCALITY, questions=(estate, LOCALITY))
    late = r.Message("avea o casă la țară și o mașină veche", "life_event_vehicle", 0.8)
    assert r.read(late, asking_town) == r.Reading(r.SAME_EVENT)
    other = r.Message("și vreau să-mi cumpăr o mașină nouă de la salon", "life_event_vehicle", 0.8)
    assert r.read(other, asking_town) == r.Reading(r.PROPOSE, "vehicle")


def test_a_question_about_the_same_life_event_in_the_middle_of_the_questions_is_answered() -> None:
    asking = r.State(stage="asking", life_event="birth", question=LOCALITY, questions=(LOCALITY,))
    message = r.Message("сколько платят пособие при рождении?", "life_event_birth", 0.7, followup="ask_amount")
    assert r.read(message, asking) == r.Reading(r.FOLLOWUP, "ask_amount")
    facts = r.Message("у нас родилась дочка, жена работает", "life_event_birth", 0.7, followup="ask_amount")
    assert r.read(facts, asking) == r.Reading(r.SAME_EVENT)
