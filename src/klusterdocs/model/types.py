"""Field types shared by both file kinds: ids, scores, years, amounts and partial dates."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, Field(pattern=ID_PATTERN, description="Kort unikt id: a-z, 0-9, - och _")]
Score = Annotated[int, Field(ge=1, le=5, description="Heltal 1–5")]
Year = Annotated[int, Field(ge=1900, le=2100)]
Amount = Annotated[float, Field(ge=0, description="Belopp i filens valuta")]


def _supported_version(value: int) -> int:
    if value != 1:
        raise PydanticCustomError(
            "format_version", "this klusterdocs reads format version 1; got {got}", {"got": value}
        )
    return value


FormatVersion = Annotated[
    int,
    AfterValidator(_supported_version),
    WithJsonSchema({"const": 1, "description": "Formatversion (1)"}),
]
Amounts = Annotated[
    dict[Year, Amount], Field(description="Belopp per kalenderår, t.ex. {2013: 250000}")
]


class Strict(BaseModel):
    """Base of every input model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """Read a key left empty (`strategy:` with only comments under it) as not given."""
        if isinstance(data, dict):
            return {
                k: v
                for k, v in data.items()
                if v is not None or k not in cls.model_fields or cls.model_fields[k].is_required()
            }
        return data


_FLEX_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True, order=True)
class FlexDate:
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
    def parse(cls, value: Any, *, allow_year: bool = True) -> FlexDate:
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
            raise PydanticCustomError(
                "flex_date", "expected {expected}; got '{got}'", {"expected": expected, "got": text}
            )
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year, month or 1, day or 1)  # type: ignore[arg-type]
        except ValueError as exc:
            raise PydanticCustomError(
                "flex_date", "not a real date: {error}", {"error": str(exc)}
            ) from None
        return cls(year, month, day)  # type: ignore[arg-type]


def _json_schema(pattern: str, description: str, *, year: bool) -> dict[str, Any]:
    text = {"type": "string", "pattern": pattern}
    return {"anyOf": [{"type": "integer"}, text] if year else [text], "description": description}


YearOrDate = Annotated[
    FlexDate,
    PlainValidator(FlexDate.parse),
    PlainSerializer(str),
    WithJsonSchema(
        _json_schema(
            _FLEX_DATE.pattern, "År (2006), månad (2013-06) eller datum (2012-08-20)", year=True
        )
    ),
]
MonthOrDate = Annotated[
    FlexDate,
    PlainValidator(lambda value: FlexDate.parse(value, allow_year=False)),
    PlainSerializer(str),
    WithJsonSchema(
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


def slugify(text: str) -> str:
    """Return a file-system-safe slug: `Smart Textiles Borås` -> `smart-textiles-boras`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:60].strip("-") or "initiativ"
    if slug.split("-")[0] in _RESERVED_NAMES:  # Windows refuses CON, NUL, COM1 ... as names
        slug = f"initiativ-{slug}"
    return slug
