"""A module deck a coach runs the day from: agenda order, exercises, groups, notes (issue 14).

Decks are written, reopened with python-pptx and read as a coach would see them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from klusterdocs.context.program import deck_slides
from klusterdocs.documents import write_deck
from klusterdocs.loading import load_program
from tests.checks import assert_valid_office
from tests.conftest import PROGRAM
from tests.test_slides import _overflowing, _texts, _titles

Write = Callable[..., Path]


def _slide(path: Path, title: str) -> Any:
    return next(
        s for s in Presentation(str(path)).slides if s.shapes.title and s.shapes.title.text == title
    )


def _text(slide: Any) -> str:
    parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def _rows(slide: Any) -> list[list[str]]:
    table = next(s for s in slide.shapes if s.has_table).table
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    loaded = load_program(PROGRAM)
    out = tmp_path_factory.mktemp("day")
    return {m.number: write_deck(loaded, m.number, out) for m in loaded.model.modules}


def test_section_slides_follow_the_agenda_times_with_time_box_and_kind(
    tmp_path: Path, write: Write
) -> None:
    """Items written out of order still come in time order, each with its span and kind."""
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: M
            agenda:
              - {time: "13:00", item: Eftermiddagens fall, kind: case}
              - {time: "09:00", item: Start, kind: plenary}
              - {time: "12:00", item: Lunch, kind: break}
              - {time: "10:30", item: Föreläsning om tillit, kind: lecture}
              - {time: "15:00", item: Reflektion i grupp, kind: group_reflection}
              - {time: "15:30", item: Avslutning, kind: homework}
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    titles = _titles(path)
    items = ["Start", "Föreläsning om tillit", "Lunch", "Eftermiddagens fall", "Avslutning"]
    # an item named by its kind does not say it twice
    assert _text(_slide(path, "Reflektion i grupp")).endswith("15:00–15:30 · 30 min")
    positions = [titles.index(t) for t in items]
    assert positions == sorted(positions)
    assert titles.index("Dagordning") < positions[0]
    section = _text(_slide(path, "Eftermiddagens fall"))
    assert "13:00–15:00 · 120 min · Fall" in section
    assert "12:00–13:00 · 60 min · Vi börjar igen 13:00" in _text(_slide(path, "Lunch"))
    # the case is group work: an exercise slide right after its content
    assert titles[positions[3] + 1] == "Uppgift: Eftermiddagens fall"
    assert_valid_office(path)


def test_follow_up_of_the_homework_opens_module_two_where_the_agenda_has_it(
    decks: dict[int, Path],
) -> None:
    """In the day's first item, after the module's purpose and model, before the next item."""
    titles = _titles(decks[2])
    assert titles[1:3] == ["Dagordning", "Återkoppling på hemuppgiften"]
    follow_up = titles.index("Uppföljning: vad vi skulle göra till den här gången")
    assert titles.index("Syfte med modulen") < follow_up < 8
    assert follow_up < titles.index("Aktörer och intressentanalys")


def test_exercise_slides_give_questions_time_bring_back_and_the_groups(
    decks: dict[int, Path],
) -> None:
    task = _text(
        _slide(
            decks[1],
            "Uppgift: Vad innebär det att vara klusterledare – reflektion från coach"
            " och utvärderare",
        )
    )
    assert "Processledare i tidiga skeden: vilket är min roll, mitt uppdrag, mitt mandat?" in task
    assert "Vad är det jag vill uppnå?" in task and "Vilka är utmaningarna för mig?" in task
    assert "Till 14:15" in task  # the item's lecture comes first: its end, not its span
    assert "Till plenum:" in task
    assert "I samma grupper som tidigare" in task  # the groups were shown in the morning
    titles = _titles(decks[1])
    assert [t for t in titles if t.startswith("Grupperna")] == ["Grupperna: Kluster vad och varför"]
    groups = _rows(_slide(decks[1], "Grupperna: Kluster vad och varför"))
    assert groups[0] == ["Grupp", "Deltagare"]
    assert ["Grupp 1", "Lena Exempelsson, Sara Exempelsson"] in groups
    assert ["Grupp 4", "Per Exempelsson, Åsa Exempelsson"] in groups
    assert len(groups) == 5
    # the program file's own bring_back comes before the built-in one
    case = _text(_slide(decks[2], "Uppgift: Finansiering och kritisk massa"))
    assert "finansieringsplanen för ett av sina initiativ i tre punkter" in case
    assert "Till 15:00" in case


def test_introduction_round_asks_the_seeds_four_questions(decks: dict[int, Path]) -> None:
    text = _text(_slide(decks[1], "Uppgift: Presentation av deltagarna"))
    for question in (
        "Vem är du?",
        "Var kommer du ifrån?",
        "Vilka är dina erfarenheter?",
        "Vad vill du ha ut av programmet?",
    ):
        assert question in text
    assert "10:10–10:25 · 15 min" in text
    assert "Grupperna: Presentation av deltagarna" not in _titles(decks[1])  # plenary


def test_every_slide_has_speaker_notes(decks: dict[int, Path]) -> None:
    for number, path in decks.items():
        for index, slide in enumerate(Presentation(str(path)).slides, start=1):
            notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
            assert notes.strip(), f"module {number}, slide {index} has no notes"
    lena = _slide(decks[1], "Deltagarna").notes_slide.notes_text_frame.text
    assert "Sex år som processledare i textilbranschen" in lena  # her background
    porter = _slide(decks[1], "Vad är ett kluster?").notes_slide.notes_text_frame.text
    assert "konkurrerar men också samarbetar" in porter and "Michael Porter, 1998" in porter
    cohort = _slide(decks[1], "Våra initiativ i Reglabs klustermodell")
    assert "Initiering 2, Mobilisering 2, Formering 2" in cohort.notes_slide.notes_text_frame.text


def test_module_one_carries_the_seeds_content(decks: dict[int, Path]) -> None:
    text = _texts(decks[1])
    for expected in (
        "Komparativa fördelar",
        "Samverkansfördelar",
        "Karl Polanyi, 1944",
        "Alfred Marshall",
        "ZaSCI, Zanzibar:",
        "Smart Textiles, Borås",
    ):
        assert expected in text, expected
    overview = _rows(_slide(decks[1], "Utbildning i fyra moduler"))
    assert overview[1] == [
        "1",
        "Kluster vad och varför",
        "Glava, 14–15 juni 2012 · Stockholm, 20 augusti 2012",
    ]
    assert overview[4] == ["4", "Att växa och förgrenas", "Malmö, 5–6 november 2012"]
    collect = _rows(_slide(decks[1], "Vad gör jag till nästa gång?"))
    assert ["Sara Exempelsson", ""] in collect  # a row to fill in on the day
    assert len(collect) == 9


def test_reglab_model_shows_what_each_phase_asks_with_the_modules_highlighted() -> None:
    loaded = load_program(PROGRAM)
    for number, phase in ((1, "Initiering"), (3, "Formering")):
        model = next(
            s for s in deck_slides(loaded, number) if s.title.startswith("Reglabs klustermodell –")
        )
        assert [name for name, _, _ in model.phases] == [
            "Initiering",
            "Mobilisering",
            "Formering",
            "Organisering",
        ]
        assert [name for name, _, active in model.phases if active] == [phase]
        assert "Processledningsgrupp på plats" in model.phases[0][1]


def test_a_program_file_replaces_the_built_in_content(tmp_path: Path, write: Write) -> None:
    program = write("""
        program: {title: P}
        participants:
          - {id: a, name: Anna, group: 1}
          - {id: b, name: Bo, group: 2}
        modules:
          - number: 1
            title: Kluster
            slides: replace
            agenda:
              - {time: "10:00", item: Introduktion, kind: plenary}
              - time: "10:30"
                item: Varför misslyckas klusterinitiativ?
                kind: group_reflection
                questions: [Vilken risk är störst för ditt initiativ?]
                bring_back: En risk och en åtgärd per grupp
                slides:
                  - title: Fem skäl att misslyckas
                    bullets: [Bristande konsensus, Brist på resurser]
                    notes: Berätta om Greenbook 2003.
                    source: Ketels m.fl. 2008
              - {time: "12:00", item: Kluster vad och varför, kind: lecture}
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    titles = _titles(path)
    own = titles.index("Fem skäl att misslyckas")
    assert titles[own - 1] == "Varför misslyckas klusterinitiativ?"
    assert titles[own + 1] == "Uppgift: Varför misslyckas klusterinitiativ?"
    assert "Fyra grundläggande kriterier på ett kluster" not in titles  # built-in: replaced
    slide = _slide(path, "Fem skäl att misslyckas")
    assert "Berätta om Greenbook 2003." in slide.notes_slide.notes_text_frame.text
    assert "Källa: Ketels m.fl. 2008" in _text(slide)
    task = _text(_slide(path, "Uppgift: Varför misslyckas klusterinitiativ?"))
    assert "Vilken risk är störst för ditt initiativ?" in task
    assert "En risk och en åtgärd per grupp" in task
    assert ["Grupp 2", "Bo"] in _rows(
        _slide(path, "Grupperna: Varför misslyckas klusterinitiativ?")
    )
    assert not _overflowing(path)


