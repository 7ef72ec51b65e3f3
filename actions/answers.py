"""Reading what a citizen typed as an answer to one of the catalogue's questions.

The words come from the catalogue (each option's label and keywords in the
citizen's language, foreign places for "abroad" options, locality names and
spellings), so an editor adds a synonym without touching code. What lives
here are the small rules of the three languages: yes and no, negation ("not
abroad" counts against "abroad"), "I don't know", numbers compared with the
threshold a question names, and positions ("the first one").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from actions.state import UNKNOWN
from catalogue_client import Locality, Option, Question, Relation
from folding import fold, name_positions, phrase_in, phrase_positions, phrase_spans, stem, words

YES_WORDS = frozenset(
    ["yes", "yeah", "yep", "yup", "yea", "sure", "ofc", "correct", "right", "true", "absolutely", "definitely"]
    + ["certainly", "indeed", "obviously", "exactly"]
    + ["da", "desigur", "sigur", "bineinteles", "corect", "exact", "evident", "normal", "firește", "fireste"]
    + ["да", "ага", "угу", "конечно", "верно", "точно", "разумеется", "естественно", "безусловно", "есть", "имеется"]
)
NO_WORDS = frozenset(["no", "nope", "nah", "none", "nu", "нет", "неа", "не"])
# Words that turn the next few words around: "not abroad", "nu suntem", "не за границей", "didn't".
NEGATORS = frozenset(
    ["not", "no", "never", "without", "dont", "didnt", "doesnt", "isnt", "arent", "wasnt", "werent"]
    + ["havent", "hasnt", "wont", "cant", "t", "nu", "n", "nici", "niciun", "nicio", "niciodata", "fara", "nam"]
    + ["не", "нет", "ни", "никогда", "без", "нету", "nowhere", "nicaieri", "нигде", "nothing", "nimic", "ничего"]
)
LIVE = frozenset(
    ["live", "living", "lives", "reside", "im", "locuiesc", "locuim", "locuieste", "traim", "traiesc", "stau", "stam"]
    + ["живу", "живем", "живет", "проживаю", "проживаем", "прописан", "прописана", "прописаны"]
    + ["home", "acasa", "себя", "дома"]  # "у себя в селе", "acasă la Cahul"
)
FILLERS = frozenset(["are", "is", "also", "too", "originally", "tot", "тоже", "сами", "родом"])
US = frozenset(["we", "were", "im", "am", "sunt", "suntem", "мы", "я"])  # "suntem din Orhei"
BUT = frozenset(["but", "however", "though", "so", "dar", "insa", "deci", "но", "однако", "так"])
GOING = ("going", "moving", "accepted", "plec", "pleaca", "merg", "еду", "уезжа", "переезжа", "поеду")
PEOPLE = frozenset(
    ["fiance", "fiancee", "wife", "husband", "girlfriend", "boyfriend", "is", "e", "este", "logodnica", "logodnicul"]
    + ["sotia", "sotul", "iubita", "iubitul", "невеста", "жених", "жена", "муж", "она", "он", "родом"]
)
SERVICE_VERBS: tuple[str, ...] = ("regist", "transcr", "recogn", "inregistr", "recuno", "зарегист", "регистр")
SERVICE_VERBS += ("призна", "легализ", "docum", "acte", "документ", "official", "oficial", "официал")
FROM = frozenset(["from", "din", "из"])
CAME_BACK = frozenset(["writing", "write", "scriu", "пишу"]) | frozenset(
    [
        "came",
        "back",
        "returned",
        "intors",
        "intoarsa",
        "intorsi",
        "venit",
        "вернулся",
        "вернулась",
        "вернулись",
        "приехал",
        "приехала",
        "приехали",
    ]
)
ONLY = frozenset(["only", "just", "doar", "numai", "только", "лишь"])
ARTICLES = frozenset(["the", "a", "an", "my", "un", "o", "de", "mea", "meu", "мне", "мой", "моя", "мое"])
NEGATIVE_WORDS = frozenset(
    ["nothing", "nobody", "none", "noone", "nimeni", "nimic", "никого", "ничего", "никто", "ничто", "никаких"]
)  # "nu am pe nimeni", "ничего не было": a negation before them agrees with them, it does not turn them around
NEGATION_REACH = 3
OPTIONAL = frozenset(["a", "an", "the"])  # "get driving licence" for "get a driving licence"
PHRASE_GAP = (
    1  # a word the citizen adds inside an option's phrase: "get a (driving) licence", "nu vrea sa (ne) divortam"
)
# words after a negator that it turns around
MOLDOVA = ("Moldova", "Молдова", "RM")  # named "in Moldova" by the way, it answers a `place: moldova` option
LOCATIVES = frozenset(["in", "at", "la", "в", "во", "from", "din", "из"])
AFTER_NEGATORS = frozenset(
    ["нет", "нету", "nu", "none", "nope", "nowhere", "nicaieri", "нигде"]
)  # "машины нет", "copii nu avem"
LESS = frozenset(["less", "fewer", "under", "below", "sub", "putin", "меньше", "менее", "до", "неполных"])
MORE = frozenset(["more", "over", "above", "peste", "mult", "больше", "более", "свыше", "почти"])
DONT_KNOW = tuple(
    fold(phrase)
    for phrase in (
        "i don't know",
        "i dont know",
        "don't know",
        "dont know",
        "dunno",
        "idk",
        "no idea",
        "not sure",
        "who knows",
        "can't remember",
        "don't remember",
        "nu știu",
        "nu stiu",
        "nu mai stiu",
        "habar n-am",
        "habar nam",
        "nu sunt sigur",
        "nu sunt sigura",
        "nu-mi amintesc",
        "nu imi amintesc",
        "не знаю",
        "незнаю",
        "без понятия",
        "хз",
        "не уверен",
        "не уверена",
        "не помню",
        "кто знает",
        "not decided",
        "haven't decided",
        "havent decided",
        "hard to say",
        "we will see",
        "nu am decis",
        "n-am decis",
        "inca nu stim",
        "nu stim inca",
        "greu de spus",
        "vom vedea",
        "не решили",
        "не решил",
        "не решила",
        "трудно сказать",
        "посмотрим",
        "не знаем",
        "понятия не имею",
        "не имею понятия",
        "сложно сказать",
        "не думали",
        "nu stim",
        "no clue",
        "i forgot",
        "i forget",
        "cant remember",
        "not sure",
        "am uitat",
        "nu am idee",
        "n-am idee",
        "nu-s sigur",
        "cine stie",
        "не в курсе",
        "забыл",
        "забыла",
        "didnt decide",
        "hasnt decided",
        "hasn't decided",
        "not decided yet",
        "undecided",
        "ask her",
        "ask him",
        "have to ask",
        "need to ask",
        "n-a decis",
        "nu a decis",
        "nu s-a hotarat",
        "n-am hotarat",
        "n-am hotarit",
        "nu am hotarit",
        "nu s-a hotarit",
        "nu ne-am gindit",
        "nu ne-am gandit",
        "nu m-am gandit",
        "trebuie sa-l intreb",
        "trebuie s-o intreb",
        "trebuie sa intreb",
        "не думал",
        "не думала",
        "надо спросить",
        "нужно спросить",
        "спрошу",
        "пока не решила",
        "пока не решил",
        "have to check",
        "need to check",
        "check with",
        "trebuie sa vorbesc",
        "trebuie sa discut",
        "trebuie sa intrebam",
        "спросить",
        "уточню",
        "уточнить у",
        "не обсуждали",
        "didnt talk about",
        "havent talked about",
        "n-am vorbit",
        "nu am vorbit",
    )
)
ORDINALS = {
    0: ("first", "1st", "primul", "prima", "intai", "первый", "первая", "первое", "первую", "первого"),
    1: ("second", "2nd", "doilea", "doua", "второй", "вторая", "второе", "вторую", "второго"),
    2: ("third", "3rd", "treilea", "treia", "третий", "третья", "третье", "третью", "третьего"),
    3: ("fourth", "4th", "patrulea", "patra", "четвертый", "четвертая", "четвертое"),
}
LAST = ("last", "ultimul", "ultima", "последний", "последняя", "последнее")
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
NUMBER_WORDS = {
    **dict.fromkeys(("two", "doi", "doua", "два", "две", "двух", "двое"), 2),
    **dict.fromkeys(("three", "trei", "три", "трех", "трое"), 3),
    **dict.fromkeys(("four", "patru", "четыре", "четверо"), 4),
    **dict.fromkeys(("five", "cinci", "пять", "пяти", "пятеро"), 5),
    **dict.fromkeys(("six", "sase", "шесть"), 6),
    **dict.fromkeys(("seven", "sapte", "семь"), 7),
    **dict.fromkeys(("eight", "opt", "восемь"), 8),
    **dict.fromkeys(("nine", "noua", "девять"), 9),
    **dict.fromkeys(("ten", "zece", "десять", "десяти"), 10),
    **dict.fromkeys(("twelve", "doisprezece", "douasprezece", "двенадцать"), 12),
    **dict.fromkeys(("fifteen", "cincisprezece", "пятнадцать"), 15),
    **dict.fromkeys(("twenty", "douazeci", "двадцать"), 20),
    **dict.fromkeys(("thirty", "treizeci", "тридцать"), 30),
    **dict.fromkeys(("forty", "patruzeci", "сорок"), 40),
}


def dont_know(text: str) -> bool:
    folded = " ".join(words(plain(text)))
    return any(f" {phrase} " in f" {folded} " for phrase in (" ".join(words(plain(p))) for p in DONT_KNOW)) or (
        text.strip() in ("?", "??", "???")
    )


def polarity(text: str) -> str | None:
    """ "yes" or "no" as the message says it: its first word, else a negation, else a yes-word anywhere."""
    tokens = words(plain(text))
    if not tokens:
        return None
    if tokens[0] in YES_WORDS and tokens[0] not in NO_WORDS:
        return "yes"
    if tokens[0] in NO_WORDS:
        return "no"
    if any(token in NEGATORS for token in tokens):
        return "no"
    if any(token in YES_WORDS for token in tokens):
        return "yes"
    return None


LEADING_PARTICLE = re.compile(r"^\W*(\w+)\s*[,.!;:—–-]+")


CLAUSE_END = "|"  # stands for a comma or a full stop: a negation does not reach past it
NEVER_BETWEEN = NEGATORS | AFTER_NEGATORS | {CLAUSE_END, "", "but", "dar", "insa", "но", "а"}  # inside a phrase
TOKEN = re.compile(r"\w+|[,.;:!?()]+")
APOSTROPHES = re.compile(r"['’`]")


DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1+", re.IGNORECASE)  # Latin consonants: "aplly", "adress"


SINT = re.compile(r"\b([sS])[îi]nt(em|eti|eți)?\b")  # "sînt", "sîntem": "sunt", "suntem"


def plain(text: str) -> str:
    """Text as people type it either way: "don't" as "dont", "oficialy" as "officially" (a doubled
    Latin consonant counts once, on both sides of a comparison), the older "sînt", "sîntem" as "sunt", "suntem"."""
    text = SINT.sub(r"\1unt\2", text)
    return DOUBLED.sub(r"\1", APOSTROPHES.sub("", text))


def _tokens(text: str) -> list[str]:
    """The message's folded words with clause ends marked, a leading "no," / "nu," / "да," blanked:
    it answers, it negates nothing."""
    tokens = [t if t[0].isalnum() or t[0] == "_" else CLAUSE_END for t in TOKEN.findall(fold(plain(text)))]
    particle = LEADING_PARTICLE.match(fold(text))
    if tokens and particle and particle.group(1) in YES_WORDS | NO_WORDS:
        tokens[0] = ""
    return tokens


def _negated(tokens: list[str], position: int) -> bool:
    """Whether the word at `position` is turned around by a negator a few words before it.

    A first-word "no"/"нет" followed by more words is an answer particle ("no, here in Moldova"),
    not a negation of what follows; a first-word "nu" followed by a verb is both ("nu suntem").
    """
    for index in range(position - 1, max(0, position - NEGATION_REACH) - 1, -1):
        token = tokens[index]
        if token == CLAUSE_END:
            return False
        if token not in NEGATORS:
            continue
        if index == 0 and token in ("no", "нет", "nope", "nah") and len(tokens) > 1:
            continue
        return True
    return False


def option_evidence(
    option: Option, tokens: list[str], labels: bool = True, places_after_in: bool = False, places: bool = True
) -> tuple[set[int], bool]:
    """Where the option's words appear in the message affirmed (the words' positions), and
    whether they appear negated. `places`: whether place names count as the option's words."""
    affirmed: set[int] = set()
    negated = False
    phrases = ((option.label,) if labels else ()) + option.keywords
    if places_after_in:  # by the way, a bare "nothing" says nothing ("ничего не соображаю")
        phrases = tuple(p for p in phrases if not set(words(plain(p))) <= NEGATIVE_WORDS)
    found = [
        (phrase, phrase_spans(plain(phrase), tokens, PHRASE_GAP, NEVER_BETWEEN, NEGATORS, OPTIONAL))
        for phrase in phrases
    ]
    names = option.place_names + (MOLDOVA if option.place == "moldova" and places_after_in else ())
    for name in names if places else ():  # by the way, only "in Spain" tells where, not "a Romanian citizen"
        positions = name_positions(plain(name), tokens)
        if places_after_in:
            positions = [p for p in positions if _located(tokens, p)]
        found.append((name, [(p, p + len(words(plain(name)))) for p in positions]))
    for phrase, spans in found:
        carries_negation = bool(set(words(plain(phrase))) & (NEGATORS | AFTER_NEGATORS | NEGATIVE_WORDS))
        for position, end in spans:
            negated_after = end < len(tokens) and tokens[end] in AFTER_NEGATORS
            if not carries_negation and (_negated(tokens, position) or negated_after):
                negated = True
            else:
                affirmed |= set(range(position, end))
    return affirmed, negated


