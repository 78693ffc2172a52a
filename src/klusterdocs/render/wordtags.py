"""The tags of a Word part as its author typed them: where each one is, and the placements
that docxtpl would pass without a word while losing text or breaking the document.

A template's author sees paragraphs, not XML, and docxtpl's clean-up removes the paragraphs
of `{%p ...%}` tags before Jinja sees the rest. So every location said to an author is found
here, in the part as saved: the paragraph's number among all the part's paragraphs (table
cells and text boxes included, in document order) and its first words, to find with Ctrl+F.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

# `{{p x }}`, `{%tr for ... %}`: docxtpl's prefixes say which element the tag replaces.
_TAG = re.compile(r"(\{\{|\{%|\{#)(-?)(.*?)(-?)(\}\}|%\}|#\})", re.DOTALL)
_PREFIX = re.compile(r"^(tr|tc|p|r)\s")
_XML_TOKEN = re.compile(r"<(/?)([\w:]+)[^>]*?(/?)>|([^<]+)")
_OPENERS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "set", "autoescape"}
_MIDDLES = {"else", "elif"}
_CONTAINERS = {"w:tbl", "w:txbxContent", "w:sdtContent"}  # what a block must not leave
# Filters that write elements, and the tag prefix each needs (see klusterdocs.render.markup).
_ELEMENT_FILTERS = {"md": "p", "bullets": "p", "rich": "r", "picture": "r"}
_MAKES = {"p": "whole paragraphs", "r": "runs"}


@dataclass(frozen=True)
class Paragraph:
    number: int  # from 1, every paragraph of the part in document order
    text: str  # as shown, tags included
    depth: int  # tables, text boxes and content controls it sits in
    row: int  # the table row it sits in (0: none), numbered over the part
    cell: int  # the table cell it sits in (0: none)

    @property
    def words(self) -> str:
        """The paragraph's first words, to find it with Ctrl+F."""
        text = " ".join(self.text.split())
        if len(text) <= 60:
            return text
        return text[:60].rsplit(" ", 1)[0] + " …"

    def where(self, part: str) -> str:
        words = f" ({self.words!r})" if self.words else ""
        return f"{part}, paragraph {self.number}{words}"


@dataclass(frozen=True)
class Tag:
    typed: str  # as typed: `{%p for a in actors %}`
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str  # between the delimiters, without the prefix
    kind: str  # "{{", "{%" or "{#"
    paragraph: Paragraph

    @property
    def keyword(self) -> str:
        """A block tag's first word (`for`, `endfor`, `else`), else ""."""
        return self.body.split(maxsplit=1)[0] if self.kind == "{%" and self.body else ""


def paragraphs_of(xml: str) -> list[Paragraph]:
    """Every paragraph of a part's XML with its text, in document order."""
    found: list[Paragraph] = []
    texts: dict[int, list[str]] = {}
    stack: list[int] = []  # open paragraphs (text boxes nest them)
    depth = 0
    # the table rows and cells open around the current point, each numbered over the part
    counted = {"w:tr": 0, "w:tc": 0}
    around: dict[str, list[int]] = {"w:tr": [], "w:tc": []}
    places: dict[int, tuple[int, int, int]] = {}
    deleted = 0  # inside text deleted with Track Changes on: not the template's
    typed = 0  # inside a run's text or a field's code: not a picture's position ("11430")
    for match in _XML_TOKEN.finditer(xml):
        closing, name, empty, text = match.groups()
        if text is not None:
            if stack and not deleted and typed:
                texts[stack[-1]].append(html.unescape(text))
            continue
        if name in ("w:t", "w:instrText") and not empty:
            typed += -1 if closing else 1
            continue
        if name in ("w:del", "w:moveFrom") and not empty:
            deleted += -1 if closing else 1
            continue
        if name in ("w:tab", "w:br", "w:cr") and stack:
            texts[stack[-1]].append(" ")
        if name == "w:p" and not closing:  # an empty one (<w:p/>) is a line the author sees
            number = len(places) + 1
            row, cell = (around[k][-1] if around[k] else 0 for k in ("w:tr", "w:tc"))
            places[number] = (depth, row, cell)
            texts[number] = []
            if not empty:
                stack.append(number)
            continue
        if empty:
            continue
        if name == "w:p":
            if stack:
                stack.pop()
        elif name in _CONTAINERS:
            depth += -1 if closing else 1
        elif name in around:
            if not closing:
                counted[name] += 1
                around[name].append(counted[name])
            elif around[name]:
                around[name].pop()
    for number, (at_depth, row, cell) in places.items():
        found.append(Paragraph(number, "".join(texts[number]), at_depth, row, cell))
    return found


