"""The initiative file: what a cluster initiative knows about itself (input-format.md).

Derived values (quadrants, risk scores, budget totals and shares) are computed here and nowhere
else, so every document and command agrees on them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Literal

from klusterdocs.model.base import Constraint, Strict, field
from klusterdocs.model.types import (
    Amounts,
    Count,
    Currency,
    FormatVersion,
    Id,
    Measure,
    MonthOrDate,
    Score,
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
DocumentStatus = Literal["draft", "adopted"]
Decision = Literal["go", "go_with_conditions", "not_yet"]
Percent = Annotated[float, Constraint(ge=0, le=100, description="Procent, 0–100")]
CostCategory = Literal["personnel", "services", "travel", "events", "premises", "other"]

HIGH_SCORE = 3
"""Power and interest of 3 or more count as high in the power/interest grid."""


class Person(Strict):
    name: Text = field(description="Namn")
    title: Text | None = field(default=None, description="Titel, t.ex. processledare")
    organisation: Text | None = field(default=None, description="Organisation")
    email: Text | None = field(default=None, description="E-post")


class Initiative(Strict):
    name: Text = field(description="Klusterinitiativets namn")
    short_name: Text | None = field(
        default=None,
        description="Kortnamn; används som mappnamn för dokumenten (härleds ur namnet)",
    )
    region: Text = field(description="Region, t.ex. Sjuhärad, Västra Götaland")
    focus: Text = field(description="Inriktning")
    phase: Phase = field(description="Fas i Reglabs klustermodell")
    started: YearOrDate | None = field(default=None, description="Startår eller startdatum")
    approach: Literal["bottom_up", "top_down"] | None = field(
        default=None, description="Modell för klusterinitiativet: bottom up eller top down"
    )
    host: Text | None = field(default=None, description="Huvudman")
    legal_form: LegalForm | None = field(default=None, description="Organisationsform")
    website: Text | None = field(default=None, description="Webbplats")
    leader: Person | None = field(default=None, description="Klusterledare / processledare")
    background: Text | None = field(default=None, description="Bakgrund")
    starting_point: Text | None = field(
        default=None,
        description="Utgångspunkt: utvecklingspotential eller kris, kritisk massa, eldsjälar",
    )

    @property
    def slug(self) -> str:
        """Folder name for this initiative's documents: `short_name`, else derived from `name`."""
        return slugify(self.short_name or self.name)


class Benefits(Strict):
    industry: list[Text] = field(default=[], description="Nytta för företagen")
    academia: list[Text] = field(default=[], description="Nytta för akademin")
    public: list[Text] = field(default=[], description="Nytta för förvaltningen")


class FocusArea(Strict):
    id: Id
    name: Text = field(description="Insatsområdets namn")
    area: ActivityArea | None = field(default=None, description="Aktivitetsområde (Greenbook 2003)")
    description: Text | None = field(default=None, description="Beskrivning")


class Goal(Strict):
    id: Id
    text: Text = field(description="Målet, gärna SMART")
    focus_area: Id | None = field(default=None, description="Id för insatsområdet")
    indicators: list[Id] = field(
        default=[], description="Id:n för indikatorer som följer upp målet"
    )
    due: dt.date | None = field(default=None, description="När målet ska vara nått")


class Strategy(Strict):
    strategic_idea: Text | None = field(default=None, description="Strategisk idé")
    vision: Text | None = field(default=None, description="Vision")
    purpose: Text | None = field(default=None, description="Syfte")
    values: list[Text] = field(default=[], description="Gemensamma värderingar")
    benefits: Benefits | None = field(default=None, description="Nytta med samverkan per part")
    focus_areas: list[FocusArea] = field(default=[], description="Insatsområden")
    goals: list[Goal] = field(default=[], description="Mål")


