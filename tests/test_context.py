"""What the documents conclude from the data: every statement must be true of the file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from klusterdocs.context.format import Formatter
from klusterdocs.context.initiative import initiative_context
from klusterdocs.loading import load_initiative
from klusterdocs.model import InitiativeFile
from klusterdocs.phases import assess
from tests.conftest import EXAMPLE, THIN
from tests.strategies import initiatives

DAY = dt.date(2013, 1, 1)


def _context(extra: dict[str, Any], lang: str = "sv") -> dict[str, Any]:
    model = InitiativeFile.validate({**yaml.safe_load(THIN), **extra})
    return initiative_context(model, lang, DAY)


def _thin(phase: str, **extra: Any) -> InitiativeFile:
    data = yaml.safe_load(THIN)
    data["initiative"]["phase"] = phase
    return InitiativeFile.validate({**data, **extra})


RISKS = [
    {
        "id": "r1",
        "text": "Nyckelperson",
        "probability": 3,
        "impact": 4,
        "mitigation": "Dela",
        "owner": "Ordf.",
    },
    {
        "id": "r2",
        "text": "Finansiering",
        "probability": 2,
        "impact": 5,
        "mitigation": "Sök",
        "owner": "VD",
    },
]


def test_two_scored_risks_with_owners_are_risk_management_done() -> None:
    by_key = {r.item.key: r for r in assess(_thin("organisering", risks=RISKS))}
    assert by_key["riskhantering"].status == "done"
    assert by_key["riskhantering"].reason("sv") == (
        "Varje risk har en åtgärd; varje risk har en ansvarig."
    )
    one_owner = [RISKS[0], {**RISKS[1], "owner": None}]
    partly = {r.item.key: r for r in assess(_thin("organisering", risks=one_owner))}
    assert partly["riskhantering"].status == "partial"
    assert "en av två risker har en ansvarig" in partly["riskhantering"].reason("sv")


def test_one_measured_value_is_follow_up_begun_not_missing() -> None:
    indicators = [
        {"id": "i1", "name": "Medlemmar", "actuals": [{"date": "2012-06-30", "value": 40}]},
        {"id": "i2", "name": "Produkter"},
    ]
    by_key = {r.item.key: r for r in assess(_thin("organisering", indicators=indicators))}
    assert by_key["indikatoruppfoljning"].status == "partial"
    assert by_key["indikatoruppfoljning"].reason("sv") == (
        "En av två indikatorer har ett uppmätt utfall."
    )
    assert by_key["indikatoruppfoljning"].reason("en") == (
        "A measured value for one of two indicators."
    )


def test_focus_areas_and_activities_count_as_evidence() -> None:
    strategy = {"focus_areas": [{"id": "fa", "name": "Internationell samverkan"}]}
    model = _thin(
        "organisering",
        strategy=strategy,
        activities=[{"id": "a", "title": "Exportresa till Tyskland", "status": "done"}],
    )
    by_key = {r.item.key: r for r in assess(model)}
    assert by_key["internationalisering"].status == "done"
    assert "”Internationell samverkan” och ”Exportresa till Tyskland”" in (
        by_key["internationalisering"].reason("sv")
    )
    planned = {r.item.key: r for r in assess(_thin("organisering", strategy=strategy))}
    assert planned["internationalisering"].status == "partial"


def test_every_checklist_item_says_why_in_the_documents() -> None:
    for lang in ("sv", "en"):
        context = initiative_context(load_initiative(EXAMPLE), lang, DAY)
        assert all(row["comment"] for row in context["checklist_rows"])


def test_the_result_is_a_surplus_a_deficit_or_a_balance_with_its_amount() -> None:
    def budget(income: int, costs: int) -> dict[str, Any]:
        return {
            "budget": {
                "income": [{"source": "Region", "kind": "public", "amounts": {2013: income}}],
                "costs": [{"item": "Lön", "category": "personnel", "amounts": {2013: costs}}],
            }
        }

    assert (
        "överskott på 2\u00a0900\u00a0000\u00a0kr"
        in _context(budget(3_000_000, 100_000))["budget"]["result_text"]
    )
    assert (
        "underskott på 50\u00a0000\u00a0kr"
        in _context(budget(50_000, 100_000))["budget"]["result_text"]
    )
    assert "i balans" in _context(budget(100_000, 100_000))["budget"]["result_text"]


def test_the_prestudy_recommends_from_the_checklist_and_never_past_the_last_phase() -> None:
    empty = initiative_context(_thin("initiering"), "sv", DAY)["recommendation"]
    assert empty["decision"] == "not_yet"
    assert empty["text"].startswith("Förstudien rekommenderar att initiativet ännu inte går vidare")
    assert "ingen av fem punkter" in empty["text"].lower()
    assert empty["conditions"]
    last = initiative_context(_thin("organisering"), "sv", DAY)
    assert "går vidare till" not in last["recommendation"]["text"]
    assert last["next_phase_text"] == ""
    example = initiative_context(load_initiative(EXAMPLE), "sv", DAY)["recommendation"]
    assert example["decision"] == "go_with_conditions"
    assert any(c.startswith("Finansiering beviljad") for c in example["conditions"])


def test_counts_are_said_in_words_with_the_right_number() -> None:
    one = {
        "strategy": {
            "focus_areas": [{"id": "f", "name": "F"}],
            "goals": [{"id": "g", "text": "G"}],
        },
        "activities": [{"id": "a", "title": "A"}],
        "actors": [{"id": "x", "name": "X AB", "helix": "industry", "member": True}],
    }
    sv, en = _context(one)["summary"], _context(one, "en")["summary"]
    assert "Handlingsplanen omfattar en aktivitet, och strategin har ett insatsområde." in sv[2]
    assert "Initiativet har satt upp ett mål." in sv[2]
    assert "The action plan has one activity, and the strategy has one focus area." in en[2]
    assert "The actor register has one actor in one category." in en[1]
    # the Triple Helix has three parts; the register's categories are counted as categories
    assert "Av Triple Helix tre delar finns företag med; akademi och offentlig förvaltning" in sv[1]
    critical = _context(one)["critical_mass_text"]
    assert critical == "Aktörsregistret listar ett företag, som är medlem."
    three = [
        {"id": f"f{n}", "name": f"F{n}", "helix": "industry", "member": n == 0} for n in range(3)
    ]
    assert _context({"actors": three})["critical_mass_text"] == (
        "Aktörsregistret listar tre företag, varav ett är medlem."
    )


@pytest.mark.parametrize("phase", ["initiering", "mobilisering", "formering", "organisering"])
def test_swedish_documents_say_everything_in_swedish(phase: str) -> None:
    context = initiative_context(
        load_initiative(EXAMPLE).replace(
            initiative=load_initiative(EXAMPLE).initiative.replace(phase=phase)
        ),
        "sv",
        DAY,
    )
    said = str(context)
    for english in ("Bottom up", "Top down", "power och interest", "(actors[]"):
        assert english not in said
    assert not any("Genomför förstudien" in step for step in context["phase"]["next_steps"])


_CENTS = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


@given(st.lists(_CENTS, min_size=1, max_size=4), st.lists(_CENTS, min_size=1, max_size=4))
def test_amounts_in_cents_are_shown_and_concluded_to_the_cent(
    income: list[Decimal], costs: list[Decimal]
) -> None:
    """0.10 is a deficit of 0,10 €, not of "0 €"; 0.1 + 0.2 against 0.3 is a balance."""
    budget = {
        "currency": "EUR",
        "income": [
            {"source": f"K{n}", "kind": "public", "amounts": {2024: float(v)}}
            for n, v in enumerate(income)
        ],
        "costs": [
            {"item": f"P{n}", "category": "other", "amounts": {2024: float(v)}}
            for n, v in enumerate(costs)
        ],
    }
    context = _context({"budget": budget})["budget"]
    money = Formatter("sv", "EUR", cents=any(v % 1 for v in [*income, *costs])).money
    exact = sum(income) - sum(costs)
    if exact > 0:
        assert f"överskott på {money(float(exact))}" in context["result_text"]
    elif exact < 0:
        assert f"underskott på {money(float(-exact))}" in context["result_text"]
    else:
        assert "i balans" in context["result_text"]
    assert [row["total"] for row in context["income"]] == [money(float(v)) for v in income]
    assert context["income_total"] == money(float(sum(income)))
    assert context["cost_total"] == money(float(sum(costs)))


@given(initiatives())
def test_what_the_documents_conclude_is_true_of_any_file(model: InitiativeFile) -> None:
    context = initiative_context(model, "sv", DAY)
    budget, b = context["budget"], model.budget
    result = budget["result_text"]
    if b.income and b.costs:
        assert ("visar ett överskott" in result) == (b.balance > 0)
        assert ("visar ett underskott" in result) == (b.balance < 0)
        assert ("i balans" in result) == (b.balance == 0)
        short_years = [y for y, v in b.balance_by_year.items() if v < 0]
        assert ("Enskilda år går med underskott" in result) == (
            b.balance >= 0 and bool(short_years)
        )
    results = assess(model)
    exit_check = [r for r in results if r.item.group == "exit" and r.status != "unknown"]
    decision = context["recommendation"]["decision"]
    task_missing = any(r.item.group == "tasks" and r.status == "missing" for r in results)
    all_done = bool(exit_check) and all(r.status == "done" for r in exit_check)
    if model.prestudy.decision:  # the team's own conclusion, said as theirs
        assert decision == model.prestudy.decision
        assert context["recommendation"]["text"].startswith("Förstudiens slutsats")
    else:
        assert (decision == "go") == (all_done and not task_missing)  # a missing task is one
    if model.initiative.phase == "organisering":
        assert "går vidare till" not in context["recommendation"]["text"]
    assert all(row["comment"] for row in context["checklist_rows"])
    for row in context["checklist_rows"]:
        if row["status"] == "Klar":
            assert "saknas" not in row["comment"].lower() or "markerad" in row["comment"].lower()


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Smart Textiles", 60, "Smart Textiles"),
        ("Ett kluster för hållbara textilier i Sjuhärad", 30, "Ett kluster för hållbara…"),
        ("Klusterinitiativ: smarta, hållbara textilier", 20, "Klusterinitiativ…"),
        ("Donaudampfschifffahrtsgesellschaftskapitän", 12, "Donaudampfs…"),
        ("  rader\n  ombrutna   av   YAML  ", 60, "rader ombrutna av YAML"),
    ],
)
def test_abbreviated_cuts_after_a_whole_word(text: str, limit: int, expected: str) -> None:
    from klusterdocs.context.format import abbreviated

    assert abbreviated(text, limit) == expected
    assert len(abbreviated(text, limit)) <= limit


def test_a_long_name_is_shortened_in_the_running_header_only(write) -> None:
    name = " ".join(f"Ord{n}" for n in range(300))
    model = load_initiative(write(THIN.replace("name: Tunt Kluster", f"name: {name}")))
    initiative = initiative_context(model, "sv", DAY)["initiative"]
    assert initiative["name"] == name
    assert len(initiative["running_title"]) <= 60
    assert initiative["running_title"].endswith("…")


def test_a_share_above_nothing_is_never_shown_as_none_nor_below_all_as_all() -> None:
    from klusterdocs.context.initiative import _whole_percents

    shown = _whole_percents({"public": 0.9975, "private": 0.0025, "in_kind": 0.0})
    assert shown == {"public": 0.99, "private": 0.01, "in_kind": 0.0}
    percent = Formatter("sv").percent
    assert (percent(0.0025), percent(0.9975), percent(0.0), percent(1.0)) == (
        "<\u00a01\u00a0%",
        ">\u00a099\u00a0%",
        "0\u00a0%",
        "100\u00a0%",
    )


def test_staffing_of_one_full_time_post_is_said_in_the_singular() -> None:
    one = [
        {"name": "A", "role": "Processledare", "share": 60},
        {"name": "B", "role": "R", "share": 40},
    ]
    assert _context({"staffing": one})["staffing_total"] == (
        "Bemanningen motsvarar sammanlagt en heltidstjänst."
    )
    assert (
        "1,5 heltidstjänster"
        in _context({"staffing": [*one, {"name": "C", "role": "R", "share": 50}]})["staffing_total"]
    )


def test_what_the_summary_and_the_cash_split_say_agrees_with_the_tables() -> None:
    """A funder's review: three cancelled activities were 'the action plan has three
    activities'; a budget of costs alone had 'funding of 0 kr, of which 0 % public'; the
    in-kind share was 23 % in the table and 24 % in the text."""
    cancelled = [{"id": f"a{n}", "title": f"A{n}", "status": "cancelled"} for n in range(3)]
    summary = " ".join(_context({"activities": cancelled})["summary"])
    assert "Handlingsplanen omfattar tre aktiviteter. Inställda: tre aktiviteter." in summary
    costs = {"costs": [{"item": "Lön", "category": "personnel", "amounts": {2013: 700000}}]}
    summary = " ".join(_context({"budget": costs})["summary"])
    assert "0\u00a0%" not in summary and "kostnaderna uppgår till 700" in summary
    income = [
        {"source": "R", "kind": "public", "amounts": {2013: 1_200_000}},
        {"source": "F", "kind": "private", "amounts": {2013: 100_000}},
        {"source": "T", "kind": "in_kind", "amounts": {2013: 400_000}},
    ]
    budget = _context({"budget": {"income": income}})
    [in_kind] = [s for s in budget["budget"]["shares"] if s["kind"] == "In natura"]
    assert f"({in_kind['share']})" in budget["cofinancing"]["cash_text"]


def test_a_prestudy_that_does_not_move_on_yet_says_when_the_next_phase_comes() -> None:
    context = _context({"prestudy": {"decision": "not_yet"}})
    assert context["next_phase_text"].startswith("När villkoren ovan är uppfyllda är nästa fas")


def test_no_activity_budget_table_without_an_activity_budget() -> None:
    activities = [{"id": "a1", "title": "Frukostmöte"}]
    assert _context({"activities": activities})["activity_budget"] == []
    activities[0]["budget"] = {2013: 5000}
    assert (
        _context({"activities": activities})["activity_budget"][0]["total"] == "5\u00a0000\u00a0kr"
    )


def test_an_actor_not_yet_scored_is_in_the_action_list_to_be_scored_first() -> None:
    actors = [
        {"id": "bank", "name": "Banken", "helix": "finance", "power": 2, "interest": 1},
        {"id": "chalmers", "name": "Chalmers", "helix": "academia", "power": 5},
    ]
    priorities = _context({"actors": actors})["stakeholders"]["priorities"]
    assert [(p["rank"], p["name"]) for p in priorities] == [("1", "Banken"), ("–", "Chalmers")]
    assert priorities[1]["strategy"] == "Bedöm först inflytande och intresse."


def test_equal_amounts_show_equal_percents_and_the_text_says_what_the_table_shows() -> None:
    """2,000 public, 500 private and 500 in kind: the table gave 66/17/17 (or 67/17/16), the
    text 67 %. Equal amounts are rounded alike; the text takes the table's figures."""
    from klusterdocs.context.initiative import _whole_percents

    assert _whole_percents({"a": 2 / 3, "b": 1 / 6, "c": 1 / 6}) == {
        "a": 0.67,
        "b": 0.17,
        "c": 0.17,
    }
    assert _whole_percents({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}) == {
        "a": 0.33,
        "b": 0.33,
        "c": 0.33,
    }
    budget = {
        "cofinancing_limit": 50,
        "income": [
            {"source": "Region", "kind": "public", "amounts": {2013: 2000}},
            {"source": "Firms", "kind": "private", "amounts": {2013: 500}},
            {"source": "Time", "kind": "in_kind", "amounts": {2013: 500}},
        ],
        "costs": [{"item": "Staff", "category": "personnel", "amounts": {2013: 3000}}],
    }
    context = _context({"budget": budget})
    rows = {row["kind"]: row["share"] for row in context["budget"]["shares"]}
    assert rows == {"Offentlig": "67\u00a0%", "Privat": "17\u00a0%", "In natura": "17\u00a0%"}
    assert "det vill säga 67\u00a0%" in context["cofinancing"]["text"]
    assert "(83\u00a0%)" in context["cofinancing"]["cash_text"]


