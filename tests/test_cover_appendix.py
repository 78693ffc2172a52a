"""The form of the Word documents (issue 13): the host's logo on the cover and in the header,
the phase checklist as an unnumbered appendix of the plan, the TOC with the headings'
numbers, and the effektlogik as a diagram beside its table."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from klusterdocs.cli import main
from klusterdocs.documents import WORD_DOCUMENTS, write_word_document
from klusterdocs.loading import load_initiative
from klusterdocs.render.pictures import MAX_BYTES
from tests.checks import assert_valid_office
from tests.conftest import EXAMPLE, THIN

DAY = dt.date(2012, 9, 1)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
LOGO = EXAMPLE.parent / "smart-textiles-logo.png"


def _write(document: str, folder: Path, source: Path = EXAMPLE) -> Path:
    return write_word_document(load_initiative(source), document, folder, today=DAY, source=source)


def _xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def _style(paragraph: etree._Element) -> str:
    found = paragraph.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else ""


def _text(element: etree._Element) -> str:
    return "".join(
        t.text or ("\t" if t.tag == f"{W}tab" else "") for t in element.iter(f"{W}t", f"{W}tab")
    )


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write("verksamhetsplan", tmp_path_factory.mktemp("plan"))


# -- the logo ---------------------------------------------------------------------------------


@pytest.mark.parametrize("document", WORD_DOCUMENTS)
def test_the_logo_is_a_picture_on_the_cover_and_in_the_header(
    document: str, tmp_path: Path
) -> None:
    path = _write(document, tmp_path)
    assert_valid_office(path)
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(media) == 1, "one picture, stored once for the cover and the header"
        assert archive.read(media[0]) == LOGO.read_bytes()
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        headers = [n for n in archive.namelist() if re.fullmatch(r"word/header\d+\.xml", n)]
    assert any(d.get("Extension") == "png" for d in types)
    shown_in = []
    for part in ["word/document.xml", *headers]:
        pictures = _xml(path, part).findall(".//pic:pic", NS)
        if not pictures:
            continue
        shown_in.append(part)
        (picture,) = pictures
        inline = picture.getparent().getparent().getparent()
        assert inline.find("wp:docPr", NS).get("descr") == "Högskolan i Borås logotyp"
        extent = inline.find("wp:extent", NS)
        assert 0 < int(extent.get("cy")) <= 2.2 * 360000
        assert int(extent.get("cx")) == int(extent.get("cy"))  # the logo is square
        r_id = picture.find(".//a:blip", NS).get(f"{{{NS['r']}}}embed")
        folder, _, name = part.rpartition("/")
        rels = _xml(path, f"{folder}/_rels/{name}.rels")
        (target,) = [r.get("Target") for r in rels if r.get("Id") == r_id]
        assert f"word/{target}" == media[0]
    assert "word/document.xml" in shown_in and len(shown_in) >= 2, shown_in
    body = _xml(path, "word/document.xml").find(f"{W}body")
    first_picture = next(i for i, p in enumerate(body) if p.find(".//pic:pic", NS) is not None)
    assert first_picture < 3, "on the cover, above the title"


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    first = _write("verksamhetsplan", tmp_path / "a").read_bytes()
    assert _write("verksamhetsplan", tmp_path / "b").read_bytes() == first


def test_a_header_logo_is_smaller_than_the_cover_logo(plan: Path) -> None:
    with zipfile.ZipFile(plan) as archive:
        header = next(n for n in archive.namelist() if re.fullmatch(r"word/header\d+\.xml", n))
    heights = {
        part: int(_xml(plan, part).find(".//wp:extent", NS).get("cy"))
        for part in ("word/document.xml", header)
    }
    assert heights[header] < heights["word/document.xml"] / 2


def test_without_a_logo_no_picture_is_placed(write: Callable[[str], Path], tmp_path: Path) -> None:
    path = _write("verksamhetsplan", tmp_path / "out", write(THIN))
    with zipfile.ZipFile(path) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]
    assert _xml(path, "word/document.xml").find(".//pic:pic", NS) is None


@pytest.mark.parametrize(
    ("picture", "message"),
    [
        (None, "logo not found"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "cannot be read as a picture"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BYTES, "is larger than 5 MB"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "neither a size nor a viewBox"),
        (
            b"<!DOCTYPE svg [<!ENTITY a 'aa'>]><svg xmlns='http://www.w3.org/2000/svg'/>",
            "with a DOCTYPE",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink' "
            b"viewBox='0 0 10 10'><image x:href='/etc/passwd' width='10' height='10'/></svg>",
            "refers to other files",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg' width='1000000' height='1'/>", "no logo"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10", "cannot be read as an SVG"),
    ],
)
def test_a_logo_that_cannot_be_placed_stops_plan_at_its_line(
    picture: bytes | None, message: str, write: Callable[[str], Path], tmp_path: Path
) -> None:
    name = "logo.svg" if picture and b"<svg" in picture else "logo.png"
    if picture is not None:
        (tmp_path / name).write_bytes(picture)
    path = write(THIN + f"document:\n  version: '1'\n  logo: {name}\n")
    result = CliRunner().invoke(main, ["plan", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert re.search(rf"input\.yaml:8:\d+: .*{re.escape(message)}", result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.docx"))


def test_an_svg_logo_is_drawn_sharp_in_its_own_proportions(
    write: Callable[[str], Path], tmp_path: Path
) -> None:
    """The contract's third kind of logo: drawn as a PNG large enough to print sharp on the
    cover, wide as the SVG is wide, and placed like any logo."""
    (tmp_path / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 300 100'>"
        "<rect width='300' height='100' fill='#1f3b5b'/>"
        "<circle cx='50' cy='50' r='40' fill='#d9822b'/></svg>",
        encoding="utf-8",
    )
    source = write(THIN + "document:\n  version: '1'\n  logo: logo.svg\n")
    path = _write("verksamhetsplan", tmp_path / "out", source)
    assert_valid_office(path)
    with zipfile.ZipFile(path) as archive:
        [media] = [n for n in archive.namelist() if n.startswith("word/media/")]
        drawn = archive.read(media)
    assert media.endswith(".png") and drawn.startswith(b"\x89PNG")
    from PIL import Image

    with Image.open(io.BytesIO(drawn)) as image:
        assert image.size == (1200, 400)
        assert image.getpixel((200, 200))[:3] == (0xD9, 0x82, 0x2B)  # the circle is drawn
        assert image.getpixel((1000, 200))[:3] == (0x1F, 0x3B, 0x5B)  # on its ground
    extent = _xml(path, "word/document.xml").find(".//wp:extent", NS)
    assert int(extent.get("cx")) == 3 * int(extent.get("cy"))


def test_a_picture_checked_once_is_not_decoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding a logo (and importing Pillow) costs more than the rest of a small plan, so
    what a picture's bytes were found to be is kept; a changed file is checked anew."""
    from klusterdocs.render import pictures

    monkeypatch.setenv("KLUSTERDOCS_CACHE", str(tmp_path / "cache"))
    (tmp_path / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 300 100'>"
        "<rect width='300' height='100' fill='#1f3b5b'/></svg>",
        encoding="utf-8",
    )
    first = pictures.read_picture(tmp_path / "logo.svg", "Logo")

    def undecodable(data: bytes) -> tuple[int, int]:
        raise pictures.PictureError("decoded again")

    monkeypatch.setattr(pictures, "_pixel_size", undecodable)
    again = pictures.read_picture(tmp_path / "logo.svg", "Logo")
    facts = ("data", "extension", "content_type", "width", "height", "alt")
    assert [getattr(again, fact) for fact in facts] == [getattr(first, fact) for fact in facts]
    (tmp_path / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 200 100'/>", encoding="utf-8"
    )
    with pytest.raises(pictures.PictureError, match="decoded again"):
        pictures.read_picture(tmp_path / "logo.svg", "Logo")


