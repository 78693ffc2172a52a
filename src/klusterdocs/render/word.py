"""Render a Word template (docxtpl's syntax) with a context into a .docx, safely and in
bounded memory.

Safety: every template renders in a sandboxed Jinja environment with autoescape and
StrictUndefined (docxtpl's defaults let an `&` or `<` in user text break the XML, which it
then "recovers" by silently dropping text). The rendered XML is parsed strictly.

Memory: the rendered body is never held whole. Its XML is parsed as Jinja produces it, and
each block (a paragraph, a table row) is fixed up and written out as soon as it is complete,
so rendering adds little to what the validated input model and its context hold; those grow
with the file (a 20,000-actor analysis peaks at about 140 MiB, the example at 40 MiB). The
table of contents, which comes before the headings it lists, is filled in when the body is
copied into the file.

Speed: a template part is turned into Jinja code once and kept (see `klusterdocs.cache`);
docxtpl itself is only imported to do that.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import datetime as dt
import functools
import html
import io
import re
import shutil
import signal
import tempfile
import threading
import zipfile
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from types import CodeType
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import jinja2
from jinja2.exceptions import SecurityError
from lxml import etree
from markupsafe import Markup

from klusterdocs import cache
from klusterdocs.context.format import LINE_BREAK, clean_text
from klusterdocs.errors import TemplateError, display_path
from klusterdocs.output import atomic_path, fixed_zip_info
from klusterdocs.render.charts import (
    CHART_CONTENT_TYPE,
    CHART_RELATIONSHIP,
    CHART_URI,
    PACKAGE_RELATIONSHIP,
    WORKBOOK_CONTENT_TYPE,
    WORKBOOK_RELATIONSHIP_ID,
    ChartSpec,
    chart_parts,
)
from klusterdocs.render.markup import (
    PARAGRAPH_STYLES,
    bullet_list,
    markdown_paragraphs,
    rich_runs,
)
from klusterdocs.render.package import as_document_types, read_package
from klusterdocs.render.pictures import Picture
from klusterdocs.render.sandbox import BoundedSandbox
from klusterdocs.render.wordxml import (
    CELL_PROPERTY_ORDER,
    NO_NUMBERING,
    TBL,
    TR,
    Heading,
    HeadingCounter,
    HeadingNumbering,
    P,
    PageLayout,
    TableFit,
    accept_tracked_changes,
    ask_word_to_update_fields,
    bookmark_heading,
    cells_complete,
    complete_cells,
    empty_core_properties,
    finish_tables,
    fit_rows,
    fit_table_head,
    give_header_rows,
    head_rows_kept,
    heading_levels,
    heading_numbering,
    introduces,
    is_table_of_contents,
    keep_with_next,
    open_fields,
    put_properties_in_order,
    qn,
    release_if_tall,
    serialise,
    set_core_property,
    set_proofing_language,
    table_fit,
    table_of_contents,
    table_of_contents_control,
    text_area,
    text_sizes,
    toc_styles,
    unwrap_smart_tags,
)

if TYPE_CHECKING:  # wordtags itself is imported only when a template is compiled or fails
    from klusterdocs.render.wordtags import Misplaced, Tag

# The parts of a Word file that may hold template tags.
WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
MAX_OUTPUT_CHARACTERS = 512 * 2**20  # a 20,000-actor analysis is about 67 million
RENDER_SECONDS = 600
# Tables up to this many rows are fitted whole; longer ones from their first rows, then streamed.
ROWS_TO_FIT_BY = 50
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Office files have no DTDs; entities are never expanded, least of all from files or the network.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class Properties(NamedTuple):
    """Core properties of the written document (File > Properties in Word)."""

    title: str
    subject: str
    author: str
    language: str
    keywords: str
    created: dt.datetime


class _Environment(BoundedSandbox):
    """The sandbox every Word template renders in."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.filters["md"] = markdown_paragraphs
        self.filters["bullets"] = bullet_list
        self.filters["rich"] = rich_runs
        self.filters["chart"] = chart_paragraph
        self.filters["picture"] = picture_run
        self.filters["cell_colour"] = cell_colour
        self.filters["cell_span"] = cell_span


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment every Word template renders in (one per process)."""
    return _Environment()


# -- from Word's XML to Jinja code ----------------------------------------------------------

_TAG_CONTENT = re.compile(r"(?<=\{[{%])(.*?)(?=[}%]\})")
# inside a tag, what docxtpl leaves: the quotes Word types in other languages („…“, «…»)
# straightened as docxtpl straightens “…”, and characters no one sees (a soft hyphen, a
# zero-width space) gone
IN_TAGS = str.maketrans(
    {"„": '"', "‟": '"', "«": '"', "»": '"', "‚": "'", "‛": "'"}
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff")
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>\s*")


def patch_template_xml(xml: str) -> str:
    """A part's XML as Jinja source: docxtpl's clean-up, then every entity inside a tag unescaped.

    docxtpl joins tags that Word split across runs and turns its `{%tr %}`, `{%tc %}`,
    `{%p %}`, `cellbg` and merge tags into plain Jinja around the right elements. It
    unescapes only a few entities inside tags (`&lt;`, `&gt;`); LibreOffice saves an apostrophe
    as `&apos;`, which would break `{{ x|md('TableText') }}` in a template saved there.
    """
    from docxtpl import DocxTemplate

    patched: str = DocxTemplate.patch_xml(_PATCHER, xml)
    patched = _TAG_CONTENT.sub(lambda m: html.unescape(m.group(0)).translate(IN_TAGS), patched)
    patched = _CELL_PROPERTIES.sub(_cell_properties, patched)
    return _LITERAL_BRACES.sub(lambda m: _LITERALS[m.group(0)], patched)


# docxtpl's `cellbg`, `colspan` and `hm` write the cell's shading and span first (or last) in
# its properties, where Word's schema wants them after the width: put in order here, once,
# rather than in every rendered row; and their values go through filters that make them
# what the attribute takes
_CELL_PROPERTIES = re.compile(
    r"(<w:tcPr(?:\s[^>]*)?>)((?:(?!</w:tcPr>).)*\{\{.*?)(</w:tcPr>)", re.DOTALL
)
_PROPERTY = re.compile(r"<w:(\w+)\b[^<>]*?/>|<w:(\w+)\b[^<>]*>.*?</w:\2>", re.DOTALL)
_DOCXTPL_VALUE = re.compile(
    r'(<w:shd w:val="clear" w:color="auto" w:fill=|<w:gridSpan w:val=)"\{\{(.*?)\}\}"/>',
    re.DOTALL,
)
_VALUE_FILTER = {"<w:shd": "cell_colour", "<w:gridSpan": "cell_span"}


def _cell_properties(match: re.Match[str]) -> str:
    start, content, end = match.groups()
    properties = [(m.group(1) or m.group(2), m.group(0)) for m in _PROPERTY.finditer(content)]
    if "".join(text for _, text in properties) != content:
        return match.group(0)  # not a plain list of properties (a Jinja statement among them)
    rank = {name: index for index, name in enumerate(CELL_PROPERTY_ORDER)}
    ordered = sorted(properties, key=lambda p: rank.get(p[0], len(rank)))
    inner = "".join(text for _, text in ordered)
    inner = _DOCXTPL_VALUE.sub(
        lambda m: (
            f'{m.group(1)}"{{{{ ({m.group(2)})|{_VALUE_FILTER[m.group(1).split()[0]]} }}}}"/>'
        ),
        inner,
    )
    return start + inner + end


def cell_colour(value: Any) -> str:
    """A `cellbg` value as Word's fill takes it: `C6E7C1`, from `#c6e7c1` or `#cec` too;
    nothing (None, "") is no shading."""
    if value is None or value == "":
        return "auto"
    text = str(value).strip().lstrip("#")
    if re.fullmatch(r"[0-9A-Fa-f]{3}", text):
        text = "".join(c * 2 for c in text)
    if text == "auto" or re.fullmatch(r"[0-9A-Fa-f]{6}", text):
        return text.upper() if text != "auto" else text
    raise jinja2.TemplateRuntimeError(
        f"cellbg takes a colour as six hex digits, such as C6E7C1; got {str(value)[:40]!r}"
    )


def cell_span(value: Any) -> str:
    """A `colspan` value as Word's gridSpan takes it: a whole number of columns, at least 1."""
    if value is None or value == "":
        return "1"
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 63:  # Word's tables have at most 63 columns
        raise jinja2.TemplateRuntimeError(
            f"colspan takes a number of columns from 1 to 63; got {str(value)[:40]!r}"
        )
    return str(number)


