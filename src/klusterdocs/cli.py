"""The command line: parse arguments, call the library, print paths and problems.

Heavy modules (the model, docx, pptx) are imported inside the commands that need them, so that
`--help` stays as fast as Click itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from klusterdocs import __version__
from klusterdocs.errors import InputError, KlusterdocsError

if TYPE_CHECKING:
    from pathlib import Path

LANG = click.Choice(["sv", "en"])


class _PathParam(click.Path):
    """A path argument as a `pathlib.Path`, imported when a command runs, not for `--help`
    (pathlib takes longer to import than the rest of the help)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))


class _Group(click.Group):
    """Turns every `KlusterdocsError` into a message and exit code 1, in this one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KlusterdocsError as exc:
            if ctx.params.get("debug"):
                raise
            _fail(exc)


def _fail(exc: KlusterdocsError) -> NoReturn:
    if isinstance(exc, InputError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.secho(
            f"{count} problem{'s' * (count != 1)} found; nothing was written.", fg="red", err=True
        )
    else:
        click.secho(f"Error: {exc}", fg="red", err=True)
    sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="klusterdocs")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
def main(debug: bool) -> None:
    """Documents for cluster initiatives from YAML kept in git.

    \b
    Start here:
      klusterdocs init inputs/my-cluster.yaml --name "My Cluster"
      klusterdocs validate inputs/
      klusterdocs status inputs/my-cluster.yaml
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=_PathParam())
def validate(paths: tuple[Path, ...]) -> None:
    """Check initiative and program files (or every one in a folder) and report every
    problem with its line.

    Example: klusterdocs validate inputs/
    """
    from klusterdocs.loading import check_file, input_files

    files = input_files(paths, settings=True)
    if not files:
        click.secho(
            f"nothing to validate: no .yaml files in {', '.join(map(str, paths))}",
            fg="red",
            err=True,
        )
        sys.exit(1)
    failed = 0
    for path in files:
        checked = check_file(path)
        for problem in checked.problems:
            click.echo(str(problem))
        if checked.problems:
            failed += 1
        else:
            click.echo(f"{path}: ok ({checked.kind} file)")
            for warning in checked.warnings:
                click.secho(str(warning), fg="yellow")
    if failed:
        click.secho(f"{failed} of {len(files)} file(s) have problems.", fg="red", err=True)
        sys.exit(1)


@main.command()
@click.argument("path", required=False, type=_PathParam(), default="inputs/initiative.yaml")
@click.option("--name", default=None, help="The initiative's name.")
@click.option(
    "--phase",
    type=click.Choice(["initiering", "mobilisering", "formering", "organisering"]),
    default="initiering",
    show_default=True,
    help="The initiative's Reglab phase.",
)
@click.option(
    "--lang",
    type=LANG,
    default="sv",
    show_default=True,
    help="Language of the file's comments and of its documents.",
)
def init(path: Path, name: str | None, phase: str, lang: str) -> None:
    """Write a commented starter initiative file to fill in (never overwrites).

    Example: klusterdocs init inputs/my-cluster.yaml --name "My Cluster" --phase initiering
    """
    from klusterdocs.starter import write_starter

    for written in write_starter(path, name=name, phase=phase, lang=lang, on_note=_warn):
        click.echo(str(written))


@main.command()
@click.argument("file", type=_PathParam())
@click.option("--lang", type=LANG, default=None, help="Language (default: the file's).")
def status(file: Path, lang: str | None) -> None:
    """Show the initiative's phase and its checklist as traffic lights.

    Example: klusterdocs status inputs/smart-textiles.yaml
    """
    from klusterdocs.loading import load_initiative
    from klusterdocs.status import status_lines

    initiative = load_initiative(file)
    for text, colour in status_lines(initiative, lang or initiative.language):
        click.secho(text, fg=colour)


@main.command()
@click.argument("kind", type=click.Choice(["initiative", "program"]), default="initiative")
def schema(kind: str) -> None:
    """Print the JSON Schema of an input file (for editors and other tools).

    Example: klusterdocs schema initiative > inputs/initiative.schema.json
    """
    from klusterdocs.schema import schema_json

    click.echo(schema_json(kind), nl=False)


