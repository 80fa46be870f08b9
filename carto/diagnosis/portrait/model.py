"""Territory portrait: the document partners take away from a diagnosis meeting.

Why plain data first: the same portrait (key indicators against the department and France,
a static map, the sites, the observations) is written as PDF, standalone HTML, XLSX and CSV;
building it once as ``PortraitData`` keeps the four files in agreement and lets the UI build it
only when a button is pressed. Assembling it from the atlas is ``build``'s job, drawing its map
``drawing``'s, writing its files ``files``' and ``pdf``'s: each imports this module, never the
reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from carto.common.fmt import format_date, format_value, is_missing
from carto.diagnosis.model import Observation

TABLE_HEADER = (
    "Indicateur",
    "Territoire",
    "Département",
    "France",
    "Unité",
    "Source",
    "Millésime",
    "Remarque",
)


class PortraitError(Exception):
    """A portrait cannot be produced (missing font…); the French message says what to do."""


@dataclass(frozen=True)
class IndicatorRow:
    label: str
    unit: str
    decimals: int
    value: float | None
    department_value: float | None
    france_value: float | None
    source: str
    vintage: str
    note: str = ""
    # What each of the three columns shows (territory, department, France) when it is more
    # than the number: « secret statistique », « au moins 2 319 ménages (20 communes sous
    # secret) ». Empty: the numbers, formatted.
    texts: tuple[str, str, str] | tuple[()] = ()

    def text(self, value: float | None) -> str:
        return format_value(value, self.unit, self.decimals)

    def shown(self, column: int) -> str:
        """The text of column 0 (territory), 1 (department) or 2 (France)."""
        if self.texts:
            return self.texts[column]
        values = (self.value, self.department_value, self.france_value)
        return self.text(values[column])

    def cell(self, column: int) -> object:
        """A CSV or XLSX cell: the rounded number, or why there is none."""
        values = (self.value, self.department_value, self.france_value)
        number = self.rounded(values[column])
        return self.shown(column) if number is None and self.texts else number

    def remark(self) -> str:
        """The note, and which columns are sums over communes not all published."""
        partial = self.texts[0] if self.texts and self.texts[0].startswith("au moins") else ""
        return " ".join([self.note, f"Somme partielle : {partial}." if partial else ""]).strip()

    def rounded(self, value: float | None) -> float | None:
        return None if is_missing(value) else round(float(value), self.decimals)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SiteRow:
    name: str
    category: str
    address: str = ""
    contact: str = ""


@dataclass(frozen=True)
class MapShape:
    """One zone in lon/lat: polygons as lists of rings (the first ring of each is the outside)."""

    code: str
    label: str
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    highlight: bool = True


@dataclass(frozen=True)
class PortraitData:
    territory_name: str
    territory_level: str  # French label: "Commune", "Intercommunalité (EPCI)", …
    territory_code: str
    department_name: str
    indicators: tuple[IndicatorRow, ...] = ()
    sites: tuple[SiteRow, ...] = ()
    observations: tuple[Observation, ...] = ()
    shapes: tuple[MapShape, ...] = ()
    generated_on: date = field(default_factory=date.today)
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"Portrait de territoire : {self.territory_name}"

    @property
    def subtitle(self) -> str:
        return (
            f"{self.territory_level} (code {self.territory_code}) — {self.department_name} — "
            f"édité le {format_date(self.generated_on)}"
        )


# --- what every file writes ----------------------------------------------------------------


def table_rows(data: PortraitData) -> list[tuple[object, ...]]:
    """The key-indicator table with numbers (rounded as displayed) for CSV and XLSX."""
    return [
        (r.label, r.cell(0), r.cell(1), r.cell(2), r.unit, r.source, r.vintage, r.remark())
        for r in data.indicators
    ]


@dataclass(frozen=True)
class Footnotes:
    """The indicators' remarks, each written once: a row points to its remark by number."""

    marks: tuple[str, ...]  # per indicator row: « (1) » or ""
    notes: tuple[str, ...]  # « (1) Valeur publiée… », in order of first use


def footnotes(rows: tuple[IndicatorRow, ...]) -> Footnotes:
    """Why numbered remarks: twenty published values (medians, rates) share one caveat, and a
    document that repeats it on every row buries the figures under it."""
    numbers: dict[str, int] = {}
    marks = []
    for row in rows:
        if row.note and row.note not in numbers:
            numbers[row.note] = len(numbers) + 1
        marks.append(f"({numbers[row.note]})" if row.note else "")
    return Footnotes(tuple(marks), tuple(f"({n}) {note}" for note, n in numbers.items()))


def observation_line(obs: Observation, territory_name: str | None = None) -> str:
    """Heading of one observation in the documents (the text itself follows); the territory
    is named by ``territory_name`` when given, its code otherwise."""
    return (
        f"{obs.observed_on:%d/%m/%Y} — {obs.theme} — {obs.organisation} ({obs.author}), "
        f"{territory_name or obs.territory_code}"
    )
