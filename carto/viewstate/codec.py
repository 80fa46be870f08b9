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
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from carto.common.fmt import format_number
from carto.viewstate.model import (
    CLASS_METHODS,
    LAYERS,
    LEVELS,
    REFERENCES,
    Filters,
    RangeFilter,
    ViewState,
    ViewStateError,
)
from carto.viewstate.params import PARAMS, BadValue, Known, get_field, set_field, show

__all__ = [
    "CLASS_METHODS",
    "CURRENT_VERSION",
    "LAYERS",
    "LEVELS",
    "MIGRATIONS",
    "PARAM_KEYS",
    "REFERENCES",
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

CURRENT_VERSION = 2
Params = dict[str, str]
Migration = Callable[[Params], Params]


def pin_defaults(old_defaults: Mapping[str, str]) -> Migration:
    """Migration step for a changed default: write the old default into links that omitted it."""

    def step(params: Params) -> Params:
        return {**old_defaults, **params}

    return step


# MIGRATIONS[n] turns the parameters of a version-n link into version n+1. When a default
# changes, bump CURRENT_VERSION and add e.g. ``1: pin_defaults({"k": "5"})``.
MIGRATIONS: dict[int, Migration] = {
    # Version 2 opens on the median standard of living (national indicators in data/); a
    # version-1 link without ``ind`` was written when the default was the population density.
    1: pin_defaults({"ind": "densite"}),
}

MAX_VALUE_LEN = 4000  # one parameter; longer values are dropped, not cut
MAX_QUERY_LEN = 20000  # whole query string
MAX_NOTICES = 12
IGNORED_KEYS = frozenset({"embed", "embed_options"})  # Streamlit's own parameters
PARAM_KEYS: tuple[str, ...] = ("v", *(p.key for p in PARAMS))


# --- public API ----------------------------------------------------------------------------
def encode(
    state: ViewState, *, default: ViewState | None = None, version: int = CURRENT_VERSION
) -> dict[str, str]:
    """URL parameters of ``state``: only what differs from the default, plus ``v``."""
    default = default or ViewState()
    out = {"v": str(version)}
    for param in PARAMS:
        value = get_field(state, param.field)
        if value != get_field(default, param.field):
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
                f"Le paramètre {show(str(key), 20)} apparaît {len(values)} fois : "
                "seule la dernière valeur est retenue."
            )
        flat[str(key)] = str(values[-1])
    return flat


def _version(flat: Params, notes: list[str], current: int) -> int:
    raw = flat.pop("v", None)
    if raw is None:
        return current
    if not re.fullmatch(r"[0-9]{1,4}", raw) or int(raw) < 1:
        notes.append(f"Version du lien illisible {show(raw, 20)} : lue comme la version actuelle.")
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
    for param in PARAMS:
        raw = flat.pop(param.key, None)
        if raw is None:
            continue
        if len(raw) > MAX_VALUE_LEN:
            size = format_number(len(raw))
            notes.append(f"{param.label} : valeur trop longue ({size} caractères), ignorée.")
            continue
        try:
            state = set_field(state, param.field, param.read(raw, known, notes))
        except (BadValue, ViewStateError) as exc:
            notes.append(f"{param.label} : {str(exc).rstrip('.')} ; réglage par défaut conservé.")
    unknown = [k for k in flat if k not in IGNORED_KEYS and k not in known.extra_keys]
    if unknown:
        shown = ", ".join(show(k, 20) for k in unknown[:5])
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
        notes.append(f"Lien trop long ({format_number(len(qs))} caractères) : la fin est ignorée.")
        qs = qs[:MAX_QUERY_LEN].rsplit("&", 1)[0]
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(qs, keep_blank_values=True, errors="replace"):
        grouped.setdefault(key, []).append(value)
    state, more = decode(grouped, known, **kwargs)
    return state, (notes + more)[:MAX_NOTICES]
