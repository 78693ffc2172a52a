"""Generate the Word documents of an initiative: the library behind `plan`, `stakeholders`
and `prestudy`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from klusterdocs.model import InitiativeFile

WORD_DOCUMENTS = ("verksamhetsplan", "intressentanalys", "forstudie")
_LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}


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
) -> Path:
    """Render `document` (e.g. `verksamhetsplan`) for `model`; return the written path."""
    from klusterdocs.context.initiative import initiative_context
    from klusterdocs.render.lookup import find_template
    from klusterdocs.render.word import Properties, render_docx

    lang = lang or model.language
    day = model.document.date or today or dt.date.today()
    context = initiative_context(model, lang, day)
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
    render_docx(template, context, target, properties)
    return target
