"""The module decks, reopened with python-pptx and read as a coach would."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from klusterdocs.cli import main
from klusterdocs.documents import write_deck
from klusterdocs.loading import load_program
from klusterdocs.pdf import convert_to_pdf
from klusterdocs.render.fit import AVERAGE, Box, TextFit, metrics_for
from klusterdocs.render.lookup import builtin_templates
from klusterdocs.render.slides import INSET_X, INSET_Y
from klusterdocs.render.theme import theme_fonts
from tests.checks import HAVE_LIBREOFFICE, assert_valid_office, pdfua_errors
from tests.conftest import PROGRAM


def _titles(path: Path) -> list[str]:
    return [s.shapes.title.text if s.shapes.title else "" for s in Presentation(str(path)).slides]


def _texts(path: Path) -> str:
    parts = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    loaded = load_program(PROGRAM)
    out = tmp_path_factory.mktemp("decks")
    return {m.number: write_deck(loaded, m.number, out) for m in loaded.model.modules}


def test_module_one_runs_like_the_coachs_day(decks: dict[int, Path]) -> None:
    """Title, agenda, then each agenda item (its section slide) with its content after it."""
    titles = _titles(decks[1])
    assert titles[0] == "Att vara styrman\nModul 1: Kluster vad och varför"
    order = [
        "Dagordning",
        "Introduktion",
        "Syfte med modulen",
        "Programmets syfte",
        "Utbildning i fyra moduler",
        "Presentation av deltagarna",
        "Uppgift: Presentation av deltagarna",
        "Deltagarna",
        "Deltagarna (forts.)",
        "Deltagarna (forts.)",
        "Deltagarna (forts.)",
        "Våra initiativ i Reglabs klustermodell",
        "Reglabs klustermodell",
        "Reglabs klustermodell – vad varje fas kräver",
        "Kluster vad och varför",
        "Vad är ett kluster?",
        "Uppgift: Kluster vad och varför",
        "Lunch",
        "Reflektion: Processledarrollen – Grupp 1",
        "Kaffe",
        "Att driva klustrets utveckling",
        "Summerande diskussion och hemuppgift",
        "Till nästa gång",
        "Vad gör jag till nästa gång?",
        "Tack!",
    ]
    positions = [titles.index(t) for t in order]
    assert positions == sorted(positions)
    assert titles[-1] == "Tack!"


def test_every_run_is_in_the_decks_language_for_spelling(decks: dict[int, Path]) -> None:
    """PowerPoint checks spelling by each run's language: Swedish text must say sv-SE."""
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for path in decks.values():
        deck = Presentation(str(path))
        runs = [r for slide in deck.slides for r in slide.element.iter(f"{a}r")]
        assert runs
        assert {r.find(f"{a}rPr").get("lang") for r in runs} == {"sv-SE"}, path
        defaults = {e.get("lang") for e in deck.part._element.iter(f"{a}defRPr")}
        assert defaults == {"sv-SE"}


def test_title_slide_has_places_and_dates(decks: dict[int, Path]) -> None:
    first = Presentation(str(decks[1])).slides[0]
    text = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Glava, 14–15 juni 2012 · Stockholm, 20 augusti 2012" in text


def test_agenda_table(decks: dict[int, Path]) -> None:
    slide = next(
        s
        for s in Presentation(str(decks[1])).slides
        if s.shapes.title and s.shapes.title.text == "Dagordning"
    )
    table = next(s for s in slide.shapes if s.has_table).table
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Tid", "Programpunkt", "Form"]
    assert rows[1] == ["10:00", "Introduktion", "Gemensamt"]
    assert ["12:00", "Lunch", "Paus"] in rows
    assert len(rows) == 10


