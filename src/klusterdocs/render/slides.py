"""Lay out a module's slides (from `context.program`) on a PowerPoint template's layouts.

Layouts are chosen by scoring every layout of every master for each kind of slide by its
placeholders (type, and where they sit on the slide and to each other); names only break ties,
so a region's own template works, and so does one re-saved by LibreOffice. What a template lacks
gets a fallback (a text box in the free area), never a traceback. Colours are the template's
theme colours, so a dark or a red template recolours every slide. Text is fitted explicitly: a
list that would overflow its box continues on a "(forts.)" slide, a long title gets a smaller
size within limits.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
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
from klusterdocs.render.package import as_presentation, read_package

TITLE_SIZES = (30, 28, 26, 24, 22, 20)
COVER_SIZES = (40, 36, 32, 28, 24)
BODY_SIZES = (24, 22, 20, 18)
TABLE_SIZE = 18
SOURCE_SIZE = 11
BULLET_INDENT = Emu(342900)
INSET_X, INSET_Y = Emu(91440), Emu(45720)
SPACE_BEFORE = 6
KINDS = ("title", "section", "content", "two_columns", "table", "title_only", "closing")
_FOOTERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_TEXT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


@dataclass(frozen=True)
class Properties:
    title: str
    author: str
    language: str
    created: dt.datetime


# -- colours: the template's theme ------------------------------------------------------------


@dataclass(frozen=True)
class Tone:
    """A colour of the template's theme, lighter (> 0) or darker (< 0) by `brightness`."""

    theme: MSO_THEME_COLOR
    brightness: float = 0.0


@dataclass(frozen=True)
class Palette:
    """What each drawn thing is coloured with; tints go toward the text colour, so that a dark
    template gets dark stripes, not white ones."""

    text: Tone
    quiet: Tone  # a source line
    quote: Tone
    header: Tone
    on_header: Tone
    stripe: Tone
    plain: Tone
    soft_accent: Tone

    @classmethod
    def for_background(cls, dark: bool) -> Palette:
        return cls(
            text=Tone(MSO_THEME_COLOR.TEXT_1),
            quiet=Tone(MSO_THEME_COLOR.TEXT_1, -0.25 if dark else 0.35),
            quote=Tone(MSO_THEME_COLOR.TEXT_2),
            header=Tone(MSO_THEME_COLOR.ACCENT_1),
            on_header=Tone(MSO_THEME_COLOR.BACKGROUND_1),
            stripe=Tone(MSO_THEME_COLOR.BACKGROUND_1, 0.15 if dark else -0.05),
            plain=Tone(MSO_THEME_COLOR.BACKGROUND_1),
            soft_accent=Tone(MSO_THEME_COLOR.ACCENT_1, -0.5 if dark else 0.6),
        )


def _paint(colour: Any, tone: Tone) -> None:
    """Set a python-pptx colour (a font's, a fill's) to `tone`."""
    colour.theme_color = tone.theme
    if tone.brightness:
        colour.brightness = tone.brightness


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _scheme(master: Any) -> dict[str, str]:
    """The master's theme colours by scheme name (`dk1`: `000000`), and its colour map
    (`bg1`: `lt1`) under the mapped names."""
    colours: dict[str, str] = {}
    try:
        theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    except Exception:  # no theme, or one python-pptx cannot read: no colours known
        return colours
    scheme = theme.find(f".//{_A}clrScheme")
    for slot in scheme if scheme is not None else []:
        colour = next(iter(slot), None)
        if colour is not None:
            value = colour.get("lastClr") or colour.get("val") or ""
            colours[etree.QName(slot).localname] = value.upper()
    mapping = master.element.find(f"{_P}clrMap")
    for name, target in (mapping.attrib if mapping is not None else {}).items():
        if target in colours:
            colours[name] = colours[target]
    return colours


def _resolved(colour: etree._Element, scheme: dict[str, str]) -> str | None:
    """`RRGGBB` of a DrawingML colour element, its lumMod/lumOff applied."""
    tag = etree.QName(colour).localname
    value = {
        "srgbClr": colour.get("val"),
        "sysClr": colour.get("lastClr"),
        "schemeClr": scheme.get(colour.get("val") or ""),
    }.get(tag)
    if not value or len(value) != 6:
        return None
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(red, green, blue)
    modulate = colour.find(f"{_A}lumMod")
    offset = colour.find(f"{_A}lumOff")
    light *= int(modulate.get("val", "100000")) / 100000 if modulate is not None else 1
    light += int(offset.get("val", "0")) / 100000 if offset is not None else 0
    red, green, blue = colorsys.hls_to_rgb(hue, min(1.0, max(0.0, light)), saturation)
    return "".join(f"{round(c * 255):02X}" for c in (red, green, blue))