def _located(tokens: list[str], position: int) -> bool:
    """Whether the place name at `position` says where something is or came from ("in Spain", "a
    car from Germany"), not where the citizen came back from ("I came back from Spain") nor where
    they want a service ("register the marriage in Moldova", "să-mi recunosc diploma aici")."""
    before = tokens[max(0, position - 2) : position]
    if not set(before) & LOCATIVES:
        return False
    if any(word.startswith(SERVICE_VERBS + GOING) for word in tokens[max(0, position - 5) : position]):
        return False  # nor where they are going ("plec in Germania la master")
    if set(before) & FROM and set(tokens[max(0, position - 5) : position]) & PEOPLE:
        return False  # "невеста из Украины" says who she is, not where something happened
    return not (set(before) & FROM and set(tokens[max(0, position - 4) : position]) & CAME_BACK)


def _after_only(tokens: list[str], position: int) -> bool:
    """Whether "only"/"doar"/"только" stands just before the word at `position` ("only the ID")."""
    before = [token for token in tokens[max(0, position - 3) : position] if token not in ARTICLES]
    return bool(before) and before[-1] in ONLY


def _by_words(
    question: Question, tokens: list[str], labels: bool = True, places_after_in: bool = False, places: bool = True
) -> set[str]:
    """The options the message's words point to: affirmed ones, or the others when some are negated."""
    spans: dict[str, set[int]] = {}
    negated = set()
    for option in question.options:
        where, no = option_evidence(option, tokens, labels, places_after_in, places)
        if where:
            spans[option.id] = where
        if no:
            negated.add(option.id)
    affirmed = set(spans) - negated
    buts = [i for i, token in enumerate(tokens) if token in BUT]
    after_but = {o for o in affirmed if buts and min(spans[o]) > buts[-1]}
    if len(after_but) == 1 and affirmed - after_but:  # "worked in Russia, but without papers"
        return after_but
    abroad, home = _place_option(question, "abroad"), _place_option(question, "moldova")
    if abroad in affirmed and home in affirmed:  # "married in Germany, to register it in Moldova"
        affirmed.discard(home)
    only = {option_id for option_id in affirmed if any(_after_only(tokens, p) for p in spans[option_id])}
    if len(only) == 1:  # "only the ID card, the passport was at home"
        return only
    for option in question.options:  # "the ID card and the passport" is "both"
        if option.combines and set(option.combines) <= affirmed:
            return {option.id}
    for option_id in affirmed:  # the most specific wins: "ID and passport" covers "ID" and "passport"
        if all(spans[other] <= spans[option_id] for other in affirmed):
            return {option_id}
    if affirmed:
        return affirmed
    if negated:
        rest = {o.id for o in question.options} - negated
        if len(rest) == 1:
            return rest
    return set()


