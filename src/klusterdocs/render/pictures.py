"""Pictures a document places (the host's logo): read and checked once, sized to a box.

The same reading serves validation (`klusterdocs validate` says what is wrong with the file,
at its line) and rendering (the bytes placed are the bytes checked), so a picture that
validates is one that Word and LibreOffice can show.

An SVG logo is drawn as a PNG (by resvg, a self-contained renderer that fetches nothing) at a
size that prints sharp on the cover: Word before 2016 and LibreOffice's PDF export show a PNG
everywhere, and a drawing made here can be checked here.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from klusterdocs import cache

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_BYTES = 5 * 2**20  # a logo, not a photo: more would bloat every document it is in
MAX_SIDE = 4000  # pixels: a logo printed 10 cm wide at 1000 dpi
SVG_SIDE = 1200  # pixels an SVG logo is drawn at on its longer side: sharp at 10 cm
_SVG_ASPECT = 20  # a logo wider (or taller) than this many times its other side is no logo
_EMU_PER_CM = 360000
# The kinds a Word document shows everywhere: (first bytes, extension, content type).
_KINDS = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
)


class PictureError(ValueError):
    """A picture that cannot be placed, said for the person who chose it."""


class Picture:
    """A picture's bytes, kind and size in pixels, and what it says to someone who cannot see
    it. Printed in a template, a picture is its alt text.

    A plain class, not a dataclass (whose generated methods take a millisecond to define, of
    every `validate`) nor a named tuple (a template's context would read it as a list).
    """

    __slots__ = ("alt", "content_type", "data", "extension", "height", "width")

    def __init__(
        self, data: bytes, extension: str, content_type: str, width: int, height: int, alt: str = ""
    ) -> None:
        self.data, self.extension, self.content_type = data, extension, content_type
        self.width, self.height, self.alt = width, height, alt

    def __str__(self) -> str:
        return self.alt

    def fitted(self, max_height_cm: float, max_width_cm: float) -> tuple[int, int]:
        """Its width and height in EMU, as large as fits the box, in its own proportions."""
        scale = min(max_height_cm / self.height, max_width_cm / self.width)
        return round(self.width * scale * _EMU_PER_CM), round(self.height * scale * _EMU_PER_CM)


def read_picture(path: Path, alt: str = "") -> Picture:
    """The PNG, JPEG or SVG (drawn as PNG) picture at `path`; `PictureError` (or `OSError`)
    says why not."""
    with path.open("rb") as file:
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PictureError(f"is larger than {MAX_BYTES // 2**20} MB; a logo needs far less")
    # Checking a picture means decoding it (and importing Pillow), which takes longer than
    # the rest of a small document: what a picture's bytes were found to be is kept.
    key = cache.digest(data, "picture", cache.installed("PIL"), cache.installed("resvg_py"))
    kept = cache.load(key, tuple)
    if kept is not None and len(kept) == 4 and kept[0] in (0, 1):
        kind_index, width, height, drawn = kept
        _, extension, content_type = _KINDS[kind_index]
        return Picture(drawn or data, extension, content_type, width, height, alt)
    kind = next((k for k in _KINDS if data.startswith(k[0])), None)
    drawn = b""
    if kind is None:
        if path.suffix.lower() == ".svg" or b"<svg" in data[:2048].lower():
            drawn, kind = _drawn(data), _KINDS[0]
        else:
            raise PictureError("is not a PNG, JPEG or SVG picture")
    width, height = _pixel_size(drawn or data)
    cache.store(key, (_KINDS.index(kind), width, height, drawn))
    return Picture(drawn or data, kind[1], kind[2], width, height, alt)


_OUTSIDE = re.compile(rb"""href\s*=\s*["'](?!\s*(#|data:))""")


def _drawn(svg: bytes) -> bytes:
    """An SVG picture drawn as PNG, SVG_SIDE pixels on its longer side.

    Refused first: a DOCTYPE (entities that expand without end), a reference to another
    file or address (a logo names nothing outside itself), and proportions no logo has (a
    drawing a million pixels wide).
    """
    if b"<!doctype" in svg.lower() or b"<!entity" in svg.lower():
        raise PictureError("is an SVG picture with a DOCTYPE; save it without one")
    if _OUTSIDE.search(svg):
        raise PictureError("is an SVG picture that refers to other files; embed them in it")
    import xml.etree.ElementTree as ElementTree  # only an SVG logo needs it

    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as exc:
        raise PictureError(f"cannot be read as an SVG picture ({exc})") from None
    width, height = _svg_size(root)
    if max(width / height, height / width) > _SVG_ASPECT:
        raise PictureError(f"is an SVG picture of {width:g} × {height:g}; no logo is that shape")
    import resvg_py

    scale = SVG_SIDE / max(width, height)
    try:
        drawn = resvg_py.svg_to_bytes(
            svg_string=svg.decode("utf-8"),
            width=max(1, round(width * scale)),
            height=max(1, round(height * scale)),
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise PictureError(f"cannot be drawn as an SVG picture ({exc})") from None
    return bytes(drawn)


_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|mm|cm|in)?\s*$")


def _svg_size(root: Element) -> tuple[float, float]:
    """An SVG's proportions: its width and height, else its viewBox's."""
    if not root.tag.endswith("svg"):
        raise PictureError("is not an SVG picture (its root is not <svg>)")
    width, height = (_LENGTH.match(root.get(name, "")) for name in ("width", "height"))
    if width and height:
        size = float(width.group(1)), float(height.group(1))
    else:
        box = (root.get("viewBox") or "").replace(",", " ").split()
        try:
            size = float(box[2]), float(box[3])
        except (IndexError, ValueError):
            raise PictureError("is an SVG picture with neither a size nor a viewBox") from None
    if not (size[0] > 0 and size[1] > 0):
        raise PictureError("is an SVG picture of no size")
    return size


def _pixel_size(data: bytes) -> tuple[int, int]:
    """The picture's width and height, once Pillow has checked that the whole file reads
    (and before it decodes one that is too large to be a logo)."""
    from PIL import Image  # python-pptx's dependency

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                size = image.size
                if max(size) > MAX_SIDE:
                    raise PictureError(
                        f"is {size[0]} × {size[1]} pixels; a logo needs at most {MAX_SIDE} "
                        "on a side"
                    )
                image.load()  # a truncated or corrupt file fails here, not in Word
    except PictureError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise PictureError(f"cannot be read as a picture ({exc})") from None
    except Image.DecompressionBombError:
        raise PictureError(f"has more than {MAX_SIDE} pixels on a side") from None
    if not (size[0] > 0 and size[1] > 0):
        raise PictureError("has no pixels")
    return size


__all__ = ["MAX_BYTES", "Picture", "PictureError", "read_picture"]
