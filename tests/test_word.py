"""The Word documents, reopened with python-docx and read as a reader would."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from pdfua import PdfDocument

from klusterdocs.cli import main
from klusterdocs.documents import WORD_DOCUMENTS, write_word_document
from klusterdocs.errors import TemplateError
from klusterdocs.loading import load_initiative
from klusterdocs.model import PHASES, InitiativeFile
from klusterdocs.pdf import convert_to_pdf
from klusterdocs.render.lookup import builtin_templates, find_template
from tests.checks import (
    HAVE_LIBREOFFICE,
    assert_valid_office,
    has_document_fonts,
    pdf_text,
    pdfua_errors,
    stranded_headings,
    words_missing_from_pdf,
)
from tests.conftest import EXAMPLE, INPUTS, THIN
from tests.test_hostile import _rewrite_parts

DAY = dt.date(2012, 9, 1)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _in_phase(model: InitiativeFile, phase: str) -> InitiativeFile:
    return model.replace(initiative=model.initiative.replace(phase=phase))


def _all_text(path: Path) -> str:
    """Every piece of text in the package's XML parts: body, headers, footers, properties."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def _body_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _headings(document: docx.document.Document, level: int = 1) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


@pytest.fixture(scope="module")
def example() -> InitiativeFile:
    return load_initiative(EXAMPLE)


