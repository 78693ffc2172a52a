"""The content of one module's slide deck, in the order a coach runs the day.

The result is a list of slide descriptions (plain data): the program's own slides (title,
purpose, agenda, participants, the cohort's phases, reflections, follow-up, homework, closing)
around the module's built-in content from `data/modules/<lang>/modul-N.yaml`. The renderer only
lays them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from klusterdocs.context.format import Formatter, clean_text
from klusterdocs.data import load_data
from klusterdocs.i18n import enum_label, labels
from klusterdocs.loading import LoadedProgram
from klusterdocs.model.program import Module, Session
from klusterdocs.phases import phases

SlideKind = Literal[
    "title",
    "section",
    "bullets",
    "two_columns",
    "quote",
    "table",
    "participant",
    "phases",
    "closing",
]


@dataclass
class Slide:
    """One slide (before pagination): what it says, not how it looks."""

    kind: SlideKind
    title: str
    subtitle: str = ""
    bullets: list[str] = field(default_factory=list)
    numbered: bool = False
    left: tuple[str, list[str]] = ("", [])
    right: tuple[str, list[str]] = ("", [])
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    phases: list[tuple[str, list[str], bool]] = field(default_factory=list)
    source: str = ""
    notes: str = ""


def module_content(number: int, lang: str) -> dict[str, Any]:
    """The built-in (or overridden) content of module `number` in `lang`."""
    content: dict[str, Any] = load_data(f"modules/{lang}/modul-{number}.yaml")
    return content


def _when(sessions: list[Session], fmt: Formatter) -> str:
    """`Glava, 14–15 juni 2012 · Stockholm, 20 augusti 2012`."""
    parts = []
    for s in sessions:
        if s.end_date and s.end_date != s.date:
            same_month = (s.end_date.year, s.end_date.month) == (s.date.year, s.date.month)
            first = str(s.date.day) if same_month else fmt.date(s.date).rsplit(" ", 1)[0]
            parts.append(f"{clean_text(s.place)}, {first}–{fmt.date(s.end_date)}")
        else:
            parts.append(f"{clean_text(s.place)}, {fmt.date(s.date)}")
    return " · ".join(parts)


def deck_slides(loaded: LoadedProgram, number: int, lang: str | None = None) -> list[Slide]:
    """Every slide of module `number`'s deck, in order."""
    program = loaded.model
    lang = lang or program.language
    module = program.module(number)
    if module is None:
        raise KeyError(number)
    t: dict[str, Any] = labels(lang)["deck"]
    fmt = Formatter(lang)
    content = module_content(number, lang)
    slides: list[Slide] = []
    title = clean_text(program.program.title)
    module_title = t["module"].format(number=number) + f": {clean_text(module.title)}"
    subtitle = " · ".join(
        x for x in (clean_text(program.program.subtitle or ""), _when(module.sessions, fmt)) if x
    )
    slides.append(
        Slide(
            "title",
            f"{title}\n{module_title}",
            subtitle=subtitle,
            notes=clean_text(program.program.organiser or ""),
        )
    )
    slides.append(
        Slide("bullets", t["purpose"], bullets=[clean_text(p) for p in content.get("purpose", [])])
    )
    if number == 1 and program.program.purpose:
        slides.append(
            Slide(
                "bullets",
                t["program_purpose"],
                bullets=[clean_text(p) for p in program.program.purpose],
            )
        )
    if module.agenda:
        slides.append(
            Slide(
                "table",
                t["agenda"],
                columns=[t["agenda_columns"][k] for k in ("time", "item", "kind")],
                rows=[
                    [
                        clean_text(a.time),
                        clean_text(a.item) + (f" ({clean_text(a.lead)})" if a.lead else ""),
                        enum_label(lang, "agenda_kind", a.kind),
                    ]
                    for a in module.agenda
                ],
            )
        )
    if number == 1 and program.participants:
        slides.append(Slide("section", t["participants"]))
        slides += [_participant_slide(p, loaded, lang, t) for p in program.participants]
    slides += [_content_slide(raw, t) for raw in content.get("slides", [])]
    slides.append(_cohort_slide(loaded, lang, t))
    slides += _reflection_slides(loaded, module, t)
    previous = program.module(number - 1)
    follow_up = [c for c in program.commitments if previous and c.module == previous.number]
    if follow_up:
        names = {p.id: clean_text(p.name) for p in program.participants}
        slides.append(
            Slide(
                "table",
                t["commitments"],
                columns=[t["commitment_columns"]["participant"], t["commitment_columns"]["text"]],
                rows=[[names[c.participant], clean_text(c.text)] for c in follow_up],
            )
        )
    if module.homework:
        slides.append(
            Slide("bullets", t["homework"], bullets=[clean_text(h) for h in module.homework])
        )
    slides.append(_closing_slide(program, module, fmt, t))
    return slides


