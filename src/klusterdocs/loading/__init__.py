"""Load and validate input files: every problem of a file, located, reported at once.

Structure and types are checked by the input model; ids, references and date order by the
declarative checks below, which run on the raw data so that they are reported together with any
type errors instead of one round later.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

from klusterdocs.data import checklist_keys
from klusterdocs.errors import InputError, Problem, display_path
from klusterdocs.loading.messages import problems_from, suggestion
from klusterdocs.loading.yamlsource import Source, load_yaml, parse_yaml
from klusterdocs.model import InitiativeFile, ProgramFile
from klusterdocs.model.base import Invalid, Loc, Strict
from klusterdocs.model.types import FlexDate

Kind = Literal["initiative", "program"]


class LoadedProgram:
    """A validated program file with the initiative files its participants link to."""

    __slots__ = ("initiatives", "model", "path")

    def __init__(self, model: ProgramFile, path: Path) -> None:
        self.model, self.path = model, path
        self.initiatives: dict[str, InitiativeFile] = {}  # by participant id


# (list of ids, what they are called) and (where a reference stands, which ids it names)
_IDS: dict[Kind, dict[str, str]] = {
    "initiative": {
        "strategy.focus_areas[].id": "focus area",
        "strategy.goals[].id": "goal",
        "actors[].id": "actor",
        "indicators[].id": "indicator",
        "activities[].id": "activity",
        "risks[].id": "risk",
        "impact_logic[].id": "impact logic row",
        "milestones[].id": "milestone",
    },
    "program": {"participants[].id": "participant", "modules[].number": "module"},
}
_REFERENCES: dict[Kind, dict[str, str]] = {
    "initiative": {
        "strategy.goals[].focus_area": "strategy.focus_areas[].id",
        "strategy.goals[].indicators[]": "indicators[].id",
        "activities[].focus_area": "strategy.focus_areas[].id",
        "activities[].goals[]": "strategy.goals[].id",
        "activities[].partners[]": "actors[].id",
        "impact_logic[].activities[]": "activities[].id",
        "impact_logic[].indicators[]": "indicators[].id",
        "milestones[].activity": "activities[].id",
    },
    "program": {
        "reflections[].module": "modules[].number",
        "commitments[].module": "modules[].number",
        "commitments[].participant": "participants[].id",
    },
}
_ORDERED: dict[Kind, list[tuple[str, str, str]]] = {
    "initiative": [
        ("activities[]", "start", "end"),
        ("document.period", "start", "end"),
        ("prestudy.period", "start", "end"),
    ],
    "program": [("modules[].sessions[]", "date", "end_date")],
}


def _walk(data: Any, path: str, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Yield (location, value) for a dotted `path`; `name[]` steps into each list element."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    name = head.removesuffix("[]")
    value = data.get(name) if isinstance(data, dict) and name else data
    if value is None:
        return
    here = (*loc, name) if name else loc
    items = list(enumerate(value)) if many and isinstance(value, list) else [(None, value)]
    for index, item in items:
        item_loc = here if index is None else (*here, index)
        if rest:
            yield from _walk(item, rest, item_loc)
        elif item is not None and not isinstance(item, dict | list):
            yield item_loc, item


def _known(choices: list[str], noun: str) -> str:
    """The tail of an unknown-reference message: the ids to choose from, if they are few."""
    if not choices:
        return f"; no {noun} is defined"
    return f"; known: {', '.join(choices)}" if len(choices) <= 12 else ""


def _cross_checks(source: Source, kind: Kind) -> list[Problem]:
    problems: list[Problem] = []
    known: dict[str, dict[str, Loc]] = {}  # ordered, and quick to look up at 20,000 actors
    for path, noun in _IDS[kind].items():
        seen: dict[str, Loc] = {}
        for loc, value in _walk(source.data, path):
            if str(value) in seen:
                first = source.position(seen[str(value)])[0]
                problems.append(
                    source.problem(
                        loc, f"duplicate {noun} id '{value}' (first used on line {first})"
                    )
                )
            seen.setdefault(str(value), loc)
        known[path] = seen
    for ref_path, target in _REFERENCES[kind].items():
        noun = _IDS[kind][target]
        for loc, value in _walk(source.data, ref_path):
            if str(value) not in known[target]:
                choices = list(known[target])
                hint = suggestion(str(value), choices) or _known(choices, noun)
                problems.append(source.problem(loc, f"unknown {noun} '{value}'{hint}"))
    for list_path, start_key, end_key in _ORDERED[kind]:
        for loc, item in _walk_items(source.data, list_path):
            start, end = _parsed(item.get(start_key)), _parsed(item.get(end_key))
            if start and end and end.last < start.first:
                problems.append(
                    source.problem((*loc, end_key), f"ends ({end}) before it starts ({start})")
                )
    return problems


def _walk_items(data: Any, path: str) -> Iterator[tuple[Loc, dict[str, Any]]]:
    """Yield (location, mapping) for each mapping element at a `[]` path, or the mapping
    at a plain one (`document.period`)."""
    parent, _, last = path.rpartition(".")
    name = last.removesuffix("[]")
    containers = _walk_items(data, parent) if parent else iter([((), data)])
    for loc, container in containers:
        items = container.get(name) if isinstance(container, dict) else None
        if not last.endswith("[]"):
            if isinstance(items, dict):
                yield (*loc, name), items
            continue
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield (*loc, name, index), item


def _parsed(value: Any) -> FlexDate | None:
    try:
        return FlexDate.parse(value) if value is not None else None
    except ValueError:
        return None


def _enum_aliases() -> dict[str, str]:
    """Swedish labels of enum values (`akademi` -> `academia`), to suggest what was meant."""
    from klusterdocs.i18n import enum_aliases

    return enum_aliases()


def detect_kind(source: Source) -> Kind:
    """Return which kind of file `source` is, from its top-level key."""
    data = source.data
    if not isinstance(data, dict):
        raise InputError(
            [
                source.problem(
                    (),
                    (
                        "expected a mapping with 'initiative:' or 'program:' at the top; "
                        f"got {'a list' if isinstance(data, list) else 'a single value'}"
                    ),
                )
            ]
        )
    if "initiative" in data:
        return "initiative"
    if "program" in data:
        return "program"
    guess = next((k for k in data if suggestion(k, ["initiative", "program"])), None)
    hint = f" ('{guess}'{suggestion(guess, ['initiative', 'program'])})" if guess else ""
    raise InputError(
        [
            source.problem(
                (),
                (
                    "neither an initiative file (top-level key 'initiative') nor a program file "
                    f"(top-level key 'program'){hint}"
                ),
            )
        ]
    )


def _validated(source: Source, kind: Kind) -> tuple[Strict | None, list[Problem]]:
    model_class: type[Strict] = InitiativeFile if kind == "initiative" else ProgramFile
    problems = _cross_checks(source, kind)
    model: Strict | None = None
    try:
        model = model_class.validate(source.data)
    except Invalid as exc:
        problems += problems_from(exc.issues, source, _enum_aliases())
    if isinstance(model, InitiativeFile):
        problems += _checklist_problems(source, model)
        problems += _logo_problems(source, model)
        problems += _contradictions(source, model)
    return model, problems


def _contradictions(source: Source, model: InitiativeFile) -> list[Problem]:
    """What the file says twice, differently: a source in kind paid in cash, an indicator
    with two targets for one year."""
    found = [
        source.problem(
            ("budget", "income", n, "cash"),
            "a source given in kind is not cash; leave out 'cash', or give its kind as "
            "public or private",
        )
        for n, row in enumerate(model.budget.income)
        if row.kind == "in_kind" and row.cash
    ]
    for n, indicator in enumerate(model.indicators):
        years: set[int] = set()
        for t, target in enumerate(indicator.targets):
            if target.year in years:
                found.append(
                    source.problem(
                        ("indicators", n, "targets", t, "year"),
                        f"a second target for {target.year}; give each year one",
                    )
                )
            years.add(target.year)
    return found


def _logo_problems(source: Source, model: InitiativeFile) -> list[Problem]:
    """A logo that is not there, cannot be read, is too large or no PNG, JPEG or SVG picture,
    located at `document.logo` (its path is relative to the initiative file)."""
    from klusterdocs.render.pictures import PictureError, read_picture

    logo = model.document.logo
    if logo is None:
        return []
    loc: Loc = ("document", "logo")
    target = source.path.parent / logo
    try:
        read_picture(target)
    except FileNotFoundError:
        return [source.problem(loc, f"logo not found: {display_path(target)}")]
    except PictureError as exc:
        return [source.problem(loc, f"the logo {display_path(target)} {exc}")]
    except (OSError, ValueError) as exc:  # a folder, no permission, a NUL in the path
        return [source.problem(loc, f"cannot read the logo {display_path(target)}: {exc}")]
    return []


def _checklist_problems(source: Source, model: InitiativeFile) -> list[Problem]:
    keys = checklist_keys()
    return [
        source.problem(
            ("checklist", key),
            f"unknown checklist item '{key}'"
            + (suggestion(key, keys) or "; see 'klusterdocs status' for the items"),
            key=True,
        )
        for key in model.checklist
        if key not in keys
    ]


def load_initiative(path: Path) -> InitiativeFile:
    """Load and validate an initiative file, or raise `InputError` with all its problems."""
    return _initiative_from(load_yaml(path, display_path(path)))


def initiative_from_text(text: str, path: Path, name: str) -> InitiativeFile:
    """Validate an initiative file's `text` (e.g. an earlier revision), shown as `name`."""
    return _initiative_from(parse_yaml(text, path, name))


