"""What a funder and a board read (issue 13): status and period, impact logic, milestones, the
co-financing check, staffing, communication, horizontal criteria, the regional strategy,
reporting, membership and the förstudie's own facts; each reopened as a reader sees it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from klusterdocs.changes import compare
from klusterdocs.cli import main
from klusterdocs.documents import WORD_DOCUMENTS, write_word_document
from klusterdocs.errors import InputError
from klusterdocs.loading import load_initiative
from klusterdocs.model import InitiativeFile
from tests.checks import assert_valid_office
from tests.conftest import EXAMPLE, INPUTS, THIN

DAY = dt.date(2012, 9, 1)


def _thin(**sections: object) -> InitiativeFile:
    return InitiativeFile.validate({**yaml.safe_load(THIN), **sections})


def _text(path: Path) -> str:
    opened = docx.Document(str(path))
    paragraphs = [p.text for p in opened.paragraphs]
    cells = [c.text for t in opened.tables for r in t.rows for c in r.cells]
    return "\n".join(paragraphs + cells)


def _headings(path: Path) -> list[str]:
    opened = docx.Document(str(path))
    return [p.text for p in opened.paragraphs if p.style.name.startswith("Heading")]


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    return write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", folder, today=DAY)


def test_the_example_plan_has_what_a_funder_reads(example_plan: Path) -> None:
    assert_valid_office(example_plan)
    headings = _headings(example_plan)
    for heading in (
        "Effektlogik",
        "Milstolpar",
        "Bemanning",
        "Medlemmar och avgiftsmodell",
        "Medfinansiering",
        "Kommunikationsplan",
        "Jämställdhet, hållbar utveckling och mångfald",
        "Koppling till regional utvecklingsstrategi",
        "Rapportering och utvärdering",
        "Förstudien",
    ):
        assert heading in headings, heading
    text = _text(example_plan)
    assert "Planperiod\t2012–2013" in text
    assert "Fastställd av Styrelsen den 28 augusti 2012." in text
    assert "Antal medlemmar: 64." in text
    assert "Bemanningen motsvarar sammanlagt 2,25 heltidstjänster." in text
    # 7 350 000 public of 9 700 000 in all is 76 %, under the file's ceiling of 80 %
    assert "det vill säga 76\u00a0%" in text and "kravet på medfinansiering är uppfyllt" in text
    assert "Kontanta medel är 7\u00a0400\u00a0000\u00a0kr (76\u00a0%)" in text  # Borås Stad in kind
    header = docx.Document(str(example_plan)).sections[0].header.paragraphs[0].text
    # the logo (none here: no source file to find it by), a tab to the right margin, the text
    assert header == "\tSmart Textiles · Verksamhetsplan · Version 1.2 · 1 september 2012"


def test_headings_are_numbered_by_their_styles(example_plan: Path) -> None:
    styles = docx.Document(str(example_plan)).styles
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        num = styles[name].element.pPr.numPr
        assert num is not None and num.ilvl.val == int(level), name


def test_a_draft_says_so_on_the_cover_and_in_the_header(tmp_path: Path) -> None:
    model = _thin(document={"status": "draft", "adopted_by": "Styrelsen"})
    for document in WORD_DOCUMENTS:
        path = write_word_document(model, document, tmp_path, today=DAY)
        opened = docx.Document(str(path))
        assert opened.paragraphs[0].text == "UTKAST" or "UTKAST" in _text(path)
        header = opened.sections[0].header.paragraphs[0].text  # after the logo and a tab
        assert header.startswith("\tUTKAST · Tunt Kluster")
        assert "Ska fastställas av Styrelsen." in _text(path)  # not "adopted": it is a draft


def test_a_public_share_above_the_ceiling_is_a_warning(tmp_path: Path, write) -> None:
    source = EXAMPLE.read_text(encoding="utf-8").replace(
        "cofinancing_limit: 80 ", "cofinancing_limit: 50 "
    )
    path = write(source, "over.yaml")
    (tmp_path / "smart-textiles-logo.png").write_bytes(
        (INPUTS / "smart-textiles-logo.png").read_bytes()
    )
    plan = write_word_document(load_initiative(path), "verksamhetsplan", tmp_path, today=DAY)
    warning = next(p for p in docx.Document(str(plan)).paragraphs if p.text.startswith("Varning"))
    assert warning.style.name == "Warning"
    assert "mer än taket för den offentliga andelen, 50\u00a0%" in warning.text
    assert "ytterligare 5\u00a0000\u00a0000\u00a0kr" in warning.text  # 7.35 M / 50 % − 9.7 M
    assert "uppfyllt" not in _text(plan)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    line = source[: source.index("cofinancing_limit")].count("\n") + 1
    assert f"over.yaml:{line}:" in result.output
    assert "public share of the funding is 75.8 %, above the ceiling of 50 %" in result.output


def test_without_a_ceiling_the_plan_never_says_the_requirement_is_met(tmp_path: Path) -> None:
    income = [{"source": "Regionen", "kind": "public", "amounts": {2013: 100000}}]
    model = _thin(budget={"income": income})
    text = _text(write_word_document(model, "verksamhetsplan", tmp_path, today=DAY))
    assert "det vill säga 100\u00a0%" in text
    assert "uppfyllt" not in text
    assert "Inget tak för den offentliga andelen" in text


def test_a_thin_plan_gets_a_hint_for_each_new_section(tmp_path: Path) -> None:
    model = load_initiative(INPUTS / "automation-region.yaml")
    text = _text(write_word_document(model, "verksamhetsplan", tmp_path, today=DAY))
    for hint in (
        "Ingen effektlogik är beskriven ännu.",
        "Inga milstolpar är satta ännu.",
        "Bemanningen är inte beskriven.",
        "Antalet medlemmar och avgiftsmodellen är inte angivna.",
        "Inget tak för den offentliga andelen",
        "Ingen kommunikationsplan finns ännu.",
        "jämställdhet, hållbar utveckling och mångfald är inte beskrivet",
        "Kopplingen till den regionala utvecklingsstrategin",
        "hur initiativet rapporterar till finansiärerna",
    ):
        assert hint in text, hint


def test_the_prestudy_gives_its_own_facts_and_the_files_conclusion(tmp_path: Path) -> None:
    path = write_word_document(load_initiative(EXAMPLE), "forstudie", tmp_path, today=DAY)
    text = _text(path)
    for fact in (
        "Om förstudien",
        "mars 2012 – augusti 2012",
        "Science Park Borås",
        "Tillfrågade företag",
        "Kunskap om e-handel och nya affärsmodeller",
        "Förstudien finansieras av Västra Götalandsregionen.",
        "Slutsats: Gå vidare med villkor",
        "Förstudiens slutsats är att initiativet går vidare till organisering, med villkor.",
        "Förslag för nästa fas",
    ):
        assert fact in text, fact


def test_without_a_decision_the_prestudy_derives_it(tmp_path: Path) -> None:
    text = _text(write_word_document(_thin(), "forstudie", tmp_path, today=DAY))
    assert "Slutsats: Inte ännu" in text
    assert "Förstudien rekommenderar att initiativet ännu inte går vidare" in text
    assert "Förstudien är inte beskriven." in text


def test_periods_and_references_are_checked_where_they_stand(write) -> None:
    path = write(
        THIN
        + "document:\n  period: {start: 2015, end: 2013}\n"
        + "milestones:\n  - {id: m1, title: Start, date: 2013-05, activity: a1}\n"
        + "prestudy:\n  decision: go_on\n"
    )
    with pytest.raises(InputError) as caught:
        load_initiative(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(":7:" in m and "ends (2013) before it starts (2015)" in m for m in messages)
    assert any("milestones[0].activity" in m and "unknown activity 'a1'" in m for m in messages)
    assert any("prestudy.decision" in m and "go_with_conditions" in m for m in messages)


def test_the_change_report_tells_milestones_impact_logic_and_cofinancing() -> None:
    after = load_initiative(EXAMPLE)
    before = after.replace(
        milestones=after.milestones[:-1],
        impact_logic=after.impact_logic[1:],
        budget=after.budget.replace(income=after.budget.income[:4], cofinancing_limit=75),
    )
    lines = [line for s in compare(before, after, "sv", "abc").sections for line in s.lines]
    assert "Ny milstolpe: Fem företag i inkubatorn (december 2013)." in lines
    assert "Ny rad i effektlogiken: Små företag har inte råd med egen produktutveckling." in lines
    assert "Den offentliga andelen av finansieringen: 100\u00a0% → 76\u00a0%." in lines
    assert "Taket för den offentliga andelen: 75\u00a0% → 80\u00a0%." in lines


def test_the_shipped_example_uses_every_new_field() -> None:
    model = load_initiative(EXAMPLE)
    for section in (
        "impact_logic",
        "milestones",
        "staffing",
        "communication",
        "horizontal",
        "regional_strategy",
        "evaluation",
        "membership",
        "prestudy",
    ):
        value = getattr(model, section)
        assert value and all(
            getattr(value, name) not in (None, [], {}) for name in getattr(value, "fields", {})
        ), section
    d = model.document
    assert d.status and d.adopted_by and d.adopted_on and d.period
    assert model.budget.cofinancing_limit is not None
    assert any(r.cash is not None for r in model.budget.income)


def test_a_logo_is_checked_where_the_file_names_it(write, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (8, 4), "navy").save(tmp_path / "logo.png")
    (tmp_path / "logo.txt").write_text("not a picture", encoding="utf-8")
    assert load_initiative(write(THIN + "document:\n  logo: logo.png\n")).document.logo
    for logo, message in (
        ("gone.png", "logo not found"),
        ("logo.txt", "is not a PNG, JPEG or SVG picture"),
        (".", "cannot read the logo"),
    ):
        path = write(THIN + f"document:\n  logo: {logo}\n")
        with pytest.raises(InputError) as caught:
            load_initiative(path)
        (problem,) = caught.value.problems
        assert (problem.line, problem.path) == (7, "document.logo"), problem
        assert message in problem.message
