"""Decks on templates nobody here made: Office's own, LibreOffice re-saves, a dark one, odd ones.

Each is rendered with module 1 of the example program, reopened with python-pptx and read as a
reader would: which layout each slide went on, where its text is, what colours it has.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from klusterdocs.documents import write_deck
from klusterdocs.errors import TemplateError
from klusterdocs.loading import LoadedProgram, load_program
from klusterdocs.render.lookup import builtin_templates, find_template
from klusterdocs.render.slides import deck_report
from tests.checks import assert_valid_office
from tests.conftest import PROGRAM
from tests.test_slides import _overflowing, _titles

HERE = Path(__file__).parent / "public_templates" / "powerpoint"
OURS = builtin_templates() / "modul" / "default.pptx"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
SECTIONS = [  # the agenda's items (and a break), and a section within an item's content
    "Introduktion",
    "Reglabs klustermodell",
    "Lunch",
    "Triple Helix och klustrets aktörer",
    "Att driva klustrets utveckling",
]


@pytest.fixture(scope="module")
def program() -> LoadedProgram:
    return load_program(PROGRAM)


def _deck(program: LoadedProgram, template: Path, out: Path) -> Path:
    """Module 1 made on `template` (as the user's `modul/default` template)."""
    folder = out / "templates" / "modul"
    folder.mkdir(parents=True)
    shutil.copy(template, folder / f"default{template.suffix}")
    path = write_deck(program, 1, out / "decks", templates=folder.parent)
    assert_valid_office(path)
    assert _overflowing(path) == []
    return path


def _layout_of(path: Path) -> dict[str, str]:
    """Each slide's title (its first line) and the name of its layout."""
    return {
        (s.shapes.title.text.split("\n")[0] if s.shapes.title else ""): s.slide_layout.name
        for s in Presentation(str(path)).slides
    }


def _edited(source: Path, target: Path, edit: Callable[..., None]) -> Path:
    prs = Presentation(str(source))
    edit(prs)
    prs.save(str(target))
    return target


def test_office_16x9_standard_layouts(program: LoadedProgram, tmp_path: Path) -> None:
    """PowerPoint's own "Section Header" (title at 24.9 % of the slide) is the section."""
    path = _deck(program, HERE / "office-16x9.pptx", tmp_path)
    layouts = _layout_of(path)
    assert layouts["Att vara styrman"] == "Title Slide"
    assert {layouts[s] for s in SECTIONS} == {"Section Header"}
    assert layouts["Syfte med modulen"] == "Title and Content"
    assert layouts["Dagordning"] == "Title and Content"  # no table layout: on the content one
    assert layouts["Så vad är ett kluster?"] == "Two Content"
    assert layouts["Våra initiativ i Reglabs klustermodell"] == "Title Only"
    counts = Counter(layouts.values())
    assert not {"Comparison", "Picture with Caption", "Title and Vertical Text"} & set(counts)
    assert 60 <= len(Presentation(str(path)).slides) <= 75


def test_office_2007_4x3_section_header_has_its_title_below(
    program: LoadedProgram, tmp_path: Path
) -> None:
    path = _deck(program, HERE / "office-2007-4x3.pptx", tmp_path)
    layouts = _layout_of(path)
    assert {layouts[s] for s in SECTIONS} == {"Section Header"}
    assert layouts["Vad är ett kluster?"] == "Title and Content"  # not the vertical text one
    report = deck_report(HERE / "office-2007-4x3.pptx")
    assert report.slide_size == "4:3" and not report.dark
    assert report.layouts["content"] == "Office Theme / Title and Content"
    assert report.layouts["table"] == report.layouts["content"] and report.notes == []


def test_our_template_report() -> None:
    report = deck_report(OURS)
    assert report.slide_size == "16:9" and not report.dark
    assert report.layouts == {
        "title": "Office Theme / Titel",
        "section": "Office Theme / Avsnitt",
        "content": "Office Theme / Rubrik och innehåll",
        "two_columns": "Office Theme / Två spalter",
        "table": "Office Theme / Tabell",
        "title_only": "Office Theme / Endast rubrik",
        "closing": "Office Theme / Avslutning",
    }
    assert report.notes == []
    assert report.lines()[0].endswith("16:9 slides, light background")


def test_libreoffice_resave_uses_the_masters_it_made(
    program: LoadedProgram, tmp_path: Path
) -> None:
    """Impress turns each layout into a master; the deck goes on the right one, its bodies
    (`<p:ph/>`, idx 0 like the title) where that master has them."""
    template = HERE / "libreoffice-resave.pptx"
    report = deck_report(template)
    assert report.layouts["content"] == "master 2 (Office Theme) / Title, Content"
    assert report.layouts["section"].startswith("master 3 ")
    assert report.layouts["two_columns"] == "master 4 (Office Theme) / Title, 2 Content"
    assert report.layouts["closing"].startswith("master 7 ")  # what was "Avslutning"
    path = _deck(program, template, tmp_path)
    prs = Presentation(str(path))
    assert 60 <= len(prs.slides) <= 75
    content = next(s for s in prs.slides if s.shapes.title.text == "Syfte med modulen")
    assert content.shapes.title.top < prs.slide_height * 0.1  # master 2's title, at the top
    body = next(ph for ph in content.placeholders if ph.placeholder_format.idx != 0)
    assert body.top > content.shapes.title.top + content.shapes.title.height
    assert body.width > prs.slide_width * 0.8
    section = next(s for s in prs.slides if s.shapes.title.text == "Lunch")
    assert section.slide_layout.slide_master.part.partname.endswith("slideMaster3.xml")
    with zipfile.ZipFile(path) as archive:  # without it PowerPoint offers a repair
        assert "ppt/viewProps.xml" in archive.namelist()


def test_no_layout_with_a_title_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        deck_report(HERE / "blank-masters-only.pptx")
    message = str(caught.value)
    assert "no layout with a title placeholder: the template's layouts are 'Blank', 'Blank'" in (
        message
    )


def _only(names: set[str]) -> Callable[..., None]:
    def edit(prs: object) -> None:
        for layout in list(prs.slide_layouts):  # type: ignore[attr-defined]
            if layout.name not in names:
                prs.slide_layouts.remove(layout)  # type: ignore[attr-defined]

    return edit


def test_a_template_without_a_body_gets_text_boxes(program: LoadedProgram, tmp_path: Path) -> None:
    """Only "Title Only" and "Blank" (and a cover): bullets go in a text box below the title."""
    template = _edited(
        HERE / "office-2007-4x3.pptx",
        tmp_path / "bodyless.pptx",
        _only({"Title Slide", "Title Only", "Blank"}),
    )
    report = deck_report(template)
    assert report.layouts["content"] == "Office Theme / Title Only"
    assert "content: no layout with a title and a body: a text box" in report.notes
    path = _deck(program, template, tmp_path / "out")
    prs = Presentation(str(path))
    slide = next(s for s in prs.slides if s.shapes.title.text == "Syfte med modulen")
    assert slide.slide_layout.name == "Title Only"
    box = next(s for s in slide.shapes if not s.is_placeholder and s.has_text_frame)
    title = slide.shapes.title
    assert box.top > title.top + title.height and box.top + box.height < prs.slide_height
    first = box.text_frame.paragraphs[0]
    assert first._p.pPr.find(f"{A}buChar") is not None  # a bullet of its own
    assert "Förstå vad ett kluster" in first.text
    assert "Lycka till" not in _titles(path)  # (module 4's closing)


def test_a_small_body_that_grows_with_its_text_is_still_the_content_layout(
    program: LoadedProgram, tmp_path: Path
) -> None:
    """A "Title and Content" whose body is a third of PowerPoint's and grows with its text
    (`spAutoFit`): still the content layout, filled to the footers."""

    def shrink(prs: object) -> None:
        layout = prs.slide_layouts.get_by_name("Title and Content")  # type: ignore[attr-defined]
        body = next(ph for ph in layout.placeholders if ph.placeholder_format.idx == 1)
        left, top, width, height = body.left, body.top, body.width, body.height
        body.left, body.top, body.width, body.height = left, top, width, height // 3
        properties = body.element.txBody.find(f"{A}bodyPr")
        properties.append(properties.makeelement(f"{A}spAutoFit", {}))

    template = _edited(HERE / "office-16x9.pptx", tmp_path / "small.pptx", shrink)
    report = deck_report(template)
    assert report.layouts["content"] == "Office Theme / Title and Content"
    path = _deck(program, template, tmp_path / "out")
    layouts = Counter(_layout_of(path).values())
    assert layouts.most_common(1)[0][0] == "Title and Content"
    assert len(Presentation(str(path)).slides) <= 75


def _dark_red(source: Path, target: Path) -> Path:
    """`source` as a dark template (the colour map swapped, as Office's dark themes do) whose
    accent 1 is red."""

    def edit(prs: object) -> None:
        master = prs.slide_master  # type: ignore[attr-defined]
        mapping = master.element.find(f"{P}clrMap")
        mapping.attrib.update({"bg1": "dk1", "tx1": "lt1", "bg2": "dk2", "tx2": "lt2"})
        theme = master.part.part_related_by(RT.THEME)
        tree = etree.fromstring(theme.blob)
        tree.find(f".//{A}accent1/{A}srgbClr").set("val", "C00000")
        theme._blob = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")

    return _edited(source, target, edit)


def _colours(path: Path) -> tuple[set[str], set[str]]:
    """The scheme colours and the fixed (RGB) colours the deck's slides name."""
    scheme, fixed = set(), set()
    for slide in Presentation(str(path)).slides:
        scheme |= {e.get("val") for e in slide.element.iter(f"{A}schemeClr")}
        fixed |= {e.get("val") for e in slide.element.iter(f"{A}srgbClr")}
    return scheme, fixed


def test_colours_are_the_templates_theme(program: LoadedProgram, tmp_path: Path) -> None:
    path = _deck(program, OURS, tmp_path)
    scheme, fixed = _colours(path)
    assert fixed == set()
    assert {"accent1", "bg1", "tx1", "tx2"} <= scheme
    slide = next(s for s in Presentation(str(path)).slides if s.shapes.title.text == "Dagordning")
    table = next(s for s in slide.shapes if s.has_table).table
    header = table.cell(0, 0)
    assert header._tc.tcPr.find(f"{A}solidFill/{A}schemeClr").get("val") == "accent1"
    run = header.text_frame.paragraphs[0].runs[0]
    assert run.font.color.theme_color.name == "BACKGROUND_1"
    body_run = table.cell(1, 1).text_frame.paragraphs[0].runs[0]
    assert body_run.font.color.theme_color.name == "TEXT_1"
    stripe = table.cell(1, 0)._tc.tcPr.find(f"{A}solidFill/{A}schemeClr")
    assert stripe.get("val") == "bg1" and stripe.find(f"{A}lumMod") is not None  # darker


def test_a_dark_red_template_recolours_the_deck(program: LoadedProgram, tmp_path: Path) -> None:
    template = _dark_red(HERE / "office-16x9.pptx", tmp_path / "dark.pptx")
    report = deck_report(template)
    assert report.dark and report.lines()[0].endswith("dark background")
    path = _deck(program, template, tmp_path / "out")
    scheme, fixed = _colours(path)
    assert fixed == set() and "accent1" in scheme
    prs = Presentation(str(path))
    slide = next(s for s in prs.slides if s.shapes.title.text == "Dagordning")
    stripe = next(s for s in slide.shapes if s.has_table).table.cell(1, 0)
    colour = stripe._tc.tcPr.find(f"{A}solidFill/{A}schemeClr")
    assert colour.find(f"{A}lumOff") is not None  # lighter than the dark background
    quote = next(s for s in prs.slides if s.shapes.title.text == "Vad är ett kluster?")
    runs = [r for sh in quote.placeholders for p in sh.text_frame.paragraphs for r in p.runs]
    quoted = [r for r in runs if r.text.startswith("”")]
    assert quoted and quoted[0].font.color.theme_color.name == "TEXT_2"  # lt2 on this map


def _as_potx(source: Path, target: Path) -> Path:
    """`source` saved as a PowerPoint template: only the main part's content type differs."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            new.writestr(item, data)
    return target


def test_a_potx_template_is_found_and_makes_a_pptx(program: LoadedProgram, tmp_path: Path) -> None:
    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    _as_potx(OURS, folder / "default.potx")
    assert find_template("modul", "initiering", folder.parent, module=1).name == "default.potx"
    _as_potx(OURS, folder / "initiering.potx")
    assert find_template("modul", "initiering", folder.parent, module=1).name == "initiering.potx"
    shutil.copy(OURS, folder / "initiering.pptx")  # a .pptx of the same name wins
    assert find_template("modul", "initiering", folder.parent, module=1).name == "initiering.pptx"
    path = _deck(program, folder / "default.potx", tmp_path / "out")
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
    assert b"presentation.main+xml" in types and b"template.main+xml" not in types
    assert _layout_of(path)["Lunch"] == "Avsnitt"


def test_a_templates_sections_of_its_own_slides_are_not_kept(
    program: LoadedProgram, tmp_path: Path
) -> None:
    """PowerPoint's sections name slides by id; the template's slides are not in the deck,
    and a section naming a slide that is not there makes PowerPoint repair the file."""

    def with_sections(prs: Presentation) -> None:
        prs.slides.add_slide(prs.slide_layouts[1])
        slide_id = prs.slides._sldIdLst[0].id
        prs.part._element.append(
            etree.fromstring(
                f'<p:extLst xmlns:p="{P[1:-1]}">'
                '<p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}">'
                '<p14:sectionLst xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main">'
                '<p14:section name="Intro" id="{11111111-1111-1111-1111-111111111111}">'
                f'<p14:sldIdLst><p14:sldId id="{slide_id}"/></p14:sldIdLst></p14:section>'
                "</p14:sectionLst></p:ext></p:extLst>"
            )
        )

    template = _edited(OURS, tmp_path / "sections.pptx", with_sections)
    path = _deck(program, template, tmp_path)
    with zipfile.ZipFile(path) as archive:
        assert b"sectionLst" not in archive.read("ppt/presentation.xml")


def test_on_a_narrow_slide_the_phases_names_are_smaller_not_broken(
    program: LoadedProgram, tmp_path: Path
) -> None:
    """python-pptx's own 4:3 template: at 18 pt 'Mobilisering' broke as 'Mobiliserin/g'
    between the chevron's points. All four names take one size at which each fits whole."""
    from klusterdocs.render.fit import TextFit, metrics_for
    from klusterdocs.render.theme import theme_fonts

    template = tmp_path / "stock.pptx"
    Presentation().save(str(template))
    path = _deck(program, template, tmp_path)
    prs = Presentation(str(path))
    fit = TextFit(metrics_for(theme_fonts(prs.slide_masters[0])[1]))
    names = {"Initiering", "Mobilisering", "Formering", "Organisering"}
    checked = 0
    for slide in prs.slides:
        chevrons = [s for s in slide.shapes if s.has_text_frame and s.text_frame.text in names]
        if len(chevrons) != 4:
            continue
        sizes = {r.font.size.pt for s in chevrons for p in s.text_frame.paragraphs for r in p.runs}
        assert len(sizes) == 1 and sizes.pop() < 18
        for shape in chevrons:
            size = shape.text_frame.paragraphs[0].runs[0].font.size.pt
            inner = shape.width - shape.height - 2 * 91440
            assert fit.widest_word(shape.text_frame.text, size) * 1.1 <= inner
        checked += 1
    assert checked >= 2


def test_a_template_of_vertical_titles_is_told_so(tmp_path: Path) -> None:
    def vertical_titles(prs: Presentation) -> None:
        for layout in prs.slide_layouts:
            for shape in layout.placeholders:
                if shape.placeholder_format.type in (1, 3):  # TITLE, CENTER_TITLE
                    body = shape.text_frame._txBody.find(f"{A}bodyPr")
                    body.set("vert", "eaVert")

    template = _edited(OURS, tmp_path / "vertical.pptx", vertical_titles)
    with pytest.raises(TemplateError, match="the template's titles are all vertical"):
        deck_report(template)


def test_text_is_set_to_the_scale_of_the_slide(program: LoadedProgram, tmp_path: Path) -> None:
    """A Keynote template of 1920 × 1080 pt is twice PowerPoint's 16:9: at the standard's
    sizes its text was half the size it was designed for. Google Slides' 10 × 5.63 in takes
    three quarters; PowerPoint's own sizes are as designed."""
    from klusterdocs.render.slides import text_scale

    assert text_scale(12192000, 6858000) == text_scale(9144000, 6858000) == 1.0
    assert text_scale(24384000, 13716000) == 2.0
    assert text_scale(9144000, 5143500) == 0.75

    def doubled(prs: Presentation) -> None:
        prs.slide_width, prs.slide_height = prs.slide_width * 2, prs.slide_height * 2
        for master in prs.slide_masters:
            for layout in [master, *master.slide_layouts]:
                for shape in layout.shapes:
                    shape.left, shape.top = shape.left * 2, shape.top * 2
                    shape.width, shape.height = shape.width * 2, shape.height * 2

    template = _edited(OURS, tmp_path / "keynote.pptx", doubled)
    big = Presentation(str(_deck(program, template, tmp_path / "big")))
    standard = Presentation(str(_deck(program, OURS, tmp_path / "standard")))

    def title_sizes(prs: Presentation) -> list[float]:
        return [
            r.font.size.pt
            for s in prs.slides
            if s.shapes.title
            for p in s.shapes.title.text_frame.paragraphs
            for r in p.runs
            if r.font.size
        ]

    assert max(title_sizes(big)) == 2 * max(title_sizes(standard))


def _office_layouts(change: Callable[[object], None]) -> object:
    """The layouts klusterdocs chooses on Office's 16:9 template after `change`."""
    from klusterdocs.render.layouts import Layouts

    presentation = Presentation(str(HERE / "office-16x9.pptx"))
    change(presentation)
    return Layouts(presentation)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda shape: setattr(shape, "rotation", 90.0), "turned"),
        (lambda shape: (setattr(shape, "width", 0), setattr(shape, "height", 0)), "without a size"),
    ],
)
def test_titles_turned_or_without_a_size_are_no_titles(change, said: str) -> None:
    """Such a title put every slide's title sideways, or cut to its first word."""

    def every_title(presentation) -> None:
        for layout in presentation.slide_layouts:
            for shape in layout.placeholders:
                if shape.placeholder_format.type in (1, 3):  # title, centre title
                    change(shape)

    with pytest.raises(TemplateError, match=f"the template's titles are all {said}"):
        _office_layouts(every_title)


