"""The keys a view is cached under: frozen, hashable, and read by name, never by position.

Why typed keys: the same key crosses the script, the caches and the panels on every rerun. A
positional tuple (``key[4]`` for the imports, ``key[6]`` for the coverage) breaks silently the
day a field is added; a dataclass fails loudly and documents each field where it is read.

Stored user data (imports, site lists, district sets, IRIS contours) enters a key through a
``Token``: the names and modification times of its files. A new import changes the token, so it
is seen at once; nothing is recomputed otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from carto.common.paths import user_data_dir
from carto.indicators.sources.store import imports_dir


@dataclass(frozen=True)
class Token:
    """Names and modification times (ns) of the files of one or more user-data folders."""

    files: tuple[tuple[str, int], ...] = ()

    def __add__(self, other: Token) -> Token:
        return Token(self.files + other.files)


def folder_token(*parts: str) -> Token:
    """The token of ``user_data_dir()/parts``; empty when the folder does not exist."""
    folder = user_data_dir().joinpath(*parts)
    if not folder.is_dir():
        return Token()
    return Token(tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.rglob("*")
                              if p.is_file())))  # fmt: skip


def imports_token() -> Token:
    """Changes with every stored import (indicators) and with the IRIS contours."""
    imports_dir()
    return folder_token("imports") + folder_token("iris")


def sites_token() -> Token:
    """Changes with every stored site list."""
    return folder_token("sites")


def districts_token(department: str) -> Token:
    """Changes with every stored district set of ``department``."""
    return folder_token("districts", department)


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
