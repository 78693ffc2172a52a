"""The context the Word templates see for one initiative: plain data, labelled and formatted.

Templates never see the model or the YAML: every value here is text ready to print (cleaned of
control characters, numbers and dates in the document's language), a list of such values, a
flag, or a chart (render/charts.py's spec, placed with `|chart`; None without data). A missing
text is "" and a missing list is [], so a template's `{% if %}` decides what to say instead.
No key is named like a dict method (`items`, `values`, `keys`): Jinja would find the method
first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from klusterdocs import __version__
from klusterdocs.context.format import Formatter, abbreviated, clean_text, stopped_once
from klusterdocs.errors import RenderError, display_path
from klusterdocs.i18n import enum_label, join, labels, say
from klusterdocs.model.initiative import (
    HIGH_SCORE,
    Actor,
    Budget,
    InitiativeFile,
    Person,
)
from klusterdocs.model.types import FlexDate
from klusterdocs.phases import GROUPS, ItemStatus, assess, group_names, next_phase, phases
from klusterdocs.render.charts import ChartSpec, DateAxis, LabelPosition, Series
from klusterdocs.render.pictures import Picture, PictureError, read_picture

YEARS_PER_TABLE = 4
"""A budget table shows at most this many years; more make another table below it."""
QUADRANT_ORDER = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")
HELIX_ORDER = (
    "industry",
    "academia",
    "public",
    "finance",
    "organisation",
    "media",
    "civil_society",
)
# Fill colours of table cells that carry a status (hex RGB, as Word's w:shd wants them).
RAG_COLOURS = {"green": "C6E7C1", "yellow": "FCE8A6", "red": "F4C2BD", "": "FFFFFF"}
STATUS_COLOURS = {"done": "C6E7C1", "partial": "FCE8A6", "missing": "F4C2BD", "unknown": "E4E7EB"}
QUADRANT_COLOURS = {
    "manage_closely": "F6C9A8",
    "keep_satisfied": "FCE8A6",
    "keep_informed": "CFE3F4",
    "monitor": "E4E7EB",
}

RUNNING_TITLE_LENGTH = 60  # characters of the initiative's name in a page's header
IMPACT_CHAIN_ITEM = 80  # characters of an item in a box of the effektlogik's diagram
INCOME_KINDS = ("public", "private", "in_kind")
ATTITUDE_ORDER = ("champion", "supporter", "neutral", "sceptic", "opponent")
# A scatter's point label breaks its lines at about this many characters.
LABEL_LINE = 22
# A scatter's point names at most this many actors: a longer list covers its neighbours.
POINT_NAMES = 4
# The scatter's alt text names this many actors per quadrant, then says how many more.
ALT_NAMES = 30
# Where the labels of actors at the same place go, one series after another.
_SHARED_PLACE: tuple[LabelPosition, ...] = ("top", "right", "left", "bottom")
# The timeline: the statuses in the order of its legend, each with its fill (render/charts.py's
# _FILLS: done navy, ongoing light blue, planned hatched, cancelled grey, none white) and the
# milestones' (orange); a tick every 1, 2, 3, 6 or 12 months, the fewest that keep to at most
# MAX_TICKS steps (one label more) across a page.
TIMELINE_STATUSES: tuple[str | None, ...] = ("done", "ongoing", "planned", "cancelled", None)
TIMELINE_SHADES = {"done": 0, "ongoing": 1, "planned": 2, "cancelled": 3, None: 5, "milestone": 4}
TICK_MONTHS = (1, 2, 3, 6, 12)
MAX_TICKS = 8
TICK_LAG = 3.5  # days after a month's first that its tick is at, at the least (see _time_axis)
_SERIAL_ZERO = dt.date(1899, 12, 30)  # day 0 of a workbook's date serials
_MONTH_DAYS = 365.25 / 12


def _text(value: str | None) -> str:
    return clean_text(value) if value else ""


def _texts(values: Iterable[str]) -> list[str]:
    return [clean_text(v) for v in values if v]


def _span(years: list[int]) -> str:
    """`2012–2013`, or the single year."""
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else "".join(map(str, years))


def _risk_colour(score: int | None) -> str:
    if score is None:
        return STATUS_COLOURS["unknown"]
    return RAG_COLOURS["red" if score >= 15 else "yellow" if score >= 8 else "green"]


class _Builder:
    """Builds the context of one initiative in one language."""

    def __init__(
        self, model: InitiativeFile, lang: str, today: dt.date, folder: Path | None = None
    ) -> None:
        self.model = model
        self.folder = folder  # the initiative file's: the logo's path is relative to it
        self.lang = lang
        self.t: dict[str, Any] = _with_funder_labels(labels(lang))
        self.fmt = Formatter(lang, model.budget.currency, cents=model.has_cents)
        self.today = today
        self.actor_names = {a.id: _text(a.name) for a in model.actors}
        self.goal_texts = {g.id: _text(g.text) for g in model.strategy.goals}
        self.indicator_names = {i.id: _text(i.name) for i in model.indicators}
        self.focus_names = {f.id: _text(f.name) for f in model.strategy.focus_areas}
        self._actors: dict[int, dict[str, Any]] = {}
        self.results = assess(model)  # the phase checklist, judged once for every section

    def label(self, enum: str, value: str | None) -> str:
        return enum_label(self.lang, enum, value)

    def build(self) -> dict[str, Any]:
        m, t = self.model, self.t["documents"]
        initiative, phase = self.initiative(), self.phase()
        stakeholders, activities = self.stakeholders(), [self.activity(a) for a in m.activities]
        indicators = [self.indicator(i) for i in m.indicators]
        actors = [self.actor(a) for a in m.actors]
        doc = self.document()
        inner, outer = stakeholders["inner"], stakeholders["outer"]
        recommendation = self.recommendation()
        # not ready to move on: the next phase is where the conditions lead, not the next step
        next_phase = "next_phase_later" if recommendation["decision"] == "not_yet" else "next_phase"
        return {
            "lang": self.lang,
            "t": t,
            "doc": doc,
            "generated": t["common"]["generated"].format(
                generator=f"klusterdocs {__version__}", date=doc["date"]
            ),
            "toc_placeholder": t["common"]["contents"],
            "initiative": initiative,
            "facts": self.facts(initiative),
            "phase": phase,
            "phase_position": t["notes"]["phase_position"].format(
                number=phase["number"], name=phase["name"]
            ),
            "checklist_summary": say(
                t["notes"]["checklist_summary"],
                self.lang,
                done=phase["done_count"],
                total=phase["total_count"],
            ),
            "checklist_rows": [
                {"group": g["name"] if n == 0 else "", **item}
                for g in phase["groups"]
                for n, item in enumerate(g["entries"])
            ],
            "next_phase_text": t["notes"][next_phase].format(**phase["next"])
            if phase["next"]
            else "",
            "strategy": self.strategy(),
            "context": self.context_analysis(),
            "actors": actors,
            "expectations_given": any(
                a.expectations or a.contribution or a.engagement for a in m.actors
            ),
            "contacts": [
                a for a, model in zip(actors, m.actors, strict=True) if model.contact or model.owner
            ],
            "stakeholders": stakeholders,
            "grid_intro": t["notes"]["grid_intro"].format(high=HIGH_SCORE),
            "grid_has_actors": any(a.quadrant for a in m.actors),
            "unplaced_text": t["notes"]["unplaced"].format(
                names=", ".join(stakeholders["unplaced"])
            ),
            "core_rows": [
                {
                    "inner": inner[n]["name"] if n < len(inner) else "",
                    "outer": outer[n]["name"] if n < len(outer) else "",
                }
                for n in range(max(len(inner), len(outer)))
            ],
            "critical_mass_text": self.critical_mass(),
            "recommendation": recommendation,
            "indicators": indicators,
            "indicator_chart": self.indicator_chart(),
            "baseline_chart": self.baseline_chart(),
            "baselines": [i for i in indicators if i["baseline"]],
            "activities": activities,
            "has_quick_wins": any(a["quick_win"] for a in activities),
            "timeline_chart": self.timeline_chart(),
            "upcoming_activities": [a for a in activities if a["upcoming"]],
            "past_activities": [a for a in activities if not a["upcoming"]],
            "activity_details": [
                a for a in activities if a["deliverable"] or a["goals"] or a["focus_area"]
            ],
            "activity_budget": self.activity_budget(activities),
            "organisation": self.organisation(),
            "budget": self.budget(m.budget),
            "risks": [self.risk(r) for r in m.risks_by_score],
            "summary": self.summary(),
            **self.funder_content(),
            "changes": None,  # a change report, when one is asked for (plan --changes-since)
        }

    def document(self) -> dict[str, Any]:
        d, leader = self.model.document, self.model.initiative.leader
        period = d.period
        return {
            "date": self.fmt.date(d.date or self.today),
            "version": _text(d.version),
            "author": _text(d.author or (leader.name if leader else None)),
            "status": self.label("document_status", d.status),
            "draft": d.status == "draft",
            "adopted": self.adopted(),
            "period": self.span(period.start, period.end) if period else "",
            "logo": self.logo(),
        }

    def logo(self) -> Picture | None:
        """The host's logo (the initiative's name when no host is given) with its alt text;
        None without one, or without the folder its path is relative to."""
        logo, i = self.model.document.logo, self.model.initiative
        if logo is None or self.folder is None:
            return None
        alt = self.t["documents"]["common"]["logo_alt"].format(name=_text(i.host or i.name))
        target = self.folder / logo
        try:
            return read_picture(target, alt)
        except (OSError, PictureError) as exc:  # changed since it was validated
            raise RenderError(f"cannot place the logo {display_path(target)}: {exc}") from None

    def adopted(self) -> str:
        """Who adopted the plan and when, in a sentence: only what the file says. A draft's
        `adopted_by` and `adopted_on` are who is to adopt it, and when."""
        c = self.t["documents"]["common"]
        d = self.model.document
        by, on = _text(d.adopted_by), self.fmt.date(d.adopted_on)
        key = "to_adopt" if d.status == "draft" else "adopted"
        if by and on:
            return str(c[key]).format(by=by, on=on)
        if by:
            return str(c[f"{key}_by"]).format(by=by)
        return str(c[f"{key}_on"]).format(on=on) if on else ""

    def span(self, start: FlexDate, end: FlexDate) -> str:
        """`2013–2015`, `september 2012 – mars 2013`: each end as a reader says it."""
        first, last = self.fmt.flex_date(start), self.fmt.flex_date(end)
        if first == last:
            return first
        return f"{first}–{last}" if " " not in first + last else f"{first} – {last}"

    def facts(self, initiative: dict[str, Any]) -> list[dict[str, str]]:
        """The initiative's key facts as label/value rows, leaving out what is not given."""
        c = self.t["documents"]["common"]
        leader = initiative["leader"]
        leader_text = (
            ", ".join(
                x
                for x in (leader["name"], leader["title"], leader["organisation"], leader["email"])
                if x
            )
            if leader
            else ""
        )
        rows = [
            ("focus", initiative["focus"]),
            ("region", initiative["region"]),
            ("phase", initiative["phase"]),
            ("started", initiative["started"]),
            ("approach", initiative["approach"]),
            ("host", initiative["host"]),
            ("legal_form", initiative["legal_form"]),
            ("leader", leader_text),
            ("website", initiative["website"]),
        ]
        return [{"label": c[key], "value": value} for key, value in rows if value]

    def person(self, person: Person | None) -> dict[str, str] | None:
        if person is None:
            return None
        return {
            "name": _text(person.name),
            "title": _text(person.title),
            "organisation": _text(person.organisation),
            "email": _text(person.email),
        }

    def initiative(self) -> dict[str, Any]:
        i = self.model.initiative
        return {
            "name": _text(i.name),
            # for the running header: a name of a hundred words would fill a third of each page
            "running_title": abbreviated(_text(i.name), RUNNING_TITLE_LENGTH),
            "slug": i.slug,
            "region": _text(i.region),
            "focus": _text(i.focus),
            "phase": self.label("phase", i.phase),
            "started": self.fmt.flex_date(i.started),
            "approach": self.label("approach", i.approach),
            "host": _text(i.host),
            "legal_form": self.label("legal_form", i.legal_form),
            "website": _text(i.website),
            "leader": self.person(i.leader),
            "background": _text(i.background),
            "starting_point": _text(i.starting_point),
        }

    def phase(self) -> dict[str, Any]:
        key = self.model.initiative.phase
        info = phases()[key]
        results = self.results
        order = list(phases())
        following = next_phase(key)
        names = group_names()
        return {
            "key": key,
            "name": info.name[self.lang],
            "number": order.index(key) + 1,
            "about": info.about[self.lang],
            "leadership": info.leadership[self.lang],
            "next_steps": info.next_steps[self.lang],
            "next": {"name": following.name[self.lang], "about": following.about[self.lang]}
            if following
            else None,
            "all": [
                {
                    "name": p.name[self.lang],
                    "current": p.key == key,
                    "passed": order.index(p.key) < order.index(key),
                    "colour": "F6C9A8"
                    if p.key == key
                    else ("CFE3F4" if order.index(p.key) < order.index(key) else "F3F6F9"),
                }
                for p in phases().values()
            ],
            "groups": [
                {
                    "name": names[group][self.lang],
                    "entries": [self.checklist_item(r) for r in results if r.item.group == group],
                }
                for group in GROUPS
            ],
            "other_marks": self.other_marks(key),
            "done": [r.item.label[self.lang] for r in results if r.status == "done"],
            "open": [self.checklist_item(r) for r in results if r.status != "done"],
            "done_count": sum(r.status == "done" for r in results),
            "total_count": len(results),
        }

    def other_marks(self, current: str) -> list[dict[str, str]]:
        """The file's marks on checklist items of other phases (done ahead, or still open)."""
        marked = self.model.checklist
        return [
            {**self.checklist_item(r), "phase": info.name[self.lang]}
            for key, info in phases().items()
            if key != current and any(item.key in marked for item in info.checklist)
            for r in assess(self.model, key)
            if r.overridden
        ]

    def checklist_item(self, result: ItemStatus) -> dict[str, str]:
        return {
            "label": result.item.label[self.lang],
            "status": self.label("checklist_status", result.status),
            "colour": STATUS_COLOURS[result.status],
            "comment": _text(result.reason(self.lang)),
        }

    def strategy(self) -> dict[str, Any]:
        s = self.model.strategy
        benefits = s.benefits
        parties = []
        if benefits:
            for party, items in (
                ("industry", benefits.industry),
                ("academia", benefits.academia),
                ("public", benefits.public),
            ):
                if items:
                    parties.append({"party": self.label("helix", party), "points": _texts(items)})
        return {
            "strategic_idea": _text(s.strategic_idea),
            "vision": _text(s.vision),
            "purpose": _text(s.purpose),
            "shared_values": _texts(s.values),
            "benefits": parties,
            "focus_areas": [
                {
                    "name": _text(f.name),
                    "area": self.label("area", f.area),
                    "description": _text(f.description),
                    "goals": [_text(g.text) for g in s.goals if g.focus_area == f.id],
                }
                for f in s.focus_areas
            ],
            "goals": [
                {
                    "text": _text(g.text),
                    "focus_area": self.focus_names.get(g.focus_area or "", ""),
                    "indicators": ", ".join(self.indicator_names[i] for i in g.indicators),
                    "due": self.fmt.date(g.due),
                }
                for g in s.goals
            ],
        }

    def context_analysis(self) -> dict[str, Any]:
        c = self.model.context
        swot = c.swot
        none = [self.t["documents"]["missing"]["swot_part"]]  # a field of four left empty
        return {
            "competence_area": _text(c.competence_area),
            "trends": _texts(c.trends),
            "industry": _text(c.industry),
            "region": _text(c.region),
            "swot": {
                "strengths": _texts(swot.strengths) or none,
                "weaknesses": _texts(swot.weaknesses) or none,
                "opportunities": _texts(swot.opportunities) or none,
                "threats": _texts(swot.threats) or none,
            }
            if swot and not swot.is_empty
            else None,
            "problems": _texts(c.problems),
            "opportunities": _texts(c.opportunities),
        }

    def actor(self, a: Actor) -> dict[str, Any]:
        """The actor as templates see it, built once however many tables list it."""
        cached = self._actors.get(id(a))
        if cached is None:
            cached = self._actors[id(a)] = self._actor(a)
        return cached

    def _actor(self, a: Actor) -> dict[str, Any]:
        yes_no = self.t["documents"]["common"]
        return {
            "name": _text(a.name),
            "helix": self.label("helix", a.helix),
            "role": _text(a.role),
            "core": self.label("core", a.core),
            "member": "" if a.member is None else yes_no["yes" if a.member else "no"],
            "power": str(a.power or ""),
            "interest": str(a.interest or ""),
            "attitude": self.label("attitude", a.attitude),
            "quadrant": self.label("quadrant", a.quadrant),
            "quadrant_colour": QUADRANT_COLOURS.get(a.quadrant or "", "FFFFFF"),
            "expectations": _text(a.expectations),
            "contribution": _text(a.contribution),
            "engagement": _text(a.engagement),
            "owner": _text(a.owner),
            "contact": _text(
                ", ".join(x for x in (a.contact.name, a.contact.email, a.contact.phone) if x)
            )
            if a.contact
            else "",
            "contact_name": _text(a.contact.name) if a.contact else "",
            "contact_email": _text(a.contact.email) if a.contact else "",
            "contact_phone": _text(a.contact.phone) if a.contact else "",
        }

    def stakeholders(self) -> dict[str, Any]:
        actors = self.model.actors
        by_quadrant = {q: [a for a in actors if a.quadrant == q] for q in QUADRANT_ORDER}
        ranked = sorted(
            (a for a in actors if a.quadrant),
            key=lambda a: (
                QUADRANT_ORDER.index(a.quadrant or "monitor"),
                -((a.power or 0) + (a.interest or 0)),
                a.name,
            ),
        )
        strategies = self.t["documents"]["stakeholders"]["strategies"]
        return {
            "groups": [
                {
                    "name": self.label("helix", helix),
                    "actors": [self.actor(a) for a in actors if a.helix == helix],
                }
                for helix in HELIX_ORDER
                if any(a.helix == helix for a in actors)
            ],
            "counts": [
                {
                    "name": self.label("helix", helix),
                    "count": sum(a.helix == helix for a in actors),
                    "members": sum(a.helix == helix and bool(a.member) for a in actors),
                }
                for helix in HELIX_ORDER
                if any(a.helix == helix for a in actors)
            ],
            "grid": {
                q: {
                    "label": self.label("quadrant", q),
                    "colour": QUADRANT_COLOURS[q],
                    "names": [_text(a.name) for a in by_quadrant[q]],
                    "strategy": strategies[q],
                }
                for q in QUADRANT_ORDER
            },
            "unplaced": [_text(a.name) for a in actors if a.quadrant is None],
            "inner": [self.actor(a) for a in actors if a.core == "inner"],
            "outer": [self.actor(a) for a in actors if a.core == "outer"],
            "key": [_text(a.name) for a in by_quadrant["manage_closely"]],
            "priorities": [
                {
                    **self.actor(a),
                    "rank": str(n),
                    "strategy": self.t["documents"]["notes"]["suggested"].format(
                        strategy=strategies[a.quadrant or "monitor"]
                    ),
                }
                for n, a in enumerate(ranked, start=1)
            ]
            + [  # not yet scored: listed last, to be scored first
                {
                    **self.actor(a),
                    "rank": "–",
                    "strategy": self.t["documents"]["notes"]["score_first"],
                }
                for a in actors
                if a.quadrant is None
            ],
            "industry_count": sum(a.helix == "industry" for a in actors),
            "member_count": sum(bool(a.member) for a in actors),
            "high_score": str(HIGH_SCORE),
            "grid_chart": self.grid_chart(),
        }

    def indicator(self, i: Any) -> dict[str, Any]:
        unit = f" {_text(i.unit)}" if i.unit else ""
        latest, final = i.latest_actual, i.final_target
        return {
            "name": _text(i.name),
            "type": self.label("indicator_type", i.type),
            "unit": _text(i.unit),
            "baseline": self.fmt.number(i.baseline.value) + unit if i.baseline else "",
            "baseline_date": self.fmt.date(i.baseline.date) if i.baseline else "",
            "source": _text(i.baseline.source) if i.baseline else "",
            "targets": ", ".join(
                f"{self.fmt.number(t.value)}{unit} ({t.year})"
                for t in sorted(i.targets, key=lambda t: t.year)
            ),
            "target": f"{self.fmt.number(final.value)}{unit} ({final.year})" if final else "",
            "latest": f"{self.fmt.number(latest.value)}{unit}" if latest else "",
            "latest_date": self.fmt.date(latest.date) if latest else "",
            "actuals": ", ".join(
                f"{self.fmt.number(a.value)}{unit} ({self.fmt.date(a.date)})"
                for a in sorted(i.actuals, key=lambda a: a.date)
            ),
        }

    def activity(self, a: Any) -> dict[str, Any]:
        return {
            "title": _text(a.title),
            "focus_area": self.focus_names.get(a.focus_area or "", ""),
            "goals": [self.goal_texts[g] for g in a.goals],
            "goal_list": "; ".join(self.goal_texts[g] for g in a.goals),
            "responsible": _text(a.responsible),
            "partners": ", ".join(self.actor_names[p] for p in a.partners),
            "period": self.fmt.period(a.start, a.end),
            "budget": self.fmt.money(a.total_budget) if a.budget else "",
            "status": self.label("status", a.status),
            "rag": self.label("rag", a.rag),
            "rag_colour": RAG_COLOURS[a.rag or ""],
            "quick_win": bool(a.low_hanging_fruit),
            "deliverable": _text(a.deliverable),
            "upcoming": a.status in ("planned", "ongoing"),
        }

    def organisation(self) -> dict[str, Any]:
        o = self.model.organisation

        def members(rows: Iterable[Any]) -> list[dict[str, str]]:
            return [
                {
                    "name": _text(r.name),
                    "organisation": _text(r.organisation),
                    "role": _text(r.role),
                }
                for r in rows
            ]

        return {
            "process_group": members(o.process_group),
            "board": members(o.board),
            "working_groups": [
                {
                    "name": _text(w.name),
                    "lead": _text(w.lead),
                    "members": ", ".join(_texts(w.members)),
                }
                for w in o.working_groups
            ],
        }

    def budget(self, b: Budget) -> dict[str, Any]:
        money, years = self.fmt.money, b.years

        def cells(amounts: dict[int, float]) -> list[str]:
            return [money(amounts[y]) if y in amounts else "–" for y in years]

        t = self.t["documents"]["columns"]
        overview = [
            {
                "label": t["income_total"],
                "cells": cells(b.income_by_year),
                "total": money(b.total_income),
            },
            {
                "label": t["cost_total"],
                "cells": cells(b.costs_by_year),
                "total": money(b.total_costs),
            },
            {
                "label": t["balance"],
                "cells": [money(b.balance_by_year[y]) for y in years],
                "total": money(b.balance),
            },
        ]
        shares = _whole_percents(b.shares_by_kind)
        income = [
            {
                "source": _text(r.source),
                "kind": self.label("income_kind", r.kind),
                "status": self.label("income_status", r.status),
                "cells": cells(r.amounts),
                "total": money(sum(r.amounts.values())),
            }
            for r in b.income
        ]
        costs = [
            {
                "item": _text(r.item),
                "category": self.label("cost_category", r.category),
                "cells": cells(r.amounts),
                "total": money(sum(r.amounts.values())),
            }
            for r in b.costs
        ]
        return {
            "overview": overview,
            "groups": self.year_groups(
                years,
                income=income,
                costs=costs,
                overview=overview,
                income_cells=overview[0]["cells"],
                cost_cells=overview[1]["cells"],
            ),
            "deficit_text": self.t["documents"]["notes"]["deficit"].format(
                amount=money(-b.balance)
            ),
            "result_text": self.budget_result(b),
            "currency": b.currency,
            "years": [str(y) for y in years],
            "span": _span(years),
            "income": income,
            "costs": costs,
            "income_cells": cells(b.income_by_year),
            "income_total": money(b.total_income),
            "cost_cells": cells(b.costs_by_year),
            "cost_total": money(b.total_costs),
            "balance_cells": [money(b.balance_by_year[y]) for y in years],
            "balance_total": money(b.balance),
            "deficit": b.balance < 0,
            "shares": [
                {
                    "kind": self.label("income_kind", kind),
                    "amount": money(amount),
                    "share": self.fmt.percent(shares[kind]),
                }
                for kind, amount in b.income_by_kind.items()
            ],
            "by_category": [
                {"category": self.label("cost_category", c), "amount": money(v)}
                for c, v in b.costs_by_category.items()
            ],
            "has_income": bool(b.income),
            "has_costs": bool(b.costs),
            "public_share": self.fmt.percent(_whole_percents(b.shares_by_kind)["public"]),
            "private_share": self.fmt.percent(_whole_percents(b.shares_by_kind)["private"]),
            "year_chart": self.year_chart(b),
            "funding_chart": self.funding_chart(b),
        }

    # -- charts: what each plots, and its alt text with the figures ---------------------------

    def money_scale(self, amounts: Iterable[float]) -> tuple[float, str]:
        """What a budget chart of `amounts` divides them by, and the axis title saying so:
        thousands for hundreds of thousands or more, where whole amounts crowd the labels."""
        from babel.numbers import get_currency_symbol

        c = self.t["documents"]["charts"]
        currency = get_currency_symbol(self.model.budget.currency, locale=self.fmt.locale)
        largest = max((abs(v) for v in amounts), default=0)
        if largest >= 100_000:
            return 1000.0, c["thousands"].format(currency=currency)
        return 1.0, c["units"].format(currency=currency)

    def year_chart(self, b: Budget) -> ChartSpec | None:
        """Each year's income stacked by kind, beside its costs and its result; none for a
        budget of noughts (a chart of nothing, its axis 0, 1, 1)."""
        amounts = [v for r in b.income for v in r.amounts.values()]
        if not b.years or not any(amounts + [v for r in b.costs for v in r.amounts.values()]):
            return None
        c, money = self.t["documents"]["charts"], self.fmt.money
        rows: list[Any] = [*b.income, *b.costs]
        divisor, unit = self.money_scale(v for r in rows for v in r.amounts.values())
        kinds = [k for k in INCOME_KINDS if any(r.kind == k for r in b.income)]
        columns = [
            key
            for key, shown in (
                ("income", bool(b.income)),
                ("costs", bool(b.costs)),
                ("result", bool(b.income and b.costs)),
            )
            if shown
        ]
        by_kind = {
            k: _sum_amounts(r.amounts for r in b.income if r.kind == k) for k in INCOME_KINDS
        }
        costs, result = b.costs_by_year, b.balance_by_year

        def column(key: str, amounts: dict[int, float]) -> tuple[float | None, ...]:
            return tuple(
                amounts.get(y, 0) / divisor if k == key else None for y in b.years for k in columns
            )

        # each kind keeps its shade in every plan, whichever kinds a budget has
        series = [
            Series(self.label("income_kind", k), column("income", by_kind[k]), shade=n)
            for n, k in enumerate(INCOME_KINDS)
            if k in kinds
        ]
        if b.costs:
            series.append(Series(c["costs"], column("costs", costs), shade=3))
        if b.income and b.costs:
            series.append(Series(c["result"], column("result", result), shade=4))
        years = []
        for y in b.years:
            parts = [
                f"{self.label('income_kind', k).lower()} {money(by_kind[k].get(y, 0))}"
                for k in kinds
            ]
            years.append(
                c["year_alt_year"].format(
                    year=y,
                    income=money(b.income_by_year.get(y, 0)),
                    kinds=f" ({', '.join(parts)})" if len(parts) > 1 else "",
                    costs=money(costs.get(y, 0)),
                    result=money(result[y]),
                )
            )
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="stacked_columns",
            title=c["year_title"],
            alt=c["year_alt"].format(span=_span(b.years), unit=unit.lower(), years=" ".join(years)),
            series=tuple(series),
            categories=tuple(c[k] for _ in b.years for k in columns),
            groups=tuple(str(y) for y in b.years for _ in columns),
            y_title=unit,
        )

    def funding_chart(self, b: Budget) -> ChartSpec | None:
        """The funding's kinds as shares of a pie (cash: public and private; in kind); only
        when there are two kinds or more, as one kind is a whole circle that says nothing."""
        amounts = {k: v for k, v in b.income_by_kind.items() if v > 0}
        if len(amounts) < 2 or b.total_income <= 0:
            return None
        c, money, percent = self.t["documents"]["charts"], self.fmt.money, self.fmt.percent
        shares = _whole_percents(b.shares_by_kind)

        def name(kind: str) -> str:
            label = self.label("income_kind", kind)
            return label if kind == "in_kind" else f"{label} ({c['cash']})"

        cash = amounts.get("public", 0) + amounts.get("private", 0)
        in_kind = amounts.get("in_kind", 0)
        parts = ", ".join(
            f"{name(k).lower()} {money(v)} ({percent(shares[k])})" for k, v in amounts.items()
        )
        alt = c["funding_alt"].format(
            span=_span(b.years),
            total=money(b.total_income),
            parts=parts,
            cash=money(cash),
            cash_share=percent(shares["public"] + shares["private"]),
            in_kind=money(in_kind),
            in_kind_share=percent(shares["in_kind"]),
        )
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="pie",
            title=c["funding_title"],
            alt=alt,
            # each slice labelled with the share the table prints, not one the viewer rounds
            series=(
                Series(
                    c["income"],
                    tuple(amounts.values()),
                    labels=tuple(f"{name(k)}\n{percent(shares[k])}" for k in amounts),
                ),
            ),
            categories=tuple(name(k) for k in amounts),
        )

    def indicator_chart(self) -> ChartSpec | None:
        """Each indicator's baseline, latest value and final target, side by side; the
        indicators with a target and something to compare it with."""
        c, number = self.t["documents"]["charts"], self.fmt.number
        shown = [
            i
            for i in self.model.indicators
            if i.final_target is not None
            and (i.baseline or i.latest_actual)
            and any(  # a bar of something: not every figure nought
                p.value for p in (i.baseline, i.latest_actual, i.final_target) if p is not None
            )
        ]
        if not shown:
            return None
        rows: list[tuple[Any, float | None, float | None, float | None]] = [
            (
                i,
                i.baseline.value if i.baseline else None,
                i.latest_actual.value if i.latest_actual else None,
                i.final_target.value if i.final_target else None,
            )
            for i in shown
        ]

        def said(value: float | None, unit: str) -> str:
            return f"{number(value)}{unit}" if value is not None else c["not_given"]

        items = []
        for i, baseline, latest, target in rows:
            unit = f" {_text(i.unit)}" if i.unit else ""
            final = i.final_target
            items.append(
                c["indicator_alt_item"].format(
                    name=_text(i.name),
                    baseline=said(baseline, unit),
                    latest=said(latest, unit),
                    target=f"{said(target, unit)} ({final.year})" if final else "",
                )
            )
        targets = [abs(t) for _, _, _, t in rows if t]
        mixed = len({i.unit or "" for i in shown}) > 1 or (
            bool(targets) and max(targets) > 50 * min(targets)  # a bar of under 2 % of the axis
        )
        if mixed and all(t for _, _, _, t in rows):  # on one axis, "5 st" beside "5 000 ton"
            # would be no bar at all: each as a share of its own target
            shares = [
                (i, *(v / target * 100 if v is not None else None for v in (first, last)))
                for i, first, last, target in rows
                if target
            ]
            return ChartSpec(
                language=self.fmt.locale.replace("_", "-"),
                kind="bars",
                title=c["indicator_title_share"],
                alt=say(
                    c["indicator_alt_share"], self.lang, count=len(rows), items=" ".join(items)
                ),
                series=tuple(
                    Series(c[key], tuple(row[n] for row in shares))
                    for n, key in ((1, "baseline"), (2, "latest"))
                ),
                categories=tuple(_indicator_category(i) for i in shown),
                number_format='0"\u00a0%"' if self.lang == "sv" else '0"%"',
            )
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="bars",
            title=c["indicator_title"],
            alt=say(c["indicator_alt"], self.lang, count=len(rows), items=" ".join(items)),
            series=tuple(
                Series(c[key], tuple(row[n] for row in rows))
                for n, key in ((1, "baseline"), (2, "latest"), (3, "target"))
            ),
            categories=tuple(_indicator_category(i) for i in shown),
        )

    def baseline_chart(self) -> ChartSpec | None:
        """The nollpunktsanalys: each measured baseline beside the indicator's final target,
        where the gap to close shows; none when every figure is nought (a chart of nothing)."""
        c, number = self.t["documents"]["charts"], self.fmt.number
        measured = [(i, b) for i in self.model.indicators if (b := i.baseline) is not None]
        shown = [i for i, _ in measured]
        targets = [i.final_target.value if i.final_target else None for i in shown]
        if not any(b.value for _, b in measured) and not any(targets):
            return None
        items = []
        for (i, baseline), target in zip(measured, targets, strict=True):
            unit = f" {_text(i.unit)}" if i.unit else ""
            final = i.final_target
            date = self.fmt.date(baseline.date)
            items.append(
                c["baseline_alt_item"].format(
                    name=_text(i.name),
                    baseline=f"{number(baseline.value)}{unit}",
                    date=f" ({date})" if date else "",
                    target=f"{number(target)}{unit} ({final.year})" if final else c["not_given"],
                )
            )
        series = [Series(c["baseline"], tuple(b.value for _, b in measured), shade=0)]
        if any(t is not None for t in targets):
            series.append(Series(c["target"], tuple(targets), shade=2))
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="bars",
            title=c["baseline_title"],
            alt=say(c["baseline_alt"], self.lang, count=len(shown), items=" ".join(items)),
            series=tuple(series),
            categories=tuple(_indicator_category(i) for i in shown),
        )

    def prestudy_chart(self, amounts: dict[int, float]) -> ChartSpec | None:
        """The förstudie's own budget, a bar per year: lying, so that a förstudie of one year
        (most are) gets a strip, not a page-wide column."""
        if not any(amounts.values()):
            return None
        c, money = self.t["documents"]["charts"], self.fmt.money
        years = sorted(amounts)
        divisor, unit = self.money_scale(amounts.values())
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="bars",
            title=c["prestudy_title"],
            alt=c["prestudy_alt"].format(
                span=_span(years),
                unit=unit.lower(),
                years=", ".join(f"{y}: {money(amounts[y])}" for y in years),
                total=money(sum(amounts.values())),
            ),
            series=(Series(c["costs"], tuple(amounts[y] / divisor for y in years)),),
            categories=tuple(str(y) for y in years),
            y_title=unit,
        )

    def timeline_chart(self) -> ChartSpec | None:
        """The action plan as a Gantt chart: a bar per dated activity from the first day of
        its start to the last of its end, a series per status; each milestone a short bar on a
        row of its own below its activity (the others last). None when no activity has a date:
        milestones alone are the milestone table's."""
        c = self.t["documents"]["charts"]
        dated = [  # each dated activity, from its start (or end) to its end (or start)
            (a, start, end)
            for a in self.model.activities
            if (start := a.start or a.end) and (end := a.end or a.start)
        ]
        if not dated:
            return None
        below: dict[str | None, list[Any]] = {}  # the milestones under each activity's row
        for ms in sorted(self.model.milestones, key=lambda ms: ms.date.first):
            linked = ms.activity if any(a.id == ms.activity for a, _, _ in dated) else None
            below.setdefault(linked, []).append(ms)
        # each row: its name, where its bar starts and ends (date serials), its series' key
        rows: list[tuple[str, float, float, str | None]] = []
        items, marks, first, last = [], [], [], []

        def milestones(key: str | None) -> None:
            for ms in below.get(key, []):
                middle = (_serial(ms.date.first) + _serial(ms.date.last) + 1) / 2
                rows.append((f"◆ {abbreviated(_text(ms.title), 40)}", middle, middle, "milestone"))
                marks.append(f"{_text(ms.title)} ({self.fmt.flex_date(ms.date)})")
                first.append(ms.date)
                last.append(ms.date)

        for a, start, end in dated:
            status = self.label("status", a.status) if a.status else c["timeline_no_status"]
            name = f"{abbreviated(_text(a.title), 40)} ({status.lower()})"
            rows.append((name, _serial(start.first), _serial(end.last) + 1, a.status))
            said = {"name": _text(a.title), "period": self.fmt.period(start, end)}
            items.append(c["timeline_alt_item"].format(**said, status=status.lower()))
            first.append(start)
            last.append(end)
            milestones(a.id)
        milestones(None)
        if marks:
            items.append(c["timeline_alt_milestones"].format(items="; ".join(marks)))
        # a milestone a short bar about its day, wide enough to see at any span
        half = max((max(r[2] for r in rows) - min(r[1] for r in rows)) / 120, 2.0)
        rows = [(r[0], r[1] - half, r[2] + half, r[3]) if r[3] == "milestone" else r for r in rows]
        axis = _time_axis(min(r[1] for r in rows), max(r[2] for r in rows))
        keys = [k for k in (*TIMELINE_STATUSES, "milestone") if any(r[3] == k for r in rows)]

        def series_name(key: str | None) -> str:
            if key == "milestone":
                return str(c["timeline_milestone"])
            return self.label("status", key) if key else str(c["timeline_no_status"])

        span = self.span(min(first, key=lambda d: d.first), max(last, key=lambda d: d.last))
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="timeline",
            title=c["timeline_title"],
            alt=say(
                c["timeline_alt"], self.lang, count=len(dated), span=span, items=" ".join(items)
            ),
            series=(
                Series(" ", tuple(r[1] for r in rows)),  # each bar's start, not drawn: blank
                *(
                    Series(
                        series_name(key),
                        tuple(r[2] - r[1] if r[3] == key else None for r in rows),
                        shade=TIMELINE_SHADES[key],
                    )
                    for key in keys
                ),
            ),
            categories=tuple(r[0] for r in rows),
            number_format="0",
            dates=axis,
        )

    def grid_chart(self) -> ChartSpec | None:
        """The power/interest grid as a scatter: interest across, power up, the quadrant lines
        where a score turns high; a marker per attitude, every actor named. Actors at the same
        place share one point (their names in one label); a place that several attitudes share
        gets a point per attitude, a little apart, labelled on different sides."""
        c = self.t["documents"]["charts"]
        placed = [a for a in self.model.actors if a.power is not None and a.interest is not None]
        if not placed:
            return None
        attitudes = [k for k in (*ATTITUDE_ORDER, None) if any(a.attitude == k for a in placed)]
        taken: dict[tuple[int, int], int] = {}  # series already at each place
        series = []
        for attitude in attitudes:
            places: dict[tuple[int, int], list[str]] = {}
            for a in placed:
                if a.attitude == attitude:
                    places.setdefault((a.interest or 0, a.power or 0), []).append(_text(a.name))
            xs, ys, labels = [], [], []
            positions: list[LabelPosition] = []
            for (x, y), names in places.items():
                shared = taken.get((x, y), 0)
                taken[(x, y)] = shared + 1
                xs.append(x + (0.12 * shared if shared % 2 else -0.12 * shared))
                ys.append(float(y))
                labels.append(_point_label(names, c["point_more"]))
                # away from the line between low and high power; others at the place aside
                away: LabelPosition = "top" if y >= HIGH_SCORE else "bottom"
                positions.append(_SHARED_PLACE[shared % len(_SHARED_PLACE)] if shared else away)
            name = self.label("attitude", attitude) if attitude else c["no_attitude"]
            series.append(Series(name, tuple(ys), tuple(xs), tuple(labels), tuple(positions)))
        corners = ("keep_satisfied", "manage_closely", "monitor", "keep_informed")
        at_corners = Series(
            "",
            (6.25, 6.25, 0.3, 0.3),
            (0.1, 5.9, 0.1, 5.9),
            positions=("right", "left", "right", "left"),
        )
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="scatter",
            title=c["grid_title"],
            alt=self.grid_alt(placed),
            series=(at_corners, *series),
            x_title=self.t["documents"]["columns"]["interest"],
            y_title=self.t["documents"]["columns"]["power"],
            cross=HIGH_SCORE - 0.5,
            scale=(0.0, 6.0, 0.0, 6.5),
            corners=tuple(self.label("quadrant", q) for q in corners),
        )

    def grid_alt(self, placed: list[Actor]) -> str:
        """The scatter said in words: every actor, by quadrant, with its scores."""
        c = self.t["documents"]["charts"]
        quadrants = []
        for q in QUADRANT_ORDER:
            actors = [
                c["grid_alt_actor"].format(name=_text(a.name), power=a.power, interest=a.interest)
                for a in placed
                if a.quadrant == q
            ]
            if len(actors) > ALT_NAMES:  # a screen reader's listener has the table for all
                actors = [*actors[:ALT_NAMES], c["point_more"].format(n=len(actors) - ALT_NAMES)]
            if actors:
                quadrants.append(
                    c["grid_alt_quadrant"].format(
                        quadrant=self.label("quadrant", q), actors=", ".join(actors)
                    )
                )
        alt: str = say(
            c["grid_alt"],
            self.lang,
            count=len(placed),
            high=str(HIGH_SCORE),
            quadrants=" ".join(quadrants),
        )
        return alt

    # -- what a funder and a board read (issue 13) ----------------------------------------

    def funder_content(self) -> dict[str, Any]:
        m = self.model
        activity_titles = {a.id: _text(a.title) for a in m.activities}
        return {
            "impact_logic": [
                {
                    "need": _text(row.need),
                    "activities": ", ".join(activity_titles[a] for a in row.activities),
                    "outputs": _texts(row.outputs),
                    "outcomes": _texts(row.outcomes),
                    "impact": _text(row.impact),
                    "indicators": ", ".join(self.indicator_names[i] for i in row.indicators),
                }
                for row in m.impact_logic
            ],
            "impact_chain": self.impact_chain(activity_titles),
            "milestones": [
                {
                    "title": _text(ms.title),
                    "date": self.fmt.flex_date(ms.date),
                    "activity": activity_titles.get(ms.activity or "", ""),
                }
                for ms in sorted(m.milestones, key=lambda ms: ms.date.first)
            ],
            "staffing": [
                {
                    "name": _text(s.name),
                    "role": _text(s.role),
                    "share": self.per_cent(s.share) if s.share is not None else "",
                }
                for s in m.staffing
            ],
            "staffing_total": self.staffing_total(),
            "membership": self.membership(),
            "cofinancing": self.cofinancing(m.budget),
            "communication": [
                {
                    "audience": _text(c.audience),
                    "message": _text(c.message),
                    "channel": _text(c.channel),
                    "frequency": _text(c.frequency),
                    "owner": _text(c.owner),
                }
                for c in m.communication
            ],
            "horizontal": self.horizontal(),
            "regional_strategy": self.regional_strategy(),
            "evaluation": self.evaluation(),
            "prestudy": self.prestudy(),
            "proposal_given": bool(
                m.impact_logic
                or m.milestones
                or m.staffing
                or m.communication
                or m.regional_strategy
                or m.horizontal != type(m.horizontal)()
                or m.evaluation != type(m.evaluation)()
                or m.membership != type(m.membership)()
            ),
        }

    def impact_chain(self, activity_titles: dict[str, str]) -> dict[str, list[str]]:
        """The effektlogik at a glance, for its diagram: each step's items over every row,
        each once and shortened (the table beside it has them whole)."""
        rows = self.model.impact_logic

        def once(texts: Iterable[str]) -> list[str]:
            return list(dict.fromkeys(abbreviated(t, IMPACT_CHAIN_ITEM) for t in texts if t))

        return {
            "needs": once(_text(r.need) for r in rows),
            "activities": once(activity_titles[a] for r in rows for a in r.activities),
            "outputs": once(_text(o) for r in rows for o in r.outputs),
            "outcomes": once(_text(o) for r in rows for o in r.outcomes),
            "impacts": once(_text(r.impact) for r in rows),
            "indicators": once(self.indicator_names[i] for r in rows for i in r.indicators),
        }

    def per_cent(self, value: float) -> str:
        """A number of per cent as typed (`37.5` -> `37,5 %`), in the document's language."""
        from decimal import Decimal

        from babel.numbers import format_percent

        share = Decimal(repr(value)) / 100  # 19.7 / 100 in floats is 0.19699999999999998
        return str(format_percent(share, locale=self.fmt.locale, decimal_quantization=False))

    def staffing_total(self) -> str:
        """The staff's shares of full time added up, as full-time posts; "" without shares."""
        shares = [s.share for s in self.model.staffing if s.share is not None]
        if not shares:
            return ""
        notes = self.t["documents"]["notes"]
        fte = round(sum(shares) / 100, 2)
        if fte == 1:
            return str(notes["staffing_total_one"])
        return str(notes["staffing_total"]).format(fte=self.fmt.number(fte))

    def membership(self) -> dict[str, str]:
        ms = self.model.membership
        notes = self.t["documents"]["notes"]
        return {
            "members": notes["members"].format(members=self.fmt.number(ms.members))
            if ms.members is not None
            else "",
            "fee_model": _text(ms.fee_model),
        }

    def cofinancing(self, b: Budget) -> dict[str, Any]:
        """The public share against the ceiling, said as the figures say it, and each source
        in cash or in kind."""
        notes, money, percent = self.t["documents"]["notes"], self.fmt.money, self.fmt.percent
        limit = b.cofinancing_limit
        limit_text = self.per_cent(limit) if limit is not None else ""
        public = b.income_by_kind["public"]
        share = b.public_share
        whole = _whole_percents(b.shares_by_kind)["public"] * 100  # as the table shows it
        shown = percent(whole / 100)
        if (
            share is not None
            and limit is not None
            and (whole == limit or (whole > limit) != b.cofinancing_exceeded)
        ):  # 50.4 % is over a ceiling of 50 %, and 50 % is not over one of 50.3 %
            shown = self.per_cent(round(share * 100, 1))
        figures = {
            "public": money(public),
            "total": money(b.total_income),
            "share": shown,
            "limit": limit_text,
        }
        if share is None:
            text = notes["cofinancing_no_income"].format(**figures) if limit is not None else ""
        elif limit is None:
            text = notes["cofinancing_unchecked"].format(**figures)
        elif b.cofinancing_exceeded and not limit:
            text = notes["cofinancing_zero"].format(**figures)
        elif b.cofinancing_exceeded:
            # more money from elsewhere, x, such that public / (total + x) <= limit
            needed = public / (limit / 100) - b.total_income
            text = notes["cofinancing_exceeded"].format(**figures, needed=money(needed))
        else:
            text = notes["cofinancing_ok"].format(**figures)
        cash = b.cash_total
        in_kind = b.total_income - cash
        if round(in_kind, 2) == round(b.income_by_kind["in_kind"], 2):  # in kind as the kinds say
            in_kind_share = _whole_percents(b.shares_by_kind)["in_kind"]  # as its table shows
        else:
            in_kind_share = _whole_percents(
                {"cash": cash / (b.total_income or 1), "in_kind": in_kind / (b.total_income or 1)}
            )["in_kind"]
        return {
            "text": text,
            "exceeded": b.cofinancing_exceeded,
            "checked": limit is not None and share is not None,
            "limit": limit_text,
            "sources": [
                {
                    "source": _text(r.source),
                    "kind": self.label("income_kind", r.kind),
                    "cash": notes["cash"] if r.is_cash else notes["in_kind"],
                    "total": money(sum(r.amounts.values())),
                }
                for r in b.income
            ],
            "cash_text": notes["cash_split"].format(
                cash=money(cash),
                cash_share=percent(1 - in_kind_share),
                in_kind=money(in_kind),
                in_kind_share=percent(in_kind_share),
            )
            if b.total_income
            else "",
        }

    def horizontal(self) -> dict[str, Any]:
        h = self.model.horizontal
        return {
            "gender_equality": _text(h.gender_equality),
            "sustainability": _text(h.sustainability),
            "diversity": _text(h.diversity),
            "given": bool(h.gender_equality or h.sustainability or h.diversity),
        }

    def regional_strategy(self) -> dict[str, Any] | None:
        rs = self.model.regional_strategy
        if rs is None:
            return None
        notes = self.t["documents"]["notes"]
        return {
            "name": _text(rs.name),
            "text": notes["regional_strategy"].format(name=_text(rs.name)),
            "priorities": _texts(rs.priorities),
        }

    def evaluation(self) -> dict[str, Any]:
        e = self.model.evaluation
        notes = self.t["documents"]["notes"]
        return {
            "reporting": [
                {"to": _text(r.to), "what": _text(r.what), "when": _text(r.when)}
                for r in e.reporting
            ],
            "evaluator": notes["evaluator"].format(evaluator=_text(e.evaluator))
            if e.evaluator
            else "",
            "given": bool(e.reporting or e.evaluator),
        }

    def prestudy(self) -> dict[str, Any]:
        """The förstudie's own facts, needs and budget, and its conclusion."""
        p = self.model.prestudy
        f = self.t["documents"]["facts"]
        rows = [
            ("period", self.span(p.period.start, p.period.end) if p.period else ""),
            ("owner", _text(p.owner)),
            ("funder", _text(p.funder)),
            ("method", _text(p.method)),
            ("firms_asked", self.fmt.number(p.firms_asked) if p.firms_asked is not None else ""),
            ("decision", self.label("decision", p.decision)),
        ]
        budget = p.budget
        years = sorted(budget.amounts) if budget else []
        return {
            "given": not p.is_empty,
            "facts": [{"label": f[key], "value": value} for key, value in rows if value],
            "needs": _texts(p.needs),
            "budget": {
                "rows": [
                    {"year": str(y), "amount": self.fmt.money(budget.amounts[y])} for y in years
                ],
                "total": self.fmt.money(budget.total),
                "chart": self.prestudy_chart(budget.amounts),
                "funder": self.t["documents"]["notes"]["prestudy_funder"].format(
                    funder=_text(budget.funder)
                )
                if budget.funder
                else "",
            }
            if budget and (budget.amounts or budget.funder)
            else None,
        }

    def budget_result(self, b: Budget) -> str:
        """What the budget's result is, said as the figures say it: a surplus, a deficit or
        a balance, with the amount; or what is not budgeted yet."""
        notes: dict[str, str] = self.t["documents"]["notes"]
        money = self.fmt.money
        if not b.income and not b.costs:
            return ""
        if not b.costs:
            return notes["result_no_costs"].format(income=money(b.total_income))
        if not b.income:
            return notes["result_no_income"].format(costs=money(b.total_costs))
        if b.balance > 0:
            result = notes["result_surplus"].format(amount=money(b.balance))
        elif b.balance < 0:
            result = notes["deficit"].format(amount=money(-b.balance))
        else:
            result = notes["result_balanced"].format(amount=money(b.total_costs))
        short = [y for y, v in sorted(b.balance_by_year.items()) if v < 0]
        if short and b.balance >= 0:  # a year's deficit, which the whole's result would hide
            years = join([f"{y} ({money(-b.balance_by_year[y])})" for y in short], self.lang)
            result += " " + notes["year_deficits"].format(years=years)
        return f"{result} {self.granted(b)}".rstrip()

    def granted(self, b: Budget) -> str:
        """How much of the funding is granted, when the file says: a balance of money applied
        for is not a balance yet."""
        notes: dict[str, str] = self.t["documents"]["notes"]
        if all(row.status is None for row in b.income) or not b.total_income:
            return ""  # nothing said of it, or nothing to grant
        granted = sum(sum(r.amounts.values()) for r in b.income if r.status == "granted")
        if granted == b.total_income:
            return notes["all_granted"]
        rest = self.fmt.money(b.total_income - granted)
        return notes["part_granted"].format(granted=self.fmt.money(granted), rest=rest)

    def activity_budget(self, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The activities' budgets, a column per year, in groups of a few years."""
        budgeted = [
            (a, m) for a, m in zip(activities, self.model.activities, strict=True) if m.budget
        ]
        if not budgeted:  # no table of a total alone
            return []
        cancelled = self.t["documents"]["notes"]["cancelled"]
        years = sorted({y for _, m in budgeted for y in m.budget})
        rows = [
            {
                "title": a["title"] + (f" ({cancelled})" if m.status == "cancelled" else ""),
                "cells": [self.fmt.money(m.budget[y]) if y in m.budget else "–" for y in years],
                "total": a["budget"],
            }
            for a, m in budgeted
        ]
        counted = [m for _, m in budgeted if m.status != "cancelled"]  # costs nothing
        total = {y: sum(m.budget.get(y, 0) for m in counted) for y in years}
        cells = [self.fmt.money(total[y]) for y in years]
        groups = self.year_groups(years, rows=rows, total_cells=cells)
        grand = self.fmt.money(sum(total.values()))
        return [{**group, "total": grand} for group in groups]

    def year_groups(self, years: list[int], **columns: list[Any]) -> list[dict[str, Any]]:
        """Tables with a column per year, a few years each: a budget of ten years in one table
        would leave each amount a column too narrow to read.

        Each of `columns` is a list of rows (mappings whose `cells` hold a value per year) or a
        list of values per year (a total row); each group holds its slice of every one.
        """
        total = self.t["documents"]["common"]["total"]
        cells = [
            cell
            for values in columns.values()
            for value in values
            for cell in (value["cells"] if isinstance(value, dict) else [value])
        ]
        longest = max(map(len, cells), default=0)  # "11 363 644,16 kr" needs a wider column
        per_table = YEARS_PER_TABLE if longest <= 12 else 3 if longest <= 15 else 2
        groups = []
        for start in range(0, max(len(years), 1), per_table):  # one table, even yearless
            part = slice(start, start + per_table)
            group: dict[str, Any] = {
                "years": [str(y) for y in years[part]],
                "span": _span(years[part]),
                "total_label": total if len(years) <= per_table else f"{total} {_span(years)}",
            }
            for name, values in columns.items():
                rows = bool(values) and isinstance(values[0], dict)
                group[name] = (
                    [{**v, "cells": v["cells"][part]} for v in values] if rows else values[part]
                )
            groups.append(group)
        return groups

    def risk(self, r: Any) -> dict[str, Any]:
        return {
            "text": _text(r.text),
            "cause": self.label("risk_cause", r.cause),
            "probability": str(r.probability or "–"),
            "impact": str(r.impact or "–"),
            "score": str(r.score or "–"),
            "colour": _risk_colour(r.score),
            "mitigation": _text(r.mitigation),
            "owner": _text(r.owner),
        }

    def summary(self) -> list[str]:
        """A few sentences a reader can take in at a glance, from label patterns.

        Counts are what the file holds and say so: the actor register's rows, not the
        initiative's members; the categories of actors, and which of the Triple Helix's three
        parts are among them.
        """
        m, s = self.model, self.t["documents"]["summary"]
        i = m.initiative
        out = [
            s["intro"].format(
                name=_text(i.name),
                region=_text(i.region),
                focus=_lower_first(_text(i.focus)),
                phase=self.label("phase", i.phase).lower(),
            )
        ]
        if i.started:
            out[0] += " " + s["started"].format(started=self.fmt.flex_date(i.started))
        if i.host:
            out[0] += " " + s["host"].format(host=_text(i.host))
        if m.actors:
            helixes: set[str] = {a.helix for a in m.actors}
            actors = say(s["actors"], self.lang, actors=len(m.actors), categories=len(helixes))
            out.append(f"{actors} {self.triple_helix(helixes)}")
        plan = []
        if m.activities:
            key = "activities_in_areas" if m.strategy.focus_areas else "activities"
            areas = len(m.strategy.focus_areas)
            plan.append(say(s[key], self.lang, activities=len(m.activities), areas=areas))
            cancelled = sum(a.status == "cancelled" for a in m.activities)
            if cancelled:
                plan.append(say(s["activities_cancelled"], self.lang, cancelled=cancelled))
        if m.strategy.goals:
            plan.append(say(s["goals"], self.lang, goals=len(m.strategy.goals)))
        if plan:
            out.append(" ".join(plan))
        if m.budget.years and not m.budget.income:  # what the result says is all there is
            out.append(self.budget_result(m.budget))
        elif m.budget.years:
            b = m.budget
            out.append(
                s["budget"].format(
                    span=_span(b.years),
                    costs=self.fmt.money(b.total_costs),
                    income=self.fmt.money(b.total_income),
                    public=self.fmt.percent(_whole_percents(b.shares_by_kind)["public"]),
                )
            )
            out[-1] += f" {self.budget_result(b)}"
        return [stopped_once(sentence) for sentence in out]

    def triple_helix(self, present: set[str]) -> str:
        """Which of the Triple Helix's three parts the register has, in a sentence."""
        s = self.t["documents"]["summary"]
        parts = ("industry", "academia", "public")
        found = [self.label("helix", p).lower() for p in parts if p in present]
        lacking = [self.label("helix", p).lower() for p in parts if p not in present]
        if not lacking:
            return str(s["helix_all"])
        if not found:
            return str(s["helix_none"])
        return say(
            s["helix_some"],
            self.lang,
            present=join(found, self.lang),
            missing=join(lacking, self.lang),
        )

    def critical_mass(self) -> str:
        """How many firms the register lists, and how many of them are members, if it says."""
        notes = self.t["documents"]["notes"]
        firms = [a for a in self.model.actors if a.helix == "industry"]
        if all(a.member is None for a in firms):
            return say(notes["critical_mass"], self.lang, firms=len(firms))
        members = sum(bool(a.member) for a in firms)
        if len(firms) == 1:
            key = "one_firm_member" if members else "one_firm_not_member"
        else:
            key = "none" if not members else "one" if members == 1 else "many"
        variants = notes["critical_mass_members"]
        return say(variants[key], self.lang, firms=len(firms), members=members)

    def recommendation(self) -> dict[str, Any]:
        """The förstudie's recommendation, from the phase's exit check: go on to the next phase,
        go on with conditions, or not yet; what is in place and what must come first.

        In the last phase there is no next one: the recommendation is about continuing.
        """
        results = self.results
        exit_check = [r for r in results if r.item.group == "exit"]
        judged = [r for r in exit_check if r.status != "unknown"]
        done = sum(r.status == "done" for r in judged)
        progress = sum({"done": 2, "partial": 1}.get(r.status, 0) for r in judged)
        tasks_open = [
            r for r in results if r.item.group == "tasks" and r.status in ("partial", "missing")
        ]
        if judged and done == len(judged) and not any(r.status == "missing" for r in tasks_open):
            decision = "go"
        elif (
            judged
            and progress >= len(judged)  # half way, a partial item counting half
            and not any(r.status == "missing" for r in judged)  # and each begun
        ):
            decision = "go_with_conditions"
        else:
            decision = "not_yet"
        following = next_phase(self.model.initiative.phase)
        notes = self.t["documents"]["notes"]
        decided = self.model.prestudy.decision  # the team's own conclusion, when it has one
        texts = notes["decided"] if decided else notes["recommendation"]
        decision = decided or decision
        key = decision if following else f"last_{decision}"
        # what must come first: the exit check's open items, then the phase's open tasks
        conditions = [r for r in exit_check if r.status in ("partial", "missing")] + tasks_open
        said = {r.shortfall(self.lang) for r in conditions if r.item.group == "exit"}
        conditions = [  # a task short of what an exit item is short of is one condition
            r for r in conditions if r.item.group == "exit" or r.shortfall(self.lang) not in said
        ]
        return {
            "decision": decision,
            "label": self.label("decision", decision),
            "decided": bool(decided),
            "text": say(
                texts[key],
                self.lang,
                next=following.name[self.lang].lower() if following else "",
                done=done,
                total=len(judged),
            ),
            "conditions": [
                f"{r.item.label[self.lang]}: {_lower_first(r.shortfall(self.lang))}"
                for r in (conditions if decision != "go" else tasks_open)
            ],
        }


def _with_funder_labels(all_labels: dict[str, Any]) -> dict[str, Any]:
    """The labels with the funder's texts (their own block of the label file) joined to the
    documents' sections of the same name, where templates and this module look for them."""
    documents = dict(all_labels["documents"])
    for section, texts in all_labels["funder"].items():
        documents[section] = {**documents.get(section, {}), **texts}
    return {**all_labels, "documents": documents}


def _serial(day: dt.date) -> float:
    """`day` as a workbook's date serial, which a chart's time axis counts in."""
    return float((day - _SERIAL_ZERO).days)


def _time_axis(start: float, end: float) -> DateAxis:
    """A time axis over `start`–`end` (date serials), ticked every 1, 2, 3, 6 or 12 months
    (January, April … for quarters), the fewest that keep to MAX_TICKS, each labelled with the
    month it begins. An axis knows days, not months, so its ticks are an average month apart;
    from the TICK_LAG-th day of a month, each falls in the first week of its month (days 1–7
    over any span), where it names that month and its gridline marks the month's start. The
    first is in the month of `start`: a bar from the month's first day starts at its gridline
    (the axis leaves out the lag), not a whole step after an empty one."""
    day = _SERIAL_ZERO + dt.timedelta(days=math.floor(start))
    month = day.year * 12 + day.month - 1  # counted from year 0, January 0
    origin, count, months = 0.0, 0, 1
    for months in TICK_MONTHS:
        tick = month - month % months
        origin = _serial(dt.date(tick // 12, tick % 12 + 1, 1)) + TICK_LAG
        count = max(math.ceil((end - origin) / (months * _MONTH_DAYS)), 1)
        if count <= MAX_TICKS:
            break
    step = months * _MONTH_DAYS
    return DateAxis(origin, origin + count * step, step, "yyyy" if months == 12 else "mmm yyyy")


def _indicator_category(indicator: Any) -> str:
    """An indicator as a chart names it: its name, short, and its unit."""
    unit = _text(indicator.unit)
    return abbreviated(_text(indicator.name), 40) + (f" ({unit})" if unit else "")


def _whole_percents(shares: dict[Any, float]) -> dict[Any, float]:
    """`shares` (0–1) rounded to whole percents that add up to 100 where they can (largest
    remainders first: 76 %, 7 % and 18 % would add up to 101). Equal remainders are rounded
    alike, so that two equal amounts never show two percents (a third each: 33 % each, not
    34 % for one); a share above nothing is at least 1 %."""
    if not any(shares.values()):
        return shares
    floors = {k: int(round(v * 100, 9)) for k, v in shares.items()}
    left = 100 - sum(floors.values())
    remainders: dict[float, list[Any]] = {}
    for key, share in shares.items():
        remainders.setdefault(round(share * 100 - floors[key], 9), []).append(key)
    for remainder in sorted(remainders, reverse=True):
        tied = remainders[remainder]
        if left <= 0 or remainder == 0:
            break
        if len(tied) <= left or 2 * left >= len(tied):  # all up, or (nearer 100) all up too
            for key in tied:
                floors[key] += 1
        left -= len(tied)
    for key, share in shares.items():  # a share there is is not shown as none: 1 %, not 0 %
        if share > 0 and floors[key] == 0:
            floors[key] = 1
            floors[max(floors, key=floors.__getitem__)] -= 1
    return {k: v / 100 for k, v in floors.items()}


def _sum_amounts(rows: Iterable[dict[int, float]]) -> dict[int, float]:
    totals: dict[int, float] = {}
    for amounts in rows:
        for year, value in amounts.items():
            totals[year] = totals.get(year, 0) + value
    return totals


def _point_label(names: list[str], more: str) -> str:
    """The label of a scatter's point: its actors' names, each on lines of about
    `LABEL_LINE` characters, so that neighbouring labels do not run into each other; past
    `POINT_NAMES` actors, the first ones and how many more (`more`; the table names all)."""
    shown = names if len(names) <= POINT_NAMES else names[: POINT_NAMES - 1]
    lines = []
    for name in shown:
        line = ""
        for word in abbreviated(name, 3 * LABEL_LINE).split():
            if line and len(line) + 1 + len(word) > LABEL_LINE:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    if len(shown) < len(names):
        lines.append(more.format(n=len(names) - len(shown)))
    return "\n".join(lines)


def _lower_first(text: str) -> str:
    """A sentence's text to follow a colon: its first letter in lower case, unless a name."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def initiative_context(
    model: InitiativeFile,
    lang: str | None = None,
    today: dt.date | None = None,
    folder: Path | None = None,
) -> dict[str, Any]:
    """Return what the Word templates see for `model`, in `lang` (default: the file's);
    `folder` is the initiative file's, where its logo is looked for (none: no logo)."""
    return _Builder(model, lang or model.language, today or dt.date.today(), folder).build()
