"""The view state in a link: short stable parameters, versioned, tolerant of any tampering.

Why these rules:
- defaults are left out, so links stay short; a ``v`` parameter records which defaults the link
  was written against, and ``MIGRATIONS`` rewrites an old link so it keeps its meaning when a
  default changes (see ``pin_defaults``);
- ``decode`` never raises: a partner's link that is stale (indicator removed, EPCI merged),
  truncated by a mail client or edited by hand still opens, and every ignored piece is listed in
  a French notice. Notices quote the offending text cleaned and shortened; the UI must still
  show them as plain text (``carto.ui.link.render_notices``), never as HTML or Markdown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from carto.filters import POPULATION_CLASS_IDS
from carto.viewstate_model import (
    CLASS_METHODS,
    FRANCE,
    LAYERS,
    LEVELS,
    REFERENCES,
    Filters,
    RangeFilter,
    ViewState,
    ViewStateError,
    is_code,
    is_identifier,
    is_safe_text,
)

__all__ = [
    "CURRENT_VERSION",
    "MIGRATIONS",
    "Filters",
    "Known",
    "RangeFilter",
    "ViewState",
    "ViewStateError",
    "decode",
    "encode",
    "from_query_string",
    "migrate",
    "pin_defaults",
    "to_query_string",
]

CURRENT_VERSION = 1
Params = dict[str, str]
Migration = Callable[[Params], Params]


def pin_defaults(old_defaults: Mapping[str, str]) -> Migration:
    """Migration step for a changed default: write the old default into links that omitted it."""

    def step(params: Params) -> Params:
        return {**old_defaults, **params}

    return step


# MIGRATIONS[n] turns the parameters of a version-n link into version n+1. When a default
# changes, bump CURRENT_VERSION and add e.g. ``1: pin_defaults({"k": "5"})``.
MIGRATIONS: dict[int, Migration] = {}

MAX_VALUE_LEN = 4000  # one parameter; longer values are dropped, not cut
MAX_QUERY_LEN = 20000  # whole query string
MAX_NOTICES = 12
IGNORED_KEYS = frozenset({"embed", "embed_options"})  # Streamlit's own parameters


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


class _Bad(Exception):
    """A parameter value that cannot be used; the message is the French reason."""


def _show(text: str, limit: int = 40) -> str:
    """Quote user text for a notice: control characters replaced, spaces folded, shortened."""
    cleaned = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[:limit] + "…"
    return f"« {cleaned} »"


# --- value codecs ------------------------------------------------------------------------
_FLOAT_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$")
_INT_RE = re.compile(r"^\d{1,3}$")
_BOOLS = {"1": True, "0": False, "true": True, "false": False, "oui": True, "non": False}


def _write_float(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _read_float(text: str) -> float:
    if not _FLOAT_RE.match(text):
        raise _Bad(f"nombre illisible {_show(text, 20)}")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Bad(f"nombre hors limites {_show(text, 20)}")
    return value


def _read_int(text: str) -> int:
    if not _INT_RE.match(text):
        raise _Bad("nombre entier attendu")
    return int(text)


def _read_bool(text: str) -> bool:
    try:
        return _BOOLS[text.lower()]
    except KeyError:
        raise _Bad("1 ou 0 attendu") from None


def _join(items: tuple[str, ...]) -> str:
    """Lists are comma-joined; a comma or % inside a name is percent-escaped first."""
    return ",".join(i.replace("%", "%25").replace(",", "%2C") for i in items)


def _split(text: str) -> list[str]:
    return [unquote(i) for i in text.split(",")] if text else []


def _choice(options: tuple[str, ...]) -> Callable[[str, Known, list[str]], str]:
    def read(text: str, known: Known, notes: list[str]) -> str:
        if text not in options:
            raise _Bad(f"valeur inconnue {_show(text)} (attendu : {', '.join(options)})")
        return text

    return read


def _member(attr: str, what: str, check: Callable[[str], bool], optional: bool = False):
    """Reader for one name checked against ``known.<attr>`` (None = not checked)."""

    def read(text: str, known: Known, notes: list[str]) -> str | None:
        if optional and text == "":
            return None
        allowed = getattr(known, attr)
        if not check(text) or (allowed is not None and text not in allowed):
            raise _Bad(f"{what} inconnu {_show(text)}")
        return text

    return read


def _members(attr: str | None, what: str, check: Callable[[str], bool], order=None):
    """Reader for a list: unknown items are dropped one by one, the rest is kept."""

    def read(text: str, known: Known, notes: list[str]) -> tuple[str, ...]:
        items = _split(text)
        if len(items) > 200:
            raise _Bad(f"liste trop longue ({len(items)} éléments)")
        allowed = getattr(known, attr) if attr else None
        kept = [i for i in items if check(i) and (allowed is None or i in allowed)]
        dropped = [i for i in items if i not in kept]
        if dropped:
            shown = ", ".join(_show(d, 20) for d in dropped[:5])
            more = f" et {len(dropped) - 5} autres" if len(dropped) > 5 else ""
            notes.append(f"{what} : {shown}{more}.")
        return tuple(kept)

    return read


def _read_department(text: str, known: Known, notes: list[str]) -> str:
    if text != FRANCE and text not in known.departments:
        raise _Bad(f"département inconnu {_show(text)}")
    return text


def _read_indicator(text: str, known: Known, notes: list[str]) -> str | None:
    if text not in known.indicators:
        raise _Bad(f"indicateur inconnu ou retiré {_show(text)}")
    return text


def _read_optional_indicator(text: str, known: Known, notes: list[str]) -> str | None:
    return None if text == "" else _read_indicator(text, known, notes)


def _read_ranges(text: str, known: Known, notes: list[str]) -> tuple[RangeFilter, ...]:
    kept: list[RangeFilter] = []
    for item in text.split(",") if text else []:
        try:
            ind, low, high = item.split(":")
            if ind not in known.indicators:
                raise _Bad(f"indicateur inconnu {_show(ind, 20)}")
            rng = RangeFilter(
                ind, _read_float(low) if low else None, _read_float(high) if high else None
            )
            kept.append(rng)
        except (_Bad, ViewStateError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, _Bad | ViewStateError) else "forme ind:min:max"
            reason = reason.rstrip(".")
            notes.append(f"Filtre ignoré {_show(item)} : {reason}.")
    if len(kept) > 10:
        raise _Bad(f"trop de filtres ({len(kept)})")
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
        raise _Bad("« latitude,longitude » attendu")
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
            raise _Bad(f"{what} illisible {_show(text)}")
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


_PARAMS: tuple[_Param, ...] = (
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
    _Param("fdist", "filters.districts", "Filtre secteurs",
           _members("districts", "Secteurs inconnus ignorés", is_safe_text), _join),
    _Param("fpop", "filters.population_classes", "Filtre taille de commune",
           _members(None, "Classes de population inconnues ignorées",
                    lambda c: c in POPULATION_CLASS_IDS), _join),
    _Param("lay", "layers", "Couches",
           _members(None, "Couches inconnues ignorées", lambda c: c in LAYERS), _join),
    _Param("cat", "site_categories", "Catégories de sites", _read_categories,
           lambda c: "*" if c is None else _join(c)),
    _Param("dset", "district_set", "Découpage en secteurs",
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
PARAM_KEYS: tuple[str, ...] = ("v", *(p.key for p in _PARAMS))


def _get(state: ViewState, path: str) -> Any:
    if path.startswith("filters."):
        return getattr(state.filters, path.split(".", 1)[1])
    return getattr(state, path)


def _set(state: ViewState, path: str, value: Any) -> ViewState:
    if path.startswith("filters."):
        name = path.split(".", 1)[1]
        return replace(state, filters=replace(state.filters, **{name: value}))
    return replace(state, **{path: value})


# --- public API ----------------------------------------------------------------------------
def encode(
    state: ViewState, *, default: ViewState | None = None, version: int = CURRENT_VERSION
) -> dict[str, str]:
    """URL parameters of ``state``: only what differs from the default, plus ``v``."""
    default = default or ViewState()
    out = {"v": str(version)}
    for param in _PARAMS:
        value = _get(state, param.field)
        if value != _get(default, param.field):
            out[param.key] = param.write(value)
    return out


def to_query_string(state: ViewState, **kwargs: Any) -> str:
    """``v=1&dep=57&ind=pauvrete&f=pauvrete:20:`` (no leading "?")."""
    return urlencode(list(encode(state, **kwargs).items()), quote_via=quote, safe=",:*")


def migrate(
    params: Params,
    from_version: int,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    current: int = CURRENT_VERSION,
) -> Params:
    """Rewrite the parameters of an old link, one version step at a time."""
    for version in range(from_version, current):
        step = migrations.get(version)
        if step is not None:
            params = step(dict(params))
    return params


def _single_values(params: Mapping[str, Any], notes: list[str]) -> Params:
    flat: Params = {}
    for key, value in params.items():
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not values:
            continue
        if len(values) > 1:
            notes.append(
                f"Le paramètre {_show(str(key), 20)} apparaît {len(values)} fois : "
                "seule la dernière valeur est retenue."
            )
        flat[str(key)] = str(values[-1])
    return flat


def _version(flat: Params, notes: list[str], current: int) -> int:
    raw = flat.pop("v", None)
    if raw is None:
        return current
    if not re.fullmatch(r"\d{1,4}", raw) or int(raw) < 1:
        notes.append(f"Version du lien illisible {_show(raw, 20)} : lue comme la version actuelle.")
        return current
    if int(raw) > current:
        notes.append(
            f"Ce lien vient d'une version plus récente de l'atlas (version {int(raw)}) : "
            "certains réglages peuvent ne pas être repris."
        )
        return current
    return int(raw)


def decode(
    params: Mapping[str, str | list[str]],
    known: Known,
    *,
    default: ViewState | None = None,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    version: int = CURRENT_VERSION,
) -> tuple[ViewState, list[str]]:
    """The view a link describes, and French notices for whatever was ignored. Never raises.

    ``params`` may hold lists (repeated keys): the last value wins, with a notice.
    """
    default = default or ViewState()
    notes: list[str] = []
    flat = _single_values(params, notes)
    flat = migrate(flat, _version(flat, notes, version), migrations, version)
    state = default
    for param in _PARAMS:
        raw = flat.pop(param.key, None)
        if raw is None:
            continue
        if len(raw) > MAX_VALUE_LEN:
            notes.append(f"{param.label} : valeur trop longue ({len(raw)} caractères), ignorée.")
            continue
        try:
            state = _set(state, param.field, param.read(raw, known, notes))
        except (_Bad, ViewStateError) as exc:
            notes.append(f"{param.label} : {str(exc).rstrip('.')} ; réglage par défaut conservé.")
    unknown = [k for k in flat if k not in IGNORED_KEYS and k not in known.extra_keys]
    if unknown:
        shown = ", ".join(_show(k, 20) for k in unknown[:5])
        more = f" et {len(unknown) - 5} autres" if len(unknown) > 5 else ""
        notes.insert(0, f"Paramètres inconnus ignorés : {shown}{more}.")
    if len(notes) > MAX_NOTICES:
        extra = len(notes) - (MAX_NOTICES - 1)
        notes = [*notes[: MAX_NOTICES - 1], f"… et {extra} autres remarques."]
    return state, notes


def from_query_string(qs: str, known: Known, **kwargs: Any) -> tuple[ViewState, list[str]]:
    """Like ``decode`` for a raw query string (``?`` optional, percent-encoding allowed)."""
    notes: list[str] = []
    qs = qs[1:] if qs.startswith("?") else qs
    if len(qs) > MAX_QUERY_LEN:
        notes.append(f"Lien trop long ({len(qs)} caractères) : la fin est ignorée.")
        qs = qs[:MAX_QUERY_LEN].rsplit("&", 1)[0]
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(qs, keep_blank_values=True, errors="replace"):
        grouped.setdefault(key, []).append(value)
    state, more = decode(grouped, known, **kwargs)
    return state, (notes + more)[:MAX_NOTICES]
