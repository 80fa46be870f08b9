"""One atomic write for every store, one text folding, user-data folders: carto.common."""

from __future__ import annotations

from pathlib import Path

import pytest

from carto.common.authorisation import authorise
from carto.common.files import WriteFailed, atomic_write
from carto.common.paths import user_data_dir, user_data_folder
from carto.common.text import normalize_text, sort_key, strip_accents


def test_atomic_write_text_bytes_and_writer(tmp_path: Path) -> None:
    target = tmp_path / "liste.json"
    grant = authorise(None)
    atomic_write(target, '{"nom": "Saint-Dié"}', grant=grant)
    assert target.read_text(encoding="utf-8") == '{"nom": "Saint-Dié"}'
    atomic_write(target, b"\x00\x01", grant=grant)
    assert target.read_bytes() == b"\x00\x01"
    atomic_write(target, lambda path: path.write_text("écrit", encoding="utf-8"), grant=grant)
    assert target.read_text(encoding="utf-8") == "écrit"
    assert [p.name for p in tmp_path.iterdir()] == ["liste.json"]


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path: Path) -> None:
    target = tmp_path / "contours.parquet"
    target.write_bytes(b"ancien")
    seen: list[Path] = []

    def crash(path: Path) -> None:
        path.write_bytes(b"moiti")
        seen.append(path)
        raise OSError(28, "No space left on device")

    with pytest.raises(WriteFailed, match="Rien n'a changé"):
        atomic_write(target, crash, grant=authorise(None))
    assert target.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["contours.parquet"]
    # The temporary name never matches a store's glob, so a reader never picks it up.
    assert not seen[0].match("*.parquet") and not seen[0].match("*.json")


def test_user_data_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "ailleurs"))
    folder = user_data_folder("districts", "54")
    assert folder == user_data_dir() / "districts" / "54" and folder.is_dir()


def test_text_folding() -> None:
    assert strip_accents("Saint-Dié-des-Vosges") == "Saint-Die-des-Vosges"
    assert normalize_text("  ST-DIÉ des Vosges ") == "saint die des vosges"
    assert normalize_text("Ste Marguerite") == normalize_text("sainte-marguerite")
    assert normalize_text(None) == ""
    assert sorted(["Logement", "Âge", "emploi"], key=sort_key) == ["Âge", "emploi", "Logement"]
