"""Numbers, money, percentages and dates in the document's language, formatted by Babel."""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from klusterdocs.i18n import BABEL_LOCALES
from klusterdocs.model.types import FlexDate

_MONEY_PATTERNS = {"sv": "#,##0\u00a0¤", "en": "¤\u00a0#,##0"}
# XML 1.0 forbids these. A vertical tab is Word's line break (Shift+Enter) pasted into YAML:
# it stays a line break, where a plain newline in a text is only where its author wrapped it.
# A form feed (Word's page break) starts a new paragraph.
LINE_BREAK = "\u2028"
_LINE_BREAKS = re.compile("[\x0b\u2028]")
_PARAGRAPH_BREAKS = re.compile("[\x0c\u2029]")
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


_STOPPED_TWICE = re.compile(r"(?<!\.)([.!?…])\.(?=\s|$)")


def stopped_once(text: str) -> str:
    """`text` without a label's full stop after a text that ends its own sentence
    ("Huvudman är Žluť s.r.o..", "Vad är en god vision?."); an ellipsis stays."""
    return _STOPPED_TWICE.sub(r"\1", text)


def clean_text(text: str) -> str:
    """Return `text` safe for XML: control characters removed, line breaks made one kind
    (`LINE_BREAK` for a forced one, a newline for one an author typed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _PARAGRAPH_BREAKS.sub("\n\n", _LINE_BREAKS.sub(LINE_BREAK, text))
    return _ILLEGAL.sub("", text)


def abbreviated(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut after a whole word, with an ellipsis.

    For where a long text cannot go whole (a running header, a document property); the
    document has it whole elsewhere.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else cut inside the word
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def _minus(formatted: str) -> str:
    """A negative number with a real minus sign (−), as Swedish typography (and the CLDR's
    Swedish data) has it; unlike a hyphen, no line breaks after it."""
    return formatted.replace("-", "\u2212")


class Formatter(NamedTuple):
    """Formats values for one language and currency."""

    lang: str
    currency: str = "SEK"
    cents: bool = False  # money to the cent (a file with such amounts), else whole units

    @property
    def locale(self) -> str:
        return BABEL_LOCALES[self.lang]

    def number(self, value: float | None) -> str:
        """`1234.5` -> `1 234,5` (sv) / `1,234.5` (en); whole numbers without decimals."""
        if value is None:
            return ""
        if float(value).is_integer():
            value = int(value)
        return _minus(format_decimal(value, locale=self.locale))

    def money(self, value: float) -> str:
        """`1234567` -> `1 234 567 kr` (sv) / `SEK 1,234,567` (en); with `cents`,
        `1 234 567,50 kr` / `SEK 1,234,567.50`."""
        pattern = _MONEY_PATTERNS[self.lang]
        if self.cents:
            pattern = pattern.replace("#,##0", "#,##0.00")
        return _minus(
            format_currency(
                round(value, 2) if self.cents else round(value),
                self.currency,
                locale=self.locale,
                format=pattern,
                currency_digits=False,
            )
        )

    def percent(self, share: float) -> str:
        """`0.737` -> `74 %` (sv) / `74%` (en). A share that is neither none nor all is never
        rounded to either: `< 1 %`, `> 99 %`."""
        if 0 < share < 0.005:
            return "<\u00a0" + format_percent(0.01, locale=self.locale)
        if 0.995 <= share < 1:
            return ">\u00a0" + format_percent(0.99, locale=self.locale)
        return _minus(format_percent(share, locale=self.locale))

    def date(self, value: dt.date | None) -> str:
        """`2012-08-20` -> `20 augusti 2012` / `20 August 2012`."""
        if value is None:
            return ""
        return format_date(value, "d MMMM y", locale=self.locale)

    def weekday(self, value: dt.date) -> str:
        """`2012-06-15` -> `fredag 15 juni` / `Friday 15 June`."""
        return format_date(value, "EEEE d MMMM", locale=self.locale)

    def days(self, first: dt.date, last: dt.date) -> str:
        """`14–15 juni 2012`, `29 juni–2 juli 2012`, `30 december 2024–2 januari 2025`: what
        the two dates share is said once."""
        if last == first:
            return self.date(first)
        if last.year != first.year:
            return f"{self.date(first)}–{self.date(last)}"
        pattern = "d" if last.month == first.month else "d MMMM"
        return f"{format_date(first, pattern, locale=self.locale)}–{self.date(last)}"

    def flex_date(self, value: FlexDate | None) -> str:
        """A year, a month (`juni 2013` / `June 2013`) or a full date."""
        if value is None:
            return ""
        if value.precision == "year":
            return str(value.year)
        if value.precision == "month":
            return format_date(value.first, "LLLL y", locale=self.locale)
        return self.date(value.first)

    def period(self, start: FlexDate | None, end: FlexDate | None) -> str:
        """`sep 2012 – jun 2013`: a compact span for tables."""

        def short(value: FlexDate) -> str:
            if value.precision == "year":
                return str(value.year)
            return format_date(value.first, "MMM y", locale=self.locale).replace(".", "")

        if start and end:
            return short(start) if start == end else f"{short(start)} – {short(end)}"
        return short(start or end) if (start or end) else ""  # type: ignore[arg-type]
