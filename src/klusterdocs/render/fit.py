"""Will this text fit in this box? Measured with the font the slide shows it in.

python-pptx's auto-fit does nothing until PowerPoint edits a slide, so klusterdocs decides
itself: it wraps the text greedily by the words' real widths and adds up the lines' height,
and splits or shrinks before writing. Widths come from the font's file (Pillow reads its
advance widths through FreeType), found by name as LibreOffice finds it (fontconfig's
`fc-match`: Calibri is Carlito where Calibri is absent, a font that is nowhere its stand-in).
Without fontconfig, an average character width of Calibri, with a margin, stands in.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

EMU_PER_PT = 12700
AVERAGE_CHAR_EM = 0.52  # Calibri's average advance is about 0.48 em; the rest is margin
MEASURED_MARGIN = 1.04  # kerning and renderers' rounding: a measured line is a little wider
LINE_SPACING = 1.2
_UNITS = 1000  # the size fonts are opened at: a width in units is a thousandth of an em


@dataclass(frozen=True)
class Box:
    """The usable text area of a shape, in EMU, after its internal margins."""

    width: int
    height: int


@dataclass(eq=False)  # one per font, compared by identity: its widths are a cache
class Metrics:
    """How wide text is in one font, in em (the font's size)."""

    font: Any = None  # a Pillow FreeType font at _UNITS, or None: Calibri's average width
    _widths: dict[str, float] = field(default_factory=dict, repr=False)
    _words: dict[str, tuple[tuple[float, ...], ...]] = field(default_factory=dict, repr=False)

    def width(self, text: str) -> float:
        if self.font is None:
            return len(text) * AVERAGE_CHAR_EM
        known = self._widths.get(text)
        if known is None:
            known = self.font.getlength(text) / _UNITS * MEASURED_MARGIN
            self._widths[text] = known
        return known

    def word_widths(self, text: str) -> tuple[tuple[float, ...], ...]:
        """The widths of each line's words: a text is tried at several sizes, split once."""
        known = self._words.get(text)
        if known is None:
            if len(self._words) >= _KEPT_TEXTS:
                self._words.clear()
            known = tuple(
                tuple(self.width(word) for word in line.split()) for line in text.split("\n")
            )
            self._words[text] = known
        return known


_KEPT_TEXTS = 4096  # texts whose word widths are kept: a slide's, many times over


AVERAGE = Metrics()


@functools.cache
def metrics_for(family: str | None) -> Metrics:
    """The metrics of the font `family` as this machine shows it (see the module's doc)."""
    path = _font_file(family) if family else None
    if path is None:
        return AVERAGE
    from PIL import ImageFont

    try:
        return Metrics(ImageFont.truetype(path, _UNITS))
    except OSError:  # a font file FreeType cannot read
        return AVERAGE


def _font_file(family: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found if found.lower().endswith((".ttf", ".otf", ".ttc")) else None


@dataclass(frozen=True)
class TextFit:
    """Line breaking and heights of text in one font."""

    metrics: Metrics = AVERAGE

    def lines(self, text: str, width: int, size_pt: float) -> int:
        """How many lines `text` wraps to in `width` EMU at `size_pt` (explicit breaks count)."""
        limit = max(width / (size_pt * EMU_PER_PT), 1e-6)  # the line's width, in em
        space = self.metrics.width(" ")
        total = 0
        for line in self.metrics.word_widths(text):
            count, used = 1, 0.0
            for wide in line:
                if wide > limit:  # a word longer than the line breaks anywhere
                    count += 1 if used else 0
                    full, rest = divmod(wide, limit)
                    count += int(full) - (0 if rest else 1)
                    used = rest or limit
                    continue
                needed = wide if used == 0 else used + space + wide
                if needed > limit:
                    count += 1
                    used = wide
                else:
                    used = needed
            total += count
        return total

    def height(
        self,
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
            lines += self.lines(paragraph, width - indent, size_pt)
            count += 1
        spacing = max(0, count - 1) * space_before_pt
        return int((lines * size_pt * LINE_SPACING + spacing) * EMU_PER_PT)

    def fits(
        self,
        paragraphs: Iterable[str],
        box: Box,
        size_pt: float,
        *,
        indent: int = 0,
        space_before_pt: float = 0,
    ) -> bool:
        """True if `paragraphs` fit in `box` at `size_pt`."""
        needed = self.height(
            list(paragraphs), box.width, size_pt, indent=indent, space_before_pt=space_before_pt
        )
        return needed <= box.height

    def widest_word(self, text: str, size_pt: float) -> int:
        """The width in EMU of the widest word of `text` at `size_pt`: the narrowest a column
        may be without breaking a word."""
        words = text.split() or [""]
        return int(max(self.metrics.width(w) for w in words) * size_pt * EMU_PER_PT)

    def shortened(self, text: str, box: Box, size_pt: float) -> str:
        """`text` cut at a word so that it, with an ellipsis, fits `box` (or `text` if it does)."""
        if self.fits([text], box, size_pt):
            return text
        words = text.split()
        count = longest_fitting(words, lambda t: self.fits([t], box, size_pt), "…")
        return " ".join(words[:count]) + "…"

    def pieces(self, text: str, box: Box, size_pt: float, *, indent: int = 0) -> list[str]:
        """`text` cut at words into pieces that each fit `box` alone (a paragraph too long for
        any one slide goes on over several)."""
        words = text.split()
        pieces: list[str] = []

        def fits(text: str) -> bool:
            return self.fits([text], box, size_pt, indent=indent)

        while words:
            if not fits(words[0]):  # one "word" longer than a slide (a pasted URL, a hash)
                count = longest_fitting(list(words[0]), lambda t: fits(t.replace(" ", "")))
                pieces.append(words[0][:count])
                words[0] = words[0][count:]
                continue
            count = longest_fitting(words, fits)
            pieces.append(" ".join(words[:count]))
            words = words[count:]
        return pieces


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
