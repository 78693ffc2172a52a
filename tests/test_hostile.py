"""Hostile input, hostile templates and faults: one test per case, each with its exact outcome.

Inputs: the text a user pastes must come out as typed, or be refused with a located error.
Templates: a shared template may not reach Python internals, loop for ever or write gigabytes.
Faults: a failed or killed write leaves the previous document intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx import Presentation

from klusterdocs.cli import main
from klusterdocs.documents import WORD_DOCUMENTS, write_deck, write_word_document
from klusterdocs.errors import InputError, RenderError, TemplateError
from klusterdocs.loading import load_initiative, load_program
from klusterdocs.loading.yamlsource import MAX_BYTES, load_yaml
from klusterdocs.render import word
from klusterdocs.render.lookup import builtin_templates
from tests.checks import HAVE_LIBREOFFICE
from tests.conftest import EXAMPLE, PROGRAM, THIN

HOSTILE = "R&D <AB> \"citat\" 'apostrof' {{ 7*7 }} {% if true %}x{% endif %} {# c #} {_{ %_}"


def _texts(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _every_field(text: str) -> str:
    """An initiative whose every kind of field holds `text`."""
    q = _quoted(text)
    return textwrap.dedent(f"""
        initiative:
          name: {q}
          region: {q}
          focus: {q}
          phase: mobilisering
          host: {q}
          leader: {{name: {q}, title: {q}, organisation: {q}, email: {q}}}
          background: {q}
          starting_point: {q}
        strategy:
          strategic_idea: {q}
          vision: {q}
          purpose: {q}
          values: [{q}]
          benefits: {{industry: [{q}], academia: [{q}], public: [{q}]}}
          focus_areas: [{{id: f, name: {q}, description: {q}}}]
          goals: [{{id: g, text: {q}, focus_area: f, indicators: [i]}}]
        context:
          competence_area: {q}
          trends: [{q}]
          industry: {q}
          region: {q}
          swot: {{strengths: [{q}], weaknesses: [{q}], opportunities: [{q}], threats: [{q}]}}
          problems: [{q}]
          opportunities: [{q}]
        actors:
          - {{id: a, name: {q}, helix: industry, role: {q}, core: inner, power: 4, interest: 4,
             expectations: {q}, contribution: {q}, engagement: {q}, owner: {q},
             contact: {{name: {q}, email: {q}}}}}
        indicators:
          - {{id: i, name: {q}, unit: {q}, baseline: {{value: 1, source: {q}}}}}
        activities:
          - {{id: x, title: {q}, responsible: {q}, deliverable: {q}, partners: [a],
             status: planned, budget: {{2013: 10}}}}
        organisation:
          process_group: [{{name: {q}, organisation: {q}, role: {q}}}]
          board: [{{name: {q}, organisation: {q}, role: {q}}}]
          working_groups: [{{name: {q}, lead: {q}, members: [{q}]}}]
        budget:
          income: [{{source: {q}, kind: public, amounts: {{2013: 5}}}}]
          costs: [{{item: {q}, category: other, amounts: {{2013: 5}}}}]
        risks: [{{id: r, text: {q}, mitigation: {q}, owner: {q}, probability: 2, impact: 2}}]
        document: {{version: {q}, author: {q}}}
        checklist: {{vision: {{done: true, comment: {q}}}}}
    """)


def _render_all(write, text: str, tmp_path: Path) -> list[Path]:
    model = load_initiative(write(_every_field(text)))
    return [write_word_document(model, d, tmp_path) for d in WORD_DOCUMENTS]


# -- hostile input ---------------------------------------------------------------------------


def test_markup_and_template_syntax_in_every_field_print_literally(write, tmp_path) -> None:
    for path in _render_all(write, HOSTILE, tmp_path):
        text = _texts(path)
        assert text.count(HOSTILE) >= 10, path.name
        assert "49" not in text


def test_control_characters_are_removed_and_vertical_tab_breaks_the_line(write, tmp_path) -> None:
    text = "före" + "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) + "efter\vny"
    paths = _render_all(write, text, tmp_path)
    body = _texts(paths[0])
    # a vertical tab (Word's line break) and a form feed (its page break) break the line
    assert re.search("före\n{2,}efter\nny", body)
    assert not any(chr(c) in body for c in range(1, 9))


def test_a_100000_character_text_is_kept_whole(write, tmp_path) -> None:
    long = ("Lång text med å, ä och ö. " * 4000)[:100_000]
    model = load_initiative(write(THIN + f"  background: {_quoted(long)}\n"))
    path = write_word_document(model, "verksamhetsplan", tmp_path)
    assert long.strip() in _texts(path)


@pytest.mark.parametrize(
    "text", ["Kluster 🚀🌲 grönt", "مجموعة التجمعات", "שלום", "e\u0301 o\u0308 a\u030a", "中文集群"]
)
def test_emoji_right_to_left_and_combining_characters(write, tmp_path, text: str) -> None:
    for path in _render_all(write, text, tmp_path):
        assert text in _texts(path)


def test_a_yaml_file_of_50_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 2**20)  # a sparse file: no disk used
    with pytest.raises(InputError, match=f"larger than {MAX_BYTES // 2**20} MiB"):
        load_yaml(path)


def test_deep_nesting_is_a_located_error(write) -> None:
    depth = 300  # over klusterdocs' bound, under the 1000 of newer libyaml builds
    with pytest.raises(InputError, match="nested more than 200 levels deep"):
        load_yaml(write("a: " + "[" * depth + "]" * depth + "\n"))


def test_a_second_yaml_document_is_refused(write) -> None:
    with pytest.raises(InputError, match="only one YAML document"):
        load_yaml(write("a: 1\n---\nb: 2\n"))


def test_an_unknown_alias_is_located(write) -> None:
    with pytest.raises(InputError, match=r"unknown alias \*nothing"):
        load_yaml(write("a: *nothing\n"))


def test_hostile_text_in_a_deck(write, tmp_path) -> None:
    q, vertical_tab = _quoted(HOSTILE), _quoted("a\vb")
    program = write(
        textwrap.dedent(f"""
        program: {{title: {q}}}
        modules: [{{number: 1, title: {q}, homework: [{q}]}}]
        participants: [{{id: p, name: {q}, role: {vertical_tab}}}]
    """)
    )
    path = write_deck(load_program(program), 1, tmp_path)
    text = "\n".join(
        s.text_frame.text
        for slide in Presentation(str(path)).slides
        for s in slide.shapes
        if s.has_text_frame
    )
    assert text.count(HOSTILE) >= 3
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    # the vertical tab (Word's line break) is a line break, never the control character
    assert "\x0b" not in xml and "_x000B_" not in xml
    assert "a<a:br/>" in xml or "a</a:t></a:r><a:br" in xml


# -- hostile templates -----------------------------------------------------------------------


def _template(
    tmp_path: Path, *, body: str = "ok", header: str = "", footer: str = "", title: str = ""
) -> Path:
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph(body)
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    document.core_properties.title = title
    document.save(str(folder / "default.docx"))
    return folder.parent


def _rewrite_parts(path: Path, change: Callable[[str, str], str | None]) -> None:
    """Rewrite each XML part of the package at `path` as `change` says (None drops it)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename.endswith((".xml", ".rels")):
                text = change(info.filename, data.decode("utf-8"))
                if text is None:
                    continue
                data = text.encode("utf-8")
            archive.writestr(info, data)


