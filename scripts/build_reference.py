"""Write docs/templates.md: the guide to editing templates and the generated field reference.

    python scripts/build_reference.py

The field table comes from the code (every field the example's context has) and from
src/klusterdocs/data/fields.yaml (what each field is). tests/test_field_guide.py fails when
the committed file differs from what this writes, so the guide cannot drift from the code.
Every worked example below was rendered with `plan`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from klusterdocs.render.field_guide import descriptions, field_reference, field_rows

TARGET = Path(__file__).resolve().parent.parent / "docs" / "templates.md"

GUIDE = """\
# Templates: a guide for template authors

klusterdocs fills Word templates (`.docx`) with an initiative's data, and lays out module
decks on PowerPoint templates (`.pptx`). Both are ordinary files you edit in Word, PowerPoint
or LibreOffice. This guide shows how to write the placeholders in a Word template, with
examples you can copy; the table at the end lists every piece of data a template can use.

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

The exported templates are the best examples: open one and look at how it does what you
want to do.

## The look of a Word template

- Change the look through **styles** (Home → Styles): Heading 1–3, Normal, Table Text, Hint,
  List Bullet, and the table style *Klusterdocs Table*. Every table uses it, so one change
  restyles them all.
- Set a table's column widths in Word as the content usually needs them. klusterdocs keeps
  your proportions, scales a table too wide for the page down, and gives a column too narrow
  for its longest word (a long Swedish compound) room from the others, at most a fifth of
  each.
- Values are always escaped and templates run in a sandbox: a template can only print data,
  never run code (see SECURITY.md).

## Printing a field: `{{ … }}`

Text in double curly braces is replaced by data: `{{ initiative.name }}` prints
*Smart Textiles*. The name of each field, and an example of what it holds, is in the table
at the end. The text takes the formatting of the tag: make the whole tag bold and the name
comes out bold.

A field with a dot and a name (`initiative.name`) is one part of a larger field. A field
marked `[]` in the table is one element of a list: the list's elements are printed with a
loop (below).

Every field exists for every initiative. A text the file does not give is empty, and a list
the file does not give has no elements, so a condition decides what to show instead. A few
groups are missing as a whole when the file leaves them out (`initiative.leader`,
`context.swot`, `regional_strategy`, `prestudy.budget`, `changes`, `doc.logo` and the
charts): test the group before reaching into it, `{%p if initiative.leader %}`.

## Showing a part only sometimes: `{%p if %}`

Type each line below as a paragraph of its own (press Enter after each):

```
{%p if budget.deficit %}
{{ budget.deficit_text }}
{%p else %}
{{ budget.result_text }}
{%p endif %}
```

The paragraphs holding `{%p if … %}`, `{%p else %}` and `{%p endif %}` disappear from the
document, and of the paragraphs between them only the part that applies is kept: the first
when the budget shows a deficit, the second otherwise. For Smart Textiles, whose budget
balances, this prints: *Budgeten är i balans: finansieringen täcker kostnaderna på
9 700 000 kr. …* The part between `if` and `endif` may be many paragraphs, headings and
tables long; `{%p else %}` may be left out.

Conditions you can write:

- `{%p if initiative.website %}`: the field is not empty (a text, or a list with elements).
- `{%p if not initiative.website %}`: the field is empty.
- `{%p if recommendation.decision == "go" %}`: the field is exactly this text.
- `{%p if actors|length > 3 %}`: a list has more than three elements.
- `and`, `or` join conditions: `{%p if budget.has_income and budget.has_costs %}`.

Inside a sentence, write the condition without the `p`; the sentence stays one paragraph:

```
Webbplats: {% if initiative.website %}{{ initiative.website }}{% else %}saknas{% endif %}.
```

prints *Webbplats: https://example.org/smart-textiles.*

## Repeating paragraphs: `{%p for %}`

```
{%p for a in actors %}
{{ a.name }} ({{ a.helix }})
{%p endfor %}
```

