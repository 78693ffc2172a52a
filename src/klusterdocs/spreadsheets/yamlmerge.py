"""Write one top-level section of a YAML file and leave every other byte of the file as it was.

The section is cut out of the text, read with ruamel.yaml's round-trip loader (which keeps
comments, order and quoting), changed, written back and put in place of the old text; the
comment lines after the section stay where they are. Keys and items added to a mapping or a
list take over the comment lines that followed the old last one, so a comment that introduced
the next group of items keeps introducing it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

T = TypeVar("T")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # as the examples and `init` write lists
    yaml.width = 4096  # never fold a long text onto new lines
    return yaml


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _section_lines(lines: list[str], data: CommentedMap, key: str) -> tuple[int, int, int]:
    """The lines of the top-level `key`: its first, the end without the comment lines after
    it, and the end with them."""
    keys = list(data)
    start = data.lc.key(key)[0]
    index = keys.index(key)
    end = full = data.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip()[:1] == "#"):
        end -= 1
    return start, end, full


def merge_section(text: str, key: str, update: Callable[[CommentedMap], T]) -> tuple[str, T]:
    """Return `text` with its top-level `key` changed by `update`, and what `update` returned.

    `update` gets a mapping that holds only `key` (absent when the file has no such section) and
    changes it in place.
    """
    yaml = _yaml()
    data = yaml.load(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if isinstance(data, CommentedMap) and key in data:
        start, end, full = _section_lines(lines, data, key)
        snippet = yaml.load("".join(lines[start:end]))
        if _plain(snippet.get(key)) != _plain(data[key]):  # a `#` line ending a block text
            end = full
            snippet = yaml.load("".join(lines[start:end]))
    else:
        start = end = len(lines)
        snippet = CommentedMap()
        if lines and lines[-1].strip():
            lines.append("\n")
            start = end = len(lines)
    result = update(snippet)
    out = io.StringIO()
    yaml.dump(snippet, out)
    return "".join([*lines[:start], out.getvalue(), *lines[end:]]), result


def set_fields(mapping: CommentedMap, values: dict[str, Any], order: Iterable[str]) -> bool:
    """Set `values` in `mapping`, new keys in the input format's `order`; return whether
    anything changed. Nested mappings (`contact`) are merged the same way."""
    order = list(order)
    changed = False
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(mapping.get(key), CommentedMap):
            inner_order = [*mapping[key], *value]
            changed |= set_fields(mapping[key], value, inner_order)
            continue
        if key in mapping:
            if _plain(mapping[key]) != _plain(value):
                mapping[key] = value
                changed = True
            continue
        rank = order.index(key) if key in order else len(order)
        position = len(mapping)
        for index, existing in enumerate(mapping):
            if existing in order and order.index(existing) > rank:
                position = index
                break
        if position == len(mapping) and len(mapping):
            moved = take_trailing_comment(mapping)
            mapping.insert(position, key, value)
            give_trailing_comment(mapping, moved)
        else:
            mapping.insert(position, key, value)
        changed = True
    return changed


def append_item(sequence: CommentedSeq, item: CommentedMap) -> None:
    """Append `item`, moving the comment lines after the old last item to after the new one."""
    moved = take_trailing_comment(sequence[-1]) if len(sequence) else None
    sequence.append(item)
    give_trailing_comment(item, moved)


def take_trailing_comment(node: Any) -> str | None:
    """Remove the whole comment lines that follow `node`'s last value; return them."""
    if isinstance(node, CommentedMap) and len(node):
        last: Any = list(node)[-1]
    elif isinstance(node, CommentedSeq) and len(node):
        last = len(node) - 1
    else:
        return None
    entry = node.ca.items.get(last)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None and isinstance(entry, list) and len(entry) > 0:
        token = entry[0]  # a list item's comment is kept first
    if isinstance(token, CommentToken):
        head, newline, rest = token.value.partition("\n")
        if rest.strip():
            token.value = head + newline
            return rest
        return None
    return take_trailing_comment(node[last])


def give_trailing_comment(node: Any, comment: str | None) -> None:
    """Put the comment lines `comment` after `node`'s last value."""
    if not comment or not len(node):
        return
    last = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
    value = node[last]
    if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
        give_trailing_comment(value, comment)
        return
    token = CommentToken("\n" + comment, CommentMark(0), None)
    if isinstance(node, CommentedMap):
        node.ca.items[last] = [None, None, token, None]
    else:
        node.ca.items[last] = [token, None]


def flow_map(values: dict[str, Any]) -> CommentedMap:
    """A mapping written on one line (`{2012: 150000, 2013: 300000}`), as the examples do."""
    mapping = CommentedMap(values)
    mapping.fa.set_flow_style()
    return mapping
