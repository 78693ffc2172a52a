"""The built-in content of the four modules (`data/modules/<lang>/modul-N.yaml`): every slide
has speaker notes, Swedish and English have the same structure, group work has its task, and a
day run from the documented agenda gets each item's content in its place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import klusterdocs.data
from klusterdocs.context.program import GENERATED, deck_slides
from klusterdocs.loading import load_program
from klusterdocs.model import PHASES

MODULES = Path(klusterdocs.data.__file__).parent / "modules"
NUMBERS = (1, 2, 3, 4)
LANGS = ("sv", "en")

Write = Callable[..., Path]


def _content(lang: str, number: int) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (MODULES / lang / f"modul-{number}.yaml").read_text(encoding="utf-8")
    )
    return data


def _items(content: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = content.get("items", [])
    return items


def _shape(slide: dict[str, Any]) -> tuple[Any, ...]:
    """What must be the same in both languages: kind or generated name, and how much text."""
    if "generated" in slide:
        return ("generated", slide["generated"])
    return (
        slide.get("kind", "bullets"),
        bool(slide.get("numbered")),
        len(slide.get("bullets", [])),
        len(slide.get("left", {}).get("bullets", [])),
        len(slide.get("right", {}).get("bullets", [])),
        bool(slide.get("source")),
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", NUMBERS)
def test_every_built_in_slide_has_notes_and_every_generated_slide_exists(
    lang: str, number: int
) -> None:
    content = _content(lang, number)
    assert content.get("purpose"), f"{lang} module {number} has no purpose"
    items = _items(content)
    assert items, f"{lang} module {number} has no items"
    for item in items:
        assert item.get("match") or item.get("kinds"), item
        for slide in item.get("slides", []):
            if "generated" in slide:
                assert slide["generated"] in GENERATED, slide
                continue
            assert str(slide.get("title", "")).strip(), slide
            notes = str(slide.get("notes", "")).strip()
            assert len(notes) >= 40, f"{lang} module {number}: {slide['title']!r} lacks notes"


@pytest.mark.parametrize("number", (1, 2, 3, 4))
def test_swedish_and_english_have_the_same_structure(number: int) -> None:
    sv, en = _content("sv", number), _content("en", number)
    assert len(sv["purpose"]) == len(en["purpose"])
    assert len(_items(sv)) == len(_items(en))
    for a, b in zip(_items(sv), _items(en), strict=True):
        assert [_shape(s) for s in a.get("slides", [])] == [_shape(s) for s in b.get("slides", [])]
        assert len(a.get("questions", [])) == len(b.get("questions", []))
        assert bool(a.get("bring_back")) == bool(b.get("bring_back"))
        assert a.get("kinds", []) == b.get("kinds", [])
        # a Swedish agenda finds the English content in the same place
        assert set(a.get("match", [])) <= set(b.get("match", [])), a.get("match")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", (2, 3, 4))
def test_later_modules_are_a_day_with_group_work_homework_and_follow_up(
    lang: str, number: int
) -> None:
    items = _items(_content(lang, number))
    placed = [s["generated"] for item in items for s in item["slides"] if "generated" in s]
    for name in ("follow_up", "purpose", "model", "exercise", "reflections", "homework"):
        assert name in placed, f"{lang} module {number} does not place {name}"
    # the day opens with the module's purpose and model, then last module's commitments
    assert placed[:4] == ["purpose", "model", "follow_up", "exercise"]
    exercises = [
        item for item in items if any(s.get("generated") == "exercise" for s in item["slides"])
    ]
    assert len(exercises) >= 3
    for item in exercises:
        assert item.get("questions"), f"{lang} module {number}: {item.get('match')} has no task"
    with_bring_back = [item for item in exercises if item.get("bring_back")]
    assert len(with_bring_back) >= 2
    content = [s for item in items for s in item["slides"] if "generated" not in s]
    assert len(content) >= 12, f"{lang} module {number} has only {len(content)} content slides"


# The agendas the modules' header comments document (module 2's is the one in reglab-2012.yaml).
AGENDAS = {
    2: [
        ("10:00", "Återkoppling på hemuppgiften", "plenary"),
        ("10:45", "Aktörer och intressentanalys", "lecture"),
        ("12:00", "Lunch", "break"),
        ("13:00", "Finansiering och kritisk massa", "case"),
        ("15:00", "Reflektion i grupp", "group_reflection"),
        ("16:00", "Summering och hemuppgift", "homework"),
    ],
    3: [
        ("10:00", "Återkoppling på hemuppgiften", "plenary"),
        ("10:45", "Processledning och tillit", "lecture"),
        ("12:00", "Lunch", "break"),
        ("13:00", "Varför misslyckas klusterinitiativ?", "group_reflection"),
        ("14:15", "Kaffe", "break"),
        ("14:45", "Formering och verksamhetsplan", "case"),
        ("16:00", "Summering och hemuppgift", "homework"),
    ],
    4: [
        ("10:00", "Återkoppling på hemuppgiften", "plenary"),
        ("10:45", "Öppna innovationsarenor", "lecture"),
        ("12:00", "Lunch", "break"),
        ("13:00", "Internationalisering", "group_reflection"),
        ("14:15", "Kaffe", "break"),
        ("14:45", "Organisering och framtiden", "group_reflection"),
        ("16:00", "Summering och avslutning", "homework"),
    ],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", (2, 3, 4))
def test_each_item_of_the_day_gets_its_own_content_in_agenda_order(
    write: Write, lang: str, number: int
) -> None:
    following = f"\n  - {{number: {number + 1}, title: Nästa}}" if number < 4 else ""
    agenda = "\n".join(
        f'      - {{time: "{t}", item: "{name}", kind: {kind}}}'
        for t, name, kind in AGENDAS[number]
    )
    program = write(f"""