class Swot(Strict):
    strengths: list[Text] = field(default=[], description="Styrkor")
    weaknesses: list[Text] = field(default=[], description="Svagheter")
    opportunities: list[Text] = field(default=[], description="Möjligheter")
    threats: list[Text] = field(default=[], description="Hot")

    @property
    def is_empty(self) -> bool:
        return not (self.strengths or self.weaknesses or self.opportunities or self.threats)


class Context(Strict):
    competence_area: Text | None = field(default=None, description="Kompetensområde")
    trends: list[Text] = field(default=[], description="Trender")
    industry: Text | None = field(default=None, description="Bransch")
    region: Text | None = field(default=None, description="Regionen")
    swot: Swot | None = field(default=None, description="SWOT-analys")
    problems: list[Text] = field(
        default=[], description="Problem (problem- och möjlighetsinventering)"
    )
    opportunities: list[Text] = field(default=[], description="Möjligheter")


class Contact(Strict):
    name: Text | None = field(default=None, description="Kontaktperson")
    email: Text | None = field(default=None, description="E-post")
    phone: Text | None = field(default=None, description="Telefon")


class Actor(Strict):
    id: Id
    name: Text = field(description="Aktörens namn")
    helix: Helix = field(description="Aktörskategori (Triple Helix och övriga)")
    role: Text | None = field(default=None, description="Roll i klustret")
    core: Literal["inner", "outer"] | None = field(
        default=None, description="Inre eller yttre kärna"
    )
    member: bool | None = field(default=None, description="Medlem i klusterinitiativet")
    power: Score | None = field(default=None, description="Inflytande 1–5")
    interest: Score | None = field(default=None, description="Intresse 1–5")
    attitude: Attitude | None = field(default=None, description="Inställning till initiativet")
    expectations: Text | None = field(default=None, description="Krav och förväntningar")
    contribution: Text | None = field(default=None, description="Bidrag / resurser")
    engagement: Text | None = field(default=None, description="Hur vi involverar och kommunicerar")
    owner: Text | None = field(default=None, description="Ansvarig för relationen")
    contact: Contact | None = field(default=None, description="Kontaktperson")

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
    value: Measure = field(description="Värde vid nollpunkten")
    date: dt.date | None = field(default=None, description="Datum för nollpunktsmätningen")
    source: Text | None = field(default=None, description="Källa")


class Target(Strict):
    year: Year = field(description="År")
    value: Measure = field(description="Målvärde")


class Actual(Strict):
    date: dt.date = field(description="Mätdatum")
    value: Measure = field(description="Uppmätt värde")


class Indicator(Strict):
    id: Id
    name: Text = field(description="Indikatorns namn")
    type: Literal["activity", "result", "effect"] | None = field(
        default=None, description="Aktivitets-, resultat- eller effektindikator"
    )
    unit: Text | None = field(default=None, description="Enhet, t.ex. st eller %")
    baseline: Baseline | None = field(default=None, description="Nollpunkt")
    targets: list[Target] = field(default=[], description="Målvärden per år")
    actuals: list[Actual] = field(default=[], description="Uppmätta värden")

    @property
    def latest_actual(self) -> Actual | None:
        return max(self.actuals, key=lambda a: a.date) if self.actuals else None

    @property
    def final_target(self) -> Target | None:
        return max(self.targets, key=lambda t: t.year) if self.targets else None


class Activity(Strict):
    id: Id
    title: Text = field(description="Aktivitet")
    focus_area: Id | None = field(default=None, description="Id för insatsområdet")
    goals: list[Id] = field(default=[], description="Id:n för målen aktiviteten bidrar till")
    responsible: Text | None = field(default=None, description="Ansvarig")
    partners: list[Id] = field(default=[], description="Id:n för aktörer som deltar")
    start: MonthOrDate | None = field(default=None, description="Start (månad eller datum)")
    end: MonthOrDate | None = field(default=None, description="Slut (månad eller datum)")
    budget: Amounts = field(default={}, description="Budget per år")
    status: Literal["planned", "ongoing", "done", "cancelled"] | None = field(
        default=None, description="Status"
    )
    rag: Literal["green", "yellow", "red"] | None = field(
        default=None, description="Trafikljus: grön, gul eller röd"
    )
    low_hanging_fruit: bool | None = field(
        default=None, description="Lågt hängande frukt (snabb vinst)"
    )
    deliverable: Text | None = field(default=None, description="Leverans / resultat")

    @property
    def total_budget(self) -> float:
        return sum(self.budget.values())


