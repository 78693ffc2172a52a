"""PDF copies of written documents, through LibreOffice (headless).

The PDFs are tagged PDF/UA (ISO 14289): headings, tables with their header cells, reading
order, title and language are in the file, as Swedish public bodies must publish them (lag
(2018:1937) om tillgänglighet till digital offentlig service). One LibreOffice call converts
every file of a kind, with a private profile (so a running LibreOffice or a broken user
profile does not interfere) and a timeout. A Word document's table of contents is a TOC field
that Word refreshes on open but LibreOffice shows as cached; for the PDF, a copy with the field
unwrapped is converted, so LibreOffice computes each entry's PAGEREF page number.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from klusterdocs.errors import RenderError, display_path
from klusterdocs.output import atomic_path

TIMEOUT_SECONDS = 300
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_FONT_PACKAGES = "fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2"
_INSTALL = (
    "Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-impress-nogui "
    + _FONT_PACKAGES
)
# LibreOffice's PDF export filter for each kind of document, and the options that make the
# PDF tagged and PDF/UA: the document's title shown, its language and structure kept.
_FILTERS = {".docx": "writer_pdf_Export", ".pptx": "impress_pdf_Export"}
_TAGGED = ("UseTaggedPDF", "PDFUACompliance", "ExportBookmarks")
# a handout: each slide on a page of its own with its speaker notes under it
_NOTES = ("ExportNotesPages", "ExportOnlyNotesPages")


def _export_options(names: tuple[str, ...]) -> str:
    return json.dumps({name: {"type": "boolean", "value": "true"} for name in names})


# Fonts that Office documents name, and the free fonts with the same metrics that LibreOffice
# substitutes for them: with neither, lines break at other places and words in table cells.
# the Debian package with each font's metric twin (no package has Aptos or Myriad Pro)
_PACKAGE_OF = {
    "calibri": "fonts-crosextra-carlito",
    "cambria": "fonts-crosextra-caladea",
    "arial": "fonts-liberation2",
    "helvetica": "fonts-liberation2",
    "times new roman": "fonts-liberation2",
    "courier new": "fonts-liberation2",
}
METRIC_COMPATIBLE = {
    "calibri": "carlito",
    "cambria": "caladea",
    "arial": "liberation sans",
    "helvetica": "liberation sans",
    "times new roman": "liberation serif",
    "courier new": "liberation mono",
}


def libreoffice() -> str:
    """The LibreOffice executable, or a clear error saying how to get it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(f"--pdf needs LibreOffice, which is not installed ({_INSTALL})")


def missing_fonts(sources: Sequence[Path]) -> list[str]:
    """The fonts the documents use that are installed neither themselves nor as a
    metric-compatible font (Calibri or Carlito); empty where fontconfig cannot tell."""
    if not shutil.which("fc-match"):
        return []
    wanted = sorted({font for source in sources for font in _fonts_of(source)})
    return [font for font in wanted if not _installed(font)]


def font_warning(sources: Sequence[Path]) -> str | None:
    """A warning to print before converting `sources`, when a font they use is missing."""
    missing = missing_fonts(sources)
    if not missing:
        return None
    names = ", ".join(
        f"{font} (or {METRIC_COMPATIBLE[font.lower()].title()})"
        if font.lower() in METRIC_COMPATIBLE
        else font
        for font in missing
    )
    packages = sorted({_PACKAGE_OF[f.lower()] for f in missing if f.lower() in _PACKAGE_OF})
    advice = (
        f"Install the fonts (Debian/Ubuntu: apt-get install {' '.join(packages)})"
        if len(packages) == len(missing)
        else "Install the fonts the templates name"
        + (f" (Debian/Ubuntu has some: apt-get install {' '.join(packages)})" if packages else "")
    )
    return (
        f"the documents use {names}, which this machine does not have: LibreOffice will use "
        f"a wider font, so lines and words in table cells break at other places. {advice}."
    )


def _installed(font: str) -> bool:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}", font], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: say nothing
    families = {name.strip().lower() for name in found.split(",")}
    return bool(families & {font.lower(), METRIC_COMPATIBLE.get(font.lower(), "")})


