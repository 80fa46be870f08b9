"""The app's caches (carto.ui.cache): what each part is cached under."""

from __future__ import annotations

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