def test_participants_with_their_linked_initiatives(decks: dict[int, Path]) -> None:
    """Two participants to a slide, each under their name with their initiative's facts."""
    slides = [
        s
        for s in Presentation(str(decks[1])).slides
        if s.shapes.title and s.shapes.title.text.startswith("Deltagarna")
    ]
    assert [s.shapes.title.text for s in slides] == ["Deltagarna"] + ["Deltagarna (forts.)"] * 3
    text = "\n".join(
        shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame
    )
    (lena,) = [
        column
        for s in slides
        for column in (p.text_frame.text for p in s.placeholders if p.placeholder_format.idx)
        if column.startswith("Lena Exempelsson")
    ]
    for expected in (
        "Roll: Processledare",
        "Initiativ: Smart Textiles",
        "Region: Sjuhärad, Västra Götaland",
        "Inriktning: Smarta och hållbara textilier",
        "Fas: Formering",
        "Förväntningar: Konkreta tips",
    ):
        assert expected in lena
    assert text.count("Åsa Exempelsson") == 1
    assert not [t for t in _titles(decks[2]) if t.startswith("Deltagarna")]  # presented once


def test_cohort_phase_diagram_places_every_participant(decks: dict[int, Path]) -> None:
    """By the linked initiative's phase, else the participant's own `phase`; who has neither
    is named under the chart."""
    slide = next(
        s
        for s in Presentation(str(decks[1])).slides
        if s.shapes.title and s.shapes.title.text.startswith("Våra initiativ")
    )
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    phases = ["Initiering", "Mobilisering", "Formering", "Organisering"]
    assert [t for t in texts if t in phases] == phases
    cards = [texts[texts.index(p) + 1].split("\n") for p in phases]
    assert cards[1] == ["Jonas Exempelsson, Automation Region", "Per Exempelsson, Findit"]
    assert "Lena Exempelsson, Smart Textiles" in cards[2]
    assert "Åsa Exempelsson, CleanTech Östergötland" in cards[2]
    assert "Sara Exempelsson, Kalmar Science Park" in cards[0]
    assert cards[3] == ["–"]
    assert any("Maria Exempelsson, Olof Exempelsson" in t for t in texts)  # no phase: named


def _charts(path: Path) -> dict[str, tuple[str, list[str], list[float]]]:
    """Each chart of a deck, by its slide's title: its alt text, categories and numbers, as
    its part holds them; each part's data is in the workbook it names."""
    found = {}
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                chart = shape.chart
                assert chart.part.related_part("rId1").partname.ext == "xlsx"
                plot = chart.plots[0]
                alt = shape._element.nvGraphicFramePr.cNvPr.get("descr")
                values = [float(v) for v in plot.series[0].values]
                found[slide.shapes.title.text] = (alt, list(plot.categories), values)
    return found


def test_decks_chart_the_cohort_by_phase_and_the_commitments_by_status(
    decks: dict[int, Path],
) -> None:
    """Native charts (their data editable) with alt text that says their figures: the cohort
    by phase, counted as the phase diagram places them, and the last module's commitments by
    status, as the program file gives them."""
    charts = _charts(decks[2])
    assert "Deltagarnas initiativ per fas" not in charts  # eight names: the diagram says it
    alt, statuses, counts = charts["Hur långt åtagandena har kommit"]
    program = load_program(PROGRAM).model
    given = [c.status for c in program.commitments if c.module == 1]
    assert statuses == ["Klart", "Pågår", "Ej påbörjat", "Ej angivet"]
    expected = [given.count(s) for s in ("done", "ongoing", "not_started", None)]
    assert counts == expected and sum(counts) == len(given)
    assert f"{len(given)} åtaganden" in alt
    assert "Hur långt åtagandena har kommit" not in _charts(decks[1])  # nothing to follow up


def test_a_large_cohort_gets_a_chart_of_its_phases(tmp_path: Path, write) -> None:
    """Thirteen placed participants: more names than one takes in, so a chart counts them by
    phase after the diagram; one without a phase is not counted."""
    people = "\n".join(
        f"  - {{id: p{n}, name: Person {n}, phase: {('initiering', 'formering')[n % 2]}}}"
        for n in range(13)
    )
    program = write(
        "program: {title: T}\nmodules: [{number: 1, title: M}]\nparticipants:\n"
        + people
        + "\n  - {id: x, name: Utan fas}\n",
        "p.yaml",
    )
    path = write_deck(load_program(program), 1, tmp_path / "out")
    alt, phases, counts = _charts(path)["Deltagarnas initiativ per fas"]
    assert phases == ["Initiering", "Mobilisering", "Formering", "Organisering"]
    assert counts == [7, 0, 6, 0]
    assert "(13 sammanlagt): Initiering 7, Mobilisering 0, Formering 6, Organisering 0" in alt


