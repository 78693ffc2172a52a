"""Templates as a user feature: which are in use, a copy to edit, and a check for them.

`check` renders each Word template as `plan` does, with the example data, so it fails exactly
the templates `plan` would fail, with the same located message. It adds notes on what renders
but may not for other data: fields unknown in branches the example did not take (followed by
dotted path through loop variables: `{% for a in actors %}{{ a.namn }}` reports `a.namn`),
tags that Word split across formatting runs, and typographic quotes inside tags.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2 import nodes

from klusterdocs.errors import InputError, KlusterdocsError, display_path
from klusterdocs.render.lookup import EXTENSIONS, builtin_templates, candidates, is_template

_SPLIT = re.compile(r"\{(?:<[^>]+>)+[{%]|[}%](?:<[^>]+>)+\}")


@dataclass(frozen=True)
class Finding:
    """One thing `check` found: an error (`plan` would stop the same way), a note (it works,
    but may not for other data), or information (which layout a kind of slide gets)."""

    file: str
    where: str
    message: str
    level: Literal["error", "note", "info"] = "error"

    @property
    def error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        label = "note: " if self.level == "note" else ""
        return f"{self.file}: {where}{label}{self.message}"


def templates_in_use(user_dir: Path | None) -> list[tuple[str, str, Path, str]]:
    """(document, phase, template, origin) for each document and phase, as lookup finds them."""
    from klusterdocs.phases import phases

    rows = []
    for document in EXTENSIONS:
        for phase in phases():
            path = next(p for p in candidates(document, phase, user_dir) if is_template(p))
            origin = "yours" if user_dir and user_dir in path.parents else "built-in"
            rows.append((document, phase, path, origin))
    return rows


def export_templates(target: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the built-in templates and labels into `target`, ready to edit; never overwrite by
    default. The labels (`labels/<lang>.yaml`) are the documents' fixed texts: those left
    as they are change nothing, so an author may delete what they do not change."""
    from klusterdocs.data import data_path
    from klusterdocs.i18n import LABELS_FOLDER, LANGUAGES

    sources = sorted(p for p in builtin_templates().rglob("*") if p.suffix in (".docx", ".pptx"))
    destinations = [target / p.relative_to(builtin_templates()) for p in sources]
    sources += [data_path(f"labels/{lang}.yaml") for lang in LANGUAGES]
    destinations += [target / LABELS_FOLDER / f"{lang}.yaml" for lang in LANGUAGES]
    existing = [d for d in destinations if d.exists()]
    if existing and not overwrite:
        raise KlusterdocsError(
            f"{display_path(existing[0])} already exists; not overwriting "
            "(use --force to replace the exported templates)"
        )
    for source, destination in zip(sources, destinations, strict=True):
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return destinations


# -- check ------------------------------------------------------------------------------------