def _fonts_of(source: Path) -> set[str]:
    """The fonts the text of a .docx (through the styles it uses) or a .pptx (its theme) is
    set in."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        with zipfile.ZipFile(source) as archive:
            parts = {
                name: etree.fromstring(archive.read(name), parser)
                for name in archive.namelist()
                if name in ("word/styles.xml", "word/document.xml")
                or (name.startswith(("word/theme/", "ppt/theme/")) and name.endswith(".xml"))
            }
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return set()
    theme = {}
    for name, root in parts.items():
        if "/theme/" in name:
            for kind in ("major", "minor"):
                latin = root.find(f".//{_A}{kind}Font/{_A}latin")
                if latin is not None:
                    theme[kind] = latin.get("typeface", "")
    if source.suffix == ".pptx":
        fonts = set(theme.values())
    else:
        fonts = _word_fonts(parts.get("word/styles.xml"), parts.get("word/document.xml"), theme)
    return {font for font in fonts if font and not font.startswith("+")}


def _word_fonts(styles: Any, document: Any, theme: dict[str, str]) -> set[str]:
    """The fonts of the document defaults and of every style the body uses (with the styles
    they are based on): not those of the dozens of styles a template carries unused."""
    if styles is None:
        return set()
    by_id = {s.get(f"{_W}styleId"): s for s in styles.iter(f"{_W}style")}
    wanted = [s for s in by_id if by_id[s].get(f"{_W}default") in ("1", "true")]
    if document is not None:
        for tag in ("pStyle", "rStyle", "tblStyle"):
            wanted += [e.get(f"{_W}val") for e in document.iter(f"{_W}{tag}")]
    from klusterdocs.render.wordxml import styles_in_use

    in_use = styles_in_use(by_id, wanted)
    elements = [styles.find(f"{_W}docDefaults"), *(by_id[i] for i in sorted(in_use))]
    fonts = set()
    for element in elements:
        for rfonts in element.iter(f"{_W}rFonts") if element is not None else ():
            fonts.add(rfonts.get(f"{_W}ascii", ""))
            kind = rfonts.get(f"{_W}asciiTheme", "")[:5]  # majorHAnsi -> major
            fonts.add(theme.get(kind, ""))
    return fonts


def convert_to_pdf(
    sources: Sequence[Path], timeout: float = TIMEOUT_SECONDS, *, handout: bool = False
) -> list[Path]:
    """Write a tagged `<name>.pdf` next to each source; return the PDFs' paths.

    With `handout` (decks), write `<name>-handout.pdf`: each slide with its speaker notes, for
    participants and co-coaches.
    """
    options = _export_options(_TAGGED + (_NOTES if handout else ()))
    if not sources:
        return []
    executable = libreoffice()
    with tempfile.TemporaryDirectory(prefix="klusterdocs-pdf-") as work:
        folder = Path(work)
        staged = []
        (folder / "in").mkdir()
        for index, source in enumerate(sources):
            # LibreOffice names each PDF after its file, in one folder: two initiatives'
            # verksamhetsplan.docx would write one verksamhetsplan.pdf
            copy = folder / "in" / f"{index}-{source.name}"
            if source.suffix == ".docx":
                _unwrap_toc_field(source, copy)
            else:
                shutil.copyfile(source, copy)
            staged.append(copy)
        out = folder / "out"
        for suffix, export_filter in _FILTERS.items():
            group = [copy for copy in staged if copy.suffix == suffix]
            if group:
                try:
                    _run_libreoffice(
                        executable, folder, export_filter, options, group, out, timeout
                    )
                except RenderError as exc:  # which documents it was converting
                    pairs = zip(sources, staged, strict=True)
                    names = [display_path(source) for source, copy in pairs if copy in group]
                    raise RenderError(f"{', '.join(names)}: {exc}") from None
        written = []
        for source, copy in zip(sources, staged, strict=True):
            produced = out / f"{copy.stem}.pdf"
            if not produced.is_file():
                raise RenderError(f"LibreOffice wrote no PDF for {display_path(source)}")
            target = source.with_name(f"{source.stem}{'-handout' if handout else ''}.pdf")
            with atomic_path(target) as temporary:
                shutil.copyfile(produced, temporary)
                if handout:
                    _describe_slides(source, temporary)
                else:
                    _describe_charts(source, temporary)
            written.append(target)
    return written


def _run_libreoffice(
    executable: str,
    folder: Path,
    export_filter: str,
    options: str,
    files: list[Path],
    out: Path,
    timeout: float,
) -> None:
    command = [
        executable,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        f"pdf:{export_filter}:{options}",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    _lock_down(folder / "profile")
    scratch = folder / "tmp"  # LibreOffice's own temporary files go with the folder
    scratch.mkdir(exist_ok=True)
    # its own process group: on a timeout or an interrupt, LibreOffice's helpers go too
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "HOME": str(folder), "TMPDIR": str(scratch)},
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(f"LibreOffice did not finish within {timeout:.0f} s") from None
    except BaseException:  # interrupted (Ctrl-C, SIGTERM): leave no LibreOffice behind
        _kill_group(process)
        raise
    if process.returncode != 0:
        detail = stderr.decode(errors="replace").strip()[-300:]
        raise RenderError(f"LibreOffice failed to convert: {detail}")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.communicate(timeout=10)  # reaps it and closes its pipes
    except subprocess.TimeoutExpired:  # a helper that left the group holds a pipe open
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait()


# The private profile's settings: fetch nothing a document links from outside (a picture on
# the disk or the web), and run no macro.
_LOCKED_DOWN = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def _lock_down(profile: Path) -> None:
    """Write the private profile's settings before LibreOffice first starts with it."""
    settings = profile / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_LOCKED_DOWN, encoding="utf-8")


_CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_SHAPE_URI = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _chart_descriptions(source: Path) -> list[str]:
    """The alt text of each Figure LibreOffice leaves without one, in the order of the
    document: every chart (LibreOffice drops theirs) and, in a .docx's body, every picture
    the template gives none (then its name, if its author gave it one, else "Picture")."""
    if source.suffix == ".pptx":
        return _slide_chart_descriptions(source)
    from lxml import etree

    with zipfile.ZipFile(source) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    picture = _picture_word(source)
    found = []
    for inline in root.iter(f"{_WP}inline", f"{_WP}anchor"):
        kinds = {g.get("uri") for g in inline.iter(f"{_A}graphicData")}
        described = inline.find(f"{_WP}docPr")
        about: dict[str, str] = {}
        if described is not None:
            about = {str(k): str(v) for k, v in described.attrib.items()}
        if _CHART_URI in kinds:
            found.append(about.get("descr", ""))
        elif _PICTURE_URI in kinds and not about.get("descr", "").strip():
            name = " ".join((about.get("title") or about.get("name") or "").split())
            found.append(name if name and not _GENERIC_NAME.fullmatch(name) else picture)
        elif _SHAPE_URI in kinds:  # a text box or a drawn shape: what it says, if anything
            paragraphs = (
                "".join(t.text or "" for t in p.iter(f"{_W}t")) for p in inline.iter(f"{_W}p")
            )
            said = " ".join(" ".join(paragraphs).split())
            found.append(about.get("descr", "").strip() or said or picture)
    return found


def _picture_word(source: Path) -> str:
    """ "Bild" or "Picture", in the document's language: the alt text of a Figure nothing
    better is known of."""
    from klusterdocs.i18n import labels

    try:
        with zipfile.ZipFile(source) as archive:
            core = archive.read("docProps/core.xml")
    except (KeyError, OSError, zipfile.BadZipFile):
        core = b""
    english = b"<dc:language>en" in core
    return str(labels("en" if english else "sv")["documents"]["charts"]["picture_alt"])


# What Word and PowerPoint name a picture they insert ("Picture 3", "Bild 2", "Grafik 1")
_GENERIC_NAME = re.compile(r"(picture|image|graphic|bild|grafik|billede|kuva)\s*\d*", re.I)


def _slide_chart_descriptions(source: Path) -> list[str]:
    from pptx import Presentation

    found = []
    for slide in Presentation(str(source)).slides:
        for frame in slide.shapes._spTree.iter(f"{_P}graphicFrame"):
            if any(g.get("uri") == _CHART_URI for g in frame.iter(f"{_A}graphicData")):
                found.append(frame.nvGraphicFramePr.cNvPr.get("descr", ""))
    return found