def test_a_program_files_slides_extend_the_built_in_content(tmp_path: Path, write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Kluster
            agenda:
              - {time: "10:00", item: Kluster vad och varför, kind: lecture}
              - time: "11:00"
                item: Egen punkt
                kind: lecture
                slides: [{title: Vår egen bild, bullets: [Något nytt]}]
    """)
    titles = _titles(write_deck(load_program(program), 1, tmp_path))
    assert "Fyra grundläggande kriterier på ett kluster" in titles  # built-in kept
    assert titles.index("Vår egen bild") == titles.index("Egen punkt") + 1


def test_a_large_cohort_chart_splits_and_never_overflows(tmp_path: Path, write: Write) -> None:
    people = "\n".join(
        f"  - {{id: p{n}, name: Deltagare nummer {n}, organisation: Organisationen med ett"
        f" ganska långt namn {n}, phase: {'mobilisering' if n % 3 else 'formering'}}}"
        for n in range(1, 41)
    )
    program = write(f"""
program: {{title: P}}
modules: [{{number: 2, title: M, phase: mobilisering}}]
participants:
{people}
""")
    path = write_deck(load_program(program), 2, tmp_path)
    titles = _titles(path)
    charts = [t for t in titles if t.startswith("Våra initiativ")]
    assert len(charts) > 1 and charts[1].endswith("(forts.)")
    text = _texts(path)
    assert all(f"Deltagare nummer {n}, " in text for n in range(1, 41))
    assert not _overflowing(path)
    assert_valid_office(path)


def test_an_agenda_of_its_own_gets_no_one_elses_content_and_notes_that_hold(
    write: Write,
) -> None:
    """A program whose module 1 has other items than the built-in day: no Reglab lecture or
    purpose is passed to them, a task's generic questions name its item, and the notes say
    nothing the file does not give (no '–' for a missing organiser, no claim that group work
    fills more than half the day when it does not, no groups slide announced that is not
    there)."""
    program = write(
        """
        program: {title: Klusterledning i Norr}
        modules:
          - number: 1
            title: Start
            agenda:
              - {time: "09:00", item: Välkommen, kind: plenary}
              - {time: "09:30", item: Workshop om vision, kind: group_reflection}
              - {time: "10:00", item: Studiebesök, kind: plenary}
              - {time: "15:00", item: Avslutning, kind: plenary}
        participants: [{id: a, name: Anna Andersson}, {id: b, name: Bo Berg}]
        """
    )
    slides = deck_slides(load_program(program), 1)
    titles = [s.title for s in slides]
    assert "Syfte med modulen" not in titles and "Vad är ett kluster?" not in titles
    assert not any(s.kind == "phases" and s.title.startswith("Våra initiativ") for s in slides)
    task = next(s for s in slides if s.title == "Uppgift: Workshop om vision")
    assert task.left[1][0] == "Vad betyder ”Workshop om vision” för ditt initiativ?"
    assert "nästa bild" not in task.notes  # no groups in the file: no groups slide
    notes = "\n".join(s.notes for s in slides)
    assert "–." not in notes and "Arrangör" not in notes and "Därefter: –" not in notes
    agenda = next(s for s in slides if s.title == "Dagordning")
    assert "30 minuter." in agenda.notes and "halva dagen" not in agenda.notes  # 30 of 360
    assert "Två deltagare." in slides[0].notes


def test_notes_say_what_the_day_holds_and_no_more(decks: dict[int, Path]) -> None:
    """A coach's review: a group item that opens with a talk says so; the last module's
    closing thanks for the program instead of reminding of a next meeting; a collect slide
    that already holds commitments says how many."""
    slides = Presentation(str(decks[1])).slides
    section = next(
        s for s in slides if s.shapes.title and s.shapes.title.text == "Kluster vad och varför"
    )
    talk = section.notes_slide.notes_text_frame.text
    assert "Först en genomgång (" in talk and "bilder), sedan uppgiften." in talk
    closing = [s for s in Presentation(str(decks[4])).slides][-1].notes_slide
    assert "nästa träff" not in closing.notes_text_frame.text
    assert "sista träff" in closing.notes_text_frame.text
    first = [s for s in slides][-1].notes_slide.notes_text_frame.text
    assert "Påminn om nästa träff: Borlänge" in first
    collect = _slide(decks[1], "Vad gör jag till nästa gång?")
    assert (
        "Åtaganden för 7 av 8 deltagare är redan antecknade"
        in collect.notes_slide.notes_text_frame.text
    )


def test_participants_are_paired_within_their_groups(decks: dict[int, Path]) -> None:
    """Two to a slide in group order, so a slide introduces a group's members together."""
    slides = [
        s
        for s in Presentation(str(decks[1])).slides
        if s.shapes.title and s.shapes.title.text.startswith("Deltagarna")
    ]
    groups = [[line for line in _text(s).split("\n") if line.startswith("Grupp ")] for s in slides]
    assert groups == [
        ["Grupp 1", "Grupp 1"],
        ["Grupp 2", "Grupp 2"],
        ["Grupp 3", "Grupp 3"],
        ["Grupp 4", "Grupp 4"],
    ]


def test_a_column_left_blank_to_write_in_is_the_widest(tmp_path: Path, write: Write) -> None:
    program = write("""
        program: {title: P}
        modules: [{number: 1, title: M}, {number: 2, title: N}]
        participants: [{id: a, name: Anna-Karin Andersson-Lindqvist}, {id: b, name: Bo Berg}]
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    slide = _slide(path, "Vad gör jag till nästa gång?")
    table = next(s for s in slide.shapes if s.has_table).table
    names, commitments = (column.width for column in table.columns)
    assert commitments >= 2 * names  # was the other way round: names 21 cm, commitments 10


@pytest.mark.parametrize("template", ["office-16x9", "office-16x9-without-two-columns"])
def test_a_participant_is_never_split_from_their_name(
    tmp_path: Path, write: Write, template: str
) -> None:
    """Two participants too long to stand side by side (or a template without a two-column
    layout) go on a slide each: a slide with one's facts also has their name (the fuzzing
    helper saw a name end one slide and the facts fill the next)."""
    from tests.test_deck_templates import HERE

    source = Presentation(str(HERE / "office-16x9.pptx"))
    if template.endswith("without-two-columns"):
        for layout in list(source.slide_layouts):
            if layout.name in ("Two Content", "Comparison"):
                source.slide_layouts.remove(layout)
    folder = tmp_path / "t" / "modul"
    folder.mkdir(parents=True)
    source.save(str(folder / "default.pptx"))
    long = "mycket lång text " * 22  # where the two columns just do not fit
    program = write(f"""
        program: {{title: P}}
        modules: [{{number: 1, title: M}}]
        participants:
          - {{id: a, name: Anna Andersson, role: {long}, expectations: {long}, experience: {long}}}
          - {{id: b, name: Bo Berg, role: {long}, expectations: {long}, experience: {long}}}
    """)
    path = write_deck(load_program(program), 1, tmp_path / "out", templates=tmp_path / "t")
    slides = [
        s
        for s in Presentation(str(path)).slides
        if s.shapes.title and s.shapes.title.text.startswith("Deltagarna")
    ]
    names = {"Anna Andersson", "Bo Berg"}
    for slide in slides:
        lines = [line.strip() for line in _text(slide).split("\n") if line.strip()][1:]
        if not lines:
            continue  # the section slide that introduces them (the module has no agenda)
        assert lines[-1] not in names, lines  # a name never ends a slide without its facts
        shown = names & set(lines)
        if shown:  # the notes are of the one it shows
            notes = slide.notes_slide.notes_text_frame.text
            assert all((name in notes) == (name in shown) for name in names), (shown, notes)
    assert {n for s in slides for n in names if n in _text(s)} == names
    assert_valid_office(path)


def test_a_word_longer_than_a_slide_goes_on_over_slides(tmp_path: Path, write: Write) -> None:
    """A 5,000-character name without a space (a pasted hash) ran off the slide under its
    footer (the fuzzing helper): it is cut where a slide is full and goes on, every
    character kept."""
    word = "".join(chr(ord("a") + n % 26) for n in range(5000))
    program = write(f"""
        program: {{title: P}}
        modules: [{{number: 1, title: M}}]
        participants: [{{id: a, name: {word}}}, {{id: b, name: Bo Berg}}]
    """)
    path = write_deck(load_program(program), 1, tmp_path)
    assert _overflowing(path) == []
    shown = "".join(
        "".join(_text(s).split("\n")[1:])
        for s in Presentation(str(path)).slides
        if s.shapes.title and s.shapes.title.text.startswith("Deltagarna")
    )
    assert word in shown


def test_one_group_is_a_group_and_group_work_ending_the_day_has_no_length_made_up(
    write: Write,
) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "09:00", item: Intro, kind: plenary}
              - {time: "13:00", item: Grupparbete, kind: group_reflection}
        participants: [{id: a, name: Anna, group: 1}, {id: b, name: Bo, group: 1}]
    """)
    slides = deck_slides(load_program(program), 1)
    task = next(s for s in slides if s.title == "Uppgift: Grupparbete")
    assert "Arbete i en grupp – se nästa bild" in task.right[1]
    assert any(s.notes.startswith("En grupp.") for s in slides)
    agenda = next(s for s in slides if s.title == "Dagordning")
    assert "En av dem är grupparbete." in agenda.notes
    assert "0 minuter" not in agenda.notes


