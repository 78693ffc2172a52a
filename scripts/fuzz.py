"""Mutation fuzzer: mutate the shipped inputs and templates, run the commands, report crashes.

Every run must end with exit 0, 1 or 2 and no traceback; exit 1 must say why; exit 0 must
leave documents python-docx and python-pptx open, and no run may leave a temporary file. Any
other end is a defect of klusterdocs: the case is saved (input, template, output) and the
fuzzer ends with exit 1.

    python scripts/fuzz.py --minutes 10            # the run issue 16 asks for
    python scripts/fuzz.py --minutes 1 --seed 7    # reproduce a run

Runs in-process (Click's test runner), with its own cache folder, so it can try many cases.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
TEMPLATES = ROOT / "templates"

# Values users paste, tools export and attackers try, written as YAML.
HOSTILE_VALUES = [
    "",
    "~",
    "[]",
    "{}",
    "-1",
    "0",
    "1e29",
    "1e400",
    "-1e400",
    ".nan",
    ".inf",
    "0x10",
    "2012-13-45",
    "2012-02-30",
    "'250 000'",
    "'1,5'",
    '"\\0"',
    '"a\\x0cb\\x7fc"',
    '"\\u202e\\u200b"',
    "*nope",
    "!!python/object/apply:os.system ['true']",
    "yes",
    "no",
    "null",
    "99999999999999999999",
    "2100-01-01",
    "1899",
    "日本",
    "مجموعة التجمعات",
    "'{{ 7 * 7 }}'",
    "'{% for x in y %}'",
    "'<w:p>&amp;</w:p>'",
    "'**fet** _kursiv_ [länk](javascript:alert(1))'",
    "'# rubrik\\n\\n- punkt'",
    "'- a\\n  - b\\n    - c'",
    "|\n    flera\n    rader",
    "[a, b, c]",
    "{a: 1}",
    "'" + "lång text " * 400 + "'",
    "'" + "x" * 3000 + "'",
    "2012",
    "2012-08",
    "true",
    "3.14",
]

# Template text a user might type in Word, broken or hostile.
JINJA_SNIPPETS = [
    "{{ x }}",
    "{{ initiative.name }}",
    "{{ ",
    "{% for a in actors %}",
    "{% endfor %}",
    "{% if %}",
    "{%p if true %}",
    "{{ ''.__class__.__mro__ }}",
    "{{ lipsum(999999) }}",
    "{{ 'a' * 999999999 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ range(10**9) | list }}",
    "{% include 'x' %}",
    "{% import 'x' as y %}",
    "{% extends 'x' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%s' % x }}",
    "{{ 1 / 0 }}",
    "{{ [] | first }}",
    "{{ x | nosuchfilter }}",
    "{{ x.y.z.w }}",
    "{{ cycler() }}",
    "{{ namespace(a=1) }}",
    "{{ self }}",
    "{{ config }}",
    "{# comment",
    "{{ r.cell }}",
    "“{{ x }}”",
]

GOOD_EXITS = {0, 1, 2}


@dataclass
class Case:
    """One run: what was mutated, the command, and the files it reads."""

    command: list[str]
    description: str
    files: dict[str, bytes] = field(default_factory=dict)  # name -> content, in the case folder
    english: bool = False


# --- YAML mutations -------------------------------------------------------------------------


def mutate_text(rng: random.Random, text: str) -> tuple[str, str]:
    """A mutation of a YAML file's text, as a careless edit or a paste would make it."""
    lines = text.splitlines()
    line = rng.randrange(len(lines))
    kind = rng.choice(
        [
            "value",
            "value",
            "value",
            "delete",
            "duplicate",
            "swap",
            "indent",
            "bytes",
            "truncate",
            "repeat",
            "key",
        ]
    )
    if kind == "value":
        match = re.match(r"^(\s*(?:- )?[\w-]+: ?)(.*)$", lines[line])
        if not match:
            return mutate_text(rng, text)
        value = rng.choice(HOSTILE_VALUES)
        lines[line] = match.group(1) + (" " if not match.group(1).endswith(" ") else "") + value
        return "\n".join(lines) + "\n", f"line {line + 1}: value -> {value[:40]!r}"
    if kind == "delete":
        del lines[line]
    elif kind == "duplicate":
        lines.insert(line, lines[line])
    elif kind == "swap":
        other = rng.randrange(len(lines))
        lines[line], lines[other] = lines[other], lines[line]
    elif kind == "indent":
        lines[line] = rng.choice(["  ", "\t", " "]) + lines[line]
    elif kind == "bytes":
        noise = rng.choice(["\x00", "\x0c", "\x7f", "\ufeff", "\u2028", "\udcff", "\t", "\r"])
        at = rng.randrange(len(lines[line]) + 1)
        lines[line] = lines[line][:at] + noise + lines[line][at:]
    elif kind == "truncate":
        cut = rng.randrange(len(text))
        return text[:cut], f"truncated at {cut}"
    elif kind == "repeat":
        start = next((i for i in range(line, -1, -1) if lines[i].lstrip().startswith("- ")), line)
        end = start + 1
        indent = len(lines[start]) - len(lines[start].lstrip())
        while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
            end += 1
        lines[end:end] = lines[start:end] * rng.randint(2, 200)
    elif kind == "key":
        lines[line] = re.sub(
            r"^(\s*(?:- )?)(\w)", lambda m: m.group(1) + m.group(2) * 2, lines[line]
        )
    return "\n".join(lines) + "\n", f"line {line + 1}: {kind}"


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def mutate_data(rng: random.Random, data: Any) -> str:
    """A mutation of the parsed data: well-formed YAML that the model may still refuse."""
    path = rng.choice(_nodes(data)[1:])
    parent, last = _at(data, path[:-1]), path[-1]
    kind = rng.choice(["replace", "replace", "delete", "grow", "empty"])
    if kind == "replace":
        parent[last] = rng.choice(
            [
                None,
                "",
                -1,
                0,
                10**13,
                1e12,
                -(10**13),
                3.5,
                True,
                [],
                {},
                "x" * rng.choice([1, 500, 20_000]),
                [1, "a", None],
                {"unknown": 1},
                "2012-01-01",
                "nope",
                rng.choice(["a1", "g1", "fa-innovation", "hb"]),
            ]
        )
    elif kind == "delete":
        del parent[last]
    elif kind == "grow" and isinstance(parent, list):
        parent.extend([parent[last]] * rng.randint(1, 300))
    else:
        parent[last] = type(parent[last])() if isinstance(parent[last], dict | list) else None
    return f"{'.'.join(map(str, path))}: {kind}"


