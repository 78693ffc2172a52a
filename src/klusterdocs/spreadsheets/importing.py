"""`klusterdocs import`: an actor register or a budget sheet into an initiative file.

Columns are found by their headings (Swedish or English, `data/spreadsheets.yaml`) and cells
may hold the words people type (`akademi`, `Ja`, `1 250 000 kr`). Every row is checked against
the input model; a row that is wrong is reported with its row, column and reason, and then
nothing is written, unless the caller skips bad rows. Items are merged into the file by id or
name: a row updates the item it names (an empty cell leaves the file's value) or adds one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from klusterdocs.errors import InputError, Problem, display_path
from klusterdocs.model.base import Invalid, Issue, Strict
from klusterdocs.spreadsheets import columns
from klusterdocs.spreadsheets.reading import Cell, Sheet, read_sheets

What = Literal["actors", "budget"]


@dataclass
class ImportReport:
    """What an import did (or, with problems and no skipping, would have done)."""

    target: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """One row taken from a sheet: the values of its recognised columns, by field."""

    sheet: Sheet
    number: int
    table: str  # actors | income | costs
    cells: dict[str, tuple[int, Cell]]  # field -> (column, cell)
    years: dict[int, tuple[int, Cell]]  # year -> (column, cell)
    headings: dict[str, str]  # field -> the heading as the sheet writes it
    columns: dict[str, int]  # field -> its column, its cell in this row empty or not

    def problem(self, name: str, message: str) -> Problem:
        """A problem at this row's cell of field `name` (the row's start if it has none)."""
        column, _ = self.cells.get(name, (1, None))
        where = self.headings.get(name, name)
        return self.sheet.problem(self.number, column, message, where=where)


def import_into(
    what: What,
    register: Path,
    into: Path,
    *,
    sheet: str | None = None,
    skip_bad: bool = False,
) -> ImportReport:
    """Merge the rows of `register` into the initiative file `into`; return what was done.

    Raises `InputError` with every bad row (and writes nothing) unless `skip_bad`, and with the
    file's own problems when `into` is not a valid initiative file to begin with.
    """
    from klusterdocs.loading import initiative_from_text, load_initiative
    from klusterdocs.output import write_atomic
    from klusterdocs.spreadsheets.yamlmerge import merge_section

    if not into.is_file():
        raise InputError(
            [
                Problem(
                    display_path(into),
                    1,
                    1,
                    "",
                    "no such initiative file; create it with 'klusterdocs init' first",
                )
            ]
        )
    load_initiative(into)  # the file's own problems first, located in the file as it is
    sheets = _chosen_sheets(what, read_sheets(register), sheet, display_path(register))
    report = ImportReport(into)
    rows, problems = _rows(what, sheets, report)
    if problems:  # a sheet without the columns it needs: no row can be taken
        raise InputError(problems)
    text = into.read_text(encoding="utf-8")
    merger = _merger(what, rows)
    new_text, _ = merge_section(text, what, merger.merge)
    if merger.problems and not skip_bad:
        raise InputError(merger.problems)
    if merger.problems:  # merge again without the bad rows
        report.skipped = sorted(merger.problems)
        merger = _merger(what, [r for r in rows if r not in merger.bad])
        new_text, _ = merge_section(text, what, merger.merge)
    report.added, report.updated, report.unchanged = merger.added, merger.updated, merger.unchanged
    initiative_from_text(new_text, into, f"{display_path(into)} (after the import)")
    if new_text != text:
        write_atomic(into, new_text.encode("utf-8"))
    return report


def _merger(what: What, rows: list[_Row]) -> _Merger:
    return _ActorMerger(rows) if what == "actors" else _BudgetMerger(rows)


def _chosen_sheets(what: What, sheets: list[Sheet], name: str | None, file: str) -> list[Sheet]:
    """The sheets to read: the one named, the budget's income and costs sheets, or the first."""
    if name is not None:
        found = [s for s in sheets if s.name.casefold() == name.casefold()]
        if not found:
            known = ", ".join(s.name for s in sheets)
            raise InputError([Problem(file, 1, 1, "", f"no sheet '{name}'; the sheets: {known}")])
        return found
    keys = ("income", "costs") if what == "budget" else ("actors",)
    named = [s for s in sheets if any(columns.is_sheet(k, s.name) for k in keys)]
    with_rows = [s for s in sheets if s.rows]
    return named or with_rows[:1] or sheets[:1]