def test_a_span_of_days_says_each_year_it_touches() -> None:
    days = Formatter("sv").days
    assert days(dt.date(2012, 6, 14), dt.date(2012, 6, 15)) == "14–15 juni 2012"
    assert days(dt.date(2012, 6, 29), dt.date(2012, 7, 2)) == "29 juni–2 juli 2012"
    assert days(dt.date(2024, 12, 30), dt.date(2025, 1, 2)) == "30 december 2024–2 januari 2025"
    assert Formatter("en").days(dt.date(2024, 12, 30), dt.date(2024, 12, 30)) == "30 December 2024"


def test_a_budget_says_what_its_sums_hide_and_claims_no_grant_of_nothing() -> None:
    """A surplus over the years hid a year's deficit; a source of 0 kr, expected, made
    "All finansiering är beviljad"."""

    def budget(income: dict[int, int], costs: dict[int, int], status: str) -> dict[str, Any]:
        return {
            "budget": {
                "income": [{"source": "R", "kind": "public", "status": status, "amounts": income}],
                "costs": [{"item": "K", "category": "other", "amounts": costs}],
            }
        }

    said = _context(budget({2023: 500, 2024: 100}, {2023: 200, 2024: 200}, "granted"))
    assert "Enskilda år går med underskott: 2024 (100\u00a0kr)." in said["budget"]["result_text"]
    nothing = _context(budget({2023: 0}, {2023: 0}, "expected"))["budget"]["result_text"]
    assert "beviljad" not in nothing


