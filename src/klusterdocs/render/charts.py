"""Native, editable charts: DrawingML chart XML with its data in an embedded workbook.

A chart is described once, as a `ChartSpec` (what to plot, its title and its alt text), and
written by python-pptx's own chart machinery: its XML writer makes the chart part and XlsxWriter
the workbook that Word's and PowerPoint's "Edit data" open. Both renderers place the same parts;
only the frame around them differs (an inline drawing in Word, a graphic frame on a slide).

Every chart reads in black and white: its series differ in lightness and pattern, and carry
their figures as data labels, so no value is told by colour alone. The same spec always gives
the same bytes (the workbook's dates are pinned).

The context builds the specs (`budget.year_chart` …; None when there is no data), so a
template can test for a chart (`{% if budget.year_chart %}`) and print its alt text
(`{{ budget.year_chart }}`); this module imports python-pptx only when it writes one.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, cast

from klusterdocs.output import fixed_zip_info

ChartKind = Literal["columns", "stacked_columns", "bars", "pie", "scatter", "timeline"]
LabelPosition = Literal["top", "bottom", "left", "right"]

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
PACKAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
WORKBOOK_RELATIONSHIP_ID = "rId1"

FONT = "Calibri"
TEXT = "262626"  # the charts' text: near black
# Fills that differ in lightness, darkest first, so that series stay apart when printed in
# grey; the third is hatched as well. Each pairs with the colour its data labels read in.
_FILLS: tuple[tuple[str, str | None, str], ...] = (
    ("1F3B5B", None, "FFFFFF"),  # navy
    ("7FA7CE", None, "000000"),  # light blue
    ("1F3B5B", "wdUpDiag", "000000"),  # navy hatching on white
    ("B5B5B5", None, "000000"),  # grey
    ("D9822B", None, "000000"),  # orange
    ("FFFFFF", None, "000000"),  # white in its outline
)
# Markers of a scatter's series, told apart by shape as well as shade.
_MARKERS = ("circle", "square", "triangle", "diamond", "x", "star")
# (LibreOffice draws no outline around a marker, so none is white.)
_MARKER_FILLS = ("1F3B5B", "7FA7CE", "B5B5B5", "D9822B", "5F6B7A", "1F3B5B")
_CREATED = "2000-01-01T00:00:00Z"  # the embedded workbook's dates, pinned for same bytes
# The Windows language ids (LCID) of the languages the documents are written in: a number
# format prefixed with one (`[$-41D]#,##0`) groups and names months as that language does in
# LibreOffice too, which otherwise writes a Swedish document's numbers as "3,600".
_LCIDS = {"sv-SE": "41D", "en-GB": "809", "en-US": "409"}


class Series(NamedTuple):
    """One series: its numbers (a `None` leaves a gap) and, for a scatter, x values and the
    label each point shows, and where (a scatter's points are named, not valued); a pie's
    `labels` are its slices' labels as text."""

    name: str
    numbers: tuple[float | None, ...]
    xs: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    positions: tuple[LabelPosition, ...] = ()
    shade: int | None = None  # which of the legible fills (default: its place in the chart)


class DateAxis(NamedTuple):
    """A timeline's time axis, in date serials (days since 1899-12-30, as a workbook counts):
    where it starts and ends, a tick every `step` days, each read in `format` (`mmm yyyy`)."""

    start: float
    end: float
    step: float
    format: str


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows, in which form, and what it says to someone who cannot see it.

    `groups`, when given, names a group for each category (a year over its income, cost and
    result columns). For a scatter, `cross` is where its axes cross (its quadrant lines),
    `scale` the range its axes show (x from, x to, y from, y to), and `corners` the names of
    its quadrants, placed as labels at the points of its first series (first: LibreOffice 7
    leaves out the first series of a scatter read from a file, unless it is this one).
    A timeline is a Gantt chart of stacked bars across `dates`: its first series, not drawn,
    holds each bar's start (the offset from zero), the others its length in days. Printed in
    a template, a chart is its alt text.
    """

    kind: ChartKind
    title: str
    alt: str
    series: tuple[Series, ...]
    categories: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    number_format: str = "#,##0"
    x_title: str = ""
    y_title: str = ""
    cross: float | None = None
    scale: tuple[float, float, float, float] | None = None
    corners: tuple[str, ...] = ()
    language: str = ""  # e.g. sv-SE: the language its numbers are written in
    text_scale: float = 1.0  # its text sizes times this: 2 on a slide, read across a room
    titled: bool = True  # False where a heading above it says the same (a slide's title)
    dates: DateAxis | None = None

    def __str__(self) -> str:
        return self.alt

    @property
    def height_cm(self) -> float:
        """How tall the chart is drawn across a page's text (16 cm): tall enough that its
        labels do not crowd, no taller."""
        if self.kind == "scatter":
            return 12.0
        if self.kind == "pie":
            return 7.0
        if self.kind == "bars":
            return min(3.0 + 0.5 * len(self.categories) * len(self.series), 20.0)
        if self.kind == "timeline":  # a row per category, within a page
            return min(3.2 + 0.55 * len(self.categories), 22.0)
        return 8.5

    def shown(self, code: str) -> str:
        """Number format `code` as the chart's language writes it (see `_LCIDS`)."""
        lcid = _LCIDS.get(self.language)
        return f"[$-{lcid}]{code}" if lcid and not code.startswith("[$-") else code


class ChartParts(NamedTuple):
    """A chart written out: its part's XML (its workbook at relationship `rId1`), the
    workbook, and the alt text for the frame that places it."""

    xml: bytes
    workbook: bytes
    alt: str
    title: str


# Raise when the chart XML or workbook written for a spec changes: cached parts are then
# written again.
CHART_REVISION = 4


def chart_parts(spec: ChartSpec) -> ChartParts:
    """The chart part and its workbook for `spec`, kept in the cache (see
    `klusterdocs.cache`): writing them imports python-pptx and XlsxWriter and builds a
    workbook, most of a small plan's time, while the same data gives the same bytes."""
    from klusterdocs import cache

    key = cache.digest(
        repr(spec).encode("utf-8"),
        str(CHART_REVISION),
        cache.installed("pptx"),
        cache.installed("xlsxwriter"),
    )
    kept = cache.load(key, tuple)
    if kept is not None and len(kept) == 2:
        return ChartParts(kept[0], kept[1], spec.alt, spec.title)
    parts = _written(spec)
    cache.store(key, (parts.xml, parts.workbook))
    return parts


def _written(spec: ChartSpec) -> ChartParts:
    from pptx.chart.chart import Chart
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.opc.oxml import serialize_part_xml
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls, qn

    data, chart_type = _chart_data(spec)
    writer = cast(Any, ChartXmlWriter)(chart_type, data)  # python-pptx's, untyped
    space = parse_xml(writer.xml.encode("utf-8"))
    chart = cast(Any, Chart)(space, None)  # no part: only its XML is styled
    _style(chart, spec)
    if spec.language:
        lang = parse_xml(f'<c:lang {nsdecls("c")} val="{spec.language}"/>')
        first = space.find(qn("c:date1904")) is not None
        space.insert(1 if first else 0, lang)  # after c:date1904, as the schema orders them
    _number_axes(space)
    if spec.kind == "scatter":
        _counted_alike(space)
    space.get_or_add_externalData().rId = WORKBOOK_RELATIONSHIP_ID
    if spec.text_scale != 1:
        for sized in space.xpath(".//*[@sz]"):  # a:defRPr, a:rPr: every text size, in 1/100 pt
            sized.set("sz", str(round(int(sized.get("sz")) * spec.text_scale)))
    xml = serialize_part_xml(space)
    return ChartParts(xml, _pinned(_workbook(data)), spec.alt, spec.title)


def _workbook(data: Any) -> bytes:
    """The workbook of `data`; an error writing it raised as the OSError it is (XlsxWriter
    wraps it in an error of its own)."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        blob: bytes = data.xlsx_blob
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None
    return blob


def _counted_alike(space: Any) -> None:
    """Give every series of a scatter the point count of the longest one (the points it has
    not are blanks). LibreOffice draws only the last series of a scatter whose last series
    has more points than the others: a stakeholder map of 60 actors showed the opponents
    alone, and none of its quadrants' names."""
    counts = space.xpath(".//c:xVal//c:ptCount | .//c:yVal//c:ptCount")  # python-pptx's prefixes
    most = max((int(c.get("val", "0")) for c in counts), default=0)
    for count in counts:
        count.set("val", str(most))


def _number_axes(space: Any) -> None:
    """Number the axes from 1: python-pptx picks negative ids, which Word's schema refuses
    (an axis id is unsigned)."""
    from pptx.oxml.ns import qn

    ids: dict[str, str] = {}
    for element in space.iter(qn("c:axId"), qn("c:crossAx")):
        value = element.get("val")
        element.set("val", ids.setdefault(value, str(len(ids) + 1)))


def _chart_data(spec: ChartSpec) -> tuple[Any, Any]:
    """python-pptx's chart data for `spec`, and its chart type."""
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE

    if spec.kind == "scatter":
        xy = cast(Any, XyChartData)(number_format=spec.number_format)  # untyped
        for s in spec.series:
            series = xy.add_series(s.name)
            for x, y in zip(s.xs, s.numbers, strict=True):
                series.add_data_point(x, y)
        return xy, XL_CHART_TYPE.XY_SCATTER
    data = cast(Any, CategoryChartData)(number_format=spec.shown(spec.number_format))
    if spec.groups:
        for group in dict.fromkeys(spec.groups):
            top = data.add_category(group)
            for category, its_group in zip(spec.categories, spec.groups, strict=True):
                if its_group == group:
                    top.add_sub_category(category)
    else:
        data.categories = spec.categories
    for s in spec.series:
        data.add_series(s.name, s.numbers)
    chart_type = {
        "columns": XL_CHART_TYPE.COLUMN_CLUSTERED,
        "stacked_columns": XL_CHART_TYPE.COLUMN_STACKED,
        "bars": XL_CHART_TYPE.BAR_CLUSTERED,
        "pie": XL_CHART_TYPE.PIE,
        "timeline": XL_CHART_TYPE.BAR_STACKED,
    }[spec.kind]
    return data, chart_type


def _style(chart: Any, spec: ChartSpec) -> None:
    """Title, fonts, fills, labels and axes: a chart that reads without colour."""
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    chart.font.name, chart.font.size = FONT, Pt(9)
    # dark text whatever the theme says: a dark template's light text on the chart's white
    chart.font.color.rgb = _rgb(TEXT)
    chart.has_title = bool(spec.title) and spec.titled
    if chart.has_title:
        title = chart.chart_title.text_frame
        title.text = spec.title
        title.paragraphs[0].font.size, title.paragraphs[0].font.bold = Pt(11), True
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if spec.kind == "scatter":
        _style_scatter(chart, spec)
    elif spec.kind == "pie":
        _style_pie(chart, spec)
    elif spec.kind == "timeline":
        _style_timeline(chart, spec)
    else:
        _style_bars(chart, spec)


def _fill(fill: Any, number: int) -> str:
    """Fill `fill` in the `number`th of the legible fills; the colour its labels read in."""
    from pptx.enum.dml import MSO_PATTERN

    colour, pattern, text = _FILLS[number % len(_FILLS)]
    if pattern:
        fill.patterned()
        fill.pattern = getattr(MSO_PATTERN, "WIDE_UPWARD_DIAGONAL")  # noqa: B009 (enum member)
        fill.fore_color.rgb = _rgb(colour)
        fill.back_color.rgb = _rgb("FFFFFF")
    else:
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)
    return text


