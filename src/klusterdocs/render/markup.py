"""The Markdown of input texts, read by markdown-it-py (CommonMark), for every renderer.

Authors wrap their YAML at 80–100 columns, so a single newline is a space, as in any Markdown:
a blank line starts a new paragraph and a backslash at a line's end breaks the line. `- ` and
`1. ` lists, `**bold**` and `*italic*` become real formatting. What else Markdown has is kept
as text: a `# heading` is a bold paragraph (a heading of its own would break the document's
outline), a link shows its address after its text, code is plain text, and HTML is never read.

`parse` and `inline` give blocks and spans; `markdown_paragraphs`, `bullet_list` and
`rich_runs` write them as WordprocessingML, escaped, for the Word templates' `md`, `bullets`
and `rich` filters.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Collection
from html import escape
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from markupsafe import Markup

from klusterdocs import cache
from klusterdocs.context.format import LINE_BREAK as FORCED_BREAK

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

BULLET_STYLE = "ListBullet"
# a paragraph style's own bullet style: bullets in a table cell are set as small as its text
_BULLETS_FOR = {"TableText": "TableBullet"}
LINE_BREAK = "\n"


class Span(NamedTuple):
    """A piece of inline text and its emphasis; `LINE_BREAK` alone is a line break."""

    text: str
    bold: bool = False
    italic: bool = False


class Block(NamedTuple):
    """A paragraph, or an item of a bulleted or numbered list (`number` is its number)."""

    kind: Literal["paragraph", "bullet", "number"]
    spans: tuple[Span, ...]
    number: int = 0


# Text no Markdown rule can touch: one line, none of the characters that start inline markup,
# not starting like a block (a list, heading, quote or code). Most values (names, short texts)
# are such, and need neither markdown-it nor its import.
_PLAIN = re.compile(
    r"(?![ \t]*(?:[-+*#>=]|\d+[.)]|    ))"  # no list, heading, quote or code block
    r"(?:[^\n\r\u2028*_`\[\]!<&\\]|&(?!#?\w+;)|<(?![A-Za-z/!?])|!(?!\[))*"  # no markup
)
_WORD_BULLET = re.compile(r"^([ \t]*)•[ \t]+", re.MULTILINE)  # pasted from Word
# a forced break as Markdown's hard break, with the line end the author may have typed after it
_FORCED_BREAK = re.compile(f"{FORCED_BREAK}[ \t]*\n?")
# a line break pasted from Word at the end of a paragraph or list item breaks nothing (as
# Markdown, a backslash before a paragraph's end would show as a backslash)
_BREAK_ENDING_A_BLOCK = re.compile(
    "[ \t]*\u2028[ \t\u2028]*(?=\\s*$|\n[ \t]*(?:\n|[-+*•][ \t]|\\d+[.)][ \t]))"
)


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def parse(text: str) -> list[Block]:
    """The blocks of a Markdown text, each with its spans."""
    text = text.strip()
    if not text:
        return []
    if _PLAIN.fullmatch(text):
        return [Block("paragraph", (Span(text),))]
    return list(_parsed(text))


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> list[Block]:
    """`text` read by markdown-it, kept in the cache: importing markdown-it (30 ms) costs more
    than the rest of a small document, and a document's texts are mostly the same next time."""
    key = cache.digest(text.encode("utf-8"), "markdown", cache.installed("markdown_it"))
    kept = cache.load(key, list)
    if kept is not None:
        return [Block(kind, tuple(Span(*span) for span in spans), n) for kind, spans, n in kept]
    text = _BREAK_ENDING_A_BLOCK.sub("", text)
    source = _FORCED_BREAK.sub(r"\\\n", _WORD_BULLET.sub(r"\1- ", text))
    blocks = _blocks(_parser().parse(source))
    cache.store(
        key, [(b.kind, [(s.text, s.bold, s.italic) for s in b.spans], b.number) for b in blocks]
    )
    return blocks


def inline(text: str) -> list[Span]:
    """The spans of a one-paragraph text (a list item, a table cell): blocks run together."""
    spans: list[Span] = []
    for block in parse(text):
        if spans:
            spans.append(Span(" "))
        if block.kind == "number":
            spans.append(Span(f"{block.number}. "))
        spans.extend(block.spans)
    return spans


def literal(text: str) -> list[Span]:
    """Text as typed, no Markdown read: its lines as spans with line breaks between them."""
    spans: list[Span] = []
    for index, line in enumerate(text.replace(FORCED_BREAK, "\n").split("\n")):
        spans += [Span(LINE_BREAK)] * bool(index) + [Span(line)]
    return spans


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escaped(text: str) -> str:
    """`text` as Markdown that reads as typed: every ASCII punctuation mark escaped, so a
    name such as `R&D *Lab* {_{` is never emphasis or an entity."""
    return _PUNCTUATION.sub(r"\\\1", text)


def plain(text: str) -> str:
    """The text a reader sees, without the Markdown around it."""
    return "".join(span.text for span in inline(text))