def _number(token: str) -> float | None:
    """A number written in digits ("35", "1,5", "1_5" for a decimal kept in one word) or in words
    ("ten", "zece", "десять")."""
    token = token.replace("_", ".")
    return float(token.replace(",", ".")) if NUMBER.fullmatch(token) else NUMBER_WORDS.get(token)


DECIMAL = re.compile(r"(\d)[.,](\d)")
MULTIPLIERS = {
    **dict.fromkeys(("thousand", "k", "mii", "тыс", "тысяч", "тысячи"), 1e3),
    **dict.fromkeys(("million", "millions", "mil", "mln", "milion", "milioane", "млн", "миллион", "миллиона"), 1e6),
    "миллионов": 1e6,
}


def _multiplier(tokens: list[str], index: int) -> float:
    """ "2 mil lei", "1,5 milioane", "миллиона два": the amount's multiplier, else 1."""
    after = tokens[index + 1 : index + 2]
    before = tokens[index - 1 : index] if index else []
    return MULTIPLIERS.get(after[0] if after else "", 0) or MULTIPLIERS.get(before[0] if before else "", 0) or 1.0


UNITS = {  # a unit word's first letters -> months it counts
    **dict.fromkeys(("year", "yrs", "yr", "an", "ani", "anul", "anu", "год", "года", "лет", "годик"), 12.0),
    **dict.fromkeys(("month", "luna", "luni", "месяц", "мес"), 1.0),
}
HALF_YEAR = {"полгода": "6 месяцев", "jumatate de an": "6 luni", "half a year": "6 months", "half year": "6 months"}


