"""New slides and notes pages at a constant cost each, however long the deck.

python-pptx makes a slide by walking its layout's placeholders and cloning each, relates it to
the presentation after scanning every relationship the presentation has, and makes a notes page
by looking up the notes master among those relationships and cloning its placeholders again.
For a deck of hundreds of slides most of the time went there (issue 17). `SlideMaker` makes
the first slide of each layout, and the first notes page, as python-pptx does, keeps a copy of
each as it came out, and makes every later one by copying that.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.opc.serialized import PackageWriter
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.oxml.slide import CT_Slide
from pptx.oxml.text import CT_RegularTextRun
from pptx.parts.chart import ChartPart
from pptx.parts.embeddedpackage import EmbeddedXlsxPart
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.shapes.placeholder import NotesSlidePlaceholder, SlidePlaceholder

from klusterdocs.output import fixed_zip_info
from klusterdocs.render.charts import WORKBOOK_RELATIONSHIP_ID, ChartParts


class SlideMaker:
    """Adds slides on a layout, and notes pages to slides, to one presentation."""

    def __init__(self, presentation: Any, notes_size: float, language: str = "") -> None:
        self._presentation = presentation
        self._language = language
        self._package = presentation.part.package
        self._slides: dict[int, Any] = {}  # layout part's id -> a fresh slide's XML
        self._notes: Any = None  # a fresh notes page's XML
        self._notes_master: Any = None
        self._notes_size = notes_size
        self._slide_ids = presentation.slides._sldIdLst
        self._next_slide_id = max([255, *(int(i.id) for i in self._slide_ids.sldId_lst)]) + 1
        name_parts_in_constant_time(self._package)

    def add(self, layout: Any) -> Any:
        """A new slide at the end of the deck, with `layout`'s placeholders, empty."""
        fresh = self._slides.get(id(layout.part))
        part = SlidePart(
            self._package.next_partname("/ppt/slides/slide%d.xml"),
            CT.PML_SLIDE,
            self._package,
            CT_Slide.new() if fresh is None else copy.deepcopy(fresh),
        )
        part.relate_to(layout.part, RT.SLIDE_LAYOUT)
        # the slide is new, so no relationship to it exists: add without looking for one
        rId = self._presentation.part.rels._add_relationship(RT.SLIDE, part)
        # python-pptx reads every slide id to find the next one
        self._slide_ids._add_sldId(id=self._next_slide_id, rId=rId)
        self._next_slide_id += 1
        if fresh is None:
            part.slide.shapes.clone_layout_placeholders(layout)
            if self._language:  # what python-pptx wrote, in the deck's language, copied after
                in_language(part.slide.element, self._language)
            self._slides[id(layout.part)] = copy.deepcopy(part.slide.element)
        return part.slide

    def notes(self, slide: Any) -> Any:
        """The text frame of `slide`'s speaker notes; the notes page is made (with the notes
        master's placeholders) if the slide has none."""
        if self._notes is None or slide.has_notes_slide:
            notes = slide.notes_slide
            if self._notes is None:
                _plain_paragraphs(notes.notes_text_frame, self._notes_size)
                if self._language:
                    in_language(notes.element, self._language)
                self._notes = copy.deepcopy(notes.element)
                self._notes_master = notes.part.part_related_by(RT.NOTES_MASTER)
            return notes.notes_text_frame
        part = NotesSlidePart(
            self._package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
            CT.PML_NOTES_SLIDE,
            self._package,
            copy.deepcopy(self._notes),
        )
        part.relate_to(self._notes_master, RT.NOTES_MASTER)
        part.relate_to(slide.part, RT.SLIDE)
        slide.part.relate_to(part, RT.NOTES_SLIDE)
        notes = part.notes_slide
        for ph, element in _placeholder_elements(notes):
            if ph.get("type") == "body" and element.tag == _SHAPE:
                return NotesSlidePlaceholder(element, notes.shapes).text_frame
        return notes.notes_text_frame


def in_language(root: Any, tag: str) -> None:
    """Give every run and text default under `root` the language `tag` (`sv-SE`): PowerPoint
    checks spelling by it. XPath finds those without it, without visiting every run."""
    bare: list[Any] = _RUNS_WITHOUT_PROPERTIES(root)  # type: ignore[assignment]
    for run in bare:
        run.insert(0, run.makeelement(qn("a:rPr"), {}))
    others: list[Any] = _IN_ANOTHER_LANGUAGE(root, tag=tag)  # type: ignore[assignment]
    for properties in others:
        properties.set("lang", tag)


_A = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_RUNS_WITHOUT_PROPERTIES = etree.XPath(".//a:r[not(a:rPr)]", namespaces=_A)
_IN_ANOTHER_LANGUAGE = etree.XPath(
    "|".join(f".//a:{name}[not(@lang = $tag)]" for name in ("rPr", "endParaRPr", "defRPr")),
    namespaces=_A,
)


def _plain_paragraphs(frame: Any, size: float) -> None:
    """Give `frame`'s paragraphs no bullet or indent, at `size`, by its list style: each
    notes page is a copy, so the paragraphs written into it need no properties of their own
    (LibreOffice's notes pages otherwise print them at 20 pt with a hanging indent)."""
    style = frame._txBody.find(qn("a:lstStyle"))
    if style is None:
        style = frame._txBody.get_or_add_lstStyle()
    for level in list(style):
        style.remove(level)
    style.append(
        parse_xml(
            f'<a:lvl1pPr {nsdecls("a")} marL="0" indent="0"><a:buNone/>'
            f'<a:defRPr sz="{round(size * 100)}"/></a:lvl1pPr>'
        )
    )


