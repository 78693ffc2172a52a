"""Turn the model's validation issues into located messages a cluster leader can act on."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from klusterdocs.errors import Problem
from klusterdocs.loading.yamlsource import Source
from klusterdocs.model.base import Issue


def did_you_mean(
    word: str, choices: Iterable[str], *, aliases: dict[str, str] | None = None
) -> str | None:
    """Return the choice `word` most likely meant: a close spelling, or a known alias."""
    choices = list(choices)
    folded = word.casefold().strip()
    for alias, choice in (aliases or {}).items():
        if alias.casefold() == folded and choice in choices:
            return choice
    lowered = {c.casefold(): c for c in choices}
    if folded in lowered:
        return lowered[folded]
    close = difflib.get_close_matches(folded, list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def suggestion(word: str, choices: Iterable[str], *, aliases: dict[str, str] | None = None) -> str:
    """Return "; did you mean 'x'?" or "" — the tail of an error message."""
    guess = did_you_mean(word, choices, aliases=aliases)
    return f"; did you mean '{guess}'?" if guess else ""


def describe(value: Any) -> str:
    """Describe a raw YAML value in a message: text is quoted, structures are named."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


_EXPECTED = {
    "whole_number": "a whole number",
    "number": "a number",
    "finite_number": "a finite number",
    "boolean": "true or false",
    "text": "text",
    "list": "a list (lines starting with '- ')",
    "mapping": "a mapping (key: value lines)",
    "date": "a date like 2012-08-20",
}


def message(issue: Issue, aliases: dict[str, str]) -> str:
    """Say what is wrong with a value, with what was expected and a likely fix."""
    kind, value, details = issue.kind, issue.value, issue.details
    if kind == "missing":
        return "required, but missing"
    if kind == "unknown_key":
        known = details["known"]
        hint = suggestion(str(value), known)
        return f"unknown key '{value}'" + (hint or f"; expected one of {', '.join(known)}")
    if kind == "choice":
        allowed = [str(choice) for choice in details["allowed"]]
        hint = suggestion(str(value), allowed, aliases=aliases)
        return f"expected one of {', '.join(allowed)}; got {describe(value)}{hint}"
    if kind == "pattern":
        return (
            "expected a short id of lowercase letters, digits, - and _ "
            f"(like 'fa-innovation'); got {describe(value)}"
        )
    if kind == "range":
        return _range_message(details["ge"], details["le"], value)
    if kind == "empty":
        return "must not be empty"
    if kind == "too_few":
        return f"needs at least {details['min_length']} item(s)"
    if kind == "too_many":
        return f"has {details['actual']} items; at most {details['max_length']} allowed"
    if kind == "type":
        expected = _EXPECTED[details["expected"]]
        low, high = _plain(details.get("ge")), _plain(details.get("le"))
        if low is not None and high is not None:
            expected += f" from {low} to {high}"
        return f"expected {expected}; got {describe(value)}{_number_hint(value)}"
    return str(details["message"])


_SPACES = re.compile("[ \u00a0\u202f]")  # space, no-break space, narrow no-break
_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")


def _number_hint(value: Any) -> str:
    """How to write a number as Swedish habit writes it: `250 000`, `1,5`."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if _GROUPED.match(text):
        return f"; write it without spaces: {_SPACES.sub('', text).replace(',', '.')}"
    if _DECIMAL_COMMA.match(text):
        return f"; use a point for decimals: {text.replace(',', '.')}"
    return ""


def _range_message(low: float | None, high: float | None, value: Any) -> str:
    low, high = _plain(low), _plain(high)
    if low is not None and high is not None:
        return f"expected a number from {low} to {high}; got {describe(value)}"
    if low is not None:
        return f"must be {low} or more; got {describe(value)}"
    return f"must be {high} or less; got {describe(value)}"


def _plain(bound: float | None) -> float | None:
    """Show a bound of 0.0 as 0, as the user would write it."""
    return int(bound) if isinstance(bound, float) and bound.is_integer() else bound


def problems_from(
    issues: Iterable[Issue], source: Source, aliases: dict[str, str]
) -> list[Problem]:
    """Return one located `Problem` per issue, pointing at the key or value at fault."""
    found: list[Problem] = []
    for issue in issues:
        text = message(issue, aliases)
        if issue.kind == "missing":
            # point at the key whose block lacks the field: that is where it must be added
            found.append(source.problem(issue.loc, text, key=True, at=issue.loc[:-1]))
        else:
            found.append(source.problem(issue.loc, text, key=issue.at_key))
    return found
