"""Performance from a user's seat (issue 14): the atlas against the naive baseline, one run.

    python bench/bench_seat.py                       # 5 runs per figure (~20 min)
    python bench/bench_seat.py --runs 3 --json bench/results/seat.json
    python bench/bench_seat.py --only server         # or: browser
    python bench/perf_table.py bench/results/seat.json   # the README's table from the JSON

Browser figures are timed inside the page (``bench/seat_browser.py``), server figures with raw
websocket sessions speaking Streamlit's protocol (``bench/wsload.py``, ``bench/seat_server.py``).
The atlas (``streamlit_app.py``) and the baseline (``bench/baseline_app.py``) alternate run by
run, so a burst of the shared machine's load hits both; every figure is a median. The atlas is
also measured with its private hooks off (``ATLAS_HOOKS=off``, ``carto/ui/hooks.py``): what
they buy is the difference. What each figure means: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR / "tests"))  # browserkit: the project's browser harness
sys.path.insert(0, str(REPO_DIR / "bench"))
sys.path.insert(0, str(REPO_DIR))  # this checkout's carto, whichever is installed

import seat_browser as sb  # noqa: E402
import seat_server as ss  # noqa: E402
from bench_atlas import (  # noqa: E402
    ATLAS_APP,
    BASELINE_APP,
    IND_A_LABEL,
    IND_B_LABEL,
    Row,
    browser_empty,
    log,
    machine,
    machine_line,
    table,
)

CASE, CASE_LABEL = "54", "Meurthe-et-Moselle (54)"
QUERY = f"dep={CASE}"
PAYLOAD_CASES = {"54": "Meurthe-et-Moselle (54)", "62": "Pas-de-Calais (62)", "59": "Nord (59)"}
NO_HOOKS = {"ATLAS_HOOKS": "off"}
# The baseline keeps Streamlit's default collection after every run, which the repository's
# .streamlit/config.toml turns off for the atlas (both are started from the repository's root).
BASELINE_ENV = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"}
APPS = {"atlas": (ATLAS_APP, None), "baseline": (BASELINE_APP, BASELINE_ENV)}
LABELS = (IND_B_LABEL, IND_A_LABEL)


def commune_counts() -> dict[str, int]:
    from carto.territories.bundle import read_bundle
    from carto.territories.zones import territory

    bundle = read_bundle()
    return {code: len(territory(bundle, code).zones) for code in PAYLOAD_CASES}


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def row(figure: str, unit: str, runs: dict[str, list[float]], name: str = "atlas", **kw) -> Row:
    """A Row from the runs of ``name`` (the atlas, or the atlas without hooks) and the baseline."""
    a, b = runs.get(name, []), runs.get("baseline", [])
    scale = 1000 if unit == "ms" else 1
    return Row(
        figure, kw.pop("case", CASE_LABEL), unit,
        None if not a else median(a) * scale, None if not b else median(b) * scale,
        runs_atlas=[x * scale for x in a], runs_baseline=[x * scale for x in b], **kw,
    )  # fmt: skip


# --- fresh servers: the first visit and the first session after a start --------------------


def fresh_figures(
    bk, browser, runs: int, expected: int, server: bool
) -> dict[str, dict[str, list[float]]]:
    out = {key: {"atlas": [], "baseline": []} for key in ("visit", "ready", "session")}
    for i in range(runs):
        for name, (app, env) in APPS.items():
            if browser is not None:
                log(f"première visite {name} ({i + 1}/{runs})")
                visit = sb.first_visit(bk, browser, app, QUERY, expected, env)
                out["visit"][name].append(visit.drawn_s)
                out["ready"][name].append(visit.ready_s)
            if server:
                log(f"première session {name} ({i + 1}/{runs})")
                timing = ss.first_session(bk.serve, app, QUERY, env)
                out["session"][name].append(timing.finished_s)
    return out


# --- warm servers ---------------------------------------------------------------------------


def browser_figures(bk, browser, urls: dict[str, str], runs: int, expected: int) -> dict:
    visits = {name: [] for name in urls}
    kept = {}
    for i in range(runs + 1):  # the first opening warms each server's caches for the browser
        for name, url in urls.items():
            elapsed, context, page, fills = sb.open_link(bk, browser, url, QUERY, expected)
            if i:
                visits[name].append(elapsed)
                context.close()
            else:
                kept[name] = (context, page, fills)
    recolours = {name: [] for name in urls}
    for name, (context, page, fills) in kept.items():
        log(f"recoloriage {name}")
        recolours[name] = sb.recolour_runs(bk, page, fills, LABELS, expected, runs)
        context.close()
    return {"visit": visits, "recolour": recolours}


def server_figures(servers: dict[str, tuple], runs: int, steps: list[int], counts) -> dict:
    alone = {name: [] for name in servers}
    for _ in range(runs):
        for name, (url, _pid) in servers.items():
            alone[name].append(ss.one_session(url, QUERY).finished_s)
    payload = {}
    for code in PAYLOAD_CASES:
        for name, (url, _pid) in servers.items():
            timing = ss.one_session(url, f"dep={code}")
            payload.setdefault(code, {})[name] = [timing.largest / counts[code]]
    loads: dict[int, dict[str, list]] = {}
    for n in steps:
        repeat = runs if n == 30 else 1
        for _ in range(repeat):
            for name, (url, pid) in servers.items():
                log(f"{n} sessions {name}")
                loads.setdefault(n, {}).setdefault(name, []).append(ss.load(url, pid, QUERY, n))
    return {"alone": alone, "payload": payload, "loads": loads}


def load_rows(loads: dict[int, dict[str, list]]) -> list[Row]:
    rows = []
    for n, by_app in loads.items():
        runs_slow = {k: [x.slowest_s for x in v] for k, v in by_app.items()}
        runs_med = {k: [x.median_s for x in v] for k, v in by_app.items()}
        map_slow = {k: [x.map_slowest_s for x in v] for k, v in by_app.items()}
        map_med = {k: [x.map_median_s for x in v] for k, v in by_app.items()}
        for name in [k for k in by_app if k != "baseline"]:
            suffix = "" if name == "atlas" else " — atlas sans crochets"
            budget = {"budget": 1.5, "budget_text": "≤ 1,5 s"} if n == 30 else {}
            rows.append(row(f"Serveur : {n} sessions simultanées, carte envoyée, la plus lente"
                            f"{suffix}", "s", map_slow, name, **budget))  # fmt: skip
            rows.append(row(f"Serveur : {n} sessions simultanées, carte envoyée, médiane"
                            f"{suffix}", "s", map_med, name))  # fmt: skip
            rows.append(row(f"Serveur : {n} sessions simultanées, page complète, la plus lente"
                            f"{suffix}", "s", runs_slow, name))  # fmt: skip
            rows.append(row(f"Serveur : {n} sessions simultanées, page complète, médiane"
                            f"{suffix}", "s", runs_med, name))  # fmt: skip
            if n >= 30:
                cpu = {k: [x.cpu_per_session_s for x in v] for k, v in by_app.items()}
                rows.append(row(f"Serveur : temps CPU par session ({n} sessions){suffix}", "ms",
                                cpu, name))  # fmt: skip
                mem = {k: [x.memory_per_session_mb * 1024 for x in v
                           if x.memory_per_session_mb is not None]
                       for k, v in by_app.items()}  # fmt: skip
                rows.append(row(f"Serveur : mémoire par session ouverte ({n} sessions){suffix}",
                                "Ko", mem, name))  # fmt: skip
    return rows


def run(args: argparse.Namespace) -> tuple[list[Row], dict]:
    import browserkit as bk

    counts = commune_counts()
    expected = counts[CASE]
    raw: dict = {}
    rows: list[Row] = []
    use_browser = args.only in (None, "browser")
    use_server = args.only in (None, "server")
    with bk.browser() as browser:
        b = browser if use_browser else None
        fresh = fresh_figures(bk, b, args.runs, expected, use_server)
        raw["fresh"] = fresh
        if use_browser:
            rows.append(row("Navigateur : première visite après le démarrage du serveur "
                            "(navigation → carte dessinée)", "s", fresh["visit"],
                            ratio_max=0.6, budget_text="≤ 0,6 × la référence"))  # fmt: skip
            rows.append(row("Serveur : démarrage → réponse de santé (l'atlas importe son code "
                            "avant d'écouter)", "s", fresh["ready"]))  # fmt: skip
        if use_server:
            rows.append(row("Serveur : première session après le démarrage (page complète)",
                            "s", fresh["session"]))  # fmt: skip
        apps = {**APPS, "no_hooks": (ATLAS_APP, NO_HOOKS)}
        with (
            ss.warm_server(bk.serve, apps["atlas"][0], QUERY) as atlas,
            ss.warm_server(bk.serve, apps["baseline"][0], QUERY, apps["baseline"][1]) as baseline,
            ss.warm_server(bk.serve, ATLAS_APP, QUERY, NO_HOOKS) as no_hooks,
        ):
            servers = {"atlas": atlas, "baseline": baseline, "no_hooks": no_hooks}
            urls = {name: url for name, (url, _pid) in servers.items()}
            if use_browser:
                log("navigateur : visites suivantes et recoloriage")
                warm = browser_figures(bk, browser, urls, args.runs, expected)
                raw["browser"] = warm
                for name in ("atlas", "no_hooks"):
                    suffix = "" if name == "atlas" else " — atlas sans crochets"
                    rows.append(row(f"Navigateur : visite suivante, contexte neuf{suffix}", "s",
                                    warm["visit"], name, ratio_max=0.6,
                                    budget_text="≤ 0,6 × la référence"))  # fmt: skip
                    rows.append(row(f"Navigateur : changement d'indicateur → carte recolorée"
                                    f"{suffix}", "s", warm["recolour"], name, budget=0.3,
                                    budget_text="≤ 0,3 s"))  # fmt: skip
            if use_server:
                log("serveur : sessions sur serveur chaud")
                srv = server_figures(servers, args.runs, args.sessions, counts)
                raw["server"] = {
                    "alone": srv["alone"],
                    "payload": srv["payload"],
                    "loads": {
                        n: {k: [asdict(x) for x in v] for k, v in by.items()}
                        for n, by in srv["loads"].items()
                    },
                }
                for name in ("atlas", "no_hooks"):
                    suffix = "" if name == "atlas" else " — atlas sans crochets"
                    rows.append(row(f"Serveur : une session seule, serveur chaud{suffix}", "s",
                                    srv["alone"], name))  # fmt: skip
                for code, label in PAYLOAD_CASES.items():
                    rows.append(row("Octets de la carte par commune (élément du composant)", "o",
                                    srv["payload"][code], case=label, budget=600,
                                    budget_text="≤ 600 o",
                                    note=f"{counts[code]} communes"))  # fmt: skip
                rows += load_rows(srv["loads"])
        if use_browser:
            empty = browser_empty(bk, browser, args.runs)
            rows.append(Row("Navigateur : appli Streamlit vide dessinée (st.write)", "—", "s",
                            median(empty), runs_atlas=empty,
                            note="départ propre de Streamlit, pour lecture"))  # fmt: skip
    return rows, raw


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="mesures par chiffre (défaut 5)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30, 60])
    parser.add_argument("--only", choices=("browser", "server"))
    parser.add_argument("--json", type=Path, help="écrire les résultats dans ce fichier")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    started = time.perf_counter()
    info = machine()
    rows, raw = run(args)
    info["duration_s"] = round(time.perf_counter() - started)
    print(machine_line(info, info["duration_s"]))
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "machine": info,
            "rows": [asdict(r) | {"ratio": r.ratio, "verdict": r.verdict} for r in rows],
            "raw": raw,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
