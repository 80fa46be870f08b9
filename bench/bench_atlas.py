"""Atlas map performance against a naive baseline, in the same run, with the issue's budgets.

Run from the repo root (needs data/, Debian chromium and playwright for the browser part):

    python bench/bench_atlas.py            # full: 5 runs per figure, all cases (~10 min)
    python bench/bench_atlas.py --quick    # 3 runs, cases 54 and France (~3 min)
    python bench/bench_atlas.py --json bench/results/atlas.json

Prints a Markdown table: figure, atlas, baseline, ratio (atlas / baseline), budget, verdict.
What each figure means is in bench/README.md. Every figure is the median of ``--runs`` runs.
The atlas is ``streamlit_app.py`` driven only through stable means (``?dep=`` in the URL, the
widget keys ``dep`` and ``ind``); the baseline is ``bench/baseline_app.py`` driven the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import logging
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_DIR / "bench"
ATLAS_APP = REPO_DIR / "streamlit_app.py"
BASELINE_APP = BENCH_DIR / "baseline_app.py"
sys.path.insert(0, str(REPO_DIR / "tests"))  # browserkit: the project's browser harness
sys.path.insert(0, str(BENCH_DIR))  # baseline_app's pure functions
sys.path.insert(0, str(REPO_DIR))  # this checkout's carto, whichever is installed

# The app's default indicator (a needs indicator of the national data), and the one switched to.
IND_A, IND_B = "revenu_median_2021", "population"
IND_B_LABEL = "Population municipale"
IND_A_LABEL = "Niveau de vie médian"
GRAND_EST = "44"


def widget_keys(app: Path) -> tuple[str, str]:
    """Keys of the department and indicator widgets: the atlas names them in carto.ui.state."""
    if app == ATLAS_APP:
        try:
            from carto.ui.state import KEYS

            return KEYS["department"], KEYS["indicator"]
        except ImportError:  # the app before its view state moved to carto.ui.state
            pass
    return "dep", "ind"


@dataclass(frozen=True)
class Case:
    code: str  # department code, "FR", or "R44" for Grand Est by commune
    label: str
    in_app: bool  # the app offers it (else: pure build path and a static page only)
    other: str  # the department switched from, for the "change department" figure


CASES = [
    Case("54", "Meurthe-et-Moselle (54)", True, "57"),
    Case("62", "Pas-de-Calais (62)", True, "54"),
    Case("59", "Nord (59)", True, "54"),
    Case("R44", "Grand Est par commune", False, "54"),
    Case("FR", "France par département", True, "54"),
]
QUICK_CASES = {"54", "FR"}


@dataclass
class Row:
    figure: str
    case: str
    unit: str  # "s", "ms", "B", "MB"
    atlas: float | None
    baseline: float | None = None
    budget: float | None = None  # maximum allowed for the atlas figure, same unit
    budget_text: str = "—"
    ratio_max: float | None = None  # maximum allowed atlas / baseline
    runs_atlas: list[float] = field(default_factory=list)
    runs_baseline: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.atlas is None or not self.baseline:
            return None
        return self.atlas / self.baseline

    @property
    def verdict(self) -> str:
        if self.budget is None and self.ratio_max is None:
            return "—"
        if self.atlas is None:
            return "n/a"
        ok = self.budget is None or self.atlas <= self.budget
        if self.ratio_max is not None:
            ok = ok and self.ratio is not None and self.ratio <= self.ratio_max
        return "PASS" if ok else "FAIL"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Bytes sent to the browser by the baseline: capture what st_folium hands to its component.
# --------------------------------------------------------------------------------------------


class ComponentCapture:
    """Wraps streamlit_folium's component function; records the JSON size of its arguments.

    Streamlit sends a component's arguments in full on every rerun, so their serialised size
    is what the browser receives for the map (script, header, html, feature group, links…).
    """

    def __init__(self, passthrough: bool) -> None:
        import streamlit_folium

        self.module = streamlit_folium
        self.original = streamlit_folium._component_func
        self.passthrough = passthrough
        self.last_bytes = 0

    def __call__(self, **kwargs):
        sent = {k: v for k, v in kwargs.items() if not callable(v)}
        self.last_bytes = len(json.dumps(sent, ensure_ascii=False, default=str).encode("utf-8"))
        if self.passthrough:
            return self.original(**kwargs)
        return kwargs.get("default")

    def __enter__(self) -> ComponentCapture:
        self.module._component_func = self
        return self

    def __exit__(self, *exc) -> None:
        self.module._component_func = self.original


# --------------------------------------------------------------------------------------------
# Server side: cold start (fresh process each run) and warm reruns (AppTest).
# --------------------------------------------------------------------------------------------


def as_after_first_paint(at) -> None:
    """Runs as once the browser has drawn the map: the atlas then builds its table too.

    The atlas builds the panels below the map only after the browser says the map is drawn
    (carto/ui/after_map.py); AppTest has no browser, so the flag its answer sets is set here,
    or the atlas's reruns would skip the table the baseline builds. The baseline ignores it.
    """
    from carto.ui.after_map import READY_KEY

    at.session_state[READY_KEY] = True


def cold_child(app: str, dep: str) -> None:
    """Child mode: one cold run of the app; prints the seconds of the first ``at.run()``."""
    logging.disable(logging.WARNING)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(app, default_timeout=300)
    at.query_params["dep"] = dep
    as_after_first_paint(at)
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"exception in {app}: {at.exception}")
    print(json.dumps({"cold_s": elapsed}))


def cold_once(app: Path, dep: str) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--_cold", str(app), dep],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["cold_s"]


def cold_start(dep: str, runs: int) -> dict[str, list[float]]:
    """Fresh process per run, atlas and baseline interleaved (the machine's load varies)."""
    out: dict[str, list[float]] = {"atlas": [], "baseline": []}
    for _ in range(runs):
        out["atlas"].append(cold_once(ATLAS_APP, dep))
        out["baseline"].append(cold_once(BASELINE_APP, dep))
    return out


def warm_reruns(case: Case, runs: int) -> dict[str, dict]:
    """Time ``at.run()`` after an indicator change and after a department change (warm).

    Both apps live side by side and take turns, so a burst of load on the machine hits both.
    """
    from streamlit.testing.v1 import AppTest

    apps = {"atlas": ATLAS_APP, "baseline": BASELINE_APP}
    tests, out = {}, {}
    with ComponentCapture(passthrough=True) as cap:
        for name, app in apps.items():
            at = AppTest.from_file(str(app), default_timeout=300)
            at.query_params["dep"] = case.code
            as_after_first_paint(at)
            at.run()
            if at.exception:
                raise RuntimeError(f"{app.name}: {at.exception}")
            tests[name] = at
            out[name] = {"ind": [], "dep": [], "bytes": 0}

        def timed(name: str, key: str, value: str) -> float:
            at = tests[name]
            at.selectbox(key=key).set_value(value)
            start = time.perf_counter()
            at.run()
            elapsed = time.perf_counter() - start
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception}")
            return elapsed

        for i in range(runs + 1):  # the first change is the warm-up
            for name, app in apps.items():
                t = timed(name, widget_keys(app)[1], IND_B if i % 2 == 0 else IND_A)
                if i:
                    out[name]["ind"].append(t)
        for name, app in apps.items():
            timed(name, widget_keys(app)[1], IND_A)
            out[name]["bytes"] = cap.last_bytes
        for i in range(runs + 1):
            for name, app in apps.items():
                dep_key = widget_keys(app)[0]
                timed(name, dep_key, case.other)
                t = timed(name, dep_key, case.code)
                if i:
                    out[name]["dep"].append(t)
    return out