def _unit(tokens: list[str]) -> float | None:
    for token in tokens:
        for word, months in UNITS.items():
            if token == word or (len(word) >= 4 and token.startswith(word)):
                return months
    return None


def unit_next_to(tokens: list[str], index: int) -> float | None:
    """The unit of the number at `index`: the word right after it ("5 years", "35 de ani", "10 years
    of"), or right before it ("лет 12"); "63 next month" has none."""
    after = tokens[index + 2 : index + 3] if tokens[index + 1 : index + 2] in (["de"], ["of"]) else []
    return _unit(tokens[index + 1 : index + 2]) or _unit(after) or _unit(tokens[max(0, index - 1) : index])


def numbers_in(text: str, question: Question) -> list[float]:
    """The numbers the citizen gives, in the unit the question counts in ("3 ani" is 36 for a
    question in months), leaving out the ones the question itself names ("12 of the last 24 months")."""
    text = " ".join(words(DECIMAL.sub(r"\1_\2", text)))
    for words_for_half, months in HALF_YEAR.items():
        text = text.replace(words_for_half, months)
    named = {float(n.replace(",", ".")) for n in NUMBER.findall(question.text)} - {question.at_least}
    asked_unit = _unit(words(question.text))
    tokens = words(text)
    found = []
    for index, token in enumerate(tokens):
        value = _number(token)
        if value is None or value in named:
            continue
        given_unit = unit_next_to(tokens, index)
        if asked_unit and given_unit and given_unit != asked_unit:
            value = value * given_unit / asked_unit
        value *= _multiplier(tokens, index)
        before = set(tokens[max(0, index - 2) : index])
        if before & (LESS | NEGATORS):  # "less than 12 months", "меньше 15 лет", "n-am 15 ani"
            value -= 0.5
        elif before & MORE:
            value += 0.5
        found.append(value)
    return found