_OUTPUT = click.option(
    "-o",
    "--output",
    type=_PathParam(file_okay=False),
    default="output",
    show_default=True,
    help="Folder to write to.",
)


def _generating_options(function: Any) -> Any:
    """The options every generating command takes (docs/cli.md)."""
    for option in reversed(
        (
            _OUTPUT,
            click.option(
                "--lang",
                type=LANG,
                default=None,
                help="Document language (default: the file's `language`).",
            ),
            click.option(
                "--templates",
                type=_PathParam(file_okay=False),
                default=None,
                help="A folder of your own templates, searched first.",
            ),
            click.option(
                "--pdf",
                is_flag=True,
                help="Also write a PDF next to each file (needs LibreOffice).",
            ),
        )
    ):
        function = option(function)
    return function


def _report(written: list[Path], pdf: bool) -> None:
    """Print each written path; with `pdf`, convert them all in one call and print those too."""
    for path in written:
        click.echo(str(path))
    if pdf:
        from klusterdocs.pdf import convert_to_pdf, font_warning

        _warn(font_warning(written))
        for path in convert_to_pdf(written):
            click.echo(str(path))


_LANGUAGE_NAMES = {"sv": "Swedish", "en": "English"}


def _mixed_language(path: Path, written_in: str, lang: str | None) -> None:
    """Say, once, that a file's own texts are not translated when `--lang` asks for another
    language than the file is written in (a coach's English deck came out half Swedish)."""
    if lang and lang != written_in:
        _warn(
            f"{path} is written in {_LANGUAGE_NAMES[written_in]} (language: {written_in}): "
            "its texts stay as written; the headings, labels and notes klusterdocs adds are "
            f"in {_LANGUAGE_NAMES[lang]}"
        )


def _warn(message: str | None) -> None:
    if message:
        click.secho(f"Warning: {message}", fg="yellow", err=True)


def _word_command(document: str, summary: str, name: str, *, changes: bool = False) -> None:
    """Define the command `name` that writes `document`; with `changes`, --changes-since too."""

    def command(
        file: Path,
        output: Path,
        lang: str | None,
        templates: Path | None,
        pdf: bool,
        since: str | None = None,
    ) -> None:
        from klusterdocs.documents import write_word_document
        from klusterdocs.loading import load_initiative

        model = load_initiative(file)
        _mixed_language(file, model.language, lang)
        report = None
        if since is not None:
            from klusterdocs.changes import changes_since

            report = changes_since(file, since, lang)
        from klusterdocs.config import templates_setting

        templates = templates_setting(templates, file)
        written = write_word_document(
            model, document, output, lang=lang, templates=templates, changes=report, source=file
        )
        _report([written], pdf)

    if changes:  # only the plan's template has an appendix for them
        command = click.option(
            "--changes-since",
            "since",
            default=None,
            metavar="REV",
            help="Add what changed since this git revision as an appendix.",
        )(command)
    command = _generating_options(command)
    command = click.argument("file", type=_PathParam())(command)
    main.command(
        name=name,
        help=f"""{summary}

    Example: klusterdocs {name} inputs/smart-textiles.yaml --lang en
    """,
    )(command)


_word_command(
    "verksamhetsplan",
    "Write the initiative's verksamhetsplan (operational plan).",
    "plan",
    changes=True,
)
_word_command(
    "intressentanalys",
    "Write the initiative's intressentanalys (stakeholder analysis).",
    "stakeholders",
)
_word_command("forstudie", "Write the initiative's förstudie (pre-study).", "prestudy")


def _module_numbers(ctx: click.Context, incomplete: str) -> list[str]:
    """Shell completion of `--module`: the program file's module numbers, and `all`."""
    from pathlib import Path

    from klusterdocs.completion import module_numbers

    program = ctx.params.get("program")
    if program is None:  # `--module` before its value: Click leaves the rest unparsed
        program = next((a for a in ctx.args if not a.startswith("-")), None)
    numbers = module_numbers(Path(program)) if program is not None else []
    return [n for n in [*numbers, "all"] if n.startswith(incomplete)]