# --- template mutations ---------------------------------------------------------------------


def mutate_template(rng: random.Random, content: bytes) -> tuple[bytes, str]:
    """A mutation of a Word or PowerPoint package: its XML, its members or its bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        members = [(info, package.read(info)) for info in package.infolist()]
    kind = rng.choice(["snippet", "snippet", "snippet", "xml", "member", "bytes"])
    if kind == "bytes":
        data = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data), "bytes flipped"
    xml_parts = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
    index = rng.choice(xml_parts)
    info, data = members[index]
    text = data.decode("utf-8", "replace")
    if kind == "snippet":
        texts = [m.end() for m in re.finditer(r"<(?:w:t|a:t|dc:\w+|cp:\w+)(?: [^>]*)?>", text)]
        if not texts:
            return mutate_template(rng, content)
        at = rng.choice(texts)
        snippet = rng.choice(JINJA_SNIPPETS).replace("&", "&amp;").replace("<", "&lt;")
        text = text[:at] + snippet + text[at:]
        description = f"{info.filename}: inserted {snippet!r}"
    elif kind == "xml":
        choice = rng.choice(["truncate", "doctype", "tag", "external", "number", "number"])
        if choice == "truncate":
            text = text[: rng.randrange(len(text))]
        elif choice == "doctype":
            text = re.sub(
                r"^(<\?xml[^>]*\?>)?",
                lambda m: (m.group(0) or "") + '<!DOCTYPE x [<!ENTITY e "boom">]>',
                text,
                count=1,
            )
        elif choice == "number":  # page sizes, margins, font sizes, indents, spans ...
            numbers = list(re.finditer(r'="(-?\d+)"', text))
            if numbers:
                number = rng.choice(numbers)
                value = rng.choice(["0", "-1", "1", "99999999", "abc", "", "1.5"])
                text = f'{text[: number.start()]}="{value}"{text[number.end() :]}'
                choice = f"number {number.group(1)} -> {value!r}"
        elif choice == "tag":
            tags = list(re.finditer(r"<[^>]+>", text))
            if tags:
                tag = rng.choice(tags)
                text = text[: tag.start()] + text[tag.end() :]
        else:
            text = text.replace(
                "</Relationships>",
                '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/image" Target="file:///etc/passwd" TargetMode="External"/>'
                "</Relationships>",
            )
        description = f"{info.filename}: {choice}"
    else:
        choice = rng.choice(["drop", "duplicate", "rename"])
        if choice == "drop":
            del members[index]
        elif choice == "duplicate":
            members.append((info, data))
        else:
            members[index] = (zipfile.ZipInfo(rng.choice(["../evil.xml", "/abs.xml"])), data)
        return _zip(members), f"{info.filename}: {choice}"
    members[index] = (info, text.encode("utf-8", "surrogatepass"))
    return _zip(members), description


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a duplicated member is the point
            for info, data in members:
                package.writestr(info, data)
    return buffer.getvalue()


# --- cases ----------------------------------------------------------------------------------


INITIATIVE_COMMANDS = [["validate"], ["status"], ["plan"], ["stakeholders"], ["prestudy"]]
TEMPLATE_DOCUMENTS = {
    "verksamhetsplan": ("default.docx", ["plan"]),
    "intressentanalys": ("default.docx", ["stakeholders"]),
    "forstudie": ("default.docx", ["prestudy"]),
    "modul": ("default.pptx", ["deck", "--module", "all"]),
}


KINDS = ["initiative", "initiative", "program", "template", "build"]


def make_case(rng: random.Random, kinds: list[str] = KINDS) -> Case:
    case = _make_case(rng, rng.choice(kinds))
    case.english = rng.random() < 0.2
    return case


def _make_case(rng: random.Random, what: str) -> Case:
    initiative = (INPUTS / rng.choice(["smart-textiles.yaml", "automation-region.yaml"])).read_text(
        encoding="utf-8"
    )
    program = (INPUTS / "reglab-2012.yaml").read_text(encoding="utf-8")
    if what in ("initiative", "program", "build"):
        text = initiative if what != "program" else program
        if rng.random() < 0.5:
            text, description = mutate_text(rng, text)
            if rng.random() < 0.3:
                text, more = mutate_text(rng, text)
                description += f"; {more}"
        else:
            data = yaml.safe_load(text)
            description = mutate_data(rng, data)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        name = "input.yaml"
        if what == "program":
            command = rng.choice([["validate"], ["deck", "--module", "all"]])
        elif what == "build":
            command = ["build"]
        else:
            command = rng.choice(INITIATIVE_COMMANDS)
        return Case(
            [*command, name],
            f"{what}: {description}",
            {name: text.encode("utf-8", "surrogatepass")},
        )
    document = rng.choice(list(TEMPLATE_DOCUMENTS))
    file_name, command = TEMPLATE_DOCUMENTS[document]
    content, description = mutate_template(rng, (TEMPLATES / document / file_name).read_bytes())
    source = "reglab-2012.yaml" if document == "modul" else "smart-textiles.yaml"
    files = {
        f"templates/{document}/{file_name}": content,
        "input.yaml": (INPUTS / source).read_bytes(),
    }
    if rng.random() < 0.3:
        return Case(["templates", "check", "templates"], f"template: {description}", files)
    return Case(
        [*command, "input.yaml", "--templates", "templates"], f"template: {description}", files
    )


# --- running --------------------------------------------------------------------------------


def run_case(case: Case, folder: Path, exits: Counter[str]) -> str | None:
    """Run `case` in `folder`; return what went wrong, or None. Counts exits by command."""
    from click.testing import CliRunner

    from klusterdocs.cli import main

    # the program's cohort, and the logo the example names (without it every case that
    # starts from the example stopped at "logo not found" before rendering anything)
    for linked in ("smart-textiles.yaml", "automation-region.yaml", "smart-textiles-logo.png"):
        shutil.copy(INPUTS / linked, folder / linked)
    for name, content in case.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    output = folder / "output"
    command = [*case.command]
    if command[0] in ("plan", "stakeholders", "prestudy", "deck", "build"):
        command += ["-o", str(output)]
        if case.english:
            command += ["--lang", "en"]
    if command[0] == "build":
        command += ["--jobs", "1"]
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, command, catch_exceptions=True)
    finally:
        os.chdir(previous)
    exits[f"{command[0]} exit {result.exit_code}"] += 1
    exception = result.exception
    if exception is not None and not isinstance(exception, SystemExit):
        return "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
    if result.exit_code not in GOOD_EXITS:
        return f"exit {result.exit_code}\n{result.output}"
    if "Traceback" in result.output or "internal error" in result.output:
        return result.output
    if result.exit_code == 1 and not result.output.strip():
        return "exit 1 without a message"
    leftovers = [p for p in folder.rglob("*.tmp")] + list(folder.rglob(".*.tmp"))
    if leftovers:
        return f"temporary files left: {leftovers}"
    if result.exit_code == 0:
        return _unopenable(output)
    return None


def _unopenable(output: Path) -> str | None:
    import docx
    from pptx import Presentation

    opener: dict[str, Callable[[str], Any]] = {".docx": docx.Document, ".pptx": Presentation}
    for path in output.rglob("*"):
        if path.suffix in opener:
            try:
                opener[path.suffix](str(path))
            except Exception as exc:  # what a user's Word would meet
                return f"{path} does not open: {exc!r}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--only", choices=sorted(set(KINDS)), help="mutate only this kind of file (default: all)"
    )
    parser.add_argument(
        "--keep", type=Path, default=Path(tempfile.gettempdir()) / "klusterdocs-fuzz"
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="klusterdocs-fuzz-"))
    os.environ["KLUSTERDOCS_CACHE"] = str(work / "cache")
    deadline = time.monotonic() + args.minutes * 60
    runs = failures = 0
    exits: Counter[str] = Counter()
    print(f"seed {seed}; cases that fail are kept in {args.keep}", flush=True)
    try:
        while time.monotonic() < deadline:
            case = make_case(rng, [args.only] if args.only else KINDS)
            folder = work / f"case-{runs}"
            folder.mkdir()
            problem = run_case(case, folder, exits)
            runs += 1
            if problem:
                failures += 1
                kept = args.keep / f"{seed}-{runs}"
                shutil.copytree(folder, kept, dirs_exist_ok=True)
                (kept / "PROBLEM.txt").write_text(
                    f"klusterdocs {' '.join(case.command)}\n{case.description}\n\n{problem}",
                    encoding="utf-8",
                )
                print(f"FAIL {case.description}: {problem.strip().splitlines()[-1]} -> {kept}")
            shutil.rmtree(folder, ignore_errors=True)
            if runs % 100 == 0:
                print(f"{runs} runs, {failures} failures", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(", ".join(f"{what}: {count}" for what, count in sorted(exits.items())))
    print(f"{runs} runs, {failures} failures (seed {seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