def number_in(text: str, question: Question) -> float | None:
    numbers = numbers_in(text, question)
    return numbers[0] if numbers else None


def _counted(question: Question, text: str) -> str | None:
    """yes or no from the numbers given: "at least" a threshold, or any age "under" one."""
    if question.type != "yes_no":
        return None
    numbers = numbers_in(text, question)
    if not numbers:
        return None
    if question.at_least is not None:
        return "yes" if numbers[0] >= question.at_least else "no"
    if question.under is not None:
        return _under(question.under, words(text))
    return None


def _under(limit: float, tokens: list[str]) -> str | None:
    """yes if a child's age given is under `limit` ("boys 7 and 12", "7 ani", "she is 4"), no if
    every age is not; yes for children counted without ages ("двое школьников", "трое"); else None
    ("it was only the two of us")."""
    ages = children_ages(tokens) + [
        number
        for i, t in enumerate(tokens)
        if (number := _number(t)) is not None and (unit_next_to(tokens, i) or (i and tokens[i - 1] in IS))
    ]
    if ages:
        return "yes" if any(age < limit for age in ages) else "no"
    counted = any(
        _number(t) is not None and set(tokens[i + 1 : i + 3]) & (CHILD_WORDS | PUPILS) for i, t in enumerate(tokens)
    )
    return "yes" if counted or (len(tokens) == 1 and _number(tokens[0]) is not None) else None


def counted_fact(text: str, question: Question) -> str | None:
    """A count given by the way, with what it counts ("only 10 years of work" for "at least 15
    years of contributions?", "12 работников" for "will you have employees?"): yes or no; None
    without a number next to a unit of time or to a word of the question, for an age ("am 61 de
    ani"), nor when several counts add up past the threshold ("10 years in Italy and 8 here")."""
    if question.at_least is None or question.type != "yes_no":
        return None
    asked_unit = _unit(words(question.text))
    asked_words = {stem(word) for word in words(question.text) if len(word) >= 5}
    tokens = _tokens(text)  # with clause ends: in "мне 63 года, стажа 12 лет" the age ends at the comma
    counts = []
    for index, token in enumerate(tokens):
        value = _number(token)
        if value is None or _is_age(tokens, index):
            continue
        around = tokens[max(0, index - 1) : index] + tokens[index + 1 : index + 3]
        given_unit = unit_next_to(tokens, index)
        if _multiplier(tokens, index) > 1:  # an amount: "оборот миллиона два в год"
            counts.append(value * _multiplier(tokens, index))
        elif given_unit is not None and asked_unit is not None:
            counts.append(value * given_unit / asked_unit)
        elif given_unit is None and asked_unit is None and {stem(word) for word in around} & asked_words:
            counts.append(value)
    if not counts:
        return None
    if max(counts) >= question.at_least:  # "20 years here and 10 in Portugal"
        return "yes"
    return "no" if sum(counts) < question.at_least else None  # "10 in Italy and 8 here": not ours to add up