def _background(layout: Any) -> str | None:
    """`RRGGBB` of the background a slide on `layout` shows (the layout's own, else its
    master's); None for a picture or what cannot be told."""
    master = layout.slide_master
    scheme = _scheme(master)
    for owner in (layout, master):
        background = owner.element.find(f"{_P}cSld/{_P}bg")
        if background is None:
            continue
        colours = [
            e
            for e in background.iter(f"{_A}srgbClr", f"{_A}schemeClr", f"{_A}sysClr")
            if etree.QName(e.getparent()).localname != "lumMod"
        ]
        if background.find(f".//{_A}blipFill") is not None or not colours:
            return None
        return _resolved(colours[0], scheme)
    return scheme.get("bg1")


def _is_dark(rgb: str | None) -> bool:
    if rgb is None:
        return False
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45


# -- layouts: read, scored, chosen -------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def area(self) -> int:
        return self.width * self.height


def _rect(shape: Any) -> Rect:
    return Rect(
        int(shape.left or 0), int(shape.top or 0), int(shape.width or 0), int(shape.height or 0)
    )


@dataclass(frozen=True)
class _Place:
    """A layout placeholder as scoring sees it."""

    idx: int
    rect: Rect
    centred: bool = False  # a title: a centre title (what a cover has)
    moved: bool = False  # moved off the title it covered: not a place the master meant


@dataclass(frozen=True)
class Plan:
    """A layout read for scoring: its title, text bodies and what else it holds."""

    layout: Any
    master: int
    slide: Rect
    title: _Place | None
    bodies: tuple[_Place, ...]  # horizontal text bodies, in reading order
    subtitle: _Place | None
    table: _Place | None
    others: int  # pictures, charts, vertical text: what a slide of ours leaves empty
    footer_top: int  # where the footers begin (or the slide's bottom)
    explicit: bool = False  # the places are the master's: a slide's must be set to them

    @property
    def name(self) -> str:
        return str(self.layout.name or "")

    def centre(self, place: _Place) -> float:
        """How far down the slide `place`'s middle is, 0 to 1."""
        return (place.rect.top + place.rect.height / 2) / self.slide.height

    def share(self, place: _Place) -> float:
        """`place`'s area as a share of the slide's."""
        return place.rect.area / max(1, self.slide.area)

    def free(self) -> Rect:
        """The part of the slide below the title and above the footers: where a text box goes
        when the layout has no body."""
        margin = self.slide.height // 50
        side = self.slide.width // 16
        bottom = min(self.footer_top, int(self.slide.height * 0.93)) - margin
        title = self.title.rect if self.title else Rect(side, 0, self.slide.width - 2 * side, 0)
        left, width = title.left, title.width
        if width < self.slide.width // 2:
            left, width = side, self.slide.width - 2 * side
        top = title.bottom + margin
        if bottom - top < self.slide.height // 8:  # the title is low: the room above it
            return Rect(left, side, width, max(1, title.top - margin - side))
        return Rect(left, top, width, bottom - top)


