"""Word templates nobody here made (tests/public_templates/word; sources and licences in its
SOURCES.md), used as a region would: its styles, headers, sections and table of contents kept,
klusterdocs's tags typed into its body."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from klusterdocs.cli import main
from klusterdocs.loading import load_initiative
from klusterdocs.render.wordxml import heading_levels, is_table_of_contents
from tests.checks import HAVE_LIBREOFFICE, body_text, office_errors, words_missing_from_pdf
from tests.conftest import EXAMPLE, ROOT

CORPUS = ROOT / "tests" / "public_templates" / "word"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DESIGNS = [
    "oxpt-HC031-Complicated-Document.docx",  # TOC in a content control, four sections
    "oxpt-HC031-Complicated-Document-libreoffice.docx",  # the same, saved by LibreOffice
    "oxpt-solar-system.docx",  # twelve sections, a bare TOC field, a glossary
    "oxpt-Letter-danish.docx",  # Danish style ids (Overskrift1), layout tables
    "gongwen-template.dotx",  # a .dotx, Chinese style ids ("1" for heading 1)
]
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _body(h1: str, h2: str) -> str:
    """A plan's body as a region's author would type it into their own template."""
    cell = '<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'  # noqa: E501
    row = "<w:tr>" + cell * 2 + "</w:tr>"
    return (
        f'<w:p><w:pPr><w:pStyle w:val="{h1}"/></w:pPr><w:r><w:t>{{{{ t.headings.summary }}}}'
        "</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{{ initiative.name }}, {{ initiative.region }}</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>{{p initiative.background|md }}</w:t></w:r></w:p>"
        f'<w:p><w:pPr><w:pStyle w:val="{h1}"/></w:pPr><w:r><w:t>Aktörer</w:t></w:r></w:p>'
        f'<w:p><w:pPr><w:pStyle w:val="{h2}"/></w:pPr><w:r><w:t>Registret</w:t></w:r></w:p>'
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>'
        + row.format("Namn", "Roll")
        + row.format("{%tr for a in actors %}", "")
        + row.format("{{ a.name }}", "{{ a.role }}")
        + row.format("{%tr endfor %}", "")
        + "</w:tbl><w:p/>"
    )


def _as_region_template(source: Path, target: Path) -> dict[int, str]:
    """`source` with its body replaced by a plan's (its TOC and last section kept); the ids of
    its heading styles by level."""
    with zipfile.ZipFile(source) as archive:
        entries = [(i.filename, archive.read(i.filename)) for i in archive.infolist()]
    parts = dict(entries)
    styles = etree.fromstring(parts["word/styles.xml"])
    by_level: dict[int, str] = {}
    for style_id, level in sorted(heading_levels(styles).items(), key=lambda i: len(i[0])):
        by_level.setdefault(level, style_id)
    document = etree.fromstring(parts["word/document.xml"])
    body = document.find(f"{{{W}}}body")
    for block in list(body):
        keep = block.tag == f"{{{W}}}sectPr" or any(
            is_table_of_contents(p) for p in block.iter(f"{{{W}}}p")
        )
        if not keep:
            body.remove(block)
    wrapper = etree.fromstring(f'<w:body xmlns:w="{W}">{_body(by_level[1], by_level[2])}</w:body>')
    for block in wrapper:
        body[-1].addprevious(block)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, _ in entries:
            archive.writestr(name, parts[name])
    return by_level


def _kinds(errors: list[str]) -> set[str]:
    """Validator errors without their place: rendering moves elements about."""
    return {error.split(" @ ")[0] for error in errors}


def _has_toc(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return any(is_table_of_contents(p) for p in root.iter(f"{{{W}}}p"))


@pytest.mark.parametrize("name", DESIGNS)
def test_a_regions_own_word_template_keeps_its_design_and_gets_the_data(
    name: str, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    extension = Path(name).suffix
    template = templates / "verksamhetsplan" / f"default{extension}"
    styles = _as_region_template(CORPUS / name, template)
    check = CliRunner().invoke(main, ["templates", "check", str(templates)])
    assert check.exit_code == 0, check.output
    result = CliRunner().invoke(
        main, ["plan", str(EXAMPLE), "--templates", str(templates), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "smart-textiles" / "verksamhetsplan.docx"
    docx.Document(str(written))
    assert _kinds(office_errors(written)) <= _kinds(office_errors(template)), (
        "no error the template does not have itself (three of them have some: SOURCES.md)"
    )
    with zipfile.ZipFile(written) as archive:
        types = archive.read("[Content_Types].xml").decode()
        document = etree.fromstring(archive.read("word/document.xml"))
        headers = sorted(n for n in archive.namelist() if n.startswith("word/header"))
    with zipfile.ZipFile(CORPUS / name) as archive:
        assert headers == sorted(n for n in archive.namelist() if n.startswith("word/header"))
    assert DOCUMENT_TYPE in types, "a document made from a .dotx is a document"
    shown = body_text(written)
    for actor in load_initiative(EXAMPLE).actors:
        assert actor.name in shown
    used = {p.get(f"{{{W}}}val") for p in document.iter(f"{{{W}}}pStyle")}
    assert {styles[1], styles[2]} <= used, "the headings keep the template's own styles"
    if _has_toc(CORPUS / name):
        entries = [
            "".join(t.text or "" for t in link.iter(f"{{{W}}}t"))
            for link in document.iter(f"{{{W}}}hyperlink")
        ]
        # with the numbers the template's own heading styles give (one of them numbers them)
        assert [e.lstrip("0123456789.") for e in entries[:3]] == [
            "Sammanfattning",
            "Aktörer",
            "Registret",
        ], entries


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice is not installed")
def test_a_regions_own_template_shows_every_word_in_its_pdf(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    _as_region_template(
        CORPUS / "oxpt-HC031-Complicated-Document-libreoffice.docx",
        templates / "verksamhetsplan" / "default.docx",
    )
    result = CliRunner().invoke(
        main,
        ["plan", str(EXAMPLE), "--templates", str(templates), "-o", str(tmp_path), "--pdf"],
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "smart-textiles" / "verksamhetsplan.docx"
    assert words_missing_from_pdf(written, written.with_suffix(".pdf")) == []


@pytest.mark.parametrize("name", ["docxtpl-order_tpl.docx", "docxtpl-dynamic_table_tpl.docx"])
def test_another_tools_template_gets_a_located_error(name: str, tmp_path: Path) -> None:
    """docxtpl's own test templates use fields of their own: plan and check say which, where."""
    templates = tmp_path / "templates"
    (templates / "forstudie").mkdir(parents=True)
    (templates / "forstudie" / "default.docx").write_bytes((CORPUS / name).read_bytes())
    check = CliRunner().invoke(main, ["templates", "check", str(templates)])
    plan = CliRunner().invoke(
        main, ["prestudy", str(EXAMPLE), "--templates", str(templates), "-o", str(tmp_path)]
    )
    for result in (check, plan):
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "default.docx: document, paragraph " in result.output
        assert "unknown field '" in result.output, result.output
    assert plan.output.strip().removeprefix("Error: ") in check.output