prints one paragraph per actor: *Högskolan i Borås (Akademi)*, *Västra Götalandsregionen
(Offentlig förvaltning)*, … Between `for` and `endfor`, `a` is the actor the loop has come
to, and `a.name` is its name: the fields of `actors[]` in the table. Any short name will do
instead of `a`. In the loop, `loop.first` and `loop.last` are true for the first and the
last element, and `loop.index` is the element's number from 1.

## Repeating table rows: `{%tr for %}`

Make a table with a row for the loop's start, the row to repeat, and a row for its end:

| Namn | Roll |
|---|---|
| `{%tr for a in actors %}` | |
| `{{ a.name }}` | `{{ a.role }}` |
| `{%tr endfor %}` | |

The rows holding `{%tr … %}` disappear; the row between them is repeated, once per actor:

| Namn | Roll |
|---|---|
| Högskolan i Borås | Huvudman och forskningspartner |
| Västra Götalandsregionen | Regional finansiär |
| … | … |

The other cells of a `{%tr` row are not printed; leave them empty. `{%tr if … %}` and
`{%tr endif %}` show rows only sometimes in the same way.

## Repeating table columns: `{%tc for %}`

The same for columns: a cell for the loop's start, the cell to repeat, a cell for its end.

| Post | `{%tc for y in budget.years %}` | `{{ y }}` | `{%tc endfor %}` |
|---|---|---|---|
| Summa | `{%tc for c in budget.cost_cells %}` | `{{ c }}` | `{%tc endfor %}` |

prints

| Post | 2012 | 2013 |
|---|---|---|
| Summa | 4 650 000 kr | 5 050 000 kr |

## Texts with paragraphs, bullets and bold: `md`, `bullets`, `rich`

Some fields are longer texts, written in the initiative file with paragraphs, `- ` bullets,
`**bold**` and `*italic*`, or lists of short texts. The table's *what it is* column says which
filter suits a field. A filter follows the field after a `|`:

- `{{p initiative.background|md }}`, alone in its paragraph, prints the text as paragraphs,
  with its bullets, numbered lists, bold and italic.
- `{{p strategy.shared_values|bullets }}`, alone in its paragraph, prints a list as one
  bullet paragraph per element.
- `Vision: {{r strategy.vision|rich }}`, inside a sentence, prints a one-paragraph text with
  its bold and italic, as part of the sentence.

The letter after `{{` matters: `p` replaces the whole paragraph, `r` puts the text into the
sentence around it. `md` and `bullets` need `{{p`, `rich` needs `{{r`.

The host's logo is a picture: `{{r doc.logo|picture(2.2, 7) }}` places it where the tag
stands, at most 2.2 cm tall and 7 cm wide in its own proportions (the second number may be
left out: four times the first), with its alt text; nothing when the file names no logo.

Each filter can be told which paragraph style to use, by the style's name without spaces
(the name Word shows, e.g. *Table Text*, written `TableText`), in straight quotes:

- `md(style, bullet_style)`: `style` for the paragraphs (default *Normal*), `bullet_style`
  for the bullets (default *List Bullet*; *Table Bullet* when `style` is `'TableText'`).
  In a table cell: `{{p f.description|md('TableText') }}`.
- `bullets(style)`: the style of every bullet (default *List Bullet*). In a table cell:
  `{{p context.swot.strengths|bullets('TableBullet') }}`; numbered:
  `{{p strategy.shared_values|bullets('ListNumber') }}`.
- `rich` takes no style: the text keeps the style of the paragraph it is in.

A style name that the template does not have gives plain *Normal* text, without an error.

## Table cells: colour, width and merging

Type these at the start of a cell, before its text:

- `{% cellbg a.quadrant_colour %}` colours the cell. Fields ending in `colour` hold colours
  for this; a fixed colour is written as its hex code in quotes: `{% cellbg "C6E7C1" %}`.