def tags_of(xml: str) -> list[Tag]:
    """Every template tag of a part as typed, with the paragraph it is in."""
    return [tag for paragraph in paragraphs_of(xml) for tag in _tags_in(paragraph)]


def _tags_in(paragraph: Paragraph) -> Iterator[Tag]:
    for match in _TAG.finditer(paragraph.text):
        inner = match.group(3).strip()
        prefix = _PREFIX.match(inner + " ")
        name = prefix.group(1) if prefix else ""
        body = inner[len(name) :].strip() if name else inner
        yield Tag(match.group(0), name, body, match.group(1), paragraph)


# -- placements docxtpl passes silently -------------------------------------------------------


@dataclass(frozen=True)
class Misplaced:
    paragraph: Paragraph
    message: str


def misplaced_tags(xml: str) -> list[Misplaced]:
    """Tags whose placement loses text or breaks the document, each with its paragraph."""
    paragraphs = paragraphs_of(xml)
    tags = [tag for paragraph in paragraphs for tag in _tags_in(paragraph)]
    return [
        *_unclosed(paragraphs),
        *cut_tags(xml, paragraphs),
        *_beside_element_tags(tags, paragraphs),
        *_filters_out_of_place(tags),
        *_pairs(tags),
    ]


# elements inside a paragraph that docxtpl cannot join a tag's runs across
_SPLITTERS = {"w:sdt", "w:sdtContent", "w:smartTag", "w:fldSimple", "w:hyperlink", "w:customXml"}


def cut_tags(xml: str, paragraphs: list[Paragraph]) -> list[Misplaced]:
    """Tags cut in two by a content control, simple field, hyperlink or smart tag around part
    of them. docxtpl joins a tag's runs by dropping the XML inside the tag, which leaves that
    element's start or end behind: the filled-in part is no XML at all, and its error names
    no paragraph. Found here, each is named with its paragraph (of `paragraphs`, the part's)."""
    found: list[Misplaced] = []
    number = 0  # the paragraph being read, counted as paragraphs_of counts them
    path: list[str] = []  # the splitters open around the point being read
    started: tuple[tuple[str, ...], int] | None = None  # where the tag being read began
    previous = ""
    for match in _XML_TOKEN.finditer(xml):
        closing, name, empty, text = match.groups()
        if text is None:
            if name == "w:p" and not closing:
                number += 1
                previous, started = "", None
            elif name in _SPLITTERS and not empty:
                if not closing:
                    path.append(name)
                elif path and path[-1] == name:
                    path.pop()
            continue
        if "{" not in text and "}" not in text and "%" not in text:
            previous = text[-1:]
            continue
        for char in html.unescape(text):
            pair, previous = previous + char, char
            if started is None and pair in ("{{", "{%"):
                started = (tuple(path), number)
            elif started is not None and pair in ("}}", "%}"):
                if started[0] != tuple(path) and 0 < started[1] <= len(paragraphs):
                    found.append(
                        Misplaced(
                            paragraphs[started[1] - 1],
                            "a tag here is cut in two by a content control, field, hyperlink or "
                            "smart tag around part of it; type the tag again in one piece",
                        )
                    )
                started = None
    return found


