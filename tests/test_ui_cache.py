"""The app's caches (carto.ui.cache): what each part is cached under."""

from __future__ import annotations

import gc
from dataclasses import replace

from sites_fixtures import save_town_hall_sites

from carto.compose import territory
from carto.compose.keys import Coverage, TerritoryKey, Token
from carto.sites.coverage import DISTANCE_COLUMN
from carto.ui import cache

CORSICA = TerritoryKey("2A", False, "commune", None, Token(), Token())


def test_a_site_filter_never_rebuilds_the_outlines(monkeypatch) -> None:
    built: list[TerritoryKey] = []
    original = territory.zone_shapes

    def counting(key, src):
        built.append(key)
        return original(key, src)

    monkeypatch.setattr(territory, "zone_shapes", counting)
    cache._shapes.clear()
    save_town_hall_sites(cache.get_bundle().communes, ["2A004"])  # Ajaccio
    listed = Token((("ccas-ajaccio", 1),))  # a token of its own: the cache is process-wide
    every_site = replace(CORSICA, coverage=Coverage(None, listed))
    only_ccas = replace(CORSICA, coverage=Coverage(("ccas",), listed))
    shapes = [cache.get_shapes(k) for k in (CORSICA, every_site, only_ccas)]
    assert shapes[0] is shapes[1] is shapes[2]
    assert built == [CORSICA]  # built once, under the key without coverage
    # while the zones' measures do follow the coverage
    assert DISTANCE_COLUMN in cache.get_territory(only_ccas).measures
    assert DISTANCE_COLUMN not in cache.get_territory(CORSICA).measures


def test_parts_are_shared_between_the_builders() -> None:
    """A territory built through the cache reuses the cached communes (same object)."""
    epci = replace(CORSICA, level="epci")
    cache.get_territory(epci)
    communes = cache.get_commune_territory(epci.communes)
    assert cache.SOURCES.commune_territory(epci.communes) is communes
    assert cache.get_territory(CORSICA) is communes  # the commune level is the communes


def test_a_value_derived_from_a_shared_object_is_built_once_and_forgotten_with_it() -> None:
    class Shared:  # stands for a territory returned by st.cache_resource
        pass

    built = []

    def build(tag: str) -> list[str]:
        built.append(tag)
        return [tag]

    first, second = Shared(), Shared()
    value = cache.derived(first, "options", lambda: build("a"))
    assert cache.derived(first, "options", lambda: build("b")) is value  # every session: the same
    assert cache.derived(first, "other", lambda: build("c")) == ["c"]
    assert cache.derived(second, "options", lambda: build("d")) == ["d"]
    assert built == ["a", "c", "d"]
    key = (id(first), "options")
    del first
    gc.collect()
    assert key not in cache._DERIVED  # freed with its object: its id may serve another one


def test_every_cache_keyed_by_revisions_or_views_is_bounded():
    """Each write makes new tokens: an unbounded cache keyed by them grows for the server's
    whole life (one entry per revision ever seen)."""
    import ast
    from pathlib import Path

    import carto.ui.cache as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    growing = {"Token", "TerritoryKey", "CommuneKey", "MapRequest", "Scope"}
    unbounded = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        cached = [
            d
            for d in node.decorator_list
            if isinstance(d, ast.Call) and ast.unparse(d.func).startswith("st.cache_")
        ]
        annotations = {ast.unparse(a.annotation) for a in node.args.args if a.annotation}
        bounded = cached and any(k.arg == "max_entries" for k in cached[0].keywords)
        if cached and annotations & growing and not bounded:
            unbounded.append(node.name)
    assert not unbounded, unbounded
