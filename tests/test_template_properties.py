"""Property-based tests over generated Word templates: whatever an author types, with
mistakes among it, `plan` writes a document Word opens or stops with a located error, and
`templates check` agrees with it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import docx
from hypothesis import given
from hypothesis import strategies as st

from klusterdocs.documents import write_word_document
from klusterdocs.errors import KlusterdocsError
from klusterdocs.loading import load_initiative
from klusterdocs.render.template_tools import check_templates
from tests.checks import assert_valid_office
from tests.conftest import EXAMPLE

# What authors type into a paragraph: text, tags used right, and tags used wrong.
PIECES = [
    "Text om oss",
    "“citat” & <vinkel>",
    "{{ initiative.name }}",
    "{{ initiative.region|upper }}",
    "{% if actors %}många{% else %}inga{% endif %}",
    "{% for a in actors %}{{ a.name }}, {% endfor %}",
    "{{ t.headings.summary }}",
    "{{ initiative.namn }}",  # an unknown field
    "{{ 1 / 0 }}",  # a runtime error
    "{{ initiative.name|nofilter }}",  # an unknown filter
    "{% if x %}",  # never closed
    "{% endfor %}",  # never opened
    "{{ initiative.background|md }}",  # paragraphs inside a paragraph
    "{{r initiative.name }}",  # a run replaced by nothing
    "{{ ''.__class__ }}",  # Python's internals
    "{_{ bokstavligt }_}",  # docxtpl's literal braces
    "{% raw %}{{ rått }}{% endraw %}",
    "{% set n = actors|length %}{{ n }} aktörer",
    "{{ '%d' % initiative.name }}",  # a format that fails
    "{{ range(10**8)|list|length }}",  # too much
    "{% cellbg 'FF0000' %}",  # a cell's tag outside a table
    "{{ initiative.name ~ '<b>&' }}",
]
# Paragraphs that stand alone: a block's tags, and the filters that write paragraphs.
ALONE = [
    "{%p if actors %}",
    "{%p endif %}",
    "{%p for a in actors %}",
    "{%p endfor %}",
    "{{p initiative.background|md }}",
    "{{p goals_list|bullets }}",
    "{%tr for a in actors %}",  # a row's tag outside a table
    "{%tc endfor %}",
]
paragraphs = st.one_of(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map(" ".join),
    st.sampled_from(ALONE),
    st.tuples(st.sampled_from(["Före", "Efter"]), st.sampled_from(ALONE)).map(" ".join),
)


@given(st.lists(paragraphs, min_size=1, max_size=6))
def test_plan_writes_or_says_where_and_check_agrees(texts: list[str]) -> None:
    model = load_initiative(EXAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        templates = Path(folder) / "t"
        (templates / "verksamhetsplan").mkdir(parents=True)
        document = docx.Document()
        for text in texts:
            document.add_paragraph(text)
        document.save(str(templates / "verksamhetsplan" / "default.docx"))
        try:
            written = write_word_document(
                model, "verksamhetsplan", Path(folder) / "out", templates=templates
            )
        except KlusterdocsError as exc:
            said = str(exc).split(" (and ", 1)[0]  # plan says the first of several misplacements
            assert "default.docx: " in said and ", paragraph " in said, said
            errors = [str(f) for f in check_templates(templates) if f.error]
            assert any(said.split("default.docx: ", 1)[1] in e for e in errors), (said, errors)
            assert not (Path(folder) / "out").exists() or not any((Path(folder) / "out").iterdir())
            return
        assert_valid_office(written)
        assert not [f for f in check_templates(templates) if f.error]
