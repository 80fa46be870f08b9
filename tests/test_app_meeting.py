"""The selection and the meeting mode, headless (streamlit.testing): a search selects, a cleared
selection stays cleared, a stale one never travels in a link, the sidebar closes for a meeting."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from carto.ui import after_map
from carto.ui import state as keys
from carto.ui.selection import SEARCH_KEY
from carto.ui.sidebar.presentation import CLOSE_SIDEBAR_HTML

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


def _open(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[after_map.READY_KEY] = True
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _closing(at: AppTest) -> bool:
    """Whether this run sends the frame that clicks the sidebar's collapse button."""
    return any(e.proto.srcdoc == CLOSE_SIDEBAR_HTML for e in at.get("iframe"))


def _buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button}


def _link(at: AppTest) -> dict[str, list[str]]:
    return {k: at.query_params[k] for k in at.query_params}


def test_search_selects_and_clear_selection_clears(bundle):
    at = _open()
    at.selectbox(key=SEARCH_KEY).select("54395").run()
    assert not at.exception
    assert at.session_state[keys.SELECTED_KEY] == "54395"
    assert at.session_state[keys.FOCUS_KEY].zoom >= 9  # the map looks at Nancy
    assert "Nancy" in [s.value for s in at.subheader]
    assert "54395" in str(_link(at).get("sel"))
    at.button(key="clear_sel").click().run()
    assert at.session_state[keys.SELECTED_KEY] is None
    assert at.selectbox(key=SEARCH_KEY).value is None
    at.run()  # and it stays cleared
    assert at.session_state[keys.SELECTED_KEY] is None and "sel" not in _link(at)
    assert not [s for s in at.subheader if s.value == "Nancy"]


def test_a_selection_not_in_the_new_department_or_level_is_dropped(bundle):
    at = _open({"dep": "54", "sel": "54395"})
    assert at.session_state[keys.SELECTED_KEY] == "54395"
    at.selectbox(key="w_lvl").select("epci").run()
    assert at.session_state[keys.SELECTED_KEY] is None and "sel" not in _link(at)
    at = _open({"dep": "54", "sel": "54395"})
    at.selectbox(key="w_dep").select("57").run()
    assert not at.exception
    assert at.session_state[keys.SELECTED_KEY] is None and "sel" not in _link(at)


def test_observer_opens_the_diagnosis_and_meeting_mode_closes_the_sidebar(bundle):
    at = _open({"sel": "54395"})
    at.button(key="observe_sel").click().run()
    assert at.session_state["w_panel"] == "diagnosis"
    assert any("Nouvelle observation — Nancy" in m.value for m in at.markdown)
    assert not _closing(at)
    at.toggle(key="w_meet").set_value(True).run()
    assert _closing(at)
    at.run()  # once only: the sidebar may be opened again during the meeting
    assert not _closing(at)
    assert "observe_sel" not in _buttons(at)  # no panel below the map in a meeting
