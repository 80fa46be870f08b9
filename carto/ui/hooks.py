"""Every private name of a third-party package the atlas relies on, in one place, guarded.

Why a hook at all: a cost of a warm rerun is paid again although nothing changed. Memoising
it needs a private function of Streamlit:

- ``streamlit.elements.arrow.marshall_styler`` (Streamlit 1.67.0) formats every cell of a
  pandas Styler again on each rerun (about half of a warm rerun for one department). The
  French table's Styler is cached per view; its marshalled display values are kept.

(The map's layers, rendered to JavaScript once per view, need no hook: the atlas renders them
itself, ``carto.ui.livemap``.)

Each hook is installed only if the installed version is the one pinned in pyproject.toml and
the private function still exists with the expected parameters. Otherwise the package's own
function is left in place: the app draws the same table, only slower, and the reason is logged
once. ``ATLAS_HOOKS=off`` in the environment refuses them all (the benchmark starts the app
both ways to show what they buy).

Private too, but not hooked here: ``after_map.js`` reads Leaflet's ``map._loaded`` (Leaflet
1.9.4; without it the component answers after its timeout), and the tests' ``conftest.py``
scans Streamlit's component manifests once per session (test speed only).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from pandas.io.formats.style import Styler

log = logging.getLogger(__name__)
SWITCH = "ATLAS_HOOKS"  # environment variable: « off » installs no hook
MARK = "_atlas_memo"  # set on our wrappers and on the Stylers they may memoise


@dataclass(frozen=True)
class Hook:
    """One private function replaced by a memoising wrapper, and what it must look like."""

    distribution: str  # as pip names it
    version: str  # the pinned version the hook was written against
    module: str
    name: str
    parameters: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.module}.{self.name}"


STYLER = Hook(
    "streamlit", "1.67.0", "streamlit.elements.arrow", "marshall_styler",
    ("proto", "styler", "default_uuid"),
)  # fmt: skip

_OWN: dict[Hook, Callable[..., Any]] = {}  # each package's own function, as found
_ACTIVE: set[Hook] = set()
_LOGGED: set[tuple[Hook, str]] = set()
_LOCK = threading.Lock()


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def switched_off() -> bool:
    """``ATLAS_HOOKS=off`` leaves every package its own functions (the benchmark measures
    what the hooks buy by starting the app both ways)."""
    return os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "non", "no", "false")


def _refusal(hook: Hook, target: Any) -> str | None:
    """Why ``hook`` cannot wrap ``target``, the package's function (None: it can)."""
    if switched_off():
        return f"{SWITCH}=off"
    version = installed_version(hook.distribution)
    if version != hook.version:
        return f"{hook.distribution} {version} installed, hook written for {hook.version}"
    if not callable(target):
        return f"{hook.label} is missing"
    try:
        parameters = tuple(inspect.signature(target).parameters)
    except (TypeError, ValueError):
        parameters = ()
    if parameters != hook.parameters:
        return f"{hook.label} takes {parameters}, hook written for {hook.parameters}"
    return None


def _install_one(hook: Hook, wrapper: Callable[..., Any]) -> bool:
    try:
        module = importlib.import_module(hook.module)
    except ImportError:
        module = None
    current = getattr(module, hook.name, None)
    ours = getattr(current, MARK, False)
    if current is not None and not ours:
        _OWN[hook] = current
    reason = _refusal(hook, _OWN.get(hook) if ours else current)
    if reason is not None:
        if (hook, reason) not in _LOGGED:
            _LOGGED.add((hook, reason))
            log.warning("Hook %s not installed (%s): slower, same output.", hook.label, reason)
        if ours:  # give the package its function back
            setattr(module, hook.name, _OWN[hook])
        _ACTIVE.discard(hook)
        return False
    if not ours:
        setattr(module, hook.name, wrapper)
    _ACTIVE.add(hook)
    return True


def install() -> dict[Hook, bool]:
    """Install each hook whose guard passes (idempotent); say which ones are active."""
    with _LOCK:
        return {
            STYLER: _install_one(STYLER, _memoised_marshall_styler),
        }


def active(hook: Hook) -> bool:
    return hook in _ACTIVE


def original(hook: Hook) -> Callable[..., Any]:
    """The package's own function (the one each wrapper calls)."""
    return _OWN[hook]


# --- Streamlit: the French table's display values, marshalled once per Styler ------------------
_STYLERS: OrderedDict[int, tuple[Styler, bytes]] = OrderedDict()
_STYLERS_SIZE = 16


def memoisable(styler: Styler) -> Styler:
    """Mark a Styler that is cached (never changed): its marshalled values may be kept."""
    setattr(styler, MARK, True)
    return styler


def _memoised_marshall_styler(proto, styler, default_uuid) -> None:  # type: ignore[no-untyped-def]
    marshall = original(STYLER)
    if not getattr(styler, MARK, False):
        return marshall(proto, styler, default_uuid)
    key = id(styler)
    with _LOCK:
        hit = _STYLERS.get(key)
        if hit is not None and hit[0] is styler:
            _STYLERS.move_to_end(key)
            proto.MergeFromString(hit[1])
            return None
    marshall(proto, styler, default_uuid)
    with _LOCK:  # the entry keeps the Styler alive, so its id cannot be reused by another one
        _STYLERS[key] = (styler, proto.SerializeToString())
        while len(_STYLERS) > _STYLERS_SIZE:
            _STYLERS.popitem(last=False)
    return None


for _wrapper in (_memoised_marshall_styler,):
    setattr(_wrapper, MARK, True)
install()
