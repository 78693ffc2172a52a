"""Lay out a module's slides (from `context.program`) on a PowerPoint template's layouts.

Which layout each kind of slide goes on is `render.layouts`' choice, its colours
`render.theme`'s. Text is fitted explicitly: a list that would overflow its box continues on a
"(forts.)" slide, a long title gets a smaller size within limits, and what fits at no size is
cut at a word and given whole in the speaker notes.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml.etree import SubElement
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.package import XmlPart
from pptx.oxml.ns import qn
from pptx.oxml.text import CT_RegularTextRun
from pptx.text.text import _Paragraph, _Run
from pptx.util import Emu

from klusterdocs.context.format import abbreviated
from klusterdocs.context.program import Slide
from klusterdocs.errors import TemplateError, display_path
from klusterdocs.i18n import quoted
from klusterdocs.output import atomic_path
from klusterdocs.render.charts import chart_parts
from klusterdocs.render.fit import Box, TextFit, metrics_for
from klusterdocs.render.layouts import (
    KINDS,
    Choice,
    Layouts,
    Rect,
    add_view_properties,
    fix_placeholder_ids,
)
from klusterdocs.render.markup import LINE_BREAK, inline, literal, plain
from klusterdocs.render.package import as_presentation, read_package
from klusterdocs.render.slide_maker import (
    SlideMaker,
    append_lines,
    has_text,
    in_language,
    place_chart,
    placeholders,
    remove_empty_placeholders,
    save_presentation,
)
from klusterdocs.render.theme import Palette, Tone, background, is_dark, paint, theme_fonts

TITLE_SIZES = (30, 28, 26, 24, 22, 20)
COVER_SIZES = (40, 36, 32, 28, 24)
BODY_SIZES = (24, 22, 20, 18)
TABLE_SIZE = 18
# Smaller sizes a list or table may take rather than leave a single line or row on a
# continuation slide of its own.
FOLD_BACK_SIZES = (16, 14)
SOURCE_SIZE = 11
NOTES_SIZE = 11  # set on the notes' text: LibreOffice's notes pages (the handout) print at 20
PHASE_SIZES = (16, 14, 12, 10)
CHEVRON_SIZES = (18, 16, 14, 12, 10, 9, 8)
# The sizes above are for a slide 7.5 in high and at least 10 in wide (PowerPoint's 16:9 and
# 4:3); on another they are scaled with it (see `text_scale`).
STANDARD_HEIGHT, STANDARD_WIDTH = 6858000, 9144000
BULLET_INDENT = Emu(342900)
INSET_X, INSET_Y = Emu(91440), Emu(45720)
SPACE_BEFORE = 6


@dataclass(frozen=True)
class Properties:
    title: str
    author: str
    language: str
    created: dt.datetime


@dataclass
class DeckReport:
    """What a deck made on a template would use: for `klusterdocs templates check`."""

    template: str
    slide_size: str  # "16:9", "4:3" or "W x H cm"
    dark: bool
    layouts: dict[str, str] = field(default_factory=dict)  # kind -> "master / layout"
    notes: list[str] = field(default_factory=list)  # what is missing, and its fallback

    def lines(self) -> list[str]:
        shade = "dark" if self.dark else "light"
        lines = [f"{self.template}: {self.slide_size} slides, {shade} background"]
        lines += [f"  {kind}: {where}" for kind, where in self.layouts.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return lines


def _slide_size(width: int, height: int) -> str:
    for name, ratio in (("16:9", 16 / 9), ("4:3", 4 / 3), ("16:10", 16 / 10)):
        if height and abs(width / height - ratio) < 0.01:
            return name
    return f"{width / 360000:.1f} x {height / 360000:.1f} cm"


def deck_report(template: Path) -> DeckReport:
    """Which layout each kind of slide gets on `template`, the slide size, whether the
    background is dark, and what is missing; raises TemplateError as making a deck would."""
    writer = DeckWriter(template)
    width, height = writer._size()
    layouts = writer.layouts
    report = DeckReport(display_path(template), _slide_size(width, height), writer.dark)
    for kind, choice in zip(KINDS, layouts.choices(), strict=True):
        if choice is None:
            report.layouts[kind] = "none (the columns go one after the other)"
            report.notes.append(f"{kind}: no layout with two bodies side by side")
            continue
        report.layouts[kind] = choice.where(len(writer.prs.slide_masters) > 1)
        if choice.note:
            report.notes.append(f"{kind}: {choice.note}")
    return report


def _box(shape: Any) -> Box:
    return Box(shape.width - 2 * INSET_X, shape.height - 2 * INSET_Y)


def _place(shape: Any, rect: Rect) -> None:
    shape.left, shape.top, shape.width, shape.height = (
        Emu(rect.left),
        Emu(rect.top),
        Emu(rect.width),
        Emu(rect.height),
    )


def _inner(rect: Rect) -> Box:
    return Box(rect.width - 2 * INSET_X, rect.height - 2 * INSET_Y)


_P, _PARAGRAPH_FORMAT, _RUN, _RUN_FONT, _TEXT, _BREAK, _END = (
    qn("a:p"),
    qn("a:pPr"),
    qn("a:r"),
    qn("a:rPr"),
    qn("a:t"),
    qn("a:br"),
    qn("a:endParaRPr"),
)


def _set_runs(
    paragraph: Any,
    text: str,
    size: float | None,
    *,
    bold: bool = False,
    colour: Tone | None = None,
    italic: bool = False,
    markdown: bool = True,
    lang: str = "",
) -> None:
    """Add `text` to `paragraph` as runs in language `lang`; its Markdown as formatting unless
    not `markdown` (titles, names, notes and table cells are shown as typed).

    The runs are built as XML, not through python-pptx's run and font objects, which look
    each child up again for every property set: a deck spent a third of its time here.
    """
    p = paragraph._p
    end = p.find(_END)
    for span in inline(text) if markdown else literal(text):
        if span.text == LINE_BREAK:
            element = p.makeelement(_BREAK, {})
        else:
            element = p.makeelement(_RUN, {})
            fonts = _font_attributes(size, bold or span.bold, italic or span.italic, lang)
            font = SubElement(element, _RUN_FONT, fonts)
            SubElement(element, _TEXT).text = CT_RegularTextRun._escape_ctrl_chars(span.text)
            if colour:
                font.append(_painted(colour, paragraph))
        if end is None:
            p.append(element)
        else:
            end.addprevious(element)


def _give_properties(tc: Any, properties: Any) -> None:
    """Give table cell `tc` a copy of another cell's properties (its fill and anchor)."""
    for old in tc.findall(_CELL_PROPERTIES):
        tc.remove(old)
    body = tc.find(_CELL_TEXT)
    made = copy.deepcopy(properties)
    if body is None:
        tc.insert(0, made)
    else:
        body.addnext(made)


