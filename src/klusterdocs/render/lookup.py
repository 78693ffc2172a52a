"""Find the template of a document: the user's most specific one first, then the built-in set.

Lookup order (docs/cli.md), so a region can override one phase of one document:
`<templates>/<document>/<phase>.<ext>`, `<templates>/<document>/default.<ext>`, then the same
two in the built-in templates. A module deck first looks for `modul/modul-N.pptx`; for a deck
a PowerPoint template (`.potx`) of the same name is taken too, after the `.pptx`.
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
# Further extensions looked for after EXTENSIONS' one, at the same name: a template file
# (.potx, .dotx), as regions often hand theirs out; and the macro-enabled ones, found so that
# they are refused with a reason rather than passed over in silence.
_WORD = ("verksamhetsplan", "intressentanalys", "forstudie")
ALSO = {
    "modul": ("potx", "pptm", "potm"),
    **{document: ("dotx", "docm", "dotm") for document in _WORD},
}


def builtin_templates() -> Path:
    """The templates shipped with klusterdocs (inside the package, or the checkout's)."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"  # running from a source checkout


def candidates(
    document: str, phase: str | None, user_dir: Path | None = None, module: int | None = None
) -> list[Path]:
    """Every path looked at for `document` in `phase` (and `module`), most specific first."""
    extensions = (EXTENSIONS[document], *ALSO.get(document, ()))
    names = [f"modul-{module}"] if module is not None else []
    names += [phase] if phase else []
    names.append("default")
    folders = [user_dir] if user_dir else []
    folders.append(builtin_templates())
    return [
        folder / document / f"{name}.{ext}"
        for folder in folders
        for name in names
        for ext in extensions
    ]


def is_template(path: Path) -> bool:
    """Whether `path` is there to use as a template. Something else of its name (a folder
    called `default.docx`) is a mistake to tell, not a reason to use the next one."""
    if path.is_file():
        return True
    if path.exists():
        raise TemplateError(f"{display_path(path)} is not a file: a template must be one")
    return False


def find_template(
    document: str, phase: str | None, user_dir: Path | None = None, module: int | None = None
) -> Path:
    """Return the template to use for `document` in `phase` (a deck: also `module`)."""
    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError(f"template folder not found: {display_path(user_dir)}")
    looked = candidates(document, phase, user_dir, module)
    for path in looked:
        if is_template(path):
            return path
    raise TemplateError(
        f"no template for {document}; looked in " + ", ".join(display_path(p) for p in looked)
    )
