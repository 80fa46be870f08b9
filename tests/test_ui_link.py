"""The copy-link button and the link notices render, and never let URL text become HTML."""

from __future__ import annotations

import json
import re

import pytest
from strategies import HTML_PAYLOADS, MARKER
from streamlit.testing.v1 import AppTest

from carto.ui.link import BUTTON_LABEL, _js_string, copy_link_html, view_url


def _button_app() -> None:
    from carto.ui.link import render_copy_link_button
    from carto.viewstate.codec import ViewState, to_query_string

    render_copy_link_button(to_query_string(ViewState(department="57", meeting=True)))


def _notices_app() -> None:
    import streamlit as st

    from carto.ui.link import render_notices

    render_notices(st.session_state.get("notices", []))


def test_button_renders_with_the_link_as_plain_text() -> None:
    at = AppTest.from_function(_button_app).run(timeout=30)
    assert not at.exception
    assert [t.value for t in at.text] == ["?v=2&dep=57&meet=1"]
    assert not at.code  # a code box would load the syntax highlighter before the map


def test_notices_render_as_plain_text() -> None:
    at = AppTest.from_function(_notices_app)
    at.session_state["notices"] = [
        f"Indicateur : indicateur inconnu « {p} »" for p in HTML_PAYLOADS
    ]
    at.run(timeout=30)
    assert not at.exception
    texts = [t.value for t in at.text]
    assert len(texts) == len(HTML_PAYLOADS) + 1
    assert all(p in "\n".join(texts) for p in HTML_PAYLOADS)
    # the payloads only ever reach st.text elements, never markdown or HTML
    assert not any(MARKER in m.value for m in at.markdown)


def test_no_notice_renders_nothing() -> None:
    at = AppTest.from_function(_notices_app).run(timeout=30)
    assert not at.exception and len(at.text) == 0


@pytest.mark.parametrize("payload", [*HTML_PAYLOADS, "a\u2028b", '"; alert(1); "'])
def test_query_string_cannot_escape_the_script(payload: str) -> None:
    html = copy_link_html(payload)
    script = html.split("<script>", 1)[1]
    assert script.count("</script>") == 1 and "<" not in script.split("</script>")[0]
    literal = re.search(r"var qs = (.*);\n", html).group(1)
    assert json.loads(literal) == payload  # the script sees exactly the query string


def test_button_document() -> None:
    html = copy_link_html("?v=1&dep=57")
    assert BUTTON_LABEL in html and "http" not in html  # nothing fetched from a CDN
    assert 'var qs = "v=1\\u0026dep=57";' in html
    assert "window.parent.location" in html and "navigator.clipboard" in html
    assert _js_string("é") == '"\\u00e9"'


@pytest.mark.parametrize(
    ("qs", "base", "expected"),
    [
        ("v=1&dep=57", "http://127.0.0.1:8501/", "http://127.0.0.1:8501/?v=1&dep=57"),
        ("?v=1", "https://atlas.example.fr/app", "https://atlas.example.fr/app?v=1"),
        ("v=1", None, "?v=1"),
        ("", None, "?"),
        ("", "http://h/", "http://h/"),
    ],
)
def test_view_url(qs: str, base: str | None, expected: str) -> None:
    assert view_url(qs, base) == expected
