"""Checks that hold for every document klusterdocs writes, whatever renderer wrote it.

Every renderer's tests call these, so a new kind of document cannot skip them: the file is
valid for Microsoft 365 (openxml-audit, a port of the Open XML SDK's validator) and reopens in
python-docx or python-pptx; its PDF holds every word of it and passes `pdfua check`.
"""

from __future__ import annotations

import functools
import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

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
    """The text of a .docx's body as a reader sees it: every paragraph, in tables too."""
    from lxml import etree

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
    next (the page's footer and the table's repeated header come between).
    """
    pages = [
        _SPACE.sub("", page).replace("\u00ad", "").replace("-", "")
        for page in pdf_text(pdf).split("\f")
    ]
    shown = "".join(pages)
    words = {w.replace("-", "") for w in _SPACE.split(body_text(document))}
    return sorted(w for w in words if w and w not in shown and not _across(w, pages))


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
