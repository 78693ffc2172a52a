"""Build the shipped Word templates in templates/ with python-docx.

    python scripts/build_templates.py

The .docx files this writes are the source users edit in Word or LibreOffice; this script is how
the project (re)creates its built-in set from one description, so that the three documents share
their styles, cover, table of contents, header and footer. A region that wants its own look edits
a copy of the .docx (see `klusterdocs templates export`), not this script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from klusterdocs.render.wordxml import styles_in_use

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates"

NAVY = RGBColor(0x1F, 0x3B, 0x5B)
ACCENT = RGBColor(0x2F, 0x5D, 0x8A)
GREY = RGBColor(0x5F, 0x6B, 0x7A)
WARNING_RED = RGBColor(0xA3, 0x1F, 0x1F)  # 7:1 against white: a warning reads in grey print too
FONT = "Calibri"
TABLE_STYLE = "Klusterdocs Table"
TEXT_WIDTH_CM = 16.0
HEADING_NUMBERS = 90  # the numbering definition of the numbered headings

_TABLE_STYLE_XML = f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="KlusterdocsTable">
  <w:name w:val="{TABLE_STYLE}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="40"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="252" w:lineRule="auto"/></w:pPr>
  <w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>
  <w:tblPr>
    <w:tblStyleRowBandSize w:val="1"/>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="1F3B5B"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="1F3B5B"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="D5DCE4"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>
    <w:tblPr/>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F3B5B"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="lastRow">
    <w:rPr><w:b/></w:rPr>
    <w:tblPr/>
    <w:tcPr><w:tcBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="1F3B5B"/>
    </w:tcBorders></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="firstCol"><w:rPr><w:b/></w:rPr></w:tblStylePr>
  <w:tblStylePr w:type="band2Horz">
    <w:tblPr/>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="F3F6F9"/></w:tcPr>
  </w:tblStylePr>
</w:style>
"""


# Columns of money and shares, right-aligned so that figures line up.
_AMOUNT_COLUMNS = {
    "budget",
    "amount",
    "share",
    "{{ y }}",
    "{{ t.common.total }}",
    "{{ g.total_label }}",
}