# docxtpl's escapes for braces meant as text: `{_{ x }_}` prints `{{ x }}`. docxtpl replaces
# them in the output, which would also turn a `{_{` typed in the YAML into `{{`; here they
# become Jinja code printing the braces, and user text is left alone.
_LITERALS = {
    "{_{": "{{ '{' ~ '{' }}",
    "}_}": "{{ '}' ~ '}' }}",
    "{_%": "{{ '{' ~ '%' }}",
    "%_}": "{{ '%' ~ '}' }}",
}
_LITERAL_BRACES = re.compile("|".join(re.escape(k) for k in _LITERALS))


class _Patcher:
    """Stands in for a DocxTemplate: its `patch_xml` reads nothing from the instance."""


_PATCHER = _Patcher()


# Row properties that Word accepts only as on or off: LibreOffice and python-docx write
# `w:val="true"`, which Word's schema for them refuses.
_ON_OFF_ONLY = re.compile(r'<w:(cantSplit|tblHeader|hidden) w:val="(true|1|on|false|0|off)"\s*/>')


def _canonical_on_off(match: re.Match[str]) -> str:
    on = match.group(2) in ("true", "1", "on")
    return f"<w:{match.group(1)}/>" if on else f'<w:{match.group(1)} w:val="off"/>'


def jinja_source(xml: str) -> str:
    """A part's XML as the Jinja code it renders with (each tag on a line: see `mark_lines`)."""
    xml = _ON_OFF_ONLY.sub(_canonical_on_off, _XML_DECLARATION.sub("", xml))
    from klusterdocs.render.wordtags import mark_lines

    return mark_lines(patch_template_xml(_in_schema_order(xml)))