program: {{title: P}}
modules:
  - {{number: {number - 1}, title: Förra}}
  - number: {number}
    title: Modulen
    phase: {PHASES[number - 1]}
    homework: [Något att göra]
    agenda:
{agenda}{following}
participants:
  - {{id: a, name: Anna, group: 1}}
  - {{id: b, name: Bo, group: 2}}
commitments:
  - {{module: {number - 1}, participant: a, text: Ett åtagande, status: done}}
""")
    slides = deck_slides(load_program(program), number, lang)
    titles = [s.title for s in slides]
    assert all(s.notes.strip() for s in slides), [s.title for s in slides if not s.notes.strip()]
    sections = [titles.index(name) for _, name, _ in AGENDAS[number]]
    assert sections == sorted(sections)
    bounds = [*sections, len(titles)]
    items = _items(_content(lang, number))
    for index, (_, name, kind) in enumerate(AGENDAS[number]):
        if kind == "break":
            continue
        block = next(
            item
            for item in items
            if any(
                name.casefold().startswith(m.casefold().rstrip("?")) for m in item.get("match", [])
            )
        )
        inside = titles[bounds[index] + 1 : bounds[index + 1]]
        own = [
            s["title"]
            for s in block["slides"]
            if "generated" not in s and s.get("kind") != "section"
        ]
        assert all(t in inside for t in own), (name, own, inside)
        assert own or index == 0, f"{name} has no content of its own"
        # an agenda item named like a content section slide does not get it twice
        assert titles.count(name) == 1, name
        if block.get("questions"):
            tasks = [
                s
                for s in slides[bounds[index] : bounds[index + 1]]
                if s.kind == "two_columns"
                and [q for q in s.left[1] if q in block["questions"]] == block["questions"]
            ]
            assert len(tasks) == 1, f"{name}: no task slide with the built-in questions"
    # the first item: the module's purpose and model, then the follow-up of last module's
    # commitments (a table), before the day's second item
    first = slides[sections[0] + 1 : bounds[1]]
    assert [s.kind for s in first[:3]] == ["bullets", "phases", "table"]
    assert "Ett åtagande" in [cell for row in first[2].rows for cell in row]


def test_a_module_of_another_phase_than_the_built_in_one_gets_no_built_in_purpose(
    write: Write,
) -> None:
    """Module 1's built-in purpose is about initiering; on a module 1 about formering it
    said 'what the initiation phase asks for'."""
    program = write("""
program: {title: P}
modules:
  - number: 1
    title: Strategi och vision
    phase: formering
    agenda: [{time: "10:00", item: "Kluster vad och varför", kind: lecture}]
""")
    titles = [s.title for s in deck_slides(load_program(program), 1)]
    assert "Syfte med modulen" not in titles
    program.write_text(program.read_text().replace("formering", "initiering"), encoding="utf-8")
    assert "Syfte med modulen" in [s.title for s in deck_slides(load_program(program), 1)]