class TemplateBuilder:
    """One Word template under construction, with the shared look of klusterdocs documents."""

    def __init__(self, document_key: str) -> None:
        self.key = document_key
        self.doc = Document()
        self._styles()
        self._page()

    # -- look -----------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(10.5)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        for level, size, colour, before in (
            (1, 16, NAVY, 18),
            (2, 13, ACCENT, 12),
            (3, 11, ACCENT, 10),
        ):
            style = styles[f"Heading {level}"]
            style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
            style.font.color.rgb = colour
            style.font.italic = False
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
        title = styles["Title"]
        title.font.name, title.font.size, title.font.color.rgb = FONT, Pt(30), NAVY
        pbdr = title.element.pPr.find(qn("w:pBdr"))
        if pbdr is not None:
            title.element.pPr.remove(pbdr)
        subtitle = styles["Subtitle"]
        subtitle.font.name, subtitle.font.size, subtitle.font.color.rgb = FONT, Pt(16), ACCENT
        subtitle.font.italic = False
        for style in (title, subtitle, *(styles[f"Heading {n}"] for n in range(1, 10))):
            _own_font(style)
        for name in ("List Bullet", "List Number"):
            styles[name].paragraph_format.space_after = Pt(2)
        table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        table_text.font.size = Pt(9)
        table_text.paragraph_format.space_after = Pt(0)
        table_text.paragraph_format.line_spacing = 1.05
        table_item = styles.add_style("Table Item", WD_STYLE_TYPE.PARAGRAPH)
        table_item.base_style = table_text  # a list in a column too narrow for bullets' indent
        table_item.paragraph_format.space_after = Pt(3)
        diagram_text = styles.add_style("Diagram Text", WD_STYLE_TYPE.PARAGRAPH)
        diagram_text.base_style = table_item  # the effektlogik's boxes: six across a page
        diagram_text.font.size = Pt(8)
        table_bullet = styles.add_style("Table Bullet", WD_STYLE_TYPE.PARAGRAPH)
        table_bullet.base_style = styles["List Bullet"]
        table_bullet.font.size = Pt(9)
        table_bullet.paragraph_format.space_after = Pt(0)
        cover_fact = styles.add_style("Cover Fact", WD_STYLE_TYPE.PARAGRAPH)
        cover_fact.base_style = normal
        cover_fact.paragraph_format.space_after = Pt(3)
        cover_fact.paragraph_format.tab_stops.add_tab_stop(Cm(4.0))
        hint = styles.add_style("Hint", WD_STYLE_TYPE.PARAGRAPH)
        hint.base_style = normal
        hint.font.italic, hint.font.color.rgb = True, GREY
        warning = styles.add_style("Warning", WD_STYLE_TYPE.PARAGRAPH)
        warning.base_style = normal
        warning.font.bold, warning.font.color.rgb = True, WARNING_RED
        draft = styles.add_style("Draft Mark", WD_STYLE_TYPE.PARAGRAPH)
        draft.base_style = normal
        draft.font.size, draft.font.bold, draft.font.color.rgb = Pt(20), True, WARNING_RED
        lead = styles.add_style("Lead", WD_STYLE_TYPE.PARAGRAPH)
        lead.base_style = normal
        lead.font.size, lead.font.color.rgb = Pt(12), NAVY
        small = styles.add_style("Small", WD_STYLE_TYPE.PARAGRAPH)
        small.base_style = normal
        small.font.size, small.font.color.rgb = Pt(8.5), GREY
        toc_heading = styles.add_style("Contents Heading", WD_STYLE_TYPE.PARAGRAPH)
        toc_heading.base_style = normal
        toc_heading.font.size, toc_heading.font.bold = Pt(16), True
        toc_heading.font.color.rgb = NAVY
        # an entry is its heading's number, a tab and its text: wrapped lines align with the text
        for level, indent, number, bold in ((1, 0.0, 0.75, True), (2, 0.75, 1.0, False)):
            toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
            toc.element.set(qn("w:styleId"), f"TOC{level}")
            toc.base_style = normal
            toc.font.bold = bold
            toc.paragraph_format.left_indent = Cm(indent + number)
            toc.paragraph_format.first_line_indent = Cm(-number)
            toc.paragraph_format.tab_stops.add_tab_stop(Cm(indent + number))
            # compact: a table of contents of forty entries still fits one page
            toc.font.size = Pt(10 if level == 1 else 9)
            toc.paragraph_format.space_before = Pt(3 if level == 1 else 0)
            toc.paragraph_format.space_after = Pt(0)
            toc.paragraph_format.line_spacing = 1.05
            toc.paragraph_format.tab_stops.add_tab_stop(
                Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        # an appendix ("Bilaga 1 – …"): looks like Heading 1 and is listed in the table of
        # contents (outline level 1), but is not numbered; based on Normal, not on Heading 1,
        # so that it does not inherit Heading 1's numbering
        appendix = styles.add_style("Appendix Heading", WD_STYLE_TYPE.PARAGRAPH)
        appendix.base_style = normal
        appendix.font.name, appendix.font.size, appendix.font.bold = FONT, Pt(16), True
        appendix.font.color.rgb = NAVY
        appendix.paragraph_format.space_before, appendix.paragraph_format.space_after = (
            Pt(0),
            Pt(4),
        )
        appendix.paragraph_format.keep_with_next = True
        appendix.paragraph_format.page_break_before = True
        appendix.element.get_or_add_pPr().append(
            parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>')
        )
        self.doc.styles.element.append(parse_xml(_TABLE_STYLE_XML))
        self._theme_fonts()
        self._numbered_headings()

    def _numbered_headings(self) -> None:
        """Number Heading 1 and 2 (1, 1.1) by their styles, so that a reviewer can cite a
        section and Word and LibreOffice keep the numbers as sections come and go."""
        numbering = self.doc.part.numbering_part.element
        levels = "".join(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            f'<w:pStyle w:val="Heading{level + 1}"/><w:lvlText w:val="{text}"/>'
            '<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="680"/></w:tabs>'
            '<w:ind w:left="680" w:hanging="680"/></w:pPr></w:lvl>'
            for level, text in ((0, "%1"), (1, "%1.%2"))
        )
        numbering.insert(
            0,
            parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{HEADING_NUMBERS}">'
                f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
            ),
        )
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{HEADING_NUMBERS}">'
                f'<w:abstractNumId w:val="{HEADING_NUMBERS}"/></w:num>'
            )
        )
        for level in (0, 1):
            p_pr = self.doc.styles[f"Heading {level + 1}"].element.get_or_add_pPr()
            p_pr.insert(
                0,
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                    f'<w:numId w:val="{HEADING_NUMBERS}"/></w:numPr>'
                ),
            )

    def _theme_fonts(self) -> None:
        """Make FONT the theme's fonts too: python-docx's theme sets body text in Cambria,
        which text without a style of ours (and `--pdf`'s font check) would otherwise get."""
        for part in self.doc.part.package.iter_parts():
            if str(part.partname).startswith("/word/theme/"):
                part._blob = re.sub(
                    rb'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*"',
                    rb"\g<1>" + FONT.encode() + rb'"',
                    part.blob,
                )

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.3), Cm(2.2)
        section.header_distance = section.footer_distance = Cm(1.1)
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        # the host's logo at the left, the running title at the right margin (the Header
        # style's own stops, for a US Letter page, cleared)
        tabs = header.paragraph_format.tab_stops
        for stop in self.doc.styles["Header"].paragraph_format.tab_stops:
            tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
        header.add_run("{{r doc.logo|picture(0.8, 4) }}")
        header.add_run("\t")
        run = header.add_run(
            "{% if doc.draft %}{{ t.common.draft_mark }} · {% endif %}"
            f"{{{{ initiative.running_title }}}} · {{{{ t.names.{self.key} }}}}"
            "{% if doc.version %} · {{ t.common.version }} {{ doc.version }}{% endif %}"
            " · {{ doc.date }}"
        )
        run.font.size, run.font.color.rgb = Pt(8.5), GREY
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text in ("{{ t.common.page }} ", "PAGE", " {{ t.common.of }} ", "NUMPAGES"):
            if text in ("PAGE", "NUMPAGES"):
                self._field(footer, text, "1")
            else:
                footer.add_run(text)
        for run in footer.runs:
            run.font.size, run.font.color.rgb = Pt(8.5), GREY

    @staticmethod
    def _field(paragraph, instruction: str, placeholder: str) -> None:  # type: ignore[no-untyped-def]
        """Append a Word field (PAGE, TOC ...) with `placeholder` as its shown result."""
        for xml in (
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>',
            f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} '
            "</w:instrText></w:r>",
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
            f'<w:r {nsdecls("w")}><w:t xml:space="preserve">{placeholder}</w:t></w:r>',
            f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
        ):
            paragraph._p.append(parse_xml(xml))

    # -- building blocks --------------------------------------------------------------------
    def cover(self) -> None:
        """Title page: document name, initiative, a facts table; then the table of contents."""
        doc = self.doc
        doc.add_paragraph().add_run("{{r doc.logo|picture(2.2, 7) }}")
        for _ in range(4):
            doc.add_paragraph()
        self.tag("if doc.draft")
        doc.add_paragraph("{{ t.common.draft_mark }}", style="Draft Mark")
        self.tag("endif")
        doc.add_paragraph(f"{{{{ t.names.{self.key} }}}}", style="Title")
        doc.add_paragraph("{{ initiative.name }}", style="Subtitle")
        doc.add_paragraph("{{ initiative.focus }} · {{ initiative.region }}", style="Lead")
        doc.add_paragraph()
        # label and value on a line each, not a table: a screen reader reads them as they stand
        for label, value, condition in (
            ("initiative", "initiative.name", None),
            ("region", "initiative.region", None),
            ("phase", "phase.name", None),
            ("plan_period", "doc.period", "doc.period"),
            ("status", "doc.status", "doc.status"),
            ("date", "doc.date", None),
            ("version", "doc.version", "doc.version"),
            ("author", "doc.author", "doc.author"),
        ):
            if condition:
                self.tag(f"if {condition}")
            line = doc.add_paragraph(style="Cover Fact")
            line.add_run(f"{{{{ t.common.{label} }}}}").bold = True
            line.add_run(f"\t{{{{ {value} }}}}")
            if condition:
                self.tag("endif")
        self.tag("if doc.adopted")
        doc.add_paragraph("{{ doc.adopted }}", style="Cover Fact")
        self.tag("endif")
        doc.add_paragraph()
        doc.add_paragraph("{{ generated }}", style="Small")
        self.page_break()
        doc.add_paragraph("{{ t.common.contents }}", style="Contents Heading")
        toc = doc.add_paragraph()
        self._field(toc, 'TOC \\o "1-2" \\h \\z \\u', "{{ toc_placeholder }}")
        self.page_break()

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, label_key: str, level: int = 1) -> None:
        self.doc.add_paragraph(f"{{{{ t.headings.{label_key} }}}}", style=f"Heading {level}")

    def text(self, text: str, style: str | None = None) -> None:
        self.doc.add_paragraph(text, style=style)

    def tag(self, tag: str) -> None:
        """A paragraph holding only a `{%p ... %}` tag; docxtpl removes the paragraph."""
        self.doc.add_paragraph(f"{{%p {tag} %}}")

    def md(self, expression: str, style: str | None = None) -> None:
        """Markdown text as real paragraphs and bullets."""
        args = f'("{style}")' if style else ""
        self.doc.add_paragraph(f"{{{{p {expression}|md{args} }}}}")

    def bullets(self, expression: str) -> None:
        self.doc.add_paragraph(f"{{{{p {expression}|bullets }}}}")

    def chart(self, expression: str) -> None:
        """A native chart as a paragraph of its own; none when the file has no data for it."""
        self.doc.add_paragraph(f"{{{{p {expression}|chart }}}}")

    def hint(self, missing_key: str) -> None:
        self.doc.add_paragraph(f"{{{{ t.missing.{missing_key} }}}}", style="Hint")

    @contextmanager
    def loop(self, loop: str) -> Iterator[None]:
        """Content repeated for each item: `{%p for <loop> %}` … `{%p endfor %}`."""
        self.tag(f"for {loop}")
        yield
        self.tag("endfor")

    @contextmanager
    def if_else(self, condition: str, missing_key: str | None = None) -> Iterator[None]:
        """Content shown when `condition` holds; otherwise the hint saying what to fill in."""
        self.tag(f"if {condition}")
        yield
        if missing_key:
            self.tag("else")
            self.hint(missing_key)
        self.tag("endif")

    def table(
        self,
        columns: list[tuple[str, str, float]],
        loop: str,
        shade: dict[int, str] | None = None,
        total_row: list[str] | None = None,
        first_column: bool = False,
        header: bool = True,
    ) -> Table:
        """A table with a header row (unless not `header`) and one row per item of `loop`.

        `columns` are (header label key, cell content, width in cm); `shade` maps a column
        index to the expression of its cell colour.
        """
        doc = self.doc
        table = doc.add_table(rows=0, cols=len(columns))
        for cell, (label, _, _) in zip(
            table.add_row().cells if header else [], columns, strict=False
        ):
            cell.text = (
                label if label.startswith("{") or not label else f"{{{{ t.columns.{label} }}}}"
            )
        table.add_row().cells[0].text = f"{{%tr for {loop} %}}"
        body = table.add_row().cells
        for index, (cell, (_, content, _)) in enumerate(zip(body, columns, strict=True)):
            prefix = f"{{% cellbg {shade[index]} %}}" if shade and index in shade else ""
            if content.startswith("{{p ") or content.startswith("{%p "):
                cell.paragraphs[0].text = prefix
                cell.add_paragraph(content)
                if not prefix:
                    cell._tc.remove(cell.paragraphs[0]._p)
            else:
                cell.text = prefix + content
        table.add_row().cells[0].text = "{%tr endfor %}"
        if total_row:
            for cell, text in zip(table.add_row().cells, total_row, strict=True):
                cell.text = text
        for index, (label, _, _) in enumerate(columns):
            if label in _AMOUNT_COLUMNS:
                for row in table.rows:
                    for paragraph in row.cells[index].paragraphs:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._finish_table(
            table,
            [w for _, _, w in columns],
            header=header,
            last_row=bool(total_row),
            first_column=first_column,
        )
        return table

    def grid(
        self,
        cells: list[list[str]],
        widths: list[float],
        shade: list[list[str | None]] | None = None,
        heights: list[float] | None = None,
        bold_first: bool = False,
    ) -> Table:
        """A fixed table (no loop): SWOT, the power/interest grid, the phase strip.

        Its first row holds the labels of what is below it: it is marked as the header row
        (a screen reader and a tagged PDF announce its cells as headers) but keeps its colours.
        """
        table = self.doc.add_table(rows=0, cols=len(widths))
        for r, row in enumerate(cells):
            new_row = table.add_row()
            if heights and heights[r]:
                new_row.height = Cm(heights[r])
            row_cells = new_row.cells
            for c, content in enumerate(row):
                colour = shade[r][c] if shade else None
                if colour and re.fullmatch(r"[0-9A-F]{6}", colour):
                    colour = f'"{colour}"'
                prefix = f"{{% cellbg {colour} %}}" if colour else ""
                paragraphs = content.split("\n")
                row_cells[c].text = prefix + paragraphs[0]
                for extra in paragraphs[1:]:
                    row_cells[c].add_paragraph(extra)
                if bold_first:
                    for run in row_cells[c].paragraphs[0].runs:
                        run.bold = True
        self._finish_table(table, widths, header=False, header_cells=True)
        return table

    def _finish_table(
        self,
        table: Table,
        widths: list[float],
        *,
        header: bool,
        last_row: bool = False,
        first_column: bool = False,
        header_cells: bool = False,
    ) -> None:
        """Style the table; with `header` its first row looks like a header, with `header` or
        `header_cells` it is marked as one (repeated on each page, tagged as header cells)."""
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is None:
            look = parse_xml(f"<w:tblLook {nsdecls('w')}/>")
            table._tbl.tblPr.append(look)
        flags = {
            "w:firstRow": header,
            "w:lastRow": last_row,
            "w:firstColumn": first_column,
            "w:lastColumn": False,
            "w:noHBand": False,
            "w:noVBand": True,
        }
        for key, value in flags.items():
            look.set(qn(key), "1" if value else "0")
        bits = {
            "w:firstRow": 0x20,
            "w:lastRow": 0x40,
            "w:firstColumn": 0x80,
            "w:lastColumn": 0x100,
            "w:noHBand": 0x200,
            "w:noVBand": 0x400,
        }
        look.set(qn("w:val"), f"{sum(bit for key, bit in bits.items() if flags[key]):04X}")
        scale = TEXT_WIDTH_CM / sum(widths) if sum(widths) > TEXT_WIDTH_CM else 1.0
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width * scale)
                for paragraph in cell.paragraphs:
                    if paragraph.style.name == "Normal":
                        paragraph.style = self.doc.styles["Table Text"]
        for row in table.rows:  # a row is never split across pages (unless taller than one)
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if header or header_cells:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def save(self, name: str = "default.docx") -> Path:
        target = OUT / self.key / name
        target.parent.mkdir(parents=True, exist_ok=True)
        core = self.doc.core_properties
        core.title = f"klusterdocs template: {self.key}"
        core.author = core.last_modified_by = "klusterdocs"
        core.comments = "Edit in Word or LibreOffice. Fields: see docs/templates.md."
        self._slim()
        self.doc.save(str(target))
        return target

    def _slim(self) -> None:
        """Drop what python-docx's starting document carries and no document of ours uses.

        Its blank-page thumbnail (file browsers would preview every document as blank), the
        Word 2010 copy of the styles, and about a hundred table styles: together 95 % of the
        XML every document would otherwise carry, parse and compress.
        """
        drop_thumbnail_and_styles_copy(self.doc.part.package.rels, self.doc.part.rels)
        styles = self.doc.styles.element
        table_styles = {
            s.get(qn("w:styleId")): s
            for s in styles.iterchildren(qn("w:style"))
            if s.get(qn("w:type")) == "table"
        }
        wanted = [e.get(qn("w:val")) for e in self.doc.element.iter(qn("w:tblStyle"))]
        wanted += [i for i, s in table_styles.items() if s.get(qn("w:default")) == "1"]
        keep = styles_in_use(table_styles, wanted)
        for style_id, style in table_styles.items():
            if style_id not in keep:
                styles.remove(style)