def test_those_without_a_group_are_listed_but_not_counted_as_a_group(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda: [{time: "09:00", item: Grupparbete, kind: group_reflection}]
        participants:
          - {id: a, name: Anna, group: 1}
          - {id: b, name: Bo, group: 2}
          - {id: c, name: Cilla}
    """)
    slides = deck_slides(load_program(program), 1)
    task = next(s for s in slides if s.title == "Uppgift: Grupparbete")
    assert "Arbete i två grupper – se nästa bild" in task.right[1]
    table = next(s for s in slides if s.kind == "table" and s.rows and s.rows[-1][1] == "Cilla")
    assert table.rows[-1][0] == "Utan grupp" and table.notes.startswith("Två grupper.")


def test_a_program_that_skips_a_module_number_still_has_a_next_meeting(write: Write) -> None:
    program = write("""
        program: {title: Gap}
        modules:
          - {number: 1, title: Ett, sessions: [{place: Falun, date: 2012-01-10}]}
          - {number: 2, title: Två, sessions: [{place: Borlänge, date: 2012-03-01}]}
          - {number: 4, title: Fyra, sessions: [{place: Malmö, date: 2012-05-01}]}
        participants: [{id: p1, name: Eva}]
        commitments:
          - {module: 2, participant: p1, text: Skriva affärsplanen, status: ongoing}
          - {module: 4, participant: p1, text: Starta styrgruppen, status: ongoing}
    """)
    loaded = load_program(program)
    second, fourth = deck_slides(loaded, 2), deck_slides(loaded, 4)
    assert "sista träff" not in second[-1].notes and "Malmö" in second[-1].bullets[0]
    follow_up = next(s for s in fourth if s.title.startswith("Uppföljning"))
    assert follow_up.rows == [["Eva", "Skriva affärsplanen", "Pågår"]]
    # the last module's commitments reach its deck, with how far they have come
    after = next(s for s in fourth if s.title == "Vad gör jag efter programmet?")
    assert after.rows == [["Eva", "Starta styrgruppen (pågår)"]]
    assert "sista träff" in fourth[-1].notes


def test_an_items_name_in_its_question_shows_as_typed(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "09:00", item: "Case: **fet** {{ x }}", kind: group_reflection}
              - {time: "10:00", item: Slut, kind: plenary}
    """)
    slides = deck_slides(load_program(program), 1)
    task = next(s for s in slides if s.kind == "two_columns" and s.left[1])
    from klusterdocs.render.markup import plain

    assert plain(task.left[1][0]) == "Vad betyder ”Case: **fet** {{ x }}” för ditt initiativ?"