# --------------------------------------------------------------------------------------------
# Pure build path: the same map built without Streamlit's script runner.
# --------------------------------------------------------------------------------------------


@functools.cache
def bundle():
    from carto.territories.bundle import read_bundle

    return read_bundle()


@functools.cache
def case_territory(code: str):
    """The territory of a case; Grand Est by commune is assembled here (no app view yet)."""
    import baseline_app

    from carto.indicators.national import read_national
    from carto.territories.zones import MEASURE_COLUMNS, Territory, with_measures

    if not code.startswith("R"):
        return baseline_app.naive_territory(bundle(), code)
    com = bundle().communes
    rows = com[(com["REG"] == code[1:]) & (com["TYPE"] == "COM") & com.geometry.notna()]
    rows = rows.set_index("CODGEO", drop=False).sort_index()
    region = Territory(
        code=code,
        label="Grand Est",
        level="commune",
        zones=rows,
        measures=rows[list(MEASURE_COLUMNS)].astype(float),
    )
    national = read_national()
    return with_measures(region, national.values, national.markers)


@functools.cache
def case_shapes(code: str):
    from carto.map.geojson import ZoneShapes

    return ZoneShapes.from_frame(case_territory(code).zones)


@functools.cache
def case_epci(code: str) -> dict | None:
    from carto.map.geojson import outline_collection
    from carto.territories.zones import epci_outlines

    if code == "FR" or code.startswith("R"):
        return None
    return outline_collection(epci_outlines(bundle(), code), "EPCI", "LIBEPCI")


