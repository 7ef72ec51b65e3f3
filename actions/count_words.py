"""The words of the three languages for numbers, units, ages and children, which `counts` reads
("treizeci și opt", "2 mil lei", "am 61 de ani", "двое школьников"). Data only.
"""

from __future__ import annotations

from folding import fold

LESS = frozenset(["less", "fewer", "under", "below", "sub", "putin", "меньше", "менее", "до", "неполных"])


MORE = frozenset(["more", "over", "above", "peste", "mult", "больше", "более", "свыше", "почти"])


ORDINALS = {
    0: ("first", "1st", "primul", "prima", "intai", "первый", "первая", "первое", "первую", "первого"),
    1: ("second", "2nd", "doilea", "doua", "второй", "вторая", "второе", "вторую", "второго"),
    2: ("third", "3rd", "treilea", "treia", "третий", "третья", "третье", "третью", "третьего"),
    3: ("fourth", "4th", "patrulea", "patra", "четвертый", "четвертая", "четвертое"),
}


LAST = ("last", "ultimul", "ultima", "последний", "последняя", "последнее")


NUMBER_WORDS = {
    **dict.fromkeys(("two", "doi", "doua", "два", "две", "двух", "двое", "двумя", "двоих"), 2),
    **dict.fromkeys(("three", "trei", "три", "трех", "трое", "тремя", "троих"), 3),
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
    **dict.fromkeys(("fifty", "cincizeci", "пятьдесят"), 50),
}


MULTIPLIERS = {
    **dict.fromkeys(("thousand", "k", "mii", "тыс", "тысяч", "тысячи"), 1e3),
    **dict.fromkeys(("million", "millions", "mil", "mln", "milion", "milioane", "млн", "миллион", "миллиона"), 1e6),
    "миллионов": 1e6,
}


UNITS = {  # a unit word's first letters -> months it counts
    **dict.fromkeys(("year", "yrs", "yr", "an", "ani", "anul", "anu", "год", "года", "лет", "годик"), 12.0),
    **dict.fromkeys(("month", "luna", "luni", "месяц", "мес"), 1.0),
}


HALF_YEAR = {"полгода": "6 месяцев", "jumatate de an": "6 luni", "half a year": "6 months", "half year": "6 months"}


AGE_BEFORE = frozenset(
    map(
        fold,
        [
            "am",
            "im",
            "aged",
            "are",
            "has",
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
        ],
    )
)


COUNTED_AFTER = frozenset(
    ["de", "of", "стажа", "стаж", "работы", "стажу", "vechime", "stagiu", "stagiul", "staj", "stajul", "munca"]
)  # "am 35 de ani de stagiu" counts work


PUPILS = frozenset(
    ["pupils", "schoolkids", "elevi", "школьника", "школьников", "школьницы"]
    + ["pupil", "schoolboy", "schoolgirl", "elev", "eleva", "школьник", "школьница", "первоклассник", "первоклашка"]
)


CHILD_WORDS = frozenset(
    map(
        fold,
        ["son", "daughter", "boy", "boys", "girl", "girls", "child", "kid", "kids", "children", "baby", "twins"]
        + ["baietel", "baietelul", "copilas", "copilasul"]
        + ["сынок", "сыночек", "дочурка", "малыш", "малышка", "мальчика", "ребенком", "ребенка", "детьми", "сыном"]
        + ["дочкой", "дочерью", "детьми"]
        + [
            "baiat",
            "baiatul",
            "baiet",
            "fata",
            "fetita",
            "fiica",
            "fiicei",
            "fiul",
            "fiului",
            "copil",
            "copilul",
            "copii",
        ]
        + [
            "сын",
            "сыну",
            "сына",
            "дочь",
            "дочка",
            "дочке",
            "дочери",
            "ребенок",
            "ребенку",
            "мальчик",
            "девочка",
            "дети",
        ]
        + ["детей", "малых", "малышей", "детишек"]
        + ["baietii", "baieti", "fetele", "copiii", "fiii", "fetita", "nepotica", "nepotul", "nepoata", "nepotel"]
        + ["grandson", "granddaughter", "внук", "внучка", "внуку", "внучке"],
    )
)


IS = frozenset(
    map(fold, ["is", "are", "shes", "hes", "e", "au", "ей", "ему", "им"])
)  # "she is 67", "el are 32 de ani", "ей 60"