def _blocks(tokens: list[Any]) -> list[Block]:
    out: list[Block] = []
    lists: list[list[int]] = []  # per open list: [next number, or -1 for bullets]
    item_started = False
    emphasis = False  # inside a heading, set in bold
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            given = token.attrGet("start") if kind == "ordered_list_open" else None
            start = -1 if kind == "bullet_list_open" else int(given) if given is not None else 1
            lists.append([start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            item_started = True
        elif kind == "list_item_close" and item_started and lists and lists[-1][0] >= 0:
            item_started = False  # an empty numbered item ("3.") still shows its number
            out.append(Block("number", (), lists[-1][0]))
            lists[-1][0] += 1
        elif kind == "heading_open":
            emphasis = True
        elif kind == "heading_close":
            emphasis = False
        elif kind == "inline":
            spans = tuple(_spans(token.children or [], bold=emphasis))
            if item_started and lists:
                item_started = False
                number = lists[-1][0]
                if number < 0:
                    out.append(Block("bullet", spans))
                else:
                    lists[-1][0] += 1
                    out.append(Block("number", spans, number))
            else:
                out.append(Block("paragraph", spans))
        elif kind in ("code_block", "fence") and token.content.strip():
            out.append(Block("paragraph", tuple(literal(token.content.rstrip("\n")))))
    # an empty paragraph shows nothing; an empty numbered item still shows its number
    return [b for b in out if b.kind == "number" or any(s.text.strip() for s in b.spans)]


def _spans(children: list[Any], *, bold: bool = False) -> list[Span]:
    out: list[Span] = []
    strong = 1 if bold else 0
    em = 0
    link: str | None = None
    link_text: list[str] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind in ("text", "code_inline", "html_inline"):
            out.append(Span(child.content, strong > 0, em > 0))
            if link is not None:
                link_text.append(child.content)
        elif kind == "softbreak":
            out.append(Span(" ", strong > 0, em > 0))
        elif kind == "hardbreak":
            out.append(Span(LINE_BREAK))
        elif kind == "image":  # a picture in a text field: its description and address
            source = str(child.attrGet("src") or "")
            shown = f"{child.content} ({source})" if source else child.content
            out.append(Span(shown, strong > 0, em > 0))
        elif kind == "link_open":
            link, link_text = str(child.attrGet("href") or ""), []
        elif kind == "link_close":
            shown = "".join(link_text)
            if link and link not in (shown, f"mailto:{shown}"):
                out.append(Span(f" ({link})", strong > 0, em > 0))
            link = None
    return _merged(out)


def _merged(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of the same emphasis as one (fewer runs in the document)."""
    out: list[Span] = []
    for span in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and LINE_BREAK not in (span.text, last.text)
            and (last.bold, last.italic) == (span.bold, span.italic)
        ):
            out[-1] = Span(last.text + span.text, span.bold, span.italic)
        else:
            out.append(span)
    return out


# -- WordprocessingML ---------------------------------------------------------------------------


def runs(spans: list[Span] | tuple[Span, ...]) -> str:
    """`spans` as WordprocessingML runs, escaped, with emphasis as real formatting."""
    out = []
    for span in spans:
        if span.text == LINE_BREAK:
            out.append("<w:r><w:br/></w:r>")
            continue
        props = ("<w:b/>" if span.bold else "") + ("<w:i/>" if span.italic else "")
        properties = f"<w:rPr>{props}</w:rPr>" if props else ""
        text = escape(span.text, quote=False)
        out.append(f'<w:r>{properties}<w:t xml:space="preserve">{text}</w:t></w:r>')
    return "".join(out)


# A numbered item keeps the number its author gave it, hanging in front of its text: Word's own
# numbering would continue from the document's previous numbered list.
_HANGING = '<w:ind w:left="357" w:hanging="357"/>'


# The paragraph styles the Word template being rendered has (None: any): a style it lacks is
# not named (Word's schema refuses a reference to no style), so the text is Normal, and a
# bullet without its list style gets a bullet character of its own.
PARAGRAPH_STYLES: contextvars.ContextVar[Collection[str] | None] = contextvars.ContextVar(
    "PARAGRAPH_STYLES", default=None
)


def _paragraph(block: Block, style: str | None, bullet_style: str) -> str:
    chosen = bullet_style if block.kind == "bullet" else style
    known = PARAGRAPH_STYLES.get()
    drawn_bullet = False
    if chosen and known is not None and chosen not in known:
        drawn_bullet = block.kind == "bullet"
        chosen = style if drawn_bullet and style in known else None
    properties = f'<w:pStyle w:val="{escape(chosen)}"/>' if chosen else ""
    spans: list[Span] | tuple[Span, ...] = block.spans
    if block.kind == "number" or drawn_bullet:
        properties += _HANGING
        mark = "•" if drawn_bullet else f"{block.number}."
        spans = (Span(f"{mark}\t"), *block.spans)
    body = f"<w:pPr>{properties}</w:pPr>" if properties else ""
    return f"<w:p>{body}{runs(spans)}</w:p>"


def markdown_paragraphs(
    text: str | None, style: str | None = None, bullet_style: str | None = None
) -> Markup:
    """Return whole `<w:p>` elements for `text`: use as `{{p text|md }}` in a template."""
    if not text:
        return Markup("")
    bullets = bullet_style or _BULLETS_FOR.get(style or "", BULLET_STYLE)
    return Markup("".join(_paragraph(block, style, bullets) for block in parse(str(text))))


def bullet_list(items: list[str] | None, style: str = BULLET_STYLE) -> Markup:
    """Return one bullet paragraph per item: use as `{{p items|bullets }}`."""
    return Markup(
        "".join(
            _paragraph(Block("bullet", tuple(inline(str(i)))), None, style) for i in items or ()
        )
    )


def rich_runs(text: str | None) -> Markup:
    """Return runs for inline text: use as `{{r text|rich }}` inside a paragraph."""
    return Markup(runs(inline(str(text))) if text else "")