def test_the_prestudy_does_not_go_on_with_an_exit_item_not_begun_nor_list_a_task_twice() -> None:
    """One of five exit items done, one with nothing at all (no process group): not yet.
    The task short of the same thing as an exit item is one condition, not two."""
    model = _thin("initiering", strategy={"strategic_idea": "En idé"})
    recommendation = initiative_context(model, "sv", DAY)["recommendation"]
    assert recommendation["decision"] == "not_yet"
    shortfalls = [c.split(": ", 1)[1] for c in recommendation["conditions"]]
    assert len(shortfalls) == len(set(shortfalls))


def test_long_term_funding_is_not_done_with_a_deficit_or_above_the_ceiling() -> None:
    income = [
        {"source": "R", "kind": "public", "amounts": {2023: 900}},
        {"source": "F", "kind": "private", "amounts": {2023: 100}},
    ]
    budget = {
        "cofinancing_limit": 50,
        "income": income,
        "costs": [{"item": "K", "category": "other", "amounts": {2023: 2000}}],
    }
    by_key = {r.item.key: r for r in assess(_thin("organisering", budget=budget))}
    funding = next(r for k, r in by_key.items() if "privat" in r.item.label["sv"])
    assert funding.status == "partial"
    assert "underskott" in funding.shortfall("sv") and "taket" in funding.shortfall("sv")


