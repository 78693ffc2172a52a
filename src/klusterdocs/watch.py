"""`klusterdocs watch`: rebuild what changed whenever an input file or a template is saved.

Each round runs the incremental build (`klusterdocs.build`) over the watched inputs, so only the
documents whose YAML, linked files, template or labels changed are rendered again. The loop
takes its change sets from any iterable, so it is tested without a file watcher; `watchfiles`
supplies them when it runs for real.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from klusterdocs.build import Result
from klusterdocs.errors import display_path

# What a save touches that is worth a rebuild: inputs, templates, their labels and settings.
WATCHED_SUFFIXES = {".yaml", ".yml", ".docx", ".pptx", ".dotx", ".potx"}


@dataclass
class Round:
    """One rebuild: the changed files that set it off, every build result, and its errors."""

    changed: list[Path]
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rebuilt(self) -> list[Path]:
        return [p for r in self.results if r.status == "built" for p in r.written]

    @property
    def summary(self) -> str:
        count = {s: sum(r.status == s for r in self.results) for s in ("built", "failed")}
        return (
            f"{count['built']} rebuilt, {count['failed']} failed in {self.seconds:.1f} s; "
            "waiting for changes (Ctrl-C to stop)"
        )


def relevant(path: Path, output: Path) -> bool:
    """Whether a changed `path` can change a document: an input or template file, not one
    of ours being written (`output/`), a lock file (`~$plan.docx`) or an editor's backup."""
    name = path.name
    if name.startswith((".", "~", "#")) or name.endswith(("~", ".tmp", ".swp")):
        return False
    if path.suffix.lower() not in WATCHED_SUFFIXES:
        return False
    try:
        path.resolve().relative_to(output.resolve())
    except ValueError:
        return True
    return False


def rebuild_rounds(
    changes: Iterable[Iterable[Path]],
    paths: Sequence[Path],
    output: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
    pdf: bool = False,
    workers: int | None = None,
) -> Iterator[Round]:
    """Build once, then once per set of changed files that holds a relevant one.

    An error is reported in the first round and again whenever its file changes, not in
    every round while another file is edited.
    """
    from klusterdocs.build import Workers, plan, run

    def build(changed: list[Path], reported: set[str]) -> Round:
        started = time.perf_counter()
        with Workers(workers) as pool:
            build_plan = plan(paths, output, lang=lang, templates=templates, workers=pool)
            results = run(build_plan, output, lang=lang, templates=templates, workers=pool, pdf=pdf)
        names = {display_path(p) for p in changed}
        errors = [
            r.message
            for r in results
            if r.status == "failed"
            and (r.message not in reported or any(r.message.startswith(n) for n in names))
        ]
        current = {r.message for r in results if r.status == "failed"}
        reported.clear()
        reported.update(current)
        return Round(changed, results, errors, time.perf_counter() - started)

    reported: set[str] = set()
    yield build([], reported)
    for batch in changes:
        changed = sorted({p for p in batch if relevant(p, output)})
        if changed:
            yield build(changed, reported)


def watch_and_build(
    paths: Sequence[Path],
    output: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
    pdf: bool = False,
    report: Callable[[Round], None],
) -> None:
    """Watch `paths` (and `templates`) with watchfiles and `report` each round, until Ctrl-C."""
    import watchfiles

    watched = [p for p in (*paths, *([templates] if templates else [])) if p.exists()]

    def change_sets() -> Iterator[list[Path]]:
        for batch in watchfiles.watch(*watched, raise_interrupt=True):
            yield [Path(name) for _, name in batch]

    for round_ in rebuild_rounds(
        change_sets(), paths, output, lang=lang, templates=templates, pdf=pdf
    ):
        report(round_)