# -- the checklist as an appendix --------------------------------------------------------------


def _styles(path: Path) -> dict[str, etree._Element]:
    return {s.get(f"{W}styleId"): s for s in _xml(path, "word/styles.xml").iter(f"{W}style")}


def _numbered(style_id: str, styles: dict[str, etree._Element]) -> bool:
    """Whether the style, or one it is based on, numbers its paragraphs."""
    while style_id in styles:
        style = styles[style_id]
        if style.find(f"{W}pPr/{W}numPr") is not None:
            return True
        based_on = style.find(f"{W}basedOn")
        style_id = based_on.get(f"{W}val") if based_on is not None else ""
    return False


def test_the_plan_has_the_checklist_as_an_unnumbered_last_appendix(plan: Path) -> None:
    body = list(_xml(plan, "word/document.xml").find(f"{W}body"))
    styles = _styles(plan)
    paragraphs = [(n, _style(p), _text(p)) for n, p in enumerate(body) if p.tag == f"{W}p"]
    (appendix,) = [(n, s, t) for n, s, t in paragraphs if t == "Bilaga 1 – Fasens checklista"]
    where, style, _ = appendix
    numbered = [n for n, s, _ in paragraphs if _numbered(s, styles)]
    assert numbered and max(numbered) < where, "after the last numbered heading"
    assert not _numbered(style, styles) and body[where].find(f".//{W}numPr") is None
    properties = styles[style].find(f"{W}pPr")
    assert properties.find(f"{W}outlineLvl").get(f"{W}val") == "0", "listed in the TOC"
    assert properties.find(f"{W}pageBreakBefore") is not None
    checklist_tables = [t for t in body[where:] if t.tag == f"{W}tbl"]
    checklist_head = "DelPunktStatusKommentar"  # the checklist table's header row
    assert checklist_tables and _text(checklist_tables[0].find(f"{W}tr")) == checklist_head
    before = "\n".join(_text(p) for p in body[:where])
    assert "bilaga 1" in before, "the phase section says where the checklist went"
    tables_before = [t for t in body[:where] if t.tag == f"{W}tbl"]
    assert not any(_text(t.find(f"{W}tr")) == checklist_head for t in tables_before)


