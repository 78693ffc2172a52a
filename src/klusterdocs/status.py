"""The `status` report: the phase, its leadership focus and the checklist as traffic lights."""

from __future__ import annotations

from klusterdocs.i18n import enum_label, labels
from klusterdocs.model import InitiativeFile
from klusterdocs.phases import GROUPS, assess, group_names, next_phase, phases

# Each status has a symbol and a word so the report reads without colour too.
_LIGHTS = {
    "done": ("[x]", "green"),
    "partial": ("[~]", "yellow"),
    "missing": ("[ ]", "red"),
    "unknown": ("[?]", "blue"),
}


def status_lines(initiative: InitiativeFile, lang: str) -> list[tuple[str, str | None]]:
    """Return the report as (line, colour) pairs; colour is None for plain text."""
    text = labels(lang)["status"]
    info = phases()[initiative.initiative.phase]
    results = assess(initiative)
    lines: list[tuple[str, str | None]] = [
        (text["title"].format(name=initiative.initiative.name, phase=info.name[lang]), None),
        ("", None),
        (f"{text['leadership']}: {info.leadership[lang]}", None),
    ]
    for group in GROUPS:
        in_group = [r for r in results if r.item.group == group]
        if not in_group:
            continue
        lines += [("", None), (group_names()[group][lang], None)]
        for result in in_group:
            symbol, colour = _LIGHTS[result.status]
            word = enum_label(lang, "checklist_status", result.status)
            line = f"  {symbol} {word:<10} {result.item.label[lang]}"
            lines.append((line, colour))
            reason = f"{' ' * 16}{result.reason(lang)}"
            if result.overridden and not result.comment:
                reason = f"{' ' * 16}{text['override']}"
            elif result.status in ("missing", "partial") and result.missing:
                reason += f" ({text['fill_in']}: {', '.join(result.missing)})"
            elif result.status == "unknown":
                reason = f"{' ' * 16}({text['mark_in_file']}: checklist.{result.item.key})"
            lines.append((reason, None))
    done = sum(r.status == "done" for r in results)
    lines += [("", None), (text["summary"].format(done=done, total=len(results)), None)]
    following = next_phase(info.key)
    if following:
        lines.append((text["next_phase"].format(phase=following.name[lang]), None))
    return lines