def test_every_commitment_a_participant_made_is_on_the_collect_slide(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - {number: 1, title: Ett, agenda: [{time: "10:00", item: Intro, kind: plenary}]}
          - {number: 2, title: Två}
        participants: [{id: p1, name: Anna}]
        commitments:
          - {module: 1, participant: p1, text: FÖRSTA}
          - {module: 1, participant: p1, text: ANDRA}
    """)
    slides = deck_slides(load_program(program), 1)
    collect = next(s for s in slides if s.title == "Vad gör jag till nästa gång?")
    assert collect.rows == [["Anna", "FÖRSTA; ANDRA"]]


def test_an_item_that_ends_where_it_starts_has_no_time_box_made_up(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "10:00", item: Intro, kind: plenary}
              - {time: "10:00", item: Andra, kind: plenary}
              - {time: "11:00", item: Slut, kind: plenary}
    """)
    notes_and_text = "\n".join(
        f"{s.subtitle}\n{s.notes}\n{' '.join(s.bullets)}"
        for s in deck_slides(load_program(program), 1)
    )
    assert "10:00–10:00" not in notes_and_text


def test_the_homework_is_given_when_the_day_ends_with_a_break(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "09:00", item: Start, kind: plenary}
              - {time: "12:00", item: Lunch, kind: break}
            homework: [Uppdatera intressentkartan]
    """)
    slides = deck_slides(load_program(program), 1)
    assert any("Uppdatera intressentkartan" in s.bullets for s in slides)


def test_a_two_day_module_keeps_its_days_in_the_order_written(write: Write) -> None:
    """Sorted as one day, the second morning came first and the first afternoon's last item
    ran to the next morning ('10:00–13:00 · 180 min'); a break ending the day said '–'."""
    program = write("""
        program: {title: T}
        modules:
          - number: 1
            title: M
            sessions: [{place: Arvika, date: 2014-04-10, end_date: 2014-04-11}]
            agenda:
              - {time: "13:00", item: Uppföljning, kind: plenary}
              - {time: "17:00", item: Middag, kind: break}
              - {time: "08:30", item: Finansiering, kind: lecture}
              - {time: "10:00", item: Avslutning, kind: plenary}
        participants: [{id: p1, name: Ann}]
    """)
    slides = deck_slides(load_program(program), 1)
    agenda = next(s for s in slides if s.title == "Dagordning")
    assert [row[0] for row in agenda.rows][:5] == ["Dag 1", "13:00", "17:00", "Dag 2", "08:30"]
    dinner = next(s for s in slides if s.title == "Middag")
    assert "–" not in dinner.notes and "minuter" not in dinner.notes
    text = "\n".join(f"{s.subtitle}\n{s.notes}" for s in slides)
    assert "180 min" not in text and "17:00–08:30" not in text


def test_the_follow_up_and_the_round_say_what_the_numbers_allow(write: Write) -> None:
    people = "\n".join(f"          - {{id: p{n}, name: P{n}}}" for n in range(40))
    program = write(f"""
        program: {{title: T}}
        modules:
          - {{number: 1, title: Ett}}
          - number: 2
            title: Två
            agenda:
              - {{time: "09:30", item: Runda, kind: plenary}}
              - {{time: "10:30", item: Slut, kind: plenary}}
        participants:
{people}
        commitments:
          - {{module: 1, participant: p1, text: Ringa, status: ongoing}}
    """)
    slides = deck_slides(load_program(program), 2)
    notes = "\n".join(s.notes for s in slides)
    assert "inget" in notes.lower() and "0 av 1" not in notes and "de klara" not in notes
    rounds = [line for s in slides for line in s.right[1] if "per person" in line]
    assert all("1 min" in line for line in rounds)  # 60 minutes for 40: not 2 each


def test_a_sentence_ending_its_own_way_gets_no_second_full_stop(write: Write) -> None:
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "09:00", item: Start, kind: plenary}
              - {time: "09:20", item: "Vad är en god vision?", kind: group_reflection}
    """)
    notes = "\n".join(s.notes for s in deck_slides(load_program(program), 1))
    assert "Därefter: 09:20 Vad är en god vision?" in notes and "?." not in notes