def _own_font(style: Any) -> None:
    """Set `style` in FONT itself: a theme font attribute (python-docx's starting styles put
    the headings in the theme's Cambria) would win over the font named beside it."""
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), FONT)
    rfonts.set(qn("w:hAnsi"), FONT)


def drop_thumbnail_and_styles_copy(*relationships: Any) -> None:
    """Remove a blank thumbnail and Word 2010's `stylesWithEffects` from `relationships`."""
    for rels in relationships:
        for r_id, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/stylesWithEffects")):
                rels.pop(r_id)


def phase_section(b: TemplateBuilder, *, heading_level: int = 1, appendix: bool = False) -> None:
    """Where the initiative stands in Reglab's model, the checklist and the next steps; with
    `appendix` the checklist is in an appendix (a coach's tool, not a funder's reading) and
    the section says how much of it is done."""
    b.heading("phase", heading_level)
    strip = b.grid(
        [["{%tc for p in phase.all %}", "{% cellbg p.colour %}{{ p.name }}", "{%tc endfor %}"]],
        [0.4, TEXT_WIDTH_CM / 4, 0.4],
    )
    for cell in strip.rows[0].cells:  # the strip stays with the sentence that explains it
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
    b.text("{{ phase_position }}", "Lead")
    b.text("{{ phase.about }}")
    b.text("{{ t.notes.leadership }}: {{ phase.leadership }}")
    if appendix:
        b.text("{{ checklist_summary }} {{ t.notes.checklist_in_appendix }}")
    else:
        b.heading("checklist", heading_level + 1)
        checklist_tables(b)
    b.heading("next_steps", heading_level + 1)
    b.bullets("phase.next_steps")
    b.tag("if phase.next")
    b.text("{{ next_phase_text }}")
    b.tag("endif")


def checklist_tables(b: TemplateBuilder) -> None:
    """The phase checklist item by item, and what is marked done of other phases."""
    b.text("{{ checklist_summary }}")
    b.table(
        [
            ("group", "{{ i.group }}", 2.2),
            ("checklist_item", "{{ i.label }}", 5.8),
            ("status", "{{ i.status }}", 1.8),
            ("comment", "{{ i.comment }}", 6.2),
        ],
        loop="i in checklist_rows",
        shade={2: "i.colour"},
    )
    b.tag("if phase.other_marks")
    b.text("{{ t.notes.other_marks }}")
    b.table(
        [
            ("checklist_item", "{{ i.label }}", 5.8),
            ("phase", "{{ i.phase }}", 2.2),
            ("status", "{{ i.status }}", 1.8),
            ("comment", "{{ i.comment }}", 6.2),
        ],
        loop="i in phase.other_marks",
        shade={2: "i.colour"},
    )
    b.tag("endif")


def checklist_appendix(b: TemplateBuilder) -> None:
    """Bilaga 1: the phase checklist, after a page break and outside the numbering."""
    b.doc.add_paragraph("{{ t.headings.checklist_appendix }}", style="Appendix Heading")
    checklist_tables(b)


def risks_section(b: TemplateBuilder, level: int = 1) -> None:
    b.heading("risks", level)
    with b.if_else("risks", "risks"):
        b.table(
            [
                ("risk", "{{ r.text }}", 4.2),
                ("cause", "{{ r.cause }}", 2.6),
                ("probability", "{{ r.probability }}", 0.8),
                ("impact", "{{ r.impact }}", 0.8),
                ("score", "{{ r.score }}", 1.1),
                ("mitigation", "{{ r.mitigation }}", 4.3),
                ("owner", "{{ r.owner }}", 2.2),
            ],
            loop="r in risks",
            shade={4: "r.colour"},
        )
        b.text("{{ t.notes.risk_scale }}", "Small")


def year_columns(values: str, width: float = 2.7) -> list[tuple[str, str, float]]:
    """Three template cells that docxtpl turns into one column per year of the table's group."""
    return [
        ("{%tc for y in g.years %}", f"{{%tc for c in {values} %}}", 0.4),
        ("{{ y }}", "{{ c }}", width),
        ("{%tc endfor %}", "{%tc endfor %}", 0.4),
    ]


