"""Write docs/templates.md: the guide to editing templates and the generated field reference.

    python scripts/build_reference.py

tests/test_template_tools.py fails when the committed file differs from what this writes, so
the reference cannot drift from the code.
"""

from __future__ import annotations

from pathlib import Path

from klusterdocs.render.template_tools import context_reference

TARGET = Path(__file__).resolve().parent.parent / "docs" / "templates.md"

GUIDE = """\
# Templates: a guide for template authors

klusterdocs fills Word templates (`.docx`) with an initiative's data, and lays out module
decks on PowerPoint templates (`.pptx`). Both are ordinary files you edit in Word, PowerPoint
or LibreOffice.

## Getting started

```sh
klusterdocs templates export my-templates/    # a copy of the built-in set
# edit my-templates/verksamhetsplan/default.docx in Word: colours, fonts, headings, logo...
klusterdocs templates check my-templates/     # mistakes, each with its file and paragraph
klusterdocs plan inputs/my-cluster.yaml --templates my-templates/
```

To use them always, write `templates: my-templates` in a `klusterdocs.yaml` next to your
inputs. `klusterdocs templates list` shows which template each document and phase uses.

A template for one phase only goes in `<document>/<phase>.docx` (e.g.
`verksamhetsplan/formering.docx`); `<document>/default.docx` serves the other phases. A deck
template may be `modul/modul-2.pptx` (one module), `modul/<phase>.pptx` or
`modul/default.pptx`.

## Editing a Word template

- Change the look through **styles** (Home → Styles): Heading 1–3, Normal, Table Text, Hint,
  List Bullet, and the table style *Klusterdocs Table*. Every table uses it, so one change
  restyles them all.
- Set a table's column widths in Word as the content usually needs them. klusterdocs keeps
  your proportions, scales a table too wide for the page down, and gives a column too narrow
  for its longest word (a long Swedish compound) room from the others, at most a fifth of
  each.
- Text in `{{ … }}` is replaced by data: `{{ initiative.name }}`. Fixed texts come from the
  labels in the document's language: `{{ t.headings.summary }}` (see
  `src/klusterdocs/data/labels/sv.yaml` and `en.yaml`).
- A paragraph holding only `{%p if … %}`, `{%p else %}`, `{%p endif %}`, `{%p for … %}` or
  `{%p endfor %}` is removed from the result; the same with `{%tr … %}` for table rows and
  `{%tc … %}` for table cells. `{% cellbg colour %}` at the start of a cell colours it.
- `{{p text|md }}` writes a text with paragraphs, bullets, **bold** and *italic*;
  `{{p list|bullets }}` writes a list as bullets.
- Type each tag in one go. If you change the formatting in the middle of a tag, Word splits
  it into pieces; `templates check` finds those. Word's "smart quotes" inside a tag are found
  too: use straight quotes (`"` or `'`).
- Values are always escaped and templates run in a sandbox: a template can only print data,
  never run code (see SECURITY.md).

## Editing a PowerPoint template

klusterdocs picks a layout for each kind of slide by its placeholders, not its name: a title
with a subtitle (cover), a title lower down with one text box (section), a title with one text
box (content), two text boxes side by side, a table placeholder, a title only (the phase
diagram), and a centred title without a subtitle (closing). Change the slide master's colours,
fonts and background freely; keep those placeholders in the layouts.

## What a Word template sees

Every field below exists for every initiative: a text the file does not give is empty (`""`),
a list is empty (`[]`), so `{% if field %}` decides what to show. `[]` marks the elements of a
list: `{% for a in actors %}{{ a.name }}{% endfor %}`.

"""


def main() -> None:
    TARGET.write_text(GUIDE + context_reference(), encoding="utf-8")
    print(TARGET)


if __name__ == "__main__":
    main()