AGE_BEFORE = frozenset(
    [
        "am",
        "im",
        "aged",
        "turning",
        "turned",
        "turn",
        "implinesc",
        "implineste",
        "мне",
        "ему",
        "ей",
        "исполнилось",
        "исполняется",
    ]
)
COUNTED_AFTER = frozenset(["de", "of", "стажа", "стаж", "работы"])  # "am 35 de ani de stagiu" counts work


PUPILS = frozenset(["pupils", "schoolkids", "elevi", "школьника", "школьников", "школьницы"])
CHILD_WORDS = frozenset(
    ["son", "daughter", "boy", "boys", "girl", "girls", "child", "kid", "kids", "children", "baby", "twins"]
    + ["baiat", "baiatul", "baiet", "fata", "fetita", "fiica", "fiicei", "fiul", "fiului", "copil", "copilul", "copii"]
    + ["сын", "сыну", "сына", "дочь", "дочка", "дочке", "дочери", "ребенок", "ребенку", "мальчик", "девочка", "дети"]
    + ["детей", "малых", "малышей", "детишек"]
)


def children_ages(tokens: list[str]) -> list[float]:
    """The ages, in years, of children the citizen names with one ("my son is 14", "doi copii de 5 si
    9 ani", "дочке 3 месяца")."""
    ages = []
    for index, token in enumerate(tokens):
        value = _number(token)
        near = tokens[max(0, index - 6) : index] + tokens[index + 1 : index + 5]  # "my 8 year old daughter"
        if value is None or value > 120 or not set(near) & CHILD_WORDS:
            continue
        if set(tokens[index + 1 : index + 2]) & (CHILD_WORDS | PUPILS):  # "two boys": how many, not how old
            continue
        ages.append(value / 12 if unit_next_to(tokens, index) == 1.0 else value)
    return ages


IS = frozenset(["is", "are", "shes", "hes", "e", "ей", "ему"])  # "she is 67", "el are 32 de ani", "ей 60"


def by_age(question: Question, tokens: list[str]) -> set[str]:
    """The option whose `ages` hold the age the message gives ("am 45 de ani", "my son is 14")."""
    ages = [
        _number(tokens[i]) or 0.0
        for i in range(len(tokens))
        if _number(tokens[i])
        and (_is_age(tokens, i) or (i and tokens[i - 1] in IS and (_number(tokens[i]) or 0) < 120))
    ]
    ages += children_ages(tokens)
    return {o.id for o in question.options if o.ages and ages and o.ages[0] <= ages[0] < o.ages[1]}


def _is_age(tokens: list[str], index: int) -> bool:
    """Whether the number at `index` is the citizen's age: "I'm 61", "am 61 de ani", "мне 61 год",
    "61 years old" — not "am 35 de ani de stagiu"."""
    after = tokens[index + 1 : index + 4]
    unit_at = next((i for i, word in enumerate(after) if _unit([word])), None)
    if unit_at is not None and after[unit_at + 1 : unit_at + 2] == ["old"]:
        return True
    following = after[unit_at + 1 : unit_at + 2] if unit_at is not None else []
    return bool(set(tokens[max(0, index - 1) : index]) & AGE_BEFORE) and not set(following) & COUNTED_AFTER


def by_position(question: Question, text: str) -> str | None:
    tokens = set(words(text))
    if tokens & {fold(word) for word in LAST}:
        return question.options[-1].id
    for index, markers in ORDINALS.items():
        if index < len(question.options) and tokens & {fold(m) for m in markers}:
            return question.options[index].id
    return None


def locality_in(text: str, localities: Iterable[Locality], entity_values: Iterable[str] = ()) -> str | None:
    """The locality a message names: the NLU's entity, else a name or spelling from the catalogue;
    of two, the one the citizen lives in ("born in Chișinău, we live in Ialoveni"), else the first."""
    known = {locality.id: locality for locality in localities}
    for value in entity_values:
        if value in known:
            return value
    tokens = words(text)
    named = localities_named(tokens, known.values())
    lived_in = [locality for position, locality in named if _lives_at(tokens, position)]
    not_left = [locality for position, locality in named if not set(tokens[max(0, position - 1) : position]) & FROM]
    preferred = lived_in or not_left or [locality for _, locality in named]
    return preferred[0] if preferred else None


def localities_named(tokens: list[str], localities: Iterable[Locality]) -> list[tuple[int, str]]:
    """(position, locality id) for every time a locality is named, in the order they appear."""
    found = []
    for locality in localities:
        positions = [p for name in (locality.name, *locality.aliases) for p in name_positions(name, tokens)]
        if locality.district:  # "в Криулянском районе"
            positions += _district_positions(locality.district, tokens)
        found += [(position, locality.id) for position in set(positions)]
    return sorted(found)


