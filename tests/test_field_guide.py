"""The field descriptions of docs/templates.md, and the guide's worked examples."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import docx
import pytest

from klusterdocs.context.initiative import initiative_context
from klusterdocs.documents import write_word_document
from klusterdocs.loading import load_initiative
from klusterdocs.render.field_guide import Descriptions, descriptions, field_rows
from tests.conftest import EXAMPLE, ROOT

SCRIPT = ROOT / "scripts" / "build_reference.py"


def _paths(context: dict[str, Any] | None = None) -> list[str]:
    return [path for path, _, _ in field_rows(context)]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_field_has_a_description(lang: str) -> None:
    """A field added to the context fails here until fields.yaml says what it is."""
    context = initiative_context(load_initiative(EXAMPLE), lang)
    paths = _paths(context) + _paths()  # the example's, and with a change report
    assert descriptions().missing(paths) == [], "describe them in src/klusterdocs/data/fields.yaml"


def test_no_description_of_a_field_that_is_gone() -> None:
    assert descriptions().stale(_paths()) == [], "remove them from src/klusterdocs/data/fields.yaml"


def test_the_change_report_fields_are_in_the_table() -> None:
    assert {"changes.title", "changes.sections[].lines[]"} <= set(_paths())


def test_a_list_like_another_takes_its_descriptions() -> None:
    about = Descriptions(
        {"actors[].name": "The actor's name.", "stakeholders.priorities[].rank": "Its place."},
        {"stakeholders.priorities[]": "actors[]"},
    )
    assert about.of("stakeholders.priorities[].name") == "The actor's name."
    assert about.of("stakeholders.priorities[].rank") == "Its place."
    assert about.missing(["stakeholders.priorities[].role"]) == ["stakeholders.priorities[].role"]
    assert about.stale(["actors[].name"]) == [
        "stakeholders.priorities[].rank",
        "stakeholders.priorities[]",
    ]


def test_the_guide_is_up_to_date() -> None:
    script = runpy.run_path(str(SCRIPT))
    committed = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert committed == script["GUIDE"] + script["context_reference"](), (
        "run: python scripts/build_reference.py"
    )
    assert "| `actors[].quadrant` | text | Hantera nära |" in committed
    assert "| `changes.title` | text | Förändringar sedan 1a2b3c4 | " in committed


# -- the worked examples, rendered as a reader would copy them ---------------------------------


def _guide_examples() -> list[list[str]]:
    """The guide's examples typed as paragraphs: its code blocks without a language."""
    blocks = runpy.run_path(str(SCRIPT))["GUIDE"].split("```")[1::2]
    return [block.strip("\n").split("\n") for block in blocks if block.startswith("\n")]


def _render(tmp_path: Path, *blocks: list[str] | list[list[str]]) -> list[str]:
    """Render paragraphs (a list of texts) and tables (a list of rows) with `plan`'s library;
    return the document's paragraphs and table rows as text."""
    template = docx.Document()
    for block in blocks:
        if block and isinstance(block[0], list):
            table = template.add_table(rows=len(block), cols=len(block[0]))
            for row, texts in zip(table.rows, block, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = str(text)
        else:
            for text in block:
                template.add_paragraph(str(text))
    (tmp_path / "tpl" / "verksamhetsplan").mkdir(parents=True, exist_ok=True)
    template.save(str(tmp_path / "tpl" / "verksamhetsplan" / "default.docx"))
    written = write_word_document(
        load_initiative(EXAMPLE), "verksamhetsplan", tmp_path / "out", templates=tmp_path / "tpl"
    )
    result = docx.Document(str(written))
    lines = [p.text for p in result.paragraphs]
    for table in result.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return [line.replace("\N{NO-BREAK SPACE}", " ") for line in lines]  # as a reader sees them


def test_the_guide_has_worked_examples() -> None:
    firsts = [block[0] for block in _guide_examples()]
    assert "{%p if budget.deficit %}" in firsts
    assert "{%p for a in actors %}" in firsts
    assert "{%p if changes %}" in firsts


def test_every_worked_example_renders(tmp_path: Path) -> None:
    for number, example in enumerate(_guide_examples()):
        lines = _render(tmp_path / str(number), example)
        assert not any("{{" in line or "{%" in line for line in lines), example
    loop = next(e for e in _guide_examples() if e[0] == "{%p for a in actors %}")
    assert "Högskolan i Borås (Akademi)" in _render(tmp_path / "loop", loop)
    joined = next(e for e in _guide_examples() if e[0] == "Kärnan:")
    assert "Kärnan: Högskolan i Borås; Exempelväveriet AB;" in _render(tmp_path / "join", joined)


def test_the_table_examples_render(tmp_path: Path) -> None:
    rows = [
        ["Namn", "Roll"],
        ["{%tr for a in actors %}", ""],
        ["{{ a.name }}", "{{ a.role }}"],
        ["{%tr endfor %}", ""],
    ]
    columns = [
        ["Post", "{%tc for y in budget.years %}", "{{ y }}", "{%tc endfor %}"],
        ["Summa", "{%tc for c in budget.cost_cells %}", "{{ c }}", "{%tc endfor %}"],
    ]
    lines = _render(tmp_path, rows, columns)
    assert "Högskolan i Borås | Huvudman och forskningspartner" in lines
    assert "Post | 2012 | 2013" in lines
    assert "Summa | 4 650 000 kr | 5 050 000 kr" in lines


def test_the_filters_and_literal_braces_render(tmp_path: Path) -> None:
    lines = _render(
        tmp_path,
        [
            "{{p strategy.shared_values|bullets }}",
            "Vision: {{r strategy.vision|rich }}",
            "{{ '{{' }} x {{ '}}' }}",
        ],
    )
    assert "Öppenhet – vi delar kunskap och nätverk" in lines
    assert any(line.startswith("Vision: År 2020") for line in lines)
    assert "{{ x }}" in lines