_CELL_PROPERTIES, _CELL_TEXT = qn("a:tcPr"), qn("a:txBody")
_PAINTS: dict[Tone, Any] = {}


def _painted(colour: Tone, paragraph: Any) -> Any:
    """A run's fill in `colour`, made once by python-pptx and copied after: setting a colour
    through python-pptx looks up a dozen elements, for every run of every table cell."""
    if colour not in _PAINTS:
        run = paragraph._p.makeelement(_RUN, {})
        SubElement(run, _RUN_FONT)
        paint(_Run(run, paragraph).font.color, colour)
        _PAINTS[colour] = run[0][0]
    return copy.deepcopy(_PAINTS[colour])


def _font_attributes(size: float | None, bold: bool, italic: bool, lang: str) -> dict[str, str]:
    attributes = {"lang": lang} if lang else {}
    if size is not None:
        attributes["sz"] = str(round(size * 100))
    if bold:
        attributes["b"] = "1"
    if italic:
        attributes["i"] = "1"
    return attributes


def _format(paragraph: Any, bullet: str, drawn: bool, space_before: bool) -> None:
    """Give a paragraph its bullet (`none`, `numbered` or the template's own, `default`) and
    the space above it. A text box (`drawn`) has no bullet of its own, so it gets a plain one.

    The paragraph's properties are written whole, in the schema's order, in one go.
    """
    p = paragraph._p
    for old in p.findall(_PARAGRAPH_FORMAT):
        p.remove(old)
    properties = p.makeelement(_PARAGRAPH_FORMAT, {})
    p.insert(0, properties)
    if bullet == "none":
        properties.set("marL", "0")
        properties.set("indent", "0")
    elif drawn:
        properties.set("marL", str(BULLET_INDENT))
        properties.set("indent", str(-BULLET_INDENT))
    if space_before:
        spacing = SubElement(properties, qn("a:spcBef"))
        SubElement(spacing, qn("a:spcPts"), {"val": str(round(SPACE_BEFORE * 100))})
    if bullet == "none":
        SubElement(properties, qn("a:buNone"))
    elif bullet == "numbered":
        SubElement(properties, qn("a:buAutoNum"), {"type": "arabicPeriod"})
    elif drawn:
        SubElement(properties, qn("a:buChar"), {"char": "•"})