def load_program(path: Path) -> LoadedProgram:
    """Load and validate a program file and the initiative files its participants link to."""
    return _program_from(load_yaml(path, display_path(path)))


def load_input(path: Path) -> InitiativeFile | LoadedProgram:
    """Load an initiative or a program file, whichever it is, parsing it once."""
    source = load_yaml(path, display_path(path))
    return (
        _initiative_from(source) if detect_kind(source) == "initiative" else _program_from(source)
    )


def _initiative_from(source: Source) -> InitiativeFile:
    if detect_kind(source) != "initiative":
        raise InputError([source.problem((), "this is a program file, not an initiative file")])
    model, problems = _validated(source, "initiative")
    if problems or not isinstance(model, InitiativeFile):
        raise InputError(problems)
    return model


def _program_from(source: Source) -> LoadedProgram:
    if detect_kind(source) != "program":
        raise InputError([source.problem((), "this is an initiative file, not a program file")])
    model, problems = _validated(source, "program")
    if problems or not isinstance(model, ProgramFile):
        # the links too, so that one run tells every problem (the file's own come first)
        raw = source.data.get("participants") if isinstance(source.data, dict) else None
        links = [
            (index, p.get("initiative"))
            for index, p in enumerate(raw if isinstance(raw, list) else [])
            if isinstance(p, dict) and isinstance(p.get("initiative"), str)
        ]
        raise InputError(problems + _linked_initiatives(source, links, {}))
    loaded = LoadedProgram(model, source.path)
    links = [(index, p.initiative) for index, p in enumerate(model.participants)]
    found: dict[int, InitiativeFile] = {}
    problems = _linked_initiatives(source, links, found)
    if problems:
        raise InputError(problems)
    loaded.initiatives = {model.participants[index].id: f for index, f in found.items()}
    return loaded


