"""Read YAML safely into plain data plus the line and column of every key and value.

Plain scalars stay text: the input model decides what each field means, so `name: no` stays the
text "no", `time: 10:00` stays "10:00" (YAML 1.1 would read 600) and `2013-06` stays a month.
Only `null`, `~` and empty values become None. Tags other than YAML's standard ones (for example
`!!python/object`) are refused, duplicate keys are errors, and aliases are expanded under a budget
so that an alias bomb is refused instead of filling memory (a node reached a second time
through an alias counts against a budget; a large file without aliases costs nothing extra).

Positions are only needed to report a problem, so a file is first read without them; they are
found (by reading the text again) the first time a problem asks where something stands.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from klusterdocs.errors import InputError, Problem
from klusterdocs.model.base import Loc

_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary")
}
# libyaml's parser when PyYAML has it: several times faster, with the same marks and messages
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_ALIAS_EXPANSION = 100_000
MAX_EXPANDED_TEXT = 20 * 2**20  # characters of text aliases may repeat, as much as a file holds
MAX_BYTES = 20 * 1024 * 1024


class Source:
    """A loaded YAML file: its data and where each piece of it stands."""

    __slots__ = ("_located", "data", "name", "path", "text")

    def __init__(
        self, path: Path, name: str, data: Any, text: str = "", located: _Builder | None = None
    ) -> None:
        self.path, self.name, self.data, self.text = path, name, data, text
        self._located = located

    @property
    def values(self) -> dict[Loc, tuple[int, int]]:
        """(line, column) of each value, by its location in the data."""
        return self._positions().values

    @property
    def keys(self) -> dict[Loc, tuple[int, int]]:
        """(line, column) of each mapping key, by the location of its value."""
        return self._positions().keys

    def _positions(self) -> _Builder:
        if self._located is None:
            self._located = _build(self.text, self.name, located=True)
        return self._located

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Return (line, column) of `loc`, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        if loc in table:
            return table[loc]
        if key and loc in self.values:
            return self.values[loc]
        while loc:
            loc = loc[:-1]
            if loc in self.values:
                return self.values[loc]
        return (1, 1)

    def problem(
        self, loc: Loc, message: str, *, key: bool = False, at: Loc | None = None
    ) -> Problem:
        """Return a `Problem` about `loc`, placed at `loc` (or at `at`, where given)."""
        line, column = self.position(loc if at is None else at, key=key)
        return Problem(self.name, line, column, format_loc(loc), message)


def format_loc(loc: Loc) -> str:
    """Return `('actors', 2, 'helix')` as `actors[2].helix`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


MAX_DEPTH = 200