def test_only_module_four_ends_the_program_and_an_undated_next_meeting_has_no_dashes(
    write: Write,
) -> None:
    """A file filled in as the course goes lists module 1 (and 2, not yet dated): module 1
    is not the program's last meeting, and its next meeting is said without a date."""
    program = write("""
        program: {title: P}
        modules: [{number: 1, title: Ett}, {number: 2, title: Två}]
        participants: [{id: a, name: Anna}]
        commitments: [{module: 1, participant: a, text: Ringa tre företag}]
    """)
    loaded = load_program(program)
    first, second = deck_slides(loaded, 1), deck_slides(loaded, 2)
    closing = first[-1]
    assert closing.bullets == ["Nästa träff: modul 2, Två"]
    assert "Påminn om nästa träff, modul 2; dag och plats står inte i programfilen." in (
        closing.notes
    )
    assert "dagordningen på nästa bild" not in first[0].notes  # there is no agenda slide
    for slides in (first, second):
        text = " ".join(s.title + s.notes + " ".join(s.bullets) for s in slides)
        assert "sista träff" not in text and "efter programmet" not in text
        assert "–." not in text and "– –" not in text
    assert "Berätta vad som händer härnäst i programmet." in second[-1].notes


def test_the_homework_follow_up_asks_of_the_homework_the_program_gave(write: Write) -> None:
    """Module 3's built-in questions assume module 2's usual homework (a stakeholder analysis
    and the funding); a program that gave other homework is asked about its own."""
    agenda = '[{time: "10:00", item: Återkoppling på hemuppgiften, kind: plenary}]'
    program = write(f"""
        program: {{title: P}}
        modules:
          - {{number: 2, title: Två, homework: [Kartlägg finansieringen]}}
          - {{number: 3, title: Tre, agenda: {agenda}}}
          - {{number: 4, title: Fyra, agenda: {agenda}}}
    """)
    loaded = load_program(program)
    task = next(s for s in deck_slides(loaded, 3) if s.title.startswith("Uppgift:"))
    assert task.left[1] == [
        "Vad har du gjort sedan förra modulen?",
        "**Hemuppgift:** Kartlägg finansieringen",
        "Vad kom du fram till i hemuppgiften – och vad var svårt?",
        "Vad vill du ha hjälp med i dag?",
    ]
    # module 3 gave no homework in the file: module 4 asks of the program's usual one
    task = next(s for s in deck_slides(loaded, 4) if s.title.startswith("Uppgift:"))
    assert "Hur långt har du kommit med verksamhetsplanen?" in task.left[1]
    assert not any("Hemuppgift:" in q for q in task.left[1])