- `{% colspan 3 %}` makes the cell three columns wide. Useful in a table whose columns come
  from a `{%tc for %}` loop: for a note under the table above, merge the last row's cells
  into one in Word and start it with `{% colspan budget.years|length + 1 %}`.
- `{% vm %}` in a repeated row (`{%tr for %}`): the cell is merged with the same cell of
  the rows below it into one tall cell, which shows the first row's text.
- `{% hm %}` in a repeated column (`{%tc for %}`): the copies of the cell are merged into
  one wide cell, e.g. a heading *Kostnad per år* over all the year columns.

## Joining a tag to the text around it: `{%-` and `-%}`

A `-` just inside a tag joins its paragraph to the one before (`{%-`) or after (`-%}`), so
a loop can be typed on lines of its own and still print a single paragraph:

```
Kärnan:
{%- for a in stakeholders.inner -%}
 {{ a.name }};
{%- endfor %}
```

prints one paragraph: *Kärnan: Högskolan i Borås; Exempelväveriet AB;*

## Printing curly braces

To print `{{`, `}}`, `{%` or `%}` as they are, write docxtpl's escapes: `{_{ … }_}`
prints `{{ … }}` and `{_% … %_}` prints `{% … %}`. A tag printing the text works too:
`{{ '{{' }}` prints `{{`. (Braces typed in an initiative file are always printed as typed.)

## Mistakes to avoid

- **One `{%p`, `{%tr` or `{%tc` tag per paragraph, row or cell, and nothing else in it.**
  Such a tag stands for its whole paragraph (row, cell), which disappears: text beside it,
  or a second tag, would be lost. `plan` stops with an error naming the paragraph instead,
  and `templates check` reports it.
- **`|md` and `|bullets` only with `{{p`, alone in their paragraph.** They write whole
  paragraphs, which cannot go inside a sentence: `Bakgrund: {{ initiative.background|md }}`
  would break the document, so `plan` stops with an error saying how to write it. Inside a
  sentence, use `{{r …|rich }}`. `{{r` is for `|rich` and `|picture` only:
  `{{r strategy.vision }}` would show nothing, so `plan` stops and says so.
- **Straight quotes inside tags.** Word and LibreOffice turn `"` into `”` as you type.
  klusterdocs straightens `”` and `’`, but not `„` or `«»`, which stop `plan` with an
  error; `templates check` reports them all. Turn smart quotes off while you edit
  templates. In Word: File → Options → Proofing → AutoCorrect Options → AutoFormat As You
  Type, untick *"Straight quotes" with "smart quotes"* (on a Mac: Word → Preferences →
  AutoCorrect). In LibreOffice: Tools → AutoCorrect Options → Localized Options, untick
  *Replace* under both *Double quotes* and *Single quotes*.
