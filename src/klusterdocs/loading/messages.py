"""Turn the model's validation issues into located messages a cluster leader can act on."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from klusterdocs.errors import Problem
from klusterdocs.loading.yamlsource import Source
from klusterdocs.model.base import Issue


def did_you_mean(
    word: str, choices: Iterable[str], *, aliases: dict[str, str] | None = None
) -> str | None:
    """Return the choice `word` most likely meant: a close spelling, or a known alias."""
    lowered = _folded(tuple(choices))
    folded = word.casefold().strip()
    for alias, choice in (aliases or {}).items():
        if alias.casefold() == folded and choice.casefold() in lowered:
            return choice
    if folded in lowered:
        return lowered[folded]
    candidates = list(lowered)
    if len(candidates) > _MANY:
        candidates = _sharing_most_pairs(folded, tuple(candidates))
    import difflib  # only a mistake needs it

    close = difflib.get_close_matches(folded, candidates, n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


@functools.lru_cache(maxsize=8)  # a file's 600 typos are guessed among the same 20,000 ids
def _folded(choices: tuple[str, ...]) -> dict[str, str]:
    return {choice.casefold(): choice for choice in choices}


_MANY = 300  # choices beyond which difflib alone takes a noticeable time per guess


def _sharing_most_pairs(word: str, choices: tuple[str, ...], keep: int = 40) -> list[str]:
    """The choices that share the most letter pairs with `word`: the only ones a close
    spelling can be among, found without comparing `word` with 20,000 actors' ids."""
    index = _pair_index(choices)
    postings = (index.get(pair, ()) for pair in _pairs(word))
    shared = Counter(itertools.chain.from_iterable(postings))
    return [choices[number] for number, _ in shared.most_common(keep)]


@functools.lru_cache(maxsize=8)
def _pair_index(choices: tuple[str, ...]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for number, choice in enumerate(choices):
        for pair in _pairs(choice):
            index.setdefault(pair, []).append(number)
    return index


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


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
        low, high = details.get("ge"), details.get("le")
        if low is not None and high is not None and high < _SAFETY_BOUND:
            # a range like 1–5 or 1900–2100 helps; the safety bound on amounts would not
            expected += f" from {_plain(low)} to {_plain(high)}"
        return f"expected {expected}; got {describe(value)}{_number_hint(value)}"
    return str(details["message"])


_SAFETY_BOUND = 1e9
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
    if low is not None and high is not None and high < _SAFETY_BOUND:
        return f"expected a number from {_plain(low)} to {_plain(high)}; got {describe(value)}"
    if low is not None and (high is None or _below(value, low)):
        return f"must be {_plain(low)} or more; got {describe(value)}"
    return f"must be {_plain(high)} or less; got {describe(value)}"


def _below(value: Any, bound: float) -> bool:
    try:
        return float(value) < bound
    except (TypeError, ValueError):
        return False


def _plain(bound: float | None) -> float | str | None:
    """Show a bound of 0.0 as 0, as the user would write it, a large one grouped."""
    if isinstance(bound, float) and bound.is_integer():
        bound = int(bound)
    if isinstance(bound, int) and abs(bound) >= 10_000:
        return f"{bound:,}".replace(",", " ")
    return bound


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
