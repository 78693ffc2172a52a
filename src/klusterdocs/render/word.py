"""Render a Word template (docxtpl) with a context into a .docx, safely.

docxtpl's defaults are unsafe for user text: without autoescape an `&` or `<` makes invalid XML,
which docxtpl then "recovers" by silently dropping text. Here every template renders in a
sandboxed Jinja environment with autoescape and StrictUndefined, and the file is written
atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import re
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from klusterdocs.errors import TemplateError, display_path
from klusterdocs.output import atomic_path, normalise_zip
from klusterdocs.render.markup import bullet_list, markdown_paragraphs, rich_runs


@dataclass(frozen=True)
class Properties:
    """Core properties of the written document (File > Properties in Word)."""

    title: str
    subject: str
    author: str
    language: str
    keywords: str
    created: dt.datetime


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, remembering each compiled template: a batch compiles a template once."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.filters["md"] = markdown_paragraphs
        self.filters["bullets"] = bullet_list
        self.filters["rich"] = rich_runs
        self._compiled: dict[bytes, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = hashlib.sha256(source.encode("utf-8")).digest()
        if key not in self._compiled:
            self._compiled[key] = super().from_string(source)
        return self._compiled[key]


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment every Word template renders in (one per process)."""
    return _Environment()


def _template_error(template: Path, exc: Exception) -> TemplateError:
    name = display_path(template)
    if isinstance(exc, SecurityError):
        return TemplateError(f"{name}: refused: the template reaches for something unsafe ({exc})")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{name}: unknown field: {exc.message}")
    near = " ".join(line.strip() for line in getattr(exc, "docx_context", []) if line.strip())
    where = f" near: {near[:120]!r}" if near else ""
    message = getattr(exc, "message", None) or str(exc)
    return TemplateError(f"{name}: template error: {message}{where}")


MAX_OUTPUT_CHARACTERS = 512 * 2**20  # a 20,000-actor analysis is about 67 million
RENDER_SECONDS = 600


@contextlib.contextmanager
def _time_limit(template: Path, seconds: int) -> Iterator[None]:
    """Stop a render that runs longer than `seconds` (where timer signals are available)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise TemplateError(
            f"{display_path(template)}: rendering took more than {seconds} s; a loop without end?"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_TAG_CONTENT = re.compile(r"(?<=\{[{%])(.*?)(?=[}%]\})")
_TEXT_WITH_BREAKS = re.compile(r"<w:t(?: [^>]*)?>([^<]*[\n\t][^<]*)</w:t>")


def _breaks_and_tabs(match: re.Match[str]) -> str:
    text = match.group(1).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    text = text.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{text}</w:t>'


class Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, with the rendered body parsed into the document in linear time.

    docxtpl parses the rendered body on its own (forgivingly: `recover=True` drops what is not
    well-formed) and then moves it into the document, which makes lxml reconcile namespaces
    node by node: quadratic on big tables. Here the body is parsed strictly, once, as part of a
    whole new document element that replaces the old one, so nothing is moved and nothing
    malformed is silently dropped. (The tables' grids are redone by `fit_tables`.)
    """

    def patch_xml(self, src_xml: str) -> str:
        """docxtpl's clean-up, then every XML entity inside a tag unescaped.

        docxtpl unescapes only a few (`&lt;`, `&gt;`); LibreOffice saves an apostrophe as
        `&apos;`, which breaks `{{ x|md('TableText') }}` in a template saved there.
        """
        patched = super().patch_xml(src_xml)
        return _TAG_CONTENT.sub(lambda m: html.unescape(m.group(0)), patched)

    def fix_tables(self, xml: str) -> Any:
        from docx.oxml.parser import parse_xml

        old = etree.tostring(self.docx.element, encoding="unicode")
        start, end = old.index("<w:body"), old.rindex("</w:body>") + len("</w:body>")
        root: Any = parse_xml((old[:start] + xml + old[end:]).encode("utf-8"))
        self._new_root = root
        return root.body

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        """docxtpl's rendering of one part, with a bound on how much text it may produce."""
        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        self.current_rendering_part = part
        try:
            template = jinja_env.from_string(src_xml)
            pieces, size = [], 0
            for piece in template.generate(context):
                size += len(piece)
                if size > MAX_OUTPUT_CHARACTERS:
                    name = display_path(Path(self.template_file))
                    raise TemplateError(
                        f"{name}: the template produces more than "
                        f"{MAX_OUTPUT_CHARACTERS // 2**20} million characters; a loop without end?"
                    )
                pieces.append(piece)
        except jinja2.TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            if lineno is not None:  # the text around the error, as docxtpl reports it
                first = max(lineno - 4, 0)
                lines = src_xml.splitlines()[first : first + 7]
                setattr(exc, "docx_context", [re.sub(r"<[^>]+>", "", x) for x in lines])  # noqa: B010
            raise
        # docxtpl also turns "{_{" into "{{" here, over the output, user text included; a
        # template prints braces the Jinja way instead: {{ '{{' }}
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", "".join(pieces))
        return self.resolve_listing(xml)

    def resolve_listing(self, xml: str) -> str:
        """Turn line feeds and tabs in text into Word breaks and tabs, in one pass.

        docxtpl walks every paragraph and run with nested regular expressions (most of the
        render time of a big document). The context never holds the other characters it
        handles (clean_text removes them), and a break or tab may stand inside the same run.
        """
        return _TEXT_WITH_BREAKS.sub(_breaks_and_tabs, xml)

    def fix_docpr_ids(self, tree: Any) -> None:
        for element in tree.iter(qn("wp:docPr")):  # drawings: ids must be unique
            self.docx_ids_index += 1
            element.set("id", str(self.docx_ids_index))

    def map_tree(self, tree: Any) -> None:
        self.docx.part._element = self._new_root
        self.docx._element = self._new_root
        self.docx._Document__body = None