def _shape(value: Any) -> Any:
    """The structure of a context value: dict of shapes, [element shape], or None (a leaf)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        merged: Any = None
        for item in value:
            merged = _merge(merged, _shape(item))
        return [merged]
    return None


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a.get(k), b.get(k)) for k in {*a, *b}}
    if isinstance(a, list) and isinstance(b, list):
        return [_merge(a[0], b[0])]
    return a if a is not None else b


def context_shape() -> dict[str, Any]:
    """The shape of what the Word templates see, from the complete example (both languages)."""
    from klusterdocs.context.initiative import initiative_context
    from klusterdocs.data import data_path
    from klusterdocs.loading import load_initiative

    example = data_path("example-initiative.yaml")
    model = load_initiative(example)
    shape: dict[str, Any] = _merge(
        _shape(initiative_context(model, "sv", folder=example.parent)),
        _shape(initiative_context(model, "en", folder=example.parent)),
    )
    return shape


class _FieldChecker:
    """Walks a template's syntax tree, resolving each attribute chain against the context."""

    def __init__(self, shape: dict[str, Any]) -> None:
        self.shape = shape
        self.unknown: list[tuple[str, str | None]] = []

    def check(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            self.check(node.iter, scope)
            element = self._resolve(node.iter, scope)
            inner = dict(scope)
            inner["loop"] = None
            element_shape = element[0] if isinstance(element, list) and element else None
            for name, part in self._targets(node.target, element_shape):
                inner[name] = part
            for child in [*node.body, *node.else_]:
                self.check(child, inner)
            if node.test is not None:
                self.check(node.test, inner)
            return
        if isinstance(node, nodes.Macro):  # a macro of the template's own, and its arguments
            scope[node.name] = None
            inner = {**scope, **{argument.name: None for argument in node.args}}
            for child in node.body:
                self.check(child, inner)
            return
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)) and isinstance(
            node.target, nodes.Name
        ):
            scope[node.target.name] = None  # a variable of the template's own: not checked
        if isinstance(node, (nodes.Getattr, nodes.Name)):
            self._resolve(node, scope)
            return
        for child in node.iter_child_nodes():
            self.check(child, scope)

    def _targets(self, target: nodes.Node, shape: Any) -> list[tuple[str, Any]]:
        if isinstance(target, nodes.Name):
            return [(target.name, shape)]
        if isinstance(target, nodes.Tuple):
            return [(item.name, None) for item in target.items if isinstance(item, nodes.Name)]
        return []

    def _resolve(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The shape `node` refers to; records an unknown name or attribute on the way."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.shape:
                return self.shape[node.name]
            guess = difflib.get_close_matches(node.name, [*self.shape, *scope], n=1)
            self.unknown.append((node.name, guess[0] if guess else None))
            return _ANY
        if isinstance(node, nodes.Getattr):
            base = self._resolve(node.node, scope)
            if isinstance(base, dict):
                if node.attr in base:
                    return base[node.attr]
                guess = difflib.get_close_matches(node.attr, list(base), n=1)
                self.unknown.append((_dotted(node), guess[0] if guess else None))
            return _ANY
        for child in node.iter_child_nodes():
            self.check(child, scope)
        return _ANY


_ANY = object()  # a value whose structure is not known: nothing below it is checked


def unknown_fields(source: str, context: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The fields of Jinja code `source` that `context` lacks, each with a guess or None."""
    from klusterdocs.render.word import environment

    env = environment()
    checker = _FieldChecker(_shape(context))
    checker.check(env.parse(source), dict.fromkeys(env.globals))
    return list(dict.fromkeys(checker.unknown))


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Name):
        return node.name
    return "…"


def check_word_template(path: Path, shape: dict[str, Any] | None = None) -> list[Finding]:
    """What `plan` would meet in one Word template, found by rendering it as `plan` does (with
    the example data), and notes on what works but may not for other data."""
    from klusterdocs.errors import TemplateError
    from klusterdocs.render.package import read_package
    from klusterdocs.render.word import WORD_PARTS, jinja_source
    from klusterdocs.render.wordtags import misplaced_tags

    name = display_path(path)
    try:
        parts = dict(read_package(path, "Word"))
    except TemplateError as exc:
        return [Finding(name, "file", str(exc).removeprefix(f"{name}: "))]
    shape = shape or context_shape()
    errors: list[Finding] = []
    notes: list[Finding] = []
    fields: list[Finding] = []
    for part in sorted(n for n in parts if WORD_PARTS.match(n)):
        xml = parts[part].decode("utf-8")
        label = part.removeprefix("word/").removesuffix(".xml")
        errors += [  # each stops plan; render would only say the first
            Finding(name, m.paragraph.where(label), m.message) for m in misplaced_tags(xml)
        ]
        notes += _split_tags(name, label, xml)
        notes += _curly_quotes(name, label, xml)
        notes += _pictures_without_alt_text(name, label, xml)
        fields += _unknown_fields(name, label, xml, jinja_source(xml), shape)
    if not errors:
        try:
            _render_examples(path)
        except TemplateError as exc:
            errors.append(Finding(name, "", str(exc).removeprefix(f"{name}: ")))
    if errors:  # the other unknown fields would stop plan next
        said = " ".join(e.message for e in errors)
        errors += [f for f in fields if f.message.split(";")[0] not in said]
    else:  # in branches the example does not take, or given a default
        notes += [
            Finding(
                f.file,
                f.where,
                f"{f.message} (not reached with the example data, or given "
                "a default; other data may reach it)",
                level="note",
            )
            for f in fields
        ]
    return errors + notes


def _render_examples(path: Path) -> None:
    """Render the template with the complete example in both languages (with and without a
    change report) and with a file holding only what is required, as `plan` would."""
    import tempfile

    from klusterdocs.changes import compare
    from klusterdocs.context.initiative import initiative_context
    from klusterdocs.data import data_path
    from klusterdocs.documents import changes_context
    from klusterdocs.loading import initiative_from_text, load_initiative
    from klusterdocs.render.word import Properties, render_docx

    example = data_path("example-initiative.yaml")
    complete = load_initiative(example)
    thin = initiative_from_text(_THIN, Path("thin.yaml"), "thin.yaml")
    day = dt.date(2012, 9, 1)
    report = compare(thin, complete, "en", "abc1234")
    contexts = [
        initiative_context(complete, "sv", day, example.parent),
        {
            **initiative_context(complete, "en", day, example.parent),
            "changes": changes_context(report, "en"),
        },
        initiative_context(thin, "sv", day),
    ]
    created = dt.datetime(2012, 9, 1, tzinfo=dt.timezone.utc)
    properties = Properties("check", "", "klusterdocs", "sv-SE", "", created)
    with tempfile.TemporaryDirectory(prefix="klusterdocs-check-") as folder:
        for context in contexts:
            render_docx(path, context, Path(folder) / "check.docx", properties)


_THIN = """\
klusterdocs: 1
initiative:
  name: Exempel
  region: Region
  focus: Inriktning
  phase: initiering
"""


def _paragraph_at(label: str, xml: str, offset: int) -> str:
    """`part, paragraph N ('first words')` for the paragraph around `offset` in `xml`."""
    from klusterdocs.render.wordtags import paragraphs_of

    number = sum(xml.count(start, 0, offset) for start in ("<w:p>", "<w:p ", "<w:p/>"))
    paragraphs = paragraphs_of(xml)
    return paragraphs[max(number, 1) - 1].where(label) if paragraphs else label


def _split_tags(name: str, label: str, xml: str) -> list[Finding]:
    """Word split a tag across formatting runs: it works (docxtpl joins them), but the tag
    takes the first run's formatting."""
    found = []
    for match in _SPLIT.finditer(xml):
        found.append(
            Finding(
                name,
                _paragraph_at(label, xml, match.start()),
                "a tag is split across formatting runs; it takes its first part's "
                "formatting (retype it in one go to be sure)",
                level="note",
            )
        )
    return found


# a drawing's properties and what it draws: a picture (pic:pic), not a text box or chart
_DRAWING = re.compile(r"<wp:docPr\b([^>]*)>(.*?)</wp:(?:inline|anchor)>", re.DOTALL)


def _pictures_without_alt_text(name: str, label: str, xml: str) -> list[Finding]:
    """A picture of the template's own with no alt text: a screen reader can say only its
    name, or "Bild", which is what its PDF calls it."""
    return [
        Finding(
            name,
            _paragraph_at(label, xml, match.start()),
            "a picture without alt text; give it one in Word (right-click, View Alt Text): "
            "a screen reader reading the PDF can say only 'Bild', or the picture's name",
            level="note",
        )
        for match in _DRAWING.finditer(xml)
        if "<pic:pic" in match.group(2) and not re.search(r'\bdescr="[^"]*\S', match.group(1))
    ]


def _curly_quotes(name: str, label: str, xml: str) -> list[Finding]:
    """Typographic quotes in a tag: docxtpl straightens “ ” ‘ ’ (the others are a syntax error,
    reported by the render), but an author should know what Word did."""
    from klusterdocs.render.wordtags import tags_of

    return [
        Finding(
            name,
            tag.paragraph.where(label),
            f"typographic quotes in {tag.typed}; they work, but turn off smart quotes "
            "(docs/templates.md)",
            level="note",
        )
        for tag in tags_of(xml)
        if any(q in tag.typed for q in "“”‘’„‟«»‚‛")
    ]


def _unknown_fields(
    name: str, label: str, xml: str, source: str, shape: dict[str, Any]
) -> list[Finding]:
    """The fields of a part the context lacks, as far as they can be told without data."""
    from klusterdocs.render.word import environment
    from klusterdocs.render.wordtags import tags_of

    env = environment()
    checker = _FieldChecker(shape)
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return []  # the render reports it, located
    checker.check(tree, dict.fromkeys(env.globals))  # range, lipsum ... are known
    tags = tags_of(xml)
    found = []
    for dotted, guess in dict.fromkeys(checker.unknown):
        hint = f"; did you mean '{guess}'?" if guess else ""
        pattern = re.compile(rf"(?<![\w.]){re.escape(dotted)}\b")
        tag = next((t for t in tags if pattern.search(t.body)), None)
        where = tag.paragraph.where(label) if tag else label
        found.append(
            Finding(
                name,
                where,
                f"unknown field '{dotted}'{hint}",
            )
        )
    return found


def check_templates(folder: Path) -> list[Finding]:
    """Check every template in `folder` (Word templates fully, PowerPoint ones for layouts)."""
    if not folder.is_dir():
        raise KlusterdocsError(f"template folder not found: {display_path(folder)}")
    from klusterdocs.i18n import label_files, labels_from, own_labels

    findings: list[Finding] = []
    for path in label_files(folder):
        try:
            own_labels(path, path.stem)
        except InputError as exc:
            findings += [
                Finding(p.file, f"line {p.line}", f"{p.path}: {p.message}") for p in exc.problems
            ]
    if findings:
        return findings  # every document uses the labels
    with labels_from(folder):
        return _check_folder(folder)


def _check_folder(folder: Path) -> list[Finding]:
    shape = context_shape()
    findings: list[Finding] = []
    for path in sorted(folder.rglob("*")):
        if path.name.startswith("~$"):  # Word's and PowerPoint's lock files
            continue
        if path.suffix in (".docx", ".dotx", ".docm", ".dotm"):  # a macro one: its refusal
            findings += check_word_template(path, shape)
        elif path.suffix in (".pptx", ".potx", ".pptm", ".potm"):
            findings += _check_deck_template(path)
    return findings


def _check_deck_template(path: Path) -> list[Finding]:
    """Which layout each kind of slide gets, and how the example program's decks come out."""
    from klusterdocs.errors import TemplateError
    from klusterdocs.render.slides import deck_report

    name = display_path(path)
    try:
        report = deck_report(path)
        made = _example_decks(path)
    except TemplateError as exc:
        return [Finding(name, "layouts", str(exc).removeprefix(f"{name}: "))]
    shade = "dark" if report.dark else "light"
    found = [Finding(name, "", f"{report.slide_size} slides, {shade} background", "info")]
    found += [
        Finding(name, "", f"{kind.replace('_', '-')} slides: {where}", "info")
        for kind, where in report.layouts.items()
    ]
    found += [Finding(name, "layouts", note, "note") for note in report.notes]
    for module, count, thin, cut in made:
        where = f"module {module} of the example program"
        found.append(Finding(name, where, f"{count} slides", "info"))
        if thin:
            titles = ", ".join(repr(t) for t in dict.fromkeys(thin))
            found.append(
                Finding(name, where, f"continued for a single line or row: {titles}", "note")
            )
        if cut:
            titles = ", ".join(repr(t) for t in dict.fromkeys(cut))
            found.append(
                Finding(name, where, f"text cut to fit (whole in the notes): {titles}", "note")
            )
    return found


def _example_decks(path: Path) -> list[tuple[int, int, list[str], list[str]]]:
    """(module, slides, continuation slides with one line, slides with text cut) for each
    module of the example program laid out on `path`."""
    from klusterdocs.context.program import deck_slides
    from klusterdocs.data import data_path
    from klusterdocs.i18n import labels
    from klusterdocs.loading import load_program
    from klusterdocs.render.slides import DeckWriter

    loaded = load_program(data_path("example-program.yaml"))
    made = []
    for module in loaded.model.modules:
        writer = DeckWriter(path)
        slides = deck_slides(loaded, module.number)
        writer.size_participants(slides)
        for spec in slides:
            writer.add(spec, labels(loaded.model.language)["deck"]["continued"])
        made.append((module.number, len(writer.prs.slides), writer.thin, writer.cut))
    return made