def year_totals(values: str) -> list[str]:
    return [f"{{%tc for c in {values} %}}", "{{ c }}", "{%tc endfor %}"]


def for_each_year_group(b: TemplateBuilder) -> AbstractContextManager[None]:
    """A budget table once for each group of years (`budget.groups`, a few years each)."""
    return b.loop("g in budget.groups")


def income_table(b: TemplateBuilder) -> None:
    with for_each_year_group(b):
        b.table(
            [
                ("source", "{{ r.source }}", 4.0),
                ("kind", "{{ r.kind }}", 2.0),
                ("grant_status", "{{ r.status }}", 2.0),
                *year_columns("r.cells"),
                ("{{ g.total_label }}", "{{ r.total }}", 2.8),
            ],
            loop="r in g.income",
            total_row=[
                "{{ t.columns.income_total }}",
                "",
                "",
                *year_totals("g.income_cells"),
                "{{ budget.income_total }}",
            ],
        )


def cost_table(b: TemplateBuilder) -> None:
    with for_each_year_group(b):
        b.table(
            [
                ("item", "{{ r.item }}", 5.0),
                ("category", "{{ r.category }}", 3.0),
                *year_columns("r.cells"),
                ("{{ g.total_label }}", "{{ r.total }}", 2.8),
            ],
            loop="r in g.costs",
            total_row=[
                "{{ t.columns.cost_total }}",
                "",
                *year_totals("g.cost_cells"),
                "{{ budget.cost_total }}",
            ],
        )


def balance_table(b: TemplateBuilder) -> None:
    with for_each_year_group(b):
        b.table(
            [
                ("item", "{{ r.label }}", 8.0),
                *year_columns("r.cells"),
                ("{{ g.total_label }}", "{{ r.total }}", 2.8),
            ],
            loop="r in g.overview",
            first_column=True,
        )
    b.tag("if budget.deficit")
    b.text("{{ budget.result_text }}", "Hint")
    b.tag("else")
    b.text("{{ budget.result_text }}")
    b.tag("endif")


def shares_table(b: TemplateBuilder) -> None:
    b.table(
        [
            ("kind", "{{ r.kind }}", 6.0),
            ("amount", "{{ r.amount }}", 4.0),
            ("share", "{{ r.share }}", 2.5),
        ],
        loop="r in budget.shares",
    )


def budget_section(b: TemplateBuilder, heading: str = "budget") -> None:
    b.heading(heading)
    with b.if_else("budget.income or budget.costs", "budget"):
        b.heading("income", 2)
        with b.if_else("budget.income", "income"):
            income_table(b)
        b.heading("costs", 2)
        with b.if_else("budget.costs", "costs"):
            cost_table(b)
        b.heading("balance", 2)
        balance_table(b)
        b.chart("budget.year_chart")
        b.tag("if budget.income")
        b.heading("shares", 2)
        shares_table(b)
        b.chart("budget.funding_chart")
        b.tag("endif")
    cofinancing_section(b)


def summary_section(b: TemplateBuilder) -> None:
    b.heading("summary")
    b.tag("for s in summary")
    b.text("{{ s }}")
    b.tag("endfor")


def background_section(b: TemplateBuilder) -> None:
    b.heading("background")
    with b.if_else("initiative.background", "background"):
        b.md("initiative.background")
    b.heading("starting_point", 2)
    with b.if_else("initiative.starting_point", "starting_point"):
        b.md("initiative.starting_point")
    b.heading("facts", 2)
    b.table(
        [("fact", "{{ f.label }}", 4.5), ("fact_value", "{{ f.value }}", 11.5)],
        loop="f in facts",
        first_column=True,
    )


def strategy_section(b: TemplateBuilder) -> None:
    b.heading("strategy")
    with b.if_else("strategy.strategic_idea or strategy.vision or strategy.purpose", "strategy"):
        for key in ("strategic_idea", "vision", "purpose"):
            b.tag(f"if strategy.{key}")
            b.heading(key, 2)
            b.md(f"strategy.{key}")
            b.tag("endif")
    b.heading("shared_values", 2)
    with b.if_else("strategy.shared_values", "shared_values"):
        b.bullets("strategy.shared_values")
    b.heading("benefits", 2)
    with b.if_else("strategy.benefits", "benefits"):
        b.table(
            [
                ("helix", "{{ p.party }}", 3.5),
                ("benefit", "{{p p.points|bullets('TableBullet') }}", 12.5),
            ],
            loop="p in strategy.benefits",
            first_column=True,
        )


def focus_areas_table(b: TemplateBuilder) -> None:
    b.table(
        [
            ("focus_area", "{{ f.name }}", 4.0),
            ("activity_area", "{{ f.area }}", 3.6),
            ("description", "{{p f.description|md('TableText') }}", 8.4),
        ],
        loop="f in strategy.focus_areas",
        first_column=True,
    )


def goals_section(b: TemplateBuilder) -> None:
    b.heading("focus_areas")
    with b.if_else("strategy.focus_areas", "focus_areas"):
        focus_areas_table(b)
    b.heading("goals", 2)
    with b.if_else("strategy.goals", "goals"):
        b.table(
            [
                ("goal", "{{ g.text }}", 6.0),
                ("focus_area", "{{ g.focus_area }}", 3.4),
                ("indicators", "{{ g.indicators }}", 4.2),
                ("due", "{{ g.due }}", 2.4),
            ],
            loop="g in strategy.goals",
        )


def context_sections(b: TemplateBuilder) -> None:
    """The omvärldsanalys (with its SWOT) and the problem and opportunity inventory."""
    b.heading("context")
    with b.if_else(
        "context.competence_area or context.trends or context.industry or context.region", "context"
    ):
        for key in ("competence_area", "industry", "region"):
            b.tag(f"if context.{key}")
            b.heading(key, 2)
            b.md(f"context.{key}")
            b.tag("endif")
        b.tag("if context.trends")
        b.heading("trends", 2)
        b.bullets("context.trends")
        b.tag("endif")
    b.heading("swot", 2)
    with b.if_else("context.swot", "swot"):
        sw = "context.swot"
        b.grid(
            [
                ["{{ t.columns.strength }}", "{{ t.columns.weakness }}"],
                [
                    f"{{{{p {sw}.strengths|bullets('TableBullet') }}}}",
                    f"{{{{p {sw}.weaknesses|bullets('TableBullet') }}}}",
                ],
                ["{{ t.columns.opportunity }}", "{{ t.columns.threat }}"],
                [
                    f"{{{{p {sw}.opportunities|bullets('TableBullet') }}}}",
                    f"{{{{p {sw}.threats|bullets('TableBullet') }}}}",
                ],
            ],
            [8.0, 8.0],
            shade=[
                ["C6E7C1", "F4C2BD"],
                ["EEF7EC", "FBEDEB"],
                ["CFE3F4", "FCE8A6"],
                ["EDF4FA", "FEF8E4"],
            ],
        )
    b.heading("inventory")
    with b.if_else("context.problems or context.opportunities", "inventory"):
        b.tag("if context.problems")
        b.heading("problems", 2)
        b.bullets("context.problems")
        b.tag("endif")
        b.tag("if context.opportunities")
        b.heading("opportunities", 2)
        b.bullets("context.opportunities")
        b.tag("endif")


def baselines_table(b: TemplateBuilder) -> None:
    """The nollpunktsanalys: each indicator's baseline, when and where it was measured."""
    b.table(
        [
            ("indicator", "{{ i.name }}", 4.6),
            ("type", "{{ i.type }}", 2.8),
            ("baseline", "{{ i.baseline }}", 2.2),
            ("baseline_date", "{{ i.baseline_date }}", 2.6),
            ("source", "{{ i.source }}", 3.8),
        ],
        loop="i in baselines",
    )


