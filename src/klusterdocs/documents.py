"""Generate documents: the library behind `plan`, `stakeholders`, `prestudy` and `deck`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from klusterdocs.errors import InputError
from klusterdocs.loading import LoadedProgram
from klusterdocs.model import InitiativeFile
from klusterdocs.output import claimed_folder

if TYPE_CHECKING:
    from klusterdocs.changes import ChangeReport

WORD_DOCUMENTS = ("verksamhetsplan", "intressentanalys", "forstudie")
_LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}


def build_day() -> dt.date:
    """Today, or the day of `SOURCE_DATE_EPOCH` when set (for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def changes_context(report: ChangeReport, lang: str) -> dict[str, Any]:
    """A change report as the templates' `changes`: a title and sections of sentences."""
    from klusterdocs.i18n import labels

    text = labels(lang)["changes"]
    return {
        "title": text["title"].format(revision=report.revision),
        "none": text["none"].format(revision=report.revision) if report.empty else "",
        "sections": [{"heading": s.heading, "lines": s.lines} for s in report.sections],
    }


def output_path(model: InitiativeFile, document: str, output_dir: Path) -> Path:
    """Where `document` of `model` is written: `OUT/<slug>/<document>.docx`."""
    return output_dir / model.initiative.slug / f"{document}.docx"


def write_word_document(
    model: InitiativeFile,
    document: str,
    output_dir: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
    today: dt.date | None = None,
    changes: ChangeReport | None = None,
    source: Path | None = None,
) -> Path:
    """Render `document` (e.g. `verksamhetsplan`) for `model`; return the written path.

    With `changes`, the document gets them as an appendix (where its template has one). With
    `source` (the initiative file), the folder is refused when another file's documents are
    there (see `klusterdocs.output.claimed_folder`), and the file's logo is placed (its path is
    relative to the file: without `source`, no logo).
    """
    from klusterdocs.i18n import labels_from

    with labels_from(templates):
        return _write_word_document(
            model, document, output_dir, lang, templates, today, changes, source
        )


def _write_word_document(
    model: InitiativeFile,
    document: str,
    output_dir: Path,
    lang: str | None,
    templates: Path | None,
    today: dt.date | None,
    changes: ChangeReport | None,
    source: Path | None,
) -> Path:
    from klusterdocs.context.initiative import initiative_context
    from klusterdocs.render.lookup import find_template
    from klusterdocs.render.word import Properties, render_docx

    lang = lang or model.language
    day = model.document.date or today or build_day()
    context = initiative_context(model, lang, day, source.parent if source else None)
    if changes is not None:
        context["changes"] = changes_context(changes, lang)
    template = find_template(document, model.initiative.phase, templates)
    name = context["t"]["names"][document]
    author = context["doc"]["author"] or "klusterdocs"
    properties = Properties(
        title=f"{name} – {context['initiative']['name']}",
        subject=context["initiative"]["focus"],
        author=author,
        language=_LANGUAGE_TAGS[lang],
        keywords=", ".join((context["initiative"]["region"], context["phase"]["name"], "Reglab")),
        created=dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc),
    )
    target = output_path(model, document, output_dir)
    with claimed_folder(output_dir, target.parent, source):
        render_docx(template, context, target, properties)
    return target


def deck_path(loaded: LoadedProgram, number: int, output_dir: Path) -> Path:
    """Where module `number`'s deck is written: `OUT/<program-slug>/modul-N.pptx`."""
    return output_dir / loaded.model.program.slug / f"modul-{number}.pptx"


def write_deck(
    loaded: LoadedProgram,
    number: int,
    output_dir: Path,
    *,
    lang: str | None = None,
    templates: Path | None = None,
) -> Path:
    """Write module `number`'s slide deck for the program; return the written path."""
    from klusterdocs.i18n import labels_from

    with labels_from(templates):
        return _write_deck(loaded, number, output_dir, lang, templates)


def _write_deck(
    loaded: LoadedProgram, number: int, output_dir: Path, lang: str | None, templates: Path | None
) -> Path:
    from klusterdocs.context.format import clean_text
    from klusterdocs.context.program import deck_date, deck_slides
    from klusterdocs.i18n import labels
    from klusterdocs.render.lookup import find_template
    from klusterdocs.render.slides import Properties, render_deck

    module = loaded.model.module(number)
    if module is None:
        numbers = ", ".join(str(m.number) for m in loaded.model.modules)
        raise InputError([_no_module(loaded, number, numbers)])
    lang = lang or loaded.model.language
    slides = deck_slides(loaded, number, lang)
    template = find_template("modul", module.phase, templates, module=number)
    day = deck_date(loaded, number) or build_day()
    program = loaded.model.program
    module_name = labels(lang)["deck"]["module"].format(number=number)
    properties = Properties(
        title=clean_text(f"{program.title} – {module_name}: {module.title}"),
        author=clean_text(program.organiser or "klusterdocs"),
        language=_LANGUAGE_TAGS[lang],
        created=dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc),
    )
    target = deck_path(loaded, number, output_dir)
    with claimed_folder(output_dir, target.parent, loaded.path):
        render_deck(template, slides, target, properties, labels(lang)["deck"]["continued"])
    return target


def _no_module(loaded: LoadedProgram, number: int, numbers: str) -> Any:
    from klusterdocs.errors import Problem, display_path

    return Problem(
        display_path(loaded.path),
        1,
        1,
        "modules",
        f"the program has no module {number}; it has {numbers}",
    )