def _style_bars(chart: Any, spec: ChartSpec) -> None:
    from pptx.enum.chart import XL_LABEL_POSITION, XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    plot = chart.plots[0]
    plot.gap_width = 60
    if spec.kind == "stacked_columns":
        plot.overlap = 100
    for number, (series, data) in enumerate(zip(plot.series, spec.series, strict=True)):
        text = _fill(series.format.fill, number if data.shade is None else data.shade)
        series.format.line.color.rgb = _rgb("1F3B5B")
        series.format.line.width = Pt(0.5)
        series.invert_if_negative = False
        labels = series.data_labels
        labels.number_format = spec.shown(spec.number_format)
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.font.size = Pt(8)
        if spec.kind == "stacked_columns":
            labels.position = XL_LABEL_POSITION.CENTER
            labels.font.color.rgb = _rgb(text)
        else:
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
    values = chart.value_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb("D5DCE4")
    values.tick_labels.number_format = spec.shown(spec.number_format)
    values.tick_labels.number_format_is_linked = False
    _axis_title(values, spec.y_title)
    categories = chart.category_axis
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # below negative results too
    categories.format.line.color.rgb = _rgb("5F6B7A")
    if spec.kind == "bars":
        categories.reverse_order = True  # the first category on top, as in the table


def _style_pie(chart: Any, spec: ChartSpec) -> None:
    """Slices told apart by shade and hatching, each labelled outside with its name and share:
    the labels say it all, so there is no legend. A series with `labels` gives each slice's
    label as text (its name and the share the document's table prints: a reader who sees 17 %
    in the table and 18 % on the slice, rounded by LibreOffice, trusts neither)."""
    from pptx.enum.chart import XL_LABEL_POSITION
    from pptx.util import Pt

    chart.has_legend = False
    plot = chart.plots[0]
    plot.vary_by_categories = True
    for number, point in enumerate(plot.series[0].points):
        _fill(point.format.fill, number)
        point.format.line.color.rgb = _rgb("1F3B5B")
        point.format.line.width = Pt(0.75)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_percentage, labels.show_value, labels.show_category_name = True, False, True
    labels.number_format = spec.shown("0%")
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(9)
    texts = spec.series[0].labels if spec.series else ()
    for point, text in zip(plot.series[0].points, texts, strict=False):
        _text_label(point.data_label, text, Pt(9))
        point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END