def activity_details(b: TemplateBuilder) -> None:
    """What each activity delivers and which goals it serves; its budget per year."""
    b.tag("if activity_details")
    b.heading("activity_details", 2)
    b.table(
        [
            ("activity", "{{ a.title }}", 4.2),
            ("focus_area", "{{ a.focus_area }}", 3.2),
            ("deliverable", "{{ a.deliverable }}", 4.4),
            ("contributes_to", "{{ a.goal_list }}", 4.2),
        ],
        loop="a in activity_details",
        first_column=True,
    )
    b.tag("endif")
    b.tag("if activity_budget")
    b.heading("activity_budget", 2)
    with b.loop("g in activity_budget"):
        b.table(
            [
                ("activity", "{{ r.title }}", 6.0),
                *year_columns("r.cells"),
                ("{{ g.total_label }}", "{{ r.total }}", 2.8),
            ],
            loop="r in g.rows",
            total_row=[
                "{{ t.common.total }}",
                *year_totals("g.total_cells"),
                "{{ g.total }}",
            ],
        )
    b.tag("endif")


def timeline_section(b: TemplateBuilder) -> None:
    """The action plan as a Gantt chart under a heading of its own; neither when no activity
    has a date."""
    b.tag("if timeline_chart")
    b.heading("timeline", 2)
    b.chart("timeline_chart")
    b.tag("endif")


def activities_table(b: TemplateBuilder, loop: str = "a in activities") -> None:
    b.table(
        [
            ("activity", "{{ a.title }}{% if a.quick_win %} ★{% endif %}", 4.4),
            ("responsible", "{{ a.responsible }}", 2.4),
            ("when", "{{ a.period }}", 2.4),
            ("partners", "{{ a.partners }}", 2.8),
            ("budget", "{{ a.budget }}", 2.2),
            ("status", "{{ a.status }}", 1.7),
            ("rag", "{{ a.rag }}", 1.2),
        ],
        loop=loop,
        shade={6: "a.rag_colour"},
    )


def organisation_section(b: TemplateBuilder) -> None:
    b.heading("organisation")
    with b.if_else(
        "organisation.process_group or organisation.board or organisation.working_groups",
        "organisation",
    ):
        for key in ("process_group", "board"):
            b.tag(f"if organisation.{key}")
            b.heading(key, 2)
            b.table(
                [
                    ("name", "{{ m.name }}", 5.0),
                    ("organisation", "{{ m.organisation }}", 6.5),
                    ("role", "{{ m.role }}", 4.5),
                ],
                loop=f"m in organisation.{key}",
            )
            b.tag("endif")
        b.tag("if organisation.working_groups")
        b.heading("working_groups", 2)
        b.table(
            [
                ("name", "{{ w.name }}", 4.5),
                ("lead", "{{ w.lead }}", 4.0),
                ("group_members", "{{ w.members }}", 7.5),
            ],
            loop="w in organisation.working_groups",
        )
        b.tag("endif")


def indicators_table(b: TemplateBuilder) -> None:
    b.table(
        [
            ("indicator", "{{ i.name }}{% if i.unit %} ({{ i.unit }}){% endif %}", 4.6),
            ("type", "{{ i.type }}", 2.6),
            ("baseline", "{{ i.baseline }}", 2.4),
            ("target", "{{ i.targets }}", 3.4),
            ("actuals", "{{ i.actuals }}", 3.0),
        ],
        loop="i in indicators",
    )


# -- what a funder and a board read (issue 13) ------------------------------------------------


@contextmanager
def optional_section(
    b: TemplateBuilder, heading: str, condition: str, missing: str, level: int, hint: bool
) -> Iterator[None]:
    """A section shown with what the file gives: with `hint`, its heading always and the hint
    saying what to fill in when the file gives nothing; without, nothing at all then."""
    if hint:
        b.heading(heading, level)
        with b.if_else(condition, missing):
            yield
    else:
        b.tag(f"if {condition}")
        b.heading(heading, level)
        yield
        b.tag("endif")


# The effektlogik's steps: the label of each box, and the items in it.
IMPACT_CHAIN = (
    ("need", "needs"),
    ("impact_activities", "activities"),
    ("outputs", "outputs"),
    ("outcomes", "outcomes"),
    ("long_term", "impacts"),
    ("indicators", "indicators"),
)
CHAIN_BOX_CM, CHAIN_ARROW_CM = 2.34, 0.39


def impact_chain_diagram(b: TemplateBuilder) -> None:
    """The effektlogik as a diagram: a row of boxes, need to indicators, with arrows between.

    A table, not a drawing: it stays editable in Word and LibreOffice, grows with its text,
    reads to a screen reader as steps under their names, and in black and white as dark
    labels over light boxes, the arrows as text.
    """
    widths = [CHAIN_ARROW_CM if n % 2 else CHAIN_BOX_CM for n in range(2 * len(IMPACT_CHAIN) - 1)]
    tight = "".join(f'<w:{side} w:w="{{}}" w:type="dxa"/>' for side in ("left", "right"))
    table = b.doc.add_table(rows=2, cols=len(widths))
    labels, boxes = table.rows
    for n, (label, items) in enumerate(IMPACT_CHAIN):
        label_cell, box = labels.cells[2 * n], boxes.cells[2 * n]
        label_cell.text = f"{{{{ t.columns.{label} }}}}"
        for run in label_cell.paragraphs[0].runs:
            run.font.bold, run.font.color.rgb = True, RGBColor(0xFF, 0xFF, 0xFF)
        label_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        box.text = f"{{{{p impact_chain.{items}|bullets('DiagramText') }}}}"
        for cell, fill in ((label_cell, "1F3B5B"), (box, "E4EAF1")):
            cell._tc.get_or_add_tcPr().append(
                parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
            )
            cell._tc.get_or_add_tcPr().append(  # a long word still fits the narrow box
                parse_xml(f"<w:tcMar {nsdecls('w')}>{tight.format(45, 45)}</w:tcMar>")
            )
    b._finish_table(table, widths, header=False, header_cells=True)
    for n in range(1, len(widths), 2):  # an arrow, over both rows, in the middle
        arrow = labels.cells[n].merge(boxes.cells[n])
        arrow._tc.get_or_add_tcPr().append(
            parse_xml(f"<w:tcMar {nsdecls('w')}>{tight.format(0, 0)}</w:tcMar>")
        )
        arrow.text = "→"
        arrow.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        arrow.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        arrow.paragraphs[0].style = b.doc.styles["Table Text"]
        for run in arrow.paragraphs[0].runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(13), True, NAVY
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    look.set(qn("w:noHBand"), "1")  # no banded rows: the boxes have their own colours
    look.set(qn("w:val"), "0600")
    borders = "".join(
        f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH")
    )
    following = next(e for e in table._tbl.tblPr if e.tag in {qn("w:tblLayout"), qn("w:tblLook")})
    following.addprevious(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))


def impact_logic_section(b: TemplateBuilder, level: int = 1, hint: bool = True) -> None:
    """The effektlogik: need → activities → outputs → outcomes → impact → indicators, as a
    diagram of the whole and a table by effort."""
    with optional_section(b, "impact_logic", "impact_logic", "impact_logic", level, hint):
        impact_chain_diagram(b)
        b.table(
            [
                ("need", "{{p r.need|md('TableText') }}", 3.0),
                ("impact_activities", "{{ r.activities }}", 2.6),
                ("outputs", "{{p r.outputs|bullets('TableItem') }}", 2.8),
                ("outcomes", "{{p r.outcomes|bullets('TableItem') }}", 2.8),
                ("long_term", "{{p r.impact|md('TableText') }}", 2.6),
                ("indicators", "{{ r.indicators }}", 2.2),
            ],
            loop="r in impact_logic",
        )


def milestones_section(b: TemplateBuilder, level: int = 2, hint: bool = True) -> None:
    with optional_section(b, "milestones", "milestones", "milestones", level, hint):
        b.table(
            [
                ("milestone", "{{ m.title }}", 7.0),
                ("when", "{{ m.date }}", 3.0),
                ("activity", "{{ m.activity }}", 6.0),
            ],
            loop="m in milestones",
            first_column=True,
        )


def staffing_section(b: TemplateBuilder, level: int = 2, hint: bool = True) -> None:
    with optional_section(b, "staffing", "staffing", "staffing", level, hint):
        b.table(
            [
                ("name", "{{ s.name }}", 5.5),
                ("role", "{{ s.role }}", 6.5),
                ("share_of_time", "{{ s.share }}", 4.0),
            ],
            loop="s in staffing",
        )
        b.tag("if staffing_total")
        b.text("{{ staffing_total }}")
        b.tag("endif")


