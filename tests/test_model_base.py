"""The model's foundation: how values are converted, what is reported, how records behave."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from klusterdocs.model.base import Invalid, Issue, Strict, field
from klusterdocs.model.initiative import Contact
from klusterdocs.model.types import Amount, Score, Text, Year
from klusterdocs.schema import schema


class Sample(Strict):
    name: Text
    score: Score | None = None
    amount: Amount | None = None
    flag: bool | None = None
    day: dt.date | None = None
    tags: list[Text] = field(default=[], max_length=2)
    by_year: dict[Year, Amount] = field(default={})


def _value(key: str, raw: Any) -> Any:
    return getattr(Sample.validate({"name": "N", key: raw}), key)


def _issues(data: dict[str, Any]) -> list[Issue]:
    with pytest.raises(Invalid) as caught:
        Sample.validate({"name": "N", **data})
    return caught.value.issues


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("score", "5", 5),
        ("score", 4.0, 4),
        ("amount", 3, 3.0),
        ("amount", "1e3", 1000.0),
        ("flag", "yes", True),
        ("flag", 0, False),
        ("day", "2012-08-20", dt.date(2012, 8, 20)),
        ("day", dt.datetime(2012, 8, 20), dt.date(2012, 8, 20)),
    ],
)
def test_values_are_converted_as_yaml_writers_expect(key: str, raw: Any, expected: Any) -> None:
    value = _value(key, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("score", True, "whole_number"),  # `power: yes` is not 1
        ("score", 2.5, "whole_number"),
        ("amount", float("inf"), "finite_number"),
        ("amount", False, "number"),
        ("flag", 2, "boolean"),
        ("day", "2012-8-20", "date"),
        ("day", 2012, "date"),
        ("day", dt.datetime(2012, 8, 20, 9, 30), "date"),
        ("name", 2024, "text"),
        ("tags", "a", "list"),
        ("by_year", ["a"], "mapping"),
    ],
)
def test_a_value_of_the_wrong_kind_says_what_was_expected(
    key: str, raw: Any, expected: str
) -> None:
    [issue] = _issues({key: raw})
    assert (issue.loc, issue.kind, issue.details["expected"]) == ((key,), "type", expected)


def test_every_issue_is_reported_at_once_and_located() -> None:
    issues = _issues({"score": 9, "tags": ["a", ""], "by_year": {1800: 5, 2013: -1}, "sorce": 1})
    found = {(issue.loc, issue.kind, issue.at_key) for issue in issues}
    assert found == {
        (("score",), "range", False),
        (("tags", 1), "empty", False),
        (("by_year", 1800), "range", True),  # the key is wrong, not the amount
        (("by_year", 2013), "range", False),
        (("sorce",), "unknown_key", True),
    }
    unknown = next(issue for issue in issues if issue.kind == "unknown_key")
    assert "score" in unknown.details["known"]


def test_missing_required_and_too_many_items() -> None:
    with pytest.raises(Invalid) as caught:
        Sample.validate({"tags": ["a", "b", "c"]})
    kinds = {issue.loc: (issue.kind, dict(issue.details)) for issue in caught.value.issues}
    assert kinds[("name",)] == ("missing", {})
    assert kinds[("tags",)] == ("too_many", {"max_length": 2, "actual": 3})


def test_an_empty_key_means_the_default() -> None:
    sample = Sample.validate({"name": "N", "tags": None, "score": None})
    assert sample.tags == []
    assert sample.score is None
    assert _issues({"name": None})[0].details["expected"] == "text"  # required stays required


def test_records_are_immutable_comparable_and_copied_with_changes() -> None:
    sample = Sample(name="A", tags=["x"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.name = "B"  # type: ignore[misc]
    changed = sample.replace(name="B")
    assert (changed.name, changed.tags, sample.name) == ("B", ["x"], "A")
    assert sample == Sample(name="A", tags=["x"]) != changed
    assert hash(Contact(name="A")) == hash(Contact(name="A"))  # a record of scalars
    assert Sample(name="A").tags is not Sample(name="A").tags  # no shared default list
    with pytest.raises(TypeError, match="no field 'nme'"):
        Sample(name="A", nme="B")  # type: ignore[call-arg]


def test_a_limit_declared_on_an_optional_field_applies_to_its_value() -> None:
    participant = schema("program")["$defs"]["Participant"]["properties"]["group"]
    assert participant["anyOf"] == [{"minimum": 1, "type": "integer"}, {"type": "null"}]
    modules = schema("program")["properties"]["modules"]
    assert (modules["minItems"], modules["maxItems"]) == (1, 4)


def test_a_type_the_model_cannot_check_is_refused_when_first_used() -> None:
    class Unsupported(Strict):
        tags: set[str]

    with pytest.raises(TypeError, match="cannot hold"):
        Unsupported.validate({"tags": ["a"]})


def test_a_model_declared_without_postponed_annotations_is_read_the_same() -> None:
    source = "class Plain(Strict):\n    score: Score | None = None\n    name: Text\n"
    namespace = {"Strict": Strict, "Score": Score, "Text": Text, "__name__": __name__}
    exec(compile(source, "<model>", "exec", dont_inherit=True), namespace)
    plain = namespace["Plain"].validate({"name": "x", "score": "3"})
    assert (plain.name, plain.score) == ("x", 3)
    with pytest.raises(Invalid):
        namespace["Plain"].validate({"name": "x", "score": 9})
