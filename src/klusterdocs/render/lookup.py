"""Find the template of a document: the user's most specific one first, then the built-in set.

Lookup order (docs/cli.md), so a region can override one phase of one document:
`<templates>/<document>/<phase>.<ext>`, `<templates>/<document>/default.<ext>`, then the same
two in the built-in templates.
"""

from __future__ import annotations

from pathlib import Path

from klusterdocs.errors import TemplateError, display_path

EXTENSIONS = {
    "verksamhetsplan": "docx",
    "intressentanalys": "docx",
    "forstudie": "docx",
    "modul": "pptx",
}


def builtin_templates() -> Path:
    """The templates shipped with klusterdocs (inside the package, or the checkout's)."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"  # running from a source checkout


def candidates(document: str, phase: str, user_dir: Path | None = None) -> list[Path]:
    """Every path looked at for `document` in `phase`, most specific first."""
    ext = EXTENSIONS[document]
    folders = [user_dir] if user_dir else []
    folders.append(builtin_templates())
    return [
        folder / document / f"{name}.{ext}" for folder in folders for name in (phase, "default")
    ]


def find_template(document: str, phase: str, user_dir: Path | None = None) -> Path:
    """Return the template to use for `document` in `phase`."""
    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError(f"template folder not found: {display_path(user_dir)}")
    for path in candidates(document, phase, user_dir):
        if path.is_file():
            return path
    raise TemplateError(
        f"no template for {document} ({phase}); looked in "
        + ", ".join(display_path(p) for p in candidates(document, phase, user_dir))
    )
