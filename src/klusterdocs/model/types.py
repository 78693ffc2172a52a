"""Field types shared by both file kinds: ids, scores, years, amounts and partial dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from typing import Annotated, Any, NamedTuple

from klusterdocs.model.base import Check, Constraint, JsonSchema, Parse

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Text = Annotated[str, Constraint(min_length=1)]
Id = Annotated[str, Constraint(pattern=ID_PATTERN, description="Kort unikt id: a-z, 0-9, - och _")]
Score = Annotated[int, Constraint(ge=1, le=5, description="Heltal 1–5")]
Year = Annotated[int, Constraint(ge=1900, le=2100)]
# a number of firms or members: more than any region has, and exact in every formatter
Count = Annotated[int, Constraint(ge=0, le=10**9, description="Antal")]
# A bound no cluster's budget or indicator comes near, which every formatter and sum can take
# (Babel's decimal arithmetic gave up on 1e29).
LARGEST = 1e12
Amount = Annotated[float, Constraint(ge=0, le=LARGEST, description="Belopp i filens valuta")]
Measure = Annotated[
    float, Constraint(ge=-LARGEST, le=LARGEST, description="Värde i indikatorns enhet")
]


def minutes_of_day(time: str) -> int | None:
    """`"10:35"` (or `"10.35"`) → 635; None for text that is no time of day."""
    found = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", time)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        return None
    return int(found[1]) * 60 + int(found[2])


def clock(time: str) -> str:
    """A time of day as the documents show it, hours in two digits: `9:00` -> `09:00`,
    `9.30` -> `09.30` (the separator as typed)."""
    stripped = time.strip()
    return (
        f"0{stripped}" if minutes_of_day(stripped) is not None and len(stripped) == 4 else stripped
    )


def _time_of_day(value: str) -> str:
    if minutes_of_day(value) is None:
        raise ValueError(f"expected a time of day like 10:00 or 9.30; got {value!r}")
    return value


# a clock time as typed: the deck orders the day and works out each item's length by it
TimeOfDay = Annotated[
    str,
    Constraint(min_length=1),
    Check(_time_of_day),
    JsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*([01]?\d|2[0-3])[:.][0-5]\d\s*$",
            "description": "Klockslag, t.ex. 10:00",
        }
    ),
]


def _supported_version(value: int) -> int:
    if value != 1:
        raise ValueError(f"this klusterdocs reads format version 1; got {value}")
    return value


FormatVersion = Annotated[
    int,
    Check(_supported_version),
    JsonSchema({"const": 1, "description": "Formatversion (1)"}),
]


def _currency_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        hint = "; write SEK, not kr" if value.strip().lower() in ("kr", "kronor", "sek") else ""
        raise ValueError(
            f"expected a three-letter currency code (ISO 4217) such as SEK or EUR; "
            f"got '{value}'{hint}"
        )
    return value


Currency = Annotated[
    str,
    Check(_currency_code),
    JsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Z]{3}$",
            "description": "Valutakod (ISO 4217), t.ex. SEK",
        }
    ),
]
Amounts = Annotated[
    dict[Year, Amount], Constraint(description="Belopp per kalenderår, t.ex. {2013: 250000}")
]


_FLEX_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class FlexDate(NamedTuple):
    """A date given as a year (`2006`), a month (`2013-06`) or a day (`2012-08-20`)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def first(self) -> date:
        """The first day the value covers."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> date:
        """The last day the value covers."""
        if self.day:
            return self.first
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        if self.day:
            return self.first.isoformat()
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    @classmethod
    def parse_month(cls, value: Any) -> FlexDate:
        """Parse a month or a day, as an activity's start and end are given."""
        return cls.parse(value, allow_year=False)

    @classmethod
    def parse(cls, value: Any, *, allow_year: bool = True) -> FlexDate:
        """Parse `2006`, `2013-06` or `2012-08-20`; raise `ValueError` saying what was expected."""
        if isinstance(value, FlexDate):
            return value
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip()
        match = _FLEX_DATE.match(text)
        if not match or (match.group(2) is None and not allow_year):
            expected = "a date (2012-08-20) or month (2013-06)"
            if allow_year:
                expected = "a year (2006), month (2013-06) or date (2012-08-20)"
            raise ValueError(f"expected {expected}; got '{text}'")
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year, month or 1, day or 1)  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"not a real date: {exc}") from None
        return cls(year, month, day)  # type: ignore[arg-type]


def _json_schema(pattern: str, description: str, *, year: bool) -> dict[str, Any]:
    text = {"type": "string", "pattern": pattern}
    return {"anyOf": [{"type": "integer"}, text] if year else [text], "description": description}


YearOrDate = Annotated[
    FlexDate,
    Parse(FlexDate.parse),
    JsonSchema(
        _json_schema(
            _FLEX_DATE.pattern, "År (2006), månad (2013-06) eller datum (2012-08-20)", year=True
        )
    ),
]
MonthOrDate = Annotated[
    FlexDate,
    Parse(FlexDate.parse_month),
    JsonSchema(
        _json_schema(
            r"^\d{4}-\d{1,2}(-\d{1,2})?$", "Månad (2013-06) eller datum (2012-08-20)", year=False
        )
    ),
]


_RESERVED_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
}


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """Return a file-system-safe slug: `Smart Textiles Borås` -> `smart-textiles-boras`.

    Letters of any script are transliterated (anyascii: `日本` -> `riben`, `Москва` ->
    `moskva`), so names in other scripts keep distinct folders instead of all becoming
    `initiativ`.
    """
    if _SLUG.fullmatch(text) and len(text) <= 60 and text.split("-")[0] not in _RESERVED_NAMES:
        return text  # a slug already (most short names): without importing anyascii
    from anyascii import anyascii

    ascii_text = anyascii(unicodedata.normalize("NFC", text))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:60].strip("-") or "initiativ"
    if slug.split("-")[0] in _RESERVED_NAMES:  # Windows refuses CON, NUL, COM1 ... as names
        slug = f"initiativ-{slug}"
    return slug
