"""Property-based tests: any valid initiative or program gives documents that open, name the
initiative and hold no template residue. Odd but legal text everywhere, empty and long lists."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import docx
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation

from klusterdocs.context.format import clean_text
from klusterdocs.documents import WORD_DOCUMENTS, write_deck, write_word_document
from klusterdocs.loading import LoadedProgram
from klusterdocs.model import PHASES, InitiativeFile, ProgramFile

# Any character but surrogates and template braces (braces have their own tests in
# test_hostile.py, where a residue check can tell data from template). Never the word None,
# which the documents are checked not to print for a missing value.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="{}%"), min_size=1, max_size=80
).filter(lambda t: clean_text(t).strip() and "None" not in t)
IDS = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
SCORE = st.integers(1, 5)
YEARS = st.integers(2000, 2030)


@st.composite
def initiatives(draw: st.DrawFn) -> InitiativeFile:
    actor_ids = draw(st.lists(IDS, max_size=12, unique=True))
    actors = [
        {
            "id": i,
            "name": draw(TEXT),
            "helix": draw(st.sampled_from(["industry", "academia", "public", "media"])),
            "power": draw(st.none() | SCORE),
            "interest": draw(st.none() | SCORE),
            "expectations": draw(st.none() | TEXT),
            "core": draw(st.none() | st.sampled_from(["inner", "outer"])),
        }
        for i in actor_ids
    ]
    amounts = st.dictionaries(YEARS, st.integers(0, 10**9), max_size=4)
    data = {
        "language": draw(st.sampled_from(["sv", "en"])),
        "initiative": {
            "name": draw(TEXT),
            "region": draw(TEXT),
            "focus": draw(TEXT),
            "phase": draw(st.sampled_from(PHASES)),
            "background": draw(st.none() | TEXT),
        },
        "strategy": {"vision": draw(st.none() | TEXT), "values": draw(st.lists(TEXT, max_size=5))},
        "context": {
            "trends": draw(st.lists(TEXT, max_size=5)),
            "swot": {"strengths": draw(st.lists(TEXT, max_size=3))},
        },
        "actors": actors,
        "activities": [
            {
                "id": f"a{n}",
                "title": draw(TEXT),
                "partners": actor_ids[:2],
                "budget": draw(amounts),
                "rag": draw(st.sampled_from(["green", "red"])),
            }
            for n in range(draw(st.integers(0, 6)))
        ],
        "budget": {
            "income": [
                {"source": draw(TEXT), "kind": "public", "amounts": draw(amounts)}
                for _ in range(draw(st.integers(0, 3)))
            ],
            "costs": [
                {"item": draw(TEXT), "category": "other", "amounts": draw(amounts)}
                for _ in range(draw(st.integers(0, 3)))
            ],
        },
        "risks": [
            {"id": f"r{n}", "text": draw(TEXT), "probability": draw(SCORE), "impact": draw(SCORE)}
            for n in range(draw(st.integers(0, 4)))
        ],
    }
    return InitiativeFile.validate(data)


def _residue_free(path: Path) -> bool:
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    return "{{" not in xml and "{%" not in xml


@given(initiatives())
def test_any_valid_initiative_gives_documents_that_open(model: InitiativeFile) -> None:
    name = clean_text(model.initiative.name)
    with tempfile.TemporaryDirectory() as folder:
        for document in WORD_DOCUMENTS:
            path = write_word_document(model, document, Path(folder))
            opened = docx.Document(str(path))
            text = "\n".join(p.text for p in opened.paragraphs)
            text += "\n".join(c.text for t in opened.tables for r in t.rows for c in r.cells)
            assert name in text
            assert _residue_free(path)
            assert "None" not in text  # no value printed as Python's None (no data says it)


@st.composite
def programs(draw: st.DrawFn) -> LoadedProgram:
    participant_ids = draw(st.lists(IDS, max_size=10, unique=True))
    modules = [
        {
            "number": n,
            "title": draw(TEXT),
            "agenda": [
                {"time": draw(TEXT), "item": draw(TEXT)} for _ in range(draw(st.integers(0, 14)))
            ],
            "homework": draw(st.lists(TEXT, max_size=12)),
        }
        for n in range(1, draw(st.integers(1, 4)) + 1)
    ]
    data = {
        "program": {"title": draw(TEXT), "purpose": draw(st.lists(TEXT, max_size=4))},
        "modules": modules,
        "participants": [
            {
                "id": p,
                "name": draw(TEXT),
                "expectations": draw(st.none() | TEXT),
                "group": draw(st.none() | st.integers(1, 5)),
            }
            for p in participant_ids
        ],
        "reflections": [
            {"module": 1, "topic": draw(TEXT), "notes": draw(st.lists(TEXT, max_size=20))}
            for _ in range(draw(st.integers(0, 3)))
        ],
        "commitments": [
            {"module": 1, "participant": p, "text": draw(TEXT)} for p in participant_ids[:5]
        ],
    }
    return LoadedProgram(ProgramFile.validate(data), Path("program.yaml"))


@given(programs())
def test_any_valid_program_gives_decks_that_open(loaded: LoadedProgram) -> None:
    title = clean_text(loaded.model.program.title)
    with tempfile.TemporaryDirectory() as folder:
        for module in loaded.model.modules:
            path = write_deck(loaded, module.number, Path(folder))
            slides = Presentation(str(path)).slides
            first = "".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
            assert title.strip() in first
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
        kind, problems = check_file(target)
    lines = text.count("\n") + 1
    assert (kind is None) == bool(problems)
    for problem in problems:
        assert 1 <= problem.line <= lines, problem
        assert problem.message, problem
