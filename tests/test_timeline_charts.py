"""The charts that tell time and the förstudie's charts: the action plan as a Gantt chart, the
baseline beside its target, the förstudie's own budget; and numbers on every chart written as
the document's language writes them, so that LibreOffice's PDF says "3 600", not "3,600"."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from klusterdocs.context.format import Formatter
from klusterdocs.context.initiative import (
    MAX_TICKS,
    TICK_MONTHS,
    _serial,
    _time_axis,
    initiative_context,
)
from klusterdocs.documents import write_word_document
from klusterdocs.loading import load_initiative
from tests.checks import HAVE_LIBREOFFICE, assert_valid_office, body_text, pdf_text
from tests.conftest import EXAMPLE

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
DAY = dt.date(2012, 9, 1)
TIMELINE = "Handlingsplanen över tid"
EMU_PER_CM = 360000


def _write(source: Path, document: str, folder: Path, lang: str | None = None) -> Path:
    return write_word_document(load_initiative(source), document, folder, lang=lang, today=DAY)


def _charts(path: Path) -> dict[str, etree._Element]:
    """The document's charts by title."""
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
        charts = [etree.fromstring(archive.read(n)) for n in names]
    return {"".join(c.find(f"{C}chart/{C}title").itertext()): c for c in charts}


def _frames(path: Path) -> dict[str, tuple[str, int]]:
    """Each chart's alt text and height (EMU) by title, as the body places it."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return {
        inline.find(f"{WP}docPr").get("title"): (
            inline.find(f"{WP}docPr").get("descr"),
            int(inline.find(f"{WP}extent").get("cy")),
        )
        for inline in body.iter(f"{WP}inline")
    }


def _categories(chart: etree._Element) -> list[str]:
    first = next(chart.iter(f"{C}ser"))
    return [v.text or "" for v in first.find(f"{C}cat").iter(f"{C}v")]


def _series_names(chart: etree._Element) -> list[str]:
    return [
        "".join(v.text or "" for v in s.find(f"{C}tx").iter(f"{C}v")) for s in chart.iter(f"{C}ser")
    ]


def _formats(chart: etree._Element) -> set[str]:
    return {f.get("formatCode") for f in chart.iter(f"{C}numFmt")}


def _initiative(tmp_path: Path, activities: str, extra: str = "") -> Path:
    source = tmp_path / "in.yaml"
    source.write_text(
        "initiative: {name: Tidsklustret, region: Dalarna, focus: Trä, phase: formering}\n"
        f"activities:\n{activities}{extra}",
        encoding="utf-8",
    )
    return source


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(EXAMPLE, "verksamhetsplan", tmp_path_factory.mktemp("plan"))


@pytest.fixture(scope="module")
def prestudy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(EXAMPLE, "forstudie", tmp_path_factory.mktemp("prestudy"))


def test_the_timeline_has_a_row_per_dated_activity_and_milestone(plan: Path) -> None:
    model = load_initiative(EXAMPLE)
    chart = _charts(plan)[TIMELINE]
    (bars,) = chart.iter(f"{C}barChart")
    assert bars.find(f"{C}barDir").get("val") == "bar"
    assert bars.find(f"{C}grouping").get("val") == "stacked"
    rows = _categories(chart)
    dated = [a for a in model.activities if a.start or a.end]
    milestones = [r for r in rows if r.startswith("◆")]
    assert len(rows) - len(milestones) == len(dated) == 6
    assert len(milestones) == len(model.milestones) == 4
    # each milestone under its activity; the status in words on each activity's row
    assert rows[:2] == [
        "Prototyplabb öppet för medlemmar (pågående)",
        "◆ Prototyplabbet öppnar för medlemmarna",
    ]
    assert "Gemensam mässmonter på internationell… (inställd)" in rows
    assert rows[-1] == "◆ Styrelsen beslutar om medlemsmodellen"  # linked to no activity: last
    # an invisible offset, then a series per status and the milestones, each its own fill
    offset, *shown = list(chart.iter(f"{C}ser"))
    assert offset.find(f"{C}spPr/{A}noFill") is not None
    assert _series_names(chart)[1:] == ["Klar", "Pågående", "Planerad", "Inställd", "Milstolpe"]
    fills = [etree.tostring(s.find(f"{C}spPr")) for s in shown]
    assert len(set(fills)) == len(fills)
    # the prototype lab runs from 1 September 2012 to 30 June 2013
    starts = [float(v.text) for v in offset.find(f"{C}val").iter(f"{C}v")]
    assert starts[0] == _serial(dt.date(2012, 9, 1))
    lengths = [v.text for v in shown[1].find(f"{C}val").iter(f"{C}v")]
    assert float(lengths[0]) == (dt.date(2013, 7, 1) - dt.date(2012, 9, 1)).days


def test_the_timeline_says_its_figures_and_reads_its_dates_in_swedish(plan: Path) -> None:
    alt, _ = _frames(plan)[TIMELINE]
    assert alt.startswith("Tidsplan (Gantt-schema) med sex aktiviteter, mars 2012 – december 2013")
    assert "Prototyplabb öppet för medlemmar: sep 2012 – juni 2013, pågående." in alt
    assert "Gemensam mässmonter på internationell textilmässa: nov 2012, inställd." in alt
    assert "EU-ansökan inlämnad (mars 2013)" in alt
    chart = _charts(plan)[TIMELINE]
    assert "[$-41D]mmm yyyy" in _formats(chart)
    (axis,) = chart.iter(f"{C}valAx")
    scaling = axis.find(f"{C}scaling")
    first = float(scaling.find(f"{C}min").get("val"))
    assert first <= _serial(dt.date(2012, 3, 1)) + 3.5  # the first activity, March 2012


def test_every_tick_falls_in_the_first_week_of_the_month_it_names() -> None:
    for year in (2011, 2012, 2013, 2015):  # leap years and not
        for month in range(1, 13):
            for months_long in (1, 5, 14, 30, 70, 110):
                start = dt.date(year, month, 1)
                end = _serial(start) + months_long * 30.4
                axis = _time_axis(_serial(start), end)
                assert axis.start <= _serial(start) + 3.5 and axis.end >= end
                ticks = round((axis.end - axis.start) / axis.step)
                assert ticks <= MAX_TICKS or axis.step > 11 * 30
                months = round(axis.step / (365.25 / 12))
                assert months in TICK_MONTHS
                zero = dt.date(1899, 12, 30)
                for n in range(ticks + 1):
                    day = zero + dt.timedelta(days=int(axis.start + n * axis.step))
                    assert 1 <= day.day <= 7, (start, months_long, n, day)
                    assert (day.month - 1) % months == 0


def test_the_timeline_grows_with_its_rows_and_keeps_within_a_page(tmp_path: Path) -> None:
    one = _initiative(
        tmp_path, "  - {id: a1, title: Företagsbesök, start: 2013-02, end: 2013-04}\n"
    )
    path = _write(one, "verksamhetsplan", tmp_path / "one")
    chart = _charts(path)[TIMELINE]
    assert _categories(chart) == ["Företagsbesök (status inte angiven)"]
    assert _series_names(chart)[1:] == ["Status inte angiven"]
    _, small = _frames(path)[TIMELINE]
    many = "".join(
        f"  - {{id: a{n}, title: Aktivitet {n}, start: 2013-{n % 12 + 1:02d}, end: 2014-06,"
        " status: ongoing}\n"
        for n in range(40)
    )
    forty = _write(_initiative(tmp_path, many), "verksamhetsplan", tmp_path / "forty")
    assert len(_categories(_charts(forty)[TIMELINE])) == 40
    alt, tall = _frames(forty)[TIMELINE]
    assert small < tall <= 22 * EMU_PER_CM
    assert "Aktivitet 39: apr 2013 – juni 2014, pågående." in alt
    assert_valid_office(forty)


def test_no_dates_no_timeline_and_no_heading(tmp_path: Path) -> None:
    source = _initiative(
        tmp_path,
        "  - {id: a1, title: Företagsbesök, status: planned}\n",
        "milestones:\n  - {id: m1, title: Beslut, date: 2013-05, activity: a1}\n",
    )
    assert initiative_context(load_initiative(source))["timeline_chart"] is None
    path = _write(source, "verksamhetsplan", tmp_path)
    assert TIMELINE not in _charts(path)
    assert "Tidsplan" not in body_text(path).split("\n")
    assert "Milstolpar" in body_text(path)  # the milestones keep their table
    assert_valid_office(path)


def test_numbers_follow_the_documents_language(plan: Path, tmp_path: Path) -> None:
    swedish = _charts(plan)
    assert "[$-41D]#,##0" in _formats(swedish["Budget per år"])
    english = _charts(_write(EXAMPLE, "verksamhetsplan", tmp_path, lang="en"))
    assert "[$-809]#,##0" in _formats(english["Budget per year"])
    assert "[$-809]mmm yyyy" in _formats(english["The action plan over time"])


def test_the_pie_prints_the_tables_shares(plan: Path) -> None:
    percent = Formatter("sv").percent
    chart = _charts(plan)["Finansiering per slag"]
    labels = [
        "\n".join("".join(p.itertext()) for p in d.iter(f"{A}p")) for d in chart.iter(f"{C}dLbl")
    ]
    # 1 700 000 of 9 700 000 is 17.5 %: the table rounds its three shares to add up to 100
    assert labels == [
        f"Offentlig (kontant)\n{percent(0.76)}",
        f"Privat (kontant)\n{percent(0.07)}",
        f"In natura\n{percent(0.17)}",
    ]
    for share in (percent(0.76), percent(0.07), percent(0.17)):
        assert share in body_text(plan)


def test_the_prestudy_charts_its_baseline_and_its_budget(prestudy: Path) -> None:
    money = Formatter("sv").money
    charts = _charts(prestudy)
    assert {"Nollpunkt och mål", "Förstudiens budget per år"} <= set(charts)
    assert "Indikatorer: nollpunkt, senaste värde och mål" not in charts  # said by the baseline's
    baseline = charts["Nollpunkt och mål"]
    assert _series_names(baseline) == ["Nollpunkt", "Mål"]
    assert len(_categories(baseline)) == 4
    frames = _frames(prestudy)
    alt, _ = frames["Nollpunkt och mål"]
    assert (
        "Företag som deltar i aktiviteter: nollpunkt 25 st (1 januari 2006), mål 150 st (2015)."
        in alt
    )
    alt, _ = frames["Förstudiens budget per år"]
    assert f"2012: {money(80_000)}" in alt and f"Totalt {money(80_000)}" in alt
    assert "[$-41D]#,##0" in _formats(charts["Förstudiens budget per år"])
    assert_valid_office(prestudy)


def test_a_baseline_of_noughts_with_no_target_is_no_chart(tmp_path: Path) -> None:
    source = tmp_path / "in.yaml"
    source.write_text(
        "initiative: {name: Noll, region: Dalarna, focus: Trä, phase: initiering}\n"
        "indicators:\n  - {id: i1, name: Företag, baseline: {value: 0}}\n",
        encoding="utf-8",
    )
    assert initiative_context(load_initiative(source))["baseline_chart"] is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_same_bytes_twice_and_valid(tmp_path: Path, lang: str) -> None:
    for document in ("verksamhetsplan", "forstudie"):
        first = _write(EXAMPLE, document, tmp_path / "a", lang)
        second = _write(EXAMPLE, document, tmp_path / "b", lang)
        assert first.read_bytes() == second.read_bytes()
        assert_valid_office(first)


@pytest.mark.skipif(not HAVE_LIBREOFFICE, reason="needs LibreOffice and pdftotext")
def test_the_pdf_shows_the_charts_in_swedish(plan: Path, prestudy: Path) -> None:
    from klusterdocs.pdf import convert_to_pdf

    plan_pdf, prestudy_pdf = convert_to_pdf([plan, prestudy])
    text = pdf_text(plan_pdf)
    assert TIMELINE in text and "okt 2012" in text and "Milstolpe" in text
    assert "3\u00a0600" in text or "3 600" in text  # the budget's axis and labels
    assert "3,600" not in text
    shown = pdf_text(prestudy_pdf)
    assert "Nollpunkt och mål" in shown and "Förstudiens budget per år" in shown
    assert "80,000" not in shown
