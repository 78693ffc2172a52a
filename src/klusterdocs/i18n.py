"""Labels in the document's language, from `data/labels/<lang>.yaml`, never from Python strings."""

from __future__ import annotations

from functools import cache
from typing import Any

from klusterdocs.data import load_data

LANGUAGES = ("sv", "en")


def labels(lang: str) -> dict[str, Any]:
    """Every label of language `lang`."""
    data: dict[str, Any] = load_data(f"labels/{lang}.yaml")
    return data


def enum_label(lang: str, enum: str, value: str | None) -> str:
    """Return the label of an enum `value` (e.g. helix `academia` -> `Akademi`), or ''."""
    if value is None:
        return ""
    return str(labels(lang)["enums"][enum].get(value, value))


@cache
def enum_aliases() -> dict[str, str]:
    """Every Swedish or English word that names an enum value, mapped to that value."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:
        for values in labels(lang)["enums"].values():
            out.update({label: key for key, label in values.items()})
        out.update(labels(lang).get("aliases") or {})
    return out


# Numbers up to twelve are written in words in running text (Språkrådet's rule, and common
# English style); "en" or "ett" as the Swedish noun's gender asks.
_NUMBER_WORDS = {
    "sv": [
        *("noll", "en", "två", "tre", "fyra", "fem", "sex"),
        *("sju", "åtta", "nio", "tio", "elva", "tolv"),
    ],
    "en": [
        *("zero", "one", "two", "three", "four", "five", "six"),
        *("seven", "eight", "nine", "ten", "eleven", "twelve"),
    ],
}
# Zero before a noun ("inga risker", "no risks") and on its own ("ingen av tre", "none of three").
_NONE = {
    "sv": {"before": "inga", "common": "ingen", "neuter": "inget"},
    "en": {"before": "no", "common": "none", "neuter": "none"},
}


def number_in_words(n: int, lang: str, gender: str = "common") -> str:
    """`3` -> `tre` / `three` up to twelve; larger numbers in digits (`1 234`)."""
    if 0 <= n < len(_NUMBER_WORDS[lang]):
        if n == 1 and lang == "sv" and gender == "neuter":
            return "ett"
        return _NUMBER_WORDS[lang][n]
    from babel.numbers import format_decimal

    locale = "sv_SE" if lang == "sv" else "en_GB"
    return str(format_decimal(n, locale=locale)).replace("-", "\u2212")


def plural_form(n: int, lang: str) -> str:
    """Babel's plural category of `n` in `lang`: `one` or `other` for Swedish and English."""
    return str(_locale(lang).plural_form(n))


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(lang)


class Count:
    """A count that a label formats in words, with its noun in the right number.

    `{n:risk}` -> `tre risker`, `en risk`, `inga risker`; `{n:@risk}` -> `tre`, `en`,
    `ingen` (the number alone, as the noun's gender asks); `{n}` -> the number in words.
    Nouns are the labels' `nouns`.
    """

    def __init__(self, n: int, lang: str) -> None:
        self.n, self.lang = n, lang

    def __format__(self, spec: str) -> str:
        if not spec:
            return number_in_words(self.n, self.lang)
        nouns: dict[str, dict[str, str]] = labels(self.lang)["nouns"]
        bare = spec.startswith("@")
        noun = nouns[spec.lstrip("@")]
        gender = noun.get("gender", "common")
        if self.n == 0:
            words = _NONE[self.lang][gender if bare else "before"]
        else:
            words = number_in_words(self.n, self.lang, gender)
        if bare:
            return words
        return (
            f"{words} {noun['one'] if plural_form(self.n, self.lang) == 'one' else noun['other']}"
        )

    def __int__(self) -> int:
        return self.n


def say(text: str, lang: str, *, capital: bool = True, **values: int | str) -> str:
    """`text` (a label) with its `{placeholders}` filled, counts in words; capitalised unless
    it goes inside a sentence."""
    counted = {k: Count(v, lang) if isinstance(v, int) else v for k, v in values.items()}
    said = text.format(**counted)
    return capitalised(said) if capital else said


def capitalised(text: str) -> str:
    """`text` with its first letter in upper case (`str.capitalize` lowers the rest)."""
    return text[:1].upper() + text[1:]


def join(items: list[str], lang: str) -> str:
    """`a, b och c` / `a, b and c`."""
    if len(items) < 2:
        return "".join(items)
    word = labels(lang)["words"]["and"]
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
