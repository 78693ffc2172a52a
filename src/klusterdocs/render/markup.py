"""The Markdown subset of input texts (paragraphs, `- ` bullets, `**bold**`, `*italic*`).

`blocks` and `spans` parse it for every renderer; the rest writes it as WordprocessingML,
escaped, for the Word templates' `md`, `bullets` and `rich` filters.
"""

from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

_EMPHASIS = re.compile(r"(\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=\S)(.+?)(?<=\S)\*)")
_BULLET = re.compile(r"^\s*[-*•]\s+")
BULLET_STYLE = "ListBullet"


def _run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    pieces = escape(text, quote=False).split("\n")
    body = "<w:br/>".join(f'<w:t xml:space="preserve">{p}</w:t>' for p in pieces)
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{body}</w:r>"


def spans(text: str) -> list[tuple[str, bool, bool]]:
    """Split inline text into (text, bold, italic) spans: `**bold**` and `*italic*`."""
    out: list[tuple[str, bool, bool]] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > position:
            out.append((text[position : match.start()], False, False))
        if match.group(2) is not None:
            out.append((match.group(2), True, False))
        else:
            out.append((match.group(3), False, True))
        position = match.end()
    if position < len(text):
        out.append((text[position:], False, False))
    return out


def runs(text: str) -> str:
    """Return `text` as WordprocessingML runs, with emphasis as real formatting."""
    return "".join(_run(part, bold=bold, italic=italic) for part, bold, italic in spans(text))


def _paragraph(text: str, style: str | None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{escape(style)}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{runs(text)}</w:p>"


def blocks(text: str) -> list[tuple[str, str]]:
    """Split `text` into ('paragraph' | 'bullet', text) blocks."""
    out: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for line in chunk.splitlines():
            if _BULLET.match(line):
                if lines:
                    out.append(("paragraph", "\n".join(lines)))
                    lines = []
                out.append(("bullet", _BULLET.sub("", line).strip()))
            elif out and out[-1][0] == "bullet" and not lines and line.startswith(" "):
                out[-1] = ("bullet", f"{out[-1][1]} {line.strip()}")  # a wrapped bullet line
            else:
                lines.append(line.strip())
        if lines:
            out.append(("paragraph", "\n".join(lines)))
    return out


def markdown_paragraphs(
    text: str | None, style: str | None = None, bullet_style: str = BULLET_STYLE
) -> Markup:
    """Return whole `<w:p>` elements for `text`: use as `{{p text|md }}` in a template."""
    if not text:
        return Markup("")
    xml = "".join(
        _paragraph(body, bullet_style if kind == "bullet" else style)
        for kind, body in blocks(str(text))
    )
    return Markup(xml)


def bullet_list(items: list[str] | None, style: str = BULLET_STYLE) -> Markup:
    """Return one bullet paragraph per item: use as `{{p items|bullets }}`."""
    return Markup("".join(_paragraph(str(i), style) for i in items or ()))


def rich_runs(text: str | None) -> Markup:
    """Return runs for inline text: use as `{{r text|rich }}` inside a paragraph."""
    return Markup(runs(str(text)) if text else "")