def _line_column(mark: Any) -> tuple[int, int]:
    """A parser mark as 1-based (line, column); (1, 1) where the parser gave none."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Frame:
    """A mapping or list of the YAML being built, while its items arrive."""

    __slots__ = ("anchor", "characters", "container", "key", "loc", "size")

    def __init__(self, container: dict[str, Any] | list[Any], loc: Loc, anchor: str | None) -> None:
        self.container, self.loc, self.anchor = container, loc, anchor
        self.size, self.characters = 1, 0
        self.key: str | None = None


class _NeedsPositions(Exception):
    """Raised by a builder without positions at a problem: read again, with them."""


class _Builder:
    """Builds plain data (and, when `located`, positions) from parser events: no node tree."""

    def __init__(self, name: str, *, located: bool) -> None:
        self.name = name
        self.located = located
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.stack: list[_Frame] = []
        # name -> (value, number of values, characters of text)
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.alias_budget = MAX_ALIAS_EXPANSION
        self.text_budget = MAX_EXPANDED_TEXT
        self.root: Any = None
        self.done = False

    def fail(self, mark: Any, loc: Loc, message: str) -> Exception:
        if not self.located:
            return _NeedsPositions()
        line, column = _line_column(mark)
        return InputError([Problem(self.name, line, column, format_loc(loc), message)])

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, frame.size, frame.characters)
            self._attach(frame.container, frame.size, frame.characters)
            return
        if not isinstance(
            event,
            (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent),
        ):
            if isinstance(event, yaml.DocumentStartEvent) and self.done:
                raise self.fail(event.start_mark, (), "only one YAML document per file")
            return
        mark = event.start_mark
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.container, dict) and parent.key is None:
            self._key(event, parent)
            return
        loc = self._child_loc(parent)
        if self.located:
            self.values.setdefault(loc, _line_column(mark))
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _STANDARD_TAGS and tag != "!":
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise self.fail(mark, loc, f"the tag {shown} is not allowed in klusterdocs files")
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise self.fail(mark, loc, f"unknown alias *{event.anchor}")
            value, size, characters = self.anchors[event.anchor]
            self.alias_budget -= size
            self.text_budget -= characters
            if self.alias_budget < 0 or self.text_budget < 0:
                raise self.fail(
                    mark,
                    loc,
                    (
                        f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values or "
                        f"{MAX_EXPANDED_TEXT // 2**20} MiB of text; refusing to read the file "
                        "(an alias bomb?)"
                    ),
                )
            self._attach(value, size, characters)
        elif isinstance(event, yaml.ScalarEvent):
            plain = not event.style
            value = None if plain and event.value in _NULLS else event.value
            if event.anchor:
                self.anchors[event.anchor] = (value, 1, len(event.value))
            self._attach(value, 1, len(event.value))
        else:
            if len(self.stack) >= MAX_DEPTH:
                raise self.fail(mark, loc, f"nested more than {MAX_DEPTH} levels deep")
            container: dict[str, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            self.stack.append(_Frame(container, loc, event.anchor))

    def _child_loc(self, parent: _Frame | None) -> Loc:
        if parent is None or not self.located:
            return ()
        if isinstance(parent.container, dict):
            return (*parent.loc, parent.key)  # type: ignore[arg-type]
        return (*parent.loc, len(parent.container))

    def _key(self, event: yaml.Event, parent: _Frame) -> None:
        mark = event.start_mark
        if not isinstance(event, yaml.ScalarEvent):
            raise self.fail(mark, parent.loc, "a key must be a plain word, not a list or mapping")
        key = event.value
        if key == "<<" and not event.style:
            raise self.fail(mark, parent.loc, "merge keys (<<) are not supported")
        if key in parent.container:
            if not self.located:
                raise _NeedsPositions()
            first = self.keys[(*parent.loc, key)]
            raise self.fail(
                mark, (*parent.loc, key), f"duplicate key '{key}' (first given on line {first[0]})"
            )
        if self.located:
            self.keys[(*parent.loc, key)] = _line_column(mark)
        parent.key = key

    def _attach(self, value: Any, size: int, characters: int) -> None:
        if not self.stack:
            self.root, self.done = value, True
            return
        parent = self.stack[-1]
        parent.size += size
        parent.characters += characters
        if isinstance(parent.container, dict):
            parent.container[parent.key] = value  # type: ignore[index]
            parent.key = None
        else:
            parent.container.append(value)


def _read_text(path: Path, name: str) -> str:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe would block, /dev/zero never end
            kind = "a folder" if path.is_dir() else "a device or pipe"
            raise InputError([Problem(name, 1, 1, "", f"is {kind}, not a YAML file")])
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # what it says of its size need not be true
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "", "file not found")]) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError([Problem(name, 1, 1, "", f"cannot read: {reason}")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"the file is larger than {MAX_BYTES // 2**20} MiB, the most klusterdocs reads",
                )
            ]
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            [
                Problem(
                    name,
                    line,
                    column,
                    "",
                    f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        raise InputError([Problem(name, 1, 1, "", "this is a binary file, not YAML text")])
    return text


def load_yaml(path: Path, name: str | None = None) -> Source:
    """Load `path` into a `Source`, or raise `InputError` with the located problem."""
    name = name or str(path)
    return parse_yaml(_read_text(path, name), path, name)


def parse_yaml(text: str, path: Path, name: str) -> Source:
    """Parse YAML `text` (the content of `path`, shown as `name` in problems)."""
    try:
        return Source(path, name, _build(text, name, located=False).root, text)
    except _NeedsPositions:
        located = _build(text, name, located=True)  # raises the located problem
        return Source(path, name, located.root, text, located)


def _build(text: str, name: str, *, located: bool) -> _Builder:
    builder = _Builder(name, located=located)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}, {message}"
        if mark and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            message = message.replace(repr("\t") + " ", "")  # PyYAML's own parser quotes it
            message += "; it is a tab: YAML indents with spaces, not tabs"
        raise InputError([Problem(name, line, column, "", f"invalid YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position
        position = exc.position
        if _Loader is not yaml.SafeLoader:  # libyaml counts bytes of UTF-8, not characters
            position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
        message = (
            f"the character U+{exc.character:04X} is not allowed in YAML text; remove it "
            "(a control character pasted from a PDF or Word?)"
            if isinstance(exc.character, int)
            else f"invalid YAML: {exc.reason}"
        )
        raise InputError([Problem(name, line, column, "", message)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    if not builder.done:
        raise InputError([Problem(name, 1, 1, "", "the file is empty")])
    return builder