def _describe_charts(source: Path, pdf: Path) -> None:
    """Give the figures in `pdf` that have no alt text the one they have in `source`.

    LibreOffice (7.4) tags a chart as a Figure but leaves its alt text out, which a screen
    reader then cannot say and PDF/UA forbids. Pictures keep theirs: the Figures without one
    are the charts and the pictures without one, in the order of the document.
    """
    descriptions = _chart_descriptions(source)
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return
        silent = [f for f in _figures(tree) if "/Alt" not in f]
        if len(silent) != len(descriptions):  # not the figures expected: a wrong alt text
            descriptions = [_picture_word(source)] * len(silent)  # would be worse than "Bild"
        for figure, text in zip(silent, descriptions, strict=True):
            figure.Alt = pikepdf.String(text)
        headed = _head_rows(tree)
        if silent or headed:
            document.save(pdf, deterministic_id=True)


def _head_rows(tree: Any) -> bool:
    """Make the first cell of each row a row header in the PDF's tables without a header
    cell: a template's table whose rows all come from a loop has no header row (the first
    record would repeat on every page as one), and a PDF's table needs header cells
    (PDF/UA). Each row's first cell names its record ("Gemensam vision", "Klar", ...)."""
    import pikepdf

    changed = False
    for table in _elements(tree, "/Table"):
        rows = _elements(table, "/TR", into_tables=False)
        if not rows or any(_elements(row, "/TH", into_tables=False) for row in rows):
            continue
        for row in rows:
            cells = [kid for kid in _kids(row) if kid.get("/S") == "/TD"]
            if cells:
                cells[0].S = pikepdf.Name.TH
                cells[0].A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Row)
                changed = True
    return changed


def _describe_slides(source: Path, pdf: Path) -> None:
    """Give each slide's picture on a handout's page its alt text: "Bild 3: <its title>".

    LibreOffice draws the slide on its notes page as a Figure with no alt text; the slide's
    words are read from the deck, which the handout goes with.
    """
    import pikepdf
    from pptx import Presentation

    from klusterdocs.i18n import labels

    deck = Presentation(str(source))
    lang = "en" if (deck.core_properties.language or "").startswith("en") else "sv"
    said = labels(lang)["deck_day"]["handout_slide"]
    titles = [
        slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        for slide in deck.slides
    ]
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        tree = document.Root.get("/StructTreeRoot")
        silent = [f for f in _figures(tree) if "/Alt" not in f] if tree is not None else []
        if len(silent) != len(titles):
            return  # not one figure per slide: better no alt text than a wrong one
        for number, (figure, title) in enumerate(zip(silent, titles, strict=True), start=1):
            text = " ".join(title.split())
            figure.Alt = pikepdf.String(said.format(number=number, title=text).rstrip(": "))
        document.save(pdf, deterministic_id=True)


def _figures(element: Any) -> list[Any]:
    """Every Figure of a PDF's structure tree below `element`, in document order."""
    return _elements(element, "/Figure")


def _elements(element: Any, kind: str, *, into_tables: bool = True) -> list[Any]:
    """Every structure element of `kind` below `element`, in document order; without
    `into_tables`, not those in a table below it (an inner table's rows are not the outer's)."""
    found = []
    stack = _kids(element)[::-1]
    while stack:
        node = stack.pop()
        if node.get("/S") == kind:
            found.append(node)
        if into_tables or node.get("/S") != "/Table":
            stack.extend(reversed(_kids(node)))
    return found


def _kids(node: Any) -> list[Any]:
    """A structure element's child elements (not its marked-content references)."""
    import pikepdf

    kids = node.get("/K")
    children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in children if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _unwrap_toc_field(source: Path, target: Path) -> None:
    """Copy a .docx, removing the TOC field's own markers but keeping its entries."""
    from lxml import etree

    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                _remove_toc_markers(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            copy.writestr(item, data)


def _remove_toc_markers(root: object) -> None:
    runs = list(root.iter(f"{_W}r"))  # type: ignore[attr-defined]
    depth, toc_depth, doomed = 0, None, []
    for run in runs:
        char = run.find(f"{_W}fldChar")
        kind = char.get(f"{_W}fldCharType") if char is not None else None
        instruction = run.find(f"{_W}instrText")
        if kind == "begin":
            depth += 1
            pending = run
        elif instruction is not None and " TOC " in f" {instruction.text or ''} " and depth:
            toc_depth = depth
            doomed += [pending, run]
        elif kind == "separate" and toc_depth == depth:
            doomed.append(run)
        elif kind == "end":
            if toc_depth == depth:
                doomed.append(run)
                toc_depth = None
            depth -= 1
    for run in doomed:
        run.getparent().remove(run)