def test_a_day_reads_as_a_coach_says_it(write: Write) -> None:
    """Times with two-digit hours, a question before its time without a colon, a shared
    expectation said once, and no "fill in the rest" when nothing is left."""
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            agenda:
              - {time: "9:00", item: Varför misslyckas kluster?, kind: plenary}
              - {time: "9.45", item: Kaffe, kind: break}
        participants:
          - {id: a, name: Anna, expectations: Nätverk}
          - {id: b, name: Bo, expectations: Nätverk}
          - {id: c, name: Cilla, expectations: Verktyg}
        commitments:
          - {module: 1, participant: a, text: A}
          - {module: 1, participant: b, text: B}
          - {module: 1, participant: c, text: C}
    """)
    slides = deck_slides(load_program(program), 1)
    agenda = next(s for s in slides if s.title == "Dagordning")
    assert [row[0] for row in agenda.rows] == ["09:00", "09.45"]
    section = next(s for s in slides if s.title == "Varför misslyckas kluster?")
    assert section.notes.startswith("Varför misslyckas kluster? 09:00–09.45")
    expectations = next(s for s in slides if s.title == "Era förväntningar på programmet")
    assert expectations.bullets == ["Nätverk (2 deltagare)", "Verktyg"]
    collect = next(s for s in slides if s.rows and s.rows[0][0] == "Anna")
    assert "stäm av dem." in collect.notes and "fyll i resten" not in collect.notes


def test_a_program_without_module_one_shows_its_people_in_its_first_module(
    write: Write,
) -> None:
    program = write("""
        program: {title: P, purpose: [Att växa som ledare]}
        modules: [{number: 2, title: Två}, {number: 3, title: Tre}]
        participants: [{id: a, name: Anna, role: Fjällguide, expectations: Nätverk}]
    """)
    loaded = load_program(program)

    def said(number: int) -> str:
        return " ".join(
            " ".join([s.title, *s.bullets, *s.left[1], *s.right[1]])
            for s in deck_slides(loaded, number)
        )

    assert all(word in said(2) for word in ("Att växa som ledare", "Fjällguide", "Nätverk"))
    assert not any(word in said(3) for word in ("Att växa som ledare", "Fjällguide"))


def test_the_last_module_looks_back_on_the_modules_the_program_file_has(write: Write) -> None:
    """Not on the built-in program's four titles and phases."""
    program = write("""
        program: {title: P}
        modules:
          - {number: 1, title: Start och nätverk, phase: mobilisering}
          - {number: 4, title: Avslutning}
    """)
    slides = deck_slides(load_program(program), 4)
    (recap,) = [s for s in slides if s.title == "Programmet i två moduler"]
    assert recap.bullets == [
        "**Modul 1, Start och nätverk:** mobilisering",
        "**Modul 4, Avslutning:**",
    ]
    assert "fas i Reglabs klustermodell" not in recap.notes  # module 4 has no phase given
    assert not any("Kluster vad och varför" in " ".join(s.bullets) for s in slides)


