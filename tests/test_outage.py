"""The diagnosis database stopped while the app runs: French notices, the map still drawn, and
recovery without a restart (issue 16, defect 7). The server stopped is a throwaway cluster of
the test's own (tests/pgcluster.py), never the machine's shared one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pgcluster import private_cluster
from streamlit.testing.v1 import AppTest

from carto.diagnosis.store import ObservationDraft, Store, StoreUnavailable
from carto.ui import after_map

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
DRAFT = ObservationDraft(
    "commune", "54395", "54", "CCAS", "Paul", "santé", "Note", date(2025, 1, 2)
)


def _no_details(message: str, port: int) -> None:
    assert "injoignable" in message
    for detail in ("127.0.0.1", str(port), "psycopg", "OperationalError", "Connection refused"):
        assert detail not in message


@pytest.mark.postgres
def test_a_stopped_server_gives_french_errors_then_the_same_store_recovers():
    with private_cluster() as cluster:
        store = Store(cluster.url)
        kept = store.add_observation(DRAFT)
        cluster.stop()
        for call in (
            store.list_observations,
            store.count_observations,
            store.list_views,
            lambda: store.counts_by_territory("commune", department="54"),
            lambda: store.add_observation(DRAFT),
            lambda: store.save_view("Vue", "dep=54"),
        ):
            with pytest.raises(StoreUnavailable) as caught:
                call()
            _no_details(str(caught.value), cluster.port)
        with pytest.raises(StoreUnavailable):
            Store(cluster.url)  # opening while it is down: French too, and retried later
        cluster.start()
        assert [o.id for o in store.list_observations()] == [kept.id]  # nothing lost
        store.add_observation(DRAFT)
        assert store.count_observations() == 2
        store.close()


def _dead_database(monkeypatch: pytest.MonkeyPatch) -> str:
    from browserkit import free_port

    url = f"postgresql+psycopg://atlas@127.0.0.1:{free_port()}/atlas"
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    return url


def test_the_map_is_drawn_with_a_french_notice_when_the_database_is_unreachable(monkeypatch):
    port = _dead_database(monkeypatch).rsplit(":", 1)[1].split("/")[0]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["w_panel"] = "diagnosis"
    at.session_state[after_map.READY_KEY] = True
    at.query_params["dep"] = "54"
    at.query_params["lay"] = "communes,observations"
    at.query_params["sel"] = "54395"
    at.run()
    assert not at.exception
    assert [e.proto.component_name for e in at.get("bidi_component")]  # the map is drawn
    notices = [w.value for w in at.warning] + [e.value for e in at.error]
    assert any("Couche des observations non affichée" in n for n in notices)
    assert any("injoignable" in n for n in notices)
    # The documents (imports, site lists, district sets) live in the same database: the map
    # goes without them, and says so.
    assert any("Données enregistrées momentanément absentes" in n for n in notices)
    for notice in notices:
        assert port not in notice and "psycopg" not in notice


@pytest.mark.postgres
@pytest.mark.browser
def test_browser_map_drawn_notice_shown_then_recovery_without_restart(tmp_path):
    import browserkit as bk

    bk.require_browser()
    with private_cluster() as cluster:
        Store(cluster.url).add_observation(DRAFT)
        env = {"ATLAS_DATA_DIR": str(tmp_path), "ATLAS_DATABASE_URL": cluster.url}
        query = "?dep=54&lay=communes,observations&sel=54395"
        with bk.serve(env=env) as url, bk.browser() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + query)
            bk.wait_for_map(page)
            page.get_by_text("Diagnostic partagé").first.click()
            page.get_by_text("1 observation(s)").first.wait_for(timeout=60_000)
            cluster.stop()
            page.goto(url + query)
            frame = bk.wait_for_map(page)  # the map is still drawn…
            assert len(frame.evaluate(bk.DRAWN_CODES_JS)) == 591
            page.get_by_text("Couche des observations non affichée").first.wait_for(
                timeout=60_000
            )  # …with a French notice, and no trace nor host
            body = page.inner_text("body")
            assert "injoignable" in body
            assert str(cluster.port) not in body and "Traceback" not in body
            bk.screenshot(page, "panne_base")
            cluster.start()
            page.goto(url + query)
            bk.wait_for_map(page)
            page.get_by_text("Diagnostic partagé").first.click()
            page.get_by_text("1 observation(s)").first.wait_for(timeout=60_000)
            assert "injoignable" not in page.inner_text("body")
