"""Read a `.xlsx` workbook or a `.csv` file into sheets of numbered rows, as Excel numbers them."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klusterdocs.errors import InputError, Problem, display_path

Cell = str | int | float | bool | dt.date | None

MAX_ROWS = 200_000  # far beyond any register; a bound so a damaged file cannot fill memory
MAX_BYTES = 50 * 2**20


@dataclass
class Sheet:
    """One sheet: its name and its non-empty rows, each with its row number (1 = the first)."""

    file: str
    name: str
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)

    def problem(self, row: int, column: int, message: str, *, where: str = "") -> Problem:
        """A located problem at `row` and `column` (1-based), as the spreadsheet shows them."""
        place = f"{self.name} row {row}" if self.name else f"row {row}"
        return Problem(self.file, row, column, f"{place}, {where}" if where else place, message)


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the workbook or CSV file at `path`, or raise a located `InputError`."""
    name = display_path(path)

    def fail(message: str) -> InputError:
        return InputError([Problem(name, 1, 1, "", message)])

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        hint = "; save it as .xlsx or .csv" if suffix in (".xls", ".ods", ".numbers") else ""
        raise fail(f"expected a .xlsx workbook or a .csv file{hint}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise fail(f"the file is {size // 2**20} MiB; at most {MAX_BYTES // 2**20} MiB is read")
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, name, fail)
    return [_read_csv(path, name, fail)]


def _read_workbook(path: Path, name: str, fail: Any) -> list[Sheet]:
    import contextlib
    import zipfile

    from openpyxl import load_workbook

    # everything opened is closed however reading ends: a sheet's rows are read from a
    # stream of the file that stays open until its row iterator is closed
    with contextlib.ExitStack() as opened:
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
            opened.callback(workbook.close)
            # the same cells as typed: a formula's value is only there if a spreadsheet
            # program computed and saved it (a workbook written by a script has none)
            typed = load_workbook(path, read_only=True, data_only=False)
            opened.callback(typed.close)
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise fail(f"cannot read it as an Excel workbook ({exc})") from None
        sheets = []
        for worksheet, formulas in zip(workbook.worksheets, typed.worksheets, strict=True):
            sheet = Sheet(name, worksheet.title)
            values_rows: Any = worksheet.iter_rows(values_only=True)
            opened.callback(values_rows.close)
            typed_rows: Any = formulas.iter_rows(values_only=True)
            opened.callback(typed_rows.close)
            # read-only sheets may end their rows differently: not strict
            rows = zip(values_rows, typed_rows, strict=False)
            for number, (values, as_typed) in enumerate(rows, start=1):
                if number > MAX_ROWS:
                    raise fail(f"sheet {worksheet.title} has more than {MAX_ROWS} rows")
                cells = [_cell(value) for value in values]
                _check_formulas(sheet, number, cells, as_typed)
                if any(c is not None for c in cells):
                    sheet.rows.append((number, cells))
            sheets.append(sheet)
        return sheets


def _check_formulas(sheet: Sheet, number: int, cells: list[Cell], as_typed: Any) -> None:
    """A formula whose value was never computed is no empty cell (which keeps the file's
    value): it is named by its cell."""
    for column, (cell, typed) in enumerate(zip(cells, as_typed, strict=False), start=1):
        if cell is None and isinstance(typed, str) and typed[:1] == "=":
            raise InputError(
                [
                    sheet.problem(
                        number,
                        column,
                        f"a formula ({typed[:40]}) without a computed value; open the "
                        "workbook in Excel or LibreOffice and save it again",
                    )
                ]
            )


def _cell(value: Any) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool | int | float | dt.date) or value is None:
        return value
    return str(value)


def _read_csv(path: Path, name: str, fail: Any) -> Sheet:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # what Excel on Windows saves as "CSV"
    first = text.split("\n", 1)[0]
    # Swedish Excel separates with ';' (the comma is the decimal sign); others with ',' or tab
    delimiter = max(";,\t", key=first.count) if first else ","
    sheet = Sheet(name, "")
    try:
        rows = csv.reader(text.splitlines(), delimiter=delimiter)
        for number, values in enumerate(rows, start=1):
            if number > MAX_ROWS:
                raise fail(f"the file has more than {MAX_ROWS} rows")
            cells = [_cell(value) for value in values]
            if any(c is not None for c in cells):
                sheet.rows.append((number, cells))
    except csv.Error as exc:
        raise fail(f"cannot read it as CSV ({exc})") from None
    return sheet
