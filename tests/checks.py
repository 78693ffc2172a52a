"""Checks that hold for every document klusterdocs writes, whatever renderer wrote it.

Every renderer's tests call these, so a new kind of document cannot skip them: the file is
valid for Microsoft 365 (openxml-audit, a port of the Open XML SDK's validator) and reopens in
python-docx or python-pptx; its PDF holds every word of it and passes `pdfua check`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
from pptx import Presentation

# LibreOffice, poppler and a font metric-compatible with Calibri, for the PDF checks.
HAVE_LIBREOFFICE = bool(shutil.which("soffice") and shutil.which("pdftotext"))


@functools.cache
def _validator():  # type: ignore[no-untyped-def]
    from openxml_audit import FileFormat, OpenXmlValidator

    return OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0)


def office_errors(path: Path) -> list[str]:
    """What Microsoft 365's rules find wrong with the .docx or .pptx at `path`."""
    result = _validator().validate(str(path))
    return [f"{e.description} @ {getattr(e, 'path', '')}" for e in result.errors]


def assert_valid_office(path: Path) -> None:
    """`path` passes openxml-audit with no error and reopens in python-docx / python-pptx."""
    errors = office_errors(path)
    assert not errors, f"{path.name}: {len(errors)} error(s), first: {errors[:3]}"
    if path.suffix == ".docx":
        docx.Document(str(path))
    else:
        Presentation(str(path))


def body_text(path: Path) -> str:
    """The text of a .docx's body or a .pptx's slides as a reader sees it: every paragraph,
    in tables too."""
    from lxml import etree

    if path.suffix == ".pptx":
        a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
        slides = Presentation(str(path)).slides
        return "\n".join(
            "".join(t.text or "" for t in paragraph.iter(f"{a}t"))
            for slide in slides
            for paragraph in slide._element.iter(f"{a}p")
        )
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    lines = []
    for paragraph in root.iter(f"{w}p"):
        if paragraph.find(f".//{w}instrText") is not None:
            continue  # a field (the table of contents): its text is LibreOffice's to lay out
        lines.append("".join(_SHOWN[e.tag] or e.text or "" for e in paragraph.iter(*_SHOWN)))
    return "\n".join(lines)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# what a run shows: its text, and white space for a tab or a line break