# --- rows --------------------------------------------------------------------------------------

_YEAR = re.compile(r"^(19|20)\d\d$")


def _rows(
    what: What, sheets: list[Sheet], report: ImportReport
) -> tuple[list[_Row], list[Problem]]:
    rows: list[_Row] = []
    problems: list[Problem] = []
    for sheet in sheets:
        if not sheet.rows:
            problems.append(sheet.problem(1, 1, "the sheet is empty; expected a header row"))
            continue
        role = next((k for k in ("income", "costs") if columns.is_sheet(k, sheet.name)), None)
        tables = ["actors"] if what == "actors" else [role] if role else ["income", "costs"]
        header_number, header = sheet.rows[0]
        fields: dict[int, str] = {}
        years: dict[int, int] = {}
        headings: dict[str, str] = {}
        for column, cell in enumerate(header, start=1):
            text = _text(cell)
            if not text:
                continue
            found = next((f for t in tables if (f := _field(t, text))), None)
            if found and found not in headings:
                fields[column], headings[found] = found, text
            elif what == "budget" and _YEAR.match(text):
                years[column] = int(text)
            elif not columns.is_word("total", text):
                report.notes.append(
                    f"{sheet.file}: {sheet.name + ' ' if sheet.name else ''}column "
                    f"'{text}' is not a field klusterdocs knows; left out"
                )
        required = ["name"] if what == "actors" else ["name", "kind"]
        missing = [f for f in required if f not in headings]
        if missing:
            names = " or ".join(_names_of(tables, missing[0]))
            problems.append(
                sheet.problem(
                    header_number,
                    1,
                    f"no column for the {missing[0]} ({names}); the header row is the first "
                    "row that has text",
                    where="header",
                )
            )
            continue
        for number, cells in sheet.rows[1:]:
            values = {
                name: (column, cells[column - 1])
                for column, name in fields.items()
                if column <= len(cells) and cells[column - 1] is not None
            }
            amounts = {
                year: (column, cells[column - 1])
                for column, year in years.items()
                if column <= len(cells) and cells[column - 1] is not None
            }
            name_cell = values.get("name", (0, None))[1]
            if (
                what == "budget"
                and "kind" not in values
                and columns.is_word("total", _text(name_cell))
            ):
                continue  # the totals row of a workbook `export budget` wrote
            table = tables[0] if len(tables) == 1 else _budget_table(values)
            by_field = {name: column for column, name in fields.items()}
            rows.append(_Row(sheet, number, table, values, amounts, headings, by_field))
    return rows, problems


# The budget's two lists have the same shape: a name, a kind and amounts per year.
_BUDGET_FIELDS = {
    "income": {"name": "source", "kind": "kind", "status": "status", "cash": "cash"},
    "costs": {"name": "item", "kind": "category"},
}


def _field(table: str, heading: str) -> str | None:
    """The field a heading names in `table`, with the budget's names made common."""
    found = columns.field_for(table, heading)
    if table in _BUDGET_FIELDS and found is not None:
        common = {v: k for k, v in _BUDGET_FIELDS[table].items()}
        return common.get(found)
    return found


def _names_of(tables: list[str], common: str) -> list[str]:
    names: list[str] = []
    for table in tables:
        real = _BUDGET_FIELDS.get(table, {}).get(common, common)
        entry = columns.spec(table).get(real, {})
        names += [n for n in (entry.get("sv"), entry.get("en")) if n and n not in names]
    return names


def _budget_table(values: dict[str, tuple[int, Cell]]) -> str:
    """Income or costs, for a sheet that holds both: the kind's word decides."""
    word = _text(values.get("kind", (0, None))[1])
    return "costs" if columns.enum_value("cost_category", word) else "income"


