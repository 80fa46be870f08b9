"""The app on real INSEE files (the reference slices): imported indicators on the map, the
poverty rate not recomputed on EPCI, evolution between vintages, two vintages sharing bounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from carto.indicators.sources.imports import import_insee
from carto.indicators.sources.store import save_dataset
from carto.territories.bundle import read_bundle
from carto.ui import after_map

pytestmark = pytest.mark.reference
APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
FILES = ("cc_filosofi_2019_COM_dep33-54-73-93-95.CSV", "cc_filosofi_2021_COM_dep33-54-73-93-95.csv")


@pytest.fixture
def imported(reference_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    communes = read_bundle().communes
    for name in FILES:
        save_dataset(
            import_insee(reference_dir / "insee_filosofi_communes" / name, communes=communes)
        )
    return tmp_path


def _open(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[after_map.READY_KEY] = True  # as if the browser had drawn the map
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _legend(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'class="atlas-legend"' in m.value)


def test_imported_poverty_rate_is_mapped_with_source_and_vintage(imported):
    """The same product and vintage as the national data: the national values are shown."""
    at = _open({"ind": "taux_pauvrete_2021"})
    assert not at.exception
    legend = _legend(at)
    assert "Source : Insee, Filosofi 2021" in legend
    assert "Secret statistique" in legend and "528 communes" in legend  # counted apart


def test_poverty_rate_is_not_averaged_over_epci(imported):
    at = _open({"ind": "taux_pauvrete_2021", "lvl": "epci"})
    assert not at.exception
    assert any("ne se recalcule pas" in i.value or "n'est publié" in i.value for i in at.info)


def test_evolution_between_two_vintages(imported):
    at = _open({"dep": "95", "ind": "taux_pauvrete_2021", "vin2": "2019"})
    assert not at.exception
    assert "Évolution 2019 → 2021 (en points)" in _legend(at)


def test_two_vintages_side_by_side_share_their_bounds(imported):
    at = _open({"ind": "taux_pauvrete_2021", "sbs": "1", "ind2": "taux_pauvrete_2019"})
    assert not at.exception
    legends = [m.value for m in at.markdown if 'class="atlas-legend"' in m.value]
    assert len(legends) == 2

    def bounds(html: str) -> list[str]:
        import re

        return re.findall(r"<span>([^<]*–[^<]*)</span>", html)

    assert bounds(legends[0]) == bounds(legends[1])


def test_small_denominators_are_flagged_on_aggregated_zones(reference_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATLAS_SMALL_DENOMINATOR", "2000")  # labour force under 2,000 people
    folder = reference_dir / "insee_comparateur_territoires"
    dataset = import_insee(
        folder / "base_cc_comparateur_2022_dep33-54-73-93-95.CSV", communes=read_bundle().communes
    )
    save_dataset(dataset)
    unemployment = next(i.id for i in dataset.indicators if i.id.startswith("taux_chomage"))
    at = _open({"ind": unemployment, "lvl": "epci"})
    assert not at.exception
    warning = next(w.value for w in at.warning if "Petits effectifs" in w.value)
    assert "dénominateur inférieur à 2\u00a0000" in warning
    at_communes = _open({"ind": unemployment})
    assert not any("Petits effectifs" in w.value for w in at_communes.warning)


def test_bordeaux_mapped_by_iris(reference_dir, tmp_path, monkeypatch):
    from carto.territories.iris import save_contours
    from carto.territories.iris_contours import read_contours

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    folder = reference_dir / "insee_iris"
    save_dataset(
        import_insee(
            folder / "BASE_TD_FILO_IRIS_2021_DISP_dep33-54-73-93-95.csv",
            communes=read_bundle().communes,
        )
    )
    assert save_contours(read_contours(folder / "contours_iris_bordeaux_33063.geojson")) == 88
    at = _open({"dep": "33", "lvl": "iris", "ind": "iris_taux_pauvrete_2021"})
    assert not at.exception
    assert at.selectbox(key="w_lvl").value == "iris"
    legend = _legend(at)
    assert "Taux de pauvreté" in legend and "IRIS" in legend
    counts = [int(n.replace("\u00a0", "")) for n in re.findall(r"([\d\u00a0]+) IRIS", legend)]
    assert sum(counts) == 88  # every Bordeaux IRIS is drawn, secret ones counted apart
    assert at.title[0].value.endswith("Gironde (33)")


def test_filter_banner_states_criteria_and_secret_communes(imported):
    at = _open({"ind": "taux_pauvrete_2021", "f": "taux_pauvrete_2021:15:", "fpop": "ge20000"})
    assert not at.exception
    banner = next(i.value for i in at.info if "Filtres" in i.value).replace("\\", "")
    assert banner.startswith(
        "Filtres : taux de pauvreté ≥ 15\u00a0%, communes de 20\u00a0000 habitants et plus : "
    )
    assert re.search(r": \d+ communes? sur 591 — ", banner)
    # communes of 20 000 inhabitants or more have published rates: none left out as secret
    assert "secret statistique" not in banner
    small = _open({"ind": "taux_pauvrete_2021", "f": "taux_pauvrete_2021:15:", "fpop": "lt1500"})
    text = next(i.value for i in small.info if "Filtres" in i.value).replace("\\", "")
    found = re.search(r"(\d+) communes hors du filtre car leur valeur de « Taux de pauvreté", text)
    assert found and int(found.group(1)) > 100  # small communes: secret rates, said so
