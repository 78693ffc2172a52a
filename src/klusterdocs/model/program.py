"""The program file: a training program cohort's modules, participants and reflections."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from klusterdocs.model.initiative import Language, Phase
from klusterdocs.model.types import FormatVersion, Id, Strict, Text, Year, slugify

AgendaKind = Literal["plenary", "lecture", "group_reflection", "case", "break", "homework"]


class Staff(Strict):
    name: Text = Field(description="Namn")
    role: Text | None = Field(None, description="Roll, t.ex. coach eller utvärderare")


class Program(Strict):
    title: Text = Field(description="Programmets titel")
    subtitle: Text | None = Field(None, description="Undertitel")
    organiser: Text | None = Field(None, description="Arrangör")
    year: Year | None = Field(None, description="År")
    purpose: list[Text] = Field([], description="Syfte")
    staff: list[Staff] = Field([], description="Coacher och utvärderare")
    short_name: Text | None = Field(
        None, description="Kortnamn; används som mappnamn för presentationerna"
    )

    @property
    def slug(self) -> str:
        """Folder name for the decks: `short_name`, else title and year."""
        if self.short_name:
            return slugify(self.short_name)
        return slugify(f"{self.title} {self.year}" if self.year else self.title)


class Session(Strict):
    place: Text = Field(description="Ort")
    date: dt.date = Field(description="Datum")
    end_date: dt.date | None = Field(None, description="Slutdatum för flerdagarsträffar")


class AgendaItem(Strict):
    time: Text = Field(description='Klockslag, t.ex. "10:00"')
    item: Text = Field(description="Programpunkt")
    kind: AgendaKind | None = Field(None, description="Typ av programpunkt")
    lead: Text | None = Field(None, description="Vem som leder punkten")


class Module(Strict):
    number: int = Field(ge=1, le=4, description="Modulens nummer, 1–4")
    title: Text = Field(description="Modulens titel")
    phase: Phase | None = Field(None, description="Den fas i Reglabs modell som modulen fokuserar")
    sessions: list[Session] = Field([], description="Träffar: ort och datum")
    agenda: list[AgendaItem] = Field([], description="Dagordning")
    homework: list[Text] = Field([], description="Hemuppgift till nästa modul")


class Participant(Strict):
    id: Id
    name: Text = Field(description="Namn")
    role: Text | None = Field(None, description="Roll")
    organisation: Text | None = Field(None, description="Organisation")
    initiative: Text | None = Field(
        None, description="Sökväg till deltagarens initiativfil, relativt programfilen"
    )
    group: int | None = Field(None, ge=1, description="Reflektionsgrupp")
    experience: Text | None = Field(None, description="Erfarenhet av att leda samverkansprocesser")
    expectations: Text | None = Field(None, description="Förväntningar på programmet")


class Reflection(Strict):
    module: int = Field(ge=1, le=4, description="Modulens nummer")
    group: int | None = Field(None, ge=1, description="Grupp")
    topic: Text = Field(description="Ämne")
    notes: list[Text] = Field([], description="Anteckningar")


class Commitment(Strict):
    module: int = Field(ge=1, le=4, description="Modulen där åtagandet gjordes")
    participant: Id = Field(description="Deltagarens id")
    text: Text = Field(description="Vad deltagaren ska göra till nästa gång")


class ProgramFile(Strict):
    klusterdocs: FormatVersion = 1
    language: Language = Field("sv", description="Presentationernas språk: sv eller en")
    program: Program = Field(description="Programmet")
    modules: list[Module] = Field(min_length=1, max_length=4, description="Moduler, 1–4")
    participants: list[Participant] = Field([], description="Deltagare")
    reflections: list[Reflection] = Field([], description="Anteckningar från gruppreflektioner")
    commitments: list[Commitment] = Field([], description="Åtaganden till nästa gång")

    def module(self, number: int) -> Module | None:
        return next((m for m in self.modules if m.number == number), None)
