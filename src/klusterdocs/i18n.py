"""Labels in the document's language, from `data/labels/<lang>.yaml`, never from Python strings.

A templates folder may hold its own `labels/<lang>.yaml` (as `templates export` writes it):
its texts replace the built-in ones while that folder's templates are in use, so a region
words its headings its own way. Only the texts it gives change; each is checked against the
built-in one (an unknown key, a list for a text, a placeholder the text is not given) and a
mistake is a located error, never a failure halfway through a document.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from klusterdocs.data import load_data
from klusterdocs.errors import InputError, Problem, display_path

LANGUAGES = ("sv", "en")
LABELS_FOLDER = "labels"

# The labels in use within `labels_from`: the templates folder's, by language, found once.
_IN_USE: ContextVar[tuple[Path, dict[str, dict[str, Any]]] | None] = ContextVar(
    "klusterdocs_labels_in_use", default=None
)


def labels(lang: str) -> dict[str, Any]:
    """Every label of language `lang` (with the templates folder's own, when one is in use)."""
    in_use = _IN_USE.get()
    if in_use is None:
        data: dict[str, Any] = load_data(f"labels/{lang}.yaml")
        return data
    folder, found = in_use
    if lang not in found:  # looked for once per language and block: labels() is called often
        path = folder / LABELS_FOLDER / f"{lang}.yaml"
        if path.is_file():
            stat = path.stat()
            found[lang] = _merged_labels(lang, path.resolve(), stat.st_mtime_ns, stat.st_size)
        else:
            found[lang] = load_data(f"labels/{lang}.yaml")
    return found[lang]


@contextlib.contextmanager
def labels_from(templates: Path | None) -> Iterator[None]:
    """Use the labels of the templates folder `templates` (if it has any) within the block."""
    token = _IN_USE.set((templates, {}) if templates is not None else None)
    try:
        yield
    finally:
        _IN_USE.reset(token)


def label_files(templates: Path | None) -> list[Path]:
    """The label files of a templates folder: what its documents also depend on."""
    if templates is None:
        return []
    return [p for lang in LANGUAGES if (p := templates / LABELS_FOLDER / f"{lang}.yaml").is_file()]


@cache
def _merged_labels(lang: str, path: Path, mtime_ns: int, size: int) -> dict[str, Any]:
    built_in: dict[str, Any] = load_data(f"labels/{lang}.yaml")
    own = own_labels(path, lang)
    return _merge(built_in, own)


def _merge(base: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in own.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) else value
    return merged


def own_labels(path: Path, lang: str) -> dict[str, Any]:
    """A templates folder's label file, checked against the built-in labels of `lang`."""
    from klusterdocs.loading.yamlsource import load_yaml

    source = load_yaml(path, display_path(path))
    data = source.data if source.data is not None else {}
    built_in: dict[str, Any] = load_data(f"labels/{lang}.yaml")
    if not isinstance(data, dict):
        raise InputError([source.problem((), "a label file is a mapping of keys to texts")])
    nouns = set(built_in.get("nouns") or {})
    problems = list(_label_problems(source, data, built_in, nouns, ()))
    if problems:
        raise InputError(problems)
    return data


def _label_problems(
    source: Any, own: Any, base: Any, nouns: set[str], loc: tuple[Any, ...]
) -> Iterator[Problem]:
    """What is wrong with the label `own` (at `loc`) given the built-in one, `base`."""
    if isinstance(base, dict):
        if not isinstance(own, dict):
            yield source.problem(loc, "a group of labels here, not a single text")
            return
        for key, value in own.items():
            if key not in base:
                import difflib  # only a mistake needs it

                guess = difflib.get_close_matches(str(key), [str(k) for k in base], n=1)
                hint = f"; did you mean '{guess[0]}'?" if guess else ""
                yield source.problem((*loc, key), f"unknown label{hint}", key=True)
            else:
                yield from _label_problems(source, value, base[key], nouns, (*loc, key))
        return
    if isinstance(base, list):
        if not (isinstance(own, list) and all(isinstance(i, str) for i in own)):
            yield source.problem(loc, "a list of texts here")
        return
    if not isinstance(own, str):
        yield source.problem(loc, "a text here (put it in quotes)")
        return
    allowed = _placeholders(base) or set()
    used = _placeholders(own)
    if used is None:
        yield source.problem(loc, "a lone { or }: write {{ or }} for a brace")
        return
    extra = sorted(f"{{{n}}}" for n in {name for name, _ in used} - {name for name, _ in allowed})
    if extra:
        given = ", ".join(sorted({f"{{{n}}}" for n, _ in allowed}))
        offer = f"it is given {given}" if given else "it is given no values"
        yield source.problem(loc, f"{', '.join(extra)} is not known here ({offer})")
        return
    counts = {name for name, spec in allowed if spec.lstrip("@") in nouns}
    for name, spec in used:
        if not spec or (name, spec) in allowed:
            continue
        if name not in counts:
            yield source.problem(loc, f"{{{name}:{spec}}}: write {{{name}}}; it is no count")
        elif spec.lstrip("@") not in nouns:
            yield source.problem(loc, f"{{{name}:{spec}}}: no noun '{spec.lstrip('@')}'")


def _placeholders(text: str) -> set[tuple[str, str]] | None:
    """The (name, format spec) of each `{placeholder}` of `text`; None if its braces are bad."""
    try:
        return {
            (name, spec or "")
            for _, name, spec, _ in string.Formatter().parse(text)
            if name is not None
        }
    except ValueError:
        return None


def enum_label(lang: str, enum: str, value: str | None) -> str:
    """Return the label of an enum `value` (e.g. helix `academia` -> `Akademi`), or ''."""
    if value is None:
        return ""
    return str(labels(lang)["enums"][enum].get(value, value))


@cache
def enum_aliases() -> dict[str, str]:
    """Every Swedish or English word that names an enum value, mapped to that value."""
    out: dict[str, str] = {}
    for lang in LANGUAGES:  # the built-in words: input files mean the same everywhere
        built_in = load_data(f"labels/{lang}.yaml")
        for values in built_in["enums"].values():
            out.update({label: key for key, label in values.items()})
        out.update(built_in.get("aliases") or {})
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


BABEL_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
"""The locale each document language's numbers, money and dates are written in."""


def number_in_words(n: int, lang: str, gender: str = "common") -> str:
    """`3` -> `tre` / `three` up to twelve; larger numbers in digits (`1 234`)."""
    if 0 <= n < len(_NUMBER_WORDS[lang]):
        if n == 1 and lang == "sv" and gender == "neuter":
            return "ett"
        return _NUMBER_WORDS[lang][n]
    from babel.numbers import format_decimal

    return str(format_decimal(n, locale=BABEL_LOCALES[lang])).replace("-", "\u2212")


def plural_form(n: int, lang: str) -> str:
    """Babel's plural category of `n` in `lang`: `one` or `other` for Swedish and English."""
    return str(_locale(lang).plural_form(n))


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(BABEL_LOCALES[lang])  # the one the numbers use: its data loads once


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


_QUOTES = {"sv": ("”", "”"), "en": ("“", "”")}


def quoted(text: str, lang: str) -> str:
    """`text` in the language's quotation marks: ”så” in Swedish, “so” in English."""
    opening, closing = _QUOTES.get(lang, _QUOTES["en"])
    return f"{opening}{text}{closing}"


def capitalised(text: str) -> str:
    """`text` with its first letter in upper case (`str.capitalize` lowers the rest)."""
    return text[:1].upper() + text[1:]


def join(items: list[str], lang: str) -> str:
    """`a, b och c` / `a, b and c`."""
    if len(items) < 2:
        return "".join(items)
    word = labels(lang)["words"]["and"]
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
