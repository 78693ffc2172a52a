"""WordprocessingML pieces the renderer fixes or adds: table grids, the table of contents,
core properties and settings.

They work on lxml elements of one part (or one block of the body), never on a whole
python-docx Document: the body is written as it is rendered, a block at a time.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, NamedTuple, cast

from lxml import etree

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def qn(name: str) -> str:
    """`w:tbl` as `{namespace}tbl`, as lxml names elements."""
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def element(tag: str, *children: Any, text: str | None = None, **attributes: str) -> Any:
    """A new element `tag` (e.g. `w:p`) with `children`, `text` and `w:`-style attributes."""
    made = etree.Element(qn(tag), nsmap={"w": NAMESPACES["w"]})
    for name, value in attributes.items():
        made.set(_attribute(name), value)
    made.extend(children)
    if text is not None:
        made.text = text
    return made


def _attribute(name: str) -> str:
    if name.startswith("xml:"):
        return f"{{http://www.w3.org/XML/1998/namespace}}{name[4:]}"
    return qn(name)


def whole(value: str | None, default: int, low: int = 0, high: int = 2**31 - 1) -> int:
    """A template attribute's whole number, within `low`..`high`; `default` when it is
    missing or malformed ('1.5', '', 'x'): a mistake in the template, which is rendered as
    well as it can be rather than stopped with a traceback."""
    text = (value or "").strip()
    if not text.lstrip("-").isdigit():
        return default
    return min(high, max(low, int(text)))


P, T, TBL, TR, TC = qn("w:p"), qn("w:t"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
TCPR, TCW, VAL, W_W, W_TYPE = qn("w:tcPr"), qn("w:tcW"), qn("w:val"), qn("w:w"), qn("w:type")
INSTR_TEXT = qn("w:instrText")
_TCW_PATH = f"{TCPR}/{TCW}"
_PSTYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"
_PPR, _PSTYLE_TAG, _GRID_SPAN_TAG = qn("w:pPr"), qn("w:pStyle"), qn("w:gridSpan")
# docxtpl's cellbg puts the shading before the width: only those need sorting
_SHADED_FIRST = etree.XPath("./w:tc/w:tcPr[w:shd/following-sibling::*]", namespaces=NAMESPACES)


# -- tables ---------------------------------------------------------------------------------


def text_sizes(styles: Any) -> dict[str, float]:
    """Each paragraph style's text size in points, following `basedOn` ("" for the default)."""
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    base = whole(default.get(VAL), 20, 1) / 2 if default is not None else 10.0
    own: dict[str, float] = {}
    parents: dict[str, str | None] = {}
    default_style = ""
    for style in styles.iter(qn("w:style")):
        if (style.get(qn("w:type")) or "paragraph") != "paragraph":  # the schema's default
            continue
        style_id = style.get(qn("w:styleId"))
        size = style.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        if size is not None:
            own[style_id] = whole(size.get(VAL), round(2 * base), 1) / 2
        based_on = style.find(qn("w:basedOn"))
        parents[style_id] = based_on.get(VAL) if based_on is not None else None
        if style.get(qn("w:default")) in ("1", "true"):
            default_style = style_id
    sizes: dict[str, float] = {}
    for style_id in parents:
        defining = _defining_style(style_id, parents, own)
        sizes[style_id] = own[defining] if defining is not None else base
    sizes[""] = sizes.get(default_style, base)
    return sizes


def _defining_style(style_id: str, parents: dict[str, str | None], own: Any) -> str | None:
    """The style that gives `style_id` a property: itself, else the nearest style it is based
    on that is in `own`; None when none is (a `basedOn` loop ends the search)."""
    current: str | None = style_id
    seen: set[str] = set()
    while current is not None and current not in own and current not in seen:
        seen.add(current)
        current = parents.get(current)
    return current if current is not None and current in own else None


def text_area(document: Any) -> tuple[float, float]:
    """The width and height a table or chart has, in twips: the narrowest and lowest of the
    document's sections between their margins (a chart in a portrait section is not made as
    wide as a landscape appendix after it). A section's columns do not count: a page of two
    columns somewhere would make every table of the document half as wide."""
    sections = document.findall(f".//{qn('w:sectPr')}") or [None]
    areas = [_section_area(section) for section in sections]
    return min(width for width, _ in areas), min(height for _, height in areas)


def _section_area(section: Any) -> tuple[float, float]:
    size = section.find(qn("w:pgSz")) if section is not None else None
    margins = section.find(qn("w:pgMar")) if section is not None else None

    def value(element: Any, name: str, default: int) -> int:
        found = element.get(qn(f"w:{name}")) if element is not None else None
        return abs(whole(found, default, -(2**31)))

    width = value(size, "w", 11906) - value(margins, "left", 1440) - value(margins, "right", 1440)
    height = value(size, "h", 16838) - value(margins, "top", 1440) - value(margins, "bottom", 1440)
    return float(width), float(height)


class PageLayout(NamedTuple):
    """What fitting a table needs to know of its document."""

    available: float  # the width between the margins, in twips
    text_sizes: dict[str, float]  # points, by paragraph style id ("" for the default style)
    height: float = 13958.0  # the height between the margins, in twips (A4, 2.5 cm margins)


