"""`klusterdocs init`: a commented starter file, and the schema that editors read beside it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from klusterdocs.data import data_path
from klusterdocs.errors import KlusterdocsError, display_path
from klusterdocs.output import write_atomic
from klusterdocs.schema import SCHEMA_FILES, schema_json


def write_starter(
    path: Path, *, name: str | None, phase: str, lang: str, on_note: Callable[[str], None]
) -> list[Path]:
    """Write the starter file at `path` and the JSON Schema beside it; return what was written.

    Refuses to overwrite an existing file: it may hold a team's work. A schema already there is
    kept too (a team may have extended it); `on_note` hears how to update it if it differs.
    """
    if path.exists():
        raise KlusterdocsError(f"{display_path(path)} already exists; not overwriting it")
    if name is not None and not name.strip():
        raise KlusterdocsError("--name is empty; give the initiative's name, or leave it out")
    year = dt.date.today().year
    tokens = {
        "{schema}": SCHEMA_FILES["initiative"],
        "{file}": display_path(path),
        "{name}": json.dumps(name or path.stem.replace("-", " ").title(), ensure_ascii=False),
        "{phase}": phase,
        "{year}": str(year),
        "{next_year}": str(year + 1),
    }
    text = data_path(f"starter/{lang}.yaml.txt").read_text(encoding="utf-8")
    for token, value in tokens.items():
        text = text.replace(token, value)
    write_atomic(path, text.encode("utf-8"))
    written = [path]
    schema_path = path.parent / SCHEMA_FILES["initiative"]
    schema_text = schema_json("initiative").encode("utf-8")
    if not schema_path.exists():
        write_atomic(schema_path, schema_text)
        written.append(schema_path)
    elif schema_path.read_bytes() != schema_text:
        on_note(
            f"kept {display_path(schema_path)}, which differs from this version's schema; "
            f"to replace it: klusterdocs schema initiative > {display_path(schema_path)}"
        )
    return written
