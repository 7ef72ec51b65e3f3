"""The words of the three languages that reading an answer relies on: yes and no, negation,
"I don't know", places and people (numbers, ages and children: `count_words`). Data only; the
rules are in `typed`, `counts`, `places` and `answers`.
"""

from __future__ import annotations

from folding import fold

YES_WORDS = frozenset(
    map(
        fold,
        ["yes", "yeah", "yep", "yup", "yea", "sure", "ofc", "correct", "right", "true", "absolutely", "definitely"]
        + ["certainly", "indeed", "obviously", "exactly"]
        + ["da", "desigur", "sigur", "bineinteles", "corect", "exact", "evident", "normal", "firește", "fireste"]
        + [
            "да",
            "ага",
            "угу",
            "конечно",
            "верно",
            "точно",
            "разумеется",
            "естественно",
            "безусловно",
            "есть",
            "имеется",
        ],
    )
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
    + ["живу", "живем", "живет", "жить", "проживаю", "проживаем", "прописан", "прописана", "прописаны"]
    + ["home", "acasa", "себя", "дома"]  # "у себя в селе", "acasă la Cahul"
)


AND = frozenset(["and", "si", "и", "where", "unde", "где"])
HERE = frozenset(
    ["here", "aici", "тут", "здесь", "where", "unde", "где", "there", "acolo", "там"]
)  # "Orhei, where we live"


FROM_THERE = frozenset(["оттуда", "отсюда", "there", "acolo"])  # "в Бельцах распишемся, мы оттуда оба"


FILLERS = frozenset(
    ["are", "is", "also", "too", "originally", "tot", "тоже", "сами", "родом", "both", "amandoi", "ambii", "оба", "обе"]
)


US = frozenset(["we", "were", "im", "am", "sunt", "suntem", "мы", "я"])  # "suntem din Orhei"


BUT = frozenset(["but", "however", "though", "so", "dar", "insa", "deci", "но", "однако", "так"])


GOING: tuple[str, ...] = ("going", "moving", "accepted", "plec", "pleaca", "merg", "еду", "уезжа", "переезжа", "поеду")
GOING += ("для", "pentru", "поступ", "apply", "aplic")  # "поступать на магистратуру в Румынию": where one is going


PEOPLE = frozenset(
    ["fiance", "fiancee", "wife", "husband", "girlfriend", "boyfriend", "is", "e", "este", "logodnica", "logodnicul"]
    + ["sotia", "sotul", "iubita", "iubitul", "невеста", "жених", "жена", "муж", "она", "он", "родом"]
    + ["fata", "baiat", "girl", "guy", "девушка", "девушкои", "парень", "парнем"]  # folded, as messages are
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
        "moved",
        "mutat",
        "mutata",
        "переехал",
        "переехала",
        "переехали",
    ]
)


ONLY = frozenset(["only", "just", "doar", "numai", "только", "лишь"])


ARTICLES = frozenset(map(fold, ["the", "a", "an", "my", "un", "o", "de", "mea", "meu", "мне", "мой", "моя", "мое"]))


RELATIVES = frozenset(map(fold, ["who", "whom", "which", "cine", "care", "кто", "кем", "кому", "который", "которая"]))
# a negation does not reach into a relative clause: "не можем договориться, с кем останутся дети"


BARELY = frozenset(["barely", "hardly", "abia", "еле", "едва"])  # "денег еле хватает" is not "денег хватает"


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
    ["нет", "нету", "nu", "n", "nam", "none", "nope", "nowhere", "nicaieri", "нигде"]
)  # "машины нет", "copii nu avem"


DONT_KNOW = tuple(
    fold(phrase)
    for phrase in (
        "i don't know",
        "i dont know",
        "don't know",
        "dont know",
        "dunno",
        "idk",
        "хз",
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
        "n-a hotarat",
        "n-a hotarit",
        "nu a hotarat",
        "n-a decis",
        "nu ne-am hotarat",
        "nu ne-am hotarit",
        "nu m-am hotarit",
        "nu m-am hotarat",
        "nu am hotarat",
        "inca nu stim",
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


EVENT_STEMS = (
    ("born", "birth", "died", "passed", "marri", "marry", "wedding", "hospital", "maternit", "accident", "build")
    + ("nascut", "murit", "decedat", "casator", "nunt", "spital", "maternitat", "constru")
    + ("родил", "умер", "скончал", "погиб", "больниц", "роддом", "свадьб", "распис", "жени", "авари", "постро", "строи")
)


GENERIC_PLACE_WORDS = frozenset(
    fold(word)
    for word in ["district", "municipality", "raionul", "raion", "municipiul", "район", "муниципий", "р", "н"]
)
