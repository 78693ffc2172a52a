"""The content of one module's slide deck, in the order a coach runs the day.

The result is a list of slide descriptions (plain data). After the title and the day's agenda,
each agenda item gets its slides in its place: a section slide with the item, its time box and
kind, then its content — the built-in module's (`data/modules/<lang>/modul-N.yaml`, matched to
the item by name or kind), the item's own `slides` from the program file, and the slides made
from the program (participants, the Reglab model, exercises with their groups, follow-up,
homework). Every slide carries speaker notes. The renderer only lays them out.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from klusterdocs.context.format import Formatter, clean_text, stopped_once
from klusterdocs.data import load_data
from klusterdocs.i18n import capitalised, enum_label, labels, quoted, say
from klusterdocs.loading import LoadedProgram
from klusterdocs.model.program import AgendaItem, Module, ProgramFile, Session
from klusterdocs.model.types import clock, minutes_of_day
from klusterdocs.phases import phases
from klusterdocs.render.charts import ChartSpec, Series
from klusterdocs.render.markup import escaped

SlideKind = Literal[
    "title",
    "section",
    "bullets",
    "two_columns",
    "quote",
    "table",
    "participant",
    "phases",
    "chart",
    "closing",
]

COHORT_CHART_FROM = 12
"""A cohort larger than this gets a chart of its phases after the diagram of their names:
too many names to take in at a glance (a smaller one's chart would repeat the diagram)."""

GROUP_WORK = ("group_reflection", "case")
"""Agenda kinds run as group work: their exercise slide lists the groups."""

GENERATED = (
    "purpose",
    "program_purpose",
    "modules",
    "recap",
    "model",
    "participants",
    "expectations",
    "cohort",
    "follow_up",
    "exercise",
    "reflections",
    "homework",
    "commitments",
)
"""Slides made from the program, which a module's content may place with `generated: NAME`."""


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
    phases: list[tuple[str, list[str], bool]] = field(default_factory=list)
    chart: ChartSpec | None = None
    source: str = ""
    notes: str = ""
    exercise: bool = False  # the task on screen while the groups work
    column_notes: tuple[str, str] = ("", "")  # each column's, should they go on slides apart


@dataclass
class Block:
    """The built-in content of one agenda item: which items it belongs to, and its slides."""

    match: list[str] = field(default_factory=list)  # item names it belongs to (their start)
    kinds: list[str] = field(default_factory=list)  # or agenda kinds it belongs to
    questions: list[str] = field(default_factory=list)
    # about the previous module's homework as the built-in program gives it
    homework_questions: list[str] = field(default_factory=list)
    bring_back: str = ""
    slides: list[dict[str, Any]] = field(default_factory=list)

    def fits(self, item: AgendaItem) -> bool:
        """Whether this content belongs to agenda `item`."""
        name = _key(item.item)
        return any(name.startswith(_key(m)) for m in self.match) or (
            item.kind is not None and item.kind in self.kinds
        )


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", clean_text(text).casefold()).strip()


def module_content(number: int, lang: str) -> dict[str, Any]:
    """The built-in (or overridden) content of module `number` in `lang`."""
    content: dict[str, Any] = load_data(f"modules/{lang}/modul-{number}.yaml")
    return content


def module_blocks(content: dict[str, Any]) -> list[Block]:
    """A module's content as blocks; a file with one flat `slides` list is one block."""
    blocks = [
        Block(
            match=list(raw.get("match", [])),
            kinds=list(raw.get("kinds", [])),
            questions=list(raw.get("questions", [])),
            homework_questions=list(raw.get("homework_questions", [])),
            bring_back=raw.get("bring_back", ""),
            slides=list(raw.get("slides", [])),
        )
        for raw in content.get("items", [])
    ]
    if content.get("slides"):
        blocks.append(Block(slides=list(content["slides"])))
    return blocks


def _when(sessions: list[Session], fmt: Formatter) -> str:
    """`Glava, 14–15 juni 2012 · Stockholm, 20 augusti 2012`."""
    parts = []
    for s in sessions:
        parts.append(f"{clean_text(s.place)}, {fmt.days(s.date, s.end_date or s.date)}")
    return " · ".join(parts)


def ordered_agenda(module: Module) -> list[AgendaItem]:
    """The agenda in time order; a module of more than one day in the order written (its
    second day's 08:30 comes after the first day's dinner)."""
    several_days = len(set(_session_days(module.sessions))) > 1
    if several_days or any(minutes_of_day(a.time) is None for a in module.agenda):
        return list(module.agenda)
    return sorted(module.agenda, key=lambda a: minutes_of_day(a.time) or 0)


def day_starts(agenda: list[AgendaItem]) -> list[int]:
    """Where each day of an agenda in its order starts: a module of several days is written
    day after day, so a day starts where the time goes back (day 2's 08:30 after dinner)."""
    starts = [0]
    for index in range(1, len(agenda)):
        before, now = minutes_of_day(agenda[index - 1].time), minutes_of_day(agenda[index].time)
        if before is not None and now is not None and now < before:
            starts.append(index)
    return starts


def _session_days(sessions: list[Session]) -> list[dt.date]:
    """Every day the module's sessions take, in order."""
    days: list[dt.date] = []
    for s in sessions:
        last = max(s.end_date or s.date, s.date)
        days += [s.date + dt.timedelta(n) for n in range((last - s.date).days + 1)]
    return days


@dataclass(frozen=True)
class TimeBox:
    start: str
    end: str  # "" for the day's last item
    minutes: int | None


def _time_boxes(agenda: list[AgendaItem]) -> list[TimeBox]:
    """Each item runs from its time to the next item's."""
    boxes = []
    for index, item in enumerate(agenda):
        following = agenda[index + 1] if index + 1 < len(agenda) else None
        start = minutes_of_day(item.time)
        end = minutes_of_day(following.time) if following else None
        minutes = end - start if start is not None and end is not None and end > start else None
        # an item that ends where it starts, or before (the next day's agenda), has no end known
        shown_end = clock(following.time) if following and minutes else ""
        boxes.append(TimeBox(clock(item.time), shown_end, minutes))
    return boxes


class _Deck:
    """Builds one module's slides; holds what every slide needs to know."""

    def __init__(self, loaded: LoadedProgram, module: Module, lang: str) -> None:
        self.loaded, self.module, self.lang = loaded, module, lang
        self.program: ProgramFile = loaded.model
        self.t: dict[str, Any] = labels(lang)["deck"]
        self.d: dict[str, Any] = labels(lang)["deck_day"]
        self.fmt = Formatter(lang)
        self.content = module_content(module.number, lang)
        self.placed: set[str] = set()  # generated slides already in the deck
        self.claimed: set[str] = set()  # generated slides the module's content places
        self.built_in = True
        self.groups_shown = False  # the groups slide comes with the day's first group work
        self.names = {p.id: clean_text(p.name) for p in self.program.participants}
        # the program's first meeting in the file: where the program and its people are shown
        # (module 1, or the first a file without it has)
        self.first = module.number == min(m.number for m in self.program.modules)

    # -- the day -------------------------------------------------------------------------------
    def slides(self) -> list[Slide]:
        agenda = ordered_agenda(self.module)
        replace = self.module.slides == "replace"
        blocks = module_blocks(self.content)
        placed = _place_blocks(blocks, agenda)
        shown = [b for at in placed.values() for b in at] if agenda else blocks
        self.built_in = bool(shown)  # the module's built-in content is in this day
        # what the content places itself is not also put in the defaults' places
        self.claimed = {
            str(raw["generated"]) for b in shown for raw in b.slides if raw.get("generated")
        }
        out = [self._title()]
        if not agenda:  # no day to follow: the module's content in its own order
            out += self._opening()
            for block in blocks:
                out += self._block(block, None, None, replace)
            out += self._leftovers(None)
            out.append(self._closing())
            return out
        out.append(self._agenda(agenda))
        boxes = _time_boxes(agenda)
        opening = next((i for i, a in enumerate(agenda) if a.kind != "break"), 0)
        homework = next((i for i, a in enumerate(agenda) if a.kind == "homework"), None)
        # what closes the day follows its homework item, else its last item that is no break
        last = max((i for i, a in enumerate(agenda) if a.kind != "break"), default=None)
        closing = homework if homework is not None else last
        for index, (item, box) in enumerate(zip(agenda, boxes, strict=True)):
            section = self._section(item, box, agenda, index)
            out.append(section)
            if item.kind == "break":
                continue
            content: list[Slide] = []
            for block in placed.get(index, []):
                content += self._block(block, item, box, replace)
            content += [self._own_slide(raw) for raw in item.slides]
            asks = item.questions or any(b.questions for b in placed.get(index, []))
            if (item.kind in GROUP_WORK or asks) and f"exercise@{index}" not in self.placed:
                content += self._exercise(item, box, placed.get(index, []))
            talk = next((n for n, c in enumerate(content) if c.exercise), 0)
            if item.kind in GROUP_WORK and talk > 1:  # the task comes after a talk
                said = say(self.d["notes"]["section_lecture"], self.lang, count=talk)
                # before the group work's advice, which follows the first blank line
                section.notes = section.notes.replace("\n\n", f"\n\n{said} ", 1)
            if index == opening:
                content = self._opening() + content
            if index == closing:
                content += self._leftovers(index)
            out += content
        if closing is None:  # a day of breaks only
            out += self._leftovers(None)
        out.append(self._closing())
        return out

    def _block(
        self, block: Block, item: AgendaItem | None, box: TimeBox | None, replace: bool
    ) -> list[Slide]:
        """A block's slides: its content (unless the program replaces it) and the generated
        slides it places."""
        out: list[Slide] = []
        for raw in block.slides:
            name = raw.get("generated")
            if name:
                out += self._generated(name, item, box, block)
            elif not replace:
                if (
                    raw.get("kind") == "section"
                    and item is not None
                    and _key(raw.get("title", "")) == _key(item.item)
                ):
                    continue  # the agenda item's own section slide says it already
                out.append(self._content_slide(raw))
        return out

    def _generated(
        self, name: str, item: AgendaItem | None, box: TimeBox | None, block: Block | None
    ) -> list[Slide]:
        """The generated slide `name`, once per deck (exercises once per agenda item)."""
        if name not in GENERATED:
            raise ValueError(f"unknown generated slide {name!r}; known: {', '.join(GENERATED)}")
        if name == "exercise":
            if item is None or box is None:
                return []
            key = f"exercise@{ordered_agenda(self.module).index(item)}"
            if key in self.placed:
                return []
            self.placed.add(key)
            return self._exercise(item, box, [block] if block else [])
        if name in self.placed:
            return []
        self.placed.add(name)
        made: list[Slide] = getattr(self, f"_{name}")()
        return made

    def _defaults(self, names: tuple[str, ...]) -> list[Slide]:
        """The generated slides `names` that the module's content does not place itself."""
        out: list[Slide] = []
        for name in names:
            if name not in self.claimed:
                out += self._generated(name, None, None, None)
        return out

    def _opening(self) -> list[Slide]:
        """What opens the day unless the module's content places it: the follow-up of the
        last module's commitments, the purpose, the model, the participants and the cohort."""
        return self._defaults(
            (
                "follow_up",
                "purpose",
                "program_purpose",
                "modules",
                "model",
                "participants",
                "expectations",
                "cohort",
            )
        )

    def _leftovers(self, index: int | None) -> list[Slide]:
        """What closes the day unless the content places it: the groups' reflections, the
        homework, and the commitments to collect."""
        return self._defaults(("reflections", "homework", "commitments"))

    # -- the program's own slides ------------------------------------------------------------
    def _title(self) -> Slide:
        program, module, t, d = self.program.program, self.module, self.t, self.d
        module_title = t["module"].format(number=module.number) + f": {clean_text(module.title)}"
        when = _when(module.sessions, self.fmt)
        subtitle = " · ".join(x for x in (clean_text(program.subtitle or ""), when) if x)
        staff = ", ".join(
            clean_text(s.name) + (f" ({clean_text(s.role)})" if s.role else "")
            for s in program.staff
        )
        said = d["notes"]["title"]
        people = len(self.program.participants)
        notes = _sentences(
            said["welcome"],
            program.organiser and said["organiser"].format(organiser=clean_text(program.organiser)),
            when and said["when"].format(when=when),
            staff and said["staff"].format(staff=staff),
            people and say(said["participants"], self.lang, participants=people),
            said["end" if self.module.agenda else "end_no_agenda"],
        )
        return Slide("title", f"{clean_text(program.title)}\n{module_title}", subtitle, notes=notes)

    def _agenda(self, agenda: list[AgendaItem]) -> Slide:
        t = self.t
        starts = day_starts(agenda)
        dates = _session_days(self.module.sessions)
        rows = []
        for index, a in enumerate(agenda):
            if len(starts) > 1 and index in starts:  # a row that says which day follows
                day = starts.index(index)
                when = self.fmt.weekday(dates[day]) if len(dates) == len(starts) else ""
                rows.append([t["agenda_day"].format(day=day + 1), when, ""])
            rows.append(
                [
                    clock(a.time),
                    clean_text(a.item) + (f" ({clean_text(a.lead)})" if a.lead else ""),
                    enum_label(self.lang, "agenda_kind", a.kind),
                ]
            )
        work = [
            b.minutes
            for a, b in zip(agenda, _time_boxes(agenda), strict=True)
            if a.kind in GROUP_WORK
        ]
        said = self.d["notes"]["agenda"]
        day = sum(b.minutes or 0 for b in _time_boxes(agenda))
        timed = [minutes for minutes in work if minutes]
        share = (
            said["work_untimed"]  # group work at the end of the day: its length is not known
            if len(timed) < len(work)
            else said["most" if len(starts) == 1 else "most_days"]
            if 2 * sum(timed) > day
            else said["work"]
        )
        if len(starts) == 1:
            start = say(said["start"], self.lang, start=clock(agenda[0].time), items=len(agenda))
        else:
            start = " ".join(
                [
                    say(said["days"], self.lang, count=len(starts)),
                    *(
                        say(
                            said["day_start"],
                            self.lang,
                            day=str(n + 1),
                            start=clock(agenda[first].time),
                            items=end - first,
                        )
                        for n, (first, end) in enumerate(itertools.pairwise([*starts, len(agenda)]))
                    ),
                ]
            )
        notes = _sentences(
            start,
            bool(work) and say(share, self.lang, work=len(work), minutes=str(sum(timed))),
            any(a.kind == "break" for a in agenda) and said["breaks"],
        )
        return Slide(
            "table",
            t["agenda"],
            columns=[t["agenda_columns"][k] for k in ("time", "item", "kind")],
            rows=rows,
            notes=notes,
        )

    def _section(
        self, item: AgendaItem, box: TimeBox, agenda: list[AgendaItem], index: int
    ) -> Slide:
        d = self.d
        kind = enum_label(self.lang, "agenda_kind", item.kind)
        span = d["span"].format(start=box.start, end=box.end) if box.end else box.start
        if box.minutes:
            span += " · " + d["minutes"].format(minutes=box.minutes)
        # the kind unless the item is named by it ("Reflektion i grupp · Reflektion i grupp")
        shown = "" if kind.casefold() == clean_text(item.item).casefold() else kind
        subtitle = " · ".join(x for x in (span, shown, clean_text(item.lead or "")) if x)
        following = agenda[index + 1] if index + 1 < len(agenda) else None
        if item.kind == "break":
            back = d["back_at"].format(time=box.end) if box.end else ""
            notes = (
                d["notes"]["break"].format(
                    item=clean_text(item.item), end=box.end, minutes=box.minutes
                )
                if box.end and box.minutes
                else d["notes"]["break_open"].format(item=clean_text(item.item))
            )
            return Slide(
                "section",
                clean_text(item.item),
                " · ".join(x for x in (span, back) if x),
                notes=notes,
            )
        name = clean_text(item.item)
        notes = _sentences(
            # "Varför misslyckas?: 15:20" would not do: a question stands before the time alone
            d["notes"]["section_asked" if name.endswith(("?", "!", ":")) else "section"].format(
                item=name, when=f"{span} ({kind})" if kind else span
            ),
            following is not None
            and d["notes"]["section_next"].format(
                next=f"{clock(following.time)} {clean_text(following.item)}"
            ),
        )
        if item.kind in GROUP_WORK:
            notes += "\n\n" + d["notes"]["section_group"]
        return Slide("section", clean_text(item.item), subtitle, notes=notes)

    def _purpose(self) -> list[Slide]:
        """The built-in module's purpose, where its content is the day's."""
        about = self.content.get("phase")  # a module of another phase has another purpose
        if not self.built_in or (self.module.phase and about and self.module.phase != about):
            return []
        bullets = [clean_text(p) for p in self.content.get("purpose", [])]
        if not bullets:
            return []
        return [
            Slide("bullets", self.t["purpose"], bullets=bullets, notes=self.d["notes"]["purpose"])
        ]

    def _program_purpose(self) -> list[Slide]:
        purpose = self.program.program.purpose
        if not self.first or not purpose:
            return []
        return [
            Slide(
                "bullets",
                self.t["program_purpose"],
                bullets=[clean_text(p) for p in purpose],
                notes=self.d["notes"]["program_purpose"],
            )
        ]

    def _modules(self) -> list[Slide]:
        """The program's modules with their places and dates (the first module's overview)."""
        if not self.first or len(self.program.modules) < 2:
            return []
        d = self.d
        rows = [
            [
                str(m.number),
                clean_text(m.title),
                _when(m.sessions, self.fmt) or "–",
            ]
            for m in sorted(self.program.modules, key=lambda m: m.number)
        ]
        return [
            Slide(
                "table",
                say(d["modules"], self.lang, count=len(rows)),
                columns=[d["modules_columns"][k] for k in ("number", "title", "when")],
                rows=rows,
                notes=d["notes"]["modules"],
            )
        ]

    def _recap(self) -> list[Slide]:
        """The program looked back on: each module of the file with the phase it followed."""
        modules = sorted(self.program.modules, key=lambda m: m.number)
        if len(modules) < 2:
            return []
        d, lang = self.d, self.lang
        bullets = [
            d["recap_module"].format(number=m.number, title=escaped(clean_text(m.title)))
            + (f" {enum_label(lang, 'phase', m.phase).lower()}" if m.phase else "")
            for m in modules
        ]
        every_phase = all(m.phase for m in modules)
        notes = _sentences(
            d["notes"]["recap"],
            every_phase and d["notes"]["recap_phases"],
            d["notes"]["recap_purpose"],
        )
        title = say(d["recap"], lang, count=len(modules))
        return [Slide("bullets", title, bullets=bullets, notes=notes)]

    def _model(self) -> list[Slide]:
        """Reglab's model: the four phases and what each asks for; the module's highlighted."""
        lang, d = self.lang, self.d
        rows = []
        for key, info in phases().items():
            asks = [i.label[lang] for i in info.checklist if i.group == "exit"]
            rows.append((info.name[lang], asks, key == self.module.phase))
        own = phases().get(self.module.phase or "")
        notes = _sentences(
            d["notes"]["model"],
            own is not None
            and d["notes"]["model_phase"]
            .format(
                phase=own.name[lang],
                about=clean_text(own.about[lang]),
                leadership=clean_text(own.leadership[lang]),
            )
            .strip(),
        )
        return [Slide("phases", d["model"], phases=rows, notes=notes, source=d["model_source"])]

    def _participants(self) -> list[Slide]:
        """The participants two to a slide, side by side: each one's slide while they present
        themselves, without a slide per person (a cohort of twenty made twenty slides)."""
        if not self.first or not self.program.participants:
            return []
        # by group, so that a slide tends to show two of a group (in the file's order within it)
        ordered = sorted(self.program.participants, key=lambda p: (p.group is None, p.group or 0))
        people = [self._participant(p) for p in ordered]
        out = []
        for page in range(0, len(people), 2):
            pair = people[page : page + 2]
            # not numbered: where a pair does not fit side by side, it takes two slides
            title = self.t["participants"] + (f" {self.t['continued']}" if page else "")
            out.append(
                Slide(
                    "participant",
                    title,
                    left=pair[0][0],
                    right=pair[1][0] if len(pair) > 1 else ("", []),
                    notes="\n\n".join(notes for _, notes in pair),
                    column_notes=(pair[0][1], pair[1][1] if len(pair) > 1 else ""),
                )
            )
        if self.module.agenda:  # the agenda item's own section slide introduces them
            return out
        notes = say(
            self.d["notes"]["participants"], self.lang, count=len(self.program.participants)
        )
        return [Slide("section", self.t["participants"], notes=notes), *out]

    def _participant(self, p: Any) -> tuple[tuple[str, list[str]], str]:
        """One participant's column (their name over their group and facts) and notes."""
        t, lang = self.t, self.lang
        facts = [(t["role"], p.role), (t["organisation"], p.organisation)]
        initiative = self.loaded.initiatives.get(p.id)
        if initiative:
            i = initiative.initiative
            facts += [
                (t["initiative"], i.name),
                (t["region"], i.region),
                (t["focus"], i.focus),
                (t["phase"], enum_label(lang, "phase", i.phase)),
            ]
        elif p.phase:
            facts.append((t["phase"], enum_label(lang, "phase", p.phase)))
        facts += [(t["experience"], p.experience), (t["expectations"], p.expectations)]
        lines = [escaped(t["group"].format(group=p.group))] if p.group else []
        lines += [f"**{label}:** {escaped(clean_text(value))}" for label, value in facts if value]
        n = self.d["notes"]
        notes = [n["participant"].format(name=clean_text(p.name))]
        if p.experience:
            notes.append(n["experience"].format(text=clean_text(p.experience)))
        if p.expectations:
            notes.append(n["their_expectations"].format(text=clean_text(p.expectations)))
        if initiative:
            i = initiative.initiative
            notes.append(
                n["initiative"].format(
                    name=clean_text(i.name), phase=enum_label(lang, "phase", i.phase)
                )
            )
        return (escaped(clean_text(p.name)), lines), "\n".join(notes)

    def _expectations(self) -> list[Slide]:
        said = [
            (clean_text(p.name), clean_text(p.expectations))
            for p in self.program.participants
            if p.expectations
        ]
        if not self.first or not said:
            return []
        shared = Counter(text for _, text in said)  # an expectation many share is said once
        bullets = [
            text if n == 1 else self.d["expectation_shared"].format(text=text, count=n)
            for text, n in shared.items()
        ]
        return [
            Slide(
                "bullets",
                self.d["expectations"],
                bullets=bullets,
                notes=self.d["notes"]["expectations"]
                + "\n\n"
                + "\n".join(f"{name}: {text}" for name, text in said),
            )
        ]

    def _cohort(self) -> list[Slide]:
        """Every participant placed in Reglab's four phases: by the linked initiative's phase,
        else the participant's own `phase`; the module's phase is highlighted."""
        lang, d = self.lang, self.d
        by_phase: dict[str, list[str]] = {key: [] for key in phases()}
        unplaced = []
        for p in self.program.participants:
            initiative = self.loaded.initiatives.get(p.id)
            if initiative:
                where = clean_text(initiative.initiative.name)
                phase: str | None = initiative.initiative.phase
            else:
                where, phase = clean_text(p.organisation or ""), p.phase
            if phase is None:
                unplaced.append(clean_text(p.name))
                continue
            by_phase[phase].append(
                f"{clean_text(p.name)}, {where}" if where else clean_text(p.name)
            )
        if not any(by_phase.values()):  # four empty phases say nothing
            return []
        info = phases()
        counts = ", ".join(
            f"{info[key].name[lang]} {len(names)}" for key, names in by_phase.items() if names
        )
        notes = d["notes"]["cohort"].format(counts=counts or "–")
        shown = unplaced[:4] + (
            [d["more"].format(n=len(unplaced) - 4)] if len(unplaced) > 4 else []
        )
        source = d["unplaced"].format(names=", ".join(shown)) if unplaced else ""
        if unplaced:
            notes += "\n\n" + d["notes"]["unplaced"] + " " + ", ".join(unplaced)
        slides = [
            Slide(
                "phases",
                self.t["cohort_phases"],
                phases=[
                    (i.name[lang], by_phase[key], key == self.module.phase)
                    for key, i in info.items()
                ],
                notes=notes,
                source=source,
            )
        ]
        placed = sum(len(names) for names in by_phase.values())
        if placed > COHORT_CHART_FROM:
            chart = self._count_chart(
                d["charts"]["cohort"], {i.name[lang]: len(by_phase[k]) for k, i in info.items()}
            )
            slides.append(
                Slide(
                    "chart",
                    chart.title,
                    chart=chart,
                    notes=d["notes"]["cohort_chart"].format(counts=counts),
                )
            )
        return slides

    def _count_chart(self, said: dict[str, str], counts: dict[str, int]) -> ChartSpec:
        """Columns of how many there are of each kind (phase, status): all kinds shown, a
        kind with none as a gap one can see."""
        listed = ", ".join(f"{name} {count}" for name, count in counts.items())
        return ChartSpec(
            language=self.fmt.locale.replace("_", "-"),
            kind="columns",
            title=said["title"],
            alt=said["alt"].format(counts=listed, total=sum(counts.values())),
            series=(Series(said["series"], tuple(float(n) for n in counts.values())),),
            categories=tuple(counts),
            number_format="0",
            text_scale=2,
            titled=False,
        )

    def _questions(self, block: Block) -> list[str]:
        """The content's questions. Those about the previous module's homework as the built-in
        program gives it are asked of the homework the program file gives, where it does."""
        previous = self.program.previous_module(self.module.number)
        given = [clean_text(h) for h in previous.homework] if previous else []
        if not block.homework_questions:
            return list(block.questions)
        about = list(block.homework_questions)
        if given:
            about = [self.d["homework_given"].format(homework=h) for h in given]
            about.append(self.d["homework_question"])
        return [*block.questions[:1], *about, *block.questions[1:]]

    def _exercise(self, item: AgendaItem, box: TimeBox, blocks: list[Block]) -> list[Slide]:
        """The task on screen while the groups work: questions, time box, what to bring back;
        for group work, the groups and their members."""
        d = self.d
        index = ordered_agenda(self.module).index(item)
        self.placed.add(f"exercise@{index}")
        block = next((b for b in blocks if b.questions), None)
        questions = [clean_text(q) for q in item.questions] or (
            self._questions(block) if block else []
        )
        if not questions:
            name = escaped(clean_text(item.item))  # the bullets are Markdown; the name as typed
            questions = [q.format(item=quoted(name, self.lang)) for q in d["default_questions"]]
        group_work = item.kind in GROUP_WORK
        bring_back = clean_text(item.bring_back or "") or (block.bring_back if block else "")
        if group_work and not bring_back:
            bring_back = d["bring_back_default"]
        lecture = self.module.slides != "replace" and any(
            not raw.get("generated") for b in blocks for raw in b.slides
        )
        if lecture and box.end:  # the item's time is shared with what is shown before
            span = d["until"].format(end=box.end)
        elif box.end:
            span = d["span"].format(start=box.start, end=box.end)
            if box.minutes:
                span += " · " + d["minutes"].format(minutes=box.minutes)
        else:  # the day's last item: no end is known
            span = d["from"].format(start=box.start)
        right = [capitalised(span)]
        people = len(self.program.participants)
        if not group_work and box.minutes and people:
            # rounded down: the round must fit its time box
            right.append(d["per_person"].format(minutes=max(1, box.minutes // people)))
        if bring_back:
            right.append(f"**{d['bring_back']}:** {bring_back}")
        groups = self._groups() if group_work else []
        real = sum(name != self.d["no_group"] for name, _ in groups)  # not those without one
        again = bool(groups) and self.groups_shown  # shown once a day; after, "the same"
        if groups:
            right.append(d["same_groups"] if again else say(d["in_groups"], self.lang, count=real))
        title = d["exercise"].format(item=clean_text(item.item))
        remind = max(5, 5 * round((box.minutes or 0) / 30))  # a sixth, to five minutes
        notes = d["notes"]["exercise"].format(
            span=span,
            remind=remind,
            bring_back=bring_back or "–",
            groups=d["notes"][
                "groups_same" if again else "groups_shown" if groups else "groups_free"
            ],
        )
        if not group_work:
            notes = d["notes"]["round"].format(span=span, people=people)
        out = [
            Slide(
                "two_columns",
                title,
                left=(d["questions"], questions),
                right=(d["time"], right),
                notes=notes,
                exercise=True,
            )
        ]
        if groups and not again:
            self.groups_shown = True
            out.append(
                Slide(
                    "table",
                    d["groups"].format(item=clean_text(item.item)),
                    columns=[d["groups_columns"]["group"], d["groups_columns"]["members"]],
                    rows=[[name, ", ".join(members)] for name, members in groups],
                    notes=say(d["notes"]["groups"], self.lang, count=real),
                )
            )
        return out

    def _groups(self) -> list[tuple[str, list[str]]]:
        """The groups (`participants[].group`) with their members, in group order."""
        members: dict[int, list[str]] = {}
        loose = []
        for p in self.program.participants:
            if p.group is None:
                loose.append(clean_text(p.name))
            else:
                members.setdefault(p.group, []).append(clean_text(p.name))
        if not members:
            return []
        out = [(self.t["group"].format(group=g), names) for g, names in sorted(members.items())]
        if loose:
            out.append((self.d["no_group"], loose))
        return out

    def _reflections(self) -> list[Slide]:
        out = []
        n = self.d["notes"]["reflection"]
        for r in self.program.reflections:
            if r.module != self.module.number:
                continue
            title = self.t["reflections"].format(topic=clean_text(r.topic))
            subtitle = self.t["group"].format(group=r.group) if r.group else ""
            out.append(
                Slide(
                    "bullets",
                    f"{title} – {subtitle}" if subtitle else title,
                    bullets=[clean_text(x) for x in r.notes],
                    notes=n.format(group=subtitle or "–", topic=clean_text(r.topic)),
                )
            )
        return out

    def _follow_up(self) -> list[Slide]:
        """The previous module's commitments, with how far each has come."""
        previous = self.program.previous_module(self.module.number)
        follow_up = [
            c for c in self.program.commitments if previous and c.module == previous.number
        ]
        if not follow_up:
            return []
        t, d = self.t, self.d
        columns = [t["commitment_columns"]["participant"], t["commitment_columns"]["text"]]
        with_status = any(c.status for c in follow_up)
        if with_status:
            columns.append(d["status_column"])
        rows = []
        for c in follow_up:
            row = [self.names[c.participant], clean_text(c.text)]
            if with_status:
                row.append(
                    d["status"].get(c.status, d["no_status"]) if c.status else d["no_status"]
                )
            rows.append(row)
        done = sum(c.status == "done" for c in follow_up)
        committed = {c.participant for c in follow_up}
        missing = [self.names[p.id] for p in self.program.participants if p.id not in committed]
        notes = _sentences(
            say(d["notes"]["follow_up"], self.lang, count=len(follow_up), done=done),
            bool(missing) and d["notes"]["follow_up_missing"].format(names=", ".join(missing)),
        )
        slides = [Slide("table", t["commitments"], columns=columns, rows=rows, notes=notes)]
        known = sum(c.status is not None for c in follow_up)
        if with_status and 2 * known >= len(follow_up):  # a chart of mostly "not given" says little
            counts = {
                name: sum(c.status == key for c in follow_up) for key, name in d["status"].items()
            }
            unknown = sum(c.status is None for c in follow_up)
            if unknown:
                counts[d["no_status"]] = unknown
            chart = self._count_chart(d["charts"]["follow_up"], counts)
            # some done, all done or none: each says only what there is to ask about
            key = "follow_up_chart" if 0 < done < len(follow_up) else "follow_up_chart_none"
            if done == len(follow_up):
                key = "follow_up_chart_all"
            said = say(d["notes"][key], self.lang, count=len(follow_up), done=done)
            slides.append(Slide("chart", chart.title, chart=chart, notes=said))
        return slides

    def _homework(self) -> list[Slide]:
        if not self.module.homework:
            return []
        return [
            Slide(
                "bullets",
                self.t["homework"],
                bullets=[clean_text(h) for h in self.module.homework],
                notes=self.d["notes"]["homework"],
            )
        ]

    def _commitments(self) -> list[Slide]:
        """A slide to collect each participant's commitment on the day (filled in where the
        program already has them). The last module has one only where the program notes
        commitments for after it, with how far each has come: no later module follows them up."""
        last = self.program.is_last(self.module.number)
        mine = [c for c in self.program.commitments if c.module == self.module.number]
        if not self.program.participants or (last and not mine):
            return []
        t, d = self.t, self.d
        made: dict[str, str] = {}
        for c in mine:  # a participant may have made more than one
            text = clean_text(c.text)
            if last and c.status:
                text += f" ({d['status'].get(c.status, d['no_status']).lower()})"
            made[c.participant] = (
                f"{made[c.participant]}; {text}" if c.participant in made else text
            )
        rows = [[clean_text(p.name), made.get(p.id, "")] for p in self.program.participants]
        noted = sum(bool(text) for _, text in rows)
        return [
            Slide(
                "table",
                d["collect_last" if last else "collect"],
                columns=[t["commitment_columns"]["participant"], t["commitment_columns"]["text"]],
                rows=rows,
                notes=_sentences(
                    d["notes"]["collect_last" if last else "collect"],
                    bool(noted)
                    and d["notes"][
                        "collect_noted_all" if noted == len(rows) else "collect_noted"
                    ].format(noted=noted, count=len(rows)),
                ),
            )
        ]

    def _closing(self) -> Slide:
        program, module, fmt, t = self.program, self.module, self.fmt, self.t
        following = program.next_module(module.number)
        when = _when(following.sessions, fmt) if following else ""
        lines = []
        if following:
            lines.append(
                t["next_module" if when else "next_module_undated"].format(
                    number=following.number, title=clean_text(following.title), when=when
                )
            )
        elif program.is_last(module.number):
            lines.append(t["last_module"])
        if program.program.staff:
            lines.append(
                t["staff"].format(
                    names=", ".join(clean_text(s.name) for s in program.program.staff)
                )
            )
        said = self.d["notes"]
        if following:
            what_next = said["closing_next" if when else "closing_next_undated"].format(
                when=when, number=following.number
            )
        else:
            what_next = said[
                "closing_last" if program.is_last(module.number) else "closing_unknown"
            ]
        notes = _sentences(
            said["closing"],
            what_next,
            bool(module.homework) and said["closing_homework"],
        )
        return Slide("closing", t["closing"], bullets=lines, notes=notes)

    # -- content from data and from the program file -----------------------------------------
    def _content_slide(self, raw: dict[str, Any]) -> Slide:
        t = self.t
        kind = raw.get("kind", "bullets")
        source = t["source"].format(source=raw["source"]) if raw.get("source") else ""
        notes = self._notes(raw)
        if kind == "two_columns":
            left, right = raw.get("left", {}), raw.get("right", {})
            return Slide(
                "two_columns",
                raw["title"],
                source=source,
                left=(left.get("heading", ""), left.get("bullets", [])),
                right=(right.get("heading", ""), right.get("bullets", [])),
                notes=notes,
            )
        if kind == "quote":
            return Slide("quote", raw["title"], bullets=[raw["quote"]], source=source, notes=notes)
        if kind == "section":
            return Slide("section", raw["title"], subtitle=raw.get("subtitle", ""), notes=notes)
        return Slide(
            "bullets",
            raw["title"],
            bullets=raw.get("bullets", []),
            numbered=bool(raw.get("numbered")),
            source=source,
            notes=notes,
        )

    def _notes(self, raw: dict[str, Any]) -> str:
        """A content slide's notes: its own, else a prompt made from its title; and its source."""
        text = str(raw.get("notes") or "").strip()
        if not text:
            text = self.d["notes"]["content"].format(title=raw.get("title", ""))
        if raw.get("source"):
            text += "\n\n" + self.t["source"].format(source=raw["source"])
        return text

    def _own_slide(self, raw: Any) -> Slide:
        """A slide of an agenda item's own content, from the program file."""
        return self._content_slide(
            {
                "title": clean_text(raw.title),
                "bullets": [clean_text(b) for b in raw.bullets],
                "notes": clean_text(raw.notes or ""),
                "source": clean_text(raw.source or ""),
            }
        )


def _sentences(*parts: str | bool | int | None) -> str:
    """The given sentences, in order, as one text; a part left out (false) is skipped. A
    label's full stop after a text that ends its own sentence ("Vad är en god vision?.")
    goes."""
    return " ".join(stopped_once(p) for p in parts if isinstance(p, str) and p)


def _place_blocks(blocks: list[Block], agenda: list[AgendaItem]) -> dict[int, list[Block]]:
    """Which agenda item (by index) each block of content goes with.

    A block goes with the first item it matches (not yet taken, so two "Reflektion i grupp"
    items get a block each). A block that matches no item is left out: its lecture or its
    questions belong to an item this day does not have, and shown under another item they
    would take that item's time and say what it is not about.
    """
    placed: dict[int, list[Block]] = {}
    taken: set[int] = set()
    for block in blocks:
        index = next(
            (i for i, a in enumerate(agenda) if i not in taken and block.fits(a)),
            next((i for i, a in enumerate(agenda) if block.fits(a)), None),
        )
        if index is not None:
            taken.add(index)
            placed.setdefault(index, []).append(block)
    return placed


def deck_slides(loaded: LoadedProgram, number: int, lang: str | None = None) -> list[Slide]:
    """Every slide of module `number`'s deck, in the order of the day."""
    module = loaded.model.module(number)
    if module is None:
        raise KeyError(number)
    return _Deck(loaded, module, lang or loaded.model.language).slides()


def content_left_out(loaded: LoadedProgram, number: int, lang: str | None = None) -> list[str]:
    """The names of the built-in content of module `number` that no agenda item of its day
    takes (an item named otherwise): the coach should know what the deck does not show."""
    module = loaded.model.module(number)
    if module is None or not module.agenda or module.slides == "replace":
        return []
    blocks = module_blocks(module_content(number, lang or loaded.model.language))
    placed = _place_blocks(blocks, ordered_agenda(module))
    shown = {id(b) for at in placed.values() for b in at}
    return [b.match[0] for b in blocks if b.match and id(b) not in shown]


def deck_date(loaded: LoadedProgram, number: int) -> dt.date | None:
    """The module's first session date: the deck's date in its properties."""
    module = loaded.model.module(number)
    return module.sessions[0].date if module and module.sessions else None