def render_docx(
    template: Path, context: dict[str, Any], target: Path, properties: Properties
) -> None:
    """Render `template` with `context` and write it to `target` (atomically)."""
    try:
        document = Template(str(template))
        with _time_limit(template, RENDER_SECONDS):
            document.render(context, environment(), autoescape=True)
    except (jinja2.TemplateError, SecurityError) as exc:
        raise _template_error(template, exc) from None
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            f"{display_path(template)}: the rendered document is not well-formed XML ({exc})"
        ) from None
    except (KeyError, ValueError, OSError) as exc:
        raise TemplateError(
            f"{display_path(template)}: not a usable Word template ({exc})"
        ) from None
    docx = document.docx
    core = docx.core_properties
    core.title, core.subject, core.author = properties.title, properties.subject, properties.author
    core.language, core.keywords = properties.language, properties.keywords
    core.created = core.modified = properties.created
    core.last_modified_by, core.revision = properties.author, 1
    fit_tables(docx)
    fill_table_of_contents(docx)
    _ask_word_to_update_fields(docx)
    with atomic_path(target) as temporary:
        document.save(str(temporary))
        normalise_zip(temporary)


def _ask_word_to_update_fields(docx: Any) -> None:
    """Set w:updateFields so Word fills the table of contents and page counts on open."""
    settings = docx.settings.element
    element = settings.find(qn("w:updateFields"))
    if element is None:
        element = _element("w:updateFields")
        later = {qn(f"w:{name}") for name in _SETTINGS_AFTER_UPDATE_FIELDS}
        successor = next((child for child in settings if child.tag in later), None)
        if successor is None:
            settings.append(element)
        else:
            successor.addprevious(element)
    element.set(qn("w:val"), "true")


def fit_tables(docx: Any) -> None:
    """Make each table's grid match its cells' widths, scaled to fit between the margins.

    Word lays a table out by its cells' widths, LibreOffice by the grid; docxtpl's column
    loops add cells without touching the grid. Rewriting the grid from the widest row keeps
    both in agreement, and no table runs off the page.
    """
    section = docx.sections[-1]
    available = (section.page_width - section.left_margin - section.right_margin) / 635  # twips
    for table in docx.element.body.iter(_TBL):
        rows = table.findall(_TR)
        if not rows:
            continue
        # rows repeated by a loop share their cells: the first and last few show every shape
        widest = max((row.findall(_TC) for row in rows[:4] + rows[-4:]), key=len)
        if any(tc.find(_GRID_SPAN) is not None for tc in widest):
            continue
        widths = [_cell_width(tc) for tc in widest]
        if not widths or None in widths:
            continue
        total = sum(w for w in widths if w)
        scale = min(1.0, available / total) if total else 1.0
        if scale < 1.0:
            for width in table.iter(_TCW):
                if width.get(_W_W):
                    width.set(_W_W, str(int(int(width.get(_W_W)) * scale)))
        # docxtpl's cellbg puts the shading before the width: only those need sorting
        for properties in table.xpath("./w:tr/w:tc/w:tcPr[w:shd/following-sibling::*]"):
            _schema_order(properties, _TCPR_RANK)
        grid = table.find(qn("w:tblGrid"))
        for column in list(grid):
            grid.remove(column)
        for width in widths:
            grid.append(_element("w:gridCol", **{"w:w": str(int((width or 0) * scale))}))
        properties = table.find(qn("w:tblPr"))
        for old in properties.findall(qn("w:tblW")) + properties.findall(qn("w:tblLayout")):
            properties.remove(old)
        properties.append(_element("w:tblW", **{"w:w": str(int(total * scale)), "w:type": "dxa"}))
        properties.append(_element("w:tblLayout", **{"w:type": "fixed"}))
        _schema_order(properties, _TBLPR_RANK)


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
_TCPR_ORDER = (
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
_TCPR_RANK = {qn(f"w:{name}"): index for index, name in enumerate(_TCPR_ORDER)}
_P, _T, _TBL, _TR, _TC = qn("w:p"), qn("w:t"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_TCPR, _TCW, _VAL, _W_W, _W_TYPE = qn("w:tcPr"), qn("w:tcW"), qn("w:val"), qn("w:w"), qn("w:type")
_TCW_PATH = f"{_TCPR}/{_TCW}"
_GRID_SPAN = f"{_TCPR}/{qn('w:gridSpan')}"
_PSTYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"
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


def _schema_order(parent: Any, rank: dict[str, int]) -> None:
    """Sort `parent`'s children into the schema's order (unknown ones last, kept in order)."""
    children = list(parent)
    ordered = sorted(children, key=lambda child: rank.get(child.tag, len(rank)))
    if ordered != children:
        for child in ordered:
            parent.append(child)


def _cell_width(tc: Any) -> int | None:
    width = tc.find(_TCW_PATH)
    if width is None or width.get(_W_TYPE, "dxa") != "dxa":
        return None
    return int(width.get(_W_W))


def _field_runs(instruction: str, result: str) -> list[Any]:
    """The runs of a complete Word field: begin, instruction, separate, result, end."""
    return [
        _element("w:r", _element("w:fldChar", **{"w:fldCharType": "begin"})),
        _element(
            "w:r", _element("w:instrText", text=f" {instruction} ", **{"xml:space": "preserve"})
        ),
        _element("w:r", _element("w:fldChar", **{"w:fldCharType": "separate"})),
        _element("w:r", _element("w:t", text=result)),
        _element("w:r", _element("w:fldChar", **{"w:fldCharType": "end"})),
    ]


def _element(tag: str, *children: Any, text: str | None = None, **attributes: str) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name), value)
    element.extend(children)
    if text is not None:
        element.text = text
    return element