EVENT_STEMS = (
    ("born", "birth", "died", "passed", "marri", "marry", "wedding", "hospital", "maternit", "accident", "build")
    + ("nascut", "murit", "decedat", "casator", "nunt", "spital", "maternitat", "constru")
    + ("родил", "умер", "скончал", "погиб", "больниц", "роддом", "свадьб", "распис", "жени", "авари", "постро", "строи")
)


def _home_named(tokens: list[str], localities: Iterable[Locality]) -> str | None:
    """The town a message names, by the way, as where the citizen lives: the one they say they live
    in, else one not named as where something happened ("died in the hospital in Soroca") nor as
    the town they left ("from Cahul")."""
    named = localities_named(tokens, localities)
    lived_in = [locality for position, locality in named if _lives_at(tokens, position)]
    if lived_in:
        return lived_in[0]
    for position, locality in named:
        around = tokens[max(0, position - 6) : position] + tokens[position + 1 : position + 3]
        if not any(word.startswith(EVENT_STEMS) for word in around) and tokens[max(0, position - 1)] not in FROM:
            return locality
    return None


def _lived_in(tokens: list[str], localities: Iterable[Locality]) -> str | None:
    """The town an answer to another question says the citizen lives in ("…and we live in Hîncești
    too"): only when it says so."""
    return next(
        (locality for position, locality in localities_named(tokens, localities) if _lives_at(tokens, position)), None
    )


def _happened_in_moldova(tokens: list[str], localities: Iterable[Locality]) -> bool:
    """Whether a Moldovan town is named as where something happened ("born in Bălți"), not as
    where the citizen lives ("we live in Ialoveni")."""
    return any(
        _located(tokens, position) and not _lives_at(tokens, position)
        for position, _ in localities_named(tokens, localities)
    )


def _lives_at(tokens: list[str], position: int) -> bool:
    """ "we live in Cahul", "suntem din Orhei", "я из Бельц": where the citizen lives."""
    before = position - 2
    while before >= 0 and tokens[before] in FILLERS:  # "мы сами тоже из Сорок"
        before -= 1
    from_us = position >= 2 and tokens[position - 1] in FROM and before >= 0 and tokens[before] in US
    in_us = position >= 2 and tokens[position - 1] in LOCATIVES and tokens[position - 2] in US  # "мы в Чимишлии"
    after = tokens[position + 1 : position + 2]  # "noi tot in Hîncești stăm", "в Кагуле живем"
    return from_us or in_us or bool(set(tokens[max(0, position - 4) : position] + after) & LIVE)


GENERIC_PLACE_WORDS = frozenset(
    fold(word)
    for word in ["district", "municipality", "raionul", "raion", "municipiul", "район", "муниципий", "р", "н"]
)


def _district_positions(district: str, tokens: list[str]) -> list[int]:
    """Where a district is named by its own name, whatever word for "district" comes with it
    ("Бричанский р-н")."""
    name = " ".join(word for word in words(district) if word not in GENERIC_PLACE_WORDS)
    return phrase_positions(name, tokens) if name else []


def _place_option(question: Question, place: str) -> str | None:
    return next((o.id for o in question.options if o.place == place), None)


def read_answer(question: Question, text: str, localities: Iterable[Locality] = ()) -> str | None:
    """The citizen's answer to `question` (an option id, a locality id, or "?"), or None if it is none.
    A corrected answer counts as corrected: "no... wait, yes", "nu, stai, da", "нет, стоп. да"."""
    concluded = CONCLUSION.search(text)  # "we had a car, but we sold it, so no"
    if concluded and question.type == "yes_no":
        return "yes" if concluded.group(1).lower() in YES_WORDS else "no"
    asked_back = text.rsplit("?", 1)  # "а, брачный договор? не, мы не настолько богатые"
    if (
        len(asked_back) == 2
        and polarity(asked_back[1])
        and words(asked_back[1])[:1]
        and words(asked_back[1])[0] in YES_WORDS | NO_WORDS
    ):
        answer = _read_answer(question, asked_back[1], localities)
        if answer is not None:
            return answer
    corrected = CORRECTION.split(text)
    if len(corrected) > 1 and words(corrected[-1]):
        answer = _read_answer(question, corrected[-1], localities)
        if answer is not None:
            return answer
    return _read_answer(question, text, localities)