def _beside_element_tags(tags: list[Tag], paragraphs: list[Paragraph]) -> Iterator[Misplaced]:
    """docxtpl replaces the whole paragraph (row, cell) of a `{%p` (`{%tr`, `{%tc`) tag by the
    tag: text beside it, and a second such tag, are dropped."""
    scopes: dict[tuple[str, int], list[Tag]] = {}
    for tag in tags:
        if tag.prefix in _SCOPE:
            key = getattr(tag.paragraph, _SCOPE[tag.prefix])
            if key == 0:
                yield Misplaced(tag.paragraph, f"{tag.typed} is not in a table; it needs one")
            else:
                scopes.setdefault((tag.prefix, key), []).append(tag)
    for (prefix, key), scoped in scopes.items():
        element = _ELEMENT_NAME[prefix]
        for extra in scoped[1:]:
            yield Misplaced(
                extra.paragraph,
                f"a second {{%{prefix} tag in one {element}: {extra.typed} would be dropped; "
                f"give each its own {element}",
            )
        texts = [p.text for p in paragraphs if getattr(p, _SCOPE[prefix]) == key]
        beside = " ".join(texts)
        for tag in scoped:
            beside = beside.replace(tag.typed, " ")
        beside = _CELL_TAG.sub(" ", beside)
        if beside.split():
            yield Misplaced(
                scoped[0].paragraph,
                f"the text {_short(' '.join(beside.split()))!r} beside {scoped[0].typed} is "
                f"dropped; give the tag a {element} of its own",
            )


_SCOPE = {"p": "number", "tr": "row", "tc": "cell"}
# Cell tags docxtpl turns into the cell's properties before it replaces paragraphs.
_CELL_TAG = re.compile(r"\{%-?\s*(?:cellbg|colspan|vm|hm)\b.*?%\}", re.DOTALL)
_ELEMENT_NAME = {"p": "paragraph", "tr": "table row", "tc": "table cell", "r": "run"}


def _filters_out_of_place(tags: list[Tag]) -> Iterator[Misplaced]:
    """`md` and `bullets` write paragraphs, `rich` runs: inside a tag of another kind they put
    paragraphs inside a paragraph, which Word refuses and LibreOffice drops."""
    for tag in tags:
        if tag.kind != "{{":
            continue
        filters = re.findall(r"\|\s*(\w+)", tag.body)
        if tag.prefix == "r" and not any(_ELEMENT_FILTERS.get(f) == "r" for f in filters):
            yield Misplaced(
                tag.paragraph,
                f"{tag.typed} replaces its run by the value, which then shows nowhere: write "
                + "{{ "
                + f"{tag.body}"
                + " }} (or {{r "
                + f"{tag.body}|rich"
                + " }} for formatting)",
            )
        for name in filters:
            needed = _ELEMENT_FILTERS.get(name)
            if needed and tag.prefix != needed:
                written = "{{" + f"{needed} {tag.body}" + " }}"
                yield Misplaced(
                    tag.paragraph,
                    f"'{name}' writes {_MAKES[needed]}: write {written} "
                    + ("alone in its paragraph" if needed == "p" else "inside a paragraph"),
                )


_TAG_START = re.compile(r"\{[{%#]")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _unclosed(paragraphs: list[Paragraph]) -> Iterator[Misplaced]:
    """A tag or comment opened and not closed in its paragraph (`{{ initiative.name`,
    `{{ x }`): Jinja would read on into the document's XML and name a character of it."""
    for paragraph in paragraphs:
        text, at = paragraph.text, 0
        while (match := _TAG_START.search(text, at)) is not None:
            end = _closing(text, match.end(), match.group())
            if end is None:
                cut = text[match.start() :].strip()
                closer = _CLOSERS[match.group()]
                yield Misplaced(
                    paragraph,
                    f"'{_short(cut)}' is never closed: end it with '{closer}' in the same "
                    "paragraph",
                )
                break
            at = end


def _closing(text: str, start: int, opener: str) -> int | None:
    """Where the tag opened by `opener` before `start` ends (after its closer); None when it
    does not, before the paragraph ends or another tag starts. Quoted text is passed over
    (`{{ '{{' }}` writes two braces)."""
    closer, quote, index = _CLOSERS[opener], "", start
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and opener != "{#":
            quote = char
        elif text.startswith(closer, index):
            return index + len(closer)
        elif opener != "{#" and _TAG_START.match(text, index):
            return None
        index += 1
    return None