class TableFit(NamedTuple):
    """How a table is made to fit: its columns' widths and the factor its cells are scaled by.

    `by_column` when columns were widened for their words: every cell then takes its
    column's width instead of being scaled.
    """

    widths: list[int]
    scale: float
    total: int
    by_column: bool = False

    @property
    def changes_rows(self) -> bool:
        return self.by_column or self.scale < 1.0


def table_fit(rows: list[Any], layout: PageLayout) -> TableFit | None:
    """The grid for a table from its widest row (None where the cells do not say).

    Word lays a table out by its cells' widths, LibreOffice by the grid; docxtpl's column
    loops add cells without touching the grid. Rewriting the grid from the widest row keeps
    both in agreement, and no table runs off the page. A column too narrow for its longest
    word gets room from columns that have some to spare (Swedish compounds are long:
    "Aktivitetsindikator" would otherwise break at whatever letter reaches the edge).
    """
    if not rows:
        return None
    widest = max((list(row.iterchildren(TC)) for row in rows), key=len)
    if any(_span(tc) > 1 for tc in widest):
        return None
    widths = [_cell_width(tc) for tc in widest]
    if not widths or None in widths:
        return None
    known = [w for w in widths if w is not None]
    total = sum(known)
    scale = min(1.0, layout.available / total) if total else 1.0
    scaled = [int(w * scale) for w in known]
    widened = _widened_for_words(scaled, rows, layout.text_sizes)
    if widened == scaled:
        return TableFit(scaled, scale, int(total * scale))
    return TableFit(widened, scale, sum(widened), by_column=True)


# Letter widths in em of the usual body fonts (Calibri, Carlito, Arial), a little generous:
# narrow letters, wide ones, capitals, and everything else.
_NARROW_LETTERS, _WIDE_LETTERS = frozenset("fijlrtI.,:;'!()[]|"), frozenset("mwMW%@")
_CELL_MARGINS = 200  # twips, left and right together (Word's default is 216, ours 170)
_WORD_BREAKS = re.compile(r"[ \t\n/\u2013-]+")  # no-break spaces join, as in "450 000 kr"