class Member(Strict):
    name: Text = field(description="Namn")
    organisation: Text | None = field(default=None, description="Organisation")
    role: Text | None = field(default=None, description="Roll")


class WorkingGroup(Strict):
    name: Text = field(description="Arbetsgruppens namn")
    lead: Text | None = field(default=None, description="Sammankallande")
    members: list[Text] = field(default=[], description="Deltagare")


class Organisation(Strict):
    process_group: list[Member] = field(default=[], description="Processledningsgrupp")
    board: list[Member] = field(default=[], description="Styrelse / styrgrupp")
    working_groups: list[WorkingGroup] = field(default=[], description="Arbetsgrupper")


class Income(Strict):
    source: Text = field(description="Finansiär / källa")
    kind: IncomeKind = field(description="Offentlig, privat eller in natura")
    status: Literal["applied", "granted", "expected"] | None = field(
        default=None, description="Sökt, beviljad eller förväntad"
    )
    amounts: Amounts = field(default={}, description="Belopp per år")
    cash: bool | None = field(
        default=None,
        description="Kontanta medel (true) eller in natura (false); standard: allt utom in natura",
    )

    @property
    def is_cash(self) -> bool:
        """Whether the source pays in money: as the file says, else all but `in_kind`."""
        return self.cash if self.cash is not None else self.kind != "in_kind"


class Cost(Strict):
    item: Text = field(description="Kostnadspost")
    category: CostCategory = field(description="Kostnadsslag")
    amounts: Amounts = field(default={}, description="Belopp per år")


class Budget(Strict):
    currency: Currency = field(default="SEK", description="Valuta (ISO 4217), standard SEK")
    income: list[Income] = field(default=[], description="Intäkter / finansiering")
    costs: list[Cost] = field(default=[], description="Kostnader")
    cofinancing_limit: Percent | None = field(
        default=None,
        description="Högsta tillåtna offentliga andel av finansieringen, i procent",
    )

    @property
    def public_share(self) -> float | None:
        """The public share (0–1) of all income, in money and in kind; None without income."""
        return self.shares_by_kind["public"] if self.total_income else None

    @property
    def cofinancing_exceeded(self) -> bool:
        """Whether the public share is above `cofinancing_limit` (never without a limit)."""
        share = self.public_share
        limit = self.cofinancing_limit
        return limit is not None and share is not None and share * 100 > limit + 1e-9

    @property
    def cash_total(self) -> float:
        return sum(sum(r.amounts.values()) for r in self.income if r.is_cash)

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
        return _to_cent(sum(self.income_by_year.values()))

    @property
    def total_costs(self) -> float:
        return _to_cent(sum(self.costs_by_year.values()))

    @property
    def balance(self) -> float:
        """Income minus costs over all years; negative is a deficit."""
        return _to_cent(self.total_income - self.total_costs)

    @property
    def balance_by_year(self) -> dict[int, float]:
        income, costs = self.income_by_year, self.costs_by_year
        return {y: _to_cent(income.get(y, 0) - costs.get(y, 0)) for y in self.years}

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
    return {year: _to_cent(total) for year, total in sorted(totals.items())}


def _to_cent(amount: float) -> float:
    """A sum as money counts it: added as floats, 0.1 + 0.2 - 0.3 is not quite 0, and a
    balance of 5.6e-17 is no surplus."""
    return round(amount, 2) + 0.0  # + 0.0: no "-0"