def _plan(layout: Any, master: int, slide: Rect, libreoffice: bool = False) -> Plan:
    title = subtitle = table = None
    bodies: list[_Place] = []
    others = 0
    footer_top = slide.height
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type
        place = _Place(int(shape.placeholder_format.idx), _rect(shape))
        vertical = (shape.element.ph_orient or "horz") != "horz" or _vertical_text(shape)
        if kind in _FOOTERS:
            if place.rect.top > slide.height // 2:
                footer_top = min(footer_top, place.rect.top)
        elif kind in _TITLES and title is None and not vertical:
            title = _Place(place.idx, place.rect, kind == PP_PLACEHOLDER.CENTER_TITLE)
        elif kind in _TEXT and not vertical and place.rect.area:
            bodies.append(place)
        elif kind == PP_PLACEHOLDER.SUBTITLE and subtitle is None and not vertical:
            subtitle = place
        elif kind == PP_PLACEHOLDER.TABLE and table is None:
            table = place
        else:
            others += 1
    bodies.sort(key=lambda p: (p.rect.top // (slide.height // 10 or 1), p.rect.left))
    plan = Plan(layout, master, slide, title, tuple(bodies), subtitle, table, others, footer_top)
    return _on_master(plan) if libreoffice else plan


def _on_master(plan: Plan) -> Plan:
    """`plan` with its title and bodies where its master has them.

    LibreOffice keeps no layouts: it writes each layout the user made as a master of its own,
    under a set of its standard layouts that all carry one master's positions. Its masters
    are what the user designed, so the title and bodies go where the master puts them.
    """
    shapes = [s for s in plan.layout.slide_master.placeholders if s.is_placeholder]
    titles = [_rect(s) for s in shapes if s.placeholder_format.type in _TITLES]
    texts = sorted(
        (_rect(s) for s in shapes if s.placeholder_format.type in _TEXT),
        key=lambda r: (r.top // (plan.slide.height // 10 or 1), r.left),
    )
    if not titles or plan.title is None:
        return plan
    title = _Place(plan.title.idx, titles[0], plan.title.centred)
    bodies = plan.bodies
    if len(bodies) == len(texts):
        bodies = tuple(_Place(b.idx, r) for b, r in zip(bodies, texts, strict=True))
    elif len(bodies) == 1 and texts:
        left, top = min(r.left for r in texts), min(r.top for r in texts)
        right, bottom = max(r.right for r in texts), max(r.bottom for r in texts)
        bodies = (_Place(bodies[0].idx, Rect(left, top, right - left, bottom - top)),)
    subtitle = plan.subtitle
    if subtitle is not None and texts:
        subtitle = _Place(subtitle.idx, texts[0])
    moved = replace(plan, title=title, explicit=True)
    return replace(
        moved,
        bodies=tuple(_below_title(moved, b) for b in bodies),
        subtitle=_below_title(moved, subtitle) if subtitle else None,
    )


def _below_title(plan: Plan, place: _Place) -> _Place:
    """`place`, moved below the title if it covers it (a master's body, which LibreOffice
    spreads over the whole slide, on a cover)."""
    assert plan.title is not None
    title = plan.title.rect
    overlap = min(title.bottom, place.rect.bottom) - max(title.top, place.rect.top)
    if overlap <= 0:
        return place
    top = title.bottom + plan.slide.height // 50
    bottom = place.rect.bottom
    if bottom - top < plan.slide.height // 8:
        return _Place(place.idx, plan.free(), moved=True)
    return _Place(place.idx, Rect(place.rect.left, top, place.rect.width, bottom - top), moved=True)


def _grows(layout: Any, idx: int) -> bool:
    """True if the layout's placeholder `idx` grows with its text (`spAutoFit`), as its own
    or its master's body says."""
    shape = next(s for s in layout.placeholders if s.placeholder_format.idx == idx)
    for element in (shape.element, *(s.element for s in layout.slide_master.placeholders)):
        if element is not shape.element and element.ph_type != PP_PLACEHOLDER.BODY:
            continue
        properties = element.find(f".//{_A}bodyPr")
        if properties is not None and len(properties):
            return properties.find(f"{_A}spAutoFit") is not None
    return False


def _written_by_libreoffice(presentation: Any) -> bool:
    for part in presentation.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            return b"LibreOffice" in part.blob
    return False


def _vertical_text(shape: Any) -> bool:
    body = shape.element.find(f".//{_A}bodyPr")
    return body is not None and body.get("vert", "horz") not in ("horz", "")


def _side_by_side(plan: Plan) -> tuple[_Place, _Place] | None:
    """The two largest bodies that stand next to each other, left one first."""
    pairs = [
        (a, b)
        for a in plan.bodies
        for b in plan.bodies
        if a.rect.right <= b.rect.left + plan.slide.width // 50
        and min(a.rect.bottom, b.rect.bottom) - max(a.rect.top, b.rect.top)
        > min(a.rect.height, b.rect.height) / 2
    ]
    return max(pairs, key=lambda pair: min(pair[0].rect.area, pair[1].rect.area), default=None)


def _near_top(plan: Plan, place: _Place) -> float:
    """1 for a title at the top of the slide, 0 for one at a third of the way down or lower."""
    return max(0.0, 1 - plan.centre(place) / 0.35)


def _middle(plan: Plan, place: _Place) -> bool:
    return 0.28 <= plan.centre(place) <= 0.8


def _score_title(plan: Plan) -> float | None:
    title = plan.title
    if title is None:
        return None
    score = 40.0 * title.centred + 10 * min(1.0, title.rect.height / (0.2 * plan.slide.height))
    score += 20 * _middle(plan, title)
    if plan.subtitle is not None:
        score += 25
    elif len(plan.bodies) == 1 and plan.share(plan.bodies[0]) < 0.3:
        score += 10
    score -= 15 * sum(plan.share(b) >= 0.3 for b in plan.bodies) + 10 * plan.others
    return score


def _score_section(plan: Plan) -> float | None:
    title = plan.title
    if title is None:
        return None
    score = (10.0 if title.centred else 30.0) + 40 * _middle(plan, title)
    if not plan.bodies or all(b.moved for b in plan.bodies):
        score += 10
    elif len(plan.bodies) == 1 and plan.share(plan.bodies[0]) < 0.25:
        score += 20
    else:
        score -= 20 * len(plan.bodies)
    return score - 10 * plan.others - 10 * (plan.subtitle is not None)


def _score_content(plan: Plan) -> float | None:
    title = plan.title
    if title is None or not plan.bodies:
        return None
    body = max(plan.bodies, key=lambda b: b.rect.area)
    score = 30.0 * (not title.centred) + 40 * _near_top(plan, title)
    score += 20 * (len(plan.bodies) == 1) + 40 * min(1.0, plan.share(body) / 0.45)
    score += 10 if body.rect.top >= title.rect.top + title.rect.height / 2 else -10
    return score - 10 * plan.others - 15 * (plan.subtitle is not None)


def _score_two(plan: Plan) -> float | None:
    pair = _side_by_side(plan)
    title = plan.title
    if title is None or pair is None:
        return None
    left, right = (p.rect.area for p in pair)
    score = 30.0 * (not title.centred) + 40 * _near_top(plan, title)
    score += 20 * (len(plan.bodies) == 2) + 20 * min(left, right) / max(left, right)
    score += 40 * min(1.0, (left + right) / plan.slide.area / 0.45)
    score -= 10 * (title.rect.width < plan.slide.width / 2)
    return score - 10 * plan.others


def _score_table(plan: Plan) -> float | None:
    title = plan.title
    if title is None or plan.table is None:
        return None
    score = 30.0 * (not title.centred) + 40 * _near_top(plan, title)
    score += 40 * min(1.0, plan.share(plan.table) / 0.45)
    return score - 10 * plan.others - 20 * len(plan.bodies)


def _score_title_only(plan: Plan) -> float | None:
    title = plan.title
    if title is None:
        return None
    score = 30.0 * (not title.centred) + 40 * _near_top(plan, title)
    empty = not plan.bodies and plan.subtitle is None and plan.table is None
    return score + 20 * empty - 30 * len(plan.bodies) - 10 * plan.others


def _score_closing(plan: Plan) -> float | None:
    title = plan.title
    if title is None:
        return None
    score = 40.0 * title.centred + 20 * _middle(plan, title)
    if len(plan.bodies) == 1:
        score += 15 if plan.bodies[0].moved else 25
        score += 10 * min(1.0, plan.share(plan.bodies[0]) / 0.25)  # room for a few lines
    elif plan.subtitle is not None:
        score += 15
    return score + 10 * (plan.subtitle is None) - 10 * plan.others


_SCORES: dict[str, Callable[[Plan], float | None]] = {
    "title": _score_title,
    "section": _score_section,
    "content": _score_content,
    "two_columns": _score_two,
    "table": _score_table,
    "title_only": _score_title_only,
    "closing": _score_closing,
}
# Words in layout names (Office's in English and Swedish, LibreOffice's): ties only.
_NAMES = {
    "title": ("title slide", "titelbild", "rubrikbild", "titel", "cover", "omslag"),
    "section": ("section", "avsnitt"),
    "content": ("title and content", "title, content", "rubrik och innehåll", "innehåll"),
    "two_columns": ("two content", "2 content", "två", "spalt", "column"),
    "table": ("table", "tabell"),
    "title_only": ("title only", "endast rubrik", "bara rubrik", "rubrik"),
    "closing": ("closing", "avslutning", "end", "thank", "tack"),
}


def _name_bonus(kind: str, name: str) -> float:
    lowered = name.lower()
    return 3.0 if any(word in lowered for word in _NAMES[kind]) else 0.0


@dataclass(frozen=True)
class Choice:
    """The layout one kind of slide goes on, and where its text (or table) goes: the layout's
    placeholders `idx`, or text boxes at `boxes` when the layout has none (a fallback)."""

    kind: str
    plan: Plan
    boxes: tuple[Rect, ...]
    idx: tuple[int, ...]
    note: str = ""
    resized: bool = False  # the placeholders get `boxes` as their size on each slide

    @property
    def layout(self) -> Any:
        return self.plan.layout

    @property
    def added(self) -> bool:
        """True if the text goes in text boxes added to the slide."""
        return not self.idx and bool(self.boxes)

    def where(self, numbered: bool = False) -> str:
        """`Office Theme / Title and Content`: the master's name (and number, if `numbered`)
        and the layout's."""
        master = self.layout.slide_master
        name = master.element.find(f"{_P}cSld").get("name") or _theme_name(master)
        number = f"master {self.plan.master + 1}"
        if numbered or not name:
            name = f"{number} ({name})" if name else number
        return f"{name} / {self.plan.name or '(unnamed)'}"


def _theme_name(master: Any) -> str:
    try:
        return str(etree.fromstring(master.part.part_related_by(RT.THEME).blob).get("name", ""))
    except Exception:  # no theme
        return ""


class Layouts:
    """The template's layout for each kind of slide, chosen by scoring every layout of every
    master (see `_score_content` and the others)."""

    def __init__(self, presentation: Any) -> None:
        slide = Rect(0, 0, int(presentation.slide_width or 0), int(presentation.slide_height or 0))
        libreoffice = _written_by_libreoffice(presentation)
        self.plans = [
            _plan(layout, number, slide, libreoffice)
            for number, master in enumerate(presentation.slide_masters)
            for layout in master.slide_layouts
        ]
        if not any(plan.title for plan in self.plans):
            names = ", ".join(repr(p.name) for p in self.plans) or "none"
            raise TemplateError(
                f"no layout with a title placeholder: the template's layouts are {names}; "
                "add a title to one in PowerPoint's slide master view"
            )
        self.content = self._content()
        self.title = self._with_text("title")
        self.section = self._with_text("section")
        self.closing = self._with_text("closing")
        self.two = self._two()
        self.table = self._table()
        self.title_only = self._title_only()

    def best(self, kind: str) -> tuple[Plan, float]:
        """The highest-scoring layout for `kind` (the first master's on a tie)."""
        scored = [
            (score + _name_bonus(kind, plan.name) - plan.master * 0.5, -index, plan)
            for index, plan in enumerate(self.plans)
            if (score := _SCORES[kind](plan)) is not None
        ]
        score, _, plan = max(scored, key=lambda item: item[:2])
        return plan, score

    def _content(self) -> Choice:
        if any(_score_content(p) is not None for p in self.plans):
            plan, _ = self.best("content")
            body = max(plan.bodies, key=lambda b: b.rect.area)
            bottom = plan.free().bottom
            if _grows(plan.layout, body.idx) and bottom > body.rect.bottom:
                grown = replace(body.rect, height=bottom - body.rect.top)
                note = "its body grows with its text: filled to the footer"
                return Choice("content", plan, (grown,), (body.idx,), note, resized=True)
            return Choice("content", plan, (body.rect,), (body.idx,))
        plan, _ = self.best("title_only")
        return Choice(
            "content", plan, (plan.free(),), (), "no layout with a title and a body: a text box"
        )

    def _with_text(self, kind: str) -> Choice:
        """A title slide, section or closing: its text in the subtitle or small body."""
        plan, score = self.best(kind)
        note = "" if score >= 50 else "no layout fits well; the best there is"
        place = plan.subtitle or next(iter(plan.bodies), None)
        if place is not None:
            return Choice(kind, plan, (place.rect,), (place.idx,), note)
        return Choice(kind, plan, (plan.free(),), (), note or "its text in a text box")

    def _two(self) -> Choice | None:
        if not any(_score_two(p) is not None for p in self.plans):
            return None
        plan, _ = self.best("two_columns")
        pair = _side_by_side(plan)
        assert pair is not None  # scored, so it has one
        return Choice("two_columns", plan, tuple(p.rect for p in pair), tuple(p.idx for p in pair))

    def _table(self) -> Choice:
        if any(_score_table(p) is not None for p in self.plans):
            plan, _ = self.best("table")
            assert plan.table is not None
            return Choice("table", plan, (plan.table.rect,), (plan.table.idx,))
        content = self.content  # as in Office's own themes, which have no table layout
        return Choice("table", content.plan, content.boxes, ())

    def _title_only(self) -> Choice:
        plan, _ = self.best("title_only")
        note = "" if not plan.bodies else "no layout with a title alone; its body is removed"
        return Choice("title_only", plan, (plan.free(),), (), note)

    def choices(self) -> list[Choice | None]:
        return [
            self.title,
            self.section,
            self.content,
            self.two,
            self.table,
            self.title_only,
            self.closing,
        ]


_VIEW_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<p:viewPr xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    b'<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'
)


def _add_view_properties(presentation: Any) -> None:
    """Give the deck view properties if the template has none (LibreOffice writes none):
    PowerPoint offers to repair a deck without them."""
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    part = presentation.part
    if any(rel.reltype == RT.VIEW_PROPS for rel in part.rels.values()):
        return
    content_type = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"
    view = Part(PackURI("/ppt/viewProps.xml"), content_type, part.package, _VIEW_PROPERTIES)
    part.relate_to(view, RT.VIEW_PROPS)


def _fix_placeholder_ids(presentation: Any) -> None:
    """Give each placeholder of a layout its own idx.

    LibreOffice writes `<p:ph/>` for every body, which means idx 0, the title's; a slide's
    placeholder is matched to its layout's by idx, so each body would take the title's place.
    A layout's placeholders are matched to the master's by type, which this leaves alone.
    """
    for master in presentation.slide_masters:
        for layout in master.slide_layouts:
            phs = [s.element.ph for s in layout.placeholders]
            used = {int(ph.get("idx", "0")) for ph in phs}
            seen: set[int] = set()
            for ph in phs:
                idx = int(ph.get("idx", "0"))
                if idx in seen:
                    idx = max(used | {99}) + 1
                    used.add(idx)
                    ph.set("idx", str(idx))
                seen.add(idx)


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


def _set_runs(
    paragraph: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    colour: Tone | None = None,
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
            _paint(run.font.color, colour)


def _bullet(paragraph: Any, kind: str, drawn: bool = False) -> None:
    """Set a paragraph's bullet: `none`, `numbered` or the template's own (`default`); a text
    box (`drawn`) has no bullet of its own, so it gets a plain one."""
    properties = paragraph._p.get_or_add_pPr()
    if kind == "none":
        properties.set("marL", "0")
        properties.set("indent", "0")
        properties.insert(0, properties.makeelement(qn("a:buNone"), {}))
        return
    if drawn:
        properties.set("marL", str(BULLET_INDENT))
        properties.set("indent", str(-BULLET_INDENT))
    if kind == "numbered":
        properties.append(properties.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"}))
    elif drawn:
        properties.append(properties.makeelement(qn("a:buChar"), {"char": "•"}))


def _fill(frame: Any, paragraphs: list[tuple[str, str, bool]], size: float) -> None:
    """Write (text, bullet kind, bold) paragraphs into a text frame at `size`."""
    frame.word_wrap = True
    frame.clear()
    drawn = not frame._parent.is_placeholder
    for index, (text, bullet, bold) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        _bullet(paragraph, bullet, drawn)
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
            parts = read_package(template, "PowerPoint")  # before python-pptx reads any XML
            source = as_presentation(parts)  # a .potx opens as the deck it makes
            self.prs = Presentation(str(template) if source is None else io.BytesIO(source))
            _read_what_rendering_uses(self.prs)
            _fix_placeholder_ids(self.prs)
            _add_view_properties(self.prs)
            self.layouts = Layouts(self.prs)
        except TemplateError as exc:
            message = str(exc)
            named = message if message.startswith(name) else f"{name}: {message}"
            raise TemplateError(named) from None
        except Exception as exc:  # python-pptx raises many kinds for a bad file
            raise TemplateError(
                f"{name}: not a usable PowerPoint template ({type(exc).__name__}: {exc})"
            ) from None
        self.dark = _is_dark(_background(self.layouts.content.layout))
        self.palette = Palette.for_background(self.dark)
        # what `templates check` tells an author: slides whose text was cut to fit (given
        # whole in their notes), and continuation slides holding a single line or row
        self.cut: list[str] = []
        self.thin: list[str] = []
        slide_ids = self.prs.slides._sldIdLst
        for slide_id in list(slide_ids):  # a template's example slides are not ours
            self.prs.part.drop_rel(slide_id.rId)
            slide_ids.remove(slide_id)

    # -- helpers ------------------------------------------------------------------------------
    def _size(self) -> tuple[int, int]:
        """The slide's width and height in EMU."""
        return int(self.prs.slide_width or 0), int(self.prs.slide_height or 0)

    def _new(self, choice: Choice, title: str, sizes: tuple[int, ...] = TITLE_SIZES) -> Any:
        slide = self.prs.slides.add_slide(choice.layout)
        heading = slide.shapes.title
        if heading is not None and choice.plan.explicit and choice.plan.title is not None:
            _place(heading, choice.plan.title.rect)
        if heading is not None:
            box = _box(heading)
            size = next(
                (s for s in sizes if text_height([title], box.width, s) <= box.height), sizes[-1]
            )
            short = shortened(title, box, size)
            if short != title:  # too long for any size: the whole title goes in the notes
                self._cut(slide, title, title)
                title = short
            frame = heading.text_frame
            frame.word_wrap = True
            frame.clear()
            lines = title.split("\n")
            for index, line in enumerate(lines):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                _set_runs(paragraph, line, size, markdown=False)
        return slide

    def _targets(self, slide: Any, choice: Choice) -> list[Any]:
        """Where `choice`'s text goes on `slide`: its placeholders, or text boxes drawn in the
        layout's free area when it has none."""
        if not choice.added:
            found = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
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
        for ph in list(slide.placeholders):
            if not (ph.has_text_frame and ph.text_frame.text.strip()):
                ph._element.getparent().remove(ph._element)

    def _source(self, slide: Any, text: str) -> None:
        if not text:
            return
        width, height = self._size()
        box = slide.shapes.add_textbox(
            int(width * 0.0375), int(height * 0.8717), int(width * 0.925), Emu(330000)
        )
        paragraph = box.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        _set_runs(
            paragraph, text, SOURCE_SIZE, italic=True, colour=self.palette.quiet, markdown=False
        )

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
            whole = "\n".join(plain(text) for text, _, _ in paragraphs)
            self._cut(slide, whole, slide.shapes.title.text if slide.shapes.title else "")
            paragraphs = _cut_to_fit(paragraphs, box, size)
        _fill(shape.text_frame, paragraphs, size)

    def _cut(self, slide: Any, whole: str, title: str) -> None:
        """Text was cut to fit `slide`: it goes whole in the notes, and is recorded."""
        self._notes(slide, whole)
        self.cut.append(title)

    def _continued(self, title: str, part: int, word: str) -> str:
        return title if part == 0 else f"{title} {word}"

    def _titled(self, choice: Choice, spec: Slide, sizes: tuple[int, ...], lines: list[str]) -> Any:
        """A cover, section or closing slide: the title, and `lines` under it."""
        slide = self._new(choice, spec.title, sizes)
        if lines:
            body = self._targets(slide, choice)[0]
            self._fit(slide, body, [(line, "none", False) for line in lines], (20, 18, 16, 14))
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
        self._titled(self.layouts.section, spec, (36, 32, 28, 24), lines)

    def _closing(self, spec: Slide, continued: str) -> None:
        self._titled(self.layouts.closing, spec, COVER_SIZES, list(spec.bullets))

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
            _fill(self._targets(slide, choice)[0].text_frame, chunk, size)
            self._source(slide, spec.source)
            self._notes(slide, spec.notes)
            self._tidy(slide)

    def _chunks(
        self, paragraphs: list[tuple[str, str, bool]], rect: Rect
    ) -> Iterator[tuple[list[tuple[str, str, bool]], float]]:
        """Split paragraphs into slide-sized chunks, each with the size it fits at."""
        box = _inner(rect)
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
        choice = self.layouts.content
        slide = self._new(choice, spec.title)
        body = self._targets(slide, choice)[0]
        paragraphs = [(f"”{spec.bullets[0]}”", "none", False)]
        self._fit(slide, body, paragraphs, (28, 24, 20, 18, 16))
        for run in body.text_frame.paragraphs[0].runs:
            run.font.italic = True
            _paint(run.font.color, self.palette.quote)
        self._source(slide, spec.source)
        self._tidy(slide)

    def _participant(self, spec: Slide, continued: str) -> None:
        facts = [(f"**{label}:** {value}", "none", False) for label, value in spec.facts]
        if spec.subtitle:
            facts.insert(0, (spec.subtitle, "none", True))
        self._bullets(spec, continued, facts)

    def _two_columns(self, spec: Slide, continued: str) -> None:
        choice = self.layouts.two
        columns = [
            [(heading, "none", True)] * bool(heading) + [(b, "default", False) for b in bullets]
            for heading, bullets in (spec.left, spec.right)
        ]
        if choice is not None:
            sizes = [
                _fitting_size(c, _inner(r), BODY_SIZES)
                for c, r in zip(columns, choice.boxes, strict=True)
            ]
            if None not in sizes:
                slide = self._new(choice, spec.title)
                size = min(s for s in sizes if s is not None)
                for body, column in zip(self._targets(slide, choice), columns, strict=True):
                    _fill(body.text_frame, column, size)
                self._source(slide, spec.source)
                self._tidy(slide)
                return
        # no two-column layout, or too much text for one: one column after the other
        self._bullets(spec, continued, columns[0] + columns[1])

    def _table(self, spec: Slide, continued: str) -> None:
        choice = self.layouts.table
        area = choice.boxes[0]
        weights = [
            max(6, min(60, max(len(r[i]) for r in [spec.columns, *spec.rows])))
            for i in range(len(spec.columns))
        ]
        widths = [int(area.width * w / sum(weights)) for w in weights]
        room = area.height - self._row_height(spec.columns, widths)
        palette = self.palette
        for part, rows in enumerate(self._row_chunks(spec, widths, area.height)):
            slide = self._new(choice, self._continued(spec.title, part, continued))
            if part and len(rows) == 1:
                self.thin.append(self._continued(spec.title, part, continued))
            for row in rows:  # a row taller than the slide: cut, and given whole in the notes
                if self._row_height(row, widths) > room:
                    self._cut(slide, " · ".join(plain(text) for text in row), spec.title)
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
                fill = palette.header if r == 0 else (palette.stripe if r % 2 else palette.plain)
                for c, text in enumerate(cells):
                    cell = table.cell(r, c)
                    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                    cell.fill.solid()
                    _paint(cell.fill.fore_color, fill)
                    paragraph = cell.text_frame.paragraphs[0]
                    _set_runs(
                        paragraph,
                        text,
                        TABLE_SIZE,
                        bold=r == 0,
                        colour=palette.on_header if r == 0 else palette.text,
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
        choice = self.layouts.title_only
        slide = self._new(choice, spec.title)
        free, height = choice.boxes[0], self._size()[1]
        step = free.width // len(spec.phases)
        top = free.top + height // 25
        arrow = min(Emu(700000), height // 10)
        card_top = top + arrow + Emu(150000)
        card_height = max(free.bottom - height // 10 - card_top, height // 8)
        palette = self.palette
        for index, (name, initiatives, active) in enumerate(spec.phases):
            geometry = "homePlate" if index == 0 else "chevron"
            left = free.left + index * step
            chevron = _figure(slide, geometry, left, top, step - Emu(60000), arrow)
            chevron.fill.solid()
            _paint(chevron.fill.fore_color, palette.header if active else palette.soft_accent)
            chevron.line.fill.background()
            frame = chevron.text_frame
            frame.paragraphs[0].alignment = PP_ALIGN.CENTER
            colour = palette.on_header if active else palette.text
            _set_runs(frame.paragraphs[0], name, 18, bold=True, colour=colour, markdown=False)
            card = _figure(slide, "roundRect", left, card_top, step - Emu(160000), card_height)
            card.fill.solid()
            _paint(card.fill.fore_color, palette.stripe)
            _paint(card.line.color, palette.soft_accent)
            card.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            paragraphs = [(n, "none", False) for n in initiatives] or [("–", "none", False)]
            self._fit(slide, card, paragraphs, (16, 14, 12, 10))
            for paragraph in card.text_frame.paragraphs:
                for run in paragraph.runs:
                    _paint(run.font.color, palette.text)
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
