"""The initiative file: what a cluster initiative knows about itself (input-format.md).

Derived values (quadrants, risk scores, budget totals and shares) are computed here and nowhere
else, so every document and command agrees on them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from klusterdocs.model.types import (
    Amounts,
    FormatVersion,
    Id,
    MonthOrDate,
    Score,
    Strict,
    Text,
    Year,
    YearOrDate,
    slugify,
)

Language = Literal["sv", "en"]
Phase = Literal["initiering", "mobilisering", "formering", "organisering"]
PHASES: tuple[Phase, ...] = ("initiering", "mobilisering", "formering", "organisering")
Helix = Literal[
    "industry", "academia", "public", "finance", "organisation", "media", "civil_society"
]
Attitude = Literal["champion", "supporter", "neutral", "sceptic", "opponent"]
LegalForm = Literal["projekt", "ideell_forening", "ekonomisk_forening", "ab", "other"]
Quadrant = Literal["manage_closely", "keep_satisfied", "keep_informed", "monitor"]
ActivityArea = Literal[
    "research_networking",
    "policy_action",
    "commercial_cooperation",
    "education_training",
    "innovation_technology",
    "cluster_expansion",
]
RiskCause = Literal[
    "consensus",
    "regional_context",
    "network",
    "resources",
    "branding",
    "vision",
    "trust",
    "decision_makers",
    "key_person",
    "other",
]
IncomeKind = Literal["public", "private", "in_kind"]
CostCategory = Literal["personnel", "services", "travel", "events", "premises", "other"]

HIGH_SCORE = 3
"""Power and interest of 3 or more count as high in the power/interest grid."""


class Person(Strict):
    name: Text = Field(description="Namn")
    title: Text | None = Field(None, description="Titel, t.ex. processledare")
    organisation: Text | None = Field(None, description="Organisation")
    email: Text | None = Field(None, description="E-post")


class Initiative(Strict):
    name: Text = Field(description="Klusterinitiativets namn")
    short_name: Text | None = Field(
        None, description="Kortnamn; används som mappnamn för dokumenten (härleds ur namnet)"
    )
    region: Text = Field(description="Region, t.ex. Sjuhärad, Västra Götaland")
    focus: Text = Field(description="Inriktning")
    phase: Phase = Field(description="Fas i Reglabs klustermodell")
    started: YearOrDate | None = Field(None, description="Startår eller startdatum")
    approach: Literal["bottom_up", "top_down"] | None = Field(
        None, description="Modell för klusterinitiativet: bottom up eller top down"
    )
    host: Text | None = Field(None, description="Huvudman")
    legal_form: LegalForm | None = Field(None, description="Organisationsform")
    website: Text | None = Field(None, description="Webbplats")
    leader: Person | None = Field(None, description="Klusterledare / processledare")
    background: Text | None = Field(None, description="Bakgrund")
    starting_point: Text | None = Field(
        None, description="Utgångspunkt: utvecklingspotential eller kris, kritisk massa, eldsjälar"
    )

    @property
    def slug(self) -> str:
        """Folder name for this initiative's documents: `short_name`, else derived from `name`."""
        return slugify(self.short_name or self.name)


class Benefits(Strict):
    industry: list[Text] = Field([], description="Nytta för företagen")
    academia: list[Text] = Field([], description="Nytta för akademin")
    public: list[Text] = Field([], description="Nytta för förvaltningen")


class FocusArea(Strict):
    id: Id
    name: Text = Field(description="Insatsområdets namn")
    area: ActivityArea | None = Field(None, description="Aktivitetsområde (Greenbook 2003)")
    description: Text | None = Field(None, description="Beskrivning")


class Goal(Strict):
    id: Id
    text: Text = Field(description="Målet, gärna SMART")
    focus_area: Id | None = Field(None, description="Id för insatsområdet")
    indicators: list[Id] = Field([], description="Id:n för indikatorer som följer upp målet")
    due: dt.date | None = Field(None, description="När målet ska vara nått")


class Strategy(Strict):
    strategic_idea: Text | None = Field(None, description="Strategisk idé")
    vision: Text | None = Field(None, description="Vision")
    purpose: Text | None = Field(None, description="Syfte")
    values: list[Text] = Field([], description="Gemensamma värderingar")
    benefits: Benefits | None = Field(None, description="Nytta med samverkan per part")
    focus_areas: list[FocusArea] = Field([], description="Insatsområden")
    goals: list[Goal] = Field([], description="Mål")


class Swot(Strict):
    strengths: list[Text] = Field([], description="Styrkor")
    weaknesses: list[Text] = Field([], description="Svagheter")
    opportunities: list[Text] = Field([], description="Möjligheter")
    threats: list[Text] = Field([], description="Hot")

    @property
    def is_empty(self) -> bool:
        return not (self.strengths or self.weaknesses or self.opportunities or self.threats)