def atlas_map(code: str, ind_id: str):
    """The atlas's map as streamlit_app.py assembles it: base map + one feature group."""
    import baseline_app
    import folium

    from carto.map.choropleth import build_choropleth
    from carto.map.classify import PALETTES
    from carto.map.geojson import base_map, center_of, choropleth_layer, fit_zoom, outline_layer

    terr, shapes = case_territory(code), case_shapes(code)
    indicator = baseline_app.naive_catalogue().get(ind_id)
    view = build_choropleth(terr, shapes, indicator, "quantiles", 5, next(iter(PALETTES)), None)
    epci = case_epci(code)
    try:  # the app's own layer assembly, when present
        from carto.map.layers import LayerInputs, build_layers

        group = build_layers(
            LayerInputs(
                choropleth=view.collection,
                indicator_label=indicator.label,
                zone_label="Commune",
                source_line=indicator.source_line(),
                epci=epci,
            )
        )
    except ImportError:
        group = folium.FeatureGroup(name="couches")
        group.add_child(choropleth_layer(view.collection, indicator.label, "Commune"))
        if epci is not None:
            group.add_child(outline_layer(epci, "EPCI"))
    fmap = base_map(shapes.bounds)
    return fmap, group, center_of(shapes.bounds), fit_zoom(shapes.bounds)


def baseline_map(code: str, ind_id: str):
    import baseline_app

    indicator = baseline_app.naive_catalogue().get(ind_id)
    frame = baseline_app.frame_of(case_territory(code), indicator)
    return baseline_app.naive_map(frame, indicator)


def build_path(code: str, runs: int) -> dict[str, list[float] | int]:
    """Seconds from data to the component's arguments, for both designs; bytes sent."""
    from streamlit_folium import st_folium

    from carto.map.script import base_script, layers_script

    case_shapes(code), case_epci(code)  # cached in the app (st.cache_resource)
    out: dict[str, list[float] | int] = {"atlas": [], "baseline": []}
    with ComponentCapture(passthrough=False) as cap:
        for i in range(runs + 1):
            ind = IND_B if i % 2 == 0 else IND_A
            start = time.perf_counter()
            fmap, group, _center, _zoom = atlas_map(code, ind)
            # what carto.ui.livemap sends its in-page component: the base map's script and the
            # layers' function body (the app renders the layers once per view; here every time)
            base = base_script(fmap, f"atlas_{code}")
            layers = layers_script(group, base.element_id)
            sent = {"id": base.element_id, "base": base.script, "layers": layers.body,
                    "layers_digest": layers.digest, "height": 620}  # fmt: skip
            atlas_bytes = len(json.dumps(sent, ensure_ascii=False).encode("utf-8"))
            if i:
                out["atlas"].append(time.perf_counter() - start)
            out["atlas_bytes"] = atlas_bytes
            start = time.perf_counter()
            st_folium(baseline_map(code, ind), height=620, use_container_width=True)
            if i:
                out["baseline"].append(time.perf_counter() - start)
            out["baseline_bytes"] = cap.last_bytes
    return out


# --------------------------------------------------------------------------------------------
# Browser: offline chromium, map drawn and recoloured.
# --------------------------------------------------------------------------------------------

# Polygons drawn by Leaflet that carry a fill colour: [count, hash of code:colour pairs].
FILLS_JS = """
() => {
  const m = window.map;
  if (!m || !m.eachLayer) return null;
  let n = 0, h = 0;
  m.eachLayer(l => {
    if (l.feature && l.feature.properties && l.options && l.options.fillColor
        && l.feature.geometry && l.feature.geometry.type !== 'Point') {
      n++;
      const s = (l.feature.properties.code || '') + ':' + l.options.fillColor;
      let g = 0;
      for (let i = 0; i < s.length; i++) g = (g * 31 + s.charCodeAt(i)) | 0;
      h = (h + g) | 0;
    }
  });
  return [n, h];
}
"""
PAINTED_JS = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))"
)