def test_a_two_day_module_says_its_days_in_the_agenda_and_its_notes(write: Write) -> None:
    """Day 2's 08:30 after dinner starts a new day: the agenda has a row for each day with
    its date, and the notes say when each day starts (not one day of five items)."""
    program = write("""
        program: {title: P}
        modules:
          - number: 1
            title: Ett
            sessions: [{place: Glava, date: 2012-06-14}, {place: Glava, date: 2012-06-15}]
            agenda:
              - {time: "10:00", item: Start, kind: plenary}
              - {time: "13:00", item: Grupparbete, kind: group_reflection}
              - {time: "17:00", item: Middag, kind: break}
              - {time: "8:30", item: Andra dagen, kind: lecture}
              - {time: "12:00", item: Slut, kind: plenary}
    """)
    agenda = next(s for s in deck_slides(load_program(program), 1) if s.title == "Dagordning")
    assert [row[:2] for row in agenda.rows] == [
        ["Dag 1", "torsdag 14 juni"],
        ["10:00", "Start"],
        ["13:00", "Grupparbete"],
        ["17:00", "Middag"],
        ["Dag 2", "fredag 15 juni"],
        ["08:30", "Andra dagen"],
        ["12:00", "Slut"],
    ]
    assert agenda.notes.startswith(
        "Modulen pågår i två dagar. Dag 1 börjar 10:00 och har tre punkter. "
        "Dag 2 börjar 08:30 och har två punkter."
    )
    assert "sammanlagt 240 minuter." in agenda.notes  # 13:00–17:00, not on into the night