@main.command()
@click.argument("program", type=_PathParam())
@click.option(
    "--module",
    "module",
    required=True,
    metavar="N|all",
    help="The module number, or 'all' for every module.",
    shell_complete=lambda ctx, param, incomplete: _module_numbers(ctx, incomplete),
)
@_generating_options
@click.option(
    "--handout",
    is_flag=True,
    help="Also write <deck>-handout.pdf: each slide with its speaker notes (needs LibreOffice).",
)
def deck(
    program: Path,
    module: str,
    output: Path,
    lang: str | None,
    templates: Path | None,
    pdf: bool,
    handout: bool,
) -> None:
    """Write a module's slide deck for a training program cohort.

    Example: klusterdocs deck inputs/reglab-2012.yaml --module all
    """
    from klusterdocs.documents import write_deck
    from klusterdocs.loading import load_program
    from klusterdocs.model.program import PROGRAM_MODULES

    if module != "all" and not (module.isdigit() and 1 <= int(module) <= PROGRAM_MODULES):
        raise click.BadParameter(
            f"expected a module number, 1 to {PROGRAM_MODULES}, or 'all'", param_hint="--module"
        )
    loaded = load_program(program)
    _mixed_language(program, loaded.model.language, lang)
    from klusterdocs.config import templates_setting

    templates = templates_setting(templates, program)
    numbers = [m.number for m in loaded.model.modules] if module == "all" else [int(module)]
    written = [write_deck(loaded, n, output, lang=lang, templates=templates) for n in numbers]
    from klusterdocs.context.program import content_left_out

    for number in numbers:
        left_out = content_left_out(loaded, number, lang)
        if left_out:
            names = ", ".join(repr(name) for name in left_out)
            _warn(
                f"module {number}: the built-in content for {names} is not shown, as no "
                "agenda item is named so (or has its kind); rename the item to show it"
            )
    _report(written, pdf)
    if handout:
        from klusterdocs.pdf import convert_to_pdf

        for path in convert_to_pdf(written, handout=True):
            click.echo(str(path))


@main.command()
@click.argument("paths", nargs=-1, type=_PathParam())
@_generating_options
@click.option("--force", is_flag=True, help="Rebuild every document, even those up to date.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel workers (default: one per core).",
)
def build(
    paths: tuple[Path, ...],
    output: Path,
    lang: str | None,
    templates: Path | None,
    pdf: bool,
    force: bool,
    jobs: int | None,
) -> None:
    """Bring every document of every input up to date (default: the folder inputs/).

    Example: klusterdocs build inputs/ -o output/
    """
    import time
    from pathlib import Path

    from klusterdocs.build import Workers, plan, run

    started = time.perf_counter()
    paths = paths or (Path("inputs"),)
    from klusterdocs.config import templates_setting

    templates = templates_setting(templates, paths[0])
    with Workers(jobs) as workers:  # plan and render the inputs in parallel
        build_plan = plan(
            paths, output, lang=lang, templates=templates, reuse=not force, workers=workers
        )
        total = len(build_plan.jobs) + len(build_plan.failures)
        counts = {"built": 0, "up to date": 0, "failed": 0}
        show_bar = total > 5 and sys.stdout.isatty()
        bar = (
            click.progressbar(length=total, label="Building", file=sys.stderr) if show_bar else None
        )

        def report(result: Any) -> None:
            counts[result.status] += 1
            if result.status == "failed":
                click.echo(result.message, err=True)
            elif not bar:
                for path in result.written:
                    click.echo(str(path))
            if bar:
                bar.update(1)

        with bar or contextlib.nullcontext():
            results = run(
                build_plan,
                output,
                lang=lang,
                templates=templates,
                force=force,
                workers=workers,
                pdf=pdf,
                on_result=report,
                on_warning=_warn,
            )
    seconds = time.perf_counter() - started
    summary = (
        f"{counts['built']} built, {counts['up to date']} up to date, "
        f"{counts['failed']} failed in {seconds:.1f} s"
    )
    if not results:
        summary = "nothing to build: no .yaml files found"
    click.secho(summary, fg="red" if counts["failed"] else None, err=True)
    if counts["failed"]:
        sys.exit(1)


