from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from klusterdocs.cli import main
from klusterdocs.errors import InputError
from klusterdocs.loading import load_initiative
from klusterdocs.spreadsheets.exporting import workbook_bytes
from klusterdocs.spreadsheets.importing import amount, import_into
from tests.conftest import EXAMPLE, THIN


def _xlsx(path: Path, rows: list[list[Any]], title: str = "Register") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    workbook = load_workbook(path)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


REGISTER = [
    ["Namn", "Kategori", "Roll", "Inflytande", "Intresse", "Inställning", "Medlem", "E-post"],
    ["Högskolan i Borås", "akademi", "Forskningspartner", 5, 4, "Pådrivare", "Ja", "a@hb.se"],
    ["Textilverket AB", "Företag", None, 3, 5, "positiv", "nej", None],
    ["Borås Stad", "offentlig förvaltning", "Kommun", "2", "3", "Neutral", None, None],
]


@pytest.fixture
def thin(tmp_path: Path) -> Path:
    path = tmp_path / "thin.yaml"
    path.write_text(THIN.lstrip() + "# the end of the file\n", encoding="utf-8")
    return path


def test_a_swedish_register_becomes_actors(tmp_path: Path, thin: Path) -> None:
    register = _xlsx(tmp_path / "register.xlsx", REGISTER)
    report = import_into("actors", register, thin)
    assert report.added == ["hogskolan-i-boras", "textilverket-ab", "boras-stad"]
    actors = {a.id: a for a in load_initiative(thin).actors}
    hb = actors["hogskolan-i-boras"]
    assert (hb.helix, hb.power, hb.interest, hb.attitude, hb.member) == (
        "academia",
        5,
        4,
        "champion",
        True,
    )
    assert hb.contact is not None and hb.contact.email == "a@hb.se"
    assert actors["textilverket-ab"].member is False
    assert actors["boras-stad"].helix == "public" and actors["boras-stad"].power == 2
    text = thin.read_text(encoding="utf-8")
    assert text.startswith(THIN.lstrip() + "# the end of the file\n")
    assert "    power: 2\n" in text  # a number from text stays a number


def test_every_bad_row_is_reported_and_nothing_written(tmp_path: Path, thin: Path) -> None:
    rows = [
        *REGISTER,
        ["Dålig AB", "akademisk", None, "hög", 2, None, None, None],
        [None, "företag", None, 1, 1, None, None, None],
    ]
    register = _xlsx(tmp_path / "register.xlsx", rows)
    before = thin.read_bytes()
    with pytest.raises(InputError) as caught:
        import_into("actors", register, thin)
    assert [str(p) for p in caught.value.problems] == [
        f"{register}:5:2: Register row 5, Kategori: expected one of industry, academia, "
        "public, finance, organisation, media, civil_society; got 'akademisk'; "
        "did you mean 'academia'?",
        f"{register}:5:4: Register row 5, Inflytande: expected a whole number from 1 to 5; "
        "got 'hög'",
        f"{register}:6:1: Register row 6, Namn: required, but missing (the cell is empty)",
    ]
    assert thin.read_bytes() == before
    report = import_into("actors", register, thin, skip_bad=True)
    assert len(report.added) == 3
    assert [(p.line, p.column) for p in report.skipped] == [(5, 2), (5, 4), (6, 1)]


def test_merging_keeps_the_rest_of_the_file_and_its_comments(tmp_path: Path) -> None:
    path = tmp_path / "in.yaml"
    path.write_text(
        textwrap.dedent("""\
            # Our cluster
            initiative: {name: X, region: R, focus: F, phase: initiering}
            actors:
              # the academy
              - id: hb
                name: Högskolan i Borås  # the host
                helix: academia
                owner: Anna
              # the firms
              - id: ab
                name: Textilverket AB
                helix: industry
            # --- risks below ---
            risks:
              - {id: r1, text: "Beroende av en nyckelperson"}   # keep me
            """),
        encoding="utf-8",
    )
    register = tmp_path / "register.csv"
    register.write_text(
        "Id;Namn;Kategori;Inflytande\nhb;Högskolan i Borås;akademi;5\n;Textilverket AB;;2\n"
        ";Nya Företaget;företag;3\n",
        encoding="utf-8",
    )
    report = import_into("actors", register, path)
    assert (report.added, report.updated) == (["nya-foretaget"], ["hb", "ab"])
    assert path.read_text(encoding="utf-8") == textwrap.dedent("""\
        # Our cluster
        initiative: {name: X, region: R, focus: F, phase: initiering}
        actors:
          # the academy
          - id: hb
            name: Högskolan i Borås  # the host
            helix: academia
            power: 5
            owner: Anna
          # the firms
          - id: ab
            name: Textilverket AB
            helix: industry
            power: 2
          - id: nya-foretaget
            name: Nya Företaget
            helix: industry
            power: 3
        # --- risks below ---
        risks:
          - {id: r1, text: "Beroende av en nyckelperson"}   # keep me
        """)
    again = import_into("actors", register, path)
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 3)