# Navigation timing, taken inside the page rather than by polling it from here: polling adds
# the harness's own latency (an evaluate waits for a busy main thread), in both apps and in
# the empty app alike. Installed in every frame of a fresh context: once a Leaflet map of some
# frame holds ``expected`` filled polygons, two animation frames later (painted) the top page
# records the time. The figure is that time minus the navigation start (performance.timeOrigin).
DRAWN_INIT_JS = """
(() => {
  const expected = __EXPECTED__;
  const findMap = () => {
    if (window.map && window.map.eachLayer) return window.map;
    for (const k of Object.keys(window))
      if (k.startsWith('map_') && window[k] && window[k].eachLayer) return window[k];
    return null;
  };
  const start = Date.now();
  const check = () => {
    let top;
    try { top = window.top; top.document; } catch (e) { return; }
    if (top.__benchDrawn) return;
    const m = findMap();
    if (m) {
      let n = 0;
      m.eachLayer(l => {
        if (l.feature && l.feature.properties && l.options && l.options.fillColor
            && l.feature.geometry && l.feature.geometry.type !== 'Point') n++;
      });
      if (n >= expected) {
        requestAnimationFrame(() => requestAnimationFrame(() => {
          if (!top.__benchDrawn) top.__benchDrawn = performance.timeOrigin + performance.now();
        }));
        return;
      }
    }
    if (Date.now() - start < 120000) setTimeout(check, 5);
  };
  check();
})();
"""
# The empty app: its one Markdown element "x" shown, two animation frames later.
EMPTY_INIT_JS = """
(() => {
  if (window !== window.top) return;
  const check = () => {
    const el = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .find(e => e.textContent.trim() === 'x');
    if (el) {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        window.__benchDrawn = performance.timeOrigin + performance.now();
      }));
      return;
    }
    setTimeout(check, 5);
  };
  check();
})();
"""
SINCE_NAVIGATION_JS = (
    "() => window.__benchDrawn ? (window.__benchDrawn - performance.timeOrigin) / 1000 : null"
)


def drawn_context(browser, init_js: str, expected: int = 0):
    """A fresh context whose pages time their own drawing (DRAWN_INIT_JS, EMPTY_INIT_JS)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(init_js.replace("__EXPECTED__", str(int(expected))))
    return context


def wait_drawn(page, timeout: float = 90.0) -> float:
    """Seconds from the navigation's start to the drawing, as the page measured it."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            seconds = page.evaluate(SINCE_NAVIGATION_JS)
        except Exception:  # navigation still committing
            seconds = None
        if seconds:
            return float(seconds)
        time.sleep(0.02)
    raise TimeoutError("carte non dessinée à temps")


# The baseline draws its map in streamlit-folium's iframe; the atlas in the page itself.
FOLIUM_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _map_frames(page):
    """Where a map may be: the page itself, then streamlit-folium's frame, if any."""
    yield page.main_frame
    handle = page.query_selector(FOLIUM_FRAME)
    target = handle.content_frame() if handle else None
    if target is not None:
        yield target


