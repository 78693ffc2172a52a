"""A PowerPoint template's layouts: read, scored and chosen for each kind of slide.

Every layout of every master is rated for each kind of slide (cover, section, content, two
columns, table, title only, closing) by its placeholders' kind and idx and where they sit on
the slide and to each other; names only break ties. A template that lacks what a kind needs
gets a fallback (text boxes in the free area), and one re-saved by LibreOffice (a master per
layout, bodies as `<p:ph/>`) is read as its author made it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from klusterdocs.errors import TemplateError
from klusterdocs.render.theme import NS_A, NS_P

KINDS = ("title", "section", "content", "two_columns", "table", "title_only", "closing")
_FOOTERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
_TEXT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT}
_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


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


def _title_trouble(shape: Any, slide: Rect) -> str:
    """Why a layout's title is no place for a title of ours."""
    rect = _on_slide(_rect(shape), slide)
    if rect is None:
        return "off the slide"
    if not rect.area:
        return "without a size"
    if round(shape.rotation) % 360:
        return "turned"
    return "vertical"


def _on_slide(rect: Rect, slide: Rect) -> Rect | None:
    """The part of `rect` on the slide; None when most of it is off the slide (a layout
    made for another slide size and never scaled)."""
    if not slide.area:
        return rect
    left, top = max(rect.left, 0), max(rect.top, 0)
    right, bottom = min(rect.right, slide.width), min(rect.bottom, slide.height)
    if right <= left or bottom <= top:
        return None if rect.area else rect  # a zero-size placeholder is judged as such
    clipped = Rect(left, top, right - left, bottom - top)
    return clipped if 2 * clipped.area >= rect.area else None


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
    clipped = False  # a place cut to the slide: a slide's placeholders are set to the places
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type
        rect = _on_slide(_rect(shape), slide)
        if rect is None:  # (mostly) off the slide: a slide made on it would not show its text
            others += kind not in _FOOTERS
            continue
        clipped = clipped or (rect != _rect(shape) and kind not in _FOOTERS)
        place = _Place(int(shape.placeholder_format.idx), rect)
        # text that runs up or down the slide, or is turned: not where our text goes
        vertical = (
            (shape.element.ph_orient or "horz") != "horz"
            or _vertical_text(shape)
            or bool(round(shape.rotation) % 360)
        )
        if kind in _FOOTERS:
            if place.rect.top > slide.height // 2:
                footer_top = min(footer_top, place.rect.top)
        elif kind in _TITLES and title is None and not vertical and place.rect.area:
            title = _Place(place.idx, place.rect, kind == PP_PLACEHOLDER.CENTER_TITLE)
        elif kind in _TEXT and not vertical and place.rect.area:
            bodies.append(place)
        elif kind == PP_PLACEHOLDER.SUBTITLE and subtitle is None and not vertical and rect.area:
            subtitle = place
        elif kind == PP_PLACEHOLDER.TABLE and table is None:
            table = place
        else:
            others += 1
    bodies.sort(key=lambda p: (p.rect.top // (slide.height // 10 or 1), p.rect.left))
    plan = Plan(
        layout, master, slide, title, tuple(bodies), subtitle, table, others, footer_top, clipped
    )
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
        properties = element.find(f".//{NS_A}bodyPr")
        if properties is not None and len(properties):
            return properties.find(f"{NS_A}spAutoFit") is not None
    return False


def _written_by_libreoffice(presentation: Any) -> bool:
    for part in presentation.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            return b"LibreOffice" in part.blob
    return False


def _vertical_text(shape: Any) -> bool:
    body = shape.element.find(f".//{NS_A}bodyPr")
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
        name = master.element.find(f"{NS_P}cSld").get("name") or _theme_name(master)
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
            troubles = sorted(
                {
                    _title_trouble(shape, slide)
                    for master in presentation.slide_masters
                    for layout in master.slide_layouts
                    for shape in layout.placeholders
                    if shape.placeholder_format.type in _TITLES
                }
            )
            if troubles:  # every title there is runs up or down the slide, or cannot be seen
                raise TemplateError(
                    f"the template's titles are all {' or '.join(troubles)} (its layouts are "
                    f"{names}); klusterdocs writes titles across the slide: give one "
                    "layout a horizontal title on the slide in PowerPoint's slide master view"
                )
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
            pair = _side_by_side(plan)
            if pair is not None and len(plan.bodies) == 2:  # two columns: the text spans both
                left, right = (p.rect for p in pair)
                top, bottom = min(left.top, right.top), max(left.bottom, right.bottom)
                both = Rect(left.left, top, right.right - left.left, bottom - top)
                note = "a layout of two columns: the text spans both"
                return Choice("content", plan, (both,), (pair[0].idx,), note, resized=True)
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


def add_view_properties(presentation: Any) -> None:
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


def fix_placeholder_ids(presentation: Any) -> None:
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
