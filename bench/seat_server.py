"""Server figures from a user's seat, with raw websocket sessions (``bench/wsload.py``).

Each session opens ``/_stcore/stream`` and asks for one run of the link, as a browser does; the
figure is the time until its first run has finished (``script_finished``), counted from the
common start: what a user waits for before the browser can draw, without the browser's cost.
The server's own process is watched through ``/proc``: its CPU time (user + system, so the
figure does not grow with the other work of a shared machine) and its resident memory while
the sessions are open.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench_atlas import server_pid
from wsload import SessionTiming, summarise
from wsload import run_sessions as _run_sessions

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (``/proc/PID/stat`` fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS absent")


def run_sessions(*args, **kwargs) -> list[SessionTiming]:
    """wsload's sessions in a thread of their own: playwright's sync API keeps an event loop
    running in this one, where ``asyncio.run`` is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_run_sessions, *args, **kwargs).result()


@dataclass
class Load:
    """N sessions opening the same link at once on a warm server."""

    sessions: int
    median_s: float  # the page complete (every run the browser causes)
    slowest_s: float
    map_median_s: float  # the map sent (the first run)
    map_slowest_s: float
    failed: int
    cpu_per_session_s: float  # the server's CPU time spent, divided by N
    memory_per_session_mb: float | None  # resident memory with the N sessions open, per session
    bytes_per_session: int  # what one session received, every run of the page
    map_bytes: int  # the largest element (the map's component)
    finished: list[float] = field(default_factory=list)


# Resident memory of each warm server when idle, before any load: the reference of the memory
# per session. Measured against the memory just before each load instead, a load after a larger
# one reuses what the allocator kept and shows almost nothing (or less than nothing).
IDLE_RSS_MB: dict[int, float] = {}


def _load(url: str, query: str, sessions: int, pid: int) -> Load:
    before_rss = IDLE_RSS_MB.get(pid, rss_mb(pid))
    before_cpu = cpu_seconds(pid)
    seen: dict[str, float] = {}

    def while_open() -> None:
        seen["cpu"] = cpu_seconds(pid)
        time.sleep(0.3)  # let the server finish sending before the memory is read
        seen["rss"] = rss_mb(pid)

    timings: list[SessionTiming] = run_sessions(
        url, query, sessions, timeout=600, while_open=while_open
    )
    summary = summarise(timings)
    done = [t for t in timings if not t.error]
    return Load(
        sessions=sessions,
        median_s=summary.median_s,
        slowest_s=summary.slowest_s,
        map_median_s=summary.map_median_s,
        map_slowest_s=summary.map_slowest_s,
        failed=summary.failed,
        cpu_per_session_s=(seen.get("cpu", cpu_seconds(pid)) - before_cpu) / sessions,
        memory_per_session_mb=(seen["rss"] - before_rss) / sessions if "rss" in seen else None,
        bytes_per_session=int(statistics.median(t.bytes for t in done)) if done else 0,
        map_bytes=max((t.largest for t in done), default=0),
        finished=sorted(t.finished_s for t in timings),
    )


def first_session(serve, app: Path, query: str, env: dict | None = None) -> SessionTiming:
    """A fresh server: its first session's run (imports, data, caches all cold)."""
    with serve(app, env=env) as url:
        [timing] = run_sessions(url, query, 1, timeout=600)
    if timing.error:
        raise RuntimeError(f"{app.name} : {timing.error}")
    return timing


def settle(pid: int, quiet_s: float = 1.0, busy_s: float = 0.02, limit_s: float = 60) -> float:
    """Wait until the server is idle: its CPU time grew by less than ``busy_s`` over
    ``quiet_s``. Returns the seconds waited.

    Why: a server may keep working after its first session (the atlas reads all of France in
    a background thread after its first view); a « warm server » figure measured meanwhile
    would count that work in every session's time and CPU. Both apps wait the same way.
    """
    started = time.perf_counter()
    before = cpu_seconds(pid)
    while time.perf_counter() - started < limit_s:
        time.sleep(quiet_s)
        now = cpu_seconds(pid)
        if now - before < busy_s:
            break
        before = now
    return time.perf_counter() - started


@contextlib.contextmanager
def warm_server(serve, app: Path, query: str, env: dict | None = None) -> Iterator[tuple]:
    """A server warmed by one session on the link, then idle; yields (url, pid)."""
    with serve(app, env=env) as url:
        [timing] = run_sessions(url, query, 1, timeout=600)
        if timing.error:
            raise RuntimeError(f"{app.name} : {timing.error}")
        pid = server_pid(url)
        time.sleep(3)  # the atlas's warm-up starts 2 s after its first view
        settle(pid)
        IDLE_RSS_MB[pid] = rss_mb(pid)
        yield url, pid


def one_session(url: str, query: str) -> SessionTiming:
    [timing] = run_sessions(url, query, 1, timeout=600)
    return timing


def load(url: str, pid: int, query: str, sessions: int) -> Load:
    """``sessions`` sessions at once; the server settles before and after."""
    time.sleep(0.5)
    out = _load(url, query, sessions, pid)
    time.sleep(0.5)
    return out
