"""`klusterdocs build`: every document of every input, incremental and in parallel.

A build plans one job per document (an initiative's phase document set, a program's module
decks), skips those whose inputs have not changed since the last build, and renders the rest in
a process pool. What a document depends on is hashed into its key: its YAML and the files that
YAML links, the template used, the data files (labels, phases, slide content), the language and
the klusterdocs version. The keys of the last build are kept in `OUT/.klusterdocs-build.json`.

A build with nothing to do must not cost a parse per file: the manifest also keeps, per input,
the size and modification time of every file its documents depend on (the input, the files it
links, the templates used and those more specific that did not exist) and the jobs it gave.
When none of them changed, as make decides, the jobs are taken from the manifest unparsed; a
file is parsed only when one of its documents must be made.

With several workers, the inputs to parse are planned by the workers too, each loading its
own files: the build's process parses none, and only sees the jobs they give back, to refuse
two inputs that would write one folder before anything is written.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from klusterdocs import __version__
from klusterdocs.cache import hasher as new_hasher
from klusterdocs.data import data_path
from klusterdocs.errors import InputError, KlusterdocsError, display_path
from klusterdocs.loading import LoadedProgram, input_files
from klusterdocs.model import InitiativeFile

MANIFEST = ".klusterdocs-build.json"
MANIFEST_VERSION = 2
Status = Literal["built", "up to date", "failed"]


@dataclass(frozen=True)
class Job:
    """One document to produce."""

    source: Path
    document: str  # verksamhetsplan | intressentanalys | forstudie | modul
    target: Path
    key: str
    inputs: tuple[Path, ...]  # the files it is made from: YAML, linked YAML, template
    module: int | None = None

    def up_to_date(self, manifest: dict[str, str], output: Path) -> bool:
        """Built from these inputs before, and no input is newer than the document."""
        if manifest.get(self.target.relative_to(output).as_posix()) != self.key:
            return False
        try:
            built = self.target.stat().st_mtime_ns
        except OSError:
            return False
        return all(path.stat().st_mtime_ns <= built for path in self.inputs)


@dataclass
class Result:
    job: Job | None
    status: Status
    message: str = ""
    written: list[Path] = field(default_factory=list)


@dataclass
class Plan:
    jobs: list[Job]
    failures: list[Result]
    # per input (resolved path): the stamps of what its jobs depend on, and its jobs
    records: dict[str, Any] = field(default_factory=dict)


# The inputs loaded in this process, by path: in a build without workers those its planning
# parsed, for its rendering; in a worker those it planned or rendered before. A job taken from
# the manifest unparsed, or given to another worker than the one that planned it, is loaded
# where it is rendered: a parsed input is never sent between processes.
_LOADED: dict[Path, InitiativeFile | LoadedProgram] = {}


def _loaded(source: Path) -> InitiativeFile | LoadedProgram:
    """The input `source`, loaded once in this process."""
    model = _LOADED.get(source)
    if model is None:
        from klusterdocs.loading import load_input

        model = _LOADED[source] = load_input(source)
    return model


class Workers:
    """The worker processes of one build, shared by its planning and its rendering.

    They start with the first batch of tasks given to them, so a build with one thing to do
    starts none.
    Used as a context manager: leaving it (or an interrupt) lets the documents being written
    finish, and starts no more.
    """

    def __init__(self, count: int | None = None) -> None:
        self.count = count or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start(self, tasks: int) -> ProcessPoolExecutor:
        """The pool, with as many workers as `tasks` tasks can use (up to `count`)."""
        size = min(self.count, tasks)
        if self._pool is not None and self._size < size:  # idle: a bigger batch follows
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._pool is None:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                size,
                mp_context=multiprocessing.get_context(method),
                initializer=_warm_up,
                initargs=(os.getpid(),),
            )
            self._size = size
        return self._pool


def _parallel(workers: Workers, tasks: int) -> bool:
    """Whether `tasks` tasks are worth sending to `workers`."""
    return workers.count > 1 and tasks > 1


def _digest(*parts: bytes | str) -> str:
    hasher = new_hasher()
    for part in parts:
        hasher.update(part.encode() if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


def _file_digest(path: Path) -> str:
    """The hash of a file's content, computed once per version of the file."""
    stat = path.stat()
    return _content_digest(path.resolve(), stat.st_size, stat.st_mtime_ns)