def _widened_for_words(widths: list[int], rows: list[Any], sizes: dict[str, float]) -> list[int]:
    """`widths` with room moved to columns narrower than their longest word."""
    needs = [0] * len(widths)
    for row in rows:
        column = 0
        for cell in row.iterchildren(TC):
            span = _span(cell)
            if span == 1 and column < len(needs):
                needs[column] = max(needs[column], _longest_word(cell, sizes, widths[column]))
            column += span
    short = [max(0, need - width) for need, width in zip(needs, widths, strict=True)]
    # a column gives at most a fifth of its width: the template's proportions mostly stay
    spare = [
        max(0, min(width - need, width // 5)) for need, width in zip(needs, widths, strict=True)
    ]
    moved = min(sum(short), sum(spare))
    if moved <= 0:
        return widths
    given = [width + moved * s // sum(short) for width, s in zip(widths, short, strict=True)]
    taken = [w - moved * s // sum(spare) for w, s in zip(given, spare, strict=True)]
    taken[taken.index(max(taken))] += sum(widths) - sum(taken)  # rounding: keep the total
    return taken


def _longest_word(cell: Any, sizes: dict[str, float], room: int) -> int:
    """The width in twips the cell's longest word needs, at its first paragraph's text size.

    0 when the cell's whole text, in the widest letters, fits in `room` anyway. Only the
    cell's own paragraphs count: a table inside it is fitted on its own.
    """
    paragraphs = list(cell.iterchildren(P))
    texts = ["".join(t.text or "" for t in paragraph.iter(T)) for paragraph in paragraphs]
    letters = sum(map(len, texts))
    if not letters:
        return 0
    twips_per_em = _points(paragraphs[0], sizes) * 20
    if letters * 0.8 * twips_per_em + _CELL_MARGINS <= room:
        return 0
    words = _WORD_BREAKS.split("\n".join(texts))
    most = max(map(len, words))
    # letters differ in width by less than half again: only the longest words can win
    ems = max(_width_in_em(word) for word in words if 2 * len(word) >= most)
    return round(ems * twips_per_em) + _CELL_MARGINS


def _points(paragraph: Any, sizes: dict[str, float]) -> float:
    """The text size of `paragraph`'s style, in points."""
    properties = _first_child(paragraph, _PPR)
    style = _first_child(properties, _PSTYLE_TAG) if properties is not None else None
    return sizes.get(style.get(VAL) if style is not None else "", sizes.get("", 11.0))


def _span(cell: Any) -> int:
    """How many grid columns `cell` spans."""
    properties = _first_child(cell, TCPR)
    span = _first_child(properties, _GRID_SPAN_TAG) if properties is not None else None
    return whole(span.get(VAL), 1, 1, 63) if span is not None else 1


def _first_child(parent: Any, tag: str) -> Any:
    """`parent`'s first `tag` child or None (lxml's `find` goes through Python, this not)."""
    return next(parent.iterchildren(tag), None)


def _width_in_em(word: str) -> float:
    return sum(
        0.3 if c in _NARROW_LETTERS else 0.8 if c in _WIDE_LETTERS else 0.6 if c.isupper() else 0.5
        for c in word
    )


def fit_rows(rows: list[Any], fit: TableFit) -> None:
    """Set or scale the rows' cell widths; put their cell properties in the schema's order."""
    for row in rows:
        if fit.by_column:
            column = 0
            for cell in row.iterchildren(TC):
                span = _span(cell)
                width = cell.find(_TCW_PATH)
                if width is not None and width.get(W_TYPE, "dxa") == "dxa":
                    width.set(W_W, str(sum(fit.widths[column : column + span])))
                column += span
        elif fit.scale < 1.0:
            for width in row.iter(TCW):
                value = width.get(W_W)
                if value:
                    width.set(W_W, str(int(whole(value, 0) * fit.scale)))
        shaded: list[Any] = _SHADED_FIRST(row)  # type: ignore[assignment]
        for properties in shaded:
            _schema_order(properties, _TCPR_RANK)


def fit_table_head(table: Any, fit: TableFit) -> None:
    """Rewrite the table's grid, width and layout (its rows are fitted by `fit_rows`)."""
    grid = table.find(qn("w:tblGrid"))
    if grid is None:
        grid = element("w:tblGrid")
        table.insert(1, grid)
    for column in list(grid):
        grid.remove(column)
    for width in fit.widths:
        grid.append(element("w:gridCol", **{"w:w": str(width)}))
    properties = table.find(qn("w:tblPr"))
    if properties is None:
        return
    for old in properties.findall(qn("w:tblW")) + properties.findall(qn("w:tblLayout")):
        properties.remove(old)
    properties.append(element("w:tblW", **{"w:w": str(fit.total), "w:type": "dxa"}))
    properties.append(element("w:tblLayout", **{"w:type": "fixed"}))
    _schema_order(properties, _TBLPR_RANK)


def finish_tables(block: Any, layout: PageLayout) -> bool:
    """Make every table in `block` (a whole, rendered piece of the body) whole, fitting and
    kept together; False when `block` itself is a table that rendered without rows.

    A table loop over an empty list leaves a table without rows, and a row loop over no
    columns a row without cells: Word refuses both, so they go.
    """
    for table in list(block.iter(TBL)):
        for row in list(table.iterchildren(TR)):
            if _first_child(row, TC) is None:
                table.remove(row)
        rows = list(table.iterchildren(TR))
        if not rows:
            if table is block:
                return False
            table.getparent().remove(table)
            continue
        complete_cells(table)
        fit = table_fit(rows, layout)
        if fit is not None:
            fit_rows(rows, fit)
            fit_table_head(table, fit)
        tall = {id(row) for row in rows if release_if_tall(row, layout)}
        for row in rows_kept_with_next(rows):
            if id(row) not in tall:
                keep_with_next(row)
    return True


_CANT_SPLIT = f"{qn('w:trPr')}/{qn('w:cantSplit')}"
# characters: a row with less text is not half a page tall even in a column of a centimetre
_SHORT_ROW = 150
_TEXT_LENGTH = etree.XPath("string-length(.)")  # 15 times as fast as joining itertext()


def release_if_tall(row: Any, layout: PageLayout) -> bool:
    """Let a row taller than half a page break across pages (True when it is that tall).

    Rows are kept whole so no half an actor starts a page; but a row nearly a page tall
    kept whole, and with the heading above kept with it, would leave the heading alone at
    the foot of the page before.
    """
    length = cast(float, _TEXT_LENGTH(row))
    if length < _SHORT_ROW or estimated_height(row, layout) * 2 <= layout.height:
        return False
    for flag in row.findall(_CANT_SPLIT):
        flag.getparent().remove(flag)
    return True


def estimated_height(row: Any, layout: PageLayout) -> float:
    """A generous guess of the row's height in twips, from its text and cell widths."""
    tallest = 0.0
    for cell in row.iterchildren(TC):
        width = _cell_width(cell) or layout.available
        height = 0.0
        for paragraph in cell.iter(P):
            points = _points(paragraph, layout.text_sizes)
            letters = sum(len(t.text or "") for t in paragraph.iter(T))
            per_line = max(1.0, (width - _CELL_MARGINS) / (points * 20 * 0.5))
            height += max(1, -(-letters // int(per_line))) * points * 20 * 1.25
        tallest = max(tallest, height)
    return tallest


_BLOCK_CONTENT = {P, TBL, qn("w:sdt"), qn("w:customXml"), qn("w:altChunk")}


def cells_complete(text: str) -> bool:
    """True if every table cell in serialised XML `text` ends with a paragraph (most rows:
    a test of the text, not a walk of the elements; False only says "look closer")."""
    ends = text.count("</w:tc>")
    return not ends or ends == text.count("</w:p></w:tc>") + text.count("<w:p/></w:tc>")


def complete_cells(element: Any) -> None:
    """End every table cell in `element` with the paragraph Word requires of it.

    A cell whose content rendered to nothing (`{{p text|md }}` of an empty text) would be a
    `w:tc` without a `w:p`, and one that ends with a nested table has none after it: Word
    refuses to open either (MS-OI29500 §2.1.168; LibreOffice shifts the row's cells instead).
    The paragraph added takes the style of the row's other text, so the row keeps its height.
    """
    for cell in list(element.iter(TC)):
        last = next((c for c in reversed(cell) if c.tag in _BLOCK_CONTENT), None)
        if last is not None and last.tag != TBL:
            continue
        paragraph = etree.SubElement(cell, P)
        row = cell.getparent()
        style = row.find(f".//{_PSTYLE}") if row is not None else None
        if style is not None:
            properties = etree.SubElement(paragraph, _PPR)
            etree.SubElement(properties, _PSTYLE_TAG).set(VAL, style.get(VAL, ""))


# Tables up to this many rows stay on one page; longer ones keep their head with the first
# rows and their last row (often a total) with the one before it.
ROWS_KEPT_WHOLE = 10
_KEEP_NEXT = qn("w:keepNext")
_TBL_HEADER = f"{qn('w:trPr')}/{qn('w:tblHeader')}"


def rows_kept_with_next(rows: list[Any]) -> list[Any]:
    """The rows of a table that must stay on the page of the row after them."""
    if len(rows) <= ROWS_KEPT_WHOLE:
        return rows[:-1]
    return [*head_rows_kept(rows), rows[-2]]


_TRPR, _TBLPREX, _TBL_HEADER_TAG = qn("w:trPr"), qn("w:tblPrEx"), qn("w:tblHeader")
_CANT_SPLIT_TAG = qn("w:cantSplit")
# CT_TrPr's children: tblHeader goes after these (the rest may follow it in any order)
_BEFORE_TBL_HEADER = {qn(f"w:{n}") for n in ("cnfStyle", "divId", "gridBefore", "gridAfter")}


_ROW_TAG = re.compile(r"^\{%-?\s*tr\b")  # docxtpl's {%tr for ... %}: a row that is a loop's


def give_header_rows(root: Any) -> None:
    """Make the first row of each of a template's tables its header, when none is and that
    row is the template's own: a PDF's table needs header cells (PDF/UA), and LibreOffice
    tags the cells of a repeated header row as such. A table whose first row is a loop's
    (`{%tr for %}`) has none: its first record would repeat on every page as a heading."""
    for table in root.iter(TBL):
        rows = list(table.iterchildren(TR))
        _keep_records_whole(rows)
        if not rows or any(row.find(_TBL_HEADER) is not None for row in rows):
            continue
        text = "".join(t.text or "" for t in rows[0].iter(T)).strip()
        if not _ROW_TAG.match(text):
            give_a_header_row(rows[0])


def _keep_records_whole(rows: list[Any]) -> None:
    """Keep each row a `{%tr for %}` loop repeats on one page (a record split by a page
    break left a blank row under the repeated header); one taller than half a page is
    released when rendered (`release_if_tall`)."""
    depth = 0
    for row in rows:
        text = "".join(t.text or "" for t in row.iter(T)).strip()
        if _ROW_TAG.match(text):
            depth += -1 if re.match(r"^\{%-?\s*tr\s+end", text) else 1
        elif depth > 0 and row.find(_CANT_SPLIT) is None:
            _add_row_property(row, _CANT_SPLIT_TAG)


def give_a_header_row(first: Any) -> None:
    """Make `first` a repeated header row."""
    _add_row_property(first, _TBL_HEADER_TAG)


def _add_row_property(row: Any, tag: str) -> None:
    """Give `row` the on/off property `tag` (`w:tblHeader`, `w:cantSplit`)."""
    properties = _first_child(row, _TRPR)
    if properties is None:
        properties = etree.Element(_TRPR)
        row.insert(1 if len(row) and row[0].tag == _TBLPREX else 0, properties)
    at = sum(1 for child in properties if child.tag in _BEFORE_TBL_HEADER)
    properties.insert(at, etree.Element(tag))


def head_rows_kept(rows: list[Any]) -> list[Any]:
    """The repeated header rows and the two rows after them: a head never stands alone."""
    heads = 0
    while heads < len(rows) and rows[heads].find(_TBL_HEADER) is not None:
        heads += 1
    return rows[: heads + 2]


def keep_with_next(row: Any) -> None:
    """Keep `row` on the same page as the next one: Word and LibreOffice do so for a row
    whose every paragraph is kept with the next."""
    for paragraph in row.iter(P):
        properties = _first_child(paragraph, _PPR)
        if properties is None:
            properties = etree.Element(_PPR)
            paragraph.insert(0, properties)
        if _first_child(properties, _KEEP_NEXT) is not None:
            continue
        style = _first_child(properties, _PSTYLE_TAG)
        properties.insert(0 if style is None else 1, etree.Element(_KEEP_NEXT))


# Word rejects a document whose elements are out of the schema's order (ECMA-376 part 1).
_TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)
CELL_PROPERTY_ORDER = (  # CT_TcPr's children, in the schema's order
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
)
_TBLPR_RANK = {qn(f"w:{name}"): index for index, name in enumerate(_TBLPR_ORDER)}
_TCPR_RANK = {qn(f"w:{name}"): index for index, name in enumerate(CELL_PROPERTY_ORDER)}


# Run and paragraph properties in the schema's order (ECMA-376 part 1, CT_RPr and CT_PPrBase):
# LibreOffice writes some out of it (a colour after a size), which Word's schema refuses.
_RPR_ORDER = (
    *("ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps"),
    *("smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof"),
    *("snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz"),
    *("szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs"),
    *("em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange"),
)
_PPR_ORDER = (
    *("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr"),
    *("suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku"),
    *("wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi"),
    *("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents"),
    *("suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap"),
    *("outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
)
_PROPERTY_RANKS = {
    qn(f"w:{kind}"): {qn(f"w:{name}"): index for index, name in enumerate(order)}
    for kind, order in (
        ("rPr", _RPR_ORDER),
        ("pPr", _PPR_ORDER),
        ("tcPr", CELL_PROPERTY_ORDER),
        ("tblPr", _TBLPR_ORDER),
    )
}


_DELETED = (qn("w:del"), qn("w:moveFrom"))
_INSERTED = (qn("w:ins"), qn("w:moveTo"))
_RUN_LEVEL = (qn("w:p"), qn("w:hyperlink"), qn("w:sdtContent"), qn("w:smartTag"), qn("w:fldSimple"))


def unwrap_smart_tags(root: Any) -> None:
    """Keep a smart tag's runs and drop the tag (Word 2003's "Smart Tags"): Microsoft 365
    no longer accepts the element, and the runs are what it marked."""
    for tag in list(root.iter(qn("w:smartTag"))):
        parent = tag.getparent()
        if parent is None:
            continue
        index = parent.index(tag)
        for child in reversed([c for c in tag if c.tag != qn("w:smartTagPr")]):
            parent.insert(index, child)
        _remove_keeping_tail(tag)


def accept_tracked_changes(root: Any) -> None:
    """Accept the changes tracked in a template: deleted text goes, inserted text stays.

    A tag deleted with Track Changes on is still in the XML (`w:delText`); read as live, a
    misspelt tag the author had deleted was reported as unknown.
    """
    for element in list(root.iter(*_DELETED)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag in _RUN_LEVEL or element.find(qn("w:r")) is not None:
            _remove_keeping_tail(element)
        else:  # a mark on a property list (a deleted paragraph mark): the mark alone goes
            parent.remove(element)
    for element in list(root.iter(*_INSERTED)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag in _RUN_LEVEL or element.find(qn("w:r")) is not None:
            index = parent.index(element)
            for child in reversed(list(element)):
                parent.insert(index, child)
            _remove_keeping_tail(element)
        else:
            parent.remove(element)


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def put_properties_in_order(root: Any) -> None:
    """Sort every run, paragraph, cell and table property list under `root` into the schema's
    order, each property once, as Word wants it (a template saved by LibreOffice has some out
    of order, and some twice)."""
    for properties in root.iter(*_PROPERTY_RANKS):
        rank = _PROPERTY_RANKS[properties.tag]
        seen: set[str] = set()
        for child in list(properties):
            if child.tag in rank and child.tag in seen:
                properties.remove(child)
            seen.add(child.tag)
        _schema_order(properties, rank)


def _schema_order(parent: Any, rank: dict[str, int]) -> None:
    """Sort `parent`'s children into the schema's order (unknown ones last, kept in order)."""
    children = list(parent)
    ordered = sorted(children, key=lambda child: rank.get(child.tag, len(rank)))
    if ordered != children:
        for child in ordered:
            parent.append(child)


def _cell_width(tc: Any) -> int | None:
    width = tc.find(_TCW_PATH)
    if width is None or width.get(W_TYPE, "dxa") != "dxa":
        return None
    found = width.get(W_W) or ""
    return int(found) if found.isdigit() else None  # none, or a template's malformed one


# -- headings and the table of contents -----------------------------------------------------


def heading_levels(styles: Any) -> dict[str, int]:
    """Map each paragraph style id that is, or is based on, "Heading N" to N.

    An outline level set on the way wins, as in Word: "TOC Heading" is based on Heading 1 but
    sets body text (9), so the table of contents's own heading is not listed in it.
    """
    names, parents, outline = {}, {}, {}
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        style_id = style.get(qn("w:styleId"))
        name = style.find(qn("w:name"))
        based_on = style.find(qn("w:basedOn"))
        level = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        names[style_id] = (name.get(VAL) if name is not None else "").lower()
        parents[style_id] = based_on.get(VAL) if based_on is not None else None
        if level is not None and (level.get(VAL) or "").isdigit():
            outline[style_id] = int(level.get(VAL) or 9)
    levels: dict[str, int] = {}
    for style_id in names:
        current, seen = style_id, set()
        while current in names and current not in seen:
            seen.add(current)
            name = names[current]
            if current in outline:
                if outline[current] < 9:
                    levels[style_id] = outline[current] + 1
                break
            if name.startswith("heading ") and name[8:].isdigit():
                levels[style_id] = int(name[8:])
                break
            current = parents[current]
    return levels


def toc_styles(styles: Any) -> dict[int, str]:
    """Map N to the id of the paragraph style named "toc N", the style of a TOC's entries.

    Word stores built-in names in English whatever its language; the ids differ (Word's
    `TOC1`, a Swedish Word's `Innehll1`, LibreOffice's `Contents1`).
    """
    found: dict[int, str] = {}
    for style in styles.iter(qn("w:style")):
        name = style.find(qn("w:name"))
        text = (name.get(VAL) or "").lower() if name is not None else ""
        if (
            style.get(qn("w:type")) == "paragraph"
            and text.startswith("toc ")
            and text[4:].isdigit()
        ):
            found.setdefault(int(text[4:]), style.get(qn("w:styleId")))
    return found


def styles_in_use(by_id: dict[str, Any], used: list[str]) -> set[str]:
    """The ids of the styles in `used`, with every style they are based on (of `by_id`)."""
    wanted, found = list(used), set()
    while wanted:
        style_id = wanted.pop()
        if style_id in found or style_id not in by_id:
            continue
        found.add(style_id)
        based_on = by_id[style_id].find(qn("w:basedOn"))
        if based_on is not None:
            wanted.append(based_on.get(VAL))
    return found


class HeadingNumbering(NamedTuple):
    """How a template numbers headings by their styles (ours: 1, 1.1): each numbered style's
    list and level, and each level's text (`%1.%2`), format and first number."""

    styles: dict[str, tuple[str, int]]
    levels: dict[tuple[str, int], tuple[str, str, int]]


NO_NUMBERING = HeadingNumbering({}, {})


def heading_numbering(styles: Any, numbering: Any | None) -> HeadingNumbering:
    """Read `HeadingNumbering` from the styles and numbering parts (None: no numbering)."""
    lists: dict[str, str] = {}  # numId -> abstractNumId
    levels: dict[tuple[str, int], tuple[str, str, int]] = {}
    linked: dict[str, int] = {}  # a level's own pStyle -> the level
    if numbering is not None:
        formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        for abstract in numbering.iter(qn("w:abstractNum")):
            for lvl in abstract.iter(qn("w:lvl")):
                level = whole(lvl.get(qn("w:ilvl")), 0, 0, 8)
                text, fmt, start, style = (
                    lvl.find(qn(f"w:{n}")) for n in ("lvlText", "numFmt", "start", "pStyle")
                )
                formats[(abstract.get(qn("w:abstractNumId")) or "", level)] = (
                    text.get(VAL) or "" if text is not None else "",
                    fmt.get(VAL) or "" if fmt is not None else "decimal",
                    whole(start.get(VAL), 1) if start is not None else 1,
                )
                if style is not None:
                    linked[style.get(VAL) or ""] = level
        for num in numbering.iter(qn("w:num")):
            abstract_id = num.find(qn("w:abstractNumId"))
            if abstract_id is not None:
                lists[num.get(qn("w:numId")) or ""] = abstract_id.get(VAL) or ""
        levels = {
            (num_id, level): value
            for num_id, abstract in lists.items()
            for (owner, level), value in formats.items()
            if owner == abstract
        }
    own: dict[str, tuple[str | None, int | None]] = {}
    parents: dict[str, str | None] = {}
    for style in styles.iter(qn("w:style")):
        style_id = style.get(qn("w:styleId")) or ""
        based_on = style.find(qn("w:basedOn"))
        parents[style_id] = based_on.get(VAL) if based_on is not None else None
        num_pr = style.find(f"{_PPR}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id, ilvl = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            own[style_id] = (
                num_id.get(VAL) if num_id is not None else None,
                whole(ilvl.get(VAL), 0, 0, 8) if ilvl is not None else None,
            )
    numbered: dict[str, tuple[str, int]] = {}
    for style_id in parents:
        defining = _defining_style(style_id, parents, own)
        if defining is None:
            continue
        num_id, ilvl = own[defining]
        level = ilvl if ilvl is not None else linked.get(style_id, 0)
        if num_id and num_id != "0" and (num_id, level) in levels:
            numbered[style_id] = (num_id, level)
    return HeadingNumbering(numbered, levels)


class HeadingCounter:
    """Numbers the headings of a body as Word does, one paragraph after the other."""

    def __init__(self, numbering: HeadingNumbering) -> None:
        self.numbering = numbering
        self.counts: dict[str, list[int]] = {}

    def number(self, paragraph: Any) -> str:
        """`paragraph`'s number (`2.3`) if its style numbers it, counted; else ``."""
        style = paragraph.find(_PSTYLE)
        numbered = self.numbering.styles.get(style.get(VAL) if style is not None else "")
        num_pr = paragraph.find(f"{_PPR}/{qn('w:numPr')}")
        if num_pr is not None:  # the paragraph's own numbering wins (numId 0: none)
            num_id, ilvl = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            if num_id is not None:
                level = whole(ilvl.get(VAL), 0, 0, 8) if ilvl is not None else 0
                numbered = (num_id.get(VAL) or "", level)
        if numbered is None or numbered not in self.numbering.levels:
            return ""
        num_id, level = numbered
        counts = self.counts.setdefault(num_id, [0] * 9)
        start = self.numbering.levels[numbered][2]
        counts[level] = counts[level] + 1 if counts[level] else start
        counts[level + 1 :] = [0] * (8 - level)
        text, fmt, _ = self.numbering.levels[numbered]
        if fmt != "decimal":
            return ""  # Word writes other formats when it updates the table of contents

        def count(match: re.Match[str]) -> str:
            deeper = int(match.group(1)) - 1
            if not 0 <= deeper < len(counts):  # '%12': no such level; Word shows it as typed
                return match.group(0)
            shown = counts[deeper] or self.numbering.levels.get((num_id, deeper), ("", "", 1))[2]
            return str(shown)

        return re.sub(r"%([1-9])", count, text)


class Heading(NamedTuple):
    """A heading of the body, bookmarked for its entry in the table of contents; `number` is
    the number its style gives it (`1.2`), if any."""

    bookmark: str
    level: int
    text: str
    number: str = ""


def is_table_of_contents(paragraph: Any) -> bool:
    """Whether `paragraph` holds the start of a TOC field."""
    return any(i.text and " TOC " in f" {i.text.strip()} " for i in paragraph.iter(INSTR_TEXT))


_FLD_CHAR, _FLD_CHAR_TYPE = qn("w:fldChar"), qn("w:fldCharType")
SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")


def table_of_contents_control(block: Any) -> list[Any] | None:
    """The blocks inside `block` if it is a content control around a table of contents.

    Word (2007 on) and LibreOffice keep a TOC in a content control (`w:sdt`); unwrapped, the
    TOC field is found as in a template that has it bare.
    """
    if block.tag != SDT:
        return None
    content = block.find(_SDT_CONTENT)
    if content is None or not any(is_table_of_contents(p) for p in content.iter(P)):
        return None
    return list(content)


def open_fields(block: Any) -> int:
    """How many fields begun in `block` it leaves open (negative: how many it closes).

    A TOC that Word or LibreOffice filled spans paragraphs: its begin in the first, its
    stale entries (with their own PAGEREF fields) in the next ones, its end in the last.
    """
    depth = 0
    for mark in block.iter(_FLD_CHAR):
        kind = mark.get(_FLD_CHAR_TYPE)
        depth += 1 if kind == "begin" else -1 if kind == "end" else 0
    return depth


def heading_level(paragraph: Any, levels: dict[str, int]) -> int | None:
    """The outline level of `paragraph` if its style is a heading's (see `heading_levels`)."""
    style = paragraph.find(_PSTYLE) if paragraph.tag == P else None
    return levels.get(style.get(VAL)) if style is not None else None


_VISIBLE = (T, qn("w:drawing"), qn("w:pict"), qn("w:object"), qn("w:fldChar"))


def is_blank(paragraph: Any) -> bool:
    """Whether `paragraph` shows nothing: no text, no picture, no field."""
    return paragraph.tag == P and not any(e.tag != T or e.text for e in paragraph.iter(*_VISIBLE))


INTRODUCTION = 300  # characters: a paragraph this short before a table introduces it


def introduces(paragraph: Any, following: Any, levels: dict[str, int]) -> bool:
    """Whether `paragraph` belongs on the page of what follows it, as a heading does.

    A paragraph ending in a colon introduces the list or table after it. And LibreOffice
    leaves a heading alone at a page's foot when a blank paragraph (the space after a
    table) stands before it, unless that one keeps with it too.
    """
    if is_blank(paragraph):
        return bool(heading_level(following, levels))
    text = "".join(t.text or "" for t in paragraph.iter(T)).rstrip()
    # a colon introduces what follows; so does a sentence or two right before a table
    return text.endswith(":") or (following.tag == TBL and 0 < len(text) <= INTRODUCTION)


def bookmark_heading(
    paragraph: Any, levels: dict[str, int], number: int, deepest: int = 2, label: str = ""
) -> Heading | None:
    """Bookmark `paragraph` if it is a heading the TOC lists; return it as a `Heading`
    numbered `label`."""
    level = heading_level(paragraph, levels)
    if not level or level > deepest:
        return None
    text = "".join(t.text or "" for t in paragraph.iter(T)).strip()
    if not text:
        return None
    name = f"_Toc{number:08d}"
    start = element("w:bookmarkStart", **{"w:id": str(9000 + number), "w:name": name})
    end = element("w:bookmarkEnd", **{"w:id": str(9000 + number)})
    properties = paragraph.find(qn("w:pPr"))
    paragraph.insert(0 if properties is None else 1, start)
    paragraph.append(end)
    return Heading(name, level, text, label)


def table_of_contents(
    toc_paragraph: Any, headings: list[Heading], styles: dict[int, str]
) -> list[Any]:
    """The TOC field filled with one entry per heading, as Word itself stores a TOC.

    Each entry has a PAGEREF field to its heading's bookmark: Word refreshes the whole field
    on open (w:updateFields), and LibreOffice, which does not, still computes the page
    numbers of PAGEREF fields when it lays out the document, so a PDF shows a complete TOC.
    """
    if not headings:
        if open_fields(toc_paragraph) > 0:  # its stale entries and end were left out
            toc_paragraph.append(element("w:r", element("w:fldChar", **{"w:fldCharType": "end"})))
        return [toc_paragraph]
    entries = list(
        etree.fromstring(_TOC_ENTRIES.format("".join(_toc_entry(h, styles) for h in headings)))
    )
    runs = list(toc_paragraph.iter(qn("w:r")))
    # keep begin, instruction and separate in the first entry; end after the last one
    separate = next((i for i, run in enumerate(runs) if _field_mark(run) == "separate"), None)
    if separate is None:  # a field typed without a result: begin, instruction, end
        separate = max(i for i, run in enumerate(runs) if run.find(INSTR_TEXT) is not None)
        runs.insert(
            separate + 1, element("w:r", element("w:fldChar", **{"w:fldCharType": "separate"}))
        )
        separate += 1
    first_properties = entries[0][0]  # its w:pPr
    for run in reversed(runs[: separate + 1]):
        first_properties.addnext(run)
    entries[-1].append(element("w:r", element("w:fldChar", **{"w:fldCharType": "end"})))
    return entries


def _field_mark(run: Any) -> str | None:
    """`begin`, `separate` or `end` if `run` marks a field's part, else None."""
    mark = run.find(_FLD_CHAR)
    return mark.get(_FLD_CHAR_TYPE) if mark is not None else None


# One entry as Word writes it: the heading's number and a tab, its text, a tab, and a PAGEREF
# field to its bookmark. Written as text and parsed at once: a table of contents of a long
# plan is over a thousand elements, four times as fast to make this way as one at a time.
_TOC_ENTRIES = f'<w:body xmlns:w="{NAMESPACES["w"]}">{{}}</w:body>'
_TOC_ENTRY = (
    '<w:p><w:pPr>{style}</w:pPr><w:hyperlink w:anchor={anchor} w:history="1">{number}'
    "<w:r><w:t>{text}</w:t></w:r><w:r><w:tab/></w:r>"
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGEREF {bookmark} \\h </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>'
)


def _toc_entry(heading: Heading, styles: dict[int, str]) -> str:
    style = styles.get(heading.level)  # a template without TOC styles: plain entries
    return _TOC_ENTRY.format(
        style=f'<w:pStyle w:val="{escape(style)}"/>' if style else "",
        anchor=f'"{escape(heading.bookmark)}"',
        bookmark=escape(heading.bookmark),
        number=(
            f"<w:r><w:t>{escape(heading.number)}</w:t></w:r><w:r><w:tab/></w:r>"
            if heading.number
            else ""
        ),
        text=escape(heading.text),
    )


# -- settings and core properties -----------------------------------------------------------

_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def ask_word_to_update_fields(settings: Any) -> None:
    """Set w:updateFields so Word fills the table of contents and page counts on open."""
    found = settings.find(qn("w:updateFields"))
    if found is None:
        found = element("w:updateFields")
        later = {qn(f"w:{name}") for name in _SETTINGS_AFTER_UPDATE_FIELDS}
        successor = next((child for child in settings if child.tag in later), None)
        if successor is None:
            settings.append(found)
        else:
            successor.addprevious(found)
    found.set(VAL, "true")


CORE_PROPERTIES_ORDER = (
    "dc:title",
    "dc:subject",
    "dc:creator",
    "cp:keywords",
    "dc:description",
    "cp:lastModifiedBy",
    "cp:revision",
    "dcterms:created",
    "dcterms:modified",
    "dc:language",
)


def set_core_property(core: Any, name: str, value: str) -> None:
    """Set one core property (e.g. `dc:title`), adding the element where it is missing."""
    tag = qn(name)
    found = core.find(tag)
    if found is None:
        found = etree.SubElement(core, tag)
    if name.startswith("dcterms:"):
        found.set(f"{{{NAMESPACES['xsi']}}}type", "dcterms:W3CDTF")
    found.text = value


_AFTER_LANG = {qn("w:eastAsianLayout"), qn("w:specVanish"), qn("w:oMath")}


def set_proofing_language(styles: Any, tag: str) -> None:
    """Make `tag` (`sv-SE`) the language of the document's text, where no style says another.

    Word checks spelling and hyphenates by it: python-docx's starting styles say `en-US`, so
    every Swedish word was marked as misspelt.
    """
    defaults = _get_or_add(styles, "w:docDefaults", first=True)
    properties = _get_or_add(_get_or_add(defaults, "w:rPrDefault", first=True), "w:rPr")
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = element("w:lang")
        later = next((c for c in properties if c.tag in _AFTER_LANG), None)
        if later is None:
            properties.append(lang)
        else:
            later.addprevious(lang)
    lang.set(VAL, tag)


def _get_or_add(parent: Any, tag: str, *, first: bool = False) -> Any:
    """`parent`'s `tag` child, added (first or last) when it has none."""
    found = parent.find(qn(tag))
    if found is None:
        found = element(tag)
        parent.insert(0 if first else len(parent), found)
    return found


def empty_core_properties() -> Any:
    """A core properties part with nothing in it, for a template that has none."""
    names = {key: NAMESPACES[key] for key in ("cp", "dc", "dcterms", "xsi")}
    return etree.Element(qn("cp:coreProperties"), nsmap=names)


_XMLNS = re.compile(r' xmlns(?::([\w.-]+))?="([^"]*)"')
_DECLARATIONS = re.compile(r'<[\w:.-]+((?: xmlns(?::[\w.-]+)?="[^"]*")+)')


def serialise(block: Any, declared: dict[str | None, str], seen: dict[str, str]) -> str:
    """`block` as XML text, without the namespace declarations its document root makes.

    lxml declares every namespace in scope on an element serialised on its own; in the body
    that would repeat them on every paragraph and row. `seen` keeps what each run of
    declarations becomes, as the same ones repeat on every block.
    """
    text: str = etree.tostring(block, encoding="unicode", with_tail=False)
    match = _DECLARATIONS.match(text)
    if match is None:
        return text
    found = match.group(1)
    kept = seen.get(found)
    if kept is None:
        kept = seen[found] = _XMLNS.sub(
            lambda m: "" if declared.get(m.group(1)) == m.group(2) else m.group(0), found
        )
    return text[: match.start(1)] + kept + text[match.end(1) :]