def test_a_text_that_ends_its_sentence_gets_no_second_full_stop() -> None:
    initiative = {**yaml.safe_load(THIN)["initiative"], "host": "Žluť s.r.o."}
    summary = _context({"initiative": initiative})["summary"]
    assert "Huvudman är Žluť s.r.o." in summary[0] and "s.r.o.." not in summary[0]


def test_a_swot_with_a_field_left_empty_says_so_in_it() -> None:
    swot = _context({"context": {"swot": {"strengths": ["Styrka"]}}})["context"]["swot"]
    assert swot["strengths"] == ["Styrka"]
    assert swot["threats"] == swot["opportunities"] == ["Inga angivna."]
    assert _context({})["context"]["swot"] is None


def test_long_amounts_get_fewer_years_per_table() -> None:
    """Five years of amounts with öre in tables of four years broke "11 363 644,16 kr" inside
    the number: such amounts go two years to a table."""
    years = {y: 11_363_644.16 for y in range(2024, 2029)}
    budget = {
        "income": [{"source": "R", "kind": "public", "amounts": years}],
        "costs": [{"item": "K", "category": "other", "amounts": years}],
    }
    groups = _context({"budget": budget})["budget"]["groups"]
    assert [g["years"] for g in groups] == [["2024", "2025"], ["2026", "2027"], ["2028"]]
    whole = {y: 100_000 for y in range(2024, 2029)}
    budget["income"][0]["amounts"] = budget["costs"][0]["amounts"] = whole
    assert len(_context({"budget": budget})["budget"]["groups"][0]["years"]) == 4