class Risk(Strict):
    id: Id
    text: Text = field(description="Risken")
    cause: RiskCause | None = field(
        default=None, description="Orsak (jfr varför klusterinitiativ misslyckas)"
    )
    probability: Score | None = field(default=None, description="Sannolikhet 1–5")
    impact: Score | None = field(default=None, description="Konsekvens 1–5")
    mitigation: Text | None = field(default=None, description="Åtgärd")
    owner: Text | None = field(default=None, description="Ansvarig")

    @property
    def score(self) -> int | None:
        """Probability × impact (1–25), when both are given."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact


class ChecklistOverride(Strict):
    done: bool = field(description="Klar (true) eller inte (false)")
    comment: Text | None = field(default=None, description="Kommentar")


class Period(Strict):
    start: YearOrDate = field(description="Start: år, månad eller datum")
    end: YearOrDate = field(description="Slut: år, månad eller datum")


class DocumentInfo(Strict):
    version: Text | None = field(default=None, description="Dokumentversion, t.ex. 1.0")
    date: dt.date | None = field(
        default=None, description="Dokumentens datum (standard: dagens datum)"
    )
    author: Text | None = field(default=None, description="Upprättad av (standard: klusterledaren)")
    status: DocumentStatus | None = field(
        default=None, description="Utkast (draft) eller fastställd (adopted)"
    )
    adopted_by: Text | None = field(default=None, description="Fastställd av, t.ex. Styrelsen")
    adopted_on: dt.date | None = field(default=None, description="Fastställd den")
    period: Period | None = field(default=None, description="Planperiod, t.ex. 2013–2015")
    logo: Text | None = field(
        default=None,
        description="Logotyp (PNG, JPEG eller SVG), sökväg relativt initiativfilen",
    )


class ImpactLogic(Strict):
    id: Id
    need: Text | None = field(default=None, description="Behov eller problem som insatsen möter")
    activities: list[Id] = field(default=[], description="Id:n för aktiviteter")
    outputs: list[Text] = field(default=[], description="Resultat: det som levereras")
    outcomes: list[Text] = field(default=[], description="Kortsiktiga effekter")
    impact: Text | None = field(default=None, description="Långsiktig effekt")
    indicators: list[Id] = field(default=[], description="Id:n för indikatorer som mäter det")


class Milestone(Strict):
    id: Id
    title: Text = field(description="Milstolpe")
    date: MonthOrDate = field(description="När (månad eller datum)")
    activity: Id | None = field(default=None, description="Id för aktiviteten den hör till")


class Staff(Strict):
    name: Text = field(description="Namn")
    role: Text | None = field(default=None, description="Roll, t.ex. klusterledare")
    share: Percent | None = field(default=None, description="Andel av heltid, i procent")


class Communication(Strict):
    audience: Text = field(description="Målgrupp")
    message: Text | None = field(default=None, description="Budskap")
    channel: Text | None = field(default=None, description="Kanal")
    frequency: Text | None = field(default=None, description="Hur ofta")
    owner: Text | None = field(default=None, description="Ansvarig")


class Horizontal(Strict):
    gender_equality: Text | None = field(default=None, description="Jämställdhet")
    sustainability: Text | None = field(default=None, description="Hållbar utveckling")
    diversity: Text | None = field(default=None, description="Mångfald")


class RegionalStrategy(Strict):
    name: Text = field(description="Den regionala utvecklingsstrategin")
    priorities: list[Text] = field(
        default=[], description="Prioriteringar i strategin som initiativet bidrar till"
    )


class Reporting(Strict):
    to: Text = field(description="Till vem")
    what: Text | None = field(default=None, description="Vad som rapporteras")
    when: Text | None = field(default=None, description="När")


class Evaluation(Strict):
    reporting: list[Reporting] = field(default=[], description="Rapportering till finansiärer")
    evaluator: Text | None = field(default=None, description="Utvärderare")


class Membership(Strict):
    members: Count | None = field(default=None, description="Antal medlemmar")
    fee_model: Text | None = field(default=None, description="Avgiftsmodell")


class PrestudyBudget(Strict):
    amounts: Amounts = field(default={}, description="Förstudiens budget per år")
    funder: Text | None = field(default=None, description="Finansiär av förstudien")

    @property
    def total(self) -> float:
        return sum(self.amounts.values())


class Prestudy(Strict):
    period: Period | None = field(default=None, description="Förstudiens period")
    owner: Text | None = field(default=None, description="Vem som genomför förstudien")
    funder: Text | None = field(default=None, description="Finansiär")
    method: Text | None = field(default=None, description="Metod: intervjuer, workshops, enkäter")
    firms_asked: Count | None = field(default=None, description="Antal tillfrågade företag")
    needs: list[Text] = field(default=[], description="Företagens behov")
    budget: PrestudyBudget | None = field(default=None, description="Förstudiens budget")
    decision: Decision | None = field(
        default=None,
        description="Slutsats: go, go_with_conditions eller not_yet (annars härledd)",
    )

    @property
    def is_empty(self) -> bool:
        return self == Prestudy()


class InitiativeFile(Strict):
    klusterdocs: FormatVersion = 1
    language: Language = field(default="sv", description="Dokumentens språk: sv eller en")
    initiative: Initiative = field(description="Klusterinitiativet")
    strategy: Strategy = field(default=Strategy(), description="Vision, mål och strategi")
    context: Context = field(
        default=Context(), description="Omvärldsanalys och problem- och möjlighetsinventering"
    )
    actors: list[Actor] = field(default=[], description="Aktörer och intressenter")
    indicators: list[Indicator] = field(default=[], description="Indikatorer och nollpunktsanalys")
    activities: list[Activity] = field(default=[], description="Handlingsplan")
    organisation: Organisation = field(
        default=Organisation(), description="Organisering och styrning"
    )
    budget: Budget = field(default=Budget(), description="Resurser och finansiering")
    risks: list[Risk] = field(default=[], description="Risker")
    document: DocumentInfo = field(
        default=DocumentInfo(), description="Uppgifter för dokumentens försättsblad"
    )
    impact_logic: list[ImpactLogic] = field(
        default=[], description="Effektlogik: behov, aktiviteter, resultat, effekter"
    )
    milestones: list[Milestone] = field(default=[], description="Milstolpar")
    staffing: list[Staff] = field(default=[], description="Bemanning")
    communication: list[Communication] = field(default=[], description="Kommunikationsplan")
    horizontal: Horizontal = field(
        default=Horizontal(), description="Jämställdhet, hållbar utveckling och mångfald"
    )
    regional_strategy: RegionalStrategy | None = field(
        default=None, description="Koppling till regional utvecklingsstrategi"
    )
    evaluation: Evaluation = field(
        default=Evaluation(), description="Uppföljning, rapportering och utvärdering"
    )
    membership: Membership = field(default=Membership(), description="Medlemmar och avgiftsmodell")
    prestudy: Prestudy = field(default=Prestudy(), description="Förstudien")
    checklist: dict[str, ChecklistOverride] = field(
        default={}, description="Egna bedömningar av fasens checklista, per punkt"
    )

    @property
    def has_cents(self) -> bool:
        """Whether an amount anywhere has a fractional part: its money is then shown to the
        cent, so that a column adds up to its total and a balance of 0.10 is not "0"."""
        typed = [
            *(a.budget for a in self.activities),
            *(row.amounts for row in self.budget.income),
            *(row.amounts for row in self.budget.costs),
            self.prestudy.budget.amounts if self.prestudy.budget else {},
        ]
        return any(not float(value).is_integer() for amounts in typed for value in amounts.values())

    @property
    def risks_by_score(self) -> list[Risk]:
        """Risks, highest score first; unscored last, in file order."""
        return sorted(self.risks, key=lambda r: -(r.score or 0))