def _fill(frame: Any, paragraphs: list[tuple[str, str, bool]], size: float, lang: str = "") -> None:
    """Write (text, bullet kind, bold) paragraphs into a text frame at `size`, in `lang`."""
    frame.word_wrap = True
    frame.clear()
    drawn = not frame._parent.is_placeholder
    body: Any = frame._txBody  # after clear(), its one paragraph is its last child
    for index, (text, bullet, bold) in enumerate(paragraphs):
        if index:  # a:p is the last child a text body has: appended, it is in the schema's place
            body.append(body.makeelement(_P, {}))
        paragraph = _Paragraph(body[-1], frame)
        _format(paragraph, bullet, drawn, space_before=index > 0)
        _set_runs(paragraph, text, size, bold=bold, lang=lang)


def _cut_to_fit(
    fit: TextFit, paragraphs: list[tuple[str, str, bool]], box: Box, size: float
) -> list[tuple[str, str, bool]]:
    """As many of `paragraphs` as fit `box`, the last one cut at a word with an ellipsis."""
    kept: list[tuple[str, str, bool]] = []
    for text, kind, bold in paragraphs:
        if _fitting_size(fit, [*kept, (text, kind, bold)], box, (size,)) is not None:
            kept.append((text, kind, bold))
            continue
        used = fit.height([plain(t) for t, _, _ in kept], box.width, size)
        kept.append(
            (fit.shortened(plain(text), Box(box.width, box.height - used), size), kind, bold)
        )
        break
    return kept


def _fitting_size(
    fit: TextFit, paragraphs: list[tuple[str, str, bool]], box: Box, sizes: tuple[float, ...]
) -> float | None:
    """The largest of `sizes` at which `paragraphs` fit `box`, or None; one at which no
    word is broken across lines if there is one (a word wider than the box at every size,
    a pasted address, is broken)."""
    texts = [plain(t) for t, _, _ in paragraphs]
    indent = BULLET_INDENT if any(b != "none" for _, b, _ in paragraphs) else 0
    first = None  # the largest that fits, breaking a word if it must
    for size in sizes:
        if not fit.fits(texts, box, size, indent=indent, space_before_pt=SPACE_BEFORE):
            continue
        if all(fit.widest_word(text, size) <= box.width - indent for text in texts):
            return size
        first = size if first is None else first
    return first