def _linked_initiatives(
    source: Source, links: list[tuple[int, str | None]], found: dict[int, InitiativeFile]
) -> list[Problem]:
    """The problems of the initiative files participants link to (by their index); `found`
    gets each one loaded."""
    problems: list[Problem] = []
    cache: dict[Path, InitiativeFile | None] = {}
    for index, link in links:
        if not link:
            continue
        loc: Loc = ("participants", index, "initiative")
        try:
            target = (source.path.parent / link).resolve()
            found_file = target.is_file()
        except (OSError, ValueError, RuntimeError) as exc:  # a NUL, a symlink loop
            problems.append(source.problem(loc, f"cannot follow the link to a file: {exc}"))
            continue
        if not found_file:
            problems.append(
                source.problem(loc, f"initiative file not found: {display_path(target)}")
            )
            continue
        if target not in cache:
            try:
                cache[target] = load_initiative(target)
            except InputError as exc:
                cache[target] = None
                problems.extend(exc.problems)
                problems.append(
                    source.problem(
                        loc, f"the linked initiative file {display_path(target)} has errors"
                    )
                )
        linked = cache[target]
        if linked is not None:
            found[index] = linked
    return problems


def input_files(paths: Sequence[Path], *, settings: bool = False) -> list[Path]:
    """The input files named by `paths`, each once, in a stable order.

    A folder is searched for YAML files, leaving out hidden folders and, unless `settings`
    (for `validate`), the settings file (`klusterdocs.yaml`), which describes the inputs
    rather than being one.
    """
    from klusterdocs.config import CONFIG_NAME

    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".yaml", ".yml")
                and (settings or p.name != CONFIG_NAME)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            candidates = [path]
        for candidate in candidates:
            found.setdefault(candidate.resolve(), candidate)
    return list(found.values())


