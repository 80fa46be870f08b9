"""Everything that defines what is seen, as one plain value that a link can carry.

Why a frozen dataclass with its own validation: a shared link must reopen exactly the same view,
so the state is compared, hashed and round-tripped through the URL (decode(encode(v)) == v).
Validation lives in ``__post_init__`` so that no invalid state can exist; the URL codec in
``carto.viewstate.codec`` (which re-exports these classes) only has to say *why* a parameter was
dropped.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final, Literal, get_args

from carto.indicators.catalogue import DEFAULT_INDICATOR
from carto.map.classify import DEFAULT_CLASSES, DEFAULT_METHOD, MAX_CLASSES, METHODS, MIN_CLASSES
from carto.territories import levels
from carto.territories.size_classes import POPULATION_CLASS_IDS
from carto.territories.zones import DEFAULT_DEPARTMENT, FRANCE

Level = Literal["commune", "epci", "district", "departement", "iris"]
Reference = Literal["none", "departement", "region", "france"]
Layer = Literal["communes", "epci", "mairies", "sites", "districts", "observations", "presumes"]

LEVELS: Final[tuple[str, ...]] = get_args(Level)
REFERENCES: Final[tuple[str, ...]] = get_args(Reference)
CLASS_METHODS: Final[tuple[str, ...]] = tuple(METHODS)
LAYERS: Final[tuple[str, ...]] = get_args(Layer)

MAX_BOUNDS = MAX_CLASSES + 1  # MAX_CLASSES classes need at most MAX_CLASSES + 1 limits
MAX_ITEMS = 200  # list lengths (EPCI codes, districts, categories): a department has fewer
MAX_RANGE_FILTERS = 10
MAX_TEXT = 80  # names (districts, district sets, categories, vintages)
MIN_ZOOM, MAX_ZOOM = 1, 19
CENTRE_DECIMALS = 5  # ~1 m: more digits only lengthen links

_DEPARTMENT_RE = re.compile(rf"[0-9]{{2}}|2[AB]|97[1-8]|{FRANCE}")
_CODE_RE = re.compile(r"[0-9A-Za-z]{1,12}")  # commune, EPCI, department, region codes
_ID_RE = re.compile(r"[A-Za-z0-9_.\-]{1,120}")  # indicator and palette ids (imports: ~100)


class ViewStateError(ValueError):
    """An impossible view (the message is French and names the faulty setting)."""


def is_safe_text(text: object, max_len: int = MAX_TEXT) -> bool:
    """A name we can keep: 1..max_len printable characters, no outer spaces.

    Why: names come back from URLs and end up in widgets, titles and file names; control and
    invisible characters would make two different links look the same.
    """
    if not isinstance(text, str) or not 0 < len(text) <= max_len or text != text.strip():
        return False
    return all(unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn") for ch in text)


def is_identifier(text: object) -> bool:
    return isinstance(text, str) and bool(_ID_RE.fullmatch(text))


def is_code(text: object) -> bool:
    return isinstance(text, str) and bool(_CODE_RE.fullmatch(text))


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class RangeFilter:
    """Keep communes whose value of ``indicator`` is within [min, max] (None = open end)."""

    indicator: str
    min: float | None = None
    max: float | None = None

    def __post_init__(self) -> None:
        if not is_identifier(self.indicator):
            raise ViewStateError("Filtre : identifiant d'indicateur invalide.")
        if self.min is None and self.max is None:
            raise ViewStateError(f"Filtre sur « {self.indicator} » : aucune borne donnée.")
        for bound in (self.min, self.max):
            if bound is not None and not _finite(bound):
                raise ViewStateError(f"Filtre sur « {self.indicator} » : borne non numérique.")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ViewStateError(
                f"Filtre sur « {self.indicator} » : le minimum dépasse le maximum."
            )
        for name in ("min", "max"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))


def _canonical(items: tuple[str, ...], order: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Sets are stored sorted and without duplicates, so equal views give equal links."""
    unique = set(items)
    if order is not None:
        return tuple(x for x in order if x in unique)
    return tuple(sorted(unique))


@dataclass(frozen=True)
class Filters:
    """Communes kept on the map, in the table and in exports (AND across kinds, OR within)."""

    ranges: tuple[RangeFilter, ...] = ()
    epci: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    population_classes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        ranges, epci = tuple(self.ranges), tuple(self.epci)
        districts, classes = tuple(self.districts), tuple(self.population_classes)
        if len(ranges) > MAX_RANGE_FILTERS:
            raise ViewStateError(f"Au plus {MAX_RANGE_FILTERS} filtres sur des indicateurs.")
        if not all(isinstance(r, RangeFilter) for r in ranges):
            raise ViewStateError("Filtre sur indicateur mal formé.")
        if len(epci) > MAX_ITEMS or not all(is_code(c) for c in epci):
            raise ViewStateError("Filtre EPCI : code invalide.")
        if len(districts) > MAX_ITEMS or not all(is_safe_text(d) for d in districts):
            district = levels.level("district").noun
            raise ViewStateError(f"Filtre par {district} : nom de {district} invalide.")
        if not all(c in POPULATION_CLASS_IDS for c in classes):
            raise ViewStateError("Filtre par taille de commune : classe inconnue.")
        object.__setattr__(self, "ranges", ranges)
        object.__setattr__(self, "epci", _canonical(epci))
        object.__setattr__(self, "districts", _canonical(districts))
        object.__setattr__(self, "population_classes", _canonical(classes, POPULATION_CLASS_IDS))

    @property
    def is_active(self) -> bool:
        return bool(self.ranges or self.epci or self.districts or self.population_classes)


