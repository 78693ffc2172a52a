"""The Markdown of text fields: CommonMark as markdown-it-py reads it, written for Word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from klusterdocs.context.format import clean_text
from klusterdocs.render import markup
from klusterdocs.render.markup import LINE_BREAK, Block, Span, inline, markdown_paragraphs, parse


def _texts(blocks: list[Block]) -> list[tuple[str, str]]:
    return [(b.kind, "".join(s.text for s in b.spans)) for b in blocks]


def test_a_single_newline_is_a_space_and_a_blank_line_a_new_paragraph() -> None:
    text = "Initiativet startade 2006 när tillverkningen\nflyttade utomlands.\n\nNästa stycke."
    assert _texts(parse(text)) == [
        ("paragraph", "Initiativet startade 2006 när tillverkningen flyttade utomlands."),
        ("paragraph", "Nästa stycke."),
    ]


def test_a_backslash_or_two_spaces_at_a_lines_end_break_the_line() -> None:
    for text in ("Rad ett\\\nRad två", "Rad ett  \nRad två"):
        (block,) = parse(text)
        assert [s.text for s in block.spans] == ["Rad ett", LINE_BREAK, "Rad två"]


def test_a_line_break_from_word_stays_a_line_break() -> None:
    (block,) = parse(clean_text("Rad ett\vRad två"))  # Shift+Enter pasted from Word
    assert [s.text for s in block.spans] == ["Rad ett", LINE_BREAK, "Rad två"]


def test_lists_bold_and_italic() -> None:
    blocks = parse(
        "Inledning:\n\n- en **fet** punkt\n- en *kursiv*\n  som fortsätter\n\n3. tre\n4. fyra"
    )
    assert _texts(blocks) == [
        ("paragraph", "Inledning:"),
        ("bullet", "en fet punkt"),
        ("bullet", "en kursiv som fortsätter"),
        ("number", "tre"),
        ("number", "fyra"),
    ]
    assert Span("fet", bold=True) in blocks[1].spans
    assert Span("kursiv", italic=True) in blocks[2].spans
    assert [b.number for b in blocks[3:]] == [3, 4]  # the author's own numbers


def test_what_else_markdown_has_is_kept_as_text() -> None:
    blocks = parse("# Rubrik\n\nSe [webbplatsen](https://example.org) och <b>html</b> och `kod`.")
    assert blocks[0] == Block("paragraph", (Span("Rubrik", bold=True),))  # no heading of its own
    assert _texts(blocks)[1][1] == ("Se webbplatsen (https://example.org) och <b>html</b> och kod.")
    assert _texts(parse("• punkt från Word\n• en till")) == [
        ("bullet", "punkt från Word"),
        ("bullet", "en till"),
    ]


def test_word_paragraphs_are_escaped_and_styled() -> None:
    xml = str(markdown_paragraphs("A & <B>\n\n- **C**\n\n7. sju", "TableText"))
    assert xml.count("<w:p>") == 3
    assert "A &amp; &lt;B&gt;" in xml
    assert '<w:pStyle w:val="TableBullet"/>' in xml  # a table's own bullets
    assert "<w:b/>" in xml
    assert '<w:t xml:space="preserve">7.\t</w:t>' in xml and 'w:hanging="357"' in xml
    assert markdown_paragraphs("") == ""


# Text that takes the fast path (no parser) must read exactly as markdown-it reads it.
PLAIN_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=60
)


@given(PLAIN_TEXT)
def test_the_fast_path_reads_plain_text_as_markdown_it_does(text: str) -> None:
    text = text.strip()
    if not text or not markup._PLAIN.fullmatch(text):
        return
    parsed = markup._blocks(markup._parser().parse(text))
    assert parse(text) == parsed


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_keeps_every_letter_and_digit(text: str) -> None:
    """Markup characters may go; no letter or digit a user typed is ever lost."""
    cleaned = clean_text(text)
    shown = "".join(s.text for s in inline(cleaned))
    kept = [c for c in cleaned if c.isalnum()]
    assert [c for c in shown if c.isalnum()] == kept or _entity_in(cleaned)


def _entity_in(text: str) -> bool:
    """A character reference (`&amp;`) is read as the character it names, as CommonMark says."""
    import re

    return bool(re.search(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", text))


@given(
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F, exclude_categories=("Cc",)),
        max_size=40,
    ).map(lambda text: " ".join(text.split()))
)
def test_escaped_text_reads_as_typed(text: str) -> None:
    """A name shown as typed where Markdown is read: `R&D *Lab* {_{` is neither emphasis,
    an entity nor docxtpl's brace escape."""
    assert markup.plain(markup.escaped(text)) == text


def test_a_line_break_from_word_before_a_paragraphs_end_shows_no_backslash() -> None:
    """Shift+Enter pasted from Word (a vertical tab) at a paragraph's or item's end breaks
    nothing; followed by the line end the author typed, it is one line break, not two."""
    for typed, expected in [
        ("Första stycket.\v\n\nAndra stycket.", [["Första stycket."], ["Andra stycket."]]),
        ("Rad ett\u2028", [["Rad ett"]]),
        ("- a\v\n- b", [["a"], ["b"]]),
        ("Rad ett\v\nRad två", [["Rad ett", LINE_BREAK, "Rad två"]]),
    ]:
        blocks = parse(clean_text(typed))
        assert [[s.text for s in b.spans] for b in blocks] == expected, typed
