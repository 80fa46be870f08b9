"""What the sidebar can offer for the territory of this rerun, and what a link may name.

Why here and not in the widgets: which levels, references, EPCI, indicators and site categories
make sense for a department is a rule of the atlas (France has no EPCI level, the district
level needs a stored set, the IRIS level stored contours); the sidebar only draws the choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carto.common.fmt import format_number
from carto.compose.scope import Scope
from carto.compose.sources import Sources
from carto.indicators.catalogue import Catalogue, Indicator, Kind
from carto.indicators.cells import published_counts
from carto.map.classify import PALETTES
from carto.sites.categories import CATEGORIES
from carto.territories import levels
from carto.territories.bundle import Bundle
from carto.territories.zones import FRANCE
from carto.viewstate.codec import REFERENCES, Known

SITE_CATEGORIES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)


@dataclass(frozen=True)
class Offer:
    """What the sidebar offers: indicators the zones have, district sets, their districts."""

    indicators: tuple[Indicator, ...]
    district_sets: tuple[str, ...]
    district_names: tuple[str, ...] | None
    iris_available: bool
    published: tuple[tuple[str, int], ...] = ()  # indicator id → zones with a value
    zone_level: str = "commune"  # the level of the zones counted
    zone_total: int = 0

    @property
    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    def option_label(self, indicator: Indicator) -> str:
        """« Niveau de vie médian 2021 · Revenus et pauvreté · publié pour 542 communes sur
        591 »: the theme is searchable as the user types, the count says what to expect."""
        count = dict(self.published).get(indicator.id)
        parts = [indicator.display_label, indicator.theme]
        if count is not None:
            parts.append(self.publication(count))
        return " · ".join(parts)

    def publication(self, count: int) -> str:
        words = levels.level(self.zone_level)
        total = self.zone_total
        if total and count == total:
            return f"publié pour {'la' if total == 1 else 'les'} {words.count(total)}"
        if not count:
            none = "aucune" if words.feminine else "aucun"
            return f"publié pour {none} {words.noun} sur {format_number(total)}"
        return f"publié pour {words.count(count)} sur {format_number(total)}"

    @property
    def count_ids(self) -> list[str]:
        """Counts only: proportional circles of a rate would mean nothing."""
        return [i.id for i in self.indicators if i.kind is Kind.COUNT]

    def levels(self, department: str) -> list[str]:
        """Levels of a department: EPCI always, districts with a stored set, IRIS with contours."""
        if department == FRANCE:
            return ["departement"]
        levels = ["commune", "epci"] + (["district"] if self.district_sets else [])
        return levels + (["iris"] if self.iris_available else [])


def offer(scope: Scope, src: Sources) -> Offer:
    zones = src.territory(scope.iris) if scope.iris_level else src.commune_territory(scope.communes)
    names = None
    if scope.district_set:
        names = src.district_set(scope.department, scope.district_set, scope.districts).districts
    indicators = src.catalogue(scope.imports).available(zones.measures)
    return Offer(
        indicators=tuple(indicators),
        district_sets=scope.district_sets,
        district_names=tuple(names) if names is not None else None,
        iris_available=scope.iris_available,
        published=tuple(published_counts(indicators, zones).items()),
        zone_level=zones.level,
        zone_total=len(zones.measures),
    )


def references(department: str) -> list[str]:
    """France compares only with itself; a department with itself, its region or France."""
    return ["none", "france"] if department == FRANCE else list(REFERENCES)


def epci_choices(bundle: Bundle, department: str) -> dict[str, str] | None:
    """EPCI with communes in the department, code → name, by name; France has none (None)."""
    if department == FRANCE:
        return None
    com = bundle.department(department).communes
    present = com.loc[com["EPCI"].notna(), "EPCI"].unique()
    names = bundle.epci.set_index("EPCI")["LIBEPCI"]
    return {code: names.get(code, code) for code in sorted(present, key=lambda c: names.get(c, c))}


def chosen_categories(chosen: Sequence[str]) -> tuple[str, ...] | None:
    """The site categories shown; all of them is written ``None`` (shorter links)."""
    return None if set(chosen) == set(SITE_CATEGORIES) else tuple(chosen)


def known_values(bundle: Bundle, catalogue: Catalogue) -> Known:
    """What a link may name: departments, indicators, palettes, site categories."""
    return Known(
        departments=frozenset([FRANCE, *bundle.department_codes]),
        indicators=frozenset(catalogue.ids()),
        palettes=frozenset(PALETTES),
        site_categories=frozenset(SITE_CATEGORIES),
    )