def fill_table_of_contents(docx: Any, levels: int = 2) -> None:
    """Fill the TOC field with one entry per heading, as Word itself stores a TOC.

    Each heading gets a bookmark and each entry a PAGEREF field to it: Word refreshes the whole
    field on open (w:updateFields), and LibreOffice, which does not, still computes the page
    numbers of PAGEREF fields when it lays out the document, so a PDF shows a complete TOC.
    """
    body = docx.element.body
    instr = next(
        (i for i in body.iter(qn("w:instrText")) if i.text and " TOC " in f" {i.text.strip()} "),
        None,
    )
    if instr is None:
        return
    toc_paragraph = instr.getparent().getparent()
    heading_levels = _heading_levels(docx)
    headings = []
    for paragraph in body.iterchildren(_P):  # headings stand in the body, not in tables
        style = paragraph.find(_PSTYLE)
        level = heading_levels.get(style.get(_VAL)) if style is not None else None
        if level and level <= levels:
            text = "".join(t.text or "" for t in paragraph.iter(_T)).strip()
            if text:
                headings.append((paragraph, level, text))
    if not headings:
        return
    entries = []
    for number, (paragraph, level, text) in enumerate(headings, start=1):
        name = f"_Toc{number:08d}"
        start = _element("w:bookmarkStart", **{"w:id": str(9000 + number), "w:name": name})
        end = _element("w:bookmarkEnd", **{"w:id": str(9000 + number)})
        properties = paragraph.find(qn("w:pPr"))
        paragraph.insert(0 if properties is None else 1, start)
        paragraph.append(end)
        link = _element(
            "w:hyperlink",
            _element("w:r", _element("w:t", text=text)),
            _element("w:r", _element("w:tab")),
            *_field_runs(f"PAGEREF {name} \\h", ""),
            **{"w:anchor": name, "w:history": "1"},
        )
        style_id = f"TOC{level}"
        entry = _element(
            "w:p", _element("w:pPr", _element("w:pStyle", **{"w:val": style_id})), link
        )
        entries.append(entry)
    begin_runs = list(toc_paragraph.iter(qn("w:r")))
    # keep begin, instruction and separate in the first entry; end after the last one
    separate_index = next(
        i
        for i, r in enumerate(begin_runs)
        if r.find(qn("w:fldChar")) is not None
        and r.find(qn("w:fldChar")).get(qn("w:fldCharType")) == "separate"
    )
    first_entry_properties = entries[0].find(qn("w:pPr"))
    for run in reversed(begin_runs[: separate_index + 1]):
        first_entry_properties.addnext(run)
    entries[-1].append(_element("w:r", _element("w:fldChar", **{"w:fldCharType": "end"})))
    for entry in reversed(entries):
        toc_paragraph.addnext(entry)
    toc_paragraph.getparent().remove(toc_paragraph)


def _heading_levels(docx: Any) -> dict[str, int]:
    """Map each paragraph style id that is, or is based on, "Heading N" to N."""
    names, parents = {}, {}
    for style in docx.styles.element.iter(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        style_id = style.get(qn("w:styleId"))
        name = style.find(qn("w:name"))
        based_on = style.find(qn("w:basedOn"))
        names[style_id] = (name.get(_VAL) if name is not None else "").lower()
        parents[style_id] = based_on.get(_VAL) if based_on is not None else None
    levels: dict[str, int] = {}
    for style_id in names:
        current, seen = style_id, set()
        while current in names and current not in seen:
            seen.add(current)
            name = names[current]
            if name.startswith("heading ") and name[8:].isdigit():
                levels[style_id] = int(name[8:])
                break
            current = parents[current]
    return levels
