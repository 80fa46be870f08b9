"""The guarded third-party hook (carto.ui.hooks): reached with the pinned version; refused,
logged once, and invisible in the output when a version or a private name changes. And the
live map's own memo of its layers (carto.ui.livemap), which needs no hook."""

from __future__ import annotations

import functools
import importlib
import json
import logging

import pytest
from streamlit.testing.v1 import AppTest

from carto.ui import hooks, livemap
from carto.ui.hooks import STYLER


@functools.cache
def corsica_parts():
    """One map panel and one French table, built once like the app's cached parts."""
    from carto.compose.keys import TerritoryKey, Token
    from carto.compose.layers import Overlays, layer_inputs
    from carto.compose.maps import PlainMap
    from carto.compose.table import shown_table
    from carto.ui import cache
    from carto.ui.mapview import MapPanel
    from carto.ui.table import StyledTable, french_styler

    key = TerritoryKey("2A", False, "commune", None, Token(), Token())
    view = cache.get_map(key, PlainMap("densite", "quantiles", 5, "YlOrRd"))
    terr = cache.get_territory(key)
    panel = MapPanel(view, layer_inputs(view, terr, Overlays()), "carte-test")
    catalogue = cache.get_catalogue(key.imports)
    shown = shown_table(cache.get_zone_table(key, None).frame, catalogue, ("population", "densite"))
    styled = StyledTable(french_styler(shown.frame, list(shown.indicators)), ())
    return panel, cache.get_shapes(key), styled


def map_app():
    from test_ui_hooks import corsica_parts

    from carto.ui.mapview import draw_map

    panel, shapes, _styled = corsica_parts()
    draw_map(panel, shapes, False, 500)


def table_app():
    import streamlit as st
    from test_ui_hooks import corsica_parts

    st.dataframe(corsica_parts()[2].styler)


def _map_args(at: AppTest) -> dict:
    (component,) = at.get("bidi_component")
    return json.loads(component.proto.json)


def _display_values(at: AppTest) -> bytes:
    return at.dataframe[0].proto.arrow_data.styler.display_values


@pytest.fixture
def spies(monkeypatch):
    """Count the calls that reach each package's own function."""
    calls = {STYLER: 0}
    for hook in calls:
        own = hooks.original(hook)

        def spy(*args, _own=own, _hook=hook, **kwargs):
            calls[_hook] += 1
            return _own(*args, **kwargs)

        monkeypatch.setitem(hooks._OWN, hook, spy)
    return calls


def _refuse_hooks(monkeypatch) -> None:
    """As with another version of each package: the packages keep their own functions."""
    monkeypatch.setattr(hooks, "installed_version", lambda _distribution: "0.0.0")
    assert hooks.install() == {STYLER: False}


def test_hooks_are_installed_with_the_pinned_versions() -> None:
    assert all(hooks.install().values())
    assert hooks.active(STYLER)
    arrow = importlib.import_module("streamlit.elements.arrow")
    assert arrow.marshall_styler is hooks._memoised_marshall_styler


def test_the_live_map_renders_its_base_and_layers_once_per_view(monkeypatch) -> None:
    livemap._LAYERS.clear()
    livemap.base_for.cache_clear()
    builds, build = [], livemap.build_layers

    def counted(inputs):
        builds.append(inputs)
        return build(inputs)

    monkeypatch.setattr(livemap, "build_layers", counted)
    at = AppTest.from_function(map_app).run(timeout=60)
    assert not at.exception
    first = _map_args(at)
    at.run(timeout=60)  # a rerun: the layers' script comes from the memo
    assert not at.exception
    assert len(builds) == 1
    again = _map_args(at)
    assert again["layers"] == first["layers"] and len(first["layers"]) > 10_000
    assert again["layers_digest"] == first["layers_digest"]
    assert again["base"] == first["base"]
    assert livemap.base_for.cache_info().misses == 1 and livemap.base_for.cache_info().hits >= 1


def test_the_table_hook_is_reached_and_formats_once(spies) -> None:
    hooks._STYLERS.clear()
    at = AppTest.from_function(table_app).run(timeout=60)
    first = _display_values(at)
    at.run(timeout=60)
    assert spies[STYLER] == 1
    assert _display_values(at) == first


def test_without_the_hook_the_table_is_the_same(monkeypatch) -> None:
    hooks._STYLERS.clear()
    hooked_table = AppTest.from_function(table_app).run(timeout=60)
    first_table = _display_values(hooked_table)
    memo_table = _display_values(hooked_table.run(timeout=60))  # served by the hook's memo
    _refuse_hooks(monkeypatch)
    try:
        plain_table = _display_values(AppTest.from_function(table_app).run(timeout=60))
    finally:
        monkeypatch.undo()
        assert all(hooks.install().values())
    assert plain_table == first_table == memo_table


def test_a_missing_or_changed_private_name_is_refused_and_logged_once(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger=hooks.__name__)
    hooks._LOGGED.clear()
    arrow = importlib.import_module("streamlit.elements.arrow")
    monkeypatch.delattr(arrow, "marshall_styler")
    assert hooks.install()[STYLER] is False
    assert hooks.install()[STYLER] is False
    missing = [r.getMessage() for r in caplog.records if "is missing" in r.getMessage()]
    assert len(missing) == 1 and "marshall_styler" in missing[0]
    monkeypatch.undo()

    arrow = importlib.import_module("streamlit.elements.arrow")
    own = hooks.original(STYLER)
    monkeypatch.setitem(hooks._OWN, STYLER, own)  # undone below: the real function again
    monkeypatch.setattr(arrow, "marshall_styler", lambda proto, styler: own(proto, styler, ""))
    assert hooks.install()[STYLER] is False
    assert any("takes ('proto', 'styler')" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    assert all(hooks.install().values())
    assert hooks.active(STYLER)