CONCLUSION = re.compile(
    r"(?:\b(?:so|deci|так что|значит)[\s,]+|(?:\.\.\.|…)\s*)(yes|no|da|nu|да|нет)\W*$", re.IGNORECASE
)  # "…we sold it, so no", "nu ne-am gîndit la așa ceva... nu"
CORRECTION = re.compile(
    r"\b(?:wait|no wait|i mean|stai|adica|adică|de fapt|стоп|вернее|точнее|то есть)\b[\s,.!—–-]*", re.IGNORECASE
)


def _read_answer(question: Question, text: str, localities: Iterable[Locality] = ()) -> str | None:
    if dont_know(text):
        return UNKNOWN
    if question.type == "locality":
        return locality_in(text, localities)
    tokens = _tokens(text)
    said = polarity(text)
    counted = _counted(question, text)
    found = _by_words(question, tokens, labels=question.type == "choice")
    if counted is not None:
        particle = tokens[0] == "" and said
        words_decide = question.under is not None or particle  # an age rule has exceptions ("student la zi")
        if len(found) == 1 and counted not in found and words_decide:  # "нет, два года, но неофициально"
            return None if particle and {said} != found else found.pop()
        return None if particle and said != counted else counted
    if not found:
        moldova = _place_option(question, "moldova")
        if moldova and (locality_in(text, localities) or any(name_positions(n, tokens) for n in MOLDOVA)):
            found = {moldova}
    if question.type == "yes_no" and said and tokens and tokens[0] == "":
        return said  # "yes, ..." / "нет, ...": the answer is the first word, whatever follows
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        return None
    if question.type == "yes_no":
        return said or ("yes" if _echoes(question, tokens) else None)
    if said:
        plain = [o.id for o in question.options if o.yes_no == said]
        if len(plain) == 1:
            return plain[0]
    return by_position(question, text) or _by_label_word(question, tokens) or next(iter(by_age(question, tokens)), None)


ECHO_STEM = 6  # letters compared when the question's own words are said back ("intreb" is not "intretinea")


def _content_stems(text: str, shortest: int = ECHO_STEM) -> set[str]:
    return {word[:ECHO_STEM] for word in words(text) if len(word) >= shortest}


LABEL_WORD = 5  # a label's own word this long or longer answers ("valid" for "Yes, a valid Moldovan licence")


def _echoes(question: Question, tokens: list[str]) -> bool:
    """ "I served in the army" to "Did you do military service?": the question's own words, said
    without a negation (a negation is read as "no" before this)."""
    return bool(_content_stems(" ".join(tokens)) & _content_stems(plain(question.text)))


def _by_label_word(question: Question, tokens: list[str]) -> str | None:
    """A word of one option's label that no other option's label (nor the question) has:
    "renting" for "Renting a home", "cooperative" for "Another type of company (…cooperative…)"."""
    said = {t[:ECHO_STEM] for i, t in enumerate(tokens) if len(t) >= LABEL_WORD and not _negated(tokens, i)}
    shared = _content_stems(plain(question.text), LABEL_WORD)
    labels = {option.id: _content_stems(plain(option.label), LABEL_WORD) for option in question.options}
    found = set()
    for option_id, stems in labels.items():
        others = set().union(*(s for other, s in labels.items() if other != option_id))
        if said & (stems - others - shared):
            found.add(option_id)
    return found.pop() if len(found) == 1 else None


def facts_in(
    questions: Iterable[Question],
    text: str,
    relations: Iterable[Relation] = (),
    localities: Iterable[Locality] = (),
    places: bool = True,
) -> dict[str, str]:
    """Answers a message gives by the way, to questions not asked yet: option words, relations, a locality.

    Only the catalogue's words count here, never a bare yes, no or number: those answer the
    question that was asked, not others.
    """
    tokens = _tokens(text)
    related = {r.id for r in relations if any(phrase_in(word, text) for word in r.keywords)}
    locality = _home_named(tokens, localities) if places else _lived_in(tokens, localities)
    answers: dict[str, str] = {}
    for question in questions:
        if question.type == "locality":
            if locality:
                answers[question.id] = locality
            continue
        found = _by_words(question, tokens, labels=question.type == "choice", places_after_in=True, places=places)
        home = _place_option(question, "moldova")
        if not found and home and places and _happened_in_moldova(tokens, localities):
            found = {home}  # "born at the maternity in Chișinău"
        found |= {o.id for o in question.options if set(o.relations) & related}
        counted = counted_fact(text, question)
        if counted:
            found = {counted}
        ages = children_ages(tokens)
        if not found and question.under is not None and ages:  # "my son is 14" for "a child under 18?"
            found = {"yes" if min(ages) < question.under else "no"}
        found = by_age(question, tokens) or found  # "băiatul meu de 22 de ani": an adult
        if len(found) == 1:
            answers[question.id] = found.pop()
    return answers
