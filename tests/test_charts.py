"""Native charts in the Word documents: real chart parts with their data in an embedded
workbook, placed inline with alt text, the same bytes on every build, and none without data."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.shape import WD_INLINE_SHAPE
from lxml import etree

from klusterdocs.context.format import Formatter
from klusterdocs.documents import WORD_DOCUMENTS, write_word_document
from klusterdocs.loading import load_initiative
from klusterdocs.render.charts import ChartSpec, Series, chart_parts
from tests.checks import assert_valid_office
from tests.conftest import EXAMPLE, THIN

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DAY = dt.date(2012, 9, 1)


def _write(model_path: Path, document: str, folder: Path, lang: str | None = None) -> Path:
    return write_word_document(load_initiative(model_path), document, folder, lang=lang, today=DAY)


def _charts(path: Path) -> dict[str, etree._Element]:
    """The document's charts by title, as the body's relationships point at them."""
    with zipfile.ZipFile(path) as archive:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        targets = [
            r.get("Target") for r in rels if r.get("Type", "").endswith("/relationships/chart")
        ]
        charts = [etree.fromstring(archive.read(f"word/{t}")) for t in targets]
    return {"".join(c.find(f"{C}chart/{C}title").itertext()): c for c in charts}


def _series(chart: etree._Element) -> dict[str, list[float]]:
    """Each series' name and the numbers it plots (its y values, for a scatter)."""
    found = {}
    for series in chart.iter(f"{C}ser"):
        name = "".join(v.text or "" for v in series.find(f"{C}tx").iter(f"{C}v"))
        values = series.find(f"{C}val")
        values = values if values is not None else series.find(f"{C}yVal")
        found[name] = [float(v.text or "") for v in values.iter(f"{C}v")]
    return found