def _text_label(label: Any, text: str, size: Any) -> None:
    """Data label `label` as `text`, a paragraph per line."""
    frame = label.text_frame
    lines = text.split("\n")
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line
    for paragraph in frame.paragraphs:
        paragraph.font.size = size


def _style_timeline(chart: Any, spec: ChartSpec) -> None:
    """A Gantt chart: the first series, each bar's offset from zero to its start, is not
    drawn (and, named " ", leaves only a blank in the legend: LibreOffice counts a horizontal
    bar chart's legend entries from the other end, so deleting entry 0 would hide the last);
    the others, one per status, are filled as `_fill` fills them (legible in grey) and named
    in the legend, the category names telling the status too.
    The first category on top, the time axis along the top as a plan's calendar runs, ticked
    and read as `spec.dates` says."""
    from pptx.enum.chart import XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    plot = chart.plots[0]
    plot.gap_width, plot.overlap = 40, 100
    for number, (series, data) in enumerate(zip(plot.series, spec.series, strict=True)):
        if number == 0:
            series.format.fill.background()
            series.format.line.fill.background()
            continue
        _fill(series.format.fill, number if data.shade is None else data.shade)
        series.format.line.color.rgb = _rgb("1F3B5B")
        series.format.line.width = Pt(0.75)
        series.invert_if_negative = False
    dates = spec.dates
    axis = chart.value_axis
    if dates is not None:
        axis.minimum_scale, axis.maximum_scale = dates.start, dates.end
        axis.major_unit = dates.step
        axis.tick_labels.number_format = spec.shown(dates.format)
        axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("D5DCE4")
    axis.format.line.color.rgb = _rgb("5F6B7A")
    axis.tick_labels.font.size = Pt(8)
    _axis_title(axis, spec.y_title)
    categories = chart.category_axis
    categories.reverse_order = True  # the first activity on top, as in the table
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    categories.format.line.color.rgb = _rgb("5F6B7A")
    categories.tick_labels.font.size = Pt(8)