def poll_fills(page, done: Callable, timeout: float = 90.0):
    """Poll the map (in the page, or in the st_folium iframe) until ``done(fills)``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            for target in _map_frames(page):
                fills = target.evaluate(FILLS_JS)
                if fills and done(fills):
                    target.evaluate(PAINTED_JS)
                    return fills
        except Exception:  # frame replaced or detached while the map remounts: poll again
            pass
        time.sleep(0.015)
    raise TimeoutError("carte non dessinée à temps")


def navigate(bk, browser, url: str, code: str, expected: int):
    """Open a fresh session on the app at ``?dep=code``; seconds until the map is drawn."""
    context = drawn_context(browser, DRAWN_INIT_JS, expected)
    page = context.new_page()
    page.goto(f"{url}?dep={code}", wait_until="commit")
    elapsed = wait_drawn(page)
    fills = poll_fills(page, lambda f: f[0] >= expected)
    return elapsed, context, page, fills


def recolour(bk, page, fills, label: str, expected: int):
    """Pick an indicator in the sidebar; seconds until every polygon has its new colour."""
    page.get_by_role("combobox", name="Indicateur").click()
    # the picker lists many indicators (a scrolled, partly drawn list): type to find one; its
    # options read « Population municipale 2017 · Population · publié pour … »
    page.keyboard.type(label)
    pattern = re.compile(rf"^{re.escape(label)}( \d{{4}})?( ·|$)")
    option = page.get_by_role("option", name=pattern).first
    option.wait_for()
    before = fills[1]
    start = time.perf_counter()
    option.click()
    fills = poll_fills(page, lambda f: f[0] >= expected and f[1] != before)
    elapsed = time.perf_counter() - start
    time.sleep(0.3)  # let the rerun's tail (table) settle before the next click
    return elapsed, fills


def browser_apps(bk, browser, urls: dict[str, str], case: Case, expected: int, runs: int):
    """Navigation → map drawn, indicator change → recoloured; apps interleaved, warm servers."""
    out = {name: {"nav": [], "recolour": []} for name in urls}
    kept = {}
    for i in range(runs + 1):  # the first navigation warms each server's caches
        for name, url in urls.items():
            elapsed, context, page, fills = navigate(bk, browser, url, case.code, expected)
            if i:
                out[name]["nav"].append(elapsed)
                context.close()
            else:
                kept[name] = (context, page, fills)
    for j in range(runs + 1):  # the first change warms the caches of the new indicator
        label = IND_B_LABEL if j % 2 == 0 else IND_A_LABEL
        for name in urls:
            context, page, fills = kept[name]
            elapsed, fills = recolour(bk, page, fills, label, expected)
            kept[name] = (context, page, fills)
            if j:
                out[name]["recolour"].append(elapsed)
    for context, _page, _fills in kept.values():
        context.close()
    return out


def browser_empty(bk, browser, runs: int) -> list[float]:
    """Navigation → a trivial Streamlit app drawn: Streamlit's own start, to subtract."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "empty_app.py"
        script.write_text("import streamlit as st\n\nst.write('x')\n", encoding="utf-8")
        times = []
        with bk.serve(script) as url:
            for i in range(runs + 1):
                context = drawn_context(browser, EMPTY_INIT_JS)
                page = context.new_page()
                page.goto(url, wait_until="commit")
                elapsed = wait_drawn(page)
                if i:
                    times.append(elapsed)
                context.close()
    return times