def test_a_heading_never_ends_a_slide_its_text_goes_on_from(tmp_path: Path, write: Write) -> None:
    """A task too long for two columns goes on one column over slides: 'Tid' ended one
    slide and its time stood on the next (tried with one to eight long questions, so that a
    slide breaks after each heading)."""
    question = (
        "Att utveckla ett gemensamt förhållningssätt till hur vi förankrar klusterinitiativets "
        "strategi hos både de stora exportföretagen, de små underleverantörerna och regionens "
        "politiska ledning?"
    )
    ended = []
    for count in range(1, 9):
        program = write(f"""
            program: {{title: P}}
            modules:
              - number: 1
                title: M
                agenda:
                  - time: "10:30"
                    item: Uppgiften
                    kind: group_reflection
                    questions: {[question] * count}
                    bring_back: {question}
            participants: [{{id: a, name: Anna, group: 1}}]
        """)
        path = write_deck(load_program(program), 1, tmp_path / f"out-{count}")
        for slide in Presentation(str(path)).slides:
            if slide.shapes.title and slide.shapes.title.text.startswith("Uppgift:"):
                for shape in slide.placeholders:
                    texts = [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
                    if shape.placeholder_format.idx and texts[-1] in ("Frågor", "Tid"):
                        ended.append((count, slide.shapes.title.text, texts[-1]))
    assert not ended


def test_the_participants_slides_share_one_text_size(tmp_path: Path, write: Write) -> None:
    """A short pair at 24 pt between longer pairs at 22 pt made the size jump from slide to
    slide: the size most pairs fit at is every pair's that fits it."""
    long = "Sex år som processledare i textilbranschen med ansvar för nätverk och pengar. " * 5
    people = "".join(
        f"  - {{id: p{n}, name: P{n}, role: R, experience: {long if n > 1 else 'Kort'}}}\n"
        for n in range(6)
    )
    program = write(
        "program: {title: P}\nmodules: [{number: 1, title: M}]\nparticipants:\n" + people
    )
    path = write_deck(load_program(program), 1, tmp_path / "out")
    sizes = [
        {
            run.font.size.pt
            for shape in slide.placeholders
            if shape.placeholder_format.idx
            for paragraph in shape.text_frame.paragraphs
            for run in paragraph.runs
            if run.font.size
        }
        for slide in Presentation(str(path)).slides
        if slide.shapes.title and slide.shapes.title.text.startswith("Deltagarna")
    ]
    sizes = [s for s in sizes if s]  # not the section slide
    assert len(sizes) == 3 and len(set().union(*sizes)) == 1, sizes