def _text(cell: Cell) -> str:
    """A cell as text: `4.0` as `4`, a date as `2012-08-20`."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


# --- cells into values -------------------------------------------------------------------------

_ENUMS = {"helix": "helix", "core": "core", "attitude": "attitude"}
_BUDGET_ENUMS = {
    "income": {"kind": "income_kind", "status": "income_status"},
    "costs": {"kind": "cost_category"},
}
_NUMBERS = {"power", "interest"}


def _value(table: str, name: str, cell: Cell) -> Any:
    """A cell as the input format writes the field; a word it does not know stays as typed,
    for the model to report with what it expected."""
    enum = _ENUMS.get(name) if table == "actors" else _BUDGET_ENUMS[table].get(name)
    if enum:
        return columns.enum_value(enum, _text(cell)) or _text(cell)
    if name in ("member", "cash"):
        text = _text(cell)
        if columns.is_word("yes", text):
            return True
        return False if columns.is_word("no", text) else text
    if name in _NUMBERS:
        return amount(cell)
    return _text(cell)


_MONEY_WORDS = re.compile(r"(?i)\s*(kr|kronor|sek|eur|nok|dkk|usd|€|\$|:-)\s*")
_GROUP_SEPARATORS = re.compile("[ \u00a0\u202f']")


def amount(cell: Cell) -> float | int | str:
    """An amount from a cell: a number, or text as Swedish and English write money
    (`1 250 000 kr`, `SEK 1,250,000`, `12,5`); text that is no amount is returned as it is."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return int(cell) if float(cell).is_integer() else cell
    text = _MONEY_WORDS.sub("", _text(cell))
    text = _GROUP_SEPARATORS.sub("", text).replace("\u2212", "-")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")  # 1,250,000 (English grouping)
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")  # 1.250.000,50 (German style)
    elif re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")  # 12,5 (decimal comma)
    try:
        number = float(text)
    except ValueError:
        return _text(cell)
    return int(number) if number.is_integer() else number


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    """`{"contact.email": x}` -> `{"contact": {"email": x}}`."""
    out: dict[str, Any] = {}
    for dotted, value in values.items():
        head, _, rest = dotted.partition(".")
        if rest:
            out.setdefault(head, {})[rest] = value
        else:
            out[head] = value
    return out


def _checked(
    model: type[Strict], data: dict[str, Any], row: _Row, names: dict[str, str]
) -> list[Problem]:
    """Problems of `data` as `model` sees them, placed at the row's cells."""
    from klusterdocs.i18n import enum_aliases
    from klusterdocs.loading.messages import message

    try:
        model.validate(data)
    except Invalid as exc:
        return [_placed(issue, row, names, message(issue, enum_aliases())) for issue in exc.issues]
    return []


def _placed(issue: Issue, row: _Row, names: dict[str, str], text: str) -> Problem:
    """Put a model issue at its cell: `amounts.2013` at the 2013 column, `contact.email` at
    the e-mail column; a field that has no column (a required one) at the row's start."""
    loc = [str(part) for part in issue.loc]
    if loc and loc[0] == "amounts" and len(loc) > 1 and loc[1].isdigit():
        column = row.years.get(int(loc[1]), (1, None))[0]
        return row.sheet.problem(row.number, column, text, where=loc[1])
    dotted = ".".join(loc)
    common = names.get(dotted, dotted)
    if common in row.cells:
        return row.problem(common, text)
    if common in row.columns:  # the sheet has the column; this row's cell is empty
        where = row.headings.get(common, common)
        said = f"{text} (the cell is empty)" if issue.kind == "missing" else text
        return row.sheet.problem(row.number, row.columns[common], said, where=where)
    missing = f"{text} (no column for it)" if issue.kind == "missing" else text
    return row.sheet.problem(row.number, 1, missing, where=dotted)


# --- merging -----------------------------------------------------------------------------------