@contextlib.contextmanager
def static_server(root: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def browser_static(browser, code: str, expected: int, runs: int) -> dict[str, list | int]:
    """Both maps of a case as plain folium pages (Leaflet at /app/static as in the app)."""
    from carto.map.assets import ensure_leaflet

    out: dict[str, list | int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ensure_leaflet(root / "app" / "static" / "vendor" / "leaflet")
        fmap, group, _center, _zoom = atlas_map(code, IND_A)
        group.add_to(fmap)
        pages = {"atlas": fmap.get_root().render(), "baseline": None}
        pages["baseline"] = baseline_map(code, IND_A).get_root().render()
        for name, text in pages.items():
            (root / f"{name}.html").write_text(text, encoding="utf-8")
            out[f"{name}_html_bytes"] = len(text.encode("utf-8"))
        with static_server(root) as url:
            out |= {name: [] for name in pages}
            for i in range(runs + 1):
                for name in pages:
                    context = drawn_context(browser, DRAWN_INIT_JS, expected)
                    page = context.new_page()
                    page.goto(f"{url}{name}.html", wait_until="commit")
                    elapsed = wait_drawn(page)
                    if i:
                        out[name].append(elapsed)
                    context.close()
    return out


def server_pid(url: str) -> int:
    """PID of the ``streamlit run`` started by browserkit.serve for this URL's port."""
    port = url.rstrip("/").rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"--server.port={port}".encode() in cmd:
            return int(proc.name)
    raise RuntimeError("processus Streamlit introuvable")


def rss_mb(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def memory(bk, browser, app: Path, expected: dict[str, int]) -> tuple[float, float]:
    """Resident memory of a fresh server after opening 54, then France, then 62."""
    with bk.serve(app) as url:
        pid = server_pid(url)
        for code in ("54", "FR", "62"):
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{url}?dep={code}")
            poll_fills(page, lambda f, n=expected[code]: f[0] >= n)
            context.close()
        time.sleep(1.0)
        return rss_mb(pid)


# --------------------------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------------------------


def machine_line(info: dict, duration_s: float) -> str:
    """The line printed above a bench's table; notes the load at the end in ``info``."""
    info["loadavg_end"] = Path("/proc/loadavg").read_text().split()[0]
    return (
        f"Machine : {info['cpu']}, {info['nproc']} cœurs, {info['memory']} de mémoire, "
        f"Python {info['python']} — durée du banc {duration_s:.0f} s — charge (loadavg 1 min) "
        f"{info['loadavg'].replace('.', ',')} au début, "
        f"{info['loadavg_end'].replace('.', ',')} à la fin\n"
    )


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem.splitlines()[1].split()[1] if mem else "?",
        "python": platform.python_version(),
        "loadavg": Path("/proc/loadavg").read_text().split()[0],
    }


def run(args: argparse.Namespace) -> list[Row]:
    runs = args.runs or (3 if args.quick else 5)
    cases = [c for c in CASES if not args.quick or c.code in QUICK_CASES]
    rows: list[Row] = []
    counts = {c.code: len(case_territory(c.code).zones) for c in CASES}

    def dep_budget(case: Case) -> bool:
        return case.code.isalnum() and case.code not in ("FR",) and not case.code.startswith("R")

    # Server side ---------------------------------------------------------------------------
    for case in cases:
        n = counts[case.code]
        small = dep_budget(case) and n <= 900
        if case.in_app:
            log(f"cold start {case.code}")
            cold = cold_start(case.code, args.cold_runs or runs)
            ca, cb = cold["atlas"], cold["baseline"]
            rows.append(
                Row("Serveur : démarrage à froid (1er at.run)", case.label, "s",
                    median(ca), median(cb), runs_atlas=ca, runs_baseline=cb)
            )  # fmt: skip
            log(f"warm reruns {case.code}")
            warm = warm_reruns(case, runs)
            wa, wb = warm["atlas"], warm["baseline"]
            for key, name in (("ind", "indicateur"), ("dep", "département")):
                rows.append(
                    Row(
                        f"Serveur : rerun AppTest après changement d'{name}"
                        if name == "indicateur"
                        else f"Serveur : rerun AppTest après changement de {name}",
                        case.label, "ms",
                        median(wa[key]) * 1000, median(wb[key]) * 1000,
                        budget=150 if small else None,
                        budget_text="≤ 150 ms et ≥ 5× plus rapide" if small else "≥ 5× plus rapide",
                        ratio_max=0.2,
                        runs_atlas=[t * 1000 for t in wa[key]],
                        runs_baseline=[t * 1000 for t in wb[key]],
                    )
                )  # fmt: skip
        log(f"build path {case.code}")
        bp = build_path(case.code, runs)
        rows.append(
            Row("Construction pure : couches + rendu folium + arguments st_folium", case.label,
                "ms", median(bp["atlas"]) * 1000, median(bp["baseline"]) * 1000,
                budget=150 if small else None,
                budget_text="≤ 150 ms" if small else "—",
                runs_atlas=[t * 1000 for t in bp["atlas"]],
                runs_baseline=[t * 1000 for t in bp["baseline"]])
        )  # fmt: skip
        per = bp["atlas_bytes"] / n
        rows.append(
            Row("Octets envoyés pour la carte (par rerun)", case.label, "Ko",
                bp["atlas_bytes"] / 1024, bp["baseline_bytes"] / 1024,
                budget=5 * 1024 if case.code.startswith("R") else None,
                budget_text="≤ 5 Mo" if case.code.startswith("R") else "—",
                note=f"{n} zones")
        )  # fmt: skip
        rows.append(
            Row("Octets envoyés par zone", case.label, "o",
                per, bp["baseline_bytes"] / n,
                budget=1024 if dep_budget(case) else None,
                budget_text="≤ 1 Ko / commune" if dep_budget(case) else "—")
        )  # fmt: skip

    # Browser --------------------------------------------------------------------------------
    if args.no_browser:
        return rows
    import browserkit as bk

    with bk.browser() as browser:
        log("browser: empty app")
        empty = browser_empty(bk, browser, runs)
        empty_s = median(empty)
        rows.append(
            Row("Navigateur : appli vide dessinée (st.write)", "—", "s", empty_s,
                runs_atlas=empty, note="départ propre de Streamlit, soustrait ci-dessous")
        )  # fmt: skip
        in_app = [c for c in cases if c.in_app]
        results: dict[str, dict[str, dict]] = {}
        with bk.serve(ATLAS_APP) as atlas_url, bk.serve(BASELINE_APP) as baseline_url:
            urls = {"atlas": atlas_url, "baseline": baseline_url}
            for case in in_app:
                log(f"browser: {case.code}")
                results[case.code] = browser_apps(bk, browser, urls, case, counts[case.code], runs)
        for case in in_app:
            a, b = results[case.code]["atlas"], results[case.code]["baseline"]
            small = dep_budget(case) and counts[case.code] <= 900
            limit = 1.5 if small else (1.0 if case.code == "FR" else None)
            rows.append(
                Row("Navigateur : navigation → carte dessinée", case.label, "s",
                    median(a["nav"]), median(b["nav"]),
                    runs_atlas=a["nav"], runs_baseline=b["nav"])
            )  # fmt: skip
            rows.append(
                Row("Navigateur : carte dessinée après le départ de l'appli vide", case.label,
                    "s", median(a["nav"]) - empty_s, median(b["nav"]) - empty_s,
                    budget=limit, budget_text=f"≤ {limit:g} s".replace(".", ",") if limit else "—")
            )  # fmt: skip
            rows.append(
                Row("Navigateur : changement d'indicateur → carte recolorée", case.label, "s",
                    median(a["recolour"]), median(b["recolour"]),
                    budget=0.6 if small else None, budget_text="≤ 0,6 s" if small else "—",
                    runs_atlas=a["recolour"], runs_baseline=b["recolour"])
            )  # fmt: skip
        for case in cases:
            if case.in_app:
                continue
            log(f"browser: static pages {case.code}")
            st = browser_static(browser, case.code, counts[case.code], runs)
            rows.append(
                Row("Navigateur : page folium statique → carte dessinée", case.label, "s",
                    median(st["atlas"]), median(st["baseline"]), budget=6.0,
                    budget_text="≤ 6 s", runs_atlas=st["atlas"], runs_baseline=st["baseline"],
                    note=f"HTML {fmt(st['atlas_html_bytes'] / 2**20, 'Mo ')} contre "
                    f"{fmt(st['baseline_html_bytes'] / 2**20, 'Mo ')}")
            )  # fmt: skip
        log("memory")
        expected = {c: counts[c] for c in ("54", "FR", "62")}
        ma = memory(bk, browser, ATLAS_APP, expected)
        mb = memory(bk, browser, BASELINE_APP, expected)
        rows.append(
            Row("Mémoire résidente du serveur après 54, FR, 62 (VmRSS)", "France entière", "Mo",
                ma[0], mb[0], budget=1536, budget_text="< 1,5 Go",
                note=f"pic VmHWM {ma[1]:.0f} Mo contre {mb[1]:.0f} Mo")
        )  # fmt: skip
    return rows


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    digits = 0 if unit in ("ms", "o", "Mo") else (2 if unit == "s" else 1)  # "Mo ": 1 digit
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    return f"{text} {unit}"


def table(rows: list[Row]) -> str:
    lines = [
        "| Mesure | Cas | Atlas | Référence naïve | Ratio atlas / réf. | Budget | Verdict |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}".replace(".", ",")
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.figure}{note} | {r.case} | {fmt(r.atlas, r.unit)} | "
            f"{fmt(r.baseline, r.unit)} | {ratio} | {r.budget_text} | {r.verdict} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="54 et France, 3 mesures")
    parser.add_argument("--runs", type=int, default=0, help="mesures par chiffre (défaut 5)")
    parser.add_argument("--cold-runs", type=int, default=0, help="démarrages à froid par cas")
    parser.add_argument("--json", type=Path, help="écrire les résultats dans ce fichier")
    parser.add_argument("--no-browser", action="store_true", help="côté serveur seulement")
    parser.add_argument("--_cold", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._cold:
        cold_child(*args._cold)
        return 0
    logging.disable(logging.WARNING)  # bare-mode st_folium calls warn on every build
    started = time.perf_counter()
    info = machine()
    rows = run(args)
    total = time.perf_counter() - started
    print(machine_line(info, total))
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "machine": info,
            "duration_s": total,
            "rows": [asdict(r) | {"ratio": r.ratio, "verdict": r.verdict} for r in rows],
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