class Context(Strict):
    competence_area: Text | None = Field(None, description="Kompetensområde")
    trends: list[Text] = Field([], description="Trender")
    industry: Text | None = Field(None, description="Bransch")
    region: Text | None = Field(None, description="Regionen")
    swot: Swot | None = Field(None, description="SWOT-analys")
    problems: list[Text] = Field([], description="Problem (problem- och möjlighetsinventering)")
    opportunities: list[Text] = Field([], description="Möjligheter")


class Contact(Strict):
    name: Text | None = Field(None, description="Kontaktperson")
    email: Text | None = Field(None, description="E-post")
    phone: Text | None = Field(None, description="Telefon")


class Actor(Strict):
    id: Id
    name: Text = Field(description="Aktörens namn")
    helix: Helix = Field(description="Aktörskategori (Triple Helix och övriga)")
    role: Text | None = Field(None, description="Roll i klustret")
    core: Literal["inner", "outer"] | None = Field(None, description="Inre eller yttre kärna")
    member: bool | None = Field(None, description="Medlem i klusterinitiativet")
    power: Score | None = Field(None, description="Inflytande 1–5")
    interest: Score | None = Field(None, description="Intresse 1–5")
    attitude: Attitude | None = Field(None, description="Inställning till initiativet")
    expectations: Text | None = Field(None, description="Krav och förväntningar")
    contribution: Text | None = Field(None, description="Bidrag / resurser")
    engagement: Text | None = Field(None, description="Hur vi involverar och kommunicerar")
    owner: Text | None = Field(None, description="Ansvarig för relationen")
    contact: Contact | None = Field(None, description="Kontaktperson")

    @property
    def quadrant(self) -> Quadrant | None:
        """Where the actor stands in the power/interest grid (Mendelow), if both are scored."""
        if self.power is None or self.interest is None:
            return None
        high_power, high_interest = self.power >= HIGH_SCORE, self.interest >= HIGH_SCORE
        if high_power:
            return "manage_closely" if high_interest else "keep_satisfied"
        return "keep_informed" if high_interest else "monitor"


class Baseline(Strict):
    value: float = Field(description="Värde vid nollpunkten")
    date: dt.date | None = Field(None, description="Datum för nollpunktsmätningen")
    source: Text | None = Field(None, description="Källa")


class Target(Strict):
    year: Year = Field(description="År")
    value: float = Field(description="Målvärde")


class Actual(Strict):
    date: dt.date = Field(description="Mätdatum")
    value: float = Field(description="Uppmätt värde")


class Indicator(Strict):
    id: Id
    name: Text = Field(description="Indikatorns namn")
    type: Literal["activity", "result", "effect"] | None = Field(
        None, description="Aktivitets-, resultat- eller effektindikator"
    )
    unit: Text | None = Field(None, description="Enhet, t.ex. st eller %")
    baseline: Baseline | None = Field(None, description="Nollpunkt")
    targets: list[Target] = Field([], description="Målvärden per år")
    actuals: list[Actual] = Field([], description="Uppmätta värden")

    @property
    def latest_actual(self) -> Actual | None:
        return max(self.actuals, key=lambda a: a.date) if self.actuals else None

    @property
    def final_target(self) -> Target | None:
        return max(self.targets, key=lambda t: t.year) if self.targets else None


class Activity(Strict):
    id: Id
    title: Text = Field(description="Aktivitet")
    focus_area: Id | None = Field(None, description="Id för insatsområdet")
    goals: list[Id] = Field([], description="Id:n för målen aktiviteten bidrar till")
    responsible: Text | None = Field(None, description="Ansvarig")
    partners: list[Id] = Field([], description="Id:n för aktörer som deltar")
    start: MonthOrDate | None = Field(None, description="Start (månad eller datum)")
    end: MonthOrDate | None = Field(None, description="Slut (månad eller datum)")
    budget: Amounts = Field({}, description="Budget per år")
    status: Literal["planned", "ongoing", "done", "cancelled"] | None = Field(
        None, description="Status"
    )
    rag: Literal["green", "yellow", "red"] | None = Field(
        None, description="Trafikljus: grön, gul eller röd"
    )
    low_hanging_fruit: bool | None = Field(None, description="Lågt hängande frukt (snabb vinst)")
    deliverable: Text | None = Field(None, description="Leverans / resultat")

    @property
    def total_budget(self) -> float:
        return sum(self.budget.values())


class Member(Strict):
    name: Text = Field(description="Namn")
    organisation: Text | None = Field(None, description="Organisation")
    role: Text | None = Field(None, description="Roll")


class WorkingGroup(Strict):
    name: Text = Field(description="Arbetsgruppens namn")
    lead: Text | None = Field(None, description="Sammankallande")
    members: list[Text] = Field([], description="Deltagare")


class Organisation(Strict):
    process_group: list[Member] = Field([], description="Processledningsgrupp")
    board: list[Member] = Field([], description="Styrelse / styrgrupp")
    working_groups: list[WorkingGroup] = Field([], description="Arbetsgrupper")