def _in_schema_order(xml: str) -> str:
    """The part's XML with its property lists in the schema's order (see wordxml)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError:
        return xml  # reported where the rendered part is parsed
    accept_tracked_changes(root)
    unwrap_smart_tags(root)
    put_properties_in_order(root)
    give_header_rows(root)
    text: str = etree.tostring(root, encoding="unicode")
    return text


@functools.cache
def _compiled(xml: str) -> jinja2.Template:
    """The part `xml` as a Jinja template, compiled once and kept on disk."""
    env = environment()
    key = cache.digest(xml.encode("utf-8"), jinja2.__version__, cache.installed("docxtpl"))
    code = cache.load(key, CodeType)
    if code is None:
        from klusterdocs.render.wordtags import misplaced_tags

        misplaced = misplaced_tags(xml)
        if misplaced:
            raise _MisplacedTags(misplaced)
        code = env.compile(jinja_source(xml))
        cache.store(key, code)
    return env.template_class.from_code(env, code, env.make_globals(None))


class _MisplacedTags(Exception):
    """Tags placed where docxtpl would lose text or break the document (see wordtags)."""

    def __init__(self, found: list[Misplaced]) -> None:
        super().__init__(found[0].message)
        self.found = found


def _template_error(
    template: Path, part: str, exc: Exception, xml: str = "", context: Any = None
) -> TemplateError:
    """What went wrong in the template's part `part` (its XML `xml`), said for its author:
    the file, the part, the paragraph as Word counts it and its first words, and the tag.

    The template is code its author wrote: whatever its expressions raise ({{ x / 0 }},
    '%d' % text, range(10**9), cycler()) is a mistake in it, not a crash of klusterdocs.
    """
    name, label = display_path(template), part.removeprefix("word/").removesuffix(".xml")
    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, _MisplacedTags):
        first = exc.found[0]
        more = (
            f" (and {len(exc.found) - 1} more; see templates check)" if len(exc.found) > 1 else ""
        )
        return TemplateError(f"{name}: {first.paragraph.where(label)}: {first.message}{more}")
    if isinstance(exc, etree.XMLSyntaxError):
        return TemplateError(
            f"{name}: {label}: the filled-in part is not valid Word XML ({exc.msg}); a tag is "
            "probably placed where Word's structure does not allow it"
        )
    if isinstance(exc, RecursionError):
        return TemplateError(f"{name}: {label}: the template calls itself without end")
    tag = _failing_tag(exc, xml)
    where = tag.paragraph.where(label) if tag else label
    if tag and tag.typed != tag.paragraph.text.strip() and not _is_unclosed(exc):
        where += f": in {tag.typed}"
    source = jinja_source(xml) if xml else ""
    return TemplateError(f"{name}: {where}: {_plain_message(exc, tag, source, context)}")


def _is_unclosed(exc: Exception) -> bool:
    """Jinja reached the part's end with a block open: the error is the block's opener."""
    message = getattr(exc, "message", None) or ""
    return isinstance(exc, jinja2.TemplateSyntaxError) and message.startswith("Unexpected end")


def _failing_tag(exc: Exception, xml: str) -> Tag | None:
    """The tag as typed that `exc` (raised compiling or running the part) comes from."""
    from klusterdocs.render.wordtags import tag_at_line, unclosed_block

    if not xml:
        return None
    if _is_unclosed(exc):
        return unclosed_block(xml)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        line = exc.lineno
    else:  # the last line of the template's code that ran (Jinja maps its frames to lines)
        traceback, line = exc.__traceback__, 0
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == "<template>":
                line = traceback.tb_lineno
            traceback = traceback.tb_next
    if not line:
        return None
    return tag_at_line(xml, jinja_source(xml), line)


def _plain_message(exc: Exception, tag: Tag | None, source: str, context: Any) -> str:
    """`exc` in a template author's words."""
    if isinstance(exc, SecurityError):
        said = str(exc).rstrip(".")
        if "unsafe" in said:
            return f"refused: the template reaches for something unsafe ({said})"
        return f"refused: {said}"
    if isinstance(exc, jinja2.UndefinedError):
        return _unknown_field(exc, tag, source, context)
    if _is_unclosed(exc) and tag:
        return f"{tag.typed} is never closed (add {{%{tag.prefix} end{tag.keyword} %}})"
    filter_name = re.match(r"No filter named '([^']+)'", getattr(exc, "message", None) or "")
    if filter_name:
        import difflib  # only a mistake needs it

        known = difflib.get_close_matches(filter_name.group(1), environment().filters, n=1)
        hint = f"; did you mean '{known[0]}'?" if known else " (see docs/templates.md)"
        return f"no filter named '{filter_name.group(1)}'{hint}"
    cell_tag = re.match(
        r"Encountered unknown tag '(cellbg|colspan|hm|vm)'", getattr(exc, "message", None) or ""
    )
    if cell_tag:  # docxtpl turns these into a cell's properties: outside a cell they are left
        return f"'{cell_tag.group(1)}' works only in a table cell"
    if isinstance(exc, TypeError) and "no loader" in str(exc):
        return "a template cannot include, import or extend another (it is one Word file)"
    if isinstance(exc, ZeroDivisionError):
        return "a division by zero"
    if isinstance(exc, OverflowError) and "MAX_RANGE" in str(exc):
        return "refused: a range of more than 100,000 numbers"
    if isinstance(exc, jinja2.TemplateError):
        return getattr(exc, "message", None) or str(exc)
    called = re.match(r"(\w+)\(\) takes", str(exc)) if isinstance(exc, TypeError) else None
    if called:  # a filter given arguments it does not take
        names = {f.__name__: name for name, f in environment().filters.items()}
        name = names.get(called.group(1), called.group(1))
        return f"the filter '{name}' was given arguments it does not take"
    return f"the expression failed ({type(exc).__name__}: {exc})"


def _unknown_field(exc: jinja2.UndefinedError, tag: Tag | None, source: str, context: Any) -> str:
    """`unknown field 'a.namn'; did you mean 'name'?`, from Jinja's "'dict object' has no
    attribute 'namn'"."""
    from klusterdocs.render.template_tools import unknown_fields

    message = exc.message or ""
    found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", message)
    if found is None:
        return f"unknown field ({message})"
    if tag is None:  # a part without paragraphs (the document's properties): the name alone
        return f"unknown field '{found.group(1) or found.group(2)}' (see docs/templates.md)"
    missing = found.group(1) or found.group(2)
    dotted = re.search(rf"[\w.]*\b{re.escape(missing)}\b", tag.body)
    field = dotted.group(0) if dotted else missing
    guesses = unknown_fields(source, context) if context is not None else []
    guess = next((g for d, g in guesses if d == field and g), None)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return f"unknown field '{field}'{hint}"


# -- the template file ----------------------------------------------------------------------


class WordTemplate(NamedTuple):
    """A Word template as read from its file: its parts in order, and what rendering needs."""

    path: Path
    entries: list[tuple[str, bytes]]
    layout: PageLayout
    heading_levels: dict[str, int]
    toc_styles: dict[int, str]
    numbering: HeadingNumbering = NO_NUMBERING


