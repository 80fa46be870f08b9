"""The typed keys of a view: hashable, frozen, read by name; tokens follow the stored files
(the database's revisions are tested in tests/test_documents.py)."""

from __future__ import annotations

import dataclasses
import os

import pytest

from carto.common.paths import user_data_dir
from carto.compose.keys import (
    CommuneKey,
    Coverage,
    TerritoryKey,
    Token,
    districts_token,
    imports_token,
    kinds_token,
    sites_token,
)

KEY = TerritoryKey(
    department="54",
    by_arrondissement=False,
    level="district",
    district_set="Secteurs",
    imports=Token((("a.parquet", 1),)),
    districts=Token((("Secteurs.json", 2),)),
    coverage=Coverage(("ccas",), Token((("liste.json", 3),))),
)


def test_keys_are_frozen_and_hashable() -> None:
    assert hash(KEY) == hash(dataclasses.replace(KEY))
    assert {KEY: 1}[dataclasses.replace(KEY)] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        KEY.level = "commune"  # type: ignore[misc]
    with pytest.raises(TypeError):
        KEY[0]  # type: ignore[index]  # no positional access left


def test_the_communes_of_a_key_keep_its_measures() -> None:
    assert KEY.communes == CommuneKey("54", False, KEY.imports, KEY.coverage)


def test_geometry_key_ignores_the_coverage_only() -> None:
    other_sites = dataclasses.replace(KEY, coverage=Coverage(None, Token()))
    assert KEY.geometry == other_sites.geometry == dataclasses.replace(KEY, coverage=None)
    assert KEY.geometry != dataclasses.replace(KEY, level="epci").geometry


def test_tokens_change_with_the_stored_files() -> None:
    assert kinds_token("absent") == Token()
    assert imports_token() == Token()
    folder = user_data_dir() / "sites"
    folder.mkdir()
    path = folder / "liste.json"
    path.write_text("[]", encoding="utf-8")
    first = sites_token()
    [(kind, files)] = first.parts
    assert kind == "sites" and [name for name, *_ in files] == ["liste.json"]
    os.utime(path, ns=(1, 1))
    assert sites_token() != first
    assert districts_token("54") == Token()
    (user_data_dir() / "districts" / "2a").mkdir(parents=True)
    (user_data_dir() / "districts" / "2a" / "jeu.json").write_text("{}", encoding="utf-8")
    assert districts_token("2A") != Token()  # the folder of Corse-du-Sud's sets is « 2a »


def test_tokens_add_up() -> None:
    assert Token((("a", 1),)) + Token((("b", 2),)) == Token((("a", 1), ("b", 2)))