@dataclass(frozen=True)
class ViewState:
    """What one screen shows. Defaults are what a bare URL shows (version 2 of the links)."""

    department: str = DEFAULT_DEPARTMENT  # INSEE code, or FRANCE for France by department
    by_arrondissement: bool = False  # Paris, Lyon, Marseille by municipal arrondissement
    level: Level = "commune"
    indicator: str = DEFAULT_INDICATOR
    indicator2: str | None = None  # second map of the side-by-side mode
    vintage: str | None = None  # None = latest available
    vintage2: str | None = None  # side by side: same indicator at another vintage
    reference: Reference = "none"
    circles: str | None = None  # count indicator drawn as proportional circles
    class_method: str = DEFAULT_METHOD  # one of CLASS_METHODS
    n_classes: int = DEFAULT_CLASSES
    bounds: tuple[float, ...] = ()  # class limits of the "manuel" method, increasing
    palette: str | None = None  # None = the indicator's own palette
    filters: Filters = field(default_factory=Filters)
    layers: tuple[Layer, ...] = ("communes", "epci")
    site_categories: tuple[str, ...] | None = None  # None = all categories
    district_set: str | None = None
    selected: str | None = None  # code (or district name) of the selected territory
    centre: tuple[float, float] | None = None  # (lat, lon); None = fit the territory
    zoom: int | None = None
    meeting: bool = False
    side_by_side: bool = False
    tiles: bool = False

    def __post_init__(self) -> None:
        def fail(message: str) -> None:
            raise ViewStateError(message)

        for name in ("by_arrondissement", "meeting", "side_by_side", "tiles"):
            if not isinstance(getattr(self, name), bool):
                fail(f"Réglage « {name} » : oui ou non attendu.")
        if not (isinstance(self.department, str) and _DEPARTMENT_RE.fullmatch(self.department)):
            fail("Code de département invalide.")
        if self.level not in LEVELS:
            fail("Échelle inconnue.")
        if self.reference not in REFERENCES:
            fail("Territoire de comparaison inconnu.")
        if self.class_method not in CLASS_METHODS:
            fail("Méthode de classes inconnue.")
        for name in ("indicator", "indicator2", "palette", "circles"):
            value = getattr(self, name)
            if not (value is None and name != "indicator") and not is_identifier(value):
                fail(f"Identifiant invalide pour « {name} ».")
        for name in ("vintage", "vintage2", "district_set"):
            value = getattr(self, name)
            if value is not None and not is_safe_text(value):
                fail(f"Valeur invalide pour « {name} ».")
        if self.selected is not None and not is_safe_text(self.selected):
            fail("Territoire sélectionné invalide.")
        if (
            isinstance(self.n_classes, bool)
            or not isinstance(self.n_classes, int)
            or not MIN_CLASSES <= self.n_classes <= MAX_CLASSES
        ):
            fail(f"Le nombre de classes doit être compris entre {MIN_CLASSES} et {MAX_CLASSES}.")
        bounds = tuple(self.bounds)
        if len(bounds) > MAX_BOUNDS or not all(_finite(b) for b in bounds):
            fail(f"Bornes de classes : au plus {MAX_BOUNDS} nombres finis.")
        bounds = tuple(float(b) for b in bounds)
        if any(a >= b for a, b in pairwise(bounds)):
            fail("Bornes de classes : elles doivent être strictement croissantes.")
        if not isinstance(self.filters, Filters):
            fail("Filtres mal formés.")
        layers = tuple(self.layers)
        if not all(layer in LAYERS for layer in layers):
            fail("Couche inconnue.")
        categories = self.site_categories
        if categories is not None:
            categories = tuple(categories)
            if len(categories) > MAX_ITEMS or not all(is_safe_text(c) for c in categories):
                fail("Catégorie de sites invalide.")
            categories = _canonical(categories)
        centre = self.centre
        if centre is not None:
            if len(centre) != 2 or not all(_finite(x) for x in centre):
                fail("Centre de carte invalide.")
            lat, lon = (round(float(x), CENTRE_DECIMALS) for x in centre)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                fail("Centre de carte hors du globe.")
            centre = (lat, lon)
        if self.zoom is not None and (
            isinstance(self.zoom, bool)
            or not isinstance(self.zoom, int)
            or not MIN_ZOOM <= self.zoom <= MAX_ZOOM
        ):
            fail(f"Le zoom doit être compris entre {MIN_ZOOM} et {MAX_ZOOM}.")
        object.__setattr__(self, "bounds", bounds)
        object.__setattr__(self, "layers", _canonical(layers, LAYERS))
        object.__setattr__(self, "site_categories", categories)
        object.__setattr__(self, "centre", centre)

    @property
    def is_france(self) -> bool:
        return self.department == FRANCE