def test_a_budget_sheet_with_income_and_costs(tmp_path: Path, thin: Path) -> None:
    register = tmp_path / "budget.csv"
    register.write_text(
        "Post;Slag;Status;2024;2025;Summa\n"
        'Vinnova;offentlig;beviljad;"1 250 000 kr";1 000 000;2 250 000\n'
        "Processledning;personal;;900000;950000;\n"
        "Summa;;;2150000;1950000;\n",
        encoding="utf-8",
    )
    import_into("budget", register, thin)
    budget = load_initiative(thin).budget
    assert budget is not None
    assert [(i.source, i.kind, i.status, i.amounts) for i in budget.income] == [
        ("Vinnova", "public", "granted", {2024: 1250000, 2025: 1000000})
    ]
    assert [(c.item, c.category, c.amounts) for c in budget.costs] == [
        ("Processledning", "personnel", {2024: 900000, 2025: 950000})
    ]


def test_a_budget_row_of_the_wrong_kind_is_located(tmp_path: Path, thin: Path) -> None:
    register = tmp_path / "budget.csv"
    register.write_text("Post;Slag;2024\nLokaler;lokal;12 tusen\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_into("budget", register, thin)
    found = {(p.line, p.column, p.path) for p in caught.value.problems}
    assert (2, 3, "row 2, 2024") in found
    assert any(p.column == 2 and "got 'lokal'" in p.message for p in caught.value.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 250 000 kr", 1250000),
        ("SEK 1,250,000", 1250000),
        ("12,5", 12.5),
        ("1.250.000,50", 1250000.5),
        ("\u2212300", -300),
        ("tolv", "tolv"),
    ],
)
def test_amounts_as_people_type_them(text: str, expected: float | str) -> None:
    assert amount(text) == expected


def test_a_sheet_without_a_name_column_is_refused(tmp_path: Path, thin: Path) -> None:
    register = _xlsx(tmp_path / "r.xlsx", [["Org.nr", "Ort"], ["556000-1111", "Borås"]])
    with pytest.raises(InputError) as caught:
        import_into("actors", register, thin)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "no column for the name (Namn or Name)" in problem.message


def test_an_old_excel_file_gets_a_hint(tmp_path: Path, thin: Path) -> None:
    old = tmp_path / "register.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"save it as \.xlsx or \.csv"):
        import_into("actors", old, thin)


def test_budget_workbook_has_formulas_formats_and_frozen_header() -> None:
    model = load_initiative(EXAMPLE)
    content = workbook_bytes(model, "budget", "sv")
    assert content == workbook_bytes(model, "budget", "sv")  # reproducible bytes
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Finansiering", "Kostnader", "Sammanställning"]
    income = workbook["Finansiering"]
    assert [c.value for c in income[1]] == [
        *("Källa", "Slag", "Status", "Kontant", "2012", "2013", "Summa")
    ]
    assert income["A2"].value == "Vinnova (Vinnväxt)" and income["B2"].value == "Offentlig"
    assert income["E2"].value == 2000000
    assert income["E2"].number_format == '[$-41D]#,##0 "kr";[$-41D]"−"#,##0 "kr"'
    assert income["G2"].value == "=SUM(E2:F2)"
    assert income["A8"].value == "Summa" and income["E8"].value == "=SUM(E2:E7)"
    assert income.freeze_panes == "B2"
    summary = workbook["Sammanställning"]
    assert summary["A4"].value == "Resultat" and summary["B4"].value == "=B2-B3"
    values = load_workbook(io.BytesIO(content), data_only=True)  # the stored results
    assert values["Finansiering"]["G8"].value == model.budget.total_income  # type: ignore[union-attr]
    english = load_workbook(io.BytesIO(workbook_bytes(model, "budget", "en")))
    assert english["Income"]["E2"].number_format.startswith('[$-809]"SEK "#,##0')
    assert english["Income"]["B2"].value == "Public"