@main.group()
def templates() -> None:
    """See, copy and check the Word and PowerPoint templates.

    Example: klusterdocs templates export my-templates/
    """


@templates.command("list")
@click.option(
    "--templates",
    "folder",
    type=_PathParam(file_okay=False),
    default=None,
    help="Your templates folder (default: klusterdocs.yaml's).",
)
def templates_list(folder: Path | None) -> None:
    """Show which template each document and phase uses, and where it comes from.

    Example: klusterdocs templates list --templates my-templates/
    """
    from pathlib import Path

    from klusterdocs.config import templates_setting
    from klusterdocs.errors import display_path
    from klusterdocs.render.template_tools import templates_in_use

    folder = templates_setting(folder, Path.cwd())
    for document, phase, path, origin in templates_in_use(folder):
        click.echo(f"{document:<17} {phase:<13} {origin:<9} {display_path(path)}")


@templates.command("export")
@click.argument("folder", type=_PathParam(file_okay=False))
@click.option("--force", is_flag=True, help="Replace templates exported before.")
def templates_export(folder: Path, force: bool) -> None:
    """Copy the built-in templates to FOLDER, ready to edit in Word or PowerPoint.

    Example: klusterdocs templates export my-templates/
    """
    from klusterdocs.render.template_tools import export_templates

    for path in export_templates(folder, overwrite=force):
        click.echo(str(path))


@templates.command("check")
@click.argument("folder", type=_PathParam(file_okay=False))
def templates_check(folder: Path) -> None:
    """Render each template with the example data and report what plan or deck would meet.

    Errors (exit 1) are what would stop a document; notes are what renders but may not for
    other data.

    Example: klusterdocs templates check my-templates/
    """
    from klusterdocs.render.template_tools import check_templates

    findings = check_templates(folder)
    for finding in findings:
        click.echo(str(finding))
    errors = sum(f.error for f in findings)
    if errors:
        click.secho(f"{errors} error(s).", fg="red", err=True)
        sys.exit(1)
    count = sum(f.level == "note" for f in findings)
    notes = f" ({count} note(s))" if count else ""
    click.echo(f"{folder}: ok{notes}")


@main.command()
@click.argument("file", type=_PathParam())
@click.option(
    "--since",
    "since",
    default=None,
    metavar="REV",
    help="A git revision (default: the last commit that changed FILE).",
)
@click.option("--lang", type=LANG, default=None, help="Language (default: the file's).")
def changes(file: Path, since: str | None, lang: str | None) -> None:
    """Tell what changed in an initiative since a git revision, as a board would want it.

    Example: klusterdocs changes inputs/smart-textiles.yaml --since HEAD~3
    """
    from klusterdocs.changes import changes_since
    from klusterdocs.i18n import labels

    report = changes_since(file, since, lang)
    text = labels(lang or report.language)["changes"]
    if report.empty:
        click.echo(text["none"].format(revision=report.revision))
        return
    click.secho(text["title"].format(revision=report.revision), bold=True)
    for section in report.sections:
        click.echo(f"\n{section.heading}")
        for line in section.lines:
            click.echo(f"  - {line}")


@main.group("import")
def import_() -> None:
    """Take an actor register or a budget from a spreadsheet (.xlsx or .csv) into a file.

    Example: klusterdocs import actors register.xlsx --into inputs/my-cluster.yaml
    """


def _import_command(what: str, summary: str, example: str) -> None:
    """Define `import <what>`: read a sheet, merge it into `--into`, print what changed."""

    def command(register: Path, into: Path, sheet: str | None, skip_bad: bool) -> None:
        from klusterdocs.spreadsheets.importing import import_into

        report = import_into(what, register, into, sheet=sheet, skip_bad=skip_bad)  # type: ignore[arg-type]
        for note in report.notes:
            click.echo(f"Note: {note}", err=True)
        for problem in report.skipped:
            click.secho(f"skipped: {problem}", fg="yellow", err=True)
        click.echo(
            f"{into}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
            + (f", {len(report.skipped)} row problem(s) skipped" if report.skipped else "")
        )

    command = click.option(
        "--skip-bad", is_flag=True, help="Take the good rows even when some rows are wrong."
    )(command)
    command = click.option(
        "--sheet", default=None, help="The sheet to read (default: found by name, else the first)."
    )(command)
    command = click.option(
        "--into",
        required=True,
        type=_PathParam(dir_okay=False),
        help="The initiative file to merge into (the rest of it is left as it is).",
    )(command)
    command = click.argument("register", type=_PathParam(dir_okay=False))(command)
    import_.command(name=what, help=f"{summary}\n\n    Example: {example}\n")(command)


