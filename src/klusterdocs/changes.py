"""What changed in an initiative since a git revision, told the way a board wants to hear it.

The initiative at the revision (`git show REV:path`) is validated like any input and compared
with the working tree's: the phase, actors (added, removed, attitude, power/interest quadrant),
goals and indicators (with their values), activities (added, done, cancelled, traffic light),
budget totals per year, and risks (added, removed, re-scored). Each finding is a sentence from
the labels of the document's language.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klusterdocs.context.format import Formatter, clean_text
from klusterdocs.errors import KlusterdocsError, display_path
from klusterdocs.i18n import enum_label, labels
from klusterdocs.model import InitiativeFile


@dataclass
class Section:
    """One part of the change report: a heading and its sentences."""

    heading: str
    lines: list[str] = field(default_factory=list)


@dataclass
class ChangeReport:
    revision: str
    language: str
    sections: list[Section]

    @property
    def empty(self) -> bool:
        return not any(section.lines for section in self.sections)


def _git(folder: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise KlusterdocsError("`changes` needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise KlusterdocsError(f"git {' '.join(args)} did not finish within 60 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise KlusterdocsError(message or f"git {' '.join(args)} failed")
    return done.stdout


def _git_text(folder: Path, *args: str) -> str:
    return _git(folder, *args).decode("utf-8", "replace")


def revision_text(path: Path, since: str | None) -> tuple[str, str]:
    """The file's content at `since` (default: its last commit) and that revision's short id."""
    folder = path.resolve().parent
    try:
        top = Path(_git_text(folder, "rev-parse", "--show-toplevel").strip())
    except KlusterdocsError:
        raise KlusterdocsError(f"{display_path(path)} is not in a git repository") from None
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    if since is None:
        since = _git_text(folder, "log", "-n", "1", "--format=%H", "--", relative).strip()
        if not since:
            raise KlusterdocsError(f"{display_path(path)} has no commits yet; commit it first")
    try:
        short = _git_text(folder, "rev-parse", "--short", f"{since}^{{commit}}").strip()
    except KlusterdocsError:
        raise KlusterdocsError(f"unknown revision '{since}'") from None
    try:
        raw = _git(folder, "show", f"{short}:{relative}")
    except KlusterdocsError:
        raise KlusterdocsError(f"{display_path(path)} did not exist at {short}") from None
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise KlusterdocsError(
            f"{display_path(path)} at {short}, line {line}: not UTF-8 text "
            f"(byte 0x{raw[exc.start]:02x}); that revision cannot be compared"
        ) from None
    return text, short


def changes_since(path: Path, since: str | None, lang: str | None = None) -> ChangeReport:
    """Compare the initiative at `since` with the working tree."""
    from klusterdocs.loading import initiative_from_text, load_initiative

    text, short = revision_text(path, since)
    before = initiative_from_text(text, path, f"{display_path(path)}@{short}")
    after = load_initiative(path)
    return compare(before, after, lang or after.language, short)


def compare(
    before: InitiativeFile, after: InitiativeFile, lang: str, revision: str
) -> ChangeReport:
    """The changes from `before` to `after`, as sentences in `lang`."""
    t: dict[str, Any] = labels(lang)["changes"]
    f: dict[str, Any] = labels(lang)["funder"]["changes"]
    fmt = Formatter(lang, after.budget.currency, cents=before.has_cents or after.has_cents)
    sections = [
        Section(t["headings"]["phase"], _phase(before, after, t, lang)),
        Section(t["headings"]["actors"], _actors(before, after, t, lang)),
        Section(t["headings"]["goals"], _goals(before, after, t, fmt)),
        Section(t["headings"]["activities"], _activities(before, after, t, lang)),
        Section(t["headings"]["budget"], _budget(before, after, t, fmt)),
        Section(t["headings"]["risks"], _risks(before, after, t)),
        Section(f["heading"], _funder(before, after, f, fmt)),
    ]
    return ChangeReport(revision, lang, [s for s in sections if s.lines])


def _moved(
    pattern: str, lang: str, enum: str, before: str | None, after: str | None, **names: str
) -> str:
    """A sentence saying an enum value went from `before` to `after`, both labelled."""
    return pattern.format(
        before=enum_label(lang, enum, before) or "–",
        after=enum_label(lang, enum, after) or "–",
        **names,
    )


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def _phase(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], lang: str
) -> list[str]:
    old, new = before.initiative.phase, after.initiative.phase
    if old == new:
        return []
    return [_moved(t["phase"], lang, "phase", old, new)]


def _actors(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], lang: str
) -> list[str]:
    old, new = _by_id(before.actors), _by_id(after.actors)
    lines = [t["actor_added"].format(name=clean_text(new[i].name)) for i in new if i not in old]
    lines += [t["actor_removed"].format(name=clean_text(old[i].name)) for i in old if i not in new]
    for key in (k for k in new if k in old):
        a, b = old[key], new[key]
        name = clean_text(b.name)
        if a.attitude != b.attitude:
            lines.append(
                _moved(t["actor_attitude"], lang, "attitude", a.attitude, b.attitude, name=name)
            )
        if a.quadrant != b.quadrant:
            lines.append(
                _moved(t["actor_quadrant"], lang, "quadrant", a.quadrant, b.quadrant, name=name)
            )
    return lines


def _goals(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], fmt: Formatter
) -> list[str]:
    old, new = _by_id(before.strategy.goals), _by_id(after.strategy.goals)
    lines = [t["goal_added"].format(text=clean_text(new[i].text)) for i in new if i not in old]
    lines += [t["goal_removed"].format(text=clean_text(old[i].text)) for i in old if i not in new]
    lines += [
        t["goal_changed"].format(before=clean_text(old[i].text), after=clean_text(new[i].text))
        for i in new
        if i in old and old[i].text != new[i].text
    ]
    old_i, new_i = _by_id(before.indicators), _by_id(after.indicators)
    for key in (k for k in new_i if k in old_i):
        a, b = old_i[key], new_i[key]
        name, unit = clean_text(b.name), f" {clean_text(b.unit)}" if b.unit else ""
        la, lb = a.latest_actual, b.latest_actual
        if lb and (la is None or (la.date, la.value) != (lb.date, lb.value)):
            lines.append(
                t["indicator_actual"].format(
                    name=name,
                    before=f"{fmt.number(la.value)}{unit}" if la else "–",
                    after=f"{fmt.number(lb.value)}{unit}",
                    date=fmt.date(lb.date),
                )
            )
        ta, tb = a.final_target, b.final_target
        if tb and (ta is None or (ta.year, ta.value) != (tb.year, tb.value)):
            lines.append(
                t["indicator_target"].format(
                    name=name,
                    before=f"{fmt.number(ta.value)}{unit} ({ta.year})" if ta else "–",
                    after=f"{fmt.number(tb.value)}{unit} ({tb.year})",
                )
            )
    lines += [
        t["indicator_added"].format(name=clean_text(new_i[i].name)) for i in new_i if i not in old_i
    ]
    return lines


def _activities(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], lang: str
) -> list[str]:
    old, new = _by_id(before.activities), _by_id(after.activities)
    lines = [
        t["activity_added"].format(title=clean_text(new[i].title)) for i in new if i not in old
    ]
    lines += [
        t["activity_removed"].format(title=clean_text(old[i].title)) for i in old if i not in new
    ]
    for key in (k for k in new if k in old):
        a, b = old[key], new[key]
        title = clean_text(b.title)
        if a.status != b.status and b.status in ("done", "cancelled"):
            lines.append(t[f"activity_{b.status}"].format(title=title))
        elif a.status != b.status:
            lines.append(
                _moved(t["activity_status"], lang, "status", a.status, b.status, title=title)
            )
        if a.rag != b.rag:
            lines.append(_moved(t["activity_rag"], lang, "rag", a.rag, b.rag, title=title))
    return lines


def _budget(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], fmt: Formatter
) -> list[str]:
    lines = []
    for key, old, new in (
        ("income", before.budget.income_by_year, after.budget.income_by_year),
        ("costs", before.budget.costs_by_year, after.budget.costs_by_year),
    ):
        for year in sorted({*old, *new}):
            if old.get(year, 0) != new.get(year, 0):
                lines.append(
                    t[f"budget_{key}"].format(
                        year=year,
                        before=fmt.money(old.get(year, 0)),
                        after=fmt.money(new.get(year, 0)),
                    )
                )
    return lines


def _risks(before: InitiativeFile, after: InitiativeFile, t: dict[str, Any]) -> list[str]:
    old, new = _by_id(before.risks), _by_id(after.risks)
    lines = [
        t["risk_added"].format(text=clean_text(new[i].text), score=new[i].score or "–")
        for i in new
        if i not in old
    ]
    lines += [t["risk_removed"].format(text=clean_text(old[i].text)) for i in old if i not in new]
    lines += [
        t["risk_rescored"].format(
            text=clean_text(new[i].text), before=old[i].score or "–", after=new[i].score or "–"
        )
        for i in new
        if i in old and old[i].score != new[i].score
    ]
    return lines


def _funder(
    before: InitiativeFile, after: InitiativeFile, t: dict[str, Any], fmt: Formatter
) -> list[str]:
    """Milestones added, removed or moved; the impact logic's rows; the public share of the
    funding and its ceiling, before → after."""
    old, new = _by_id(before.milestones), _by_id(after.milestones)
    lines = [
        t["milestone_added"].format(title=clean_text(new[i].title), date=fmt.flex_date(new[i].date))
        for i in new
        if i not in old
    ]
    lines += [
        t["milestone_removed"].format(title=clean_text(old[i].title)) for i in old if i not in new
    ]
    lines += [
        t["milestone_moved"].format(
            title=clean_text(new[i].title),
            before=fmt.flex_date(old[i].date),
            after=fmt.flex_date(new[i].date),
        )
        for i in new
        if i in old and old[i].date != new[i].date
    ]
    old_rows, new_rows = _by_id(before.impact_logic), _by_id(after.impact_logic)

    def name(row: Any) -> str:
        return clean_text(row.need or row.impact or row.id).rstrip(".")

    lines += [
        t["impact_added"].format(name=name(new_rows[i])) for i in new_rows if i not in old_rows
    ]
    lines += [
        t["impact_removed"].format(name=name(old_rows[i])) for i in old_rows if i not in new_rows
    ]
    lines += [
        t["impact_changed"].format(name=name(new_rows[i]))
        for i in new_rows
        if i in old_rows and old_rows[i] != new_rows[i]
    ]
    share_before, share_after = before.budget.public_share, after.budget.public_share
    if share_before is not None and share_after is not None:
        shown_before, shown_after = fmt.percent(share_before), fmt.percent(share_after)
        if shown_before != shown_after:
            lines.append(t["cofinancing"].format(before=shown_before, after=shown_after))
    limit_before, limit_after = before.budget.cofinancing_limit, after.budget.cofinancing_limit
    if limit_before != limit_after:
        lines.append(
            t["cofinancing_limit"].format(
                before=fmt.percent(limit_before / 100) if limit_before is not None else "–",
                after=fmt.percent(limit_after / 100) if limit_after is not None else "–",
            )
        )
    return lines
