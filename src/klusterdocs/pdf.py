"""PDF copies of written documents, through LibreOffice (headless).

One LibreOffice call converts every file, with a private profile (so a running LibreOffice or
a broken user profile does not interfere) and a timeout. A Word document's table of contents is
a TOC field that Word refreshes on open but LibreOffice shows as cached; for the PDF, a copy
with the field unwrapped is converted, so LibreOffice computes each entry's PAGEREF page number.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from klusterdocs.errors import RenderError, display_path
from klusterdocs.output import atomic_path

TIMEOUT_SECONDS = 300
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def libreoffice() -> str:
    """The LibreOffice executable, or a clear error saying how to get it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        "--pdf needs LibreOffice, which is not installed "
        "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui libreoffice-impress-nogui)"
    )


def convert_to_pdf(sources: Sequence[Path], timeout: float = TIMEOUT_SECONDS) -> list[Path]:
    """Write `<name>.pdf` next to each source; return the PDFs' paths."""
    if not sources:
        return []
    executable = libreoffice()
    with tempfile.TemporaryDirectory(prefix="klusterdocs-pdf-") as work:
        folder = Path(work)
        staged = []
        for index, source in enumerate(sources):
            copy = folder / "in" / str(index) / source.name
            copy.parent.mkdir(parents=True)
            if source.suffix == ".docx":
                _unwrap_toc_field(source, copy)
            else:
                shutil.copyfile(source, copy)
            staged.append(copy)
        out = folder / "out"
        command = [
            executable,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, staged),
        ]
        try:
            subprocess.run(
                command,
                check=True,
                capture_output=True,
                timeout=timeout,
                env={**os.environ, "HOME": str(folder)},
            )
        except subprocess.TimeoutExpired:
            raise RenderError(f"LibreOffice did not finish within {timeout:.0f} s") from None
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace").strip()[-300:]
            raise RenderError(f"LibreOffice failed to convert: {detail}") from None
        written = []
        for source, copy in zip(sources, staged, strict=True):
            produced = out / f"{copy.stem}.pdf"
            if not produced.is_file():
                raise RenderError(f"LibreOffice wrote no PDF for {display_path(source)}")
            target = source.with_suffix(".pdf")
            with atomic_path(target) as temporary:
                shutil.copyfile(produced, temporary)
            written.append(target)
    return written


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
