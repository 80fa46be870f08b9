"""Several app servers behind nginx (issue 15): simultaneous sessions on one shared link with
1 and 2 app servers, what the websocket's compression changes, 8 sessions writing
observations across both servers, and the cost of the per-rerun revision check.

    python bench/bench_cluster.py                    # 30 and 60 sessions, 1 and 2 servers
    python bench/bench_cluster.py --sessions 10 30   # other loads
    python bench/bench_cluster.py --json bench/results/cluster.json

Everything runs on loopback: a throwaway PostgreSQL cluster (tests/pgcluster.py), the app
servers and nginx started by deploy/atlas-cluster.sh (tests/clusterkit.py), and the sessions
of bench/wsload.py (raw websocket sessions speaking Streamlit's protocol, no browser). Each
figure is the time from the common start until a session's first run has finished
(``script_finished``), measured on warm servers (one session per server first); the cold
start of each server is reported apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_DIR / "tests"))  # pgcluster, clusterkit: the tests' harness
sys.path.insert(0, str(REPO_DIR / "bench"))
sys.path.insert(0, str(REPO_DIR))  # this checkout's carto, whatever is installed

from clusterkit import AFFINITY_COOKIE, cluster  # noqa: E402
from pgcluster import private_cluster  # noqa: E402
from wsload import MAP_DRAWN, Session, run_sessions, summarise  # noqa: E402

from carto.common.fmt import format_number  # noqa: E402

LINK = "dep=54"
SECRET = "code-du-banc-d-essai"
WRITERS, NOTES = 8, 5


def _warm(proxy: str, ports: list[int], cookies: dict[int, str]) -> dict[int, float]:
    """One session per server (its cold start), so that the loads measure warm servers."""
    cold = {}
    for port in ports:
        headers = {"Cookie": f"{AFFINITY_COOKIE}={cookies[port]}"}
        [timing] = run_sessions(proxy, LINK, 1, headers=headers, compression="deflate")
        cold[port] = timing.run_s
    return cold


def _wire_bytes(run_dir: Path, since: int) -> list[int]:
    """Bytes nginx sent for each websocket closed since line ``since`` of its access log."""
    lines = (run_dir / "nginx" / "logs" / "access.log").read_text().splitlines()[since:]
    return [int(line.split('" ')[1].split()[1]) for line in lines if "_stcore/stream" in line]


def _log_lines(run_dir: Path) -> int:
    path = run_dir / "nginx" / "logs" / "access.log"
    return len(path.read_text().splitlines()) if path.exists() else 0


def _load(servers, sessions: int, compression: str | None) -> dict:
    start = _log_lines(servers.run_dir)
    timings = run_sessions(servers.proxy, LINK, sessions, compression=compression, timeout=600)
    time.sleep(1.0)  # nginx writes the websockets' lines once they are closed
    wire = _wire_bytes(servers.run_dir, start)
    summary = summarise(timings)
    return {
        "sessions": sessions,
        "compression": compression or "aucune",
        "median_s": summary.median_s,
        "slowest_s": summary.slowest_s,
        "map_median_s": summary.map_median_s,
        "map_slowest_s": summary.map_slowest_s,
        "failed": summary.failed,
        "per_server": summary.per_server,
        "received_bytes_median": statistics.median(t.bytes for t in timings),
        "wire_bytes_median": statistics.median(wire) if wire else None,
        "map_element_bytes": max(t.largest for t in timings),
    }


async def _writer(proxy: str, cookie: str, number: int) -> list[str]:
    """One partner: opens the link on Nancy, types the edit code, writes NOTES observations."""
    headers = {"Cookie": f"{AFFINITY_COOKIE}={cookie}"}
    written = []
    async with Session(proxy, "dep=54&sel=54395", headers=headers, timeout=600) as s:
        run = await s.run()
        after_map = next(w for w in run.widgets if w.label == MAP_DRAWN)
        s.set_json(after_map, json.dumps({"drawn": True}))  # the browser, once the map is drawn
        run = await s.run()
        s.set_choice(run.widget("Panneau", "button_group"), "Diagnostic partagé")
        run = await s.run()
        code = run.widget("Code d'édition (pour importer, enregistrer ou supprimer)")
        s.set_text(code, SECRET)
        run = await s.run()
        del s.states[code.id]  # typed once: the field is gone, the code kept in the session
        for k in range(NOTES):
            text = f"session {number} note {k}"
            s.set_text(run.widget("Organisation", "text_input"), f"CCAS {number}")
            s.set_text(run.widget("Auteur", "text_input"), f"auteur {number}")
            s.set_text(run.widget("Observation", "text_area"), text)
            run = await s.run(click=run.widget("Enregistrer l'observation", "button"))
            if not any("Observation enregistrée" in t for t in run.texts()):
                raise RuntimeError(f"observation not confirmed: {run.texts()[-5:]}")
            written.append(text)
        return written, s.server


async def _writers(proxy: str, cookies: list[str]) -> list:
    return await asyncio.gather(
        *(_writer(proxy, cookies[n % len(cookies)], n) for n in range(WRITERS))
    )


def _check_writes(url: str, proxy: str, cookies: list[str]) -> dict:
    from carto.diagnosis.store import Store

    started = time.perf_counter()
    results = asyncio.run(_writers(proxy, cookies))
    seconds = time.perf_counter() - started
    expected = sorted(text for written, _ in results for text in written)
    store = Store(url, edit_secret=SECRET)
    stored = sorted(o.text for o in store.list_observations())
    store.close()
    servers = sorted({server for _, server in results})
    return {
        "sessions": WRITERS,
        "observations_written": len(expected),
        "observations_stored": len(stored),
        "lost": len(set(expected) - set(stored)),
        "duplicated": len(stored) - len(set(stored)),
        "servers": servers,
        "seconds": seconds,
    }


def _revision_check(url: str) -> dict:
    """The per-rerun read of the revisions (one query), here and on the default files."""
    from carto.common import backends

    figures = {}
    for label, value in (("PostgreSQL", url), ("fichiers (var/)", None)):
        if value:
            os.environ["ATLAS_DATABASE_URL"] = value
        else:
            os.environ.pop("ATLAS_DATABASE_URL", None)
        backends.close_all()
        backends.pin_revisions()  # connect and migrate first
        runs = []
        for _ in range(500):
            started = time.perf_counter()
            backends.pin_revisions()
            runs.append(time.perf_counter() - started)
        figures[label] = statistics.median(runs) * 1000
    os.environ.pop("ATLAS_DATABASE_URL", None)
    backends.close_all()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[30, 60])
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict = {"loads": [], "cold_start_s": {}, "load_average": [os.getloadavg()[0]]}
    with tempfile.TemporaryDirectory() as tmp, private_cluster() as pg:
        data = Path(tmp) / "donnees"
        data.mkdir()
        env = {"ATLAS_EDIT_SECRET": SECRET, "ATLAS_DATA_DIR": str(data)}
        for count in args.servers:
            with cluster(Path(tmp) / f"run{count}", pg.url, count, env) as servers:
                cookies = {port: servers.cookie_for(port) for port in servers.ports}
                cold = _warm(servers.proxy, servers.ports, cookies)
                results["cold_start_s"][count] = list(cold.values())
                for n in args.sessions:
                    # The websocket's compression is compared at the first load, each order
                    # once (the machine is shared: a burst of load would favour one side).
                    first = n == args.sessions[0]
                    orders = ("deflate", None, None, "deflate") if first else ("deflate",)
                    for compression in orders:
                        figure = _load(servers, n, compression)
                        results["loads"].append({"servers": count, **figure})
                        print(json.dumps(results["loads"][-1], ensure_ascii=False), flush=True)
                if count == 2:
                    pinned = list(cookies.values())
                    results["writers"] = _check_writes(pg.url, servers.proxy, pinned)
                    print(json.dumps(results["writers"], ensure_ascii=False), flush=True)
        results["revision_check_ms"] = _revision_check(pg.url)
        results["data_folder_empty"] = not any(data.rglob("*"))
    results["load_average"].append(os.getloadavg()[0])
    print(_table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")


def _fr(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def _table(results: dict) -> str:
    lines = [
        "| serveurs | sessions | compression | carte envoyée : médiane / plus lente "
        "| page complète : médiane / plus lente | échecs | par serveur "
        "| octets reçus / session | octets sur le fil / session |",
        "|---:|---:|---|---:|---:|---:|---|---:|---:|",
    ]
    for f in results["loads"]:
        split = " / ".join(str(v) for v in f["per_server"].values())
        wire = f["wire_bytes_median"]
        lines.append(
            f"| {f['servers']} | {f['sessions']} | {f['compression']} "
            f"| {_fr(f['map_median_s'])} / {_fr(f['map_slowest_s'])} s "
            f"| {_fr(f['median_s'])} / {_fr(f['slowest_s'])} s | {f['failed']} | {split} | "
            f"{format_number(f['received_bytes_median'])} | "
            f"{'' if wire is None else format_number(wire)} |"
        )
    cold = "; ".join(f"{k} serveur(s) : " + ", ".join(_fr(s) for s in v) + " s"
                     for k, v in results["cold_start_s"].items())  # fmt: skip
    lines.append(f"\nDémarrage à froid (première session de chaque serveur) : {cold}")
    if "writers" in results:
        w = results["writers"]
        lines.append(
            f"Écritures : {w['sessions']} sessions sur {len(w['servers'])} serveurs, "
            f"{w['observations_written']} observations écrites, {w['observations_stored']} "
            f"enregistrées, {w['lost']} perdues, {w['duplicated']} en double "
            f"({_fr(w['seconds'], 1)} s)"
        )
    checks = ", ".join(f"{k} {_fr(v, 3)} ms" for k, v in results["revision_check_ms"].items())
    lines.append(f"Lecture des révisions par exécution (médiane de 500) : {checks}")
    lines.append(f"Dossier de données des serveurs resté vide : {results['data_folder_empty']}")
    start, end = results["load_average"]
    lines.append(f"Charge de la machine (1 min) : {_fr(start, 1)} au début, {_fr(end, 1)} à la fin")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
