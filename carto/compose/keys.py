"""The keys a view is cached under: frozen, hashable, and read by name, never by position.

Why typed keys: the same key crosses the script, the caches and the panels on every rerun. A
positional tuple (``key[4]`` for the imports, ``key[6]`` for the coverage) breaks silently the
day a field is added; a dataclass fails loudly and documents each field where it is read.

Stored user data (imports, site lists, district sets, IRIS contours) enters a key through a
``Token``: the revisions of the kinds of documents it was built from
(``carto.common.backends``). A save, through this server or any other sharing the database,
changes the token, so it is seen at the next rerun; nothing is recomputed otherwise.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace

from carto.common.backends import revision
from carto.districts.storage import kind as district_kind
from carto.indicators.sources.store import KIND as IMPORTS_KIND
from carto.sites.storage import KIND as SITES_KIND
from carto.territories.iris import KIND as IRIS_KIND


@dataclass(frozen=True)
class Token:
    """The revisions of one or more kinds of stored documents (kinds never written: none)."""

    parts: tuple[tuple[str, Hashable], ...] = ()

    def __add__(self, other: Token) -> Token:
        return Token(self.parts + other.parts)


def kinds_token(*kinds: str) -> Token:
    """The token of ``kinds``, from this rerun's revisions (``carto.common.backends``)."""
    return Token(tuple((kind, found) for kind in kinds if (found := revision(kind))))


def imports_token() -> Token:
    """Changes with every stored import (indicators) and with the IRIS contours."""
    return kinds_token(IMPORTS_KIND, IRIS_KIND)


def sites_token() -> Token:
    """Changes with every stored site list."""
    return kinds_token(SITES_KIND)


def districts_token(department: str) -> Token:
    """Changes with every stored district set of ``department``."""
    return kinds_token(district_kind(department))


@dataclass(frozen=True)
class Coverage:
    """The distance from each town hall to the nearest site is added to the measures.

    ``categories``: the site categories counted (``None``: all of them); ``sites``: the token
    of the stored site lists.
    """

    categories: tuple[str, ...] | None
    sites: Token


@dataclass(frozen=True)
class CommuneKey:
    """A department by commune (or by arrondissement), or France by department."""

    department: str
    by_arrondissement: bool
    imports: Token
    coverage: Coverage | None = None


@dataclass(frozen=True)
class TerritoryKey:
    """The zones one map draws: a department's communes, EPCI, districts or IRIS.

    ``level`` is the level actually drawn (a district level without a set draws communes);
    ``district_set`` the set shown (its zones at the district level, its outlines as a layer).
    """

    department: str
    by_arrondissement: bool
    level: str
    district_set: str | None
    imports: Token
    districts: Token
    coverage: Coverage | None = None

    @property
    def communes(self) -> CommuneKey:
        """The communes the zones are made of, with the same measures."""
        return CommuneKey(self.department, self.by_arrondissement, self.imports, self.coverage)

    @property
    def department_communes(self) -> CommuneKey:
        """The department's communes, never by arrondissement (panels, portraits, coverage)."""
        return CommuneKey(self.department, False, self.imports, self.coverage)

    @property
    def geometry(self) -> TerritoryKey:
        """The same zones without the coverage: outlines do not depend on the site filters."""
        return replace(self, coverage=None)