_SHOWN = {f"{_W}t": "", f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


_SPACE = re.compile(r"\s+")


def words_missing_from_pdf(document: Path, pdf: Path) -> list[str]:
    """The words of the document's body that its PDF does not show.

    Both texts are compared without white space, so a word that a narrow column breaks over
    two lines still counts as shown; a row or paragraph that is lost does not. Hyphens are
    left out too: pdftotext joins a word hyphenated at a line's end and drops its hyphen. A
    word a row breaks over a page counts as shown when it starts on one page and ends on the
    next (the page's footer and the table's repeated header come between). Case is ignored:
    a style in capitals (`w:caps`) shows "Contents" as "CONTENTS".
    """
    pages = [
        _SPACE.sub("", page).replace("\u00ad", "").replace("-", "").casefold()
        for page in pdf_text(pdf).split("\f")
    ]
    shown = "".join(pages)
    words = {w.replace("-", "").casefold() for w in _SPACE.split(body_text(document))}
    missing = [w for w in words if w and w not in shown and not _across(w, pages)]
    if missing:  # a word a narrow column broke over a page, other columns' text between
        raw = pdf_text(pdf).split("\f")
        missing = [w for w in missing if not _broken_over_pages(w, raw)]
    return sorted(missing)


def _broken_over_pages(word: str, pages: list[str]) -> bool:
    """Whether `word` ends a line at one page's foot and its rest starts a line on the next."""

    def lines(page: str) -> list[str]:
        return [_SPACE.sub("", line).replace("-", "").casefold() for line in page.splitlines()]

    for before, after in itertools.pairwise(pages):
        ends, starts = lines(before), lines(after)
        for k in range(1, len(word)):
            if any(e.endswith(word[:k]) for e in ends) and any(
                s.startswith(word[k:]) for s in starts
            ):
                return True
    return False


def _across(word: str, pages: list[str]) -> bool:
    """Whether `word` starts at the foot of one page and goes on at the top of the next."""
    return any(
        word[:k] in before[-(k + 200) :] and word[k:] in after[: len(word) - k + 400]
        for before, after in itertools.pairwise(pages)
        for k in range(1, len(word))
    )


def has_split_rows(document: Path) -> bool:
    """Whether a table row of the .docx may break across pages (one taller than half a page)."""
    with zipfile.ZipFile(document) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    return any("<w:cantSplit/>" not in row for row in re.findall(r"<w:tr[ >].*?</w:tr>", body))


_HEADINGS = {f"/H{level}" for level in range(1, 7)}


def heading_jumps(document: Path) -> list[str]:
    """Headings that skip a level (a Heading 3 after a Heading 1): a screen reader's outline
    of the document, and the PDF's structure, would have a hole there."""
    levels = [
        (int(p.style.name.split()[-1]), p.text)
        for p in docx.Document(str(document)).paragraphs
        if p.style is not None and re.fullmatch(r"Heading \d", p.style.name) and p.text.strip()
    ]
    jumps = []
    previous = 0
    for level, text in levels:
        if level > previous + 1:
            jumps.append(f"{text!r}: Heading {level} after Heading {previous}")
        previous = level
    return jumps


def stranded_headings(pdf: Path) -> list[str]:
    """Headings that end a page of the (tagged) PDF, what they head on the next one.

    Read from the structure tree, in reading order: a heading whose next element starts on
    a later page stands alone at the foot of its own.
    """
    from pdfua import PdfDocument

    stranded = []
    with PdfDocument.open(str(pdf)) as document:
        blocks = [b for top in document.struct_elements for b in top.children]
        for index, block in enumerate(blocks):
            if block.role not in _HEADINGS or block.page is None:
                continue
            following = next((b.page for b in blocks[index + 1 :] if b.page is not None), None)
            if following is not None and following > block.page:
                stranded.append(f"{block.role} on page {block.page}")
    return stranded


def pdfua_errors(pdf: Path) -> list[str]:
    """What `pdfua check` reports as errors for the PDF at `pdf`."""
    from pdfua import Severity, validate

    report = validate(str(pdf))
    return [f"{f.rule_id}: {f.message}" for f in report.findings if f.severity >= Severity.ERROR]


@functools.cache
def has_document_fonts() -> bool:
    """Whether the built-in templates' font (Calibri, or metric-compatible Carlito) is here:
    without it, where lines break in a PDF is not what the tests expect."""
    from klusterdocs.pdf import missing_fonts

    templates = Path(__file__).resolve().parent.parent / "templates"
    return not missing_fonts(sorted(templates.glob("*/default.*")))


# -- every value a user typed reaches a document ---------------------------------------------

# Values that name a file or the format rather than saying something in a document.
# `logo` is a picture on the cover, not text
_NOT_SHOWN = {"id", "short_name", "klusterdocs", "language", "currency", "logo"}


def typed_values(model: Any) -> list[tuple[str, list[str]]]:
    """Each value of an initiative file, with the ways a document may show it.

    Walks the model by its own field types, so a field added to the model is checked without a
    change here: text as typed or as its Markdown reads, numbers and amounts as the document's
    language writes them, an enum value by its label, a reference by what it points at.
    """
    from klusterdocs.context.format import Formatter, clean_text
    from klusterdocs.i18n import labels
    from klusterdocs.loading import _REFERENCES
    from klusterdocs.model.base import Strict, field_types
    from klusterdocs.model.types import FlexDate
    from klusterdocs.render.markup import plain

    fmt = Formatter(model.language, model.budget.currency, cents=model.has_cents)
    enum_labels: dict[str, set[str]] = {}
    for group in labels(model.language)["enums"].values():
        for key, label in group.items():
            enum_labels.setdefault(key, set()).add(label)
    names = _names_by_id(model)
    references = {path.replace("[]", "") for path in _REFERENCES["initiative"]}
    out: list[tuple[str, list[str]]] = []

    def text(value: str) -> list[str]:
        cleaned = clean_text(value)
        return [cleaned, plain(cleaned)]

    def shown(value: Any, path: str, hint: Any) -> None:
        if isinstance(value, Strict):
            for name, field_hint in field_types(type(value)).items():
                if name not in _NOT_SHOWN:
                    shown(getattr(value, name), f"{path}.{name}".lstrip("."), field_hint)
            return
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, list):
            for item in value:
                shown(item, path, None)
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if path.endswith(("budget", "amounts")):  # amounts per year
                    out.append((path, [str(key)]))
                    out.append((path, [fmt.money(item)]))
                else:
                    shown(item, f"{path}.{key}", None)
            return
        plain_path = re.sub(r"\.\d+", "", path)
        if plain_path in references:
            out.append((path, [names[value]]))
        elif isinstance(value, str) and value in enum_labels and _is_choice(hint):
            out.append((path, sorted(enum_labels[value])))
        elif isinstance(value, str):
            out.append((path, text(value)))
        elif isinstance(value, FlexDate):
            out.append((path, [fmt.flex_date(value), fmt.period(value, None)]))
        elif isinstance(value, dt.date):
            out.append((path, [fmt.date(value)]))
        elif isinstance(value, int | float):
            out.append((path, [fmt.number(value), str(value)]))

    shown(model, "", None)
    return out


def _is_choice(hint: Any) -> bool:
    import typing

    return "Literal" in str(hint) or any("Literal" in str(a) for a in typing.get_args(hint))


def _names_by_id(model: Any) -> dict[str, str]:
    """What each id of the file is called: a reference shows as the name it points at."""
    from klusterdocs.context.format import clean_text

    found: dict[str, str] = {}
    for items in (
        model.strategy.focus_areas,
        model.strategy.goals,
        model.actors,
        model.indicators,
        model.activities,
        model.risks,
    ):
        for item in items:
            label = getattr(item, "name", None) or getattr(item, "title", None) or item.text
            found[item.id] = clean_text(label)
    return found


def document_text(path: Path) -> str:
    """Every text of a .docx a reader sees: body, tables, headers and footers."""
    with zipfile.ZipFile(path) as archive:
        parts = [
            n
            for n in archive.namelist()
            if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)
        ]
        xml = "".join(archive.read(n).decode("utf-8") for n in parts)
    from lxml import etree

    texts = []
    for part in re.findall(r"<w:(?:document|hdr|ftr)\b.*?</w:(?:document|hdr|ftr)>", xml, re.S):
        root = etree.fromstring(part.encode("utf-8"))
        texts += [_SHOWN[e.tag] or e.text or "" for e in root.iter(*_SHOWN)]
    return "".join(texts)


def values_missing(model: Any, documents: list[Path]) -> list[str]:
    """The values of `model` that none of `documents` shows, as `path: value` lines."""
    shown = _SPACE.sub("", "".join(document_text(d) for d in documents))
    missing = []
    for path, ways in typed_values(model):
        if not any(_SPACE.sub("", way) in shown for way in ways if way.strip()):
            missing.append(f"{path}: {ways[0][:60]!r}")
    return missing