@cache
def _content_digest(path: Path, size: int, mtime_ns: int) -> str:
    return _digest(path.read_bytes())


def _data_files() -> list[Path]:
    """Every data file in use (labels, phases, slide content), overrides included."""
    builtin = Path(__file__).resolve().parent / "data"
    names = sorted(p.relative_to(builtin).as_posix() for p in builtin.rglob("*.yaml"))
    return [data_path(name) for name in names]


def _data_digest() -> str:
    """One hash of every data file in use."""
    files = _data_files()
    return _digest(*(p.as_posix() for p in files), *map(_file_digest, files))


def _stamp(path: Path) -> list[int] | None:
    """A file's size and modification time, or None when there is no such file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def _setting(lang: str | None, templates: Path | None) -> str:
    """What every job of a build depends on beyond its own files: a change makes all parse."""
    data = [(p.as_posix(), _stamp(p)) for p in _data_files()]
    return _digest(__version__, lang or "", str(templates or ""), json.dumps(data))


def _job(
    source: Path,
    document: str,
    target: Path,
    language: str,
    inputs: tuple[Path, ...],
    module: int | None = None,
) -> Job:
    """A job keyed by everything its document depends on."""
    name = document if module is None else f"modul-{module}"
    key = _digest(__version__, language, name, *map(_file_digest, inputs), _data_digest())
    return Job(source, document, target, key, inputs, module)


def plan(
    paths: Sequence[Path],
    output: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
    reuse: bool = True,
    workers: Workers | None = None,
) -> Plan:
    """Every job for the inputs under `paths`; a file that fails to load fails alone.

    With `reuse`, the jobs of an input whose files have not changed since the last build are
    taken from its manifest without parsing it (`force` builds parse everything). The others
    are parsed by the `workers` when there are several.
    """
    _LOADED.clear()  # a build sees its files as they are now (`watch` builds again and again)
    setting = _setting(lang, templates)
    known = _read_manifest(output) if reuse else {}
    recorded: dict[str, Any] = known.get("sources", {})
    keys: dict[str, str] = known.get("documents", {})
    build_plan = Plan([], [])
    planned: dict[Path, Future[PlannedInput] | None] = {}
    for path in input_files(paths):
        record = recorded.get(str(path.resolve()))
        if record and record.get("setting") == setting and _unchanged(record):
            build_plan.jobs += _recorded_jobs(path, record, keys, output)
            build_plan.records[str(path.resolve())] = record
        else:
            planned[path] = None
    if workers is not None and _parallel(workers, len(planned)):
        pool = workers.start(len(planned))
        for path in planned:
            planned[path] = pool.submit(_plan_input, path, output, lang, templates, setting)
    for path, future in planned.items():
        try:
            jobs, record, failure = (
                future.result() if future else _plan_input(path, output, lang, templates, setting)
            )
        except Exception as exc:  # a worker that died (killed, out of memory)
            jobs, record = [], None
            failure = Result(None, "failed", f"{display_path(path)}: not read ({exc})")
        if failure is not None:
            build_plan.failures.append(failure)
        else:
            build_plan.jobs += jobs
            build_plan.records[str(path.resolve())] = record
    return _without_shared_folders(build_plan)


PlannedInput = tuple[list[Job], dict[str, Any] | None, Result | None]


def _plan_input(
    path: Path, output: Path, lang: str | None, templates: Path | None, setting: str
) -> PlannedInput:
    """The jobs of the input `path` and the manifest's record of them, or why it failed (run in
    a worker when there are several)."""
    try:
        jobs, depends_on = _planned(path, output, lang, templates)
    except InputError as exc:
        return [], None, Result(None, "failed", "\n".join(map(str, exc.problems)))
    except KlusterdocsError as exc:
        return [], None, Result(None, "failed", f"{display_path(path)}: {exc}")
    record = {
        "setting": setting,
        "stamps": {p.as_posix(): _stamp(p) for p in depends_on},
        "jobs": [_job_record(job, output) for job in jobs],
    }
    return jobs, record, None


def _job_record(job: Job, output: Path) -> list[Any]:
    """A job as the manifest keeps it: document, target, module and inputs."""
    target = job.target.relative_to(output).as_posix()
    return [job.document, target, job.module, [str(p) for p in job.inputs]]


def _unchanged(record: dict[str, Any]) -> bool:
    stamps = record.get("stamps")
    if not isinstance(stamps, dict) or not isinstance(record.get("jobs"), list):
        return False
    return all(_stamp(Path(path)) == stamp for path, stamp in stamps.items())


def _recorded_jobs(
    source: Path, record: dict[str, Any], keys: dict[str, str], output: Path
) -> list[Job]:
    return [
        Job(
            source,
            document,
            output / target,
            keys.get(target, ""),
            tuple(map(Path, inputs)),
            module,
        )
        for document, target, module, inputs in record["jobs"]
    ]


def _planned(
    path: Path,
    output: Path,
    lang: str | None,
    templates: Path | None,
) -> tuple[list[Job], list[Path]]:
    """The jobs of the input `path` (loaded in this process), and every file they depend on:
    the input, the files it links, the templates used and those looked for before them."""
    from klusterdocs.documents import deck_path, output_path
    from klusterdocs.i18n import LABELS_FOLDER, LANGUAGES, label_files
    from klusterdocs.phases import phases
    from klusterdocs.render.lookup import candidates, is_template

    model = _loaded(path)
    labels = label_files(templates)
    looked: list[Path] = [path]
    if templates is not None:
        looked += [templates / LABELS_FOLDER / f"{lang}.yaml" for lang in LANGUAGES]

    def template(document: str, phase: str | None, module: int | None = None) -> Path:
        for candidate in candidates(document, phase, templates, module):
            looked.append(candidate)
            if is_template(candidate):
                return candidate
        from klusterdocs.render.lookup import find_template

        return find_template(document, phase, templates, module)  # says where it looked

    jobs = []
    if isinstance(model, InitiativeFile):
        language = lang or model.language
        phase = model.initiative.phase
        logo = model.document.logo
        pictures = [path.parent / logo] if logo else []  # a new logo makes new documents
        looked += pictures
        for document in phases()[phase].documents:
            target = output_path(model, document, output)
            inputs = (path, template(document, phase), *labels, *pictures)
            jobs.append(_job(path, document, target, language, inputs))
    else:
        language = lang or model.model.language
        linked = sorted(
            {
                (path.parent / p.initiative).resolve()
                for p in model.model.participants
                if p.initiative
            }
        )
        looked += linked
        for module in model.model.modules:
            target = deck_path(model, module.number, output)
            inputs = (path, *linked, template("modul", module.phase, module.number), *labels)
            jobs.append(_job(path, "modul", target, language, inputs, module.number))
    return jobs, list(dict.fromkeys(looked))


def _without_shared_folders(build_plan: Plan) -> Plan:
    """The plan, with the inputs whose documents would share a folder failed instead.

    Names that make one folder name (`Smart Textiles`, `smart-textiles!`) would overwrite each
    other's documents, or race to write them.
    """
    sources_by_folder: dict[Path, set[Path]] = {}
    for job in build_plan.jobs:
        sources_by_folder.setdefault(job.target.parent, set()).add(job.source)
    shared = {folder: s for folder, s in sources_by_folder.items() if len(s) > 1}
    if not shared:
        return build_plan
    clashing = set().union(*shared.values())
    failures = list(build_plan.failures)
    for folder, sources in sorted(shared.items()):
        names = " and ".join(display_path(s) for s in sorted(sources))
        failures.append(
            Result(
                None,
                "failed",
                f"{names} get the same output folder ({display_path(folder)}), and would "
                "overwrite each other's documents: give one of them a short_name",
            )
        )
    jobs = [job for job in build_plan.jobs if job.source not in clashing]
    kept = {str(source.resolve()) for source in clashing}
    records = {name: r for name, r in build_plan.records.items() if name not in kept}
    return Plan(jobs, failures, records)


def _read_manifest(output: Path) -> dict[str, Any]:
    """The last build's manifest: `documents` (target -> key) and `sources` (see `plan`)."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    if data.get("version") != MANIFEST_VERSION:  # an older build's: its keys, no records
        return {"documents": {k: v for k, v in data.items() if isinstance(v, str)}}
    documents, sources = data.get("documents"), data.get("sources")
    return {
        "documents": documents if isinstance(documents, dict) else {},
        "sources": sources if isinstance(sources, dict) else {},
    }