class Income(Strict):
    source: Text = Field(description="Finansiär / källa")
    kind: IncomeKind = Field(description="Offentlig, privat eller in natura")
    status: Literal["applied", "granted", "expected"] | None = Field(
        None, description="Sökt, beviljad eller förväntad"
    )
    amounts: Amounts = Field({}, description="Belopp per år")


class Cost(Strict):
    item: Text = Field(description="Kostnadspost")
    category: CostCategory = Field(description="Kostnadsslag")
    amounts: Amounts = Field({}, description="Belopp per år")


class Budget(Strict):
    currency: Text = Field("SEK", description="Valuta (ISO 4217), standard SEK")
    income: list[Income] = Field([], description="Intäkter / finansiering")
    costs: list[Cost] = Field([], description="Kostnader")

    @property
    def years(self) -> list[int]:
        """Every year that has an amount, in order."""
        rows: list[Income | Cost] = [*self.income, *self.costs]
        found = {y for row in rows for y in row.amounts}
        return sorted(found)

    @property
    def income_by_year(self) -> dict[int, float]:
        return _sum_by_year(row.amounts for row in self.income)

    @property
    def costs_by_year(self) -> dict[int, float]:
        return _sum_by_year(row.amounts for row in self.costs)

    @property
    def total_income(self) -> float:
        return sum(self.income_by_year.values())

    @property
    def total_costs(self) -> float:
        return sum(self.costs_by_year.values())

    @property
    def balance(self) -> float:
        """Income minus costs over all years; negative is a deficit."""
        return self.total_income - self.total_costs

    @property
    def balance_by_year(self) -> dict[int, float]:
        income, costs = self.income_by_year, self.costs_by_year
        return {y: income.get(y, 0) - costs.get(y, 0) for y in self.years}

    @property
    def income_by_kind(self) -> dict[IncomeKind, float]:
        totals: dict[IncomeKind, float] = {"public": 0, "private": 0, "in_kind": 0}
        for row in self.income:
            totals[row.kind] += sum(row.amounts.values())
        return totals

    @property
    def shares_by_kind(self) -> dict[IncomeKind, float]:
        """Each kind's share (0–1) of total income; all zero when there is no income."""
        total = self.total_income
        return {k: (v / total if total else 0.0) for k, v in self.income_by_kind.items()}

    @property
    def costs_by_category(self) -> dict[CostCategory, float]:
        totals: dict[CostCategory, float] = defaultdict(float)
        for row in self.costs:
            totals[row.category] += sum(row.amounts.values())
        return dict(totals)


def _sum_by_year(rows: Iterable[dict[int, float]]) -> dict[int, float]:
    totals: dict[int, float] = defaultdict(float)
    for amounts in rows:
        for year, value in amounts.items():
            totals[year] += value
    return dict(sorted(totals.items()))


class Risk(Strict):
    id: Id
    text: Text = Field(description="Risken")
    cause: RiskCause | None = Field(
        None, description="Orsak (jfr varför klusterinitiativ misslyckas)"
    )
    probability: Score | None = Field(None, description="Sannolikhet 1–5")
    impact: Score | None = Field(None, description="Konsekvens 1–5")
    mitigation: Text | None = Field(None, description="Åtgärd")
    owner: Text | None = Field(None, description="Ansvarig")

    @property
    def score(self) -> int | None:
        """Probability × impact (1–25), when both are given."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact


class ChecklistOverride(Strict):
    done: bool = Field(description="Klar (true) eller inte (false)")
    comment: Text | None = Field(None, description="Kommentar")


class DocumentInfo(Strict):
    version: Text | None = Field(None, description="Dokumentversion, t.ex. 1.0")
    date: dt.date | None = Field(None, description="Dokumentens datum (standard: dagens datum)")
    author: Text | None = Field(None, description="Upprättad av (standard: klusterledaren)")


class InitiativeFile(Strict):
    klusterdocs: FormatVersion = 1
    language: Language = Field("sv", description="Dokumentens språk: sv eller en")
    initiative: Initiative = Field(description="Klusterinitiativet")
    strategy: Strategy = Field(Strategy(), description="Vision, mål och strategi")
    context: Context = Field(
        Context(), description="Omvärldsanalys och problem- och möjlighetsinventering"
    )
    actors: list[Actor] = Field([], description="Aktörer och intressenter")
    indicators: list[Indicator] = Field([], description="Indikatorer och nollpunktsanalys")
    activities: list[Activity] = Field([], description="Handlingsplan")
    organisation: Organisation = Field(Organisation(), description="Organisering och styrning")
    budget: Budget = Field(Budget(), description="Resurser och finansiering")
    risks: list[Risk] = Field([], description="Risker")
    document: DocumentInfo = Field(
        DocumentInfo(), description="Uppgifter för dokumentens försättsblad"
    )
    checklist: dict[str, ChecklistOverride] = Field(
        {}, description="Egna bedömningar av fasens checklista, per punkt"
    )

    @property
    def risks_by_score(self) -> list[Risk]:
        """Risks, highest score first; unscored last, in file order."""
        return sorted(self.risks, key=lambda r: -(r.score or 0))