def _built_in_changed(tmp_path: Path, change: Callable[[str, str], str | None]) -> Path:
    """A templates folder holding the built-in verksamhetsplan with its parts rewritten as
    `change` says (see `_rewrite_parts`)."""
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(builtin_templates() / "verksamhetsplan" / "default.docx", folder / "default.docx")
    _rewrite_parts(folder / "default.docx", change)
    return folder.parent


REACHES = [
    "{{ cycler.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
]


@pytest.mark.parametrize("reach", REACHES)
@pytest.mark.parametrize("part", ["body", "header", "footer", "title"])
def test_a_template_reaching_for_python_internals_is_refused(tmp_path, reach, part) -> None:
    templates = _template(tmp_path, **{part: reach})
    with pytest.raises(TemplateError) as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "default.docx" in str(caught.value)
    assert "refused: the template reaches for something unsafe" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_template_declaring_entities_is_refused_and_reads_no_file(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    templates = _template(tmp_path, body="MARKER")
    doctype = f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'

    def declare_entity(name: str, text: str) -> str | None:
        if name != "word/document.xml":
            return text
        start = text.index("<w:document")
        return (text[:start] + doctype + text[start:]).replace("MARKER", "&x;")

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", declare_entity)
    with pytest.raises(TemplateError, match="declares a DOCTYPE") as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "TOPSECRET" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_names_the_file_and_where(tmp_path) -> None:
    templates = _template(tmp_path, body="Före {% for a in actors %} utan slut")
    with pytest.raises(TemplateError) as caught:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    message = str(caught.value)
    assert "verksamhetsplan/default.docx" in message
    assert "endfor" in message and "Före" in message


def test_a_template_with_an_unknown_field_names_it(tmp_path) -> None:
    templates = _template(tmp_path, body="{{ initiative.namn }}")
    with pytest.raises(
        TemplateError,
        match=r"paragraph \d+ .*: unknown field 'initiative.namn'; did you mean 'name'\?",
    ):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_that_writes_gigabytes_is_stopped(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(word, "MAX_OUTPUT_CHARACTERS", 2_000_000)
    templates = _template(
        tmp_path,
        body="{% for i in range(100000) %}{% for j in range(100000) %}"
        "xxxxxxxxxx{% endfor %}{% endfor %}",
    )
    with pytest.raises(TemplateError, match="more than 1 million characters"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_that_loops_without_end_is_stopped(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(word, "RENDER_SECONDS", 1)
    templates = _template(
        tmp_path,
        body="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    )
    with pytest.raises(TemplateError, match="took more than 1 s"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


GREEDY = [
    "{{ (9 ** (9 ** 9)) > 1 }}",  # Jinja folded this constant at compile time, outside any limit
    "{{ 'A' * 600000000 }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ '%999999999d'|format(1) }}",
    "{{ 'x'|center(999999999) }}",
    "{{ lipsum(n=2000000) }}",
]


@pytest.mark.parametrize("body", GREEDY)
def test_a_template_asking_for_gigabytes_is_refused_at_once(tmp_path, body) -> None:
    templates = _template(tmp_path, body=body)
    with pytest.raises(TemplateError, match="larger than a template may make"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert not (tmp_path / "out").exists()
    checked = CliRunner().invoke(main, ["templates", "check", str(templates)])
    assert checked.exit_code == 1, checked.output  # check renders as plan does, as bounded
    assert "larger than a template may make" in checked.output


def test_constant_expressions_are_left_to_render_time() -> None:
    """Jinja folds `9 ** (9 ** 9)` while compiling, before any bound or time limit applies."""
    from klusterdocs.render.sandbox import BoundedSandbox

    code = BoundedSandbox().compile("{{ 2 ** 10 }}", raw=True)
    assert "1024" not in code and "call_binop" in code


MISTAKES = [
    "{{ 1 / 0 }}",
    "{{ '%d' % 'text' }}",
    "{{ range(10**9)|list|length }}",
    "{% include 'other.docx' %}",
    "{% import 'macros' as m %}",
    "{% extends 'base' %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{{ '{x}'.format_map({}) }}",
]


@pytest.mark.parametrize("body", MISTAKES)
def test_a_mistake_in_a_template_expression_is_a_clear_error(runner, tmp_path, body) -> None:
    templates = _template(tmp_path, body=body)
    (tmp_path / "in.yaml").write_text(THIN, encoding="utf-8")
    result = runner.invoke(
        main,
        ["plan", str(tmp_path / "in.yaml"), "--templates", str(templates), "-o", str(tmp_path)],
    )
    assert result.exit_code == 1, result.output
    assert "verksamhetsplan/default.docx" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a located error, not a crash


def _template_with_members(tmp_path: Path, extra: list[tuple[str, bytes]]) -> Path:
    templates = _template(tmp_path, body="ok")
    path = templates / "verksamhetsplan" / "default.docx"
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name: that is the test
        for name, data in extra:
            archive.writestr(name, data)
    return templates


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("../../evil.xml", "a part is named"),
        ("/etc/evil.xml", "a part is named"),
        ("word/document.xml", "two parts are named"),
    ],
)
def test_a_template_member_leaving_the_package_or_repeated_is_refused(tmp_path, name, said) -> None:
    templates = _template_with_members(tmp_path, [(name, b"<x/>")])
    with pytest.raises(TemplateError, match=said):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_zip_bomb_template_is_refused_before_it_is_unpacked(tmp_path) -> None:
    templates = _template(tmp_path, body="ok")
    path = templates / "verksamhetsplan" / "default.docx"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.bin", b"\0" * (80 * 2**20))  # 80 MB, ~80 kB packed
    assert path.stat().st_size < 2 * 2**20
    with pytest.raises(TemplateError, match="unpacks to 80 MB"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_linking_a_picture_from_outside_is_refused(tmp_path) -> None:
    """LibreOffice would embed file:///… (or fetch http://…) while making the PDF."""
    templates = _template(tmp_path, body="ok")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")

    def link_outside(name: str, text: str) -> str:
        if name != "word/_rels/document.xml.rels":
            return text
        image = (
            f'<Relationship Id="rIdX" Target="{secret.as_uri()}" TargetMode="External" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>'
        )
        return text.replace("</Relationships>", image + "</Relationships>")

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", link_outside)
    with pytest.raises(TemplateError, match="from outside the template"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


def test_a_template_may_link_to_a_web_page(tmp_path) -> None:
    templates = _template(tmp_path, body="ok")

    def add_hyperlink(name: str, text: str) -> str:
        if name != "word/_rels/document.xml.rels":
            return text
        link = (
            '<Relationship Id="rIdL" Target="https://example.org" TargetMode="External" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
        )
        return text.replace("</Relationships>", link + "</Relationships>")

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", add_hyperlink)
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    assert path.is_file()


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler is not installed")
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_conversion_fetches_no_picture_from_outside(tmp_path) -> None:
    """A document (not a template) linking a picture on the disk: the PDF does not get it."""
    import io

    from PIL import Image

    from klusterdocs.pdf import convert_to_pdf

    Image.new("RGB", (40, 20), "blue").save(tmp_path / "secret.png")
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(picture, "PNG")
    document = docx.Document()
    document.add_picture(picture)
    path = tmp_path / "linked.docx"
    document.save(str(path))

    def link_outside(name: str, text: str) -> str:
        if name == "word/_rels/document.xml.rels":
            target = f'Target="{(tmp_path / "secret.png").as_uri()}" TargetMode="External"'
            return re.sub(r'Target="media/image1\.png"', target, text)
        return text.replace("r:embed=", "r:link=") if name == "word/document.xml" else text

    _rewrite_parts(path, link_outside)
    (pdf,) = convert_to_pdf([path])
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) == 2  # the header of the list, and no picture


_UNTYPED = r'<(Default Extension="xml"|Override PartName="/word/document.xml")[^>]*>'
DAMAGES = [  # what a hand edit or another tool leaves in a template, and what is said of it
    ("word/document.xml", lambda t: t[: len(t) // 2], "document.xml is not well-formed XML"),
    ("word/styles.xml", None, "refers to word/styles.xml, which the template lacks"),
    ("[Content_Types].xml", lambda t: re.sub(_UNTYPED, "", t), "no type for word/document.xml"),
]


@pytest.mark.parametrize(("part", "damage", "said"), DAMAGES)
def test_a_damaged_word_template_names_the_part_and_writes_nothing(
    runner, tmp_path, part, damage, said
) -> None:
    from klusterdocs.render.lookup import builtin_templates

    folder = tmp_path / "t" / "verksamhetsplan"
    folder.mkdir(parents=True)
    shutil.copy(builtin_templates() / "verksamhetsplan" / "default.docx", folder)
    _rewrite_parts(
        folder / "default.docx",
        lambda name, text: (damage(text) if damage else None) if name == part else text,
    )
    result = runner.invoke(
        main, ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert said in result.output and "verksamhetsplan/default.docx" in result.output
    assert not (tmp_path / "o").exists()


def test_a_value_python_pptx_cannot_read_is_the_templates_fault(tmp_path) -> None:
    """python-pptx reads attributes lazily: a damaged one failed halfway through the deck."""
    from klusterdocs.render.lookup import builtin_templates

    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    shutil.copy(builtin_templates() / "modul" / "default.pptx", folder / "default.pptx")
    _rewrite_parts(
        folder / "default.pptx",
        lambda name, text: re.sub(r'idx="\d+"', 'idx=""', text) if "slideLayout" in name else text,
    )
    with pytest.raises(TemplateError, match=r"modul/default.pptx: not a usable PowerPoint"):
        write_deck(load_program(PROGRAM), 1, tmp_path / "out", templates=folder.parent)
    assert not (tmp_path / "out").exists()


def test_a_powerpoint_template_declaring_entities_is_refused(tmp_path) -> None:
    from klusterdocs.render.lookup import builtin_templates
    from tests.conftest import PROGRAM

    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    shutil.copy(builtin_templates() / "modul" / "default.pptx", folder / "default.pptx")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")

    def declare_entity(name: str, text: str) -> str | None:
        if name != "ppt/presentation.xml":
            return text
        start = text.index("<p:presentation")
        doctype = f'<!DOCTYPE p:presentation [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        return text[:start] + doctype + text[start:]

    _rewrite_parts(folder / "default.pptx", declare_entity)
    with pytest.raises(TemplateError, match="declares a DOCTYPE"):
        write_deck(load_program(PROGRAM), 1, tmp_path / "out", templates=folder.parent)
    assert not (tmp_path / "out").exists()


def test_a_damaged_cache_entry_is_a_miss(tmp_path, monkeypatch) -> None:
    """Of 120 corruptions of the cache, some gave silently different documents: every entry
    now carries its checksum, and a damaged one is removed and made again."""
    monkeypatch.setenv("KLUSTERDOCS_CACHE", str(tmp_path / "cache"))
    word._compiled.cache_clear()
    first = write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "a")
    entries = list((tmp_path / "cache").glob("*.marshal"))
    assert entries
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    word._compiled.cache_clear()
    second = write_word_document(load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    word._compiled.cache_clear()


def test_jinja_in_a_powerpoint_template_is_never_evaluated(tmp_path) -> None:
    from klusterdocs.render.lookup import builtin_templates

    prs = Presentation(str(builtin_templates() / "modul" / "default.pptx"))
    layout = prs.slide_layouts[1]
    layout.placeholders[0].text = REACHES[0]
    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    prs.save(str(folder / "default.pptx"))
    from tests.conftest import PROGRAM

    path = write_deck(load_program(PROGRAM), 1, tmp_path / "out", templates=folder.parent)
    saved = Presentation(str(path))
    assert REACHES[0] in saved.slide_layouts[1].placeholders[0].text  # left as typed
    assert "<module" not in "".join(s.shapes.title.text for s in saved.slides if s.shapes.title)


# -- output safety and faults ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("../../x", "x"),
        ("CON", "initiativ-con"),
        ("/etc/passwd", "etc-passwd"),
        ("..", "initiativ"),
    ],
)
def test_names_cannot_write_outside_the_output_folder(write, tmp_path, name, folder) -> None:
    model = load_initiative(write(THIN.replace("Tunt Kluster", name)))
    path = write_word_document(model, "forstudie", tmp_path / "out")
    assert path == tmp_path / "out" / folder / "forstudie.docx"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_output_folder_is_a_clear_error(runner: CliRunner, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(locked)])
    assert result.exit_code == 1
    assert "cannot write to" in result.output


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_document(tmp_path, monkeypatch) -> None:
    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(word.zipfile.ZipFile, "writestr", no_space)
    with pytest.raises(RenderError, match="No space left on device"):
        write_word_document(model, "verksamhetsplan", tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["verksamhetsplan.docx"]


def test_a_process_killed_mid_write_leaves_the_old_document_and_no_temporary_files(
    tmp_path: Path,
) -> None:
    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from klusterdocs.render import word
        original = word._write_package
        def slow(*args):
            original(*args)
            Path({str(tmp_path / "ready")!r}).touch()
            time.sleep(60)
        word._write_package = slow
        from klusterdocs.documents import write_word_document
        from klusterdocs.loading import load_initiative
        write_word_document(load_initiative(Path({str(EXAMPLE)!r})), "verksamhetsplan",
                            Path({str(tmp_path)!r}))
    """)
    process = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    folder = target.parent
    assert target.read_bytes() == before
    assert any(p.name.endswith(".tmp") for p in folder.iterdir())  # the killed run's leftover
    write_word_document(model, "verksamhetsplan", tmp_path)  # the next run cleans it up
    assert sorted(p.name for p in folder.iterdir()) == ["verksamhetsplan.docx"]


def test_a_permission_error_on_the_output_folder_is_a_clear_error(
    runner: CliRunner, tmp_path, monkeypatch
) -> None:
    import klusterdocs.output

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(klusterdocs.output.tempfile, "mkstemp", refused)
    result = runner.invoke(main, ["plan", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot write to" in result.output and "Permission denied" in result.output
    assert "Traceback" not in result.output


FOOTNOTE_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"
  office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
  <text:p>Text<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1
  </text:note-citation><text:note-body><text:p>{{ cycler.__init__.__globals__ }}</text:p>
  </text:note-body></text:note></text:p></office:text></office:body></office:document>
"""


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_template_reaching_for_internals_in_a_footnote_is_refused(tmp_path) -> None:
    source = tmp_path / "footnote.fodt"
    source.write_text(FOOTNOTE_TEMPLATE, encoding="utf-8")
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    (folder / "footnote.docx").rename(folder / "default.docx")
    with zipfile.ZipFile(folder / "default.docx") as archive:
        assert "word/footnotes.xml" in archive.namelist()
    with pytest.raises(TemplateError, match="reaches for something unsafe"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
        )


def test_an_output_file_open_elsewhere_is_a_clear_error(tmp_path, monkeypatch) -> None:
    """Windows refuses to replace a document that Word has open."""
    import klusterdocs.output

    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    before = target.read_bytes()

    def in_use(source, destination):
        raise PermissionError(
            13, "The process cannot access the file because it is being used by another process"
        )

    monkeypatch.setattr(klusterdocs.output.os, "replace", in_use)
    with pytest.raises(RenderError, match=r"cannot write .*verksamhetsplan\.docx: The process"):
        write_word_document(model, "verksamhetsplan", tmp_path)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["verksamhetsplan.docx"]


def test_a_template_without_core_properties_still_gets_them(tmp_path) -> None:
    """Some tools save a .docx with no docProps/core.xml; the document still gets its title."""
    templates = _template(tmp_path, body="{{ initiative.name }}")

    def without_core(name: str, text: str) -> str | None:
        if name == "docProps/core.xml":
            return None
        return re.sub(r"<(Override|Relationship)[^>]*core[^>]*/>", "", text)

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", without_core)
    written = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    opened = docx.Document(str(written))
    assert opened.core_properties.title == "Verksamhetsplan – Smart Textiles"
    assert opened.core_properties.author == "Anna Exempelsson"
    with zipfile.ZipFile(written) as archive:
        assert archive.read("[Content_Types].xml").count(b"core-properties") == 1


# -- second round: faults and bounds (issue 16) ------------------------------------------------


def _initiative(folder: Path, file: str, name: str) -> Path:
    path = folder / file
    path.write_text(THIN.replace("Tunt Kluster", name), encoding="utf-8")
    return path


def test_two_initiatives_of_one_folder_name_never_overwrite_each_other(runner, tmp_path) -> None:
    """`Smart Textiles` and `smart-textiles!` make one slug: build said '12 built' and one
    initiative's documents replaced the other's."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    _initiative(inputs, "a.yaml", "Smart Textiles")
    _initiative(inputs, "b.yaml", "smart-textiles!")
    _initiative(inputs, "c.yaml", "Något annat")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(inputs), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "a.yaml and" in result.output and "b.yaml get the same output folder" in result.output
    assert not (out / "smart-textiles").exists()
    assert (out / "nagot-annat" / "forstudie.docx").is_file()  # the others are built
    # one at a time: the first one's folder is its own, and the second is refused
    first = runner.invoke(main, ["prestudy", str(inputs / "a.yaml"), "-o", str(out)])
    assert first.exit_code == 0, first.output
    before = (out / "smart-textiles" / "forstudie.docx").read_bytes()
    second = runner.invoke(main, ["prestudy", str(inputs / "b.yaml"), "-o", str(out)])
    assert second.exit_code == 1
    assert "holds the documents of" in second.output and "short_name" in second.output
    assert (out / "smart-textiles" / "forstudie.docx").read_bytes() == before


def test_names_in_other_scripts_keep_their_own_folders(runner, tmp_path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    _initiative(inputs, "jp.yaml", "日本")
    _initiative(inputs, "cn.yaml", "中国")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(inputs), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "riben").is_dir() and (out / "zhongguo").is_dir()


def test_an_output_folder_that_is_a_link_is_refused(runner, tmp_path, write) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "tunt-kluster").symlink_to(elsewhere, target_is_directory=True)
    result = runner.invoke(main, ["prestudy", str(write(THIN)), "-o", str(out)])
    assert result.exit_code == 1
    assert "leads outside" in result.output
    assert not any(elsewhere.iterdir())


def test_one_document_failing_on_a_bug_fails_alone(runner, tmp_path, monkeypatch) -> None:
    """A crash in a worker printed a remote traceback, no summary and built nothing more."""
    from klusterdocs import build

    real = build._render

    def crash_on_the_plan(job, *args):  # type: ignore[no-untyped-def]
        if job.document == "verksamhetsplan":
            raise RuntimeError("boom")
        return real(job, *args)

    monkeypatch.setattr(build, "_render", crash_on_the_plan)
    inputs = tmp_path / "inputs"
    shutil.copytree(EXAMPLE.parent, inputs)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(inputs), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "verksamhetsplan.docx failed on an internal error (RuntimeError: boom)" in result.output
    assert "Traceback" not in result.output
    assert "2 failed" in result.output and "7 built" in result.output
    assert (out / "smart-textiles" / "intressentanalys.docx").is_file()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("budget: {income: [{source: X, kind: public, amounts: {2012: 1e29}}]}", "1e29"),
        ("indicators: [{id: i, name: N, baseline: {value: -1e20}}]", "-1e20"),
    ],
)
def test_amounts_beyond_any_budget_are_refused_by_validate(runner, write, field, value) -> None:
    """`validate` said ok to `1e29`, which rendering could not take (decimal overflow)."""
    path = write(THIN + field + "\n")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "1 000 000 000 000" in result.output


def test_another_runs_temporary_file_is_left_alone_a_dead_ones_removed(tmp_path: Path) -> None:
    """Two builds on one output folder must not delete each other's files being written."""
    model = load_initiative(EXAMPLE)
    target = write_word_document(model, "verksamhetsplan", tmp_path)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = target.parent / f".{target.name}.{finished.stdout.strip()}.x1.tmp"
    alive = target.parent / f".{target.name}.{os.getppid()}.x2.tmp"  # pytest's parent runs
    dead.write_bytes(b"left by a killed run")
    alive.write_bytes(b"being written by another build")
    write_word_document(model, "verksamhetsplan", tmp_path)
    assert not dead.exists()
    assert alive.read_bytes() == b"being written by another build"


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")  # a zombie has ended, though not yet reaped
    return not (status.exists() and status.read_text().split(") ")[-1].startswith("Z"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal")
def test_killing_the_build_ends_its_workers(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import os, time
        from pathlib import Path
        from klusterdocs import build
        def slow(job, *args):
            Path({str(tmp_path)!r}, f"worker-{{os.getpid()}}").touch()
            time.sleep(120)
        build._render = slow
        plan = build.plan([Path({str(EXAMPLE)!r})], Path({str(tmp_path / "out")!r}))
        with build.Workers(2) as workers:
            build.run(plan, Path({str(tmp_path / "out")!r}), workers=workers)
    """)
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        assert _wait_for(lambda: len(list(tmp_path.glob("worker-*"))) == 2)
    finally:
        process.kill()
        process.wait()
    workers = [int(p.name.removeprefix("worker-")) for p in tmp_path.glob("worker-*")]
    assert _wait_for(lambda: not any(map(_alive, workers)), seconds=10)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice is not installed")
def test_sigterm_during_pdf_leaves_no_libreoffice_and_no_temporary_folder(tmp_path) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "klusterdocs", "plan", str(EXAMPLE), "--pdf"],
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert _wait_for(lambda: any(temporary.glob("klusterdocs-pdf-*/profile")))
    time.sleep(0.5)  # LibreOffice is starting
    process.terminate()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in stderr
    assert list(temporary.iterdir()) == []
    leftovers = subprocess.run(["pgrep", "-f", str(temporary)], capture_output=True, text=True)
    assert leftovers.stdout == ""
    assert (tmp_path / "output").exists()
    assert not list((tmp_path / "output").rglob("*.tmp"))


@pytest.mark.parametrize("link", ["cluster\\0.yaml", "loop.yaml"])
def test_a_participant_link_that_cannot_be_followed_is_located(tmp_path, link) -> None:
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    text = PROGRAM.read_text(encoding="utf-8").replace(
        "initiative: smart-textiles.yaml", f'initiative: "{link}"', 1
    )
    (tmp_path / "program.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_program(tmp_path / "program.yaml")
    assert any(
        p.path == "participants[0].initiative"
        and p.line > 1
        and "cannot follow the link to a file" in p.message
        for p in caught.value.problems
    ), caught.value.problems


def test_a_currency_with_a_control_character_is_refused_at_validate(runner, write) -> None:
    path = write(THIN + 'budget:\n  currency: "S\\x01K"\n')
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "budget.currency: expected a three-letter currency code" in result.output


def test_on_a_timeout_every_process_libreoffice_started_is_ended(tmp_path) -> None:
    """LibreOffice's launcher starts soffice.bin: killing only the direct child left it."""
    from klusterdocs.pdf import _run_libreoffice

    started = tmp_path / "helper-pid"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {started}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    (tmp_path / "work").mkdir()
    with pytest.raises(RenderError, match="did not finish within 1 s"):
        _run_libreoffice(str(fake), tmp_path / "work", "writer_pdf_Export", "{}", [], tmp_path, 1)
    helper = int(started.read_text())
    assert _wait_for(lambda: not _alive(helper), seconds=10)


@settings(max_examples=30, deadline=None)
@given(
    attribute=st.sampled_from(["w:ilvl", "w:val"]),
    value=st.sampled_from(["1.5", "", "x", "-3", "99", "2147483648", " 2", "%12"]),
    part=st.sampled_from(["word/numbering.xml", "word/styles.xml", "word/document.xml"]),
)
def test_a_malformed_number_in_a_word_template_is_no_traceback(
    attribute: str, value: str, part: str
) -> None:
    """Template attributes are read as numbers (levels, sizes, spans, widths, list starts):
    a malformed one is the template's mistake, taken as its default, never a traceback (the
    fuzzer found `w:ilvl="1.5"` in numbering.xml)."""
    import tempfile

    from klusterdocs.render.lookup import builtin_templates

    with tempfile.TemporaryDirectory() as temporary:
        tmp_path = Path(temporary)
        folder = tmp_path / "t" / "verksamhetsplan"
        folder.mkdir(parents=True)
        shutil.copy(builtin_templates() / "verksamhetsplan" / "default.docx", folder)
        pattern = re.compile(rf'({re.escape(attribute)}=")[^"]*(")')
        _rewrite_parts(
            folder / "default.docx",
            lambda name, text: pattern.sub(rf"\g<1>{value}\g<2>", text) if name == part else text,
        )
        result = CliRunner().invoke(
            main,
            ["plan", str(EXAMPLE), "--templates", str(tmp_path / "t"), "-o", str(tmp_path / "o")],
        )
        assert result.exit_code in (0, 1), result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), repr(result.exception)
        if result.exit_code == 1:
            assert "verksamhetsplan/default.docx" in result.output


_XML_TEXT = st.text(  # any text XML can hold, XML's own marks often
    st.sampled_from("&<>\"'; ")
    | st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(
    headings=st.lists(st.tuples(_XML_TEXT, _XML_TEXT, st.integers(1, 3)), min_size=1, max_size=4),
    style=_XML_TEXT,
)
def test_a_table_of_contents_entry_holds_its_heading_as_typed(
    headings: list[tuple[str, str, int]], style: str
) -> None:
    """The table of contents is written as XML text and parsed at once: every heading's text
    and number, and a template's TOC style name, come back exactly, whatever they hold
    (`&`, `<`, quotes: a label a templates folder gives, or a user's text in a heading)."""
    from klusterdocs.render.wordxml import Heading, element, qn, table_of_contents

    field = element(
        "w:p",
        element("w:r", element("w:fldChar", **{"w:fldCharType": "begin"})),
        element("w:r", element("w:instrText", text=' TOC \\o "1-2" ')),
        element("w:r", element("w:fldChar", **{"w:fldCharType": "end"})),
    )
    made = [
        Heading(f"_Toc{i:08d}", level, text, number)
        for i, (text, number, level) in enumerate(headings)
    ]
    entries = table_of_contents(field, made, {1: style, 2: style})
    assert len(entries) == len(made)
    for entry, heading in zip(entries, made, strict=True):
        link = entry.find(qn("w:hyperlink"))
        assert link.get(qn("w:anchor")) == heading.bookmark
        texts = [t.text or "" for t in link.iter(qn("w:t"))]
        assert texts[: 2 if heading.number else 1] == (
            [heading.number, heading.text] if heading.number else [heading.text]
        )
        styles = [s.get(qn("w:val")) for s in entry.iter(qn("w:pStyle"))]
        assert styles == ([style] if style and heading.level <= 2 else [])


def _table_template(tmp_path: Path, cells: list[str]) -> Path:
    """A Word template of one table row whose cells hold `cells`, each with a width (as
    Word gives every cell)."""
    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    table = document.add_table(rows=2, cols=len(cells))
    for cell, text in zip(table.rows[1].cells, cells, strict=True):
        cell.text = text
        cell.width = docx.shared.Cm(4)
    for cell in table.rows[0].cells:
        cell.text = "Rubrik"
    document.save(str(folder / "default.docx"))
    return folder.parent


def test_cellbg_and_colspan_give_cells_word_opens_whatever_their_values(tmp_path: Path) -> None:
    """docxtpl writes their properties before the cell's width, and their values as given:
    `#c6e7c1` is no fill Word takes. Both are put right; a value that is no colour or span is
    the template's mistake, named with its paragraph."""
    from tests.checks import office_errors

    templates = _table_template(
        tmp_path, ["{% cellbg '#c6e7c1' %}a", "{% colspan 2 %}b", "{% cellbg None %}c"]
    )
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert 'w:fill="C6E7C1"' in body and 'w:fill="auto"' in body
    assert re.search(r'<w:tcW [^>]*/><w:gridSpan w:val="2"/>', body)
    assert office_errors(path) == []
    for tag, said in [
        ("{% cellbg 'red' %}", "cellbg takes a colour as six hex digits"),
        ("{% colspan 'two' %}", "colspan takes a number of columns from 1 to 63"),
        ("{{ budget.year_chart|chart(1, 2) }}", "the filter 'chart' was given arguments"),
    ]:
        shutil.rmtree(templates)
        _table_template(tmp_path, [f"{tag}x"])
        with pytest.raises(TemplateError, match=re.escape(said)) as raised:
            write_word_document(
                load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
            )
        assert "paragraph" in str(raised.value)


def test_changes_tracked_in_a_template_are_taken_as_accepted(tmp_path: Path) -> None:
    """A tag deleted with Track Changes on is gone, one inserted is there: Word shows the
    template so, and its author reads it so."""
    templates = _template(tmp_path, body="MARK")
    w = 'w:id="1" w:author="A" w:date="2012-01-01T00:00:00Z"'

    def track(name: str, xml: str) -> str:
        if name != "word/document.xml":
            return xml
        changed = (
            f"<w:del {w}><w:r><w:delText>{{{{ initiative.nosuch }}}}</w:delText></w:r></w:del>"
            f"<w:ins {w.replace('1', '2', 1)}><w:r><w:t>{{{{ initiative.name }}}}</w:t></w:r>"
            "</w:ins>"
        )
        return xml.replace("<w:r><w:t>MARK</w:t></w:r>", changed)

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", track)
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "Smart Textiles" in body
    assert "w:del " not in body and "w:ins " not in body and "nosuch" not in body


def test_a_style_the_template_lacks_is_never_named(tmp_path: Path) -> None:
    """`md("TableText")` in a template without that style, `bullets` in one without List
    Bullet, and a paragraph of the template's own whose style was deleted: Word's schema
    refuses a reference to no style. The text is Normal; a bullet gets a bullet of its own."""
    from tests.checks import office_errors

    templates = _template(tmp_path, body="MARK")

    def without_list_bullet(name: str, xml: str) -> str:
        if name == "word/styles.xml":
            return re.sub(r'<w:style [^>]*w:styleId="ListBullet".*?</w:style>', "", xml, flags=re.S)
        if name == "word/document.xml":
            tags = (
                "{{p strategy.shared_values|bullets }}",
                '{{p initiative.background|md("TableText") }}',
                "Kvar",
            )
            paragraphs = "".join(
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{tag}</w:t></w:r></w:p>'
                for style, tag in zip(("Normal", "Normal", "Borttagen"), tags, strict=True)
            )
            return xml.replace("<w:p><w:r><w:t>MARK</w:t></w:r></w:p>", paragraphs)
        return xml

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", without_list_bullet)
    model = load_initiative(EXAMPLE)
    path = write_word_document(model, "verksamhetsplan", tmp_path / "out", templates=templates)
    assert office_errors(path) == []
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert f"•\t{model.strategy.values[0]}" in text
    assert "Kvar" in text


@pytest.mark.parametrize("name", ["default.docx", "default.docm"])
def test_a_macro_enabled_template_is_refused_with_its_reason(tmp_path: Path, name: str) -> None:
    """Word refuses a .docx whose main part says it holds macros; a .docm beside the others
    is not passed over in silence."""
    templates = _template(tmp_path)
    folder = templates / "verksamhetsplan"

    def with_macros(part: str, xml: str) -> str:
        if part != "[Content_Types].xml":
            return xml
        return xml.replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.ms-word.document.macroEnabled.main+xml",
        )

    _rewrite_parts(folder / "default.docx", with_macros)
    (folder / "default.docx").rename(folder / name)
    with pytest.raises(TemplateError, match="a macro-enabled Word file") as raised:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert name in str(raised.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))
    checked = CliRunner().invoke(main, ["templates", "check", str(templates)])
    assert checked.exit_code == 1 and "a macro-enabled Word file" in checked.output


def test_a_table_without_a_header_row_gets_its_first_row_as_one(tmp_path: Path) -> None:
    """PDF/UA wants header cells in every table, and LibreOffice tags a repeated header
    row's cells so: a template's own table of data without one gets its first row."""
    templates = _table_template(tmp_path, ["Summa", "{{ budget.cost_total }}"])
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    [table] = docx.Document(str(path)).tables
    headers = [row._tr.find(docx.oxml.ns.qn("w:trPr")) for row in table.rows]
    assert headers[0] is not None
    assert headers[0].find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert all(h is None or h.find(docx.oxml.ns.qn("w:tblHeader")) is None for h in headers[1:])


def test_a_table_of_loop_rows_only_repeats_no_record_and_its_pdf_has_row_headers(
    tmp_path: Path,
) -> None:
    """A table whose rows all come from `{%tr for %}` has no header row: its first record
    was made one, and repeated at the top of every page. It gets none; in its PDF each
    row's first cell heads the row (PDF/UA wants header cells)."""
    from tests.checks import HAVE_LIBREOFFICE, pdfua_errors

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in checklist_rows %}"
    table.rows[1].cells[0].text = "{{ r.label }}"
    table.rows[1].cells[1].text = "{{ r.status }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    document.save(str(folder / "default.docx"))
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
    )
    [rendered] = docx.Document(str(path)).tables
    assert len(rendered.rows) > 5
    assert not rendered._tbl.xpath(".//w:tblHeader")
    # each record is kept on one page: split by a page break, it left a blank row
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in rendered.rows)
    if HAVE_LIBREOFFICE:
        from klusterdocs.pdf import convert_to_pdf

        [pdf] = convert_to_pdf([path])
        assert not pdfua_errors(pdf)


def test_smart_tags_and_links_to_deleted_styles_leave_no_error_word_would_see(
    tmp_path: Path,
) -> None:
    """Word 2003's smart tags, and a style's link to a deleted one (Heading 1 deleted, its
    character twin left), passed into the document: Microsoft 365 refuses both."""
    from tests.checks import office_errors

    tagged = (
        '<w:p><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="place">'
        "<w:r><w:t>Smart: {{ initiative.name }}</w:t></w:r></w:smartTag></w:p>"
    )
    twin = (
        '<w:style w:type="character" w:styleId="GoneChar"><w:name w:val="Gone Char"/>'
        '<w:basedOn w:val="Gone"/><w:link w:val="Gone"/></w:style>'
    )

    def change(part: str, xml: str) -> str:
        if part == "word/document.xml":
            return xml.replace("<w:body>", "<w:body>" + tagged, 1)
        if part == "word/styles.xml":
            return xml.replace("</w:styles>", twin + "</w:styles>")
        return xml

    templates = _built_in_changed(tmp_path, change)
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    with zipfile.ZipFile(path) as archive:
        body, styles = (archive.read(f"word/{n}.xml").decode() for n in ("document", "styles"))
    assert "smartTag" not in body and "Smart: Smart Textiles" in body
    assert 'w:styleId="GoneChar"' in styles and 'w:val="Gone"' not in styles
    assert office_errors(path) == []


def test_a_template_without_styles_is_refused_with_what_to_do(tmp_path: Path) -> None:

    def without_styles(part: str, xml: str) -> str | None:
        if part == "word/styles.xml":
            return None
        return re.sub(r'<(Relationship|Override)[^>]*styles\.xml"[^>]*/>', "", xml)

    templates = _built_in_changed(tmp_path, without_styles)
    with pytest.raises(TemplateError, match=r"has no styles \(word/styles.xml\); open it in"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Namn: {{ initiative.name", "'{{ initiative.name' is never closed: end it with '}}'"),
        ("Namn: {{ initiative.name }", "'{{ initiative.name }' is never closed"),
        ("{% if initiative.name %}ja{% endif", "'{% endif' is never closed: end it with '%}'"),
        ("{# en kommentar", "'{# en kommentar' is never closed: end it with '#}'"),
    ],
)
def test_a_tag_never_closed_is_named_with_its_paragraph(
    tmp_path: Path, typed: str, said: str
) -> None:
    """Jinja read on into the document's XML and said "unexpected '/'", naming no paragraph."""
    templates = _template(tmp_path, body=typed)
    with pytest.raises(TemplateError) as raised:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "document, paragraph 1" in str(raised.value) and said in str(raised.value)


def test_other_languages_quotes_and_invisible_characters_in_a_tag_work(tmp_path: Path) -> None:
    """German quotes, guillemets, a soft hyphen or a zero-width space inside a tag were a
    syntax error naming an offset in the XML; they are what an author does not see or
    meant as straight quotes."""
    body = "{{ initia\u00adtive.name }}|{{ „x“ }}|{{ «y» }}|{{ ‚z‛ }}|{{ initiative\u200b.region }}"
    templates = _template(tmp_path, body=body)
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
    )
    text = docx.Document(str(path)).paragraphs[0].text
    assert text == "Smart Textiles|x|y|z|Sjuhärad, Västra Götaland"


def test_a_chart_fits_the_narrowest_section_not_the_last(tmp_path: Path) -> None:
    """A budget appendix in landscape after a portrait body: the chart in the body was made
    as wide as the landscape page and ran off the portrait one."""
    from docx.enum.section import WD_ORIENT

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    document.add_paragraph("{{p budget.year_chart|chart }}")
    portrait = document.sections[0]
    portrait.left_margin = portrait.right_margin = docx.shared.Cm(5)  # a narrow column
    column = portrait.page_width - portrait.left_margin - portrait.right_margin
    wide = document.add_section()  # python-docx's `portrait` is this last section from now on
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = portrait.page_height, portrait.page_width
    wide.left_margin = wide.right_margin = docx.shared.Cm(2)
    document.add_paragraph("Bilaga")
    document.save(str(folder / "default.docx"))
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
    )
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    widths = [int(w) for w in re.findall(r'<wp:extent cx="(\d+)"', body)]
    assert widths and max(widths) <= column


def test_a_tag_cut_in_two_by_a_content_control_is_named_with_its_paragraph(
    tmp_path: Path,
) -> None:
    """docxtpl joins a tag's runs by dropping the XML inside it; a content control around
    half of it was left half open and the part was no XML, reported with no paragraph."""
    templates = _template(tmp_path, body="MARK")

    def split(name: str, xml: str) -> str:
        if name != "word/document.xml":
            return xml
        return xml.replace(
            "<w:r><w:t>MARK</w:t></w:r>",
            '<w:r><w:t>{{ initia</w:t></w:r><w:sdt><w:sdtPr><w:id w:val="5"/></w:sdtPr>'
            "<w:sdtContent><w:r><w:t>tive.name }}</w:t></w:r></w:sdtContent></w:sdt>",
        )

    _rewrite_parts(templates / "verksamhetsplan" / "default.docx", split)
    with pytest.raises(TemplateError, match="cut in two by a content control") as raised:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "paragraph 1 ('{{ initiative.name }}')" in str(raised.value)


def test_a_section_of_two_columns_does_not_narrow_every_table(tmp_path: Path) -> None:
    """A two-column section at the end made every table of the document half as wide."""
    from docx.enum.section import WD_SECTION

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = (
        "{{ initiative.name }}",
        "{{ initiative.region }}",
    )
    section = document.add_section(WD_SECTION.CONTINUOUS)
    columns = section._sectPr.find(docx.oxml.ns.qn("w:cols"))
    columns.set(docx.oxml.ns.qn("w:num"), "2")
    document.add_paragraph("{{ initiative.focus }}")
    document.save(str(folder / "default.docx"))
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
    )
    [made] = docx.Document(str(path)).tables
    widths = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in made._tbl.tblGrid]
    assert sum(widths) > 6000  # about the page's width (8640 twips), not one column's


def test_a_templates_comments_stay_in_the_template(tmp_path: Path) -> None:
    """A comment to whoever edits the template ('Kontrollera {{ initiative.host }}') went
    into every document, its tag unfilled, and showed in the PDF."""
    from tests.checks import office_errors

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    paragraph = document.add_paragraph("{{ initiative.name }}")
    document.add_comment(paragraph.runs, text="Kontrollera {{ initiative.host }}", author="K")
    document.save(str(folder / "default.docx"))
    path = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=folder.parent
    )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        body = archive.read("word/document.xml").decode("utf-8")
        relationships = archive.read("word/_rels/document.xml.rels").decode("utf-8")
    assert not [n for n in names if "comments" in n] and "comments" not in relationships
    assert "commentReference" not in body and "Smart Textiles" in body
    assert office_errors(path) == []


def test_a_tag_in_a_hyperlinks_address_is_filled_in(tmp_path: Path) -> None:
    """`mailto:{{ initiative.leader.email }}` went into the document as typed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    folder = tmp_path / "templates" / "verksamhetsplan"
    folder.mkdir(parents=True)
    document = docx.Document()
    paragraph = document.add_paragraph("{{ initiative.name }} ")
    target = "mailto:{{ initiative.leader.email }}?subject={{ initiative.name }} & co"
    rid = document.part.relate_to(target, RT.HYPERLINK, is_external=True)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    paragraph._p.append(
        docx.oxml.parse_xml(
            f'<w:hyperlink xmlns:w="{w}" xmlns:r="{r}" r:id="{rid}">'
            "<w:r><w:t>skriv till oss</w:t></w:r></w:hyperlink>"
        )
    )
    document.save(str(folder / "default.docx"))
    model = load_initiative(EXAMPLE)
    path = write_word_document(model, "verksamhetsplan", tmp_path / "out", templates=folder.parent)
    [link] = [
        rel.target_ref
        for rel in docx.Document(str(path)).part.rels.values()
        if rel.reltype == RT.HYPERLINK
    ]
    assert model.initiative.leader is not None
    assert link == f"mailto:{model.initiative.leader.email}?subject=Smart Textiles & co"


def test_a_folder_named_as_a_template_is_refused_not_passed_over(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`plan` quietly used the built-in template, and `templates list` called it so."""
    (tmp_path / "templates" / "verksamhetsplan" / "default.docx").mkdir(parents=True)
    templates = str(tmp_path / "templates")
    for args in (
        ["plan", str(EXAMPLE), "-o", str(tmp_path / "out"), "--templates", templates],
        ["templates", "list", "--templates", templates],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, args
        assert "default.docx is not a file: a template must be one" in result.output


def test_a_page_with_no_room_for_text_is_refused(tmp_path: Path) -> None:
    """A 5 x 5 cm page with 2.5 cm margins passed, and LibreOffice never finished its PDF."""

    def tiny(part: str, xml: str) -> str:
        if part != "word/document.xml":
            return xml
        return re.sub(r"<w:pgSz [^>]*/>", '<w:pgSz w:w="2835" w:h="2835"/>', xml)

    templates = _built_in_changed(tmp_path, tiny)
    with pytest.raises(TemplateError, match=r"leaves 0\.0 cm for text between its margins"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("{% cellbg 'ff0000' %}utanför", "'cellbg' works only in a table cell"),
        ("{% include 'x.docx' %}", "a template cannot include, import or extend another"),
        ("{% import 'os' as os %}", "a template cannot include, import or extend another"),
    ],
)
def test_a_tag_that_cannot_work_here_says_why(tmp_path: Path, typed: str, said: str) -> None:
    """They said "Encountered unknown tag 'cellbg'" and "no loader for this environment"."""
    templates = _template(tmp_path, body=typed)
    with pytest.raises(TemplateError) as raised:
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
    assert "paragraph 1" in str(raised.value) and said in str(raised.value)


def test_an_unknown_field_in_the_document_properties_is_named(tmp_path: Path) -> None:
    templates = _template(tmp_path, title="{{ initiative.nmae }}")
    with pytest.raises(TemplateError, match="unknown field 'nmae'"):
        write_word_document(
            load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=templates
        )