def _write_manifest(output: Path, keys: dict[str, str], records: dict[str, Any]) -> None:
    from klusterdocs.output import write_atomic

    data = {
        "version": MANIFEST_VERSION,
        "documents": dict(sorted(keys.items())),
        "sources": dict(sorted(records.items())),
    }
    write_atomic(output / MANIFEST, (json.dumps(data, indent=1) + "\n").encode("utf-8"))


def _render(
    job: Job,
    model: InitiativeFile | LoadedProgram,
    lang: str | None,
    templates: Path | None,
    output: Path,
) -> list[Path]:
    from klusterdocs.documents import write_deck, write_word_document

    if isinstance(model, LoadedProgram):
        assert job.module is not None
        return [write_deck(model, job.module, output, lang=lang, templates=templates)]
    return [
        write_word_document(
            model, job.document, output, lang=lang, templates=templates, source=job.source
        )
    ]


def _work(job: Job, lang: str | None, templates: Path | None, output: Path) -> Result:
    """Render one job; whatever it raises fails this job alone (run in a worker)."""
    try:
        model = _loaded(job.source)
        return Result(job, "built", written=_render(job, model, lang, templates, output))
    except InputError as exc:
        return Result(job, "failed", "\n".join(map(str, exc.problems)))
    except KlusterdocsError as exc:
        return Result(job, "failed", f"{display_path(job.source)}: {exc}")
    except Exception as exc:  # a bug: the build goes on, and says which document it hit
        return _crashed(job, exc)