def _participant_slide(p: Any, loaded: LoadedProgram, lang: str, t: dict[str, Any]) -> Slide:
    facts = [(t["role"], p.role), (t["organisation"], p.organisation)]
    initiative = loaded.initiatives.get(p.id)
    if initiative:
        i = initiative.initiative
        facts += [
            (t["initiative"], i.name),
            (t["region"], i.region),
            (t["focus"], i.focus),
            (t["phase"], enum_label(lang, "phase", i.phase)),
        ]
    facts += [(t["experience"], p.experience), (t["expectations"], p.expectations)]
    subtitle = t["group"].format(group=p.group) if p.group else ""
    return Slide(
        "participant",
        clean_text(p.name),
        subtitle=subtitle,
        facts=[(label, clean_text(value)) for label, value in facts if value],
    )


def _content_slide(raw: dict[str, Any], t: dict[str, Any]) -> Slide:
    kind = raw.get("kind", "bullets")
    source = t["source"].format(source=raw["source"]) if raw.get("source") else ""
    if kind == "two_columns":
        left, right = raw.get("left", {}), raw.get("right", {})
        return Slide(
            "two_columns",
            raw["title"],
            source=source,
            left=(left.get("heading", ""), left.get("bullets", [])),
            right=(right.get("heading", ""), right.get("bullets", [])),
        )
    if kind == "quote":
        return Slide("quote", raw["title"], bullets=[raw["quote"]], source=source)
    if kind == "section":
        return Slide("section", raw["title"], subtitle=raw.get("subtitle", ""))
    return Slide(
        "bullets",
        raw["title"],
        bullets=raw.get("bullets", []),
        numbered=bool(raw.get("numbered")),
        source=source,
    )


def _cohort_slide(loaded: LoadedProgram, lang: str, t: dict[str, Any]) -> Slide:
    """The cohort's initiatives placed in Reglab's four phases."""
    by_phase: dict[str, list[str]] = {key: [] for key in phases()}
    for p in loaded.model.participants:
        initiative = loaded.initiatives.get(p.id)
        if initiative:
            name = clean_text(initiative.initiative.name)
            if name not in by_phase[initiative.initiative.phase]:
                by_phase[initiative.initiative.phase].append(name)
    return Slide(
        "phases",
        t["cohort_phases"],
        phases=[
            (info.name[lang], by_phase[key], bool(by_phase[key])) for key, info in phases().items()
        ],
        notes="" if any(by_phase.values()) else t["cohort_none"],
    )


def _reflection_slides(loaded: LoadedProgram, module: Module, t: dict[str, Any]) -> list[Slide]:
    out = []
    for r in loaded.model.reflections:
        if r.module != module.number:
            continue
        title = t["reflections"].format(topic=clean_text(r.topic))
        subtitle = t["group"].format(group=r.group) if r.group else ""
        out.append(
            Slide(
                "bullets",
                f"{title} – {subtitle}" if subtitle else title,
                bullets=[clean_text(n) for n in r.notes],
            )
        )
    return out


def _closing_slide(program: Any, module: Module, fmt: Formatter, t: dict[str, Any]) -> Slide:
    following = program.module(module.number + 1)
    lines = []
    if following:
        lines.append(
            t["next_module"].format(
                number=following.number,
                title=clean_text(following.title),
                when=_when(following.sessions, fmt) or "–",
            )
        )
    else:
        lines.append(t["last_module"])
    if program.program.staff:
        lines.append(
            t["staff"].format(names=", ".join(clean_text(s.name) for s in program.program.staff))
        )
    return Slide("closing", t["closing"], bullets=lines)


def deck_date(loaded: LoadedProgram, number: int) -> dt.date | None:
    """The module's first session date: the deck's date in its properties."""
    module = loaded.model.module(number)
    return module.sessions[0].date if module and module.sessions else None
