"""Raw Streamlit sessions over the websocket, without a browser: many at once, timed.

Why: a browser per session costs a core of its own, so 60 browsers measure the browsers. A
Streamlit session is a websocket (``/_stcore/stream``) carrying protobufs: the client asks for
a run (``BackMsg.rerun_script`` with the link's query string and the widgets' values), the
server answers with the page's elements and ``script_finished``. These clients speak that
protocol, so the server does exactly the work it does for a browser (the whole script, the
map's payload sent), and the time until ``script_finished`` is the time a user waits for the
server, without the browser's drawing. The atlas's first run draws the map alone and asks the
browser to say when it is drawn (``carto/ui/after_map.py``); these clients answer at once, as
a browser does once it has drawn the map, and a session ends with that second run: the page
complete.

Reusable (see bench/README.md):

    from wsload import run_sessions
    timings = run_sessions("http://127.0.0.1:8080/", "dep=54", sessions=30)

and ``Session`` drives one session's widgets by their labels (type a code, choose a panel,
submit a form), as ``bench/bench_cluster.py`` does to write observations.

Command line: ``python bench/wsload.py URL [--query dep=54] [--sessions 30]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = 0  # ForwardMsg.script_finished: FINISHED_SUCCESSFULLY
COMPILE_ERROR = 1
SERVER_HEADER = "X-Atlas-Server"  # set by deploy/nginx/atlas.conf: which server answered
MAP_DRAWN = "atlas_after_map"  # the component a browser answers once its map is drawn


def stream_url(url: str) -> str:
    """``http://host:port/base/`` → ``ws://host:port/base/_stcore/stream``."""
    parts = urlsplit(url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    path = parts.path.rstrip("/") + "/_stcore/stream"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class Widget:
    """A widget of the page as the server described it."""

    id: str
    kind: str  # the element's type: text_input, button, selectbox, button_group…
    label: str
    form_id: str = ""


@dataclass
class Run:
    """What one run of the script sent: its elements, widgets, texts and size."""

    status: int = -1
    elements: list[tuple[str, object]] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    messages: int = 0
    bytes: int = 0
    started: float = 0.0  # perf_counter when the rerun was asked
    finished: float = 0.0  # perf_counter at script_finished

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    def texts(self) -> list[str]:
        """Markdown, alerts, text and headings, as sent (to look for a message)."""
        found = []
        for kind, proto in self.elements:
            body = getattr(proto, "body", None)
            if isinstance(body, str) and kind in ("markdown", "alert", "text", "heading"):
                found.append(body)
        return found

    def widget(self, label: str, kind: str | None = None) -> Widget:
        for w in self.widgets:
            if w.label == label and (kind is None or w.kind == kind):
                return w
        known = sorted({f"{w.kind}:{w.label}" for w in self.widgets})
        raise LookupError(f"no widget {kind or ''} « {label} » on the page ({known})")

    def largest_element(self) -> int:
        sizes = [p.ByteSize() for _, p in self.elements if hasattr(p, "ByteSize")]
        return max(sizes, default=0)


def _widget(kind: str, proto: object) -> Widget | None:
    widget_id = getattr(proto, "id", "")
    if not isinstance(widget_id, str) or not widget_id:
        return None
    label = getattr(proto, "label", "") or getattr(proto, "component_name", "")
    return Widget(widget_id, kind, str(label), str(getattr(proto, "form_id", "")))


class Session:
    """One Streamlit session over one websocket (``async with Session(url) as s``)."""

    def __init__(
        self,
        url: str,
        query: str = "",
        *,
        headers: dict[str, str] | None = None,
        compression: str | None = None,
        timeout: float = 180.0,
    ) -> None:
        self.url = url
        self.query = query.removeprefix("?")
        self.headers = headers or {}
        self.compression = compression
        self.timeout = timeout
        self.states: dict[str, WidgetState] = {}  # values sent again with every rerun
        self.server: str | None = None
        self.opened_s = 0.0
        self._ws = None

    async def __aenter__(self) -> Session:
        started = time.perf_counter()
        self._ws = await websockets.connect(
            stream_url(self.url),
            subprotocols=["streamlit"],
            additional_headers=self.headers,
            compression=self.compression,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
        )
        self.opened_s = time.perf_counter() - started
        self.server = self._ws.response.headers.get(SERVER_HEADER)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()

    # --- widgets' values ------------------------------------------------------------------

    def set_text(self, widget: Widget, value: str) -> None:
        state = WidgetState(id=widget.id, string_value=value)
        self.states[widget.id] = state

    def set_choice(self, widget: Widget, label: str) -> None:
        """A selectbox (its option's label) or a segmented control (button_group)."""
        state = WidgetState(id=widget.id)
        if widget.kind == "button_group":
            state.string_array_value.data.append(label)
        else:
            state.string_value = label
        self.states[widget.id] = state

    def set_json(self, widget: Widget, value: str) -> None:
        self.states[widget.id] = WidgetState(id=widget.id, json_value=value)

    # --- runs -----------------------------------------------------------------------------

    async def run(self, click: Widget | None = None) -> Run:
        """Ask for a run with the values set (and ``click``'s trigger); wait for its end.

        A run the script ends with ``st.rerun`` is followed by the next one: the last is
        returned, timed from the request.
        """
        message = BackMsg()
        message.rerun_script.query_string = self.query
        message.rerun_script.page_script_hash = ""
        states = list(self.states.values())
        if click is not None:
            states.append(WidgetState(id=click.id, trigger_value=True))
        message.rerun_script.widget_states.widgets.extend(states)
        run = Run(started=time.perf_counter())
        await self._ws.send(message.SerializeToString())
        return await asyncio.wait_for(self._receive(run), self.timeout)

    async def _receive(self, run: Run) -> Run:
        while True:
            data = await self._ws.recv()
            run.messages += 1
            run.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                name = element.WhichOneof("type")
                proto = getattr(element, name)
                run.elements.append((name, proto))
                found = _widget(name, proto)
                if found is not None:
                    run.widgets.append(found)
            elif kind == "new_session":  # a run begins (again, after st.rerun)
                run.elements.clear()
                run.widgets.clear()
            elif kind == "script_finished" and msg.script_finished in (FINISHED, COMPILE_ERROR):
                run.status = msg.script_finished
                run.finished = time.perf_counter()
                return run


@dataclass(frozen=True)
class SessionTiming:
    """One session of a load: when its first run finished, counted from the common start."""

    index: int
    server: str | None  # the app server that served it (behind deploy/nginx/atlas.conf)
    opened_s: float  # websocket handshake
    finished_s: float  # the page's last run's script_finished, from the common start (inf: failed)
    map_s: float  # the first run's script_finished (the map sent), from the common start
    run_s: float  # from the session's own request to that script_finished
    bytes: int  # received (decompressed), every run of the page
    largest: int  # largest element (the map's component, when it is there)
    error: str = ""


async def _one(
    index: int, url: str, query: str, start: float, hold: _Hold | None = None, **options: object
) -> SessionTiming:
    try:
        async with Session(url, query, **options) as session:  # type: ignore[arg-type]
            first = run = await session.run()
            signal = next((w for w in run.widgets if w.label == MAP_DRAWN), None)
            if signal is not None and run.status == FINISHED:  # « map drawn »: the rest comes
                session.set_json(signal, json.dumps({"drawn": True}))
                run = await session.run()
            finished = run.finished - start
            error = "" if run.status == FINISHED else "erreur de compilation"
            if hold is not None:
                await hold.done_and_wait()
            size = first.bytes + (run.bytes if run is not first else 0)
            largest = max(first.largest_element(), run.largest_element())
            return SessionTiming(index, session.server, session.opened_s, finished,
                                 first.finished - start, run.finished - first.started, size,
                                 largest, error)  # fmt: skip
    except Exception as exc:  # a refused or dropped session is a result, not a crash
        if hold is not None:
            await hold.done_and_wait()
        inf = float("inf")
        return SessionTiming(index, None, 0.0, inf, inf, inf, 0, 0, repr(exc)[:200])


class _Hold:
    """Keeps every session open until all have finished their first run, then calls
    ``while_open`` once (e.g. to read the server's memory with N sessions alive)."""

    def __init__(self, sessions: int, while_open: Callable[[], object]) -> None:
        self.left = sessions
        self.while_open = while_open
        self.released = asyncio.Event()

    async def done_and_wait(self) -> None:
        self.left -= 1
        if self.left == 0:
            await asyncio.to_thread(self.while_open)
            self.released.set()
        await self.released.wait()


async def _many(
    url: str,
    query: str,
    sessions: int,
    stagger_s: float,
    while_open: Callable[[], object] | None = None,
    **options: object,
):
    start = time.perf_counter()
    hold = _Hold(sessions, while_open) if while_open is not None else None

    async def delayed(i: int) -> SessionTiming:
        await asyncio.sleep(i * stagger_s)
        return await _one(i, url, query, start, hold, **options)

    return await asyncio.gather(*(delayed(i) for i in range(sessions)))


def run_sessions(
    url: str,
    query: str = "",
    sessions: int = 1,
    *,
    stagger_s: float = 0.0,
    headers: dict[str, str] | None = None,
    compression: str | None = None,
    timeout: float = 180.0,
    while_open: Callable[[], object] | None = None,
) -> list[SessionTiming]:
    """Open ``sessions`` sessions on ``url`` with the link's ``query`` string at once (or one
    every ``stagger_s``); return each session's timing, in order of opening.

    ``compression="deflate"`` offers permessage-deflate, as browsers do (the server uses it
    when ``server.enableWebsocketCompression`` is on). ``while_open``: every session stays
    open until all have finished their first run; then it is called once, before they close.
    """
    options = {"headers": headers, "compression": compression, "timeout": timeout}
    return asyncio.run(_many(url, query, sessions, stagger_s, while_open, **options))


@dataclass(frozen=True)
class Summary:
    sessions: int
    failed: int
    median_s: float
    slowest_s: float
    per_server: dict[str, int]
    map_median_s: float  # the same, until the first run sent the map
    map_slowest_s: float


def summarise(timings: Iterable[SessionTiming]) -> Summary:
    timings = list(timings)
    done = [t.finished_s for t in timings if not t.error]
    maps = [t.map_s for t in timings if not t.error]
    servers: dict[str, int] = {}
    for t in timings:
        key = t.server or "?"
        servers[key] = servers.get(key, 0) + 1
    return Summary(
        len(timings),
        len(timings) - len(done),
        statistics.median(done) if done else float("inf"),
        max(done) if done else float("inf"),
        dict(sorted(servers.items())),
        statistics.median(maps) if maps else float("inf"),
        max(maps) if maps else float("inf"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--query", default="")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--stagger", type=float, default=0.0)
    parser.add_argument("--deflate", action="store_true", help="offer permessage-deflate")
    args = parser.parse_args()
    timings = run_sessions(args.url, args.query, args.sessions, stagger_s=args.stagger,
                           compression="deflate" if args.deflate else None)  # fmt: skip
    for t in timings:
        print(f"{t.index:3d} {t.server or '?':>16} {t.finished_s:7.2f} s {t.bytes:>9} B {t.error}")
    s = summarise(timings)
    print(f"médiane {s.median_s:.2f} s, plus lente {s.slowest_s:.2f} s, échecs {s.failed}, "
          f"par serveur {s.per_server}")  # fmt: skip


if __name__ == "__main__":
    main()
