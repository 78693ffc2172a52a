"""`klusterdocs export`: the budget, the actor register or the indicators as an Excel workbook.

Headings and words are in the document's language, amounts and dates carry number formats of
that language (`1 234 567 kr`, `SEK 1,234,567`), totals are formulas (with their values stored,
for readers that do not calculate), and the header row stays in view. The same file, language
and klusterdocs give the same bytes: the workbook's date is the document's date.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from klusterdocs.model import InitiativeFile
from klusterdocs.spreadsheets.columns import heading, sheet_name, word

What = Literal["budget", "actors", "indicators"]
FILE_NAMES: dict[str, str] = {
    "budget": "budget.xlsx",
    "actors": "aktorer.xlsx",
    "indicators": "indikatorer.xlsx",
}
_LOCALE_TAGS = {"sv": "[$-41D]", "en": "[$-809]"}  # Swedish, English (United Kingdom)


def export_path(model: InitiativeFile, what: What, output_dir: Path) -> Path:
    """Where the workbook is written: `OUT/<slug>/<name>.xlsx`, beside the documents."""
    return output_dir / model.initiative.slug / FILE_NAMES[what]


def write_workbook(
    model: InitiativeFile,
    what: What,
    output_dir: Path,
    *,
    lang: str | None = None,
    source: Path | None = None,
) -> Path:
    """Write the workbook `what` of `model` into `output_dir`; return its path."""
    from klusterdocs.output import claimed_folder, write_atomic

    target = export_path(model, what, output_dir)
    content = workbook_bytes(model, what, lang or model.language)
    with claimed_folder(output_dir, target.parent, source):
        write_atomic(target, content)
    return target


def workbook_bytes(model: InitiativeFile, what: What, lang: str) -> bytes:
    """The workbook `what` of `model` in `lang`, as the bytes of a `.xlsx` file."""
    import xlsxwriter

    from klusterdocs.documents import build_day

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})  # entries get a fixed time
    day = model.document.date if model.document and model.document.date else build_day()
    leader = model.initiative.leader
    workbook.set_properties(
        {
            "title": f"{model.initiative.name}: {word('title_' + what, lang)}",
            "author": (model.document.author if model.document else None)
            or (leader.name if leader else ""),
            "created": dt.datetime.combine(day, dt.time()),
        }
    )
    styles = _Styles(
        workbook, lang, model.budget.currency if model.budget else "SEK", cents=model.has_cents
    )
    {"budget": _budget, "actors": _actors, "indicators": _indicators}[what](
        workbook, styles, model, lang
    )
    workbook.close()
    return buffer.getvalue()


class _Styles:
    """The cell formats of one workbook, in one language."""

    def __init__(self, workbook: Any, lang: str, currency: str, *, cents: bool = False) -> None:
        from babel.numbers import get_currency_symbol

        tag = _LOCALE_TAGS[lang]
        amount = "#,##0.00" if cents else "#,##0"  # as the documents show it
        if lang == "sv":
            symbol = get_currency_symbol(currency, locale="sv_SE")
            money = f'{tag}{amount} "{symbol}";{tag}"−"{amount} "{symbol}"'
        else:
            money = f'{tag}"{currency} "{amount};{tag}"−{currency} "{amount}'
        number = f'{tag}#,##0.##;{tag}"−"#,##0.##'
        whole = f'{tag}#,##0;{tag}"−"#,##0'
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#D9E2F3", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.header_number = workbook.add_format(
            {"bold": True, "bg_color": "#D9E2F3", "bottom": 1, "align": "right", "valign": "top"}
        )
        self.text = workbook.add_format({"valign": "top"})
        self.wrapped = workbook.add_format({"valign": "top", "text_wrap": True})
        self.money = workbook.add_format({"num_format": money, "valign": "top"})
        self.total_money = workbook.add_format({"num_format": money, "bold": True, "top": 1})
        self.total_label = workbook.add_format({"bold": True, "top": 1})
        self.whole = workbook.add_format({"num_format": whole, "valign": "top"})
        self.number = workbook.add_format({"num_format": number, "valign": "top"})
        self.date = workbook.add_format({"num_format": f"{tag}d mmmm yyyy", "valign": "top"})


@dataclass
class _Column:
    heading: str
    value: Callable[[Any], Any]
    style: str = "text"  # text | wrapped | whole | number | money | date
    width: float = 0


def _table(worksheet: Any, styles: _Styles, columns: list[_Column], rows: list[Any]) -> None:
    """Write a header row and one row per item, sized to what the cells hold."""
    for index, column in enumerate(columns):
        numeric = column.style in ("whole", "number", "money")
        header = styles.header_number if numeric else styles.header
        worksheet.write_string(0, index, column.heading, header)
        longest = len(column.heading)
        for number, row in enumerate(rows, start=1):
            value = column.value(row)
            _write(worksheet, number, index, value, getattr(styles, column.style))
            if value is not None:
                longest = max(longest, min(len(str(value)), 60))
        wrapped = column.style == "wrapped"
        fitted = (min(longest, 45) if wrapped else longest) * 1.1 + 2
        width = column.width if wrapped and column.width else max(column.width, fitted)
        style = styles.wrapped if wrapped else None
        worksheet.set_column(index, index, max(width, 8), style)
    worksheet.freeze_panes(1, 0)
    _printed(worksheet)


def _printed(worksheet: Any) -> None:
    """On paper: landscape, as wide as one page, the header row on every page."""
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(0)


def _write(worksheet: Any, row: int, column: int, value: Any, style: Any) -> None:
    if value is None or value == "":
        worksheet.write_blank(row, column, None, style)
    elif isinstance(value, dt.date):
        worksheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), style)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        worksheet.write_number(row, column, value, style)
    else:
        worksheet.write_string(row, column, str(value), style)


def _enum(lang: str, enum: str) -> Callable[[str | None], str]:
    from klusterdocs.i18n import enum_label

    return lambda value: enum_label(lang, enum, value)


# --- the actor register ------------------------------------------------------------------------


def _actors(workbook: Any, styles: _Styles, model: InitiativeFile, lang: str) -> None:
    def h(name: str) -> str:
        return heading("actors", name, lang)

    yes, no = word("yes", lang), word("no", lang)
    columns = [
        _Column(h("id"), lambda a: a.id),
        _Column(h("name"), lambda a: a.name, width=30),
        _Column(h("helix"), lambda a: _enum(lang, "helix")(a.helix)),
        _Column(h("role"), lambda a: a.role, "wrapped"),
        _Column(h("core"), lambda a: _enum(lang, "core")(a.core)),
        _Column(h("member"), lambda a: None if a.member is None else yes if a.member else no),
        _Column(h("power"), lambda a: a.power, "whole"),
        _Column(h("interest"), lambda a: a.interest, "whole"),
        _Column(h("attitude"), lambda a: _enum(lang, "attitude")(a.attitude)),
        _Column(h("expectations"), lambda a: a.expectations, "wrapped"),
        _Column(h("contribution"), lambda a: a.contribution, "wrapped"),
        _Column(h("engagement"), lambda a: a.engagement, "wrapped"),
        _Column(h("owner"), lambda a: a.owner),
        _Column(h("contact.name"), lambda a: a.contact.name if a.contact else None),
        _Column(h("contact.email"), lambda a: a.contact.email if a.contact else None),
        _Column(h("contact.phone"), lambda a: a.contact.phone if a.contact else None),
    ]
    worksheet = workbook.add_worksheet(sheet_name("actors", lang))
    _table(worksheet, styles, columns, list(model.actors))
    worksheet.freeze_panes(1, 2)  # the header and the actor's id and name stay in view
    worksheet.autofilter(0, 0, len(model.actors), len(columns) - 1)


# --- the budget --------------------------------------------------------------------------------


def _cell(row: int, column: int, *, absolute: bool = False) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return str(xl_rowcol_to_cell(row, column, row_abs=absolute, col_abs=absolute))


def _amount_in(year: int) -> Callable[[Any], Any]:
    return lambda row: row.amounts.get(year)


def _target_in(year: int) -> Callable[[Any], Any]:
    return lambda indicator: next((t.value for t in indicator.targets if t.year == year), None)


def _budget_sheet(
    workbook: Any,
    styles: _Styles,
    title: str,
    lead: list[_Column],
    rows: list[Any],
    years: list[int],
    lang: str,
) -> tuple[str, int, int, dict[int, float]]:
    """One list of the budget with a total per row and per year, as formulas.

    Returns the sheet's name, the row of its totals, the first year's column and the totals.
    """
    columns = [
        *lead,
        *(_Column(str(year), _amount_in(year), "money", 14) for year in years),
    ]
    worksheet = workbook.add_worksheet(title)
    _table(worksheet, styles, columns, rows)
    first = len(lead)
    last = first + len(years) - 1
    total_column = last + 1
    worksheet.write_string(0, total_column, word("total", lang), styles.header_number)
    worksheet.set_column(total_column, total_column, 16)
    for number, row in enumerate(rows, start=1):
        formula = f"=SUM({_cell(number, first)}:{_cell(number, last)})" if years else "=0"
        worksheet.write_formula(
            number, total_column, formula, styles.money, sum(row.amounts.values())
        )
    total_row = len(rows) + 1
    worksheet.write_string(total_row, 0, word("total", lang), styles.total_label)
    for column in range(1, first):
        worksheet.write_blank(total_row, column, None, styles.total_label)
    totals: dict[int, float] = {}
    for offset, year in enumerate([*years, None]):
        column = first + offset
        value = (
            sum(r.amounts.get(year, 0) for r in rows)
            if year is not None
            else sum(sum(r.amounts.values()) for r in rows)
        )
        formula = (
            f"=SUM({_cell(1, column)}:{_cell(max(total_row - 1, 1), column)})" if rows else "=0"
        )
        worksheet.write_formula(total_row, column, formula, styles.total_money, value)
        if year is not None:
            totals[year] = value
    worksheet.freeze_panes(1, 1)
    return title, total_row, first, totals


def _budget(workbook: Any, styles: _Styles, model: InitiativeFile, lang: str) -> None:
    from klusterdocs.model.initiative import Budget

    budget = model.budget or Budget()
    years = budget.years

    def h(table: str, name: str) -> str:
        return heading(table, name, lang)

    yes, no = word("yes", lang), word("no", lang)
    income_columns = [
        _Column(h("income", "source"), lambda r: r.source, width=32),
        _Column(h("income", "kind"), lambda r: _enum(lang, "income_kind")(r.kind)),
        _Column(h("income", "status"), lambda r: _enum(lang, "income_status")(r.status)),
        _Column(h("income", "cash"), lambda r: None if r.cash is None else yes if r.cash else no),
    ]
    cost_columns = [
        _Column(h("costs", "item"), lambda r: r.item, width=32),
        _Column(h("costs", "category"), lambda r: _enum(lang, "cost_category")(r.category)),
    ]
    income = _budget_sheet(
        workbook,
        styles,
        sheet_name("income", lang),
        income_columns,
        list(budget.income),
        years,
        lang,
    )
    costs = _budget_sheet(
        workbook, styles, sheet_name("costs", lang), cost_columns, list(budget.costs), years, lang
    )
    _summary(workbook, styles, budget, years, income, costs, lang)


def _summary(
    workbook: Any,
    styles: _Styles,
    budget: Any,
    years: list[int],
    income: tuple[str, int, int, dict[int, float]],
    costs: tuple[str, int, int, dict[int, float]],
    lang: str,
) -> None:
    """Income, costs and the result per year, and income by kind: formulas on the two lists."""
    worksheet = workbook.add_worksheet(sheet_name("summary", lang))
    worksheet.write_string(0, 0, "", styles.header)
    for offset, year in enumerate([*years, None]):
        label = str(year) if year is not None else word("total", lang)
        worksheet.write_string(0, 1 + offset, label, styles.header_number)
    worksheet.set_column(0, 0, 28)
    worksheet.set_column(1, len(years) + 1, 16)
    _printed(worksheet)

    def linked(row: int, label: str, sheet: tuple[str, int, int, dict[int, float]]) -> None:
        name, total_row, first, totals = sheet
        worksheet.write_string(row, 0, label, styles.text)
        for offset, year in enumerate([*years, None]):
            value = totals.get(year, 0) if year is not None else sum(totals.values())
            source = f"='{name}'!{_cell(total_row, first + offset)}"
            worksheet.write_formula(row, 1 + offset, source, styles.money, value)

    linked(1, word("income_total", lang), income)
    linked(2, word("costs_total", lang), costs)
    worksheet.write_string(3, 0, word("result", lang), styles.total_label)
    for offset, year in enumerate([*years, None]):
        column = 1 + offset
        value = budget.balance_by_year.get(year, 0) if year is not None else budget.balance
        formula = f"={_cell(1, column)}-{_cell(2, column)}"
        worksheet.write_formula(3, column, formula, styles.total_money, value)
    name, total_row, first, _ = income
    kind_column = _cell(1, 1, absolute=True) + ":" + _cell(max(total_row - 1, 1), 1, absolute=True)
    for index, kind in enumerate(("public", "private", "in_kind")):
        row = 5 + index
        label = _enum(lang, "income_kind")(kind)
        worksheet.write_string(row, 0, label, styles.text)
        for offset, year in enumerate([*years, None]):
            column = first + offset
            sums = f"{_cell(1, column)}:{_cell(max(total_row - 1, 1), column)}"
            formula = f"=SUMIF('{name}'!{kind_column},\"{label}\",'{name}'!{sums})"
            value = sum(
                (r.amounts.get(year, 0) if year is not None else sum(r.amounts.values()))
                for r in budget.income
                if r.kind == kind
            )
            worksheet.write_formula(row, 1 + offset, formula, styles.money, value)
    worksheet.freeze_panes(1, 1)


# --- the indicators ----------------------------------------------------------------------------


def _indicators(workbook: Any, styles: _Styles, model: InitiativeFile, lang: str) -> None:
    def h(name: str) -> str:
        return heading("indicators", name, lang)

    years = sorted({t.year for i in model.indicators for t in i.targets})
    columns = [
        _Column(h("id"), lambda i: i.id),
        _Column(h("name"), lambda i: i.name, "wrapped", 40),
        _Column(h("type"), lambda i: _enum(lang, "indicator_type")(i.type)),
        _Column(h("unit"), lambda i: i.unit),
        _Column(h("baseline.value"), lambda i: i.baseline.value if i.baseline else None, "number"),
        _Column(h("baseline.date"), lambda i: i.baseline.date if i.baseline else None, "date"),
        _Column(
            h("baseline.source"), lambda i: i.baseline.source if i.baseline else None, "wrapped"
        ),
        *(_Column(word("target", lang, year=year), _target_in(year), "number") for year in years),
        _Column(word("latest", lang), lambda i: _latest(i, "value"), "number"),
        _Column(word("latest_date", lang), lambda i: _latest(i, "date"), "date", 18),
    ]
    worksheet = workbook.add_worksheet(sheet_name("indicators", lang))
    _table(worksheet, styles, columns, list(model.indicators))
    worksheet.freeze_panes(1, 2)
    measured = [(i, a) for i in model.indicators for a in sorted(i.actuals, key=lambda a: a.date)]
    measurements = [
        _Column(h("id"), lambda m: m[0].id),
        _Column(h("name"), lambda m: m[0].name, "wrapped", 40),
        _Column(word("date", lang), lambda m: m[1].date, "date", 18),
        _Column(word("value", lang), lambda m: m[1].value, "number"),
        _Column(h("unit"), lambda m: m[0].unit),
    ]
    _table(workbook.add_worksheet(sheet_name("measurements", lang)), styles, measurements, measured)


def _latest(indicator: Any, name: str) -> Any:
    """The `value` or `date` of the indicator's latest measurement, or None."""
    if not indicator.actuals:
        return None
    return getattr(max(indicator.actuals, key=lambda a: a.date), name)