def read_template(path: Path) -> WordTemplate:
    """Read the Word template at `path` (once per process while the file is unchanged)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError(f"{display_path(path)}: cannot read ({exc.strerror})") from None
    return _read_template(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _read_template(path: Path, mtime_ns: int, size: int) -> WordTemplate:
    """The template, checked and read; what it yields is kept in the cache by its bytes (every
    part unpacked, parsed and checked takes longer than the rest of rendering a short plan)."""
    try:
        key = cache.digest(path.read_bytes(), "Word template")
    except OSError as exc:
        raise TemplateError(f"{display_path(path)}: cannot read ({exc.strerror})") from None
    kept = cache.load(key, tuple)
    if kept is not None:
        entries, layout, levels, toc, numbering = kept
        return WordTemplate(
            path, entries, PageLayout(*layout), levels, toc, HeadingNumbering(*numbering)
        )
    template = _checked_template(path)
    _, _, layout, levels, toc, numbering = template
    cache.store(key, (template.entries, tuple(layout), levels, toc, tuple(numbering)))
    return template


def _checked_template(path: Path) -> WordTemplate:
    entries = _without_parts_not_taken(
        [
            (name, as_document_types(data) if name == "[Content_Types].xml" else data)
            for name, data in read_package(path, "Word")
        ]
    )
    parts = dict(entries)
    try:
        document = etree.fromstring(parts["word/document.xml"], _PARSER)
        styles = parts.get("word/styles.xml")
        style_tree = etree.fromstring(styles, _PARSER) if styles else None
        levels = heading_levels(style_tree) if style_tree is not None else {}
        toc = toc_styles(style_tree) if style_tree is not None else {}
        sizes = text_sizes(style_tree) if style_tree is not None else {}
        lists = parts.get("word/numbering.xml")
        numbering = (
            heading_numbering(style_tree, etree.fromstring(lists, _PARSER) if lists else None)
            if style_tree is not None
            else NO_NUMBERING
        )
    except KeyError as exc:
        raise TemplateError(f"{display_path(path)}: not a usable Word template ({exc})") from None
    if style_tree is None:  # Word requires the part; every program that saves .docx writes it
        raise TemplateError(
            f"{display_path(path)}: the template has no styles (word/styles.xml); open it in "
            "Word or LibreOffice and save it again"
        )
    width, height = text_area(document)
    if min(width, height) < MIN_TEXT_AREA:  # LibreOffice never ends laying out such a page
        raise TemplateError(
            f"{display_path(path)}: a page of the template leaves "
            f"{max(0, min(width, height)) / 567:.1f} cm for text between its margins; make "
            "the page larger or the margins smaller"
        )
    styles_named = {s.get(qn("w:styleId")) or "" for s in style_tree.iter(qn("w:style"))}
    entries = [
        (name, _without_missing_styles(data, sizes.keys(), styles_named))
        if WORD_PARTS.match(name) or name == "word/styles.xml"
        else (name, data)
        for name, data in entries
    ]
    return WordTemplate(path, entries, PageLayout(width, sizes, height), levels, toc, numbering)


_STYLE_REFERENCE = re.compile(
    rb'<w:(pStyle|rStyle|tblStyle|basedOn|link|next) w:val="([^"]*)"\s*/>'
)


def _without_missing_styles(data: bytes, paragraph: Collection[str], named: set[str]) -> bytes:
    """A part without references to styles its template lacks (a style deleted in Word, or
    the text pasted from another document; in the styles part, a style based on or linked to
    a deleted one): Word shows such text as Normal, and Microsoft 365 refuses the
    reference."""

    def kept(match: re.Match[bytes]) -> bytes:
        kind, style = match.group(1), match.group(2).decode("utf-8", "replace")
        known = paragraph if kind == b"pStyle" else named
        return match.group(0) if style in known else b""

    return _STYLE_REFERENCE.sub(kept, data)


MIN_TEXT_AREA = 1134  # twips (2 cm): the least width and height a page leaves for text

# -- rendering ------------------------------------------------------------------------------


def render_docx(
    template: Path, context: dict[str, Any], target: Path, properties: Properties
) -> None:
    """Render `template` with `context` and write it to `target` (atomically)."""
    source = read_template(template)
    with atomic_path(target) as temporary, _time_limit(template, RENDER_SECONDS):
        _write_package(source, context, properties, temporary)


def _write_package(
    source: WordTemplate, context: dict[str, Any], properties: Properties, target: Path
) -> None:
    """Write the rendered package: every part in the template's order, with fixed zip dates.

    The body is rendered first, to a spool: the charts it places add parts, relationships
    and content types that come before it in the package.
    """
    entries = _with_core_properties(source.entries)
    charts = _PlacedCharts(entries, source.layout)
    pictures = _PlacedPictures(entries)
    with (
        tempfile.SpooledTemporaryFile(max_size=8 * 2**20) as body,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        with charts.placing(), pictures.placing("word/document.xml"):
            xml = dict(entries)["word/document.xml"].decode("utf-8")
            _render_part(source, "word/document.xml", xml, context, body)
        # headers and footers too, before the package's relationships and types are written
        rendered: dict[str, bytes] = {}
        for name, data in entries:
            if name != "word/document.xml" and WORD_PARTS.match(name) and _has_tags(data):
                with pictures.placing(name), io.BytesIO() as part:
                    _render_part(source, name, data.decode("utf-8"), context, part)
                    rendered[name] = part.getvalue()
        for name, data in pictures.added_to(charts.added_to(entries)):
            info = fixed_zip_info(name)
            if name == "word/document.xml":
                body.seek(0)
                with archive.open(info, "w", force_zip64=True) as entry:
                    shutil.copyfileobj(body, entry, 2**20)
            elif name in rendered:
                archive.writestr(info, rendered[name])
            elif name == "docProps/core.xml":
                archive.writestr(info, _core_properties(source, data, context, properties))
            elif name in ("word/styles.xml", "word/numbering.xml"):
                root = etree.fromstring(data, _PARSER)
                put_properties_in_order(root)
                if name == "word/styles.xml":
                    set_proofing_language(root, properties.language)
                archive.writestr(info, _xml_bytes(root))
            elif name == "word/settings.xml":
                settings = etree.fromstring(data, _PARSER)
                ask_word_to_update_fields(settings)
                archive.writestr(info, _xml_bytes(settings))
            elif name.startswith("word/_rels/") and _LINK_TAG.search(data):
                archive.writestr(info, _filled_links(source, name, data, context))
            else:
                archive.writestr(info, data)


# a tag in a hyperlink's address, as typed or as Word stores it (%7B%7B … %7D%7D)
_LINK_TAG = re.compile(rb"\{\{|%7B%7B", re.IGNORECASE)


def _filled_links(source: WordTemplate, name: str, data: bytes, context: dict[str, Any]) -> bytes:
    """A part's relationships with the tags in its hyperlinks' addresses filled in
    (`mailto:{{ initiative.leader.email }}`)."""
    from urllib.parse import unquote

    root = etree.fromstring(data, _PARSER)
    for link in root:
        target = link.get("Target") or ""
        if link.get("TargetMode") != "External" or not _LINK_TAG.search(target.encode()):
            continue
        typed = unquote(target)
        try:
            # an address is no XML: the value as it is, escaped once, when it is written
            code = "{% autoescape false %}" + typed + "{% endautoescape %}"
            filled = environment().from_string(code).render(context)
        except Exception as exc:
            raise TemplateError(
                f"{display_path(source.path)}: a hyperlink's address {typed!r} "
                f"({name.removeprefix('word/_rels/').removesuffix('.rels')}): "
                f"{_plain_message(exc, None, typed, context)}"
            ) from None
        link.set("Target", filled.strip())
    return _xml_bytes(root)


def _has_tags(data: bytes) -> bool:
    return b"{{" in data or b"{%" in data or b"{#" in data or b"{<" in data


def _render_part(
    source: WordTemplate, name: str, xml: str, context: dict[str, Any], out: IO[bytes]
) -> None:
    styles = PARAGRAPH_STYLES.set(source.layout.text_sizes.keys())  # what the filters may name
    try:
        template = _compiled(xml)
        pieces = template.generate(context)
        writer = _BlockWriter(source, outline=name == "word/document.xml")
        writer.drawings = _first_drawing_id(name)
        writer.write(pieces, out)
    except Exception as exc:
        raise _template_error(source.path, name, exc, xml, context) from None
    finally:
        PARAGRAPH_STYLES.reset(styles)


def _first_drawing_id(part: str) -> int:
    """Where the ids of a part's drawings start: unique in the document, headers included
    (the body's from 1001, as docxtpl numbers them; header 2's from 202001)."""
    found = re.search(r"(header|footer|footnotes|endnotes)(\d*)\.xml$", part)
    if found is None:
        return 1000
    kind = ("header", "footer", "footnotes", "endnotes").index(found.group(1)) + 1
    return kind * 100000 + int(found.group(2) or 0) * 1000 + 1000


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


# shading before a cell property Word's schema puts first (a template's own order, or a
# docxtpl `cellbg` the compiler could not move): the row's cell properties need sorting
_CELL_PROPERTY_LIST = re.compile(r"<w:tcPr(?:\s[^>]*)?>(.*?)</w:tcPr>", re.DOTALL)
_SHADING_BEFORE = re.compile(
    r"<w:shd\b.*<w:(?:cnfStyle|tcW|gridSpan|hMerge|vMerge|tcBorders)\b", re.DOTALL
)


def shading_first(text: str) -> bool:
    """Whether a cell of `text` (a row) has its shading before a property that comes first."""
    return "<w:shd" in text and any(
        _SHADING_BEFORE.search(m.group(1)) for m in _CELL_PROPERTY_LIST.finditer(text)
    )


_TEXT_WITH_BREAKS = re.compile(r"<w:t(?: [^>]*)?>([^<]*[\n\t\u2028][^<]*)</w:t>")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')


def _breaks_and_tabs(match: re.Match[str]) -> str:
    text = match.group(1).replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    for line_break in ("\n", LINE_BREAK):
        text = text.replace(line_break, '</w:t><w:br/><w:t xml:space="preserve">')
    return f'<w:t xml:space="preserve">{text}</w:t>'


class _Table:
    """A table of the body while its rows arrive."""

    __slots__ = ("element", "fit", "head", "streaming")

    def __init__(self, element: Any) -> None:
        self.element = element
        self.streaming = False
        self.head = 0  # children before the first row (properties, grid), written with the head
        self.fit: TableFit | None = None


# The elements whose start says where the blocks of a part are: the body, or a header's root.
_CONTAINERS = tuple(qn(f"w:{name}") for name in ("body", "hdr", "ftr", "footnotes", "endnotes"))
_NEEDS_A_PARAGRAPH = (qn("w:hdr"), qn("w:ftr"))


class _BlockWriter:
    """Parses a rendered part as Jinja produces it and writes it out a block at a time.

    A block is a child of the body (of the root, in a header or footer); the rows of a long
    table are written one by one, so only the current block stays in memory. With `outline`,
    headings are bookmarked and the table of contents is filled in.
    """

    def __init__(self, source: WordTemplate, *, outline: bool) -> None:
        self.source = source
        self.outline = outline
        self.root: Any = None
        self.container: Any = None
        self.declared: dict[str | None, str] = {}
        self.table: _Table | None = None
        self.files = contextlib.ExitStack()
        self.spools: list[IO[bytes]] = []
        self.buffer: list[str] = []
        self.buffered = 0
        self.headings: list[Heading] = []
        self.numbers = HeadingCounter(source.numbering)
        self.toc: Any = None
        self.toc_open = 0  # fields still open after the TOC's paragraph: its stale entries
        self.drawings = 1000  # drawing ids must be unique; docxtpl numbers them from here
        self.blocks = 0
        self.declarations: dict[str, str] = {}

    def write(self, pieces: Iterable[str], out: IO[bytes]) -> None:
        """Parse `pieces` and write the part to `out`."""
        with self.files:
            self._new_spool()
            self._write(pieces, out)

    def _new_spool(self) -> None:
        """Write what follows to a new spool (in memory while small, then on disk)."""
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115 (self.files)
        self.spools.append(self.files.enter_context(spool))

    def _write(self, pieces: Iterable[str], out: IO[bytes]) -> None:
        parser = etree.XMLPullParser(
            events=("start",),
            tag=_CONTAINERS,
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
        )
        batch: list[str] = []
        size = total = 0
        for piece in pieces:
            batch.append(piece)
            size += len(piece)
            if size > 2**16:
                total += size
                if total > MAX_OUTPUT_CHARACTERS:
                    raise TemplateError(
                        f"{display_path(self.source.path)}: the template produces more than "
                        f"{MAX_OUTPUT_CHARACTERS // 2**20} million characters; a loop without end?"
                    )
                parser.feed("".join(batch))
                batch, size = [], 0
                self._poll(parser)
        parser.feed("".join(batch))
        root = parser.close()
        self._poll(parser)
        if self.container is None:
            self.container = root
        self.root = root
        self.declared = dict(root.nsmap)
        while len(self.container):
            self._block(self.container[0])
        if not self.blocks and self.container.tag in _NEEDS_A_PARAGRAPH:
            self._emit("<w:p/>")  # a header whose content was all conditional still needs one
        self._flush()
        marker = etree.Comment("klusterdocs-body")
        self.container.append(marker)
        prefix, suffix = etree.tostring(self.root, encoding="unicode").split(
            "<!--klusterdocs-body-->"
        )
        out.write((_DECLARATION + prefix).encode("utf-8"))
        for number, spool in enumerate(self.spools):
            if number == 1:  # the table of contents stood here
                entries = table_of_contents(self.toc, self.headings, self.source.toc_styles)
                out.write("".join(self._xml(e) for e in entries).encode("utf-8"))
            spool.seek(0)
            shutil.copyfileobj(spool, out, 2**20)
        out.write(suffix.encode("utf-8"))

    def _poll(self, parser: Any) -> None:
        """Write what the parser has completed so far.

        Every child of an element but the last is complete (the parser only starts a sibling
        after closing the one before), so each block but the last, and each row of a last
        table but its last, can go. No per-element events: their cost was the parse's own.
        """
        for _, element in parser.read_events():
            if self.container is None:
                self.container = element
                self.declared = dict(element.getroottree().getroot().nsmap)
        container = self.container
        if container is None:
            return
        while len(container) > 1:
            self._block(container[0])
        if len(container) == 1 and container[0].tag == TBL:
            self._rows(container[0])

    def _rows(self, table_element: Any) -> None:
        """Stream the complete rows of a table still being parsed, once it proves long."""
        table = self.table
        if table is None or table.element is not table_element:
            table = self.table = _Table(table_element)
        complete = len(table_element) - 1
        if table.streaming:
            # one complete row stays behind: the last row is kept with the one before it
            while complete > table.head + 1:
                self._table_child(table_element[table.head], table)
                complete -= 1
            return
        children = list(table_element)[:complete]
        rows = [child for child in children if child.tag == TR]
        if len(rows) < ROWS_TO_FIT_BY:
            return
        # fit the table by its first rows and write its head, then every row as it comes
        table.head = children.index(rows[0])
        table.fit = table_fit(rows, self.source.layout)
        for row in head_rows_kept(rows):
            keep_with_next(row)
        # the head alone: the parser is still adding rows to the table
        shell = etree.Element(
            table_element.tag, dict(table_element.attrib), nsmap=table_element.nsmap
        )
        shell.extend(copy.deepcopy(child) for child in children[: table.head])
        if table.fit is not None:
            fit_table_head(shell, table.fit)
        head = self._xml(shell)
        self._emit(head[:-2] + ">" if head.endswith("/>") else head[: -len("</w:tbl>")])
        table.streaming = True
        for child in children[table.head : -1]:
            self._table_child(child, table)

    def _table_child(self, child: Any, table: _Table) -> None:
        text = serialise(child, self.declared, self.declarations)
        # most rows need nothing: look at the text before walking the elements
        scaled = table.fit is not None and table.fit.changes_rows
        tall = child.tag == TR and release_if_tall(child, self.source.layout)
        if not cells_complete(text):
            complete_cells(child)
            tall = True  # written again below
        if scaled or tall or "<w:tbl" in text or shading_first(text):
            if table.fit is not None and child.tag == TR:
                fit_rows([child], table.fit)
            finish_tables(child, self.source.layout)  # tables in its cells
            text = serialise(child, self.declared, self.declarations)
        self._emit(self._finish(text))
        child.clear()
        if child.getparent() is not None:
            table.element.remove(child)

    def _block(self, block: Any) -> None:
        if self.outline:
            inner = table_of_contents_control(block)
            if inner is not None:  # the TOC in a content control: its paragraphs take its place
                for child in reversed(inner):
                    block.addnext(child)
                self.container.remove(block)
                return
            if self.toc_open > 0:  # the entries Word or LibreOffice last wrote: replaced
                self.toc_open += open_fields(block)
                self.container.remove(block)
                return
        table = self.table
        if table is not None and table.element is block:
            self.table = None
        if table is not None and table.streaming and table.element is block:
            rows = [row for row in block[table.head :] if row.tag == TR]
            if len(rows) > 1:
                keep_with_next(rows[-2])
            while len(block) > table.head:
                self._table_child(block[table.head], table)
            self._emit("</w:tbl>")
            self.blocks += 1
        elif finish_tables(block, self.source.layout):
            following = block.getnext()
            if (
                following is not None
                and block.tag == P
                and introduces(block, following, self.source.heading_levels)
            ):
                keep_with_next(block)
            if self.outline and block.tag == P and self._outline(block):
                self.container.remove(block)  # kept whole: its entries are written last
                return
            self._emit(self._xml(block))
            self.blocks += 1
        block.clear()
        self.container.remove(block)

    def _outline(self, paragraph: Any) -> bool:
        """Bookmark a heading; set the TOC aside (True) until every heading is known."""
        if self.toc is None and is_table_of_contents(paragraph):
            self.toc = paragraph
            self.toc_open = open_fields(paragraph)
            self._flush()
            self._new_spool()
            return True
        heading = bookmark_heading(
            paragraph,
            self.source.heading_levels,
            len(self.headings) + 1,
            label=self.numbers.number(paragraph),
        )
        if heading is not None:
            self.headings.append(heading)
        return False

    def _xml(self, element: Any) -> str:
        return self._finish(serialise(element, self.declared, self.declarations))

    def _finish(self, text: str) -> str:
        """Line breaks and tabs in text as Word's; drawings numbered."""
        if "\n" in text or "\t" in text or LINE_BREAK in text:
            text = _TEXT_WITH_BREAKS.sub(_breaks_and_tabs, text)
        if "<wp:docPr" in text:
            text = _DOCPR_ID.sub(self._drawing_id, text)
        return text

    def _drawing_id(self, match: re.Match[str]) -> str:
        self.drawings += 1
        return f"{match.group(1)}{self.drawings}{match.group(2)}"

    def _emit(self, text: str) -> None:
        self.buffer.append(text)
        self.buffered += len(text)
        if self.buffered > 2**20:
            self._flush()

    def _flush(self) -> None:
        self.spools[-1].write("".join(self.buffer).encode("utf-8"))
        self.buffer, self.buffered = [], 0