def test_follow_up_of_previous_commitments(decks: dict[int, Path]) -> None:
    assert "Uppföljning: vad vi skulle göra till den här gången" not in _titles(decks[1])
    slide = next(
        s
        for s in Presentation(str(decks[2])).slides
        if s.shapes.title and s.shapes.title.text.startswith("Uppföljning")
    )
    rows = [
        [c.text for c in r.cells] for r in next(s for s in slide.shapes if s.has_table).table.rows
    ]
    assert rows[0] == ["Deltagare", "Åtagande", "Läge"]
    assert [
        "Lena Exempelsson",
        "Ta fram en verksamhetsplan för klustret och för mig själv",
        "Pågår",
    ] in rows
    assert ["Jonas Exempelsson", rows[2][1], "Klart"] in rows
    assert all(row[0] != "Sara Exempelsson" for row in rows)  # she noted none
    assert ["Olof Exempelsson", rows[6][1], "Ej angivet"] in rows
    notes = slide.notes_slide.notes_text_frame.text
    assert "åtaganden: två av sju klara." in notes
    assert "Inget åtagande antecknat för: Sara Exempelsson." in notes


def test_reflections_homework_and_closing(decks: dict[int, Path]) -> None:
    text = _texts(decks[1])
    assert "Envishet och mod är nödvändiga egenskaper" in text
    assert "Low hanging fruits – vad, när, hur?" in text
    assert "Nästa träff: modul 2, Klustrets resurser och tillgångar – Borlänge" in text
    assert "Lycka till med ert fortsatta arbete!" in _texts(decks[4])


def test_module_content_comes_from_the_seed(decks: dict[int, Path]) -> None:
    text = _texts(decks[1])
    assert "MICHAEL PORTER" not in text and "Michael Porter, 1998" in text
    assert "Bristande konsensus" in text
    assert "Företagen är funktionellt länkade" in text


def test_every_deck_is_valid_sixteen_by_nine_and_placeholders_are_not_left_empty(
    decks: dict[int, Path],
) -> None:
    for path in decks.values():
        assert_valid_office(path)
        prs = Presentation(str(path))
        assert (prs.slide_width, prs.slide_height) == (12191695, 6858000)
        for slide in prs.slides:
            for ph in slide.placeholders:
                assert not ph.has_text_frame or ph.text_frame.text.strip()


def _overflowing(path: Path) -> list[str]:
    """Text shapes whose text, at the sizes written, needs more room than the box has."""
    found = []
    deck = Presentation(str(path))
    heading_fit, body_fit = (TextFit(metrics_for(f)) for f in theme_fonts(deck.slide_masters[0]))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            paragraphs = shape.text_frame.paragraphs
            sizes = [r.font.size.pt for p in paragraphs for r in p.runs if r.font.size]
            if not sizes:
                continue
            box = Box(shape.width - 2 * INSET_X, shape.height - 2 * INSET_Y)
            body = shape.is_placeholder and shape.placeholder_format.type in (
                PP_PLACEHOLDER.BODY,
                PP_PLACEHOLDER.OBJECT,
            )
            a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
            marked = [
                p._p.pPr is not None and p._p.pPr.find(f"{a}buNone") is None for p in paragraphs
            ]
            unmarked = [p._p.pPr is None for p in paragraphs]
            bulleted = any(marked) or (body and any(unmarked))  # a body's own bullets indent
            indent = 342900 if bulleted else 0
            texts = [p.text for p in paragraphs]
            title = shape.is_placeholder and shape == slide.shapes.title
            fit = heading_fit if title else body_fit
            if not fit.fits(texts, box, max(sizes), indent=indent, space_before_pt=6):
                found.append(f"slide {number}: {shape.name}: {texts[0][:40]}")
    return found