class FileCheck(NamedTuple):
    """What `validate` says of one file: its kind (None when it has problems), its problems,
    and its warnings (what a funder would stop at in a valid file)."""

    kind: Kind | Literal["settings"] | None
    problems: list[Problem]
    warnings: list[Problem]


def check_file(path: Path) -> FileCheck:
    """Validate one file of any kind, parsing it once."""
    from klusterdocs.config import CONFIG_NAME, load_config

    try:
        if path.name == CONFIG_NAME:
            load_config(path)
            return FileCheck("settings", [], [])
        source = load_yaml(path, display_path(path))
        kind = detect_kind(source)
        if kind == "program":
            return FileCheck(kind, [], _program_warnings(source, _program_from(source)))
        return FileCheck(kind, [], _warnings(source, _initiative_from(source)))
    except InputError as exc:
        return FileCheck(None, exc.problems, [])


def _program_warnings(source: Source, loaded: LoadedProgram) -> list[Problem]:
    """A module held before the one numbered before it: the decks would remind of a next
    meeting that has been; a participant's phase that its linked initiative file contradicts:
    the decks show the file's."""
    model = loaded.model
    found = _folder_warnings(source, "program", model.program.short_name, model.program.slug)
    groups = {p.group for p in model.participants}
    for n, reflection in enumerate(model.reflections):
        if reflection.group is not None and model.participants and reflection.group not in groups:
            message = f"warning: no participant is in group {reflection.group}"
            found.append(source.problem(("reflections", n, "group"), message))
    for n, participant in enumerate(model.participants):
        linked = loaded.initiatives.get(participant.id)
        if linked and participant.phase and participant.phase != linked.initiative.phase:
            found.append(
                source.problem(
                    ("participants", n, "phase"),
                    f"warning: {participant.name}'s phase is {participant.phase}, but the "
                    f"linked initiative file says {linked.initiative.phase}; the decks show "
                    "the file's",
                )
            )
    dated = [
        (n, m, min(s.date for s in m.sessions)) for n, m in enumerate(model.modules) if m.sessions
    ]
    dated.sort(key=lambda item: item[1].number)
    for (_, before, first), (n, module, when) in itertools.pairwise(dated):
        if when < first:
            found.append(
                source.problem(
                    ("modules", n, "sessions"),
                    f"warning: module {module.number} ({when.isoformat()}) is held before "
                    f"module {before.number} ({first.isoformat()})",
                )
            )
    return found


def _folder_warnings(source: Source, key: str, short_name: str | None, slug: str) -> list[Problem]:
    """A `short_name` that is no slug: the documents go in a folder of another name."""
    if short_name is None or short_name.strip() == slug:
        return []
    message = f"warning: short_name is not a slug; the documents go in the folder {slug!r}"
    return [source.problem((key, "short_name"), message)]


def _warnings(source: Source, model: InitiativeFile) -> list[Problem]:
    """A public share of the funding above the file's own ceiling
    (`budget.cofinancing_limit`), and a `short_name` that is no slug, located."""
    i = model.initiative
    found = _folder_warnings(source, "initiative", i.short_name, i.slug)
    budget = model.budget
    if not budget.cofinancing_exceeded or budget.public_share is None:
        return found
    share = round(budget.public_share * 100, 1)
    message = (
        f"warning: the public share of the funding is {share:g} %, above the ceiling of "
        f"{budget.cofinancing_limit:g} %"
    )
    return [*found, source.problem(("budget", "cofinancing_limit"), message)]
