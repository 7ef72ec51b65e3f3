"""Which language a citizen writes in, and which one they ask for."""

from __future__ import annotations

from folding import fold, words

ROMANIAN_LETTERS = set("ăâîșțşţ")
ROMANIAN_WORDS = {
    "si",
    "sa",
    "de",
    "la",
    "nu",
    "am",
    "este",
    "e",
    "pentru",
    "cu",
    "meu",
    "mea",
    "mi",
    "vreau",
    "trebuie",
    "buna",
    "ziua",
    "multumesc",
    "mersi",
    "da",
    "pe",
    "un",
    "o",
    "ce",
    "cum",
    "unde",
    "care",
    "acte",
    "copil",
    "tata",
    "mama",
    "sotia",
    "sotul",
    "fac",
    "cat",
    "costa",
    "pot",
    "in",
    "din",
    "ajutor",
    "salut",
    "noi",
    "el",
    "ea",
    "sunt",
    "avem",
    "stiu",
    "vorbesc",
    "limba",
}
ENGLISH_WORDS = {
    "the",
    "my",
    "i",
    "is",
    "to",
    "of",
    "and",
    "a",
    "for",
    "what",
    "how",
    "where",
    "do",
    "need",
    "want",
    "hello",
    "hi",
    "yes",
    "no",
    "thanks",
    "thank",
    "you",
    "we",
    "our",
    "can",
    "it",
    "was",
    "have",
    "has",
    "got",
    "lost",
    "died",
    "born",
    "please",
    "help",
    "in",
    "me",
    "am",
    "know",
}
REQUESTS = {
    "en": ("english", "engleza", "englez", "английск", "англ", "en"),
    "ro": ("romanian", "romana", "romaneste", "moldoveneasca", "румынск", "молдавск", "ro"),
    "ru": ("russian", "rusa", "ruseste", "русск", "по-русски", "ru"),
}


def detect(text: str) -> str | None:
    """en, ro or ru for a message, or None when it gives no clue (e.g. "ok", "Cahul")."""
    letters = [ch for ch in text.casefold() if ch.isalpha()]
    if not letters:
        return None
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if cyrillic / len(letters) > 0.3:
        return "ru"
    romanian, english = latin_signals(text, words(text))
    if romanian > english:
        return "ro"
    if english > romanian:
        return "en"
    return None


def latin_signals(text: str, tokens: list[str]) -> tuple[int, int]:
    """How many words say Romanian (its words, its diacritics) and how many say English."""
    with_diacritics = sum(1 for word in text.casefold().split() if set(word) & ROMANIAN_LETTERS)
    romanian = sum(1 for t in tokens if t in ROMANIAN_WORDS) + with_diacritics
    return romanian, sum(1 for t in tokens if t in ENGLISH_WORDS)


def requested(text: str) -> str | None:
    """The language a message asks to switch to ("in Romanian please", "по-русски"), if any."""
    folded = fold(text)
    tokens = set(words(text))
    for lang, markers in REQUESTS.items():
        for marker in markers:
            if (len(marker) <= 2 and marker in tokens) or (len(marker) > 2 and marker in folded):
                return lang
    return None


def clearly_written_in(text: str) -> str | None:
    """The language a message is clearly written in, or None: emoji, numbers, names and one-word
    messages ("ok", "da", "Cahul") say nothing; two Cyrillic words are Russian; Latin text needs
    two more signal words for one language than for the other."""
    tokens = [t for t in words(text) if not t.isdigit()]
    if len(tokens) < 2:
        return None
    cyrillic_words = sum(1 for t in tokens if any("\u0400" <= ch <= "\u04ff" for ch in t))
    if cyrillic_words >= 2:
        return "ru"
    if cyrillic_words:
        return None
    romanian, english = latin_signals(text, tokens)
    if romanian - english >= 2:
        return "ro"
    if english - romanian >= 2:
        return "en"
    return None