def test_a_layout_off_the_slide_is_not_chosen_and_one_partly_off_is_cut_to_it() -> None:
    """A layout made for another slide size and never scaled: its section title below the
    slide left every section slide blank; a body past the right edge ran off it."""

    def move(presentation) -> None:
        width = presentation.slide_width
        for layout in presentation.slide_layouts:
            for shape in layout.placeholders:
                if layout.name == "Section Header":
                    shape.top = presentation.slide_height * 2
                elif layout.name == "Title and Content" and shape.placeholder_format.idx == 1:
                    left, top, height = shape.left, shape.top, shape.height  # as inherited
                    shape.left, shape.top, shape.height = left, top, height
                    shape.width = width  # from its left margin, past the right edge

    layouts = _office_layouts(move)
    assert layouts.section.layout.name != "Section Header"
    [box] = layouts.content.boxes
    assert layouts.content.layout.name == "Title and Content" and layouts.content.plan.explicit
    assert box.right <= layouts.content.plan.slide.width


def test_content_on_a_layout_of_two_columns_spans_both() -> None:
    """With no layout of one body (its placeholders grouped, or removed), the text went in
    the left column and left half of every slide empty."""

    def two_only(presentation) -> None:
        for layout in list(presentation.slide_layouts):
            if layout.name in ("Title and Content", "Content with Caption", "Comparison"):
                presentation.slide_layouts.remove(layout)

    layouts = _office_layouts(two_only)
    assert layouts.content.layout.name == "Two Content" and layouts.content.resized
    [box] = layouts.content.boxes
    left, right = layouts.two.boxes
    assert (box.left, box.right) == (left.left, right.right)