def text_scale(width: int, height: int) -> float:
    """How much larger than on a standard slide text is set on a slide of `width` by `height`
    EMU: twice on a Keynote template of 1920 × 1080 pt, three quarters on Google Slides' 10 ×
    5.63 in; as designed within a tenth of the standard."""
    if not width or not height:
        return 1.0
    scale = min(height / STANDARD_HEIGHT, width / STANDARD_WIDTH)
    return 1.0 if 0.9 <= scale <= 1.1 else scale


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

    def __init__(self, template: Path, language: str = "") -> None:
        self.language = language  # the runs' (`sv-SE`): set as they are written, see save
        name = display_path(template)
        try:
            parts = read_package(template, "PowerPoint")  # before python-pptx reads any XML
            source = as_presentation(parts)  # a .potx opens as the deck it makes
            self.prs = Presentation(str(template) if source is None else io.BytesIO(source))
            _read_what_rendering_uses(self.prs)
            fix_placeholder_ids(self.prs)
            add_view_properties(self.prs)
            self.layouts = Layouts(self.prs)
        except TemplateError as exc:
            message = str(exc)
            named = message if message.startswith(name) else f"{name}: {message}"
            raise TemplateError(named) from None
        except Exception as exc:  # python-pptx raises many kinds for a bad file
            raise TemplateError(
                f"{name}: not a usable PowerPoint template ({type(exc).__name__}: {exc})"
            ) from None
        self.dark = is_dark(background(self.layouts.content.layout))
        headings, body = theme_fonts(self.layouts.content.layout.slide_master)
        self.title_fit, self.fit = TextFit(metrics_for(headings)), TextFit(metrics_for(body))
        self.scale = text_scale(*self._size())
        self.palette = Palette.for_background(self.dark)
        # what `templates check` tells an author: slides whose text was cut to fit (given
        # whole in their notes), and continuation slides holding a single line or row
        self.cut: list[str] = []
        self.thin: list[str] = []
        slide_ids = self.prs.slides._sldIdLst
        for slide_id in list(slide_ids):  # a template's example slides are not ours
            self.prs.part.drop_rel(slide_id.rId)
            slide_ids.remove(slide_id)
        for sections in list(self.prs.part._element.iter(_SECTION_LIST)):  # of those slides
            extension: Any = sections.getparent()
            extension.getparent().remove(extension)
        self.maker = SlideMaker(self.prs, NOTES_SIZE, language)
        self._placeholders: tuple[Any, dict[int, Any]] = (None, {})  # the last slide's
        self.participant_size: float | None = None  # see size_participants
        self._column_sizes: dict[int, list[float | None]] = {}  # by id(spec): measured once

    # -- helpers ------------------------------------------------------------------------------
    def _pt(self, sizes: tuple[float, ...]) -> tuple[float, ...]:
        """`sizes` (for a standard slide) as this slide's size sets them, to half a point."""
        if self.scale == 1.0:
            return sizes
        return tuple(max(4.0, round(size * self.scale * 2) / 2) for size in sizes)

    def _size(self) -> tuple[int, int]:
        """The slide's width and height in EMU."""
        return int(self.prs.slide_width or 0), int(self.prs.slide_height or 0)

    def _new(self, choice: Choice, title: str, sizes: tuple[float, ...] = TITLE_SIZES) -> Any:
        sizes = self._pt(sizes)
        slide = self.maker.add(choice.layout)
        self._placeholders = (slide, placeholders(slide))  # for _targets, on the same slide
        heading = self._placeholders[1].get(0)
        place = choice.plan.title
        if heading is not None and choice.plan.explicit and place is not None:
            _place(heading, place.rect)
        if heading is not None:
            box = _box(heading) if place is None else _inner(place.rect)
            size = next((s for s in sizes if self.title_fit.fits([title], box, s)), sizes[-1])
            short = self.title_fit.shortened(title, box, size)
            if short != title:  # too long for any size: the whole title goes in the notes
                self._cut(slide, title, title)
                title = short
            frame = heading.text_frame
            frame.word_wrap = True
            frame.clear()
            lines = title.split("\n")
            for index, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                _set_runs(paragraph, line, size, markdown=False, lang=self.language)
        return slide

    def _targets(self, slide: Any, choice: Choice) -> list[Any]:
        """Where `choice`'s text goes on `slide`: its placeholders, or text boxes drawn in the
        layout's free area when it has none."""
        if not choice.added:
            made, found = self._placeholders
            if made is not slide:
                found = placeholders(slide)
            if all(idx in found for idx in choice.idx):
                targets = [found[idx] for idx in choice.idx]
                if choice.plan.explicit or choice.resized:
                    for target, rect in zip(targets, choice.boxes, strict=True):
                        _place(target, rect)
                return targets
        targets = []
        for rect in choice.boxes:
            box = slide.shapes.add_textbox(rect.left, rect.top, rect.width, rect.height)
            box.text_frame.word_wrap = True
            box.text_frame.auto_size = MSO_AUTO_SIZE.NONE
            box.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            targets.append(box)
        return targets

    def _tidy(self, slide: Any) -> None:
        """Remove placeholders left empty, so no "Click to add text" shows."""
        remove_empty_placeholders(slide)

    def _source(self, slide: Any, text: str) -> None:
        """A source line at the slide's foot; one too long for it is cut, and given whole in
        the notes."""
        if not text:
            return
        width, height = self._size()
        box = slide.shapes.add_textbox(
            int(width * 0.0375),
            int(height * 0.8717),
            int(width * 0.925),
            Emu(int(330000 * self.scale)),
        )
        (size,) = self._pt((SOURCE_SIZE,))
        short = self.fit.shortened(text, _box(box), size)
        if short != text:
            self._cut(slide, text, slide.shapes.title.text if slide.shapes.title else "")
            text = short
        paragraph = box.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        _set_runs(
            paragraph,
            text,
            size,
            italic=True,
            colour=self.palette.quiet,
            markdown=False,
            lang=self.language,
        )

    def _notes(self, slide: Any, text: str) -> None:
        """Add `text` to the slide's speaker notes (after what they hold)."""
        if not text:
            return
        frame = self.maker.notes(slide)
        if has_text(frame._txBody):  # after what they hold, a blank line between
            lines = ["", *text.split("\n")]
        else:
            frame._txBody.clear_content()
            lines = text.split("\n")
        append_lines(frame, lines, self.language)

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
        size = _fitting_size(self.fit, paragraphs, box, sizes)
        if size is None:
            size = sizes[-1]
            whole = "\n".join(plain(text) for text, _, _ in paragraphs)
            self._cut(slide, whole, slide.shapes.title.text if slide.shapes.title else "")
            paragraphs = _cut_to_fit(self.fit, paragraphs, box, size)
        _fill(shape.text_frame, paragraphs, size, self.language)

    def _cut(self, slide: Any, whole: str, title: str) -> None:
        """Text was cut to fit `slide`: it goes whole in the notes, and is recorded."""
        self._notes(slide, whole)
        self.cut.append(title)

    def _continued(self, title: str, part: int, word: str) -> str:
        return title if part == 0 else f"{title} {word}"

    def _titled(
        self, choice: Choice, spec: Slide, sizes: tuple[float, ...], lines: list[str]
    ) -> Any:
        """A cover, section or closing slide: the title, and `lines` under it."""
        slide = self._new(choice, spec.title, sizes)
        if lines:
            body = self._targets(slide, choice)[0]
            lines_at = self._pt((20, 18, 16, 14))
            self._fit(slide, body, [(line, "none", False) for line in lines], lines_at)
        self._tidy(slide)
        return slide

    # -- kinds ------------------------------------------------------------------------------
    def add(self, spec: Slide, continued: str) -> None:
        handler = getattr(self, f"_{spec.kind}")
        handler(spec, continued)

    def _title(self, spec: Slide, continued: str) -> None:
        lines = [spec.subtitle] if spec.subtitle else []
        slide = self._titled(self.layouts.title, spec, COVER_SIZES, lines)
        self._notes(slide, spec.notes)

    def _section(self, spec: Slide, continued: str) -> None:
        lines = [spec.subtitle] if spec.subtitle else []
        slide = self._titled(self.layouts.section, spec, (36, 32, 28, 24), lines)
        self._notes(slide, spec.notes)

    def _closing(self, spec: Slide, continued: str) -> None:
        slide = self._titled(self.layouts.closing, spec, COVER_SIZES, list(spec.bullets))
        self._notes(slide, spec.notes)

    def _bullets(
        self, spec: Slide, continued: str, paragraphs: list[tuple[str, str, bool]] | None = None
    ) -> None:
        kind = "numbered" if spec.numbered else "default"
        paragraphs = paragraphs or [(b, kind, False) for b in spec.bullets]
        choice = self.layouts.content
        for part, (chunk, size) in enumerate(self._chunks(paragraphs, choice.boxes[0])):
            slide = self._new(choice, self._continued(spec.title, part, continued))
            if part and len(chunk) == 1:
                self.thin.append(self._continued(spec.title, part, continued))
            _fill(self._targets(slide, choice)[0].text_frame, chunk, size, self.language)
            self._source(slide, spec.source)
            self._notes(slide, spec.notes)
            self._tidy(slide)

    def _chunks(
        self, paragraphs: list[tuple[str, str, bool]], rect: Rect
    ) -> Iterator[tuple[list[tuple[str, str, bool]], float]]:
        """Split paragraphs into slide-sized chunks, each with the size it fits at."""
        box = _inner(rect)
        body_sizes = self._pt(BODY_SIZES)
        size = _fitting_size(self.fit, paragraphs, box, body_sizes)
        if size is not None or not paragraphs:
            yield paragraphs, size or body_sizes[0]
            return
        chunks = self._split(paragraphs, box, body_sizes[-1])
        for smaller in self._pt(FOLD_BACK_SIZES):  # a last line alone: fewer slides, smaller?
            if len(chunks[-1]) > 1:
                break
            folded = self._split(paragraphs, box, smaller)
            if len(folded) < len(chunks):
                yield from ((chunk, smaller) for chunk in folded)
                return
        yield from ((chunk, body_sizes[-1]) for chunk in chunks)

    def _split(
        self, paragraphs: list[tuple[str, str, bool]], box: Box, size: float
    ) -> list[list[tuple[str, str, bool]]]:
        """`paragraphs` in slide-sized chunks at `size`; one longer than a slide in pieces."""
        pieces = [
            (piece, kind, bold)
            for text, kind, bold in paragraphs
            for piece in self.fit.pieces(text, box, size, indent=BULLET_INDENT)
        ]
        chunks: list[list[tuple[str, str, bool]]] = [[]]
        for paragraph in pieces:
            if (
                chunks[-1]
                and _fitting_size(self.fit, [*chunks[-1], paragraph], box, (size,)) is None
            ):
                last = chunks[-1][-1]
                heading = last[1:] == ("none", True) and len(chunks[-1]) > 1
                chunks.append([chunks[-1].pop()] if heading else [])  # with what it heads
            chunks[-1].append(paragraph)
        return chunks

    def _quote(self, spec: Slide, continued: str) -> None:
        choice = self.layouts.content
        slide = self._new(choice, spec.title)
        body = self._targets(slide, choice)[0]
        paragraphs = [(quoted(spec.bullets[0], self.language[:2]), "none", False)]
        self._fit(slide, body, paragraphs, self._pt((28, 24, 20, 18, 16)))
        for run in body.text_frame.paragraphs[0].runs:
            run.font.italic = True
            paint(run.font.color, self.palette.quote)
        self._source(slide, spec.source)
        self._notes(slide, spec.notes)
        self._tidy(slide)

    def _participant(self, spec: Slide, continued: str) -> None:
        """Two participants side by side: each one's name over their facts, unbulleted; where
        they do not fit side by side, each on a slide of their own (never one person's name
        on one slide and their facts on the next)."""
        self._two_columns(spec, continued, bullet="none", apart=True)

    def _chart(self, spec: Slide, continued: str) -> None:
        """A native chart (its data in an embedded workbook, "Edit data" works) in the
        content layout's body, with its alt text."""
        assert spec.chart is not None
        choice = self.layouts.content
        slide = self._new(choice, spec.title)
        area = choice.boxes[0]
        parts = chart_parts(spec.chart)
        box = (area.left, area.top, area.width, area.height)
        place_chart(slide, parts, *box, panel=self.dark)
        self._source(slide, spec.source)
        self._notes(slide, spec.notes)
        self._tidy(slide)

    def size_participants(self, slides: list[Slide]) -> None:
        """One text size for the participants' slides, so that it does not jump from slide to
        slide: the size at which most pairs fit side by side (a pair that needs less gets
        it)."""
        choice = self.layouts.two
        if choice is None:
            return
        fitting = []
        for spec in slides:
            if spec.kind == "participant":
                sizes = self._sizes(spec, choice, self._columns(spec, "none"))
                if None not in sizes:
                    fitting.append(min(s for s in sizes if s is not None))
        if fitting:
            self.participant_size = sorted(fitting)[(len(fitting) - 1) // 2]

    def _sizes(
        self, spec: Slide, choice: Choice, columns: list[list[tuple[str, str, bool]]]
    ) -> list[float | None]:
        """The size each column of `spec` fits its box at on `choice` (None: at no size)."""
        if id(spec) not in self._column_sizes:
            self._column_sizes[id(spec)] = [
                _fitting_size(self.fit, column, _inner(rect), self._pt(BODY_SIZES))
                for column, rect in zip(columns, choice.boxes, strict=True)
            ]
        return self._column_sizes[id(spec)]

    @staticmethod
    def _columns(spec: Slide, bullet: str) -> list[list[tuple[str, str, bool]]]:
        """A two-column slide's columns as paragraphs: each one's heading over its bullets."""
        return [
            [(heading, "none", True)] * bool(heading) + [(b, bullet, False) for b in bullets]
            for heading, bullets in (spec.left, spec.right)
        ]

    def _two_columns(
        self, spec: Slide, continued: str, bullet: str = "default", apart: bool = False
    ) -> None:
        """The left and right columns side by side; when the template has no two-column
        layout or they do not fit, one after the other (`apart`: each from a slide of its
        own)."""
        choice = self.layouts.two
        columns = self._columns(spec, bullet)
        if choice is not None:
            sizes = self._sizes(spec, choice, columns)
            if None not in sizes:
                slide = self._new(choice, spec.title)
                size = min(s for s in sizes if s is not None)
                if spec.kind == "participant" and self.participant_size:
                    size = min(size, self.participant_size)
                for body, column in zip(self._targets(slide, choice), columns, strict=True):
                    _fill(body.text_frame, column, size, self.language)
                self._source(slide, spec.source)
                self._notes(slide, spec.notes)
                self._tidy(slide)
                return
        # no two-column layout, or too much text for one: one column after the other
        if apart:
            for column, notes in zip(columns, spec.column_notes, strict=True):
                if column:
                    self._bullets(replace(spec, notes=notes or spec.notes), continued, column)
            return
        self._bullets(spec, continued, columns[0] + columns[1])

    def _table(self, spec: Slide, continued: str) -> None:
        choice = self.layouts.table
        area = choice.boxes[0]
        (size,) = self._pt((TABLE_SIZE,))
        widths = self._column_widths(spec, area.width, size)
        chunks = self._row_chunks(spec, widths, area.height, size)
        for smaller in self._pt(FOLD_BACK_SIZES):  # a last row alone: fewer slides, smaller?
            if len(chunks) == 1 or len(chunks[-1]) > 1:
                break
            narrower = self._column_widths(spec, area.width, smaller)
            folded = self._row_chunks(spec, narrower, area.height, smaller)
            if len(folded) < len(chunks):
                size, widths, chunks = smaller, narrower, folded
                break
        room = area.height - self._row_height(spec.columns, widths, size)
        palette = self.palette
        for part, rows in enumerate(chunks):
            slide = self._new(choice, self._continued(spec.title, part, continued))
            if part and len(rows) == 1:
                self.thin.append(self._continued(spec.title, part, continued))
            for row in rows:  # a row taller than the slide: cut, and given whole in the notes
                if self._row_height(row, widths, size) > room:
                    self._cut(slide, " · ".join(plain(text) for text in row), spec.title)
                    row[:] = [
                        self.fit.shortened(text, Box(w - 2 * INSET_X, room - 2 * INSET_Y), size)
                        for text, w in zip(row, widths, strict=True)
                    ]
            shape = slide.shapes.add_table(
                len(rows) + 1, len(spec.columns), area.left, area.top, area.width, Emu(1)
            )
            table = shape.table
            for index, width in enumerate(widths):
                table.columns[index].width = Emu(width)
            looks: dict[Tone, Any] = {}  # a cell's properties by fill, made once and copied
            for r, cells in enumerate([spec.columns, *rows]):
                fill = palette.header if r == 0 else (palette.stripe if r % 2 else palette.plain)
                for c, text in enumerate(cells):
                    cell = table.cell(r, c)
                    if fill not in looks:
                        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                        cell.fill.solid()
                        paint(cell.fill.fore_color, fill)
                        looks[fill] = cell._tc.tcPr
                    else:
                        _give_properties(cell._tc, looks[fill])
                    paragraph = cell.text_frame.paragraphs[0]
                    _set_runs(
                        paragraph,
                        text,
                        size,
                        bold=r == 0,
                        colour=palette.on_header if r == 0 else palette.text,
                        markdown=False,
                        lang=self.language,
                    )
            self._notes(slide, spec.notes)
            self._tidy(slide)

    def _row_height(self, cells: list[str], widths: list[int], size: float) -> int:
        lines = max(
            self.fit.lines(text, w - 2 * INSET_X, size)
            for text, w in zip(cells, widths, strict=True)
        )
        return int(lines * size * 1.2 * 12700 + 2 * INSET_Y + 20000)

    def _column_widths(self, spec: Slide, total: int, size: float) -> list[int]:
        """Columns as wide as their texts are long (within limits), and never narrower than
        their widest word, so that a time ("10:00") or a name never breaks inside. A column
        left blank, to be written in on the day, is as wide as the longest."""
        columns = range(len(spec.columns))
        weights = [
            60
            if spec.rows and not any(r[i] for r in spec.rows)
            else max(6, min(60, max(len(r[i]) for r in [spec.columns, *spec.rows])))
            for i in columns
        ]
        widths = [total * w / sum(weights) for w in weights]
        least = [
            max(self.fit.widest_word(r[i], size) for r in [spec.columns, *spec.rows])
            * 1.06  # the header is bold
            + 2 * INSET_X
            for i in columns
        ]
        if sum(least) >= total:  # no room to spare: as the widest words ask, scaled down
            return [int(total * w / sum(least)) for w in least]
        short = sum(max(0.0, m - w) for m, w in zip(least, widths, strict=True))
        spare = sum(max(0.0, w - m) for m, w in zip(least, widths, strict=True))
        return [
            int(m if w < m else w - (w - m) * short / spare) if spare else int(w)
            for m, w in zip(least, widths, strict=True)
        ]

    def _row_chunks(
        self, spec: Slide, widths: list[int], height: int, size: float
    ) -> list[list[list[str]]]:
        """The rows in slide-sized chunks, each under the table's head, at `size`."""
        available = height - self._row_height(spec.columns, widths, size)
        chunks: list[list[list[str]]] = [[]]
        used = 0
        for row in spec.rows:
            needed = self._row_height(row, widths, size)
            if chunks[-1] and used + needed > available:
                chunks.append([])
                used = 0
            chunks[-1].append(row)
            used += needed
        return chunks

    def _phases(self, spec: Slide, continued: str) -> None:
        """Reglab's four phases as chevrons, with a card of lines under each (what the phase
        asks for, or the cohort's participants in it). All cards share one size, the largest
        they all fit at; what does not fit at the smallest goes on over more slides."""
        choice = self.layouts.title_only
        free, height = choice.boxes[0], self._size()[1]
        step = free.width // max(1, len(spec.phases))
        top = free.top + height // 25
        arrow = min(Emu(int(700000 * self.scale)), height // 10)
        card_top = top + arrow + Emu(150000)
        card_height = max(free.bottom - height // 10 - card_top, height // 8)
        card = Box(step - Emu(160000) - 2 * INSET_X, card_height - 2 * INSET_Y)
        longest = max((len(lines) for _, lines, _ in spec.phases), default=0)
        parts = 1
        while parts < longest and any(
            _fitting_size(self.fit, chunk, card, self._pt(PHASE_SIZES)[-1:]) is None
            for chunk in self._phase_cards(spec, parts, 0)
        ):
            parts += 1
        # one size for every phase's name, at which each word sits whole between the arrow's
        # points (bold is about a tenth wider)
        inner = step - Emu(60000) - arrow - 2 * INSET_X
        names = [name for name, _, _ in spec.phases]
        name_size = next(
            (
                s
                for s in self._pt(CHEVRON_SIZES)
                if all(self.fit.widest_word(n, s) * 1.1 <= inner for n in names)
            ),
            self._pt(CHEVRON_SIZES)[-1],
        )
        for part in range(parts):
            cards = self._phase_cards(spec, parts, part)
            sizes = [_fitting_size(self.fit, c, card, self._pt(PHASE_SIZES)) for c in cards]
            size = min((s for s in sizes if s is not None), default=self._pt(PHASE_SIZES)[-1])
            title = self._continued(spec.title, part, continued)
            slide = self._new(choice, title)
            for index, ((name, _, active), lines) in enumerate(
                zip(spec.phases, cards, strict=True)
            ):
                left = free.left + index * step
                self._chevron(slide, name, active, index, left, top, step, arrow, name_size)
                self._card(slide, lines, left, card_top, step, card_height, size)
            self._source(slide, spec.source)
            self._notes(slide, spec.notes)
            self._tidy(slide)

    def _phase_cards(self, spec: Slide, parts: int, part: int) -> list[list[tuple[str, str, bool]]]:
        """Each phase's lines on slide `part` of `parts` (a dash for a phase with none)."""
        cards = []
        for _, lines, _ in spec.phases:
            share = -(-len(lines) // parts)
            chunk = lines[part * share : (part + 1) * share]
            cards.append([(line, "none", False) for line in chunk] or [("–", "none", False)])
        return cards

    def _chevron(
        self,
        slide: Any,
        name: str,
        active: bool,
        index: int,
        left: int,
        top: int,
        step: int,
        arrow: int,
        size: float,
    ) -> None:
        palette = self.palette
        geometry = "homePlate" if index == 0 else "chevron"
        chevron = _figure(slide, geometry, left, top, step - Emu(60000), arrow)
        chevron.fill.solid()
        paint(chevron.fill.fore_color, palette.header if active else palette.soft_accent)
        chevron.line.fill.background()
        frame = chevron.text_frame
        frame.paragraphs[0].alignment = PP_ALIGN.CENTER
        colour = palette.on_header if active else palette.text
        _set_runs(
            frame.paragraphs[0],
            name,
            size,
            bold=True,
            colour=colour,
            markdown=False,
            lang=self.language,
        )

    def _card(
        self,
        slide: Any,
        lines: list[tuple[str, str, bool]],
        left: int,
        top: int,
        step: int,
        height: int,
        size: float,
    ) -> None:
        palette = self.palette
        card = _figure(slide, "roundRect", left, top, step - Emu(160000), height)
        card.fill.solid()
        paint(card.fill.fore_color, palette.stripe)
        paint(card.line.color, palette.soft_accent)
        card.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        self._fit(slide, card, lines, (size,))
        for paragraph in card.text_frame.paragraphs:
            for run in paragraph.runs:
                paint(run.font.color, palette.text)

    def save(self, target: Path, properties: Properties) -> None:
        _set_language(self.prs, properties.language)  # the template's parts
        core = self.prs.core_properties
        title, author = abbreviated(properties.title, 255), abbreviated(properties.author, 255)
        core.title, core.author = title, author
        core.last_modified_by, core.language = author, properties.language
        core.created = core.modified = properties.created
        core.revision = 1
        with atomic_path(target) as temporary:
            save_presentation(self.prs, temporary)


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


# PowerPoint 2010's sections: lists of the template's slides, which the deck does not keep
_SECTION_LIST = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"
# the parts of the template that hold text; a deck's slides and notes pages are made in the
# language from the start (see SlideMaker)
_TEXT_PARTS = {
    CT.PML_PRESENTATION_MAIN,
    CT.PML_TEMPLATE_MAIN,
    CT.PML_SLIDE_MASTER,
    CT.PML_SLIDE_LAYOUT,
}


def _set_language(presentation: Any, tag: str) -> None:
    """Give every run and text default of the template's parts the deck's language (`sv-SE`).

    PowerPoint checks spelling by it: python-pptx's starting deck says `en-US`, so every
    Swedish word was marked as misspelt.
    """
    for part in presentation.part.package.iter_parts():
        if isinstance(part, XmlPart) and part.content_type in _TEXT_PARTS:
            in_language(part._element, tag)


def render_deck(
    template: Path, slides: list[Slide], target: Path, properties: Properties, continued: str
) -> None:
    """Write `slides` on `template`'s layouts to `target` (atomically)."""
    writer = DeckWriter(template, properties.language)
    writer.size_participants(slides)
    for spec in slides:
        writer.add(spec, continued)
    writer.save(target, properties)