def _drawings(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return list(body.iter(f"{WP}docPr"))


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(EXAMPLE, "verksamhetsplan", tmp_path_factory.mktemp("plan"))


def test_the_plan_has_its_charts_with_the_budgets_figures(plan: Path) -> None:
    charts = _charts(plan)
    assert set(charts) == {
        "Budget per år",
        "Finansiering per slag",
        "Indikatorer: nollpunkt, senaste värde och mål",
        "Handlingsplanen över tid",  # tests/test_timeline_charts.py
    }
    # 2012: Vinnova 2 000 000 + region 1 000 000 + Borås 300 000 + EU 300 000, in thousands
    assert _series(charts["Budget per år"]) == {
        "Offentlig": [3600, 3750],
        "Privat": [250, 400],
        "In natura": [800, 900],
        "Kostnader": [4650, 5050],
        "Resultat": [0, 0],
    }
    assert _series(charts["Finansiering per slag"]) == {"Intäkter": [7_350_000, 650_000, 1_700_000]}
    indicators = _series(charts["Indikatorer: nollpunkt, senaste värde och mål"])
    assert indicators["Nollpunkt"] == [0, 25, 0, 0]
    assert indicators["Senaste värde"] == [18, 96, 4]  # the EU projects have no value yet
    assert indicators["Mål"] == [30, 150, 10, 5]


def test_a_chart_is_inline_with_alt_text_that_gives_its_figures(plan: Path) -> None:
    money = Formatter("sv").money
    alts = {d.get("title"): d.get("descr") for d in _drawings(plan)}
    year = alts["Budget per år"]
    assert year.startswith("Stapeldiagram över budgeten per år, 2012–2013")
    assert f"2012: intäkter {money(4_650_000)}" in year
    assert f"in natura {money(800_000)}" in year
    funding = alts["Finansiering per slag"]
    assert f"totalt {money(9_700_000)}" in funding and "in natura" in funding
    indicators = alts["Indikatorer: nollpunkt, senaste värde och mål"]
    assert "Nya produkter på marknaden: nollpunkt 0 st, senast 18 st, mål 30 st (2015)" in (
        indicators
    )
    assert indicators.startswith("Liggande stapeldiagram över fyra indikatorer")  # as counted
    shapes = docx.Document(str(plan)).inline_shapes  # python-docx reads them as charts
    assert sum(s.type == WD_INLINE_SHAPE.CHART for s in shapes) == 4


def test_each_chart_has_its_workbook_for_edit_data(plan: Path) -> None:
    with zipfile.ZipFile(plan) as archive:
        names = archive.namelist()
        types = archive.read("[Content_Types].xml").decode()
        charts = [n for n in names if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
        for chart in charts:
            part = etree.fromstring(archive.read(chart))
            data = part.find(f"{C}externalData")
            assert data is not None and data.find(f"{C}autoUpdate").get("val") == "0"
            rels = etree.fromstring(
                archive.read(chart.replace("charts/", "charts/_rels/") + ".rels")
            )
            (rel,) = [
                r
                for r in rels
                if r.get("Id")
                == data.get(
                    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
                )
            ]
            assert rel.get("Type").endswith("/relationships/package")
            workbook = archive.read("word/" + rel.get("Target").removeprefix("../"))
            with zipfile.ZipFile(io.BytesIO(workbook)) as book:
                assert "xl/worksheets/sheet1.xml" in book.namelist()
                assert b"2000-01-01T00:00:00Z" in book.read("docProps/core.xml")  # pinned
            assert f'PartName="/{chart}"' in types
    assert len(charts) == 4
    assert 'Extension="xlsx"' in types


def test_the_stakeholder_scatter_places_and_names_every_scored_actor(tmp_path: Path) -> None:
    path = _write(EXAMPLE, "intressentanalys", tmp_path)
    (chart,) = _charts(path).values()
    labels = " ".join("".join(label.itertext()) for label in chart.iter(f"{C}dLbl"))
    model = load_initiative(EXAMPLE)
    for actor in model.actors:
        assert " ".join(actor.name.split()) in " ".join(labels.split()) or all(
            word in labels for word in actor.name.split()
        )
    for corner in ("Hantera nära", "Håll nöjd", "Håll informerad", "Bevaka"):
        assert corner in labels
    # the quadrant lines: each axis crosses the other where a score turns high
    assert [a.get("val") for a in chart.iter(f"{C}crossesAt")] == ["2.5", "2.5"]
    # every series counted as the longest: LibreOffice drew only the last series of a
    # scatter whose last series had the most points
    counts = {
        c.get("val")
        for v in ("xVal", "yVal")
        for c in chart.iter(f"{C}{v}")
        for c in c.iter(f"{C}ptCount")
    }
    assert len(counts) == 1
    (alt,) = [d.get("descr") for d in _drawings(path)]
    assert "Hantera nära: Högskolan i Borås (inflytande 5, intresse 5)" in alt
    assert_valid_office(path)


def test_a_crowded_point_names_a_few_actors_and_counts_the_rest(tmp_path: Path) -> None:
    """Forty actors scored alike share one point: its label names three and says how many
    more (a label of forty names would cover the chart); the table still names every one."""
    actors = "".join(
        f"  - {{id: f{n}, name: Företag {n:02d}, helix: industry, power: 2, interest: 2}}\n"
        for n in range(40)
    )
    source = tmp_path / "crowded.yaml"
    source.write_text(THIN + "actors:\n" + actors, encoding="utf-8")
    path = _write(source, "intressentanalys", tmp_path)
    (chart,) = _charts(path).values()
    labels = [
        "\n".join(p.xpath("string()") for p in label.iter(f"{A}p"))
        for label in chart.iter(f"{C}dLbl")
    ]
    crowded = [label for label in labels if "Företag" in label]
    assert crowded == ["Företag 00\nFöretag 01\nFöretag 02\noch 37 till"]
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs) + "".join(
        cell.text
        for table in docx.Document(str(path)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert all(f"Företag {n:02d}" in text for n in range(40))
    (alt,) = [d.get("descr") for d in _drawings(path)]  # thirty named, then a count
    assert "Företag 29 (inflytande 2, intresse 2), och 10 till." in alt
    assert "Företag 30" not in alt
    assert_valid_office(path)


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    first = _write(EXAMPLE, "verksamhetsplan", tmp_path / "a")
    second = _write(EXAMPLE, "verksamhetsplan", tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    spec = ChartSpec("columns", "T", "alt", (Series("s", (1.0, 2.0)),), categories=("a", "b"))
    assert chart_parts(spec) == chart_parts(spec)


def test_a_thin_file_has_no_chart_and_no_empty_frame(tmp_path: Path) -> None:
    source = tmp_path / "thin.yaml"
    source.write_text(THIN, encoding="utf-8")
    for document in WORD_DOCUMENTS:
        path = _write(source, document, tmp_path)
        assert _drawings(path) == []
        with zipfile.ZipFile(path) as archive:
            assert not [n for n in archive.namelist() if "chart" in n or "embeddings" in n]
            assert b"chart" not in archive.read("word/_rels/document.xml.rels")
        assert_valid_office(path)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_document_with_charts_is_valid_for_word(tmp_path: Path, lang: str) -> None:
    for document in WORD_DOCUMENTS:
        path = _write(EXAMPLE, document, tmp_path, lang)
        assert _drawings(path), f"{document} has no chart"
        assert_valid_office(path)


def test_a_chart_in_a_header_is_refused_where_it_stands(tmp_path: Path) -> None:
    from klusterdocs.errors import TemplateError
    from klusterdocs.render.word import Properties, render_docx

    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "{{ c|chart }}"
    template.add_paragraph("text")
    template.save(str(tmp_path / "t.docx"))
    spec = ChartSpec("columns", "T", "alt", (Series("s", (1.0,)),), categories=("a",))
    properties = Properties("t", "s", "a", "sv", "", dt.datetime(2012, 9, 1))
    with pytest.raises(TemplateError, match="only be placed in the document's body"):
        render_docx(tmp_path / "t.docx", {"c": spec}, tmp_path / "o.docx", properties)