@pytest.fixture(scope="module")
def rendered(example: InitiativeFile, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each document of the example in both languages, rendered once for the module."""
    out = tmp_path_factory.mktemp("word")
    return {
        (document, lang): write_word_document(example, document, out / lang, lang=lang, today=DAY)
        for document in WORD_DOCUMENTS
        for lang in ("sv", "en")
    }


@pytest.mark.parametrize("document", WORD_DOCUMENTS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_documents_open_with_data_styles_and_no_template_residue(
    rendered: dict, document: str, lang: str
) -> None:
    path = rendered[(document, lang)]
    assert path.name == f"{document}.docx"
    assert path.parent.name == "smart-textiles"
    assert_valid_office(path)
    opened = docx.Document(str(path))
    text = _body_text(opened)
    assert "Smart Textiles" in text
    assert "Högskolan i Borås" in text
    assert len(_headings(opened)) >= 6
    assert _headings(opened, 2)
    assert opened.tables and all(t.style.name == "Klusterdocs Table" for t in opened.tables)
    raw = _all_text(path)
    for residue in ("{{", "{%", "%}", "<built-in"):
        assert residue not in raw, residue
    assert "None" not in text
    header = opened.sections[0].header.paragraphs[0].text
    assert header.startswith("\tSmart Textiles · ")  # the logo, if any, and a tab before it
    assert opened.core_properties.title.endswith("Smart Textiles")
    assert opened.core_properties.author == "Anna Exempelsson"


def test_text_is_in_the_documents_language_for_spelling(rendered: dict) -> None:
    """Word checks spelling in the language the styles give: Swedish text must say sv-SE."""
    tags = {"sv": "sv-SE", "en": "en-GB"}
    for (_, lang), path in rendered.items():
        styles = docx.Document(str(path)).styles.element
        found = styles.findall(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        assert [e.get(f"{W}val") for e in found] == [tags[lang]], path


def test_plan_sections_in_swedish(rendered: dict) -> None:
    opened = docx.Document(str(rendered[("verksamhetsplan", "sv")]))
    assert _headings(opened) == [
        "Sammanfattning",
        "Bakgrund och utgångspunkt",
        "Omvärldsanalys",
        "Problem- och möjlighetsinventering",
        "Strategisk idé, vision och syfte",
        "Insatsområden och mål",
        "Effektlogik",
        "Handlingsplan",
        "Organisation och styrning",
        "Budget och finansiering",
        "Kommunikationsplan",
        "Jämställdhet, hållbar utveckling och mångfald",
        "Uppföljning",
        "Risker",
        "Fasen i Reglabs klustermodell",
    ]
    text = _body_text(opened)
    assert "28 november" not in text  # the document date comes from `today`, not the clock
    assert "1 september 2012" in text
    assert "Prototyplabb öppet för medlemmar ★" in text


def test_plan_budget_figures(rendered: dict) -> None:
    sv = _body_text(docx.Document(str(rendered[("verksamhetsplan", "sv")])))
    for figure in (
        "4\u00a0650\u00a0000\u00a0kr",
        "9\u00a0700\u00a0000\u00a0kr",
        "2\u00a0000\u00a0000\u00a0kr",
        "76\u00a0%",
        "Budgeten är i balans: finansieringen täcker kostnaderna på 9\u00a0700\u00a0000\u00a0kr.",
    ):
        assert figure in sv, figure
    en = _body_text(docx.Document(str(rendered[("verksamhetsplan", "en")])))
    assert "SEK\u00a09,700,000" in en
    assert "The budget is balanced: the funding covers the costs of SEK\u00a09,700,000." in en


def test_budget_year_columns_and_totals_line_up(rendered: dict) -> None:
    opened = docx.Document(str(rendered[("verksamhetsplan", "sv")]))
    income = next(t for t in opened.tables if t.rows[0].cells[0].text == "Källa")
    header = [c.text for c in income.rows[0].cells]
    assert header == ["Källa", "Slag", "Beslut", "2012", "2013", "Summa"]
    last = [c.text for c in income.rows[-1].cells]
    assert last[0] == "Summa finansiering"
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert all(row.cells[-1].paragraphs[0].alignment == right for row in income.rows)
    assert last[3:] == [
        "4\u00a0650\u00a0000\u00a0kr",
        "5\u00a0050\u00a0000\u00a0kr",
        "9\u00a0700\u00a0000\u00a0kr",
    ]


def test_deficit_is_shown_as_one(tmp_path: Path) -> None:
    model = load_initiative(INPUTS / "automation-region.yaml")
    path = write_word_document(model, "verksamhetsplan", tmp_path, today=DAY)
    text = _body_text(docx.Document(str(path)))
    assert "Budgeten visar ett underskott på 50\u00a0000\u00a0kr." in text
    assert "\u221250\u00a0000\u00a0kr" in text  # a real minus sign
    assert "i balans" not in text


@pytest.mark.parametrize(
    ("income", "costs", "said"),
    [
        (1_000_000, 700_000, "Budgeten visar ett överskott på 300\u00a0000\u00a0kr"),
        (0, 700_000, "Ingen finansiering är angiven ännu; kostnaderna uppgår till 700"),
        (1_000_000, 0, "Inga kostnader är budgeterade ännu; finansieringen uppgår till 1"),
    ],
)
def test_the_budget_result_says_what_the_figures_say(
    income: int, costs: int, said: str, tmp_path: Path
) -> None:
    budget: dict[str, list[dict[str, object]]] = {"income": [], "costs": []}
    if income:
        budget["income"].append({"source": "Region", "kind": "public", "amounts": {2013: income}})
    if costs:
        budget["costs"].append(
            {"item": "Ledning", "category": "personnel", "amounts": {2013: costs}}
        )
    model = InitiativeFile.validate({**yaml.safe_load(THIN), "budget": budget})
    path = write_word_document(model, "verksamhetsplan", tmp_path, today=DAY)
    text = _body_text(docx.Document(str(path)))
    assert said in text
    assert "i balans" not in text


def test_a_budget_of_many_years_is_shown_a_few_years_a_table(tmp_path: Path) -> None:
    amounts = {year: 100_000 for year in range(2013, 2023)}
    budget = {"income": [{"source": "Region", "kind": "public", "amounts": amounts}]}
    model = InitiativeFile.validate({**yaml.safe_load(THIN), "budget": budget})
    path = write_word_document(model, "verksamhetsplan", tmp_path, today=DAY)
    income = [t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "Källa"]
    headers = [[c.text for c in t.rows[0].cells[3:]] for t in income]
    assert headers == [
        ["2013", "2014", "2015", "2016", "Summa 2013–2022"],
        ["2017", "2018", "2019", "2020", "Summa 2013–2022"],
        ["2021", "2022", "Summa 2013–2022"],
    ]


def test_activity_traffic_lights_are_coloured_cells(rendered: dict) -> None:
    opened = docx.Document(str(rendered[("verksamhetsplan", "sv")]))
    plan = next(t for t in opened.tables if t.rows[0].cells[0].text == "Aktivitet")
    colours = {}
    for row in plan.rows[1:]:
        cell = row.cells[-1]
        fill = cell._tc.xpath("./w:tcPr/w:shd/@w:fill")
        colours[cell.text] = fill[0] if fill else None
    assert colours["Grön"] == "C6E7C1"
    assert colours["Röd"] == "F4C2BD"
    assert colours["Gul"] == "FCE8A6"


def test_stakeholder_grid_places_every_scored_actor(rendered: dict, example) -> None:
    opened = docx.Document(str(rendered[("intressentanalys", "sv")]))
    grid = next(t for t in opened.tables if t.rows[0].cells[1].text == "Lågt intresse")
    manage_closely = grid.rows[1].cells[2].text
    assert manage_closely.startswith("Hantera nära")
    assert "Högskolan i Borås" in manage_closely
    assert "Almi Företagspartner Väst" in grid.rows[2].cells[1].text  # monitor
    placed = "\n".join(c.text for row in grid.rows[1:] for c in row.cells[1:])
    assert all(a.name in placed for a in example.actors if a.quadrant)
    priorities = next(t for t in opened.tables if t.rows[0].cells[0].text == "Prio")
    assert priorities.rows[1].cells[1].text == "Högskolan i Borås"  # manage closely, 5 + 5


def test_prestudy_has_swot_and_recommendation(rendered: dict) -> None:
    opened = docx.Document(str(rendered[("forstudie", "sv")]))
    assert "SWOT-analys" in _headings(opened, 2)
    swot = next(t for t in opened.tables if t.rows[0].cells[0].text == "Styrkor")
    assert "Nordens största textilutbildning" in swot.rows[1].cells[0].text
    assert "Rekommendation och öppna frågor" in _headings(opened)
    assert "Medlems- och avgiftsmodell" in _body_text(opened)  # the open question


@pytest.mark.parametrize("phase", PHASES)
def test_each_document_adapts_to_the_phase(example, phase: str, tmp_path: Path) -> None:
    from klusterdocs.phases import phases

    info = phases()[phase]
    model = _in_phase(example, phase)
    for document in WORD_DOCUMENTS:
        text = _body_text(
            docx.Document(str(write_word_document(model, document, tmp_path, today=DAY)))
        )
        assert f"fas {PHASES.index(phase) + 1} av 4: {info.name['sv']}" in text
        assert info.next_steps["sv"][0] in text
        assert info.checklist[0].label["sv"] in text


def test_thin_file_says_what_to_fill_in(write, tmp_path: Path) -> None:
    model = load_initiative(write(THIN))
    for document in WORD_DOCUMENTS:
        path = write_word_document(model, document, tmp_path, today=DAY)
        opened = docx.Document(str(path))
        text = _body_text(opened)
        assert "Tunt Kluster" in text
        assert "None" not in text and "{{" not in _all_text(path)
        for table in opened.tables:
            assert len(table.rows) >= 1 and any(c.text for r in table.rows for c in r.cells)
        # a hint names what to fill in, in words: never a YAML path
        assert not YAML_PATH.search(text), YAML_PATH.search(text)
    plan = _body_text(docx.Document(str(tmp_path / "tunt-kluster" / "verksamhetsplan.docx")))
    assert "Handlingsplanen är tom. Lägg till aktiviteter med ansvarig, tid och partner." in plan
    assert "Ingen budget är angiven." in plan


YAML_PATH = re.compile(
    r"\b(initiative|strategy|context|actors|indicators|activities|organisation|budget|risks)"
    r"(\[\])?\.[a-z_]+"
)


def test_user_text_is_escaped_and_never_evaluated(write, tmp_path: Path) -> None:
    hostile = 'R&D <AB> "Quote" \'s {{ 7*7 }} {% if x %}'
    model = load_initiative(
        write(f"""
        initiative:
          name: '{hostile.replace("'", "''")}'
          region: Skåne & Blekinge
          focus: "<b>not bold</b>"
          phase: formering
          background: "Tab\\there, vertical\\vtab, bell\\a, nul-free"
        actors:
          - {{id: a, name: "A & B", helix: industry, power: 4, interest: 4}}
    """)
    )
    for document in WORD_DOCUMENTS:
        path = write_word_document(model, document, tmp_path, today=DAY)
        text = _body_text(docx.Document(str(path)))
        assert hostile in text
        assert "Skåne & Blekinge" in text and "<b>not bold</b>" in text
        assert "49" not in text  # {{ 7*7 }} stayed text
    plan = docx.Document(str(tmp_path / model.initiative.slug / "verksamhetsplan.docx"))
    background = next(p for p in plan.paragraphs if p.text.startswith("Tab"))
    assert "vertical\ntab" in background.text  # a vertical tab became a line break
    assert "\a" not in background.text


def test_markdown_subset_becomes_formatting(rendered: dict) -> None:
    opened = docx.Document(str(rendered[("verksamhetsplan", "sv")]))
    paragraph = next(p for p in opened.paragraphs if "samlar företag, akademi och" in p.text)
    bold = [r.text for r in paragraph.runs if r.bold]
    assert bold == ["företag, akademi och offentliga aktörer"]
    bullets = [p.text for p in opened.paragraphs if p.style.name == "List Bullet"]
    assert "en kritisk massa av textilföretag och leverantörer i regionen" in bullets
    italic = [r.text for p in opened.paragraphs for r in p.runs if r.italic and r.text]
    assert "förnya och förändra" in italic
    # the YAML is wrapped at 90 columns: its newlines are spaces, not line breaks
    first = next(p for p in opened.paragraphs if p.text.startswith("Sjuhärad har varit"))
    assert "\n" not in first.text
    assert "När tillverkningen flyttade utomlands" in first.text


def test_table_of_contents_and_update_on_open(rendered: dict) -> None:
    path = rendered[("verksamhetsplan", "sv")]
    raw = _all_text(path)
    assert 'TOC \\o "1-2"' in raw
    assert '<w:updateFields w:val="true"/>' in raw
    opened = docx.Document(str(path))
    entries = [p.text.strip() for p in opened.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert entries[0] == "1\tSammanfattning"  # with its number, as Word writes an entry
    assert "Bilaga 1 – Fasens checklista" in entries


def test_template_lookup_prefers_the_users_phase_template(tmp_path: Path) -> None:
    builtin = find_template("verksamhetsplan", "formering")
    assert builtin == builtin_templates() / "verksamhetsplan" / "default.docx"
    user = tmp_path / "mine"
    (user / "verksamhetsplan").mkdir(parents=True)
    shutil.copy(builtin, user / "verksamhetsplan" / "default.docx")
    assert find_template("verksamhetsplan", "formering", user).parent.parent == user
    shutil.copy(builtin, user / "verksamhetsplan" / "formering.docx")
    assert find_template("verksamhetsplan", "formering", user).name == "formering.docx"
    assert find_template("verksamhetsplan", "initiering", user).name == "default.docx"
    with pytest.raises(TemplateError, match="template folder not found"):
        find_template("verksamhetsplan", "formering", tmp_path / "nope")


def test_a_failed_render_keeps_the_previous_document(example, tmp_path: Path) -> None:
    target = write_word_document(example, "verksamhetsplan", tmp_path, today=DAY)
    before = target.read_bytes()
    broken = tmp_path / "broken" / "verksamhetsplan"
    broken.mkdir(parents=True)
    document = docx.Document()
    document.add_paragraph("{{ initiative.namn }}")
    document.save(str(broken / "default.docx"))
    with pytest.raises(TemplateError, match="unknown field"):
        write_word_document(example, "verksamhetsplan", tmp_path, templates=broken.parent)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["verksamhetsplan.docx"]


def test_template_reaching_for_python_internals_is_refused(example, tmp_path: Path) -> None:
    folder = tmp_path / "evil" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    document.add_paragraph("{{ cycler.__init__.__globals__ }}")
    document.save(str(folder / "default.docx"))
    with pytest.raises(TemplateError, match="unsafe"):
        write_word_document(example, "verksamhetsplan", tmp_path, templates=folder.parent)


def test_cli_commands_write_and_print_paths(runner: CliRunner, tmp_path: Path) -> None:
    for command, name in (
        ("plan", "verksamhetsplan"),
        ("stakeholders", "intressentanalys"),
        ("prestudy", "forstudie"),
    ):
        result = runner.invoke(main, [command, str(EXAMPLE), "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
        expected = tmp_path / "smart-textiles" / f"{name}.docx"
        assert result.output.strip() == str(expected)
        assert expected.is_file()


def test_cli_bad_input_writes_nothing(runner: CliRunner, write, tmp_path: Path) -> None:
    path = write(THIN.replace("initiering", "initering"))
    result = runner.invoke(main, ["plan", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "did you mean 'initiering'?" in result.output
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def example_pdfs(rendered: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Swedish example documents as PDFs, through `--pdf`'s conversion."""
    if not HAVE_LIBREOFFICE:
        pytest.skip("LibreOffice and poppler are not installed")
    folder = tmp_path_factory.mktemp("pdf")
    sources = [
        Path(shutil.copy(path, folder / f"{document}.docx"))
        for (document, lang), path in rendered.items()
        if lang == "sv"
    ]
    pdfs = convert_to_pdf(sources)
    assert [p.name for p in pdfs] == [f"{d}.pdf" for d in WORD_DOCUMENTS]
    return {pdf.stem: pdf for pdf in pdfs}


def test_pdfs_are_complete_tagged_and_accessible(example_pdfs: dict[str, Path]) -> None:
    for document, pdf in example_pdfs.items():
        assert pdf.read_bytes().startswith(b"%PDF")
        assert not words_missing_from_pdf(pdf.with_suffix(".docx"), pdf), document
        assert not pdfua_errors(pdf), document
        with PdfDocument.open(str(pdf)) as opened:
            assert opened.is_tagged and opened.lang == "sv-SE"
            assert opened.title and opened.title.endswith("Smart Textiles")
            assert opened.display_doc_title
    text = pdf_text(example_pdfs["verksamhetsplan"])
    assert "Smart Textiles" in text and "Högskolan i Borås" in text


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_a_template_picture_without_alt_text_keeps_the_pdf_accessible(
    runner: CliRunner, tmp_path: Path
) -> None:
    """LibreOffice leaves both a chart's and an undescribed picture's Figure without alt text:
    each gets its own, the charts theirs, the picture its name or "Bild"."""
    from docx.shared import Cm

    from klusterdocs.pdf import _figures

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    template = docx.Document(str(builtin_templates() / "verksamhetsplan" / "default.docx"))
    picture = template.paragraphs[0].insert_paragraph_before().add_run()
    picture.add_picture(str(INPUTS / "smart-textiles-logo.png"), width=Cm(3))
    template.save(str(folder / "default.docx"))
    templates = str(tmp_path / "templates")
    result = runner.invoke(
        main, ["plan", str(EXAMPLE), "-o", str(tmp_path / "out"), "--pdf", "--templates", templates]
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "smart-textiles" / "verksamhetsplan.pdf"
    assert not pdfua_errors(pdf)
    import pikepdf

    with pikepdf.open(pdf) as opened:
        alts = [str(f.get("/Alt", "")) for f in _figures(opened.Root.StructTreeRoot)]
    assert alts[0] == "Bild"
    assert alts[1] == "Högskolan i Borås logotyp"
    assert alts[2].startswith("Tidsplan (Gantt-schema)") and len(alts) == 6


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_a_template_text_box_gets_its_text_as_the_pdf_figure_s_alt_text(
    runner: CliRunner, tmp_path: Path
) -> None:
    """LibreOffice tags a text box as a Figure without alt text: a template with one failed
    PDF/UA, and its charts lost theirs too (the Figures were not the ones expected)."""
    from klusterdocs.pdf import _figures
    from tests.test_hostile import _built_in_changed

    box = (
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="2000000" cy="500000"/>'
        '<wp:docPr id="77" name="Textruta 1"/><a:graphic xmlns:a="http://schemas.openxmlformats'
        '.org/drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/office/word'
        '/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off '
        'x="0" y="0"/><a:ext cx="2000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst'
        "/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent><w:p><w:r><w:t>Rutans text</w:t>"
        "</w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData>"
        "</a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    templates = _built_in_changed(
        tmp_path,
        lambda part, xml: (
            xml.replace("<w:body>", "<w:body>" + box, 1) if part == "word/document.xml" else xml
        ),
    )
    result = runner.invoke(
        main,
        [
            "plan",
            str(EXAMPLE),
            "-o",
            str(tmp_path / "out"),
            "--pdf",
            "--templates",
            str(templates),
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "smart-textiles" / "verksamhetsplan.pdf"
    assert not pdfua_errors(pdf)
    import pikepdf

    with pikepdf.open(pdf) as opened:
        alts = [str(f.get("/Alt", "")) for f in _figures(opened.Root.StructTreeRoot)]
    assert "Rutans text" in alts and any(a.startswith("Tidsplan (Gantt-schema)") for a in alts)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_documents_of_one_name_each_get_their_own_pdf(rendered: dict, tmp_path: Path) -> None:
    """`build --pdf` converts two initiatives' verksamhetsplan.docx in one call."""
    sources = []
    for lang in ("sv", "en"):
        (tmp_path / lang).mkdir()
        source = rendered[("verksamhetsplan", lang)]
        sources.append(Path(shutil.copy(source, tmp_path / lang / "verksamhetsplan.docx")))
    swedish, english = (pdf_text(pdf) for pdf in convert_to_pdf(sources))
    assert "Verksamhetsplan" in swedish and "Operational plan" not in swedish
    assert "Operational plan" in english


@pytest.mark.skipif(
    not has_document_fonts(), reason="Calibri or Carlito is not installed: lines break elsewhere"
)
def test_pdf_layout_keeps_words_and_headings_whole(example_pdfs: dict[str, Path]) -> None:
    """Where lines and pages break depends on the font: these need Calibri's metrics."""
    layout = subprocess.run(
        ["pdftotext", "-layout", str(example_pdfs["verksamhetsplan"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"Sammanfattning\.{5,}\s*\d+\n", layout)  # page numbers in the TOC
    flowing = pdf_text(example_pdfs["verksamhetsplan"])
    for word in ("Kommunikatören", "Aktivitetsindikator", "varumärkesbyggande"):
        assert word in flowing, f"{word} is broken across lines in a table column"
    for pdf in example_pdfs.values():
        assert not stranded_headings(pdf), pdf.name


def test_pdf_without_libreoffice_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 1
    assert "--pdf needs LibreOffice" in result.output
    assert "fonts-crosextra-carlito" in result.output  # the fonts the layout needs, too


def test_pdf_warns_when_the_documents_font_is_missing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Calibri or Carlito, LibreOffice sets the text in a wider font and words break
    inside table cells: `--pdf` says so before converting, naming the package to install."""
    from klusterdocs import pdf

    monkeypatch.setattr(pdf, "_installed", lambda font: font != "Calibri")
    monkeypatch.setattr(pdf, "convert_to_pdf", lambda sources: [])
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path), "--pdf"])
    assert result.exit_code == 0, result.output
    assert "Warning: the documents use Calibri (or Carlito)" in result.output
    assert "apt-get install fonts-crosextra-carlito" in result.output
    monkeypatch.setattr(pdf, "_installed", lambda font: True)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path), "--pdf"])
    assert "Warning" not in result.output


def test_source_date_epoch_sets_the_default_date(write, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1345420800")  # 2012-08-20
    path = write_word_document(load_initiative(write(THIN)), "forstudie", tmp_path)
    assert "20 augusti 2012" in _body_text(docx.Document(str(path)))


def test_a_long_register_is_written_row_by_row_and_fits_the_page(tmp_path: Path) -> None:
    """Tables longer than ROWS_TO_FIT_BY are streamed: every row arrives, in order, fitted."""
    from klusterdocs.render.word import ROWS_TO_FIT_BY

    count = ROWS_TO_FIT_BY * 3 + 7
    actors = "".join(
        f"""
  - id: a{i}
    name: Aktör {i:04d} & <Co>
    helix: {("industry", "academia", "public")[i % 3]}
    power: {1 + i % 5}
    interest: {1 + (i * 3) % 5}
    role: "rad ett\\nrad två"
    expectations: Att **synas**
"""
        for i in range(count)
    )
    source = tmp_path / "lang.yaml"
    source.write_text(THIN + "actors:" + actors, encoding="utf-8")
    path = write_word_document(load_initiative(source), "intressentanalys", tmp_path / "out")
    opened = docx.Document(str(path))
    register = max(opened.tables, key=lambda t: len(t.rows))
    names = [row.cells[0].text for row in register.rows[1:]]
    assert names == [f"Aktör {i:04d} & <Co>" for i in range(count)]
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "rad ett</w:t><w:br/>" in body  # a line break typed in a name or role, streamed
    grid = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in register._tbl.tblGrid]
    cells = [int(c.width.twips) for c in register.rows[-1].cells]
    assert grid == cells  # the grid agrees with the cells of the last row too
    assert sum(grid) <= 9072 + len(grid)  # between the margins of A4 with 2.5 cm margins


def test_compiled_templates_are_kept_between_runs(tmp_path: Path, monkeypatch) -> None:
    from klusterdocs import cache
    from klusterdocs.render import word

    monkeypatch.setenv("KLUSTERDOCS_CACHE", str(tmp_path / "cache"))
    word._compiled.cache_clear()
    write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "one")
    kept = sorted((tmp_path / "cache").glob("*.marshal"))
    assert kept  # the document and its header and footer
    word._compiled.cache_clear()
    monkeypatch.setattr(word, "jinja_source", lambda xml: pytest.fail("compiled again"))
    second = write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "two")
    assert (tmp_path / "one" / second.relative_to(tmp_path / "two")).read_bytes() != b""
    assert sorted((tmp_path / "cache").glob("*.marshal")) == kept
    monkeypatch.setenv("KLUSTERDOCS_CACHE", "off")
    assert cache.cache_folder() is None
    word._compiled.cache_clear()


def _table(*rows: tuple[tuple[int, str], ...]) -> list:
    """Rows of (width in twips, text) cells, as lxml elements."""
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    xml = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:tc>"
            for width, text in row
        )
        + "</w:tr>"
        for row in rows
    )
    return list(etree.fromstring(f'<w:tbl xmlns:w="{w}">{xml}</w:tbl>'))


def test_a_column_too_narrow_for_its_longest_word_gets_room_from_the_others() -> None:
    from klusterdocs.render.wordxml import PageLayout, fit_rows, table_fit

    rows = _table(
        ((3000, "Aktivitet"), (1200, "Ansvarig"), (1500, "Tid")),
        (
            (3000, "Mässmonter på internationell mässa"),
            (1200, "Kommunikatören"),
            (1500, "nov 2012"),
        ),
    )
    fit = table_fit(rows, PageLayout(9072.0, {"TableText": 9.0, "": 10.5}))
    assert fit is not None and fit.by_column
    assert sum(fit.widths) == 5700  # the table keeps its width
    assert fit.widths[1] >= 14 * 0.5 * 9 * 20  # 14 letters of half an em at 9 pt
    assert fit.widths[0] >= 3000 * 0.8 and fit.widths[2] >= 1500 * 0.8  # a fifth at most
    fit_rows(rows, fit)
    cells = [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in rows[1]]
    assert cells == fit.widths
    short_words = _table(((3000, "Aktivitet"), (1200, "Ansvarig"), (1500, "Tid")))
    roomy = table_fit(short_words, PageLayout(9072.0, {"TableText": 9.0}))
    assert roomy is not None and not roomy.by_column and roomy.widths == [3000, 1200, 1500]


def test_table_rows_never_break_across_pages(rendered: dict) -> None:
    """A row split over two pages leaves half an actor at the top of the next one."""
    for path in rendered.values():
        with zipfile.ZipFile(path) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        rows = re.findall(r"<w:tr[ >].*?</w:tr>", body)
        assert rows
        assert all("<w:cantSplit" in row for row in rows), path


def test_an_unwritable_template_cache_is_no_obstacle(tmp_path: Path, monkeypatch) -> None:
    from klusterdocs.render import word

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("KLUSTERDOCS_CACHE", str(blocker / "cache"))
    word._compiled.cache_clear()
    path = write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out")
    assert "Smart Textiles" in _body_text(docx.Document(str(path)))
    assert blocker.read_text(encoding="utf-8") == ""
    word._compiled.cache_clear()


def test_tables_that_render_empty_still_give_a_document_word_opens(tmp_path: Path) -> None:
    """A cell whose text is empty, a row loop over nothing, a header whose content is all
    conditional, and on/off values as LibreOffice writes them: Word refuses each unless mended."""
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    template = docx.Document()
    cells = template.add_table(rows=1, cols=2)
    cells.rows[0].cells[0].text = "{{p initiative.background|md }}"
    cells.rows[0].cells[1].text = "{{ initiative.name }}"
    loop = template.add_table(rows=3, cols=1)
    tags = ["{%tr for a in actors %}", "{{ a.name }}", "{%tr endfor %}"]
    for row, text in zip(loop.rows, tags, strict=True):
        row.cells[0].text = text
    header = template.sections[0].header
    header.paragraphs[0].text = "{%p if actors %}"
    header.add_paragraph("{{ initiative.name }}")
    header.add_paragraph("{%p endif %}")
    template.save(str(folder / "default.docx"))

    def libreoffice_on_off(name: str, text: str) -> str:
        on = '<w:trPr><w:cantSplit w:val="true"/><w:tblHeader w:val="1"/></w:trPr>'
        return text.replace("<w:tr>", f"<w:tr>{on}") if name == "word/document.xml" else text

    _rewrite_parts(folder / "default.docx", libreoffice_on_off)
    model = InitiativeFile.validate(yaml.safe_load(THIN))
    path = write_word_document(model, "verksamhetsplan", tmp_path / "out", templates=folder.parent)
    assert_valid_office(path)
    opened = docx.Document(str(path))
    assert len(opened.tables) == 1  # the loop over no actors left no table
    assert opened.tables[0].rows[0].cells[1].text == "Tunt Kluster"
    assert len(opened.tables[0].rows[0].cells[0].paragraphs) == 1


def _keeps(row: str) -> bool:
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", row)
    return bool(paragraphs) and all("<w:keepNext/>" in p for p in paragraphs)


def test_small_tables_stay_on_one_page_and_long_ones_keep_head_and_total(tmp_path: Path) -> None:
    """A header row never stands alone at a page's foot, nor a total row at the top of the
    next; a table of up to ten rows is not split at all."""
    actors = [{"id": f"a{n}", "name": f"Aktör {n}", "helix": "industry"} for n in range(60)]
    model = InitiativeFile.validate({**yaml.safe_load(THIN), "actors": actors})
    for count in (3, 60):
        trimmed = model.replace(actors=model.actors[:count])
        path = write_word_document(trimmed, "intressentanalys", tmp_path / str(count))
        with zipfile.ZipFile(path) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        for table in re.findall(r"<w:tbl>.*?</w:tbl>", body):
            rows = re.findall(r"<w:tr[ >].*?</w:tr>", table)
            kept = [_keeps(row) for row in rows]
            if len(rows) == 1:
                continue  # the phase strip keeps with the sentence under it, by its template
            assert not kept[-1]
            if len(rows) <= 10:
                assert all(kept[:-1]), table[:200]
            else:
                assert kept[:3] == [True, True, True] and kept[-2]
                assert not all(kept[3:-2])  # the middle may break between rows


_STALE_ENTRY = (
    '<w:p><w:pPr><w:pStyle w:val="TOC1"/></w:pPr><w:hyperlink w:anchor="_Toc1">'
    "<w:r><w:t>Gammal rubrik</w:t></w:r><w:r><w:tab/></w:r>"
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \\h </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>'
)
_WORD_TOC = (  # as Word and LibreOffice write a filled TOC: in a content control, over paragraphs
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
    "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>"
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>'
    f"{_STALE_ENTRY}{_STALE_ENTRY}"
    '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p></w:sdtContent></w:sdt>'
)


@pytest.mark.parametrize("with_styles", [True, False])
def test_a_toc_that_word_or_libreoffice_filled_is_filled_again(tmp_path, with_styles) -> None:
    folder = tmp_path / "t" / "verksamhetsplan"
    folder.mkdir(parents=True)
    shutil.copy(builtin_templates() / "verksamhetsplan" / "default.docx", folder)

    def word_toc(name: str, text: str) -> str:
        if name == "word/document.xml":
            bare = re.search(r"<w:p>(?:(?!<w:p>).)*? TOC (?:(?!<w:p>).)*?</w:p>", text)
            assert bare is not None
            return text.replace(bare.group(), _WORD_TOC)
        if name == "word/styles.xml" and not with_styles:  # no "toc N" styles: plain entries
            return re.sub(r'<w:style [^>]*w:styleId="TOC\d".*?</w:style>', "", text, flags=re.S)
        return text

    _rewrite_parts(folder / "default.docx", word_toc)
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path, templates=tmp_path / "t"
    )
    assert_valid_office(path)
    body = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "Gammal rubrik" not in body and "w:sdt>" not in body
    assert body.count('w:fldCharType="begin"') == body.count('w:fldCharType="end"')
    entries = [p for p in docx.Document(str(path)).paragraphs if "PAGEREF" in p._p.xml]
    assert [p.text.strip() for p in entries][:2] == [
        "1\tSammanfattning",
        "2\tBakgrund och utgångspunkt",
    ]
    assert all(p.style.name.lower().startswith("toc") == with_styles for p in entries)


def test_a_cellbg_tag_shades_the_cell_in_the_order_word_reads_its_properties() -> None:
    """docxtpl writes the shading first; compiled, it follows the width and merges (so the
    rows of a long table need no sorting each), and what stays out of order is noticed."""
    from klusterdocs.render.word import jinja_source, shading_first

    cell = (
        '<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/><w:gridSpan w:val="2"/>'
        '<w:vAlign w:val="top"/></w:tcPr><w:p><w:r><w:t>{% cellbg a.colour %}x</w:t></w:r>'
        "</w:p></w:tc>"
    )
    xml = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:tbl><w:tr>{cell}</w:tr></w:tbl></w:body></w:document>"
    )
    properties = re.search(r"<w:tcPr>(.*?)</w:tcPr>", jinja_source(xml), re.DOTALL)
    assert properties is not None
    names = re.findall(r"<w:(\w+)", properties.group(1))
    assert names == ["tcW", "gridSpan", "shd", "vAlign"]
    assert not shading_first(properties.group(0))
    assert shading_first('<w:tcPr><w:shd w:fill="FF0000"/><w:tcW w:w="1"/></w:tcPr>')
    # a run's shading, and a later cell's width, are no cell's disorder
    run = '<w:p><w:r><w:rPr><w:shd w:fill="FF0000"/></w:rPr></w:r></w:p>'
    assert not shading_first(f'<w:tc><w:tcPr/>{run}</w:tc><w:tc><w:tcPr><w:tcW w:w="1"/></w:tcPr>')


def test_the_low_hanging_fruit_legend_only_where_a_star_is(tmp_path: Path) -> None:
    data = yaml.safe_load(THIN)
    data["activities"] = [{"id": "a1", "title": "Frukostmöte"}]
    model = InitiativeFile.validate(data)
    path = write_word_document(model, "verksamhetsplan", tmp_path, today=DAY)
    assert "Lågt hängande frukt" not in _body_text(docx.Document(str(path)))
    data["activities"][0]["low_hanging_fruit"] = True
    path = write_word_document(
        InitiativeFile.validate(data), "verksamhetsplan", tmp_path / "b", today=DAY
    )
    assert "★ Lågt hängande frukt" in _body_text(docx.Document(str(path)))


@pytest.mark.parametrize("document", WORD_DOCUMENTS)
def test_the_built_in_templates_open_in_word_as_they_are(document: str) -> None:
    """`templates export` hands them to a region to edit in Word: their XML is in the
    schema's order too, not only the documents made from them."""
    from tests.checks import office_errors

    assert office_errors(builtin_templates() / document / "default.docx") == []


def test_a_risk_s_markdown_is_shown_as_formatting(tmp_path: Path, write) -> None:
    """The risk table printed "Risk **fet**" as typed, where a value's bold was bold."""
    path = write(
        THIN + "risks:\n  - {id: r1, text: 'Risk **fet**', probability: 2, impact: 2,"
        " mitigation: 'Gör *så*'}\n"
    )
    model = load_initiative(path)
    for document in ("verksamhetsplan", "forstudie"):
        written = write_word_document(model, document, tmp_path / "out")
        runs = [
            r
            for t in docx.Document(str(written)).tables
            for c in t._cells
            for p in c.paragraphs
            for r in p.runs
        ]
        assert any(r.text == "fet" and r.bold for r in runs), document
        assert any(r.text == "så" and r.italic for r in runs), document
        assert "**" not in "".join(r.text for r in runs)


def test_the_font_warning_names_packages_only_for_fonts_they_replace() -> None:
    """Aptos or Myriad Pro was answered with Carlito's and Liberation's packages."""
    from klusterdocs import pdf

    def warning(fonts: list[str]) -> str:
        original = pdf.missing_fonts
        pdf.missing_fonts = lambda sources: fonts  # type: ignore[assignment]
        try:
            return pdf.font_warning([]) or ""
        finally:
            pdf.missing_fonts = original  # type: ignore[assignment]

    assert "apt-get install fonts-crosextra-carlito)" in warning(["Calibri"])
    said = warning(["Aptos"])
    assert "Install the fonts the templates name" in said and "apt-get" not in said
    both = warning(["Calibri", "Aptos"])
    assert "has some: apt-get install fonts-crosextra-carlito" in both
