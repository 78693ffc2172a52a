"""The program file: a training program cohort's modules, participants and reflections."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from klusterdocs.model.base import Strict, field
from klusterdocs.model.initiative import Language, Phase
from klusterdocs.model.types import FormatVersion, Id, Text, TimeOfDay, Year, slugify

AgendaKind = Literal["plenary", "lecture", "group_reflection", "case", "break", "homework"]
SlidesMode = Literal["replace", "extend"]
CommitmentStatus = Literal["done", "ongoing", "not_started"]
PROGRAM_MODULES = 4  # a program's modules are numbered 1 to 4


class Staff(Strict):
    name: Text = field(description="Namn")
    role: Text | None = field(default=None, description="Roll, t.ex. coach eller utvärderare")


class Program(Strict):
    title: Text = field(description="Programmets titel")
    subtitle: Text | None = field(default=None, description="Undertitel")
    organiser: Text | None = field(default=None, description="Arrangör")
    year: Year | None = field(default=None, description="År")
    purpose: list[Text] = field(default=[], description="Syfte")
    staff: list[Staff] = field(default=[], description="Coacher och utvärderare")
    short_name: Text | None = field(
        default=None, description="Kortnamn; används som mappnamn för presentationerna"
    )

    @property
    def slug(self) -> str:
        """Folder name for the decks: `short_name`, else title and year."""
        if self.short_name:
            return slugify(self.short_name)
        return slugify(f"{self.title} {self.year}" if self.year else self.title)


class Session(Strict):
    place: Text = field(description="Ort")
    date: dt.date = field(description="Datum")
    end_date: dt.date | None = field(default=None, description="Slutdatum för flerdagarsträffar")


class ContentSlide(Strict):
    """A slide of an agenda item's own content, written in the program file."""

    title: Text = field(description="Bildens rubrik")
    bullets: list[Text] = field(default=[], description="Punkter på bilden")
    notes: Text | None = field(default=None, description="Talarmanus: vad coachen säger")
    source: Text | None = field(default=None, description="Källa, visas längst ned på bilden")


class AgendaItem(Strict):
    time: TimeOfDay = field(description='Klockslag, t.ex. "10:00"')
    item: Text = field(description="Programpunkt")
    kind: AgendaKind | None = field(default=None, description="Typ av programpunkt")
    lead: Text | None = field(default=None, description="Vem som leder punkten")
    questions: list[Text] = field(
        default=[],
        description="Frågorna på övningsbilden (annars den inbyggda modulens)",
    )
    bring_back: Text | None = field(
        default=None, description="Vad grupperna tar med tillbaka till plenum"
    )
    slides: list[ContentSlide] = field(
        default=[], description="Programpunktens egna innehållsbilder"
    )


class Module(Strict):
    number: int = field(ge=1, le=PROGRAM_MODULES, description="Modulens nummer, 1–4")
    title: Text = field(description="Modulens titel")
    phase: Phase | None = field(
        default=None, description="Den fas i Reglabs modell som modulen fokuserar"
    )
    sessions: list[Session] = field(default=[], description="Träffar: ort och datum")
    agenda: list[AgendaItem] = field(default=[], description="Dagordning")
    homework: list[Text] = field(default=[], description="Hemuppgift till nästa modul")
    slides: SlidesMode | None = field(
        default=None,
        description=(
            "Hur programpunkternas egna bilder förhåller sig till modulens inbyggda innehåll:"
            " replace (ersätter det) eller extend (läggs till; standard)"
        ),
    )


class Participant(Strict):
    id: Id
    name: Text = field(description="Namn")
    role: Text | None = field(default=None, description="Roll")
    organisation: Text | None = field(default=None, description="Organisation")
    initiative: Text | None = field(
        default=None, description="Sökväg till deltagarens initiativfil, relativt programfilen"
    )
    group: int | None = field(default=None, ge=1, description="Reflektionsgrupp")
    experience: Text | None = field(
        default=None, description="Erfarenhet av att leda samverkansprocesser"
    )
    expectations: Text | None = field(default=None, description="Förväntningar på programmet")
    phase: Phase | None = field(
        default=None,
        description="Initiativets fas i Reglabs modell, när ingen initiativfil är länkad",
    )


class Reflection(Strict):
    module: int = field(ge=1, le=PROGRAM_MODULES, description="Modulens nummer")
    group: int | None = field(default=None, ge=1, description="Grupp")
    topic: Text = field(description="Ämne")
    notes: list[Text] = field(default=[], description="Anteckningar")


class Commitment(Strict):
    module: int = field(ge=1, le=PROGRAM_MODULES, description="Modulen där åtagandet gjordes")
    participant: Id = field(description="Deltagarens id")
    text: Text = field(description="Vad deltagaren ska göra till nästa gång")
    status: CommitmentStatus | None = field(
        default=None, description="Hur det har gått: done, ongoing eller not_started"
    )


class ProgramFile(Strict):
    klusterdocs: FormatVersion = 1
    language: Language = field(default="sv", description="Presentationernas språk: sv eller en")
    program: Program = field(description="Programmet")
    modules: list[Module] = field(min_length=1, max_length=4, description="Moduler, 1–4")
    participants: list[Participant] = field(default=[], description="Deltagare")
    reflections: list[Reflection] = field(
        default=[], description="Anteckningar från gruppreflektioner"
    )
    commitments: list[Commitment] = field(default=[], description="Åtaganden till nästa gång")

    def module(self, number: int) -> Module | None:
        return next((m for m in self.modules if m.number == number), None)

    def next_module(self, number: int) -> Module | None:
        """The module after module `number` (a program may skip a number: 1, 2, 4)."""
        later = [m for m in self.modules if m.number > number]
        return min(later, key=lambda m: m.number) if later else None

    def is_last(self, number: int) -> bool:
        """Whether module `number` ends the program: the fourth, not merely the last in the
        file (a file filled in as the course goes lists what is planned so far)."""
        return number == PROGRAM_MODULES

    def previous_module(self, number: int) -> Module | None:
        """The module before module `number`."""
        earlier = [m for m in self.modules if m.number < number]
        return max(earlier, key=lambda m: m.number) if earlier else None