def append_lines(frame: Any, lines: list[str], lang: str = "") -> None:
    """Append `lines` to `frame` as plain paragraphs in language `lang` (an empty line: an
    empty paragraph), written as one piece of XML: a long notes page (every participant's
    expectations) has hundreds of lines."""
    properties = f'<a:rPr lang="{escape(lang)}"/>' if lang else "<a:rPr/>"
    runs = "".join(
        f"<a:p><a:r>{properties}<a:t>{escape(CT_RegularTextRun._escape_ctrl_chars(line))}</a:t>"
        "</a:r></a:p>"
        if line
        else "<a:p/>"
        for line in lines
    )
    frame._txBody.extend(parse_xml(f"<a:txBody {nsdecls('a')}>{runs}</a:txBody>"))


def name_parts_in_constant_time(package: Any) -> None:
    """Give `package` a `next_partname` that remembers the names it gave.

    python-pptx finds a new part's name (each slide's notes) by walking every part of the
    package, so a deck's cost grew with the square of its slides: 500 participants' slides
    took six times a plain script's each. The names in use are read once; each name given is
    added to them.
    """
    taken = {str(part.partname) for part in package.iter_parts()}
    counters: dict[str, int] = {}

    def next_partname(template: str) -> PackURI:
        number = counters.get(template, 0)
        while True:
            number += 1
            name = template % number
            if name not in taken:
                taken.add(name)
                counters[template] = number
                return PackURI(name)

    package.next_partname = next_partname


_PLACEHOLDER = f"{qn('p:nvPr')}/{qn('p:ph')}"
_TEXT = qn("a:t")


def placeholders(slide: Any) -> dict[int, Any]:
    """`slide`'s placeholders by idx, found in one pass over its shapes (python-pptx's
    `slide.placeholders`, and its shape factory, read each shape's placeholder element again
    for every question)."""
    found: dict[int, Any] = {}
    shapes = slide.shapes
    for ph, element in _placeholder_elements(slide):
        idx = int(ph.get("idx", "0"))
        if idx in found:
            continue
        if element.tag == _SHAPE and ph.get("type") not in _NOT_TEXT:
            found[idx] = SlidePlaceholder(element, shapes)  # what python-pptx makes of it
        else:
            found[idx] = shapes._shape_factory(element)
    return found


_SHAPE = qn("p:sp")
# placeholder types python-pptx gives a class of their own (PP_PLACEHOLDER's XML values)
_NOT_TEXT = frozenset({"clipArt", "chart", "pic", "tbl"})


def remove_empty_placeholders(slide: Any) -> None:
    """Remove the placeholders holding no text, so no "Click to add text" shows."""
    for _, element in list(_placeholder_elements(slide)):
        if not has_text(element):
            element.getparent().remove(element)


def has_text(element: Any) -> bool:
    """True if `element` (a shape, a text body) shows any text but spaces."""
    return any((t.text or "").strip() for t in element.iter(_TEXT))


def _placeholder_elements(slide: Any) -> Iterator[tuple[Any, Any]]:
    """Each placeholder shape of `slide` (or a notes page), with its `p:ph` element."""
    for element in slide.shapes._spTree.iter_shape_elms():
        ph = element[0].find(_PLACEHOLDER) if len(element) else None
        if ph is not None:
            yield ph, element


def save_presentation(presentation: Any, path: Path) -> None:
    """Write `presentation` to `path` so the same content always gives the same bytes.

    python-pptx stamps every zip entry with the current time; rewriting the file afterwards
    read and compressed the whole deck a second time. Here python-pptx's own package writer
    writes each entry once, with a fixed time.
    """
    package = presentation.part.package
    writer = PackageWriter(io.BytesIO(), package._rels, tuple(package.iter_parts()))
    with zipfile.ZipFile(path, "w") as archive:
        entries: Any = _FixedTimeEntries(archive)
        writer._write_content_types_stream(entries)
        writer._write_pkg_rels(entries)
        writer._write_parts(entries)


class _FixedTimeEntries:
    """What python-pptx's package writer writes into: zip entries with a fixed time."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        self._archive.writestr(fixed_zip_info(pack_uri.membername), blob)


def place_chart(
    slide: Any, parts: ChartParts, left: int, top: int, width: int, height: int, *, panel: bool
) -> None:
    """Put a chart written by `klusterdocs.render.charts` on `slide`: its chart part, the
    workbook it reads its data from, and a graphic frame with its alt text. On a dark slide
    (`panel`) the chart stands on a white panel, as its text and axes are dark."""
    package = slide.part.package
    chart = ChartPart.load(
        package.next_partname(ChartPart.partname_template), CT.DML_CHART, package, parts.xml
    )
    if panel:
        space = chart._element
        fill = parse_xml(
            f'<c:spPr {nsdecls("c", "a")}><a:solidFill><a:srgbClr val="FFFFFF"/>'
            "</a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>"
        )
        space.find(qn("c:chart")).addnext(fill)  # the schema's place: after c:chart
    workbook = EmbeddedXlsxPart.new(parts.workbook, package)
    # the chart's XML names its workbook by this relationship
    if chart.relate_to(workbook, RT.PACKAGE) != WORKBOOK_RELATIONSHIP_ID:
        raise AssertionError("a new chart part's first relationship is not rId1")
    frame = slide.shapes._add_chart_graphicFrame(
        slide.part.relate_to(chart, RT.CHART), left, top, width, height
    )
    frame.nvGraphicFramePr.cNvPr.set("descr", parts.alt)
    frame.nvGraphicFramePr.cNvPr.set("title", parts.title)
