"""The "Copier le lien de cette vue" button, and the notices of a link that was partly applied.

Why a small inline script: the server does not reliably know the address the user sees (proxies,
Streamlit Cloud), the browser does. The script reads the parent page's origin and path, adds the
view's query string and writes it to the clipboard; the same link is also shown as plain text,
for browsers that refuse clipboard access (plain http on a LAN address). No CDN: it works offline.
Plain ``st.text`` rather than ``st.code``: a code box makes the browser fetch and run Streamlit's
syntax highlighter (1.5 MB, ~200 ms of main-thread work) before the map's iframe is created.

``st.iframe`` is used rather than ``st.components.v1.html``, which Streamlit 1.67 deprecates in
its favour; both render an HTML string in a same-origin iframe.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import streamlit as st

BUTTON_LABEL = "Copier le lien de cette vue"
COPIED = "Lien copié."
COPY_FAILED = "Copie impossible : copiez le lien affiché ci-dessous."

_TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><style>
body{margin:0;font-family:"Source Sans Pro","Source Sans 3",sans-serif;font-size:16px}
button{padding:.4rem .8rem;border:1px solid rgba(49,51,63,.25);border-radius:.5rem;
background:#fff;color:#31333f;font:inherit;cursor:pointer}
button:hover{border-color:#ff4b4b;color:#ff4b4b}
#status{margin-left:.6rem;color:#3d6b35}
</style></head><body>
<button id="copy" type="button">__LABEL__</button><span id="status" role="status"></span>
<script>
(function () {
  var qs = __QS__;
  var status = document.getElementById("status");
  function liveView(params) {
    /* The map's centre and zoom as the user left them (panning does not rerun the app). */
    try {
      var m = window.parent.map;  /* the page's live map (carto/ui/livemap.js) */
      if (m && m.getCenter) {
        var c = m.getCenter();
        params.set("c", c.lat.toFixed(5) + "," + c.lng.toFixed(5));
        params.set("z", String(Math.round(m.getZoom())));
      }
    } catch (e) { /* no access to the page: keep the server's view */ }
  }
  function viewUrl() {
    var loc;
    try { loc = window.parent.location; loc.pathname; } catch (e) { loc = window.location; }
    var params = new URLSearchParams(qs);
    liveView(params);
    var query = params.toString().replace(/%2C/g, ",");
    return loc.origin + loc.pathname + (query ? "?" + query : "");
  }
  function done(ok) { status.textContent = ok ? __COPIED__ : __FAILED__; }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    done(ok);
  }
  document.getElementById("copy").addEventListener("click", function () {
    var url = viewUrl();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { done(true); },
                                               function () { fallback(url); });
    } else {
      fallback(url);
    }
  });
})();
</script></body></html>"""


def _js_string(text: str) -> str:
    """A JavaScript string literal that cannot close the <script> element nor inject HTML."""
    literal = json.dumps(text, ensure_ascii=True)
    return literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def copy_link_html(query_string: str) -> str:
    """The iframe document of the button (pure, so tests can read the script)."""
    return (
        _TEMPLATE.replace("__LABEL__", BUTTON_LABEL)
        .replace("__COPIED__", _js_string(COPIED))
        .replace("__FAILED__", _js_string(COPY_FAILED))
        .replace("__QS__", _js_string(query_string.removeprefix("?")))
    )


def view_url(query_string: str, base_url: str | None) -> str:
    """Full link shown under the button; without a known base, the query string alone."""
    qs = query_string.removeprefix("?")
    suffix = f"?{qs}" if qs else ""
    return f"{base_url}{suffix}" if base_url else suffix or "?"


def render_copy_link_button(query_string: str) -> None:
    """Button copying the current view's link, and the link itself as selectable text."""
    st.iframe(copy_link_html(query_string), height=48)
    try:
        base = st.context.url
    except Exception:  # no browser session (bare script run): show the query string only
        base = None
    st.text(view_url(query_string, base))


def render_notices(notices: Sequence[str]) -> None:
    """Show what a link could not apply. Plain text only: notices quote text from the URL."""
    if not notices:
        return
    with st.container(border=True):
        st.text("Ce lien a été ouvert, mais certains réglages ont été ignorés :")
        for notice in notices:
            st.text(f"• {notice}")