def _pairs(tags: list[Tag]) -> Iterator[Misplaced]:
    """A block must open, go on and close with tags of one kind (`{%tr for` ... `{%tr endfor`)
    and at one depth: otherwise docxtpl cuts the document's structure in two."""
    open_blocks: list[Tag] = []
    for tag in tags:
        keyword = tag.keyword
        if keyword == "set" and "=" in tag.body:
            continue  # `{% set x = 1 %}` has no end
        if keyword in _OPENERS:
            open_blocks.append(tag)
        elif keyword in _MIDDLES or keyword.startswith("end"):
            if not open_blocks or not (
                keyword in _MIDDLES or f"end{open_blocks[-1].keyword}" == keyword
            ):
                continue  # a syntax error: Jinja says which
            opener = open_blocks[-1] if keyword in _MIDDLES else open_blocks.pop()
            if opener.prefix != tag.prefix:
                yield Misplaced(
                    tag.paragraph,
                    f"{opener.typed} (paragraph {opener.paragraph.number}) goes on with "
                    f"{tag.typed}: use {_with_prefix(tag, opener.prefix)}",
                )
            elif opener.paragraph.depth != tag.paragraph.depth:
                yield Misplaced(
                    tag.paragraph,
                    f"{opener.typed} (paragraph {opener.paragraph.number}) and {tag.typed} are "
                    "not both in the text, the same table, text box or content control",
                )


def _with_prefix(tag: Tag, prefix: str) -> str:
    opening = tag.kind + (f"{prefix} " if prefix else " ")
    return f"{opening}{tag.body} {'%}' if tag.kind == '{%' else '}}'}"


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40].rsplit(" ", 1)[0] + " …"


# -- from Jinja's line back to the author's paragraph ----------------------------------------

_OPENING = re.compile(
    r"(?P<raw>\{%[-+]?\s*raw\s*[-+]?%\}.*?\{%[-+]?\s*endraw\s*[-+]?%\})"
    r"|(?P<open>\{\{[-+]?|\{%[-+]?)(?P<rest>.*?(?:\}\}|%\}))",
    re.DOTALL,
)


def mark_lines(source: str) -> str:
    """`source` (Jinja code) with a line break after each tag's opening delimiter.

    Whitespace inside a tag writes nothing, so the output is unchanged; but every tag now
    starts a line of its own, and the line Jinja reports for an error names the tag. What a
    `{% raw %}` block holds is text, and left as it is.
    """

    def marked(match: re.Match[str]) -> str:
        if match.group("raw"):
            return match.group("raw")
        return f"{match.group('open')}\n{match.group('rest')}"

    return _OPENING.sub(marked, source)


def tag_at_line(xml: str, source: str, line: int) -> Tag | None:
    """The tag as typed in `xml` (a part as saved) that line `line` of `source` (its Jinja
    code, with `mark_lines`) comes from."""
    typed = tags_of(xml)
    compiled = [(_body_line(source, m), m) for m in _TAG.finditer(source)]
    before = [i for i, (start, _) in enumerate(compiled) if start <= line]
    if not before or not typed:
        return None
    index = before[-1]
    matcher = difflib.SequenceMatcher(
        None,
        [_normal(m.group(3)) for _, m in compiled],
        [_normal(t.body) for t in typed],
        autojunk=False,
    )
    for a, b, size in matcher.get_matching_blocks():
        if a <= index < a + size:
            return typed[b + index - a]
    # not matched one to one (docxtpl wrote it): the typed tag nearest in order
    return typed[min(len(typed) - 1, round(index * len(typed) / max(len(compiled), 1)))]


def _body_line(source: str, match: re.Match[str]) -> int:
    """The line on which a tag's expression starts (`mark_lines` put it below the opener)."""
    body = match.group(3)
    return source.count("\n", 0, match.start(3) + len(body) - len(body.lstrip())) + 1


def unclosed_block(xml: str) -> Tag | None:
    """The innermost block tag (`{% for %}`, `{%p if %}`) of a part that is never closed."""
    open_blocks: list[Tag] = []
    for tag in tags_of(xml):
        if tag.keyword in _OPENERS and not (tag.keyword == "set" and "=" in tag.body):
            open_blocks.append(tag)
        elif tag.keyword.startswith("end") and open_blocks:
            open_blocks.pop()
    return open_blocks[-1] if open_blocks else None


def _normal(body: str) -> str:
    """A tag's body as docxtpl leaves it: prefix gone, quotes straight, spaces collapsed."""
    text = html.unescape(body.strip())
    text = _PREFIX.sub("", text + " ")
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    from klusterdocs.render.word import IN_TAGS  # what the compiler straightens or drops

    return " ".join(text.translate(IN_TAGS).split())