def test_indicators_in_units_far_apart_are_charted_as_shares_of_their_targets() -> None:
    """5 demonstrators beside 5,000 tonnes on one axis left the first without a bar."""

    def indicator(key: str, unit: str, target: float, actual: float) -> dict[str, Any]:
        return {
            "id": key,
            "name": key,
            "type": "result",
            "unit": unit,
            "baseline": {"value": 0, "date": "2020-01-01"},
            "targets": [{"year": 2026, "value": target}],
            "actuals": [{"date": "2024-06-30", "value": actual}],
        }

    mixed = _context(
        {"indicators": [indicator("a", "st", 5, 1), indicator("b", "ton", 5000, 4000)]}
    )
    chart = mixed["indicator_chart"]
    assert chart.title == "Indikatorer: nollpunkt och senaste värde i procent av målet"
    assert [s.numbers for s in chart.series] == [(0.0, 0.0), (20.0, 80.0)]
    assert "1 st" in chart.alt and "4\u00a0000 ton" in chart.alt  # the figures as typed
    alike = _context({"indicators": [indicator("a", "st", 5, 1), indicator("b", "st", 8, 4)]})
    assert alike["indicator_chart"].title == "Indikatorer: nollpunkt, senaste värde och mål"


def test_a_budget_or_indicators_of_noughts_get_no_chart() -> None:
    """Their axes read 0, 1, 1 over bars of nothing."""
    budget = {
        "income": [{"source": "R", "kind": "public", "amounts": {2023: 0}}],
        "costs": [{"item": "K", "category": "other", "amounts": {2023: 0}}],
    }
    indicator = {
        "id": "i",
        "name": "I",
        "type": "result",
        "baseline": {"value": 0, "date": "2020-01-01"},
        "targets": [{"year": 2026, "value": 0}],
    }
    context = _context({"budget": budget, "indicators": [indicator]})
    assert context["budget"]["year_chart"] is None and context["indicator_chart"] is None