def membership_section(b: TemplateBuilder, level: int = 2, hint: bool = True) -> None:
    condition = "membership.members or membership.fee_model"
    with optional_section(b, "membership", condition, "membership", level, hint):
        b.tag("if membership.members")
        b.text("{{ membership.members }}")
        b.tag("endif")
        b.tag("if membership.fee_model")
        b.text("{{ t.notes.fee_model }}")
        b.md("membership.fee_model")
        b.tag("endif")


def cofinancing_section(b: TemplateBuilder, level: int = 2) -> None:
    """The public share against the ceiling, stated plainly; cash and in kind per source."""
    b.heading("cofinancing", level)
    b.tag("if cofinancing.text")
    b.tag("if cofinancing.exceeded")
    b.text("{{ cofinancing.text }}", "Warning")
    b.tag("else")
    b.text("{{ cofinancing.text }}")
    b.tag("endif")
    b.tag("endif")
    b.tag("if not cofinancing.limit")
    b.hint("cofinancing")
    b.tag("endif")
    b.tag("if cofinancing.sources")
    b.table(
        [
            ("funder_name", "{{ r.source }}", 6.0),
            ("kind", "{{ r.kind }}", 3.0),
            ("cash_or_in_kind", "{{ r.cash }}", 3.6),
            ("amount", "{{ r.total }}", 3.4),
        ],
        loop="r in cofinancing.sources",
        first_column=True,
    )
    b.text("{{ cofinancing.cash_text }}")
    b.tag("endif")


def communication_section(b: TemplateBuilder, level: int = 1, hint: bool = True) -> None:
    with optional_section(b, "communication", "communication", "communication", level, hint):
        b.table(
            [
                ("audience", "{{ c.audience }}", 3.0),
                ("message", "{{p c.message|md('TableText') }}", 4.6),
                ("channel", "{{ c.channel }}", 3.0),
                ("frequency", "{{ c.frequency }}", 2.6),
                ("owner", "{{ c.owner }}", 2.8),
            ],
            loop="c in communication",
            first_column=True,
        )


def horizontal_section(b: TemplateBuilder, level: int = 1, hint: bool = True) -> None:
    """Gender equality, sustainable development and diversity: what every funder asks."""
    with optional_section(b, "horizontal", "horizontal.given", "horizontal", level, hint):
        for key in ("gender_equality", "sustainability", "diversity"):
            b.heading(key, level + 1)
            with b.if_else(f"horizontal.{key}", "aspect"):
                b.md(f"horizontal.{key}")


def regional_strategy_section(b: TemplateBuilder, level: int = 2, hint: bool = True) -> None:
    with optional_section(
        b, "regional_strategy", "regional_strategy", "regional_strategy", level, hint
    ):
        b.text("{{ regional_strategy.text }}")
        b.tag("if regional_strategy.priorities")
        b.text("{{ t.notes.priorities }}")
        b.bullets("regional_strategy.priorities")
        b.tag("endif")


def evaluation_section(b: TemplateBuilder, level: int = 2, hint: bool = True) -> None:
    with optional_section(b, "evaluation", "evaluation.given", "evaluation", level, hint):
        b.tag("if evaluation.reporting")
        b.table(
            [
                ("reported_to", "{{ r.to }}", 4.0),
                ("report", "{{ r.what }}", 7.0),
                ("report_when", "{{ r.when }}", 5.0),
            ],
            loop="r in evaluation.reporting",
            first_column=True,
        )
        b.tag("endif")
        b.tag("if evaluation.evaluator")
        b.text("{{ evaluation.evaluator }}")
        b.tag("endif")


def prestudy_facts(b: TemplateBuilder, level: int, chart: bool = False) -> None:
    """The förstudie's period, owner, funder, method and firms asked; needs; its budget, with
    a `chart` of it in the förstudie itself (in a plan, a side note)."""
    b.tag("if prestudy.facts")
    b.table(
        [("fact", "{{ f.label }}", 4.5), ("fact_value", "{{p f.value|md('TableText') }}", 11.5)],
        loop="f in prestudy.facts",
        first_column=True,
    )
    b.tag("endif")
    b.tag("if prestudy.needs")
    b.heading("needs", level + 1)
    b.bullets("prestudy.needs")
    b.tag("endif")
    b.tag("if prestudy.budget")
    b.heading("prestudy_budget", level + 1)
    b.tag("if prestudy.budget.rows")
    b.table(
        [("year", "{{ r.year }}", 4.0), ("amount", "{{ r.amount }}", 4.0)],
        loop="r in prestudy.budget.rows",
        total_row=["{{ t.common.total }}", "{{ prestudy.budget.total }}"],
    )
    b.tag("endif")
    b.tag("if prestudy.budget.funder")
    b.text("{{ prestudy.budget.funder }}")
    b.tag("endif")
    if chart:
        b.chart("prestudy.budget.chart")
    b.tag("endif")


def proposal_sections(b: TemplateBuilder) -> None:
    """What the förstudie proposes for the next phase, each part when the file gives it."""
    b.tag("if proposal_given")
    b.heading("proposal")
    b.text("{{ t.notes.proposal }}")
    impact_logic_section(b, 2, hint=False)
    milestones_section(b, 2, hint=False)
    staffing_section(b, 2, hint=False)
    membership_section(b, 2, hint=False)
    communication_section(b, 2, hint=False)
    regional_strategy_section(b, 2, hint=False)
    evaluation_section(b, 2, hint=False)
    b.tag("if horizontal.given")
    b.heading("horizontal", 2)
    for key in ("gender_equality", "sustainability", "diversity"):
        b.tag(f"if horizontal.{key}")
        b.heading(key, 3)
        b.md(f"horizontal.{key}")
        b.tag("endif")
    b.tag("endif")
    b.tag("endif")


def verksamhetsplan() -> TemplateBuilder:
    b = TemplateBuilder("verksamhetsplan")
    b.cover()
    summary_section(b)
    background_section(b)
    b.tag("if prestudy.given")
    b.heading("prestudy_basis", 2)
    prestudy_facts(b, 2)
    b.tag("endif")
    context_sections(b)
    strategy_section(b)
    regional_strategy_section(b)
    goals_section(b)
    impact_logic_section(b)
    b.heading("activities")
    with b.if_else("activities", "activities"):
        activities_table(b)
        b.text("★ {{ t.notes.quick_win }}", "Small")
        timeline_section(b)
        activity_details(b)
    milestones_section(b)
    organisation_section(b)
    staffing_section(b)
    membership_section(b)
    budget_section(b)
    communication_section(b)
    horizontal_section(b)
    b.heading("follow_up")
    with b.if_else("indicators", "indicators"):
        indicators_table(b)
        b.chart("indicator_chart")
        b.tag("if baselines")
        b.heading("baseline", 2)
        baselines_table(b)
        b.tag("endif")
    evaluation_section(b)
    risks_section(b)
    phase_section(b, appendix=True)
    changes_appendix(b)
    checklist_appendix(b)
    return b


def changes_appendix(b: TemplateBuilder) -> None:
    """What changed since a git revision (`plan --changes-since REV`), when asked for."""
    b.tag("if changes")
    b.page_break()
    b.doc.add_paragraph("{{ changes.title }}", style="Heading 1")
    b.tag("if changes.none")
    b.text("{{ changes.none }}")
    b.tag("endif")
    b.tag("for s in changes.sections")
    b.doc.add_paragraph("{{ s.heading }}", style="Heading 2")
    b.bullets("s.lines")
    b.tag("endfor")
    b.tag("endif")


