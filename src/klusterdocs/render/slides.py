"""Lay out a module's slides (from `context.program`) on a PowerPoint template's layouts.

Layouts are found by what placeholders they have (type and position), never by name or order,
so a region's own template works. Text is fitted explicitly: a list that would overflow its box
continues on a "(forts.)" slide, a long title gets a smaller size within limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from klusterdocs.context.format import abbreviated
from klusterdocs.context.program import Slide
from klusterdocs.errors import TemplateError, display_path
from klusterdocs.output import atomic_path, normalise_zip
from klusterdocs.render.fit import (
    Box,
    fits,
    pieces_that_fit,
    shortened,
    text_height,
    wrapped_lines,
)
from klusterdocs.render.markup import LINE_BREAK, inline, literal, plain
from klusterdocs.render.package import read_package

TITLE_SIZES = (30, 28, 26, 24, 22, 20)
COVER_SIZES = (40, 36, 32, 28, 24)
BODY_SIZES = (24, 22, 20, 18)
TABLE_SIZE = 18
SOURCE_SIZE = 11
BULLET_INDENT = Emu(342900)
INSET_X, INSET_Y = Emu(91440), Emu(45720)
SPACE_BEFORE = 6
NAVY, ACCENT, LIGHT, GREY = "1F3B5B", "2F5D8A", "D5DCE4", "5F6B7A"
_FOOTERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_TEXT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}


@dataclass(frozen=True)
class Properties:
    title: str
    author: str
    language: str
    created: dt.datetime


def _colour(hex_rgb: str) -> Any:
    """A python-pptx colour from `1F3B5B`."""
    return RGBColor.from_string(hex_rgb)  # type: ignore[no-untyped-call]


def _placeholders(layout: Any) -> list[Any]:
    return [ph for ph in layout.placeholders if ph.placeholder_format.type not in _FOOTERS]


def _types(layout: Any) -> list[Any]:
    return [ph.placeholder_format.type for ph in _placeholders(layout)]


class Layouts:
    """The template's layouts for each kind of slide, chosen by their placeholders."""

    def __init__(self, presentation: Any) -> None:
        self.height = presentation.slide_height
        layouts = list(presentation.slide_layouts)
        titled = [lo for lo in layouts if PP_PLACEHOLDER.TITLE in _types(lo)]
        if not titled:
            raise TemplateError("the template has no layout with a title placeholder")
        self.content = max(
            (lo for lo in titled if self._bodies(lo) == 1 and not self._is_section(lo)),
            key=self._body_area,
            default=titled[0],
        )
        self.two = next((lo for lo in titled if self._bodies(lo) == 2), None)
        self.table = next((lo for lo in titled if PP_PLACEHOLDER.TABLE in _types(lo)), None)
        self.title_only = next(
            (
                lo
                for lo in titled
                if not self._bodies(lo) and PP_PLACEHOLDER.TABLE not in _types(lo)
            ),
            None,
        )
        self.section = next((lo for lo in titled if self._is_section(lo)), self.content)
        covers = [lo for lo in layouts if PP_PLACEHOLDER.CENTER_TITLE in _types(lo)]
        self.title = next(
            (lo for lo in covers if PP_PLACEHOLDER.SUBTITLE in _types(lo)),
            covers[0] if covers else self.section,
        )
        self.closing = next(
            (lo for lo in covers if PP_PLACEHOLDER.SUBTITLE not in _types(lo)), self.title
        )

    @staticmethod
    def _bodies(layout: Any) -> int:
        return sum(t in _TEXT for t in _types(layout))

    @staticmethod
    def _body_area(layout: Any) -> int:
        return sum(
            ph.width * ph.height
            for ph in _placeholders(layout)
            if ph.placeholder_format.type in _TEXT
        )

    def _is_section(self, layout: Any) -> bool:
        """A section header: a title and one body, the title well down the slide."""
        title = next(
            ph for ph in _placeholders(layout) if ph.placeholder_format.type == PP_PLACEHOLDER.TITLE
        )
        return self._bodies(layout) == 1 and title.top > self.height * 0.25


def _box(shape: Any) -> Box:
    return Box(shape.width - 2 * INSET_X, shape.height - 2 * INSET_Y)


def _set_runs(
    paragraph: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: str | None = None,
    italic: bool = False,
    markdown: bool = True,
) -> None:
    """Add `text` to `paragraph` as runs; its Markdown as formatting unless not `markdown`
    (titles, names and table cells are shown as typed)."""
    for span in inline(text) if markdown else literal(text):
        if span.text == LINE_BREAK:
            paragraph.add_line_break()
            continue
        run = paragraph.add_run()
        run.text = span.text
        run.font.size = Pt(size)
        run.font.bold = bold or span.bold or None
        run.font.italic = italic or span.italic or None
        if colour:
            run.font.color.rgb = _colour(colour)


