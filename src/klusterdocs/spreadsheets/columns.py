"""Column names and cell words in Swedish and English, from `data/spreadsheets.yaml`."""

from __future__ import annotations

from functools import cache
from typing import Any

from klusterdocs.data import load_data


def spec(table: str) -> dict[str, dict[str, Any]]:
    """The fields of `table` (`actors`, `income`, `costs`, `indicators`) with their names."""
    found: dict[str, dict[str, Any]] = load_data("spreadsheets.yaml")[table]
    return found


def heading(table: str, field: str, lang: str) -> str:
    """The heading written for `field` of `table` in `lang`."""
    return str(spec(table)[field][lang])


def word(key: str, lang: str, **values: Any) -> str:
    """A fixed word of the workbooks (`total`, `result` ...) in `lang`."""
    return str(load_data("spreadsheets.yaml")["words"][key][lang]).format(**values)


def sheet_name(key: str, lang: str) -> str:
    """The name of the sheet `key` (`income`, `costs` ...) in `lang`."""
    return str(load_data("spreadsheets.yaml")["sheets"][key][lang])


def _names(entry: dict[str, Any]) -> set[str]:
    """Every name of a column, sheet or word, folded for comparing."""
    names = [entry.get("sv"), entry.get("en"), *(entry.get("also") or [])]
    return {_fold(str(name)) for name in names if name is not None}


def _fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def field_for(table: str, header: str) -> str | None:
    """The field a column heading names (`Inflytande` -> `power`), or None."""
    folded = _fold(header)
    return next((f for f, entry in spec(table).items() if folded in _names(entry)), None)


def is_word(key: str, text: str) -> bool:
    """Whether `text` is the fixed word `key` (`Summa`, `Totalt` for `total`) in any language."""
    return _fold(text) in _names(load_data("spreadsheets.yaml")["words"][key])


def is_sheet(key: str, name: str) -> bool:
    """Whether a sheet called `name` is the sheet `key` in any language."""
    return _fold(name) in _names(load_data("spreadsheets.yaml")["sheets"][key])


@cache
def enum_words(enum: str) -> dict[str, str]:
    """Every word a cell may hold for a value of `enum` (`akademi`, `Academia`, `academia`),
    folded, mapped to the value."""
    from klusterdocs.i18n import LANGUAGES, enum_aliases

    values: set[str] = set()
    words: dict[str, str] = {}
    for lang in LANGUAGES:
        labelled: dict[str, str] = load_data(f"labels/{lang}.yaml")["enums"][enum]
        values.update(labelled)
        words.update({_fold(label): value for value, label in labelled.items()})
    words.update({_fold(w): v for w, v in enum_aliases().items() if v in values})
    words.update({_fold(value): value for value in values})
    words.update({_fold(value.replace("_", " ")): value for value in values})
    return words


def enum_value(enum: str, text: str) -> str | None:
    """The value of `enum` that the word `text` names, or None."""
    return enum_words(enum).get(_fold(text))