def test_no_text_box_holds_more_than_it_can_show(decks: dict[int, Path]) -> None:
    for path in decks.values():
        assert _overflowing(path) == []


def test_long_lists_continue_on_a_continued_slide(tmp_path: Path, write) -> None:
    lines = [
        "program: {title: Långt program}",
        "modules: [{number: 1, title: Första}]",
        "reflections:",
        "  - module: 1",
        "    topic: Mycket att säga",
        "    notes:",
        *(
            f"      - Anteckning nummer {n} med lite mer text så att raden blir lång"
            for n in range(1, 31)
        ),
    ]
    program = write("\n".join(lines) + "\n")
    path = write_deck(load_program(program), 1, tmp_path)
    titles = _titles(path)
    assert "Reflektion: Mycket att säga" in titles
    assert "Reflektion: Mycket att säga (forts.)" in titles
    text = _texts(path)
    assert all(f"Anteckning nummer {n} " in text for n in range(1, 31))
    assert _overflowing(path) == []


def test_long_titles_get_smaller_within_limits(tmp_path: Path, write) -> None:
    long_title = "En mycket lång titel på en modul " * 4
    program = write(f"""
        program: {{title: P}}
        modules: [{{number: 1, title: "{long_title.strip()}"}}]
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    cover = Presentation(str(path)).slides[0].shapes.title
    sizes = {r.font.size.pt for p in cover.text_frame.paragraphs for r in p.runs}
    assert max(sizes) < 40 and min(sizes) >= 24


def test_text_too_long_for_any_size_is_cut_and_given_whole_in_the_notes(
    tmp_path: Path, write
) -> None:
    """A title or agenda item of a thousand words cannot fit a slide at any size: it is cut at
    a word, with an ellipsis, so nothing runs off the slide, and the notes hold it whole."""
    words = " ".join(f"ord{n}" for n in range(600))
    program = write(f"""
        program: {{title: "{words}"}}
        modules: [{{number: 1, title: Kort, agenda: [{{time: "10:00", item: "{words}"}}]}}]
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    slides = Presentation(str(path)).slides
    cover = slides[0].shapes.title.text_frame.text
    assert cover.endswith("…") and cover.startswith("ord0 ord1")
    assert words in slides[0].notes_slide.notes_text_frame.text
    agenda = next(s for s in slides if any(sh.has_table for sh in s.shapes))
    cell = next(sh for sh in agenda.shapes if sh.has_table).table.cell(1, 1).text
    assert cell.endswith("…") and len(cell) < len(words)
    assert words in agenda.notes_slide.notes_text_frame.text
    assert not _overflowing(path)


@pytest.mark.parametrize(
    "fit", [TextFit(), TextFit(metrics_for("Calibri"))], ids=["average", "font"]
)
def test_fit_measures_lines_as_a_slide_shows_them(fit: TextFit) -> None:
    box = Box(width=914400 * 5, height=914400)  # 5 x 1 inch
    assert fit.fits(["kort"], box, 24)
    assert not fit.fits(["ord " * 200], box, 24)
    assert fit.lines("a\nb\nc", box.width, 12) == 3
    word = "Klusterinitiativsamverkansprocessledarutbildningen"  # wider than a narrow column
    assert fit.lines(word, fit.widest_word(word, 12) // 3 + 1, 12) == 3
    assert fit.lines(f"{word} och", fit.widest_word(word, 12) + 1, 12) == 2


def test_real_font_widths_tell_narrow_letters_from_wide_ones() -> None:
    calibri = metrics_for("Calibri")
    if calibri is AVERAGE:
        pytest.skip("fontconfig or a Calibri-compatible font (Carlito) is not installed")
    assert calibri.width("i") < 0.3 < 0.8 < calibri.width("W")
    assert calibri.width("10:00") < AVERAGE.width("10:00")  # digits are narrower than average


def _renamed_and_reordered_template(target: Path) -> Path:
    """The built-in template with every layout renamed and the layouts in reverse order."""
    prs = Presentation(str(builtin_templates() / "modul" / "default.pptx"))
    for number, layout in enumerate(prs.slide_layouts):
        layout.name = f"Region Layout {number}"
    ids = prs.slide_master._element.find(
        "{http://schemas.openxmlformats.org/presentationml/2006/main}sldLayoutIdLst"
    )
    for element in reversed(list(ids)):
        ids.append(element)
    folder = target / "modul"
    folder.mkdir(parents=True)
    prs.save(str(folder / "default.pptx"))
    return target


def test_a_regions_template_with_other_layout_names_and_order(
    tmp_path: Path, decks: dict[int, Path]
) -> None:
    templates = _renamed_and_reordered_template(tmp_path / "region")
    path = write_deck(load_program(PROGRAM), 1, tmp_path / "out", templates=templates)
    assert _titles(path) == _titles(decks[1])
    kinds = [s.slide_layout.name for s in Presentation(str(path)).slides]
    assert all(k.startswith("Region Layout") for k in kinds)
    assert len(set(kinds)) >= 6  # title, section, content, two columns, table, closing ...


def test_deck_template_lookup_prefers_module_then_phase(tmp_path: Path) -> None:
    from klusterdocs.render.lookup import find_template

    user = tmp_path / "t" / "modul"
    user.mkdir(parents=True)
    builtin = builtin_templates() / "modul" / "default.pptx"
    shutil.copy(builtin, user / "initiering.pptx")
    assert find_template("modul", "initiering", user.parent, module=1).name == "initiering.pptx"
    shutil.copy(builtin, user / "modul-1.pptx")
    assert find_template("modul", "initiering", user.parent, module=1).name == "modul-1.pptx"
    assert find_template("modul", "formering", user.parent, module=3) == builtin


def test_deck_in_english(tmp_path: Path) -> None:
    path = write_deck(load_program(PROGRAM), 1, tmp_path, lang="en")
    titles = _titles(path)
    assert "Agenda" in titles and "Thank you!" in titles
    assert "Four basic criteria of a cluster" in titles


def test_user_text_in_a_deck_is_kept_literally(tmp_path: Path, write) -> None:
    program = write("""
        program: {title: "R&D <Program> {{ x }}"}
        modules: [{number: 1, title: "A & B", homework: ["Läs <boken> & \\vgör {% if %}"]}]
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    text = _texts(path)
    assert "R&D <Program> {{ x }}" in text
    assert "Läs <boken> & \ngör {% if %}" in text or "Läs <boken> & \vgör {% if %}" in text


def test_cli_deck_all_modules(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["deck", str(PROGRAM), "--module", "all", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [
        str(tmp_path / "reglab-2012" / f"modul-{n}.pptx") for n in range(1, 5)
    ]


def test_cli_deck_unknown_module(runner: CliRunner, tmp_path: Path, write) -> None:
    program = write(
        "program: {title: P}\nmodules: [{number: 1, title: A}, {number: 2, title: B}]\n"
    )
    result = runner.invoke(main, ["deck", str(program), "--module", "3", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "the program has no module 3; it has 1, 2" in result.output
    bad = runner.invoke(main, ["deck", str(PROGRAM), "--module", "x"])
    assert bad.exit_code == 2


def test_broken_linked_initiative_is_located(runner: CliRunner, tmp_path: Path, write) -> None:
    write("initiative: {name: X, region: R, focus: F, phase: fel}\n", "broken.yaml")
    program = write(
        """
        program: {title: T}
        modules: [{number: 1, title: M}]
        participants: [{id: p1, name: Anna, initiative: broken.yaml}]
    """,
        "program.yaml",
    )
    result = runner.invoke(main, ["deck", str(program), "--module", "1", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.yaml:1:" in result.output and "initiative.phase" in result.output
    assert "participants[0].initiative: the linked initiative file" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_decks_convert_to_accessible_pdf_in_libreoffice(decks: dict[int, Path]) -> None:
    pdfs = convert_to_pdf(list(decks.values()))
    assert all(pdf.read_bytes().startswith(b"%PDF") for pdf in pdfs)
    for pdf in pdfs:
        assert not pdfua_errors(pdf), pdf.name  # the phase diagram's shapes are tagged too
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdfs[0])], capture_output=True, text=True, check=True
        ).stdout
        pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[1])
        assert pages == len(Presentation(str(decks[1])).slides)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
def test_a_handout_gives_each_slide_its_notes_and_stays_accessible(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        main, ["deck", str(PROGRAM), "--module", "2", "-o", str(tmp_path), "--handout"]
    )
    assert result.exit_code == 0, result.output
    [deck] = tmp_path.glob("*/modul-2.pptx")
    handout = deck.with_name("modul-2-handout.pdf")
    assert str(handout) in result.output.split()
    slides = Presentation(str(deck)).slides
    pages = subprocess.run(
        ["pdftotext", "-layout", str(handout), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    assert len([p for p in pages if p.strip()]) == len(slides)
    notes = " ".join(slides[1].notes_slide.notes_text_frame.text.split())
    assert notes[:40] in " ".join(pages[1].split())  # the slide's own notes, on its page
    assert not pdfua_errors(handout)  # each slide's picture says which slide it is


@pytest.mark.parametrize("kind", ["table", "bullets"])
def test_a_single_line_left_over_folds_back_at_a_smaller_size(kind: str) -> None:
    """Rather than a continuation slide holding one row or line, the list takes a smaller
    size on fewer slides; a remainder of two or more still goes on over."""
    from klusterdocs.context.program import Slide
    from klusterdocs.render.slides import TABLE_SIZE, DeckWriter, _inner

    writer = DeckWriter(builtin_templates() / "modul" / "default.pptx")
    area = writer.layouts.content.boxes[0]

    def spec(count: int) -> Slide:
        if kind == "table":
            rows = [[f"{9 + n}:00", f"Punkt {n} på dagordningen"] for n in range(count)]
            return Slide("table", "Dagordning", columns=["Tid", "Punkt"], rows=rows)
        return Slide("bullets", "Lista", bullets=[f"Rad {n} i listan" for n in range(count)])

    def parts(count: int) -> list[int]:
        if kind == "table":
            widths = writer._column_widths(spec(count), area.width, TABLE_SIZE)
            return [len(c) for c in writer._row_chunks(spec(count), widths, area.height, 18)]
        items = [(b, "default", False) for b in spec(count).bullets]
        return [len(c) for c in writer._split(items, _inner(area), 18)]

    lone = next(n for n in range(2, 80) if len(parts(n)) == 2 and parts(n)[1] == 1)
    before = len(writer.prs.slides)
    writer.add(spec(lone), "(forts.)")
    assert len(writer.prs.slides) - before == 1 and writer.thin == []
    writer.add(spec(lone + 3), "(forts.)")  # three more: two slides, none of them thin
    assert writer.thin == []


def test_slides_made_by_copying_are_each_their_own(decks: dict[int, Path]) -> None:
    """Slides after the first of a layout are copies (`SlideMaker`): each must still have its
    own part, id, layout and notes page, related both ways, and the file's bytes the same on
    every build."""
    deck = Presentation(str(decks[1]))
    ids = [slide.slide_id for slide in deck.slides]
    assert ids == sorted(set(ids)) and ids[0] >= 256
    names = [str(slide.part.partname) for slide in deck.slides]
    assert names == [f"/ppt/slides/slide{n}.xml" for n in range(1, len(names) + 1)]
    notes_pages = set()
    for slide in deck.slides:
        assert slide.has_notes_slide
        notes = slide.notes_slide
        assert notes.part.part_related_by(RT.SLIDE) is slide.part
        notes_pages.add(str(notes.part.partname))
        layout = slide.part.part_related_by(RT.SLIDE_LAYOUT)
        assert layout in {each.part for each in slide.slide_layout.slide_master.slide_layouts}
    assert len(notes_pages) == len(names)
    again = write_deck(load_program(PROGRAM), 1, decks[1].parent.parent / "again")
    assert again.read_bytes() == decks[1].read_bytes()