def intressentanalys() -> TemplateBuilder:
    b = TemplateBuilder("intressentanalys")
    b.cover()
    b.heading("method")
    b.text("{{ t.stakeholders.method }}")
    b.doc.add_paragraph("{{p t.stakeholders.steps|bullets('ListNumber') }}")
    b.text("{{ grid_intro }}")
    b.heading("actor_groups")
    with b.if_else("actors", "actors"):
        b.tag("for g in stakeholders.groups")
        b.doc.add_paragraph("{{ g.name }}", style="Heading 2")
        b.table(
            [
                ("actor", "{{ a.name }}", 3.7),
                ("role", "{{ a.role }}", 3.4),
                ("core", "{{ a.core }}", 2.0),
                ("member", "{{ a.member }}", 1.6),
                ("attitude", "{{ a.attitude }}", 1.9),
                ("power", "{{ a.power }}", 1.9),
                ("interest", "{{ a.interest }}", 1.5),
            ],
            loop="a in g.actors",
        )
        b.tag("endfor")
    b.heading("grid")
    with b.if_else("grid_has_actors", "grid"):
        g = "stakeholders.grid"

        def quadrant(name: str) -> str:
            return f"{{{{ {g}.{name}.label }}}}\n{{{{p {g}.{name}.names|bullets('TableBullet') }}}}"

        b.grid(
            [
                [
                    "{{ t.notes.grid_corner }}",
                    "{{ t.notes.grid_low_interest }}",
                    "{{ t.notes.grid_interest }}",
                ],
                [
                    "{{ t.notes.grid_power }}",
                    quadrant("keep_satisfied"),
                    quadrant("manage_closely"),
                ],
                ["{{ t.notes.grid_low_power }}", quadrant("monitor"), quadrant("keep_informed")],
            ],
            [2.6, 6.7, 6.7],
            shade=[
                [None, "D5DCE4", "D5DCE4"],
                ["D5DCE4", f"{g}.keep_satisfied.colour", f"{g}.manage_closely.colour"],
                ["D5DCE4", f"{g}.monitor.colour", f"{g}.keep_informed.colour"],
            ],
            heights=[None, 3.4, 3.4],
            bold_first=True,
        )
        b.chart("stakeholders.grid_chart")
        b.tag("if stakeholders.unplaced")
        b.text("{{ unplaced_text }}", "Hint")
        b.tag("endif")
    b.heading("core")
    with b.if_else("stakeholders.inner or stakeholders.outer", "core"):
        b.text("{{ t.stakeholders.core_intro }}")
        b.table(
            [("inner", "{{ c.inner }}", 8.0), ("outer", "{{ c.outer }}", 8.0)],
            loop="c in core_rows",
        )
    b.heading("expectations")
    with b.if_else("expectations_given", "expectations"):
        b.table(
            [
                ("actor", "{{ a.name }}", 3.2),
                ("expectations", "{{p a.expectations|md('TableText') }}", 3.8),
                ("contribution", "{{p a.contribution|md('TableText') }}", 3.2),
                ("engagement", "{{p a.engagement|md('TableText') }}", 3.6),
                ("owner", "{{ a.owner }}", 2.2),
            ],
            loop="a in actors",
            first_column=True,
        )
    b.tag("if contacts")
    b.heading("contacts", 2)
    b.table(
        [
            ("actor", "{{ a.name }}", 4.4),
            ("contact_name", "{{ a.contact }}", 7.6),
            ("relationship_owner", "{{ a.owner }}", 4.0),
        ],
        loop="a in contacts",
        first_column=True,
    )
    b.tag("endif")
    b.heading("benefits")
    with b.if_else("strategy.benefits", "benefits"):
        b.table(
            [
                ("helix", "{{ p.party }}", 3.5),
                ("benefit", "{{p p.points|bullets('TableBullet') }}", 12.5),
            ],
            loop="p in strategy.benefits",
            first_column=True,
        )
    b.heading("priorities")
    with b.if_else("stakeholders.priorities", "grid"):
        b.table(
            [
                ("rank", "{{ a.rank }}", 1.0),
                ("actor", "{{ a.name }}", 3.6),
                ("strategy", "{{ a.quadrant }}", 2.8),
                (
                    "engagement",
                    "{% if a.engagement %}{{ a.engagement }}{% else %}{{ a.strategy }}{% endif %}",
                    6.2,
                ),
                ("owner", "{{ a.owner }}", 2.4),
            ],
            loop="a in stakeholders.priorities",
            shade={2: "a.quadrant_colour"},
        )
    phase_section(b)
    return b


def forstudie() -> TemplateBuilder:
    b = TemplateBuilder("forstudie")
    b.cover()
    summary_section(b)
    b.heading("prestudy")
    with b.if_else("prestudy.given", "prestudy"):
        prestudy_facts(b, 1, chart=True)
    background_section(b)
    b.tag("if stakeholders.industry_count")
    b.text("{{ critical_mass_text }}")
    b.tag("endif")
    b.heading("purpose_goals")
    with b.if_else("strategy.purpose", "purpose"):
        b.md("strategy.purpose")
    for key in ("strategic_idea", "vision"):
        b.tag(f"if strategy.{key}")
        b.heading(key, 2)
        b.md(f"strategy.{key}")
        b.tag("endif")
    b.tag("if strategy.shared_values")
    b.heading("shared_values", 2)
    b.bullets("strategy.shared_values")
    b.tag("endif")
    b.tag("if strategy.focus_areas")
    b.heading("focus_areas_only", 2)
    focus_areas_table(b)
    b.tag("endif")
    b.heading("goals", 2)
    with b.if_else("strategy.goals", "goals"):
        b.table(
            [
                ("goal", "{{ g.text }}", 7.0),
                ("focus_area", "{{ g.focus_area }}", 4.5),
                ("due", "{{ g.due }}", 3.0),
            ],
            loop="g in strategy.goals",
        )
    context_sections(b)
    b.heading("baseline")
    with b.if_else("baselines", "baseline"):
        baselines_table(b)
        b.chart("baseline_chart")  # the baseline beside the target: the indicator chart's
    b.tag("if indicators")  # figures but the latest, so that one is not here as well
    b.heading("indicators_targets", 2)
    indicators_table(b)
    b.tag("endif")
    b.heading("actors_summary")
    with b.if_else("actors", "actors"):
        b.table(
            [
                ("helix", "{{ c.name }}", 8.0),
                ("count", "{{ c.count }}", 4.0),
                ("members", "{{ c.members }}", 4.0),
            ],
            loop="c in stakeholders.counts",
            first_column=True,
        )
        b.tag("if stakeholders.key")
        b.heading("key_actors", 2)
        b.bullets("stakeholders.key")
        b.tag("endif")
    organisation_section(b)
    budget_section(b, "financing")
    risks_section(b)
    b.heading("next_phase_plan")
    with b.if_else("upcoming_activities", "next_activities"):
        activities_table(b, "a in upcoming_activities")
    b.tag("if past_activities")
    b.heading("done_so_far", 2)
    activities_table(b, "a in past_activities")
    b.tag("endif")
    activity_details(b)
    b.text("{{ t.headings.next_steps }}:", None)
    b.bullets("phase.next_steps")
    proposal_sections(b)
    b.heading("recommendation")
    conclusion = b.doc.add_paragraph(
        "{{ t.headings.conclusion }}: {{ recommendation.label }}", style="Lead"
    )
    conclusion.paragraph_format.keep_with_next = True  # the conclusion stays with its reasons
    b.text("{{ recommendation.text }}")
    b.tag("if recommendation.conditions")
    b.tag("if recommendation.decided")
    b.text("{{ t.notes.decided_open }}")
    b.tag("endif")
    b.bullets("recommendation.conditions")
    b.tag("endif")
    b.tag("if phase.done")
    b.text("{{ t.notes.recommendation_done }}")
    b.bullets("phase.done")
    b.tag("endif")
    b.heading("open_questions", 2)
    with b.if_else("phase.open"):
        b.table(
            [
                ("checklist_item", "{{ i.label }}", 6.4),
                ("status", "{{ i.status }}", 1.8),
                ("comment", "{{ i.comment }}", 7.8),
            ],
            loop="i in phase.open",
            shade={1: "i.colour"},
        )
    b.tag("if not phase.open")
    b.text("{{ t.notes.no_open_questions }}")
    b.tag("endif")
    phase_section(b)
    return b


# -- the PowerPoint template ------------------------------------------------------------------

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def _inches(value: float) -> int:
    return int(value * 914400)


def _level_style(size: int, colour: str, bold: bool = False, align: str | None = None) -> str:
    algn = f' algn="{align}"' if align else ""
    b = ' b="1"' if bold else ""
    return (
        f'<a:lvl1pPr{algn}><a:defRPr sz="{size}"{b}><a:solidFill><a:srgbClr val="{colour}"/>'
        "</a:solidFill></a:defRPr></a:lvl1pPr>"
    )


