"""Read YAML safely into plain data plus the line and column of every key and value.

Plain scalars stay text: the input model decides what each field means, so `name: no` stays the
text "no", `time: 10:00` stays "10:00" (YAML 1.1 would read 600) and `2013-06` stays a month.
Only `null`, `~` and empty values become None. Tags other than YAML's standard ones (for example
`!!python/object`) are refused, duplicate keys are errors, and aliases are expanded under a budget
so that an alias bomb is refused instead of filling memory (a node reached a second time
through an alias counts against a budget; a large file without aliases costs nothing extra).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from klusterdocs.errors import InputError, Problem

Loc = tuple[str | int, ...]

_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "binary")
}
# libyaml's parser when PyYAML has it: several times faster, with the same marks and messages
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_ALIAS_EXPANSION = 100_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Source:
    """A loaded YAML file: its data and where each piece of it stands."""

    path: Path
    name: str
    data: Any
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

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


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.seen: set[int] = set()
        self.alias_budget = MAX_ALIAS_EXPANSION

    def fail(self, node: yaml.Node, loc: Loc, message: str) -> InputError:
        mark = node.start_mark
        return InputError(
            [Problem(self.source.name, mark.line + 1, mark.column + 1, format_loc(loc), message)]
        )

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.seen:  # reached again through an alias: count the expansion
            self.alias_budget -= 1
            if self.alias_budget < 0:
                raise self.fail(
                    node,
                    loc,
                    (
                        f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values; "
                        "refusing to read the file (an alias bomb?)"
                    ),
                )
        else:
            self.seen.add(id(node))
        self.source.values.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.fail(node, loc, f"the tag {tag} is not allowed in klusterdocs files")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        value = node.value
        if not node.style and value in _NULLS:  # plain style: None in PyYAML, "" in libyaml
            return None
        return value

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, loc, "a key must be a plain word, not a list or mapping")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, loc, "merge keys (<<) are not supported")
            key = key_node.value
            if key in out:
                first = self.source.keys[(*loc, key)]
                raise self.fail(
                    key_node,
                    (*loc, key),
                    f"duplicate key '{key}' (first given on line {first[0]})",
                )
            self.source.keys[(*loc, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            out[key] = self.build(value_node, (*loc, key))
        return out


def _read_text(path: Path, name: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "", "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, 1, 1, "", "is a folder, not a YAML file")]) from None
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"the file is {len(raw) / 2**20:.0f} MiB; klusterdocs reads files up to "
                    f"{MAX_BYTES // 2**20} MiB",
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
    text = _read_text(path, name)
    source = Source(path=path, name=name, data=None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        if exc.context:
            message = f"{exc.context}, {message}"
        raise InputError([Problem(name, line, column, "", f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 1, 1, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", "the YAML is nested too deeply")]) from None
    if node is None:
        raise InputError([Problem(name, 1, 1, "", "the file is empty")])
    try:
        source.data = _Builder(source).build(node, ())
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", "the YAML is nested too deeply")]) from None
    return source
