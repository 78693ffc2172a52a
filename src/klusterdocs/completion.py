"""What shell completion offers beyond file names: the module numbers of a program file."""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 5 * 2**20  # completion reads the file on every Tab: never a large one


def module_numbers(program: Path) -> list[str]:
    """The module numbers of the program file `program`, or none when it cannot be read.

    Completion must be quick and quiet, so the file is read without validation, and anything
    wrong with it gives no numbers rather than an error in the middle of the command line.
    """
    from klusterdocs.loading.yamlsource import parse_yaml

    try:
        if program.stat().st_size > MAX_BYTES:
            return []
        source = parse_yaml(program.read_text(encoding="utf-8"), program, str(program))
    except Exception:  # a half-typed or unreadable file: offer nothing
        return []
    modules = source.data.get("modules") if isinstance(source.data, dict) else None
    numbers = [
        str(module["number"]).strip()
        for module in modules or []
        if isinstance(module, dict) and module.get("number") is not None
    ]
    return [n for n in dict.fromkeys(numbers) if n.isdigit()]