def test_the_prestudy_keeps_its_checklist_in_the_body(tmp_path: Path) -> None:
    path = _write("forstudie", tmp_path)
    texts = [_text(p) for p in _xml(path, "word/document.xml").iter(f"{W}p")]
    assert "Fasens checklista" in texts and not any(t.startswith("Bilaga") for t in texts)


# -- the table of contents ---------------------------------------------------------------------


def test_the_table_of_contents_shows_the_headings_numbers(plan: Path) -> None:
    body = _xml(plan, "word/document.xml").find(f"{W}body")
    entries = [_text(p) for p in body if _style(p).startswith("TOC")]
    assert entries[0].startswith("1\tSammanfattning\t"), entries[:3]
    assert any(e.startswith("2.1\tUtgångspunkt\t") for e in entries)
    headings = [_text(p) for p in body if _style(p) == "Heading1"]
    numbered = [e for e in entries if re.match(r"\d+\t", e)]
    assert [e.split("\t")[1] for e in numbered] == headings
    assert [e.split("\t")[0] for e in numbered] == [str(n) for n in range(1, len(headings) + 1)]
    assert entries[-1].startswith("Bilaga 1 – Fasens checklista\t"), "unnumbered, last"


# -- the effektlogik as a diagram --------------------------------------------------------------


def _diagram(path: Path) -> etree._Element | None:
    for table in _xml(path, "word/document.xml").iter(f"{W}tbl"):
        first = table.find(f"{W}tr")
        if [_text(c) for c in first.iterchildren(f"{W}tc")][:3] == ["Behov", "→", "Aktiviteter"]:
            return table
    return None


def test_the_impact_logic_is_a_diagram_of_boxes_and_arrows(plan: Path) -> None:
    diagram = _diagram(plan)
    assert diagram is not None
    labels, boxes = diagram.findall(f"{W}tr")
    names = [_text(c) for c in labels.iterchildren(f"{W}tc")]
    assert names == [
        "Behov", "→", "Aktiviteter", "→", "Resultat", "→", "Effekter på kort sikt", "→",
        "Effekt på lång sikt", "→", "Indikatorer",
    ]  # fmt: skip
    assert labels.find(f"{W}trPr/{W}tblHeader") is not None, "read as the boxes' names"
    contents = [_text(c) for c in boxes.iterchildren(f"{W}tc")]
    assert "Små företag har inte råd med egen produktutveckling." in contents[0]
    assert "Nya produkter på marknaden" in contents[-1]
    fills = {s.get(f"{W}fill") for s in labels.iter(f"{W}shd")}
    assert "1F3B5B" in fills, "dark labels over light boxes: it reads in black and white"


def test_a_thin_plan_gets_the_hint_instead_of_an_empty_diagram(
    write: Callable[[str], Path], tmp_path: Path
) -> None:
    path = _write("verksamhetsplan", tmp_path / "out", write(THIN))
    assert _diagram(path) is None
    texts = [_text(p) for p in _xml(path, "word/document.xml").iter(f"{W}p")]
    at = texts.index("Effektlogik")
    assert "effektlogik" in texts[at + 1].lower()