- **Type each tag in one go.** If you change the formatting in the middle of a tag, Word
  splits it into pieces. It still works (the value takes the first piece's formatting), and
  `templates check` notes where, so you can retype it in one go.
- **A field name must exist.** A misspelt or unknown field (`{{ initiative.nam }}`) stops
  `plan` with an error naming the template, the paragraph and the field, with a guess
  (*did you mean 'name'?*), and no document is written. `klusterdocs templates check
  my-templates/` lists every such mistake at once, without writing a document.

## What `templates check` does

`klusterdocs templates check my-templates/` renders every template as `plan` and `deck` would,
with the built-in example initiative (in Swedish and in English, with a change report) and
with a file holding only the required fields. An **error** is what would stop `plan`: it is
said exactly as `plan` says it, with the file, the part (`document`, `header1`…), the
paragraph's number counted over the whole document as you saved it (table cells included)
and its first words, to find with Ctrl+F. A **note** is something that works but is worth a
look: a field the example data never reached (inside an `{% if %}` it did not enter, or with
a `default`), a tag Word split into pieces, typographic quotes in a tag. Check exits with 1
when there is an error, and with 0 when there are only notes.

## Fixed texts: the labels, `t.…`

Headings and other fixed texts come from the labels, in the document's language:
`{{ t.headings.summary }}` prints *Sammanfattning* in a Swedish document and *Summary* in an
English one. `klusterdocs templates export my-templates/` writes them beside the templates,
as `my-templates/labels/sv.yaml` and `en.yaml`; `t.headings.summary` is `summary` under
`headings` under `documents` there.

To word a text your own way, change it in that file: while `my-templates/` is in use
(`--templates my-templates/`, or `templates:` in `klusterdocs.yaml`), its labels replace the
built-in ones, in the decks too. Texts you leave out keep the built-in wording, so the file may
hold only what you change:

```yaml
documents:
  headings:
    summary: Kort om oss
```

Keep the `{placeholders}` a text has (`{name}`, `{actors:actor}`): a text may leave one out,
but one it is not given, an unknown key or a list where a text belongs stops `plan` with the
line and what is wrong, and `templates check` lists them all.

## The change report: `changes.…`

`klusterdocs plan inputs/my-cluster.yaml --changes-since v1.0` compares the file with the
git revision `v1.0` and gives the template a change report as `changes`; without the option
`changes` is empty. The built-in plan prints it as an appendix:

```
{%p if changes %}
{{ changes.title }}
{%p if changes.none %}
{{ changes.none }}
{%p endif %}
{%p for s in changes.sections %}
{{ s.heading }}
{{p s.lines|bullets }}
{%p endfor %}
{%p endif %}
```

Test `{%p if changes %}` first: without a report, `changes.title` is an unknown field.

## Editing a PowerPoint template

A deck template is any PowerPoint template, `.pptx` or `.potx`, from Office's own themes to a
region's design. klusterdocs rates every layout of every slide master for each kind of slide
by its placeholders and where they sit, not by names (names only break ties):

| kind of slide | what suits it best |
|---|---|
| cover | a centred title with a subtitle |
| section | a title in the middle band of the slide, at most a small text box |
| content | a title near the top and one large text box under it |
| two columns | a title and two text boxes side by side |
| table | a table placeholder; else the content layout |
| title only (the phase diagram) | a title and nothing else |
| closing | a centred title without a subtitle; else the cover |

A template without what a kind needs still works: a layout with a title only gets a text box
in the free area below the title, two columns go one after the other. A template without any
layout with a title is refused, with the layouts it has.

Colours come from the template's theme (Design → Variants → Colors in PowerPoint): tables,
quotes, sources and the phase diagram use its accent and text colours, so a dark or a red
design recolours every slide. Change the masters' colours, fonts and backgrounds freely.

`klusterdocs templates check my-templates/` shows which layout each kind of slide gets, the
slide size (16:9 or 4:3), whether the background is dark, and how the example program's decks
come out: their slide counts, continuation slides that hold a single line, text cut to fit.

## What a Word template sees

Every field below exists for every initiative (the groups named above only when the file
gives them). *kind* says what a field holds: a text, a
number, a flag (true or false, for conditions), a mapping (a group of fields, reached with a
dot) or a list (printed with a loop). `[]` marks one element of a list:
`{%p for a in actors %}` … `{{ a.name }}` prints `actors[].name`. The examples are from
Smart Textiles, the example initiative, in Swedish; the `changes` fields from a report
comparing it with a revision that lacked its last actor.

"""


def context_reference() -> str:
    """The generated field table (the name tests/test_template_tools.py rebuilds it by)."""
    return field_reference()


def main() -> None:
    about, paths = descriptions(), [path for path, _, _ in field_rows()]
    missing, stale = about.missing(paths), about.stale(paths)
    if missing or stale:
        for path in missing:
            print(f"fields.yaml: no description for '{path}'", file=sys.stderr)
        for path in stale:
            print(f"fields.yaml: '{path}' is not a field (any more)", file=sys.stderr)
        sys.exit(1)
    TARGET.write_text(GUIDE + context_reference(), encoding="utf-8")
    print(TARGET)


if __name__ == "__main__":
    main()
