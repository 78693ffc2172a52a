"""The colours and fonts of a deck: the template's theme, so the template restyles every slide.

Colours are written as scheme colours (accent 1, text 1 …), lightened or darkened, never as
fixed RGB: a red or a dark template gives red or light-on-dark tables and diagrams. Whether
the background is dark is read from the master's background, colour map and theme.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.opc.constants import RELATIONSHIP_TYPE as RT


@dataclass(frozen=True)
class Tone:
    """A colour of the template's theme, lighter (> 0) or darker (< 0) by `brightness`."""

    theme: MSO_THEME_COLOR
    brightness: float = 0.0


@dataclass(frozen=True)
class Palette:
    """What each drawn thing is coloured with; tints go toward the text colour, so that a dark
    template gets dark stripes, not white ones."""

    text: Tone
    quiet: Tone  # a source line
    quote: Tone
    header: Tone
    on_header: Tone
    stripe: Tone
    plain: Tone
    soft_accent: Tone

    @classmethod
    def for_background(cls, dark: bool) -> Palette:
        return cls(
            text=Tone(MSO_THEME_COLOR.TEXT_1),
            quiet=Tone(MSO_THEME_COLOR.TEXT_1, -0.25 if dark else 0.35),
            quote=Tone(MSO_THEME_COLOR.TEXT_2),
            header=Tone(MSO_THEME_COLOR.ACCENT_1),
            on_header=Tone(MSO_THEME_COLOR.BACKGROUND_1),
            stripe=Tone(MSO_THEME_COLOR.BACKGROUND_1, 0.15 if dark else -0.05),
            plain=Tone(MSO_THEME_COLOR.BACKGROUND_1),
            soft_accent=Tone(MSO_THEME_COLOR.ACCENT_1, -0.5 if dark else 0.6),
        )


def paint(colour: Any, tone: Tone) -> None:
    """Set a python-pptx colour (a font's, a fill's) to `tone`."""
    colour.theme_color = tone.theme
    if tone.brightness:
        colour.brightness = tone.brightness


NS_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NS_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _theme(master: Any) -> etree._Element | None:
    try:
        return etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    except Exception:  # no theme, or one python-pptx cannot read
        return None


def theme_fonts(master: Any) -> tuple[str | None, str | None]:
    """The master's theme fonts (headings, body): the typefaces text without a font of its
    own is shown in, as `+mj-lt` and `+mn-lt` name them."""
    theme = _theme(master)
    found: list[str | None] = []
    for kind in ("majorFont", "minorFont"):
        latin = theme.find(f".//{NS_A}{kind}/{NS_A}latin") if theme is not None else None
        found.append((latin.get("typeface") or None) if latin is not None else None)
    return found[0], found[1]


def _scheme(master: Any) -> dict[str, str]:
    """The master's theme colours by scheme name (`dk1`: `000000`), and its colour map
    (`bg1`: `lt1`) under the mapped names."""
    colours: dict[str, str] = {}
    theme = _theme(master)
    if theme is None:
        return colours
    scheme = theme.find(f".//{NS_A}clrScheme")
    for slot in scheme if scheme is not None else []:
        colour = next(iter(slot), None)
        if colour is not None:
            value = colour.get("lastClr") or colour.get("val") or ""
            colours[etree.QName(slot).localname] = value.upper()
    mapping = master.element.find(f"{NS_P}clrMap")
    for name, target in (mapping.attrib if mapping is not None else {}).items():
        if target in colours:
            colours[name] = colours[target]
    return colours


def _resolved(colour: etree._Element, scheme: dict[str, str]) -> str | None:
    """`RRGGBB` of a DrawingML colour element, its lumMod/lumOff applied."""
    tag = etree.QName(colour).localname
    value = {
        "srgbClr": colour.get("val"),
        "sysClr": colour.get("lastClr"),
        "schemeClr": scheme.get(colour.get("val") or ""),
    }.get(tag)
    if not value or len(value) != 6:
        return None
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(red, green, blue)
    modulate = colour.find(f"{NS_A}lumMod")
    offset = colour.find(f"{NS_A}lumOff")
    light *= int(modulate.get("val", "100000")) / 100000 if modulate is not None else 1
    light += int(offset.get("val", "0")) / 100000 if offset is not None else 0
    red, green, blue = colorsys.hls_to_rgb(hue, min(1.0, max(0.0, light)), saturation)
    return "".join(f"{round(c * 255):02X}" for c in (red, green, blue))


def background(layout: Any) -> str | None:
    """`RRGGBB` of the background a slide on `layout` shows (the layout's own, else its
    master's); None for a picture or what cannot be told."""
    master = layout.slide_master
    scheme = _scheme(master)
    for owner in (layout, master):
        background = owner.element.find(f"{NS_P}cSld/{NS_P}bg")
        if background is None:
            continue
        colours = [
            e
            for e in background.iter(f"{NS_A}srgbClr", f"{NS_A}schemeClr", f"{NS_A}sysClr")
            if etree.QName(e.getparent()).localname != "lumMod"
        ]
        if background.find(f".//{NS_A}blipFill") is not None or not colours:
            return None
        return _resolved(colours[0], scheme)
    return scheme.get("bg1")


def is_dark(rgb: str | None) -> bool:
    if rgb is None:
        return False
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45