def _set_list_style(shape, xml: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a placeholder's list style (how its text looks unless a slide overrides it)."""
    body = shape._element.find(f"{{{_P}}}txBody")
    old = body.find(f"{{{_A}}}lstStyle")
    new = parse_xml(f'<a:lstStyle xmlns:a="{_A}">{xml}</a:lstStyle>')
    if old is not None:
        body.replace(old, new)
    else:
        body.insert(1, new)


def _place(shape, left: float, top: float, width: float, height: float) -> None:  # type: ignore[no-untyped-def]
    shape.left, shape.top = _inches(left), _inches(top)
    shape.width, shape.height = _inches(width), _inches(height)


def _table_placeholder(layout, left: float, top: float, width: float, height: float) -> None:  # type: ignore[no-untyped-def]
    xml = (
        f'<p:sp xmlns:p="{_P}" xmlns:a="{_A}"><p:nvSpPr><p:cNvPr id="20" name="Table Placeholder"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>'
        '<p:ph type="tbl" sz="quarter" idx="13"/>'
        f'</p:nvPr></p:nvSpPr><p:spPr><a:xfrm><a:off x="{_inches(left)}" y="{_inches(top)}"/>'
        f'<a:ext cx="{_inches(width)}" cy="{_inches(height)}"/></a:xfrm></p:spPr>'
        '<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="sv-SE"/></a:p></p:txBody>'
        "</p:sp>"
    )
    layout.shapes._spTree.append(parse_xml(xml))


def _decorate(master) -> None:  # type: ignore[no-untyped-def]
    """A navy band along the bottom and a thin accent line: the look every layout shares."""
    for left, top, width, height, colour in (
        (0, 7.22, 13.333, 0.28, "1F3B5B"),
        (0.6, 1.38, 1.2, 0.06, "E07A3F"),
    ):
        xml = (
            f'<p:sp xmlns:p="{_P}" xmlns:a="{_A}"><p:nvSpPr><p:cNvPr id="{90 + int(top)}" '
            f'name="Decoration {colour}"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{_inches(left)}" y="{_inches(top)}"/>'
            f'<a:ext cx="{_inches(width)}" cy="{_inches(height)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln>'
            "</p:spPr></p:sp>"
        )
        master.shapes._spTree.insert(2, parse_xml(xml))


def modul() -> Path:
    """The module deck template: 16:9, a styled master and the layouts klusterdocs uses."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor as PptxColour
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation()
    prs.slide_width, prs.slide_height = _inches(13.333), _inches(7.5)
    master = prs.slide_master
    styles = master._element.find(f"{{{_P}}}txStyles")
    title_style = styles.find(f"{{{_P}}}titleStyle")
    title_style.replace(
        title_style[0],
        parse_xml(
            f'<a:lvl1pPr xmlns:a="{_A}" algn="l"><a:defRPr sz="3000" b="1"><a:solidFill>'
            '<a:srgbClr val="1F3B5B"/></a:solidFill><a:latin typeface="+mj-lt"/></a:defRPr>'
            "</a:lvl1pPr>"
        ),
    )
    body_style = styles.find(f"{{{_P}}}bodyStyle")
    for level, size in ((0, 2000), (1, 1800), (2, 1600)):
        rpr = body_style[level].find(f"{{{_A}}}defRPr")
        rpr.set("sz", str(size))
        for fill in rpr.findall(f"{{{_A}}}solidFill"):
            rpr.remove(fill)
        rpr.insert(
            0, parse_xml(f'<a:solidFill xmlns:a="{_A}"><a:srgbClr val="333F4B"/></a:solidFill>')
        )
    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            _place(shape, 0.6, 0.35, 12.1, 1.0)
        elif kind == PP_PLACEHOLDER.BODY:
            _place(shape, 0.6, 1.6, 12.1, 5.3)
        elif kind == PP_PLACEHOLDER.DATE:
            _place(shape, 0.6, 6.9, 3.0, 0.3)
        elif kind == PP_PLACEHOLDER.FOOTER:
            _place(shape, 4.2, 6.9, 5.0, 0.3)
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            _place(shape, 10.7, 6.9, 2.0, 0.3)
    _decorate(master)

    layouts = list(prs.slide_layouts)
    title, content, section, two, comparison, title_only, _, caption = layouts[:8]
    for unused in [*layouts[8:], layouts[6]]:
        prs.slide_layouts.remove(unused)

    def placeholders(layout):  # type: ignore[no-untyped-def]
        return {ph.placeholder_format.idx: ph for ph in layout.placeholders}

    def footer_row(layout) -> None:  # type: ignore[no-untyped-def]
        for idx, box in (
            (10, (0.6, 6.9, 3.0, 0.3)),
            (11, (4.2, 6.9, 5.0, 0.3)),
            (12, (10.7, 6.9, 2.0, 0.3)),
        ):
            if idx in placeholders(layout):
                _place(placeholders(layout)[idx], *box)

    navy = PptxColour(0x1F, 0x3B, 0x5B)
    title.name = "Titel"
    title.background.fill.solid()
    title.background.fill.fore_color.rgb = navy
    ph = placeholders(title)
    _place(ph[0], 0.8, 2.0, 11.7, 2.2)
    _set_list_style(ph[0], _level_style(4000, "FFFFFF", bold=True, align="l"))
    _place(ph[1], 0.8, 4.4, 11.7, 1.4)
    _set_list_style(ph[1], _level_style(2000, "CFE3F4", align="l"))
    footer_row(title)

    content.name = "Rubrik och innehåll"
    ph = placeholders(content)
    _place(ph[0], 0.6, 0.35, 12.1, 1.0)
    _place(ph[1], 0.6, 1.6, 12.1, 5.1)
    footer_row(content)

    section.name = "Avsnitt"
    section.background.fill.solid()
    section.background.fill.fore_color.rgb = PptxColour(0x2F, 0x5D, 0x8A)
    ph = placeholders(section)
    _place(ph[0], 0.8, 2.4, 11.7, 1.6)
    _set_list_style(ph[0], _level_style(3600, "FFFFFF", bold=True, align="l"))
    _place(ph[1], 0.8, 4.1, 11.7, 1.2)
    _set_list_style(ph[1], _level_style(2000, "E4E7EB", align="l"))
    footer_row(section)

    two.name = "Två spalter"
    ph = placeholders(two)
    _place(ph[0], 0.6, 0.35, 12.1, 1.0)
    _place(ph[1], 0.6, 1.6, 5.9, 5.1)
    _place(ph[2], 6.8, 1.6, 5.9, 5.1)
    footer_row(two)

    comparison.name = "Tabell"
    ph = placeholders(comparison)
    for idx in (1, 2, 3, 4):
        ph[idx]._element.getparent().remove(ph[idx]._element)
    _place(ph[0], 0.6, 0.35, 12.1, 1.0)
    _table_placeholder(comparison, 0.6, 1.6, 12.1, 5.1)
    footer_row(comparison)

    title_only.name = "Endast rubrik"
    _place(placeholders(title_only)[0], 0.6, 0.35, 12.1, 1.0)
    footer_row(title_only)

    caption.name = "Avslutning"
    caption.background.fill.solid()
    caption.background.fill.fore_color.rgb = navy
    ph = placeholders(caption)
    ph[1]._element.getparent().remove(ph[1]._element)
    ph[0]._element.find(f".//{{{_P}}}ph").set("type", "ctrTitle")
    _place(ph[0], 0.8, 2.0, 11.7, 1.6)
    _set_list_style(ph[0], _level_style(4400, "FFFFFF", bold=True, align="l"))
    _place(ph[2], 0.8, 3.8, 11.7, 2.4)
    _set_list_style(ph[2], _level_style(2000, "CFE3F4", align="l"))
    footer_row(caption)

    for coloured in (title, section, caption):
        coloured._element.set("showMasterSp", "0")
    target = OUT / "modul" / "default.pptx"
    target.parent.mkdir(parents=True, exist_ok=True)
    prs.core_properties.title = "klusterdocs template: modul"
    prs.core_properties.author = prs.core_properties.last_modified_by = "klusterdocs"
    drop_thumbnail_and_styles_copy(prs.part.package._rels)  # python-pptx keeps these private
    prs.save(str(target))
    return target


def main() -> None:
    for build in (verksamhetsplan, intressentanalys, forstudie):
        print(build().save())
    print(modul())


if __name__ == "__main__":
    main()