def _style_scatter(chart: Any, spec: ChartSpec) -> None:
    from pptx.enum.chart import XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    plotted = list(chart.plots[0].series)
    for number, (series, data) in enumerate(zip(plotted, spec.series, strict=True)):
        series.format.line.fill.background()  # points only, never joined
        corners = bool(spec.corners) and number == 0
        marker = series.marker
        if corners:
            marker.style = XL_MARKER_STYLE.NONE
        else:
            kind = number - 1 if spec.corners else number
            marker.style = getattr(XL_MARKER_STYLE, _MARKERS[kind % len(_MARKERS)].upper())
            marker.size = 9
            marker.format.fill.solid()
            colour = _MARKER_FILLS[kind % len(_MARKER_FILLS)]
            marker.format.fill.fore_color.rgb = _rgb(colour)
            marker.format.line.color.rgb = _rgb("1F3B5B")
            marker.format.line.width = Pt(1)
        texts = spec.corners if corners else data.labels
        for index, point in enumerate(series.points):
            if index >= len(texts) or not texts[index]:
                continue
            label = point.data_label
            _text_label(label, texts[index], Pt(8))
            for paragraph in label.text_frame.paragraphs if corners else ():
                paragraph.font.italic, paragraph.font.bold = True, True
                paragraph.font.color.rgb = _rgb("5F6B7A")
            position = data.positions[index] if index < len(data.positions) else "right"
            label.position = _position(position)
    if spec.corners:
        _hide_legend_entry(chart, 0)
    scale = spec.scale or (0.0, 0.0, 0.0, 0.0)
    for axis, title, (low, high) in (
        (chart.category_axis, spec.x_title, scale[:2]),
        (chart.value_axis, spec.y_title, scale[2:]),
    ):
        if spec.scale:
            axis.minimum_scale, axis.maximum_scale = low, high
        axis.major_unit = 1
        axis.has_major_gridlines = False
        axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # at the edge, not the cross
        # the scores only: no tick label on the margins around them
        shown = f'[<{math.ceil(low) + 0.5}]"";[>{math.floor(high) - 0.5}]"";0'
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = shown, False
        axis.format.line.color.rgb = _rgb("1F3B5B")
        axis.format.line.width = Pt(1.25)
        if spec.cross is not None:
            axis.crosses_at = spec.cross
        _axis_title(axis, title)