_import_command(
    "actors",
    "Merge the actors of a register into the file, by id or else by name.",
    "klusterdocs import actors register.xlsx --into inputs/my-cluster.yaml",
)
_import_command(
    "budget",
    "Merge income and costs (a column per year) into the file's budget, by source and item.",
    "klusterdocs import budget budget.xlsx --into inputs/my-cluster.yaml",
)


@main.command()
@click.argument("what", type=click.Choice(["budget", "actors", "indicators"]))
@click.argument("file", type=_PathParam(dir_okay=False))
@click.option(
    "--xlsx",
    "form",
    flag_value="xlsx",
    default="xlsx",
    help="An Excel workbook (the default, and for now the only form).",
)
@_OUTPUT
@click.option("--lang", type=LANG, default=None, help="Language (default: the file's).")
def export(what: str, file: Path, form: str, output: Path, lang: str | None) -> None:
    """Write the budget, the actor register or the indicators as a formatted workbook.

    Example: klusterdocs export budget inputs/smart-textiles.yaml --xlsx
    """
    from klusterdocs.loading import load_initiative
    from klusterdocs.spreadsheets.exporting import write_workbook

    model = load_initiative(file)
    click.echo(str(write_workbook(model, what, output, lang=lang, source=file)))  # type: ignore[arg-type]


@main.command()
@click.argument("paths", nargs=-1, type=_PathParam())
@_generating_options
def watch(
    paths: tuple[Path, ...], output: Path, lang: str | None, templates: Path | None, pdf: bool
) -> None:
    """Rebuild what changed whenever an input file or template is saved, until Ctrl-C.

    Example: klusterdocs watch inputs/
    """
    from pathlib import Path

    from klusterdocs.config import templates_setting
    from klusterdocs.watch import watch_and_build

    paths = paths or (Path("inputs"),)
    templates = templates_setting(templates, paths[0])
    where = ", ".join(map(str, (*paths, *([templates] if templates else []))))
    click.echo(f"Watching {where} (Ctrl-C to stop)", err=True)
    try:
        watch_and_build(
            paths, output, lang=lang, templates=templates, pdf=pdf, report=_watch_report
        )
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


def _watch_report(round_: Any) -> None:
    """Print one round of `watch`: what was rebuilt, each located error, a summary line."""
    for result in round_.results:
        if result.status == "built":
            for path in result.written:
                click.echo(f"rebuilt {path}")
    for message in round_.errors:
        click.echo(message, err=True)
    click.secho(round_.summary, fg="red" if round_.errors else None, err=True)


def _unwritable_output(exc: OSError) -> NoReturn:
    """What the command printed could not be written (`> file` on a full disk): said in one
    line, and the rest of the output, flushed on the way out, goes nowhere instead of into
    a second error."""
    import errno

    if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EPIPE):
        raise exc
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    click.secho(f"Error: cannot write the output: {exc.strerror or exc}", fg="red", err=True)
    sys.exit(1)


def run() -> None:
    """The `klusterdocs` command: `main`, with SIGTERM ending it as Ctrl-C does.

    By default SIGTERM kills Python on the spot; raising instead lets temporary folders,
    LibreOffice and the build's workers be cleaned up on the way out.
    """
    import gc
    import signal

    def terminated(signum: int, frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    try:
        main()
    except OSError as exc:
        _unwritable_output(exc)
    finally:
        # The process ends here. Python's last garbage collection would visit every object
        # the run made (a plan's, 35 ms: a sixth of the command) only to free memory the
        # system takes back anyway; frozen, they are left alone. Files are closed and
        # cleanups (atexit, temporary folders) run as before.
        gc.freeze()
