"""Will this text fit in this box? An estimate, since no renderer is at hand.

python-pptx's auto-fit does nothing until PowerPoint edits a slide, so klusterdocs decides
itself: it estimates the lines a text wraps to (greedy word wrap, average character width of
Calibri with a margin) and the height they take, and splits or shrinks before writing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

EMU_PER_PT = 12700
AVERAGE_CHAR_EM = 0.52  # Calibri's average advance is about 0.48 em; the rest is margin
LINE_SPACING = 1.2


@dataclass(frozen=True)
class Box:
    """The usable text area of a shape, in EMU, after its internal margins."""

    width: int
    height: int


def wrapped_lines(text: str, width: int, size_pt: float) -> int:
    """How many lines `text` wraps to in `width` EMU at `size_pt` (explicit breaks count)."""
    char = size_pt * EMU_PER_PT * AVERAGE_CHAR_EM
    per_line = max(1, int(width / char))
    total = 0
    for line in text.split("\n"):
        count, used = 1, 0
        for word in line.split():
            length = len(word)
            while length > per_line:  # a word longer than the line breaks anywhere
                count += 1 if used else 0
                length -= per_line
                used = 0
            needed = length if used == 0 else used + 1 + length
            if needed > per_line:
                count += 1
                used = length
            else:
                used = needed
        total += count
    return total


def text_height(
    paragraphs: Iterable[str],
    width: int,
    size_pt: float,
    *,
    indent: int = 0,
    space_before_pt: float = 0,
) -> int:
    """The height in EMU that `paragraphs` take in `width` at `size_pt`."""
    lines, count = 0, 0
    for paragraph in paragraphs:
        lines += wrapped_lines(paragraph, width - indent, size_pt)
        count += 1
    spacing = max(0, count - 1) * space_before_pt
    return int((lines * size_pt * LINE_SPACING + spacing) * EMU_PER_PT)


def fits(
    paragraphs: Iterable[str],
    box: Box,
    size_pt: float,
    *,
    indent: int = 0,
    space_before_pt: float = 0,
) -> bool:
    """True if `paragraphs` fit in `box` at `size_pt`."""
    return (
        text_height(
            list(paragraphs), box.width, size_pt, indent=indent, space_before_pt=space_before_pt
        )
        <= box.height
    )


def longest_fitting(words: list[str], fits_box: Callable[[str], bool], ending: str = "") -> int:
    """How many of `words` (at least one) fit, joined by spaces and followed by `ending`."""
    low, high = 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits_box(" ".join(words[:middle]) + ending):
            low = middle
        else:
            high = middle - 1
    return low


def shortened(text: str, box: Box, size_pt: float) -> str:
    """`text` cut at a word so that it, with an ellipsis, fits `box` (or `text` if it fits)."""
    if fits([text], box, size_pt):
        return text
    words = text.split()
    count = longest_fitting(words, lambda t: fits([t], box, size_pt), "…")
    return " ".join(words[:count]) + "…"


def pieces_that_fit(text: str, box: Box, size_pt: float, *, indent: int = 0) -> list[str]:
    """`text` cut at words into pieces that each fit `box` alone (a paragraph too long for any
    one slide goes on over several)."""
    words = text.split()
    pieces: list[str] = []
    while words:
        count = longest_fitting(words, lambda t: fits([t], box, size_pt, indent=indent))
        pieces.append(" ".join(words[:count]))
        words = words[count:]
    return pieces