def _position(name: LabelPosition) -> Any:
    from pptx.enum.chart import XL_LABEL_POSITION

    return {
        "top": XL_LABEL_POSITION.ABOVE,
        "bottom": XL_LABEL_POSITION.BELOW,
        "left": XL_LABEL_POSITION.LEFT,
        "right": XL_LABEL_POSITION.RIGHT,
    }[name]


def _hide_legend_entry(chart: Any, index: int) -> None:
    """Leave series `index` out of the legend (the scatter's quadrant names)."""
    from pptx.oxml import parse_xml
    from pptx.oxml.ns import nsdecls, qn

    legend = chart._chartSpace.chart.find(qn("c:legend"))
    if legend is not None:
        entry = parse_xml(
            f'<c:legendEntry {nsdecls("c")}><c:idx val="{index}"/><c:delete val="1"/>'
            "</c:legendEntry>"
        )
        legend.insert(1, entry)  # after legendPos, as the schema orders them


def _rgb(colour: str) -> Any:
    """A colour as python-pptx takes it, from its hex RGB."""
    from pptx.dml.color import RGBColor

    red, green, blue = (int(colour[n : n + 2], 16) for n in (0, 2, 4))
    return cast(Any, RGBColor)(red, green, blue)


def _axis_title(axis: Any, text: str) -> None:
    from pptx.util import Pt

    axis.has_title = bool(text)
    if text:
        frame = axis.axis_title.text_frame
        frame.text = text
        frame.paragraphs[0].font.size, frame.paragraphs[0].font.bold = Pt(9), False


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _pinned(workbook: bytes) -> bytes:
    """`workbook` with fixed dates in its properties and zip entries: the same chart, the
    same bytes (XlsxWriter stamps the time it wrote the file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + _CREATED.encode() + rb"\g<2>", data)
            target.writestr(fixed_zip_info(name), data)
    return out.getvalue()


__all__ = ["ChartParts", "ChartSpec", "DateAxis", "Series", "chart_parts"]