class _Merger:
    """Merges rows into one section of the file; collects the bad rows' problems."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        self.problems: list[Problem] = []
        self.bad: list[_Row] = []
        self.added: list[str] = []
        self.updated: list[str] = []
        self.unchanged: list[str] = []

    def merge(self, root: Any) -> None:
        raise NotImplementedError

    def reject(self, row: _Row, problems: list[Problem]) -> None:
        self.problems += problems
        self.bad.append(row)

    def _into_list(
        self,
        items: Any,
        rows: list[_Row],
        model: type[Strict],
        order: list[str],
        to_data: Callable[[_Row, dict[str, Any] | None], tuple[str, dict[str, Any]] | None],
        names: dict[str, str],
    ) -> None:
        """Update or add one item of `items` per row, keyed by what `to_data` returns."""
        from ruamel.yaml.comments import CommentedMap

        from klusterdocs.spreadsheets.yamlmerge import _plain, append_item, flow_map, set_fields

        by_key: dict[str, Any] = {self._key(i): i for i in items if isinstance(i, dict)}
        seen: dict[str, int] = {}
        for row in rows:
            found = to_data(row, None)
            if found is None:
                continue
            key, values = found
            existing = by_key.get(key)
            if key in seen:
                message = f"the same item as row {seen[key]}; give it once"
                self.reject(row, [row.problem("name", message)])
                continue
            seen[key] = row.number
            if existing is not None:
                merged = _plain(existing) | {
                    k: (_plain(existing.get(k) or {}) | v if isinstance(v, dict) else v)
                    for k, v in values.items()
                }
            else:
                merged = values
            problems = _checked(model, merged, row, names)
            if problems:
                self.reject(row, problems)
                continue
            label = str(values.get("id") or values.get("source") or values.get("item") or key)
            formatted = {k: (flow_map(v) if isinstance(v, dict) else v) for k, v in values.items()}
            if existing is None:
                item = CommentedMap((k, formatted[k]) for k in order if k in formatted)
                append_item(items, item)
                by_key[key] = item
                self.added.append(label)
            elif set_fields(existing, values, order):
                self.updated.append(label)
            else:
                self.unchanged.append(label)

    def _key(self, item: dict[str, Any]) -> str:
        raise NotImplementedError


class _ActorMerger(_Merger):
    """Actors by id, or by name when the row has no id."""

    def merge(self, root: Any) -> None:
        from ruamel.yaml.comments import CommentedSeq

        from klusterdocs.model.initiative import Actor
        from klusterdocs.model.types import slugify

        if not isinstance(root.get("actors"), list):
            root["actors"] = CommentedSeq()
        actors = root["actors"]
        by_name = {
            str(a.get("name", "")).casefold(): str(a.get("id"))
            for a in actors
            if isinstance(a, dict)
        }
        ids = {str(a.get("id")) for a in actors if isinstance(a, dict)}

        def to_data(row: _Row, _: dict[str, Any] | None) -> tuple[str, dict[str, Any]] | None:
            values = {n: _value("actors", n, cell) for n, (_, cell) in row.cells.items()}
            name = str(values.get("name", ""))
            given = values.get("id")
            if not given:
                given = by_name.get(name.casefold())
            if not given:
                base = slugify(name) if name else "aktor"
                given, number = base, 2
                while given in ids:
                    given, number = f"{base}-{number}", number + 1
                ids.add(given)
                by_name[name.casefold()] = given
            values["id"] = given
            return str(given), _nested(values)

        order = list(Actor.fields)
        self._into_list(actors, self.rows, Actor, order, to_data, {})

    def _key(self, item: dict[str, Any]) -> str:
        return str(item.get("id"))


class _BudgetMerger(_Merger):
    """Income by source and costs by item, each row's years replacing those years' amounts."""

    def merge(self, root: Any) -> None:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        from klusterdocs.model.initiative import Cost, Income

        if not isinstance(root.get("budget"), dict):
            root["budget"] = CommentedMap()
        budget = root["budget"]
        for table, model in (("income", Income), ("costs", Cost)):
            rows = [r for r in self.rows if r.table == table]
            if not rows:
                continue
            if not isinstance(budget.get(table), list):
                budget[table] = CommentedSeq()
            real = _BUDGET_FIELDS[table]
            names = {v: k for k, v in real.items()}

            def to_data(
                row: _Row, _: dict[str, Any] | None, table: str = table, real: dict[str, str] = real
            ) -> tuple[str, dict[str, Any]] | None:
                values = {
                    real[n]: _value(table, n, cell)
                    for n, (_, cell) in row.cells.items()
                    if n in real
                }
                if "status" in row.cells and table == "costs":
                    self.reject(row, [row.problem("status", "a cost has no status")])
                    return None
                if row.years:
                    values["amounts"] = {y: amount(cell) for y, (_, cell) in row.years.items()}
                return str(values.get(real["name"], "")).casefold(), values

            self._key_field = real["name"]
            self._into_list(budget[table], rows, model, list(model.fields), to_data, names)

    def _key(self, item: dict[str, Any]) -> str:
        return str(item.get(self._key_field, "")).casefold()
