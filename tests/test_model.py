"""Derived values: computed once in the model, checked here with figures worked out by hand."""

from __future__ import annotations

import pytest

from klusterdocs.loading import load_initiative
from klusterdocs.model import InitiativeFile
from klusterdocs.model.base import Invalid
from klusterdocs.model.types import FlexDate, slugify
from tests.conftest import EXAMPLE


def _initiative(**sections: object) -> InitiativeFile:
    return InitiativeFile.validate(
        {"initiative": {"name": "X", "region": "R", "focus": "F", "phase": "formering"}, **sections}
    )


@pytest.mark.parametrize(
    ("power", "interest", "quadrant"),
    [
        ("5", "5", "manage_closely"),
        ("3", "3", "manage_closely"),
        ("4", "1", "keep_satisfied"),
        ("2", "5", "keep_informed"),
        ("1", "2", "monitor"),
        (None, "4", None),
    ],
)
def test_actor_quadrant(power: str | None, interest: str, quadrant: str | None) -> None:
    actor = {"id": "a", "name": "A", "helix": "industry", "power": power, "interest": interest}
    assert _initiative(actors=[actor]).actors[0].quadrant == quadrant


def test_risks_sorted_by_score() -> None:
    model = _initiative(
        risks=[
            {"id": "low", "text": "L", "probability": "1", "impact": "2"},
            {"id": "none", "text": "N"},
            {"id": "high", "text": "H", "probability": "4", "impact": "5"},
        ]
    )
    assert [r.id for r in model.risks_by_score] == ["high", "low", "none"]
    assert model.risks_by_score[0].score == 20


def test_budget_totals_shares_and_balance_of_the_example() -> None:
    budget = load_initiative(EXAMPLE).budget
    assert budget.years == [2012, 2013]
    assert budget.income_by_year == {2012: 4_650_000, 2013: 5_050_000}
    assert budget.costs_by_year == {2012: 4_650_000, 2013: 5_050_000}
    assert budget.balance_by_year == {2012: 0, 2013: 0}
    assert budget.balance == 0
    assert budget.income_by_kind == {"public": 7_350_000, "private": 650_000, "in_kind": 1_700_000}
    assert sum(budget.shares_by_kind.values()) == pytest.approx(1)
    assert budget.shares_by_kind["public"] == pytest.approx(7_350_000 / 9_700_000)


def test_deficit_of_the_thin_example() -> None:
    budget = load_initiative(EXAMPLE.parent / "automation-region.yaml").budget
    assert budget.balance_by_year == {2012: 50_000, 2013: -100_000}
    assert budget.balance == -50_000


def test_empty_budget_has_zero_shares() -> None:
    budget = _initiative().budget
    assert budget.balance == 0
    assert set(budget.shares_by_kind.values()) == {0.0}


def test_flex_dates() -> None:
    assert FlexDate.parse("2013-06").last.isoformat() == "2013-06-30"
    assert FlexDate.parse("2012").first.isoformat() == "2012-01-01"
    assert str(FlexDate.parse("2012-8-20")) == "2012-08-20"


def test_empty_section_means_not_given() -> None:
    assert _initiative(strategy=None, actors=None).actors == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Smart Textiles", "smart-textiles"),
        ("Bär & Bröd: Klustret", "bar-brod-klustret"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "initiativ-con"),
        ("nul.txt", "initiativ-nul-txt"),
        ("Com1 Cluster", "initiativ-com1-cluster"),
        ("???", "initiativ"),
        ("日本", "riben"),  # other scripts transliterated: not all "initiativ"
        ("中国", "zhongguo"),
        ("Москва", "moskva"),
        ("Ærø Fjord", "aero-fjord"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_an_agenda_time_is_a_time_of_day() -> None:
    from klusterdocs.model import ProgramFile

    def program(time: str) -> dict[str, object]:
        agenda = [{"time": time, "item": "Start", "kind": "plenary"}]
        return {
            "program": {"title": "P"},
            "modules": [{"number": 1, "title": "E", "agenda": agenda}],
        }

    for good in ("10:00", "9.30", "00:00", "23:59", " 8:05 "):
        assert ProgramFile.validate(program(good)).modules[0].agenda[0].time == good
    for bad in ("25:99", "kl 11", "-1:00", "10:60", "24:00", "10"):
        with pytest.raises(Invalid) as raised:
            ProgramFile.validate(program(bad))
        [issue] = raised.value.issues
        assert issue.loc == ("modules", 0, "agenda", 0, "time")
        assert "expected a time of day like 10:00" in str(issue.details)


def test_what_a_file_says_twice_differently_is_located(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from klusterdocs.errors import InputError

    path = tmp_path / "k.yaml"
    path.write_text(
        "initiative: {name: K, region: X, focus: Y, phase: formering}\n"
        "budget:\n"
        "  income:\n"
        "    - {source: Tid, kind: in_kind, cash: true, amounts: {2012: 100}}\n"
        "indicators:\n"
        "  - {id: i1, name: A, targets: [{year: 2014, value: 10}, {year: 2014, value: 20}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as raised:
        load_initiative(path)
    said = [str(p) for p in raised.value.problems]
    assert any(":4:" in p and "given in kind is not cash" in p for p in said)
    assert any(":6:" in p and "a second target for 2014" in p for p in said)
    # a count beyond any region's is refused, not printed as another number
    path.write_text(
        "initiative: {name: K, region: X, focus: Y, phase: formering}\n"
        "prestudy: {firms_asked: 99999999999999999999}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="firms_asked: must be 1 000 000 000 or less"):
        load_initiative(path)


def test_a_whole_number_is_kept_exactly_however_long() -> None:
    from klusterdocs.model import ProgramFile

    data = {
        "program": {"title": "P"},
        "modules": [{"number": 1, "title": "E"}],
        "participants": [{"id": "p1", "name": "A", "group": "12345678901234567"}],
    }
    assert ProgramFile.validate(data).participants[0].group == 12345678901234567