def _crashed(job: Job, exc: BaseException) -> Result:
    """A job that failed on a bug of klusterdocs rather than on its input."""
    return Result(
        job,
        "failed",
        f"{display_path(job.source)}: {job.target.name} failed on an internal error "
        f"({type(exc).__name__}: {exc}); the other documents are built. Please report it, "
        "with the file if you can.",
    )


def _warm_up(parent: int) -> None:
    """Prepare a worker: it ends with the build, and imports the renderers before its first job.

    The build decides what an interrupt means, so a worker ignores Ctrl-C and keeps the default
    for SIGTERM (a handler inherited from the parent would make a job fail and the worker live
    on); and if the build's process is killed outright, its workers go too, not run on.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)
    import klusterdocs.render.slides
    import klusterdocs.render.word  # noqa: F401


def _end_with_parent(parent: int) -> None:
    """Ask Linux to end this process when its parent ends (elsewhere, a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG, from <linux/prctl.h>
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(set_parent_death_signal, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def run(
    build_plan: Plan,
    output: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
    force: bool = False,
    workers: Workers | None = None,
    pdf: bool = False,
    on_result: Callable[[Result], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> list[Result]:
    """Render the plan's jobs that are out of date; return every result, failures first.

    `on_warning` hears of what may make the PDFs look wrong (a font that is not installed).
    """
    results = list(build_plan.failures)
    for failure in build_plan.failures:
        if on_result:
            on_result(failure)
    known = _read_manifest(output)
    manifest: dict[str, str] = known.get("documents", {})
    todo = []
    for job in build_plan.jobs:
        if not force and job.up_to_date(manifest, output):
            result = Result(job, "up to date")
            results.append(result)
            if on_result:
                on_result(result)
        else:
            todo.append(job)
    built: list[Result] = []
    with contextlib.closing(_execute(todo, lang, templates, output, workers)) as done:
        for result in done:
            built.append(result)
            if on_result:
                on_result(result)
    results += built
    for result in built:
        if result.status == "built" and result.job:
            manifest[result.job.target.relative_to(output).as_posix()] = result.job.key
    if pdf:
        from klusterdocs.pdf import convert_to_pdf, font_warning

        fresh = [p for r in built if r.status == "built" for p in r.written]
        warning = font_warning(fresh)
        if warning and on_warning:
            on_warning(warning)
        for result in built:
            if result.status == "built":
                result.written = [*result.written, *(p.with_suffix(".pdf") for p in result.written)]
        convert_to_pdf(fresh)
    if built or build_plan.records != known.get("sources", {}):
        records = {**known.get("sources", {}), **build_plan.records}
        _write_manifest(output, manifest, records)
    return results


def _execute(
    jobs: list[Job],
    lang: str | None,
    templates: Path | None,
    output: Path,
    workers: Workers | None,
) -> Generator[Result, None, None]:
    if workers is None or not _parallel(workers, len(jobs)):
        for job in jobs:
            yield _work(job, lang, templates, output)
        return
    pool = workers.start(len(jobs))
    futures = {pool.submit(_work, job, lang, templates, output): job for job in jobs}
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as exc:  # a worker that died (killed, out of memory)
            yield _crashed(futures[future], exc)
