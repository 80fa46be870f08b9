"""The URL parameters of a view, one row each: key, field, French label, reader, writer.

Why a table: encode and decode walk the same rows, so a new setting is one line here and cannot
be forgotten on one side. Readers raise ``BadValue`` with the French reason, or note the items
they dropped from a list; they never trust the text (it comes from anyone's link).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

from carto.common.fmt import format_number
from carto.territories import levels
from carto.territories.size_classes import POPULATION_CLASS_IDS
from carto.territories.zones import FRANCE
from carto.viewstate.model import (
    CLASS_METHODS,
    LAYERS,
    LEVELS,
    MAX_ITEMS,
    MAX_RANGE_FILTERS,
    REFERENCES,
    RangeFilter,
    ViewState,
    ViewStateError,
    is_code,
    is_identifier,
    is_safe_text,
)

DISTRICT = levels.level("district")


@dataclass(frozen=True)
class Known:
    """What exists in this app, so stale values are dropped. None = not checked here."""

    departments: frozenset[str]
    indicators: frozenset[str]
    palettes: frozenset[str]
    vintages: frozenset[str] | None = None
    epci: frozenset[str] | None = None
    districts: frozenset[str] | None = None
    district_sets: frozenset[str] | None = None
    site_categories: frozenset[str] | None = None
    extra_keys: frozenset[str] = frozenset()  # other parameters the app owns (silently kept)


class BadValue(Exception):
    """A parameter value that cannot be used; the message is the French reason."""


def show(text: str, limit: int = 40) -> str:
    """Quote user text for a notice: control characters replaced, spaces folded, shortened."""
    cleaned = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[:limit] + "…"
    return f"« {cleaned} »"


# --- value codecs ------------------------------------------------------------------------
_FLOAT_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)
_INT_RE = re.compile(r"\d{1,3}", re.ASCII)
_BOOLS = {"1": True, "0": False, "true": True, "false": False, "oui": True, "non": False}


def _write_float(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _read_float(text: str) -> float:
    if not _FLOAT_RE.fullmatch(text):
        raise BadValue(f"nombre illisible {show(text, 20)}")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadValue(f"nombre hors limites {show(text, 20)}")
    return value


def _read_int(text: str) -> int:
    if not _INT_RE.fullmatch(text):
        raise BadValue("nombre entier attendu")
    return int(text)


def _read_bool(text: str) -> bool:
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise BadValue("1 ou 0 attendu") from None


def _join(items: tuple[str, ...]) -> str:
    """Lists are comma-joined; a comma or % inside a name is percent-escaped first."""
    return ",".join(i.replace("%", "%25").replace(",", "%2C") for i in items)


def _split(text: str) -> list[str]:
    return [unquote(i) for i in text.split(",")] if text else []


def _choice(options: tuple[str, ...]) -> Callable[[str, Known, list[str]], str]:
    def read(text: str, known: Known, notes: list[str]) -> str:
        if text not in options:
            raise BadValue(f"valeur inconnue {show(text)} (attendu : {', '.join(options)})")
        return text

    return read


def _member(attr: str, what: str, check: Callable[[str], bool], optional: bool = False):
    """Reader for one name checked against ``known.<attr>`` (None = not checked)."""

    def read(text: str, known: Known, notes: list[str]) -> str | None:
        if optional and text == "":
            return None
        allowed = getattr(known, attr)
        if not check(text) or (allowed is not None and text not in allowed):
            raise BadValue(f"{what} inconnu {show(text)}")
        return text

    return read


def _members(attr: str | None, what: str, check: Callable[[str], bool]):
    """Reader for a list: unknown items are dropped one by one, the rest is kept."""

    def read(text: str, known: Known, notes: list[str]) -> tuple[str, ...]:
        items = _split(text)
        if len(items) > MAX_ITEMS:
            raise BadValue(f"liste trop longue ({format_number(len(items))} éléments)")
        allowed = getattr(known, attr) if attr else None
        kept = [i for i in items if check(i) and (allowed is None or i in allowed)]
        dropped = [i for i in items if i not in kept]
        if dropped:
            shown = ", ".join(show(d, 20) for d in dropped[:5])
            more = f" et {len(dropped) - 5} autres" if len(dropped) > 5 else ""
            notes.append(f"{what} : {shown}{more}.")
        return tuple(kept)

    return read


def _read_department(text: str, known: Known, notes: list[str]) -> str:
    if text != FRANCE and text not in known.departments:
        raise BadValue(f"département inconnu {show(text)}")
    return text


def _read_indicator(text: str, known: Known, notes: list[str]) -> str | None:
    if text not in known.indicators:
        raise BadValue(f"indicateur inconnu ou retiré {show(text)}")
    return text


def _read_optional_indicator(text: str, known: Known, notes: list[str]) -> str | None:
    return None if text == "" else _read_indicator(text, known, notes)


def _read_ranges(text: str, known: Known, notes: list[str]) -> tuple[RangeFilter, ...]:
    kept: list[RangeFilter] = []
    for item in text.split(",") if text else []:
        try:
            ind, low, high = item.split(":")
            if ind not in known.indicators:
                raise BadValue(f"indicateur inconnu {show(ind, 20)}")
            rng = RangeFilter(
                ind, _read_float(low) if low else None, _read_float(high) if high else None
            )
            kept.append(rng)
        except (BadValue, ViewStateError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, BadValue | ViewStateError) else "forme ind:min:max"
            reason = reason.rstrip(".")
            notes.append(f"Filtre ignoré {show(item)} : {reason}.")
    if len(kept) > MAX_RANGE_FILTERS:
        raise BadValue(f"trop de filtres ({len(kept)})")
    return tuple(kept)


def _read_bounds(text: str, known: Known, notes: list[str]) -> tuple[float, ...]:
    return tuple(_read_float(t) for t in _split(text))


def _read_categories(text: str, known: Known, notes: list[str]) -> tuple[str, ...] | None:
    if text == "*":
        return None
    return _members("site_categories", "Catégories de sites inconnues ignorées", is_safe_text)(
        text, known, notes
    )


def _read_centre(text: str, known: Known, notes: list[str]) -> tuple[float, float] | None:
    if text == "":
        return None
    parts = text.split(",")
    if len(parts) != 2:
        raise BadValue("« latitude,longitude » attendu")
    return (_read_float(parts[0]), _read_float(parts[1]))


def _read_zoom(text: str, known: Known, notes: list[str]) -> int | None:
    return None if text == "" else _read_int(text)


def _read_text(attr: str | None, what: str):
    return _member(attr, what, is_safe_text, optional=True) if attr else _free_text(what)


def _free_text(what: str):
    def read(text: str, known: Known, notes: list[str]) -> str | None:
        if text == "":
            return None
        if not is_safe_text(text):
            raise BadValue(f"{what} illisible {show(text)}")
        return text

    return read


def _opt(write: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda value: "" if value is None else write(value)


@dataclass(frozen=True)
class _Param:
    key: str
    field: str  # ViewState attribute, or "filters.<attribute>"
    label: str  # French name of the setting, for notices
    read: Callable[[str, Known, list[str]], Any]
    write: Callable[[Any], str] = str


PARAMS: tuple[_Param, ...] = (
    _Param("dep", "department", "Département", _read_department),
    _Param("arr", "by_arrondissement", "Arrondissements", lambda t, k, n: _read_bool(t),
           lambda b: "1" if b else "0"),
    _Param("lvl", "level", "Échelle", _choice(LEVELS)),
    _Param("ind", "indicator", "Indicateur", _read_indicator),
    _Param("ind2", "indicator2", "Second indicateur", _read_optional_indicator, _opt(str)),
    _Param("vin", "vintage", "Millésime", _read_text("vintages", "Millésime"), _opt(str)),
    _Param("vin2", "vintage2", "Second millésime", _read_text("vintages", "Millésime"),
           _opt(str)),
    _Param("ref", "reference", "Comparaison", _choice(REFERENCES)),
    _Param("circ", "circles", "Cercles proportionnels", _read_optional_indicator, _opt(str)),
    _Param("cls", "class_method", "Méthode de classes", _choice(CLASS_METHODS)),
    _Param("k", "n_classes", "Nombre de classes", lambda t, k, n: _read_int(t)),
    _Param("bounds", "bounds", "Bornes de classes", _read_bounds,
           lambda b: ",".join(_write_float(x) for x in b)),
    _Param("pal", "palette", "Palette", _member("palettes", "palette", is_identifier, True),
           _opt(str)),
    _Param("f", "filters.ranges", "Filtres sur indicateurs", _read_ranges,
           lambda rs: ",".join(
               f"{r.indicator}:{_opt(_write_float)(r.min)}:{_opt(_write_float)(r.max)}"
               for r in rs)),
    _Param("fepci", "filters.epci", "Filtre EPCI",
           _members("epci", "EPCI inconnus ignorés", is_code), _join),
    _Param("fdist", "filters.districts", f"Filtre {DISTRICT.plural}",
           _members("districts", f"{DISTRICT.plural.capitalize()} inconnus ignorés",
                    is_safe_text), _join),
    _Param("fpop", "filters.population_classes", "Filtre taille de commune",
           _members(None, "Classes de population inconnues ignorées",
                    lambda c: c in POPULATION_CLASS_IDS), _join),
    _Param("lay", "layers", "Couches",
           _members(None, "Couches inconnues ignorées", lambda c: c in LAYERS), _join),
    _Param("cat", "site_categories", "Catégories de sites", _read_categories,
           lambda c: "*" if c is None else _join(c)),
    _Param("dset", "district_set", f"Découpage en {DISTRICT.plural}",
           _read_text("district_sets", "Découpage"), _opt(str)),
    _Param("sel", "selected", "Territoire sélectionné", _read_text(None, "Territoire"),
           _opt(str)),
    _Param("c", "centre", "Centre de la carte", _read_centre,
           _opt(lambda c: f"{_write_float(c[0])},{_write_float(c[1])}")),
    _Param("z", "zoom", "Zoom", _read_zoom, _opt(str)),
    _Param("meet", "meeting", "Mode réunion", lambda t, k, n: _read_bool(t),
           lambda b: "1" if b else "0"),
    _Param("sbs", "side_by_side", "Côte à côte", lambda t, k, n: _read_bool(t),
           lambda b: "1" if b else "0"),
    _Param("tiles", "tiles", "Fond de carte", lambda t, k, n: _read_bool(t),
           lambda b: "1" if b else "0"),
)  # fmt: skip


def get_field(state: ViewState, path: str) -> Any:
    if path.startswith("filters."):
        return getattr(state.filters, path.split(".", 1)[1])
    return getattr(state, path)


def set_field(state: ViewState, path: str, value: Any) -> ViewState:
    if path.startswith("filters."):
        name = path.split(".", 1)[1]
        return replace(state, filters=replace(state.filters, **{name: value}))
    return replace(state, **{path: value})