def _bullet(paragraph: Any, kind: str) -> None:
    """Set a paragraph's bullet: `none`, `numbered` or the template's own (`default`)."""
    properties = paragraph._p.get_or_add_pPr()
    if kind == "none":
        properties.set("marL", "0")
        properties.set("indent", "0")
        properties.insert(0, properties.makeelement(qn("a:buNone"), {}))
    elif kind == "numbered":
        properties.append(properties.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"}))


def _fill(frame: Any, paragraphs: list[tuple[str, str, bool]], size: float) -> None:
    """Write (text, bullet kind, bold) paragraphs into a text frame at `size`."""
    frame.word_wrap = True
    frame.clear()
    for index, (text, bullet, bold) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _bullet(paragraph, bullet)
        if index:
            paragraph.space_before = Pt(SPACE_BEFORE)
        _set_runs(paragraph, text, size, bold=bold)


def _cut_to_fit(
    paragraphs: list[tuple[str, str, bool]], box: Box, size: float
) -> list[tuple[str, str, bool]]:
    """As many of `paragraphs` as fit `box`, the last one cut at a word with an ellipsis."""
    kept: list[tuple[str, str, bool]] = []
    for text, kind, bold in paragraphs:
        if _fitting_size([*kept, (text, kind, bold)], box, (size,)) is not None:
            kept.append((text, kind, bold))
            continue
        room = Box(
            box.width, box.height - text_height([plain(t) for t, _, _ in kept], box.width, size)
        )
        kept.append((shortened(plain(text), room, size), kind, bold))
        break
    return kept


def _fitting_size(
    paragraphs: list[tuple[str, str, bool]], box: Box, sizes: tuple[float, ...]
) -> float | None:
    texts = [plain(t) for t, _, _ in paragraphs]
    indent = BULLET_INDENT if any(b != "none" for _, b, _ in paragraphs) else 0
    for size in sizes:
        if fits(texts, box, size, indent=indent, space_before_pt=SPACE_BEFORE):
            return size
    return None


def _read_what_rendering_uses(presentation: Any) -> None:
    """Read each value of the template that making slides reads, now.

    python-pptx reads an attribute when it is first used, so a damaged one (`idx=""`) would
    fail halfway through a deck, far from the template; read here, it is reported as the
    template's fault.
    """
    _ = (presentation.slide_width, presentation.slide_height)
    for master in presentation.slide_masters:
        for layout in [master, *master.slide_layouts]:
            for shape in layout.shapes:
                _ = (shape.left, shape.top, shape.width, shape.height)
                if shape.is_placeholder:
                    element = shape.element
                    _ = (element.ph_type, element.ph_orient, element.ph_sz, element.ph_idx)


class DeckWriter:
    """Adds slides to a presentation opened from a template."""

    def __init__(self, template: Path) -> None:
        name = display_path(template)
        try:
            read_package(template, "PowerPoint")  # before python-pptx reads any XML
            self.prs = Presentation(str(template))
            _read_what_rendering_uses(self.prs)
            self.layouts = Layouts(self.prs)
        except TemplateError as exc:
            message = str(exc)
            named = message if message.startswith(name) else f"{name}: {message}"
            raise TemplateError(named) from None
        except Exception as exc:  # python-pptx raises many kinds for a bad file
            raise TemplateError(
                f"{name}: not a usable PowerPoint template ({type(exc).__name__}: {exc})"
            ) from None
        slide_ids = self.prs.slides._sldIdLst
        for slide_id in list(slide_ids):  # a template's example slides are not ours
            self.prs.part.drop_rel(slide_id.rId)
            slide_ids.remove(slide_id)

    # -- helpers ------------------------------------------------------------------------------
    def _size(self) -> tuple[int, int]:
        """The slide's width and height in EMU."""
        return int(self.prs.slide_width or 0), int(self.prs.slide_height or 0)

    def _new(self, layout: Any, title: str, sizes: tuple[int, ...] = TITLE_SIZES) -> Any:
        slide = self.prs.slides.add_slide(layout)
        heading = slide.shapes.title
        if heading is not None:
            box = _box(heading)
            size = next(
                (s for s in sizes if text_height([title], box.width, s) <= box.height), sizes[-1]
            )
            short = shortened(title, box, size)
            if short != title:  # too long for any size: the whole title goes in the notes
                self._notes(slide, title)
                title = short
            frame = heading.text_frame
            frame.word_wrap = True
            frame.clear()
            lines = title.split("\n")
            for index, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                _set_runs(paragraph, line, size, markdown=False)
        return slide

    def _body(self, slide: Any, index: int = 0) -> Any:
        bodies = sorted(
            (
                ph
                for ph in slide.placeholders
                if ph.placeholder_format.type in _TEXT | {PP_PLACEHOLDER.SUBTITLE}
            ),
            key=lambda ph: (ph.left, ph.top),
        )
        return bodies[index] if index < len(bodies) else None

    def _tidy(self, slide: Any) -> None:
        """Remove placeholders left empty, so no "Click to add text" shows."""
        for ph in list(slide.placeholders):
            empty = ph.has_text_frame and not ph.text_frame.text.strip()
            if empty or ph.placeholder_format.type == PP_PLACEHOLDER.TABLE:
                ph._element.getparent().remove(ph._element)

    def _source(self, slide: Any, text: str) -> None:
        if not text:
            return
        width, height = self._size()
        box = slide.shapes.add_textbox(
            Emu(457200), height - Emu(880_000), width - Emu(914400), Emu(330000)
        )
        paragraph = box.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        _set_runs(paragraph, text, SOURCE_SIZE, italic=True, colour=GREY, markdown=False)

    def _notes(self, slide: Any, text: str) -> None:
        """Add `text` to the slide's speaker notes (after what they hold)."""
        if text:
            frame = slide.notes_slide.notes_text_frame
            frame.text = f"{frame.text}\n\n{text}" if frame.text else text

    def _fit(
        self,
        slide: Any,
        shape: Any,
        paragraphs: list[tuple[str, str, bool]],
        sizes: tuple[float, ...],
    ) -> None:
        """Write `paragraphs` into `shape` at the largest of `sizes` they fit at. What fits at
        none is cut at a word, with an ellipsis, and given whole in the speaker notes."""
        box = _box(shape)
        size = _fitting_size(paragraphs, box, sizes)
        if size is None:
            size = sizes[-1]
            self._notes(slide, "\n".join(plain(text) for text, _, _ in paragraphs))
            paragraphs = _cut_to_fit(paragraphs, box, size)
        _fill(shape.text_frame, paragraphs, size)

    def _continued(self, title: str, part: int, word: str) -> str:
        return title if part == 0 else f"{title} {word}"

    # -- kinds ------------------------------------------------------------------------------
    def add(self, spec: Slide, continued: str) -> None:
        handler = getattr(self, f"_{spec.kind}")
        handler(spec, continued)

    def _title(self, spec: Slide, continued: str) -> None:
        slide = self._new(self.layouts.title, spec.title, COVER_SIZES)
        body = self._body(slide)
        if body is not None and spec.subtitle:
            self._fit(slide, body, [(spec.subtitle, "none", False)], (20, 18, 16, 14))
        self._notes(slide, spec.notes)
        self._tidy(slide)

    def _section(self, spec: Slide, continued: str) -> None:
        slide = self._new(self.layouts.section, spec.title, (36, 32, 28, 24))
        body = self._body(slide)
        if body is not None and spec.subtitle:
            self._fit(slide, body, [(spec.subtitle, "none", False)], (20, 18, 16, 14))
        self._tidy(slide)

    def _closing(self, spec: Slide, continued: str) -> None:
        slide = self._new(self.layouts.closing, spec.title, COVER_SIZES)
        body = self._body(slide)
        if body is not None:
            paragraphs = [(line, "none", False) for line in spec.bullets]
            self._fit(slide, body, paragraphs, (20, 18, 16, 14))
        self._tidy(slide)

    def _bullets(
        self, spec: Slide, continued: str, paragraphs: list[tuple[str, str, bool]] | None = None
    ) -> None:
        kind = "numbered" if spec.numbered else "default"
        paragraphs = paragraphs or [(b, kind, False) for b in spec.bullets]
        for part, (chunk, size) in enumerate(self._chunks(paragraphs, self.layouts.content)):
            slide = self._new(self.layouts.content, self._continued(spec.title, part, continued))
            body = self._body(slide)
            if body is not None:
                _fill(body.text_frame, chunk, size)
            self._source(slide, spec.source)
            self._notes(slide, spec.notes)
            self._tidy(slide)

    def _chunks(
        self, paragraphs: list[tuple[str, str, bool]], layout: Any
    ) -> Iterator[tuple[list[tuple[str, str, bool]], float]]:
        """Split paragraphs into slide-sized chunks, each with the size it fits at."""
        body = max(
            (ph for ph in _placeholders(layout) if ph.placeholder_format.type in _TEXT),
            key=lambda ph: ph.width * ph.height,
        )
        box = _box(body)
        size = _fitting_size(paragraphs, box, BODY_SIZES)
        if size is not None or not paragraphs:
            yield paragraphs, size or BODY_SIZES[0]
            return
        smallest = BODY_SIZES[-1]
        paragraphs = [  # a paragraph longer than a slide goes on over several
            (piece, kind, bold)
            for text, kind, bold in paragraphs
            for piece in pieces_that_fit(text, box, smallest, indent=BULLET_INDENT)
        ]
        chunk: list[tuple[str, str, bool]] = []
        for paragraph in paragraphs:
            if chunk and _fitting_size([*chunk, paragraph], box, (smallest,)) is None:
                yield chunk, smallest
                chunk = []
            chunk.append(paragraph)
        if chunk:
            yield chunk, smallest

    def _quote(self, spec: Slide, continued: str) -> None:
        slide = self._new(self.layouts.content, spec.title)
        body = self._body(slide)
        if body is not None:
            paragraphs = [(f"”{spec.bullets[0]}”", "none", False)]
            self._fit(slide, body, paragraphs, (28, 24, 20, 18, 16))
            for run in body.text_frame.paragraphs[0].runs:
                run.font.italic = True
                run.font.color.rgb = _colour(NAVY)
        self._source(slide, spec.source)
        self._tidy(slide)

    def _participant(self, spec: Slide, continued: str) -> None:
        facts = [(f"**{label}:** {value}", "none", False) for label, value in spec.facts]
        if spec.subtitle:
            facts.insert(0, (spec.subtitle, "none", True))
        self._bullets(spec, continued, facts)

    def _two_columns(self, spec: Slide, continued: str) -> None:
        layout = self.layouts.two
        columns = [
            [(heading, "none", True)] * bool(heading) + [(b, "default", False) for b in bullets]
            for heading, bullets in (spec.left, spec.right)
        ]
        if layout is not None:
            boxes = sorted(
                (ph for ph in _placeholders(layout) if ph.placeholder_format.type in _TEXT),
                key=lambda ph: ph.left,
            )
            sizes = [
                _fitting_size(c, _box(b), BODY_SIZES) for c, b in zip(columns, boxes, strict=False)
            ]
            if None not in sizes:
                slide = self._new(layout, spec.title)
                size = min(s for s in sizes if s is not None)
                for index, column in enumerate(columns):
                    body = self._body(slide, index)
                    if body is not None:
                        _fill(body.text_frame, column, size)
                self._source(slide, spec.source)
                self._tidy(slide)
                return
        # no two-column layout, or too much text for one: one column after the other
        self._bullets(spec, continued, columns[0] + columns[1])

    def _table(self, spec: Slide, continued: str) -> None:
        layout = self.layouts.table or self.layouts.content
        area = max(
            (
                ph
                for ph in _placeholders(layout)
                if ph.placeholder_format.type in _TEXT | {PP_PLACEHOLDER.TABLE}
            ),
            key=lambda ph: ph.width * ph.height,
        )
        weights = [
            max(6, min(60, max(len(r[i]) for r in [spec.columns, *spec.rows])))
            for i in range(len(spec.columns))
        ]
        widths = [int(area.width * w / sum(weights)) for w in weights]
        room = area.height - self._row_height(spec.columns, widths)
        for part, rows in enumerate(self._row_chunks(spec, widths, area.height)):
            slide = self._new(layout, self._continued(spec.title, part, continued))
            for row in rows:  # a row taller than the slide: cut, and given whole in the notes
                if self._row_height(row, widths) > room:
                    self._notes(slide, " · ".join(plain(text) for text in row))
                    row[:] = [
                        shortened(text, Box(w - 2 * INSET_X, room - 2 * INSET_Y), TABLE_SIZE)
                        for text, w in zip(row, widths, strict=True)
                    ]
            shape = slide.shapes.add_table(
                len(rows) + 1, len(spec.columns), area.left, area.top, area.width, Emu(1)
            )
            table = shape.table
            for index, width in enumerate(widths):
                table.columns[index].width = Emu(width)
            for r, cells in enumerate([spec.columns, *rows]):
                for c, text in enumerate(cells):
                    cell = table.cell(r, c)
                    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = _colour(
                        NAVY if r == 0 else ("F3F6F9" if r % 2 else "FFFFFF")
                    )
                    paragraph = cell.text_frame.paragraphs[0]
                    _set_runs(
                        paragraph,
                        text,
                        TABLE_SIZE,
                        bold=r == 0,
                        colour="FFFFFF" if r == 0 else NAVY,
                        markdown=False,
                    )
            self._tidy(slide)

    @staticmethod
    def _row_height(cells: list[str], widths: list[int]) -> int:
        lines = max(
            wrapped_lines(text, w - 2 * INSET_X, TABLE_SIZE)
            for text, w in zip(cells, widths, strict=True)
        )
        return int(lines * TABLE_SIZE * 1.2 * 12700 + 2 * INSET_Y + 20000)

    def _row_chunks(self, spec: Slide, widths: list[int], height: int) -> Iterator[list[list[str]]]:
        available = height - self._row_height(spec.columns, widths)
        chunk: list[list[str]] = []
        used = 0
        for row in spec.rows:
            needed = self._row_height(row, widths)
            if chunk and used + needed > available:
                yield chunk
                chunk, used = [], 0
            chunk.append(row)
            used += needed
        yield chunk

    def _phases(self, spec: Slide, continued: str) -> None:
        """Reglab's four phases as chevrons, with the cohort's initiatives under each."""
        layout = self.layouts.title_only or self.layouts.content
        slide = self._new(layout, spec.title)
        width = self._size()[0] - Emu(914400)
        left, top = Emu(457200), Emu(1_650_000)
        step = width // len(spec.phases)
        for index, (name, initiatives, active) in enumerate(spec.phases):
            geometry = "homePlate" if index == 0 else "chevron"
            chevron = _figure(
                slide, geometry, left + index * step, top, step - Emu(60000), Emu(700000)
            )
            chevron.fill.solid()
            chevron.fill.fore_color.rgb = _colour(ACCENT if active else LIGHT)
            chevron.line.fill.background()
            frame = chevron.text_frame
            frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            colour = "FFFFFF" if active else NAVY
            _set_runs(frame.paragraphs[0], name, 18, bold=True, colour=colour, markdown=False)
            card = _figure(
                slide,
                "roundRect",
                left + index * step,
                top + Emu(850000),
                step - Emu(160000),
                self._size()[1] - top - Emu(2_150_000),
            )
            card.fill.solid()
            card.fill.fore_color.rgb = _colour("F3F6F9")
            card.line.color.rgb = _colour(LIGHT)
            card.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            paragraphs = [(n, "none", False) for n in initiatives] or [("–", "none", False)]
            self._fit(slide, card, paragraphs, (16, 14, 12, 10))
            for paragraph in card.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.color.rgb = _colour(NAVY)
        self._notes(slide, spec.notes)
        self._tidy(slide)

    def save(self, target: Path, properties: Properties) -> None:
        _set_language(self.prs, properties.language)
        core = self.prs.core_properties
        title, author = abbreviated(properties.title, 255), abbreviated(properties.author, 255)
        core.title, core.author = title, author
        core.last_modified_by, core.language = author, properties.language
        core.created = core.modified = properties.created
        core.revision = 1
        with atomic_path(target) as temporary:
            self.prs.save(str(temporary))
            normalise_zip(temporary)


def _figure(slide: Any, geometry: str, left: int, top: int, width: int, height: int) -> Any:
    """A text box drawn as a preset shape (`chevron`, `roundRect`): it looks like an
    autoshape, but LibreOffice tags its text and fill in a PDF/UA export, which it does not
    for an autoshape (its fill is then untagged content)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    box._element.spPr.find(qn("a:prstGeom")).set("prst", geometry)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    return box


_RUN_PROPERTIES = {qn("a:defRPr"), qn("a:rPr"), qn("a:endParaRPr")}


def _set_language(presentation: Any, tag: str) -> None:
    """Give every run and text default the deck's language (`sv-SE`).

    PowerPoint checks spelling by it: python-pptx's starting deck says `en-US`, so every
    Swedish word was marked as misspelt.
    """
    roots = [presentation.element]
    for master in presentation.slide_masters:
        roots += [master.element, *(layout.element for layout in master.slide_layouts)]
    for slide in presentation.slides:
        roots.append(slide.element)
        if slide.has_notes_slide:
            roots.append(slide.notes_slide.element)
    for root in roots:
        for run in root.iter(qn("a:r")):
            if run.find(qn("a:rPr")) is None:
                run.insert(0, run.makeelement(qn("a:rPr"), {}))
        for properties in root.iter(*_RUN_PROPERTIES):
            properties.set("lang", tag)


def render_deck(
    template: Path, slides: list[Slide], target: Path, properties: Properties, continued: str
) -> None:
    """Write `slides` on `template`'s layouts to `target` (atomically)."""
    writer = DeckWriter(template)
    for spec in slides:
        writer.add(spec, continued)
    writer.save(target, properties)
