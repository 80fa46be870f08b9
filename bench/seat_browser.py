"""Browser figures from a user's seat, timed inside the page (headless Debian chromium).

- First visit after the server starts: a fresh ``streamlit run`` whose health endpoint has
  just answered, then a fresh browser context opens the link: navigation → every zone drawn.
- Later visit: the same on a warm server (the link opened before in another context).
- Recolour: in the same page, an indicator picked in the combobox « Indicateur »; from the
  ``pointerdown`` on its option until every polygon carries the colours of the new indicator
  (as drawn by the first, untimed change to it), plus two painted frames.

Why the recolour is timed against the colours expected, and order-free: the naive baseline
builds a new map, whose layers come back in another order while the old colours are still
shown; a hash that depends on the order, compared with "different from before", stopped the
clock at that reshuffle (0,15 s) before the new colours were drawn (~1 s).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from bench_atlas import DRAWN_INIT_JS, FILLS_JS, drawn_context, poll_fills, wait_drawn

# In every frame: the top page notes each pointerdown; the frame holding the map (the page
# itself for the atlas, streamlit-folium's iframe for the baseline) notes when its
# polygons (at least ``expected``) carry the target colours (``top.__benchTarget``: the
# order-free hash of FILLS_JS), two animation frames later.
RECOLOUR_INIT_JS = """
(() => {
  if (window === window.top) {
    document.addEventListener('pointerdown', () => {
      window.__benchClick = performance.timeOrigin + performance.now();
    }, true);
  }
  const expected = __EXPECTED__;
  const fills = __FILLS__;
  const check = () => {
    let top;
    try { top = window.top; top.document; } catch (e) { return; }
    const target = top.__benchTarget;
    if (target != null && !top.__benchRecoloured) {
      const f = fills();
      if (f && f[0] >= expected && f[1] === target) {
        requestAnimationFrame(() => requestAnimationFrame(() => {
          if (!top.__benchRecoloured && top.__benchTarget === target)
            top.__benchRecoloured = performance.timeOrigin + performance.now();
        }));
      }
    }
    setTimeout(check, 5);
  };
  check();
})();
"""
RESET_JS = """t => { window.__benchTarget = t; window.__benchRecoloured = null;
  window.__benchClick = null; }"""
RECOLOURED_JS = """() => window.__benchRecoloured && window.__benchClick
  ? (window.__benchRecoloured - window.__benchClick) / 1000 : null"""


def timed_context(browser, expected: int):
    """A fresh context timing both the first drawing and later recolours inside the page."""
    context = drawn_context(browser, DRAWN_INIT_JS, expected)
    context.add_init_script(
        RECOLOUR_INIT_JS.replace("__EXPECTED__", str(int(expected))).replace("__FILLS__", FILLS_JS)
    )
    return context


def open_link(bk, browser, url: str, query: str, expected: int):
    """Seconds from navigation to every zone drawn; the context, the page and its fills."""
    context = timed_context(browser, expected)
    page = context.new_page()
    page.goto(f"{url}?{query}", wait_until="commit")
    elapsed = wait_drawn(page)
    fills = poll_fills(page, lambda f: f[0] >= expected)
    return elapsed, context, page, fills


@dataclass(frozen=True)
class FirstVisit:
    """A fresh server: its start until the health endpoint answers (the atlas's launcher
    imports the app then, ``carto/ui/serve.py``), then navigation → map drawn."""

    ready_s: float
    drawn_s: float


def first_visit(bk, browser, app, query: str, expected: int, env: dict | None = None):
    """A fresh server, opened as soon as it answers: a :class:`FirstVisit`."""
    started = time.perf_counter()
    with bk.serve(app, env=env) as url:
        ready = time.perf_counter() - started
        elapsed, context, _page, _fills = open_link(bk, browser, url, query, expected)
        context.close()
    return FirstVisit(ready_s=ready, drawn_s=elapsed)


def later_visit(bk, browser, url: str, query: str, expected: int) -> float:
    elapsed, context, _page, _fills = open_link(bk, browser, url, query, expected)
    context.close()
    return elapsed


def _pick(page, label: str):
    """Open the indicator combobox, type the label's start, return its first option."""
    page.get_by_role("combobox", name="Indicateur").click()
    page.keyboard.type(label)
    pattern = re.compile(rf"^{re.escape(label)}( \d{{4}})?( ·|$)")
    option = page.get_by_role("option", name=pattern).first
    option.wait_for()
    return option


def recolour(bk, page, label: str, expected: int, before: int, target: int | None, timeout=60.0):
    """Pick ``label``; seconds until the map shows ``target`` (None: untimed, learn it).

    Returns (seconds or None, the colours' hash once settled).
    """
    page.evaluate(RESET_JS, target)
    option = _pick(page, label)
    option.click()
    if target is None:
        poll_fills(page, lambda f: f[0] >= expected and f[1] != before, timeout)
        time.sleep(1.5)  # the naive map is rebuilt: let it settle, then read its colours
        fills = poll_fills(page, lambda f: f[0] >= expected, timeout)
        return None, fills[1]
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        seconds = page.evaluate(RECOLOURED_JS)
        if seconds:
            time.sleep(0.3)  # let the rerun's tail (table) settle before the next click
            return float(seconds), target
        time.sleep(0.02)
    raise TimeoutError("carte non recolorée à temps")


def recolour_runs(bk, page, fills, labels: tuple[str, str], expected: int, runs: int):
    """Alternate two indicators: one untimed change to each (their colours learnt), then
    ``runs`` timed changes."""
    known: dict[str, int] = {}
    current = fills[1]
    times = []
    for j in range(runs + 2):
        label = labels[j % 2]
        seconds, current = recolour(bk, page, label, expected, current, known.get(label))
        known.setdefault(label, current)
        if seconds is not None:
            times.append(seconds)
    return times