def test_register_to_yaml_to_workbook_gives_the_same_values(tmp_path: Path, thin: Path) -> None:
    register = _xlsx(tmp_path / "register.xlsx", REGISTER)
    import_into("actors", register, thin)
    runner = CliRunner()
    result = runner.invoke(main, ["export", "actors", str(thin), "--xlsx", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = Path(result.stdout.strip())
    assert exported == tmp_path / "tunt-kluster" / "aktorer.xlsx"
    rows = _sheet_rows(exported, "Aktörer")
    header = rows[0]
    by_heading = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    for given, written in zip(REGISTER[1:], by_heading, strict=True):
        typed = dict(zip(REGISTER[0], given, strict=True))
        assert written["Namn"] == typed["Namn"]
        assert written["Roll"] == typed["Roll"]
        assert written["Inflytande"] == int(typed["Inflytande"])  # type: ignore[arg-type]
        assert written["Intresse"] == int(typed["Intresse"])  # type: ignore[arg-type]
        assert written["E-post"] == typed["E-post"]
    assert [r["Kategori"] for r in by_heading] == ["Akademi", "Företag", "Offentlig förvaltning"]
    assert [r["Inställning"] for r in by_heading] == ["Pådrivare", "Positiv", "Neutral"]
    assert [r["Medlem"] for r in by_heading] == ["Ja", "Nej", None]
    # and the workbook reads back into the same actors
    copy = tmp_path / "copy.yaml"
    copy.write_text(THIN.lstrip(), encoding="utf-8")
    import_into("actors", exported, copy)
    assert load_initiative(copy).actors == load_initiative(thin).actors


def test_the_example_budget_goes_round(tmp_path: Path, thin: Path) -> None:
    runner = CliRunner()
    for lang in ("sv", "en"):
        out = tmp_path / lang
        exported = runner.invoke(
            main, ["export", "budget", str(EXAMPLE), "--lang", lang, "-o", str(out)]
        )
        assert exported.exit_code == 0, exported.output
        target = tmp_path / f"{lang}.yaml"
        shutil.copy(thin, target)
        result = runner.invoke(
            main, ["import", "budget", exported.stdout.strip(), "--into", str(target)]
        )
        assert result.exit_code == 0, result.output
        assert "13 added" in result.stdout
        original, back = load_initiative(EXAMPLE).budget, load_initiative(target).budget
        assert back is not None and original is not None
        assert (back.income, back.costs) == (original.income, original.costs)


def test_cli_reports_bad_rows_located_and_exits_1(tmp_path: Path, thin: Path) -> None:
    register = tmp_path / "r.csv"
    register.write_text("Name,Category,Power\nAlmi,finance,9\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "actors", str(register), "--into", str(thin)])
    assert result.exit_code == 1
    assert f"{register}:2:3: row 2, Power: expected a number from 1 to 5; got '9'" in (
        result.stderr
    )
    assert "nothing was written" in result.stderr
    skipped = CliRunner().invoke(
        main, ["import", "actors", str(register), "--into", str(thin), "--skip-bad"]
    )
    assert skipped.exit_code == 0
    assert "0 added, 0 updated, 0 unchanged, 1 row problem(s) skipped" in skipped.stdout


def test_a_formula_without_a_computed_value_is_located_not_read_as_empty(
    tmp_path: Path, thin: Path
) -> None:
    """A workbook written by a script has formulas but no values for them: read as empty
    cells they meant 'keep the file's value', and the import said 'unchanged'."""
    rows = [*REGISTER[:2], ["Formelbolaget", "företag", None, "=2+3", 2, None, None, None]]
    register = _xlsx(tmp_path / "register.xlsx", rows)
    before = thin.read_bytes()
    with pytest.raises(InputError) as caught:
        import_into("actors", register, thin)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"{register}:3:4: ") and "a formula (=2+3) without" in problem
    assert thin.read_bytes() == before