# -- charts ---------------------------------------------------------------------------------
#
# `{{p budget.year_chart|chart }}` places a native chart (render/charts.py) as a paragraph of
# its own: an inline drawing whose `c:chart` points, by a relationship of the body, at a
# chart part with its workbook. The filter writes the drawing and notes the chart; once the
# body is rendered, `_write_package` writes the noted charts as parts (outside the template's
# run, so that a failing disk is not reported as the template's mistake). A chart that is empty (the
# context's None: no data) places nothing, not an empty frame.

_EMU_PER_TWIP = 635
_EMU_PER_CM = 360000
_CHART_PART = re.compile(r"word/charts/chart(\d+)\.xml$")
_PLACING: contextvars.ContextVar[_PlacedCharts | None] = contextvars.ContextVar(
    "klusterdocs_charts", default=None
)
_DRAWING = (
    '<w:p><w:pPr><w:keepLines/><w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/>'
    '</w:pPr><w:r><w:drawing><wp:inline xmlns:wp="{wp}" distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:docPr id="1" name="{name}" descr="{alt}" title="{title}"/><wp:cNvGraphicFramePr/>'
    '<a:graphic xmlns:a="{a}"><a:graphicData uri="{uri}">'
    '<c:chart xmlns:c="{uri}" xmlns:r="{r}" r:id="{rid}"/>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


class _PlacedCharts:
    """The charts the body places, numbered after any the template has, and the parts,
    relationships and content types they add to the package."""

    def __init__(self, entries: list[tuple[str, bytes]], layout: PageLayout) -> None:
        taken = [int(m.group(1)) for name, _ in entries if (m := _CHART_PART.match(name))]
        self.first = max(taken, default=0) + 1
        self.width = int(layout.available * _EMU_PER_TWIP)
        self.charts: list[ChartSpec] = []

    @contextlib.contextmanager
    def placing(self) -> Iterator[None]:
        """Let the `chart` filter place charts here while the body renders."""
        token = _PLACING.set(self)
        try:
            yield
        finally:
            _PLACING.reset(token)

    def place(self, spec: ChartSpec) -> str:
        """The paragraph that shows `spec`, its chart noted to be added."""
        number = self.first + len(self.charts)
        self.charts.append(spec)
        return _DRAWING.format(
            wp=_NS["wp"],
            a=_NS["a"],
            r=_NS["r"],
            uri=CHART_URI,
            cx=self.width,
            cy=int(spec.height_cm * _EMU_PER_CM),
            name=f"Chart {number}",
            alt=html.escape(spec.alt),
            title=html.escape(spec.title),
            rid=f"rIdKlusterdocsChart{number}",
        )

    def added_to(self, entries: list[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        """`entries` with the body's relationships to the charts and their types, then the
        charts' parts, each made as it is written."""
        if not self.charts:
            yield from entries
            return
        numbers = range(self.first, self.first + len(self.charts))
        for name, data in entries:
            if name == "[Content_Types].xml":
                types = etree.fromstring(data, _PARSER)
                space = types.nsmap[None]
                if not any(d.get("Extension") == "xlsx" for d in types.iter(f"{{{space}}}Default")):
                    default = etree.Element(f"{{{space}}}Default")
                    default.set("Extension", "xlsx")
                    default.set("ContentType", WORKBOOK_CONTENT_TYPE)
                    types.insert(0, default)  # the Defaults come first
                for number in numbers:
                    override = etree.SubElement(types, f"{{{space}}}Override")
                    override.set("PartName", f"/word/charts/chart{number}.xml")
                    override.set("ContentType", CHART_CONTENT_TYPE)
                data = _xml_bytes(types)
            elif name == "word/_rels/document.xml.rels":
                rels = etree.fromstring(data, _PARSER)
                for number in numbers:
                    relationship = etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship")
                    relationship.set("Id", f"rIdKlusterdocsChart{number}")
                    relationship.set("Type", CHART_RELATIONSHIP)
                    relationship.set("Target", f"charts/chart{number}.xml")
                data = _xml_bytes(rels)
            yield name, data
        for number, spec in zip(numbers, self.charts, strict=True):
            parts = chart_parts(spec)
            workbook = f"Microsoft_Excel_Worksheet{number}.xlsx"
            yield f"word/charts/chart{number}.xml", parts.xml
            yield f"word/charts/_rels/chart{number}.xml.rels", _workbook_rels(workbook)
            yield f"word/embeddings/{workbook}", parts.workbook


_NS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def _workbook_rels(workbook: str) -> bytes:
    return (
        f"{_DECLARATION}<Relationships "
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="{WORKBOOK_RELATIONSHIP_ID}" Type="{PACKAGE_RELATIONSHIP}" '
        f'Target="../embeddings/{workbook}"/></Relationships>'
    ).encode()


def chart_paragraph(value: Any) -> Markup:
    """The `chart` filter: a chart of the context (`budget.year_chart` …) as a paragraph of its
    own, for `{{p … }}`; nothing when the chart is empty (None: the file has no data for it)."""
    if not value:
        return Markup("")
    if not isinstance(value, ChartSpec):
        raise jinja2.TemplateRuntimeError(
            f"the chart filter takes a chart such as budget.year_chart, not {str(value)[:40]!r}"
        )
    placed = _PLACING.get()
    if placed is None:
        raise jinja2.TemplateRuntimeError(
            "a chart can only be placed in the document's body, not in a header or footer"
        )
    return Markup(placed.place(value))


# -- pictures -------------------------------------------------------------------------------
#
# `{{r doc.logo|picture(2.2, 7) }}` places a picture of the context (render/pictures.py) as a
# run, at most 2.2 cm tall and 7 cm wide in its own proportions: an inline drawing whose blip
# points, by a relationship of the part it stands in (the body, a header), at a media part.
# Every part is rendered before the package is written, so the relationships and content
# types the pictures need are known when those parts are. A picture placed in several parts
# (the cover and the header) is stored once. None (no logo) places nothing.

_PICTURE_PLACING: contextvars.ContextVar[_PlacedPictures | None] = contextvars.ContextVar(
    "klusterdocs_pictures", default=None
)
_PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_PICTURE_RUN = (
    '<w:r><w:drawing><wp:inline xmlns:wp="{wp}" distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:docPr id="1" name="{name}" descr="{alt}"/><wp:cNvGraphicFramePr>'
    '<a:graphicFrameLocks xmlns:a="{a}" noChangeAspect="1"/></wp:cNvGraphicFramePr>'
    '<a:graphic xmlns:a="{a}"><a:graphicData uri="{uri}"><pic:pic xmlns:pic="{uri}">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="{name}" descr="{alt}"/><pic:cNvPicPr>'
    '<a:picLocks noChangeAspect="1"/></pic:cNvPicPr></pic:nvPicPr>'
    '<pic:blipFill><a:blip xmlns:r="{r}" r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
    '</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
)


class _PlacedPictures:
    """The pictures the parts place, each stored once, and the parts that show each."""

    def __init__(self, entries: list[tuple[str, bytes]]) -> None:
        self.names = {name for name, _ in entries}
        self.pictures: dict[bytes, tuple[int, Picture]] = {}  # by their bytes
        self.shown: dict[str, set[int]] = {}  # part name -> the numbers of its pictures
        self.part = ""

    @contextlib.contextmanager
    def placing(self, part: str) -> Iterator[None]:
        """Let the `picture` filter place pictures in `part` while it renders."""
        token = _PICTURE_PLACING.set(self)
        self.part = part
        try:
            yield
        finally:
            _PICTURE_PLACING.reset(token)

    def place(self, picture: Picture, height_cm: float, width_cm: float) -> str:
        """The run that shows `picture` in the part being rendered."""
        number, _ = self.pictures.setdefault(picture.data, (len(self.pictures) + 1, picture))
        self.shown.setdefault(self.part, set()).add(number)
        cx, cy = picture.fitted(height_cm, width_cm)
        return _PICTURE_RUN.format(
            wp=_NS["wp"],
            a=_NS["a"],
            r=_NS["r"],
            uri=_PICTURE_URI,
            cx=cx,
            cy=cy,
            name=f"Picture {number}",
            alt=html.escape(picture.alt),
            rid=f"rIdKlusterdocsPicture{number}",
        )

    def media(self, number: int) -> str:
        picture = next(p for n, p in self.pictures.values() if n == number)
        return f"media/klusterdocs-picture{number}.{picture.extension}"

    def added_to(self, entries: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        """`entries` with the types of the pictures, each showing part's relationships to
        them (a relationships part of its own where it had none), then the pictures."""
        if not self.pictures:
            yield from entries
            return
        rels = {_rels_name(part): part for part in self.shown}
        for name, data in entries:
            if name == "[Content_Types].xml":
                data = self._with_types(data)
            elif name in rels:
                data = self._with_relationships(data, self.shown[rels[name]])
            yield name, data
            if name in self.shown and _rels_name(name) not in self.names:
                yield _rels_name(name), self._with_relationships(_EMPTY_RELS, self.shown[name])
        for number, picture in self.pictures.values():
            yield f"word/{self.media(number)}", picture.data

    def _with_types(self, data: bytes) -> bytes:
        types = etree.fromstring(data, _PARSER)
        space = types.nsmap[None]
        known = {d.get("Extension", "").lower() for d in types.iter(f"{{{space}}}Default")}
        for _, picture in self.pictures.values():
            if picture.extension not in known:
                known.add(picture.extension)
                default = etree.Element(f"{{{space}}}Default")
                default.set("Extension", picture.extension)
                default.set("ContentType", picture.content_type)
                types.insert(0, default)  # the Defaults come first
        return _xml_bytes(types)

    def _with_relationships(self, data: bytes, numbers: set[int]) -> bytes:
        root = etree.fromstring(data, _PARSER)
        for number in sorted(numbers):
            relationship = etree.SubElement(root, f"{{{root.nsmap[None]}}}Relationship")
            relationship.set("Id", f"rIdKlusterdocsPicture{number}")
            relationship.set("Type", _IMAGE_RELATIONSHIP)
            relationship.set("Target", self.media(number))
        return _xml_bytes(root)


_EMPTY_RELS = (
    f'{_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"/>'
).encode()


def _rels_name(part: str) -> str:
    """The name of the relationships part of `part` (`word/_rels/header1.xml.rels`)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def picture_run(value: Any, height_cm: Any = 2.0, width_cm: Any = None) -> Markup:
    """The `picture` filter: a picture of the context (`doc.logo`) as a run, for `{{r … }}`,
    at most `height_cm` tall and `width_cm` (default four times that) wide; nothing when the
    file gives none."""
    if not value:
        return Markup("")
    if not isinstance(value, Picture):
        raise jinja2.TemplateRuntimeError(
            f"the picture filter takes a picture such as doc.logo, not {str(value)[:40]!r}"
        )
    try:
        height = float(height_cm)
        width = float(width_cm) if width_cm is not None else 4 * height
    except (TypeError, ValueError):
        raise jinja2.TemplateRuntimeError(
            "the picture filter takes its largest height and width in cm: picture(2, 7)"
        ) from None
    if not (0 < height <= 30 and 0 < width <= 30):
        raise jinja2.TemplateRuntimeError("a picture can be at most 30 cm tall and wide")
    placed = _PICTURE_PLACING.get()
    if placed is None:
        raise jinja2.TemplateRuntimeError("a picture can only be placed in a Word part")
    return Markup(placed.place(value, height, width))


# -- core properties ------------------------------------------------------------------------

_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_CORE_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)


# Parts of a template a document does not take: Word 2010's copy of the styles
# (`stylesWithEffects`: Word 2013 and later neither write nor need it, and a copy that no
# longer matches the styles, as python-docx leaves it, makes Word report unreadable content),
# and the template author's comments (notes to whoever edits the template, their tags never
# filled in; a financier would read them in the document and its PDF).
_NOT_TAKEN = re.compile(r"word/(stylesWithEffects|comments\w*)\.xml$")
_COMMENT_MARKS = re.compile(
    rb"<w:commentRange(?:Start|End)\b[^>]*/>"
    rb"|<w:r(?:\s[^>]*)?>(?:(?!</w:r>).)*?<w:commentReference\b[^>]*/>(?:(?!</w:r>).)*?</w:r>",
    re.DOTALL,
)


def _without_parts_not_taken(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The package without the parts a document does not take (see `_NOT_TAKEN`), their
    relationships, their types and the marks that point at the comments."""
    if not any(_NOT_TAKEN.match(name) for name, _ in entries):
        return entries
    kept = []
    for name, data in entries:
        if _NOT_TAKEN.match(name):
            continue
        if name in ("[Content_Types].xml", "word/_rels/document.xml.rels"):
            root = etree.fromstring(data, _PARSER)
            for item in list(root):
                target = (item.get("PartName") or item.get("Target") or "").lstrip("/")
                if _NOT_TAKEN.match(target if target.startswith("word/") else f"word/{target}"):
                    root.remove(item)
            data = _xml_bytes(root)
        elif WORD_PARTS.match(name):
            data = _COMMENT_MARKS.sub(b"", data)
        kept.append((name, data))
    return kept


def _with_core_properties(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The package's entries, with a core properties part where the template has none."""
    names = {name for name, _ in entries}
    if "docProps/core.xml" in names or not {"[Content_Types].xml", "_rels/.rels"} <= names:
        return entries
    patched = []
    for name, data in entries:
        if name == "[Content_Types].xml":
            types = etree.fromstring(data, _PARSER)
            override = etree.SubElement(types, f"{{{types.nsmap[None]}}}Override")
            override.set("PartName", "/docProps/core.xml")
            override.set("ContentType", _CORE_TYPE)
            data = _xml_bytes(types)
        elif name == "_rels/.rels":
            rels = etree.fromstring(data, _PARSER)
            relationship = etree.SubElement(rels, f"{{{rels.nsmap[None]}}}Relationship")
            relationship.set("Id", "rIdKlusterdocsCore")
            relationship.set("Type", _CORE_RELATIONSHIP)
            relationship.set("Target", "docProps/core.xml")
            data = _xml_bytes(rels)
        patched.append((name, data))
    return [*patched, ("docProps/core.xml", b"")]


def _core_properties(
    source: WordTemplate, data: bytes, context: dict[str, Any], properties: Properties
) -> bytes:
    """The template's core properties, its tags rendered (as docxtpl does) and ours set."""
    core = etree.fromstring(data, _PARSER) if data else empty_core_properties()
    for item in core:
        text = item.text or ""
        if "{{" in text or "{%" in text:
            try:
                rendered = environment().from_string(text).render(context)
                item.text = clean_text(html.unescape(rendered))
            except Exception as exc:
                raise _template_error(source.path, "docProps/core.xml", exc, text) from None
    moment = properties.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, value in (
        ("dc:title", properties.title),
        ("dc:subject", properties.subject),
        ("dc:creator", properties.author),
        ("cp:keywords", properties.keywords),
        ("dc:language", properties.language),
        ("cp:lastModifiedBy", properties.author),
        ("cp:revision", "1"),
        ("dcterms:created", moment),
        ("dcterms:modified", moment),
    ):
        set_core_property(core, name, value)
    return _xml_bytes(core)


def _xml_bytes(root: Any) -> bytes:
    return _DECLARATION.encode() + etree.tostring(root, encoding="UTF-8")


__all__ = ["WORD_PARTS", "Properties", "environment", "patch_template_xml", "render_docx"]
