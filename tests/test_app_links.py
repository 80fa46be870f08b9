"""Links through the whole app (AppTest): round trips, and 1,000 random hostile query strings.

Every hostile string must open a view (no exception), and no part of a parameter may reach an
element that renders HTML or Markdown: the payloads carry a marker that must never show there.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from strategies import MARKER, random_hostile_query_strings
from streamlit.testing.v1 import AppTest

from carto.ui import after_map

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
N_HOSTILE = 1000


def _open(query_string: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[after_map.READY_KEY] = True  # the panels below the map are built too
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        at.query_params[key] = value
    return at.run()


def _rendered_as_html(at: AppTest) -> list[str]:
    """Texts of the elements that interpret HTML or Markdown."""
    elements = [
        *at.markdown, *at.title, *at.header, *at.subheader, *at.caption,
        *at.info, *at.warning, *at.error, *at.success,
    ]  # fmt: skip
    return [str(e.value) for e in elements]


def _query(at: AppTest) -> str:
    pairs = []
    for key, value in at.query_params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{key}={item}")
    return "&".join(pairs)


def _legend(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="atlas-legend"' in m.value]


def test_a_changed_view_reopens_identically_from_its_link():
    at = _open("")
    at.selectbox(key="w_dep").set_value("62").run()
    at.selectbox(key="w_ind").set_value("population").run()
    at.selectbox(key="w_cls").set_value("jenks").run()
    at.slider(key="w_k").set_value(7).run()
    at.multiselect(key="w_fpop").set_value(["lt1500"]).run()
    at.checkbox(key="w_lay_mairies").check().run()
    assert not at.exception
    link = _query(at)
    assert "dep=62" in link and "ind=population" in link and "cls=jenks" in link
    legend_before = _legend(at)

    again = _open(link)
    assert not again.exception
    assert again.selectbox(key="w_dep").value == "62"
    assert again.selectbox(key="w_ind").value == "population"
    assert again.selectbox(key="w_cls").value == "jenks"
    assert again.slider(key="w_k").value == 7
    assert again.multiselect(key="w_fpop").value == ["lt1500"]
    assert again.checkbox(key="w_lay_mairies").value is True
    assert _legend(again) == legend_before
    assert any("communes sur 887" in i.value for i in again.info)


def test_manual_bounds_and_selection_survive_the_link():
    at = _open("dep=54&ind=densite&cls=manuel&bounds=50,100,1000&sel=54395")
    assert not at.exception
    assert at.text_input(key="w_bounds").value == "50 ; 100 ; 1\u00a0000"
    legend = _legend(at)[0]
    assert "100,0 – 1\u00a0000,0" in legend
    assert any(s.value == "Nancy" for s in at.subheader)
    assert "sel=54395" in _query(at) and "bounds=50,100,1000" in _query(at)


def test_old_link_without_version_and_unknown_keys_still_opens():
    at = _open("dep=2A&foo=bar&ind=indicateur_disparu")
    assert not at.exception
    assert at.selectbox(key="w_dep").value == "2A"
    notices = "\n".join(t.value for t in at.text)
    assert "foo" in notices and "indicateur_disparu" in notices


@pytest.mark.slow
def test_one_thousand_hostile_query_strings_open_a_view():
    failures = []
    for number, qs in enumerate(random_hostile_query_strings(N_HOSTILE, seed=2026)):
        at = _open(qs)
        if at.exception:
            failures.append((number, qs[:200], at.exception[0].message))
            continue
        leaked = [t for t in _rendered_as_html(at) if MARKER in t]
        if leaked:
            failures.append((number, qs[:200], f"rendered as HTML: {leaked[0][:120]}"))
        assert at.title, qs
    assert not failures, failures[:5]
