"""Property-based tests over generated input files (tests/strategies.py): any valid initiative
or program, with any optional field left out, long texts and lists, gives documents that Word
and PowerPoint open (tests/checks.py); and any value anywhere is accepted or reported."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from pptx import Presentation

from klusterdocs.context.format import clean_text
from klusterdocs.documents import WORD_DOCUMENTS, write_deck, write_word_document
from klusterdocs.loading import LoadedProgram, load_initiative
from klusterdocs.model import InitiativeFile, ProgramFile
from klusterdocs.pdf import convert_to_pdf
from klusterdocs.phases import phases
from tests.checks import (
    HAVE_LIBREOFFICE,
    assert_valid_office,
    body_text,
    has_document_fonts,
    has_split_rows,
    heading_jumps,
    pdfua_errors,
    stranded_headings,
    typed_values,
    values_missing,
    words_missing_from_pdf,
)
from tests.conftest import INPUTS
from tests.strategies import initiatives, program_data


@given(initiatives())
def test_any_valid_initiative_gives_documents_valid_for_word(model: InitiativeFile) -> None:
    """Every document of any initiative, whatever it leaves out, opens in Word: zero errors
    by Microsoft 365's rules, and it reopens in python-docx, names the initiative, holds no
    template residue and prints no Python None."""
    name = clean_text(model.initiative.name)
    with tempfile.TemporaryDirectory() as folder:
        for document in WORD_DOCUMENTS:
            path = write_word_document(model, document, Path(folder))
            assert_valid_office(path)
            assert not heading_jumps(path)
            text = body_text(path)
            assert name.split()[0] in text
            assert _residue_free(path)
            # no value printed as Python's None (English may say "None of three items")
            assert not PYTHON_NONE.search(text)


PYTHON_NONE = re.compile(r"\bNone\b(?! of )")


def _residue_free(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    return "{{" not in xml and "{%" not in xml


@given(program_data())
def test_any_valid_program_gives_decks_valid_for_powerpoint(data: dict[str, object]) -> None:
    loaded = LoadedProgram(ProgramFile.validate(data), Path("program.yaml"))
    title = clean_text(loaded.model.program.title)
    with tempfile.TemporaryDirectory() as folder:
        for module in loaded.model.modules:
            path = write_deck(loaded, module.number, Path(folder))
            assert_valid_office(path)
            slides = Presentation(str(path)).slides
            first = "".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
            assert title.split()[0] in first
            assert _residue_free(path)


# Anything YAML can hold, planted anywhere in a valid file: validation either accepts it or
# reports located problems; it never crashes and never points at a line the file lacks.
YAML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats()
    | st.dates()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: object, here: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            found += _paths(value, (*here, index))
    return found


@given(data=st.data())
def test_any_value_anywhere_is_accepted_or_reported_where_it_stands(data: st.DataObject) -> None:
    import yaml

    from klusterdocs.loading import check_file
    from tests.conftest import EXAMPLE

    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_paths(document)))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(YAML_VALUES)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "initiative.yaml"
        target.write_text(text, encoding="utf-8")
        kind, problems, _ = check_file(target)
    lines = text.count("\n") + 1
    assert (kind is None) == bool(problems)
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.message, problem


# Converting to PDF takes LibreOffice seconds per document: a fifth as many examples, and no
# shrinking of a failing one (minutes of conversions); the failing example is printed whole.
PDF_EXAMPLES = max(2, settings.default.max_examples // 5)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
@settings(max_examples=PDF_EXAMPLES, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(initiatives())
def test_any_initiative_gives_accessible_pdfs_that_lose_no_word(model: InitiativeFile) -> None:
    """Every word of every document is in its PDF (no row lost at a page break), no heading
    ends a page, and each PDF is tagged PDF/UA with no error `pdfua check` can find."""
    with tempfile.TemporaryDirectory() as folder:
        documents = [write_word_document(model, d, Path(folder)) for d in WORD_DOCUMENTS]
        for document, pdf in zip(documents, convert_to_pdf(documents), strict=True):
            assert not words_missing_from_pdf(document, pdf), document.name
            assert not pdfua_errors(pdf), document.name
            # Where pages break depends on the font. And LibreOffice ignores keep-with-next on
            # a page that begins with the rest of a row split over pages (only a row taller
            # than half a page may split): the .docx keeps, its PDF may not.
            if has_document_fonts() and not has_split_rows(document):
                assert not stranded_headings(pdf), document.name


@given(initiatives())
def test_every_value_typed_reaches_a_document_of_the_phases_set(model: InitiativeFile) -> None:
    """Nothing a team writes is dropped: each value of the file (walked by the model's own
    field types, so a new field cannot be forgotten) is in a document `build` writes for the
    initiative's phase."""
    with tempfile.TemporaryDirectory() as folder:
        documents = [
            write_word_document(model, d, Path(folder))
            for d in phases()[model.initiative.phase].documents
        ]
        assert not values_missing(model, documents)


@pytest.mark.parametrize("example", ["smart-textiles.yaml", "automation-region.yaml"])
def test_every_value_of_the_examples_reaches_a_document(example: str) -> None:
    model = load_initiative(INPUTS / example)
    with tempfile.TemporaryDirectory() as folder:
        documents = [
            write_word_document(model, d, Path(folder))
            for d in phases()[model.initiative.phase].documents
        ]
        assert not values_missing(model, documents)
        assert len(typed_values(model)) > 50  # the walk reaches the file's values


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="LibreOffice and poppler are not installed")
@settings(max_examples=PDF_EXAMPLES, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(program_data())
def test_any_program_gives_accessible_deck_pdfs_that_lose_no_word(data: dict[str, object]) -> None:
    loaded = LoadedProgram(ProgramFile.validate(data), Path("program.yaml"))
    with tempfile.TemporaryDirectory() as folder:
        decks = [write_deck(loaded, m.number, Path(folder)) for m in loaded.model.modules]
        for deck, pdf in zip(decks, convert_to_pdf(decks), strict=True):
            assert not words_missing_from_pdf(deck, pdf), deck.name
            assert not pdfua_errors(pdf), deck.name
