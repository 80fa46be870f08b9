"""Generators of view states and of hostile query strings, shared by the tests.

Why here: the unit tests of carto.viewstate.codec and the app-level AppTest (1,000 random
links) must attack the same way. Use ``hostile_query_strings()`` with hypothesis, or
``random_hostile_query_strings(n, seed)`` in a plain loop (cheaper inside AppTest). Every HTML
or Markdown payload contains ``MARKER`` so a test can assert it never reaches an element that
renders HTML (``st.html``, ``st.markdown(unsafe_allow_html=True)``, ``st.iframe``…).
"""

from __future__ import annotations

import random
from urllib.parse import quote

from hypothesis import strategies as st

from carto.territories.size_classes import POPULATION_CLASS_IDS
from carto.viewstate.codec import (
    CLASS_METHODS,
    LAYERS,
    LEVELS,
    PARAM_KEYS,
    REFERENCES,
    Filters,
    Known,
    RangeFilter,
    ViewState,
)

MARKER = "xss7q"
HTML_PAYLOADS: tuple[str, ...] = (
    f"<script>alert('{MARKER}')</script>",
    f"<img src=x onerror=alert('{MARKER}')>",
    f'"><svg/onload=alert("{MARKER}")>',
    f"</script><b>{MARKER}</b>",
    f"javascript:alert('{MARKER}')",
    f"[{MARKER}](javascript:alert(1))",
    f"![{MARKER}](http://127.0.0.1:9/x.png)",
    f"**{MARKER}** _{MARKER}_ # {MARKER}",
    f":red[{MARKER}] :material/home: $\\frac{{{MARKER}}}{{2}}$",
    f"<iframe src='data:text/html,{MARKER}'></iframe>",
    f"{{{{7*7}}}}{MARKER}",
    f"&lt;b&gt;{MARKER}&lt;/b&gt;",
)
ODD_VALUES: tuple[str, ...] = (
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "1..2",
    "--1",
    "0x10",
    " 5 ",
    "5\n",
    "1_000",
    "١٢",
    "1,2,3",
    "a:b:c:d",
    ":",
    "::",
    ",,,",
    "*",
    "%",
    "%ZZ",
    "%00",
    "%C3%A9",
    "%25252525",
    "\x00",
    "\u202eevil",
    "\u200b",
    "é",
    "Lunéville",
    "Saint-Étienne-lès-Remiremont",
    "🏠",
    "2A",
    "FR",
    "999",
    "99999999999999999999",
    "-0",
    "1e-400",
)
UNKNOWN_KEYS: tuple[str, ...] = ("", "x", "DEP", "dep ", "département", "v2", "__proto__", "ind[]")


def example_known() -> Known:
    """A small catalogue for unit tests (the app builds its own from the bundle and catalogue)."""
    return Known(
        departments=frozenset({"54", "57", "2A", "971", "75", "13", "69"}),
        indicators=frozenset({"densite", "pauvrete", "part75", "chomage"}),
        palettes=frozenset({"YlOrRd", "Blues", "RdBu"}),
    )


# --- valid states -------------------------------------------------------------------------
_finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
_name_chars = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"))
_names = st.text(_name_chars, min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def _ranges(draw: st.DrawFn, indicators: list[str]) -> RangeFilter:
    low = draw(st.none() | _finite)
    high = draw(_finite if low is None else st.none() | _finite.filter(lambda x: x >= low))
    return RangeFilter(draw(st.sampled_from(indicators)), low, high)


@st.composite
def view_states(draw: st.DrawFn, known: Known | None = None) -> ViewState:
    """Any valid state whose names all exist in ``known``."""
    known = known or example_known()
    inds = sorted(known.indicators)
    opt = st.none() | _names
    filters = Filters(
        ranges=tuple(draw(st.lists(_ranges(inds), max_size=4))),
        epci=tuple(draw(st.lists(st.from_regex(r"[0-9]{9}", fullmatch=True), max_size=4))),
        districts=tuple(draw(st.lists(_names, max_size=4))),
        population_classes=tuple(draw(st.lists(st.sampled_from(POPULATION_CLASS_IDS)))),
    )
    bounds = sorted(set(draw(st.lists(_finite, max_size=10))))
    return ViewState(
        department=draw(st.sampled_from([*sorted(known.departments), "FR"])),
        by_arrondissement=draw(st.booleans()),
        level=draw(st.sampled_from(LEVELS)),
        indicator=draw(st.sampled_from(inds)),
        indicator2=draw(st.none() | st.sampled_from(inds)),
        vintage=draw(opt),
        vintage2=draw(opt),
        reference=draw(st.sampled_from(REFERENCES)),
        class_method=draw(st.sampled_from(CLASS_METHODS)),
        n_classes=draw(st.integers(3, 9)),
        bounds=tuple(bounds),
        palette=draw(st.none() | st.sampled_from(sorted(known.palettes))),
        filters=filters,
        layers=tuple(draw(st.lists(st.sampled_from(LAYERS)))),
        site_categories=draw(st.none() | st.lists(_names, max_size=4).map(tuple)),
        district_set=draw(opt),
        selected=draw(opt),
        centre=draw(st.none() | st.tuples(_finite.filter(lambda x: abs(x) <= 90),
                                          _finite.filter(lambda x: abs(x) <= 180))),
        zoom=draw(st.none() | st.integers(1, 19)),
        meeting=draw(st.booleans()),
        side_by_side=draw(st.booleans()),
        tiles=draw(st.booleans()),
    )  # fmt: skip


# --- hostile query strings ------------------------------------------------------------------
_KEYS = (*PARAM_KEYS, *UNKNOWN_KEYS)
_VALUES = (*HTML_PAYLOADS, *ODD_VALUES)


def _pair(key: str, value: str, encode: bool) -> str:
    if encode:
        return f"{quote(key, safe='')}={quote(value, safe='')}"
    return f"{key}={value}"


def random_hostile_query_string(rng: random.Random) -> str:
    """One hostile query string: known and unknown keys, bad values, repeats, huge lists."""
    pairs = []
    for _ in range(rng.randint(0, 12)):
        key = rng.choice(_KEYS)
        roll = rng.random()
        if roll < 0.5:
            value = rng.choice(_VALUES)
        elif roll < 0.65:  # a list mixing good-looking and bad items
            value = ",".join(rng.choice(_VALUES) for _ in range(rng.randint(2, 6)))
        elif roll < 0.75:
            value = ",".join(str(rng.randint(0, 10**9)) for _ in range(rng.randint(50, 500)))
        elif roll < 0.85:
            value = "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 40)))
        elif roll < 0.9:
            value = rng.choice(_VALUES) * rng.randint(100, 3000)
        else:
            value = f"{rng.uniform(-1e6, 1e6)}:{rng.choice(_VALUES)}:{rng.random()}"
        pairs.append(_pair(key, value, encode=rng.random() < 0.6))
    if rng.random() < 0.1:
        pairs.append(rng.choice(("&&&", "=", "==", "a=b=c", "%", "?v=1", "v")))
    return "&".join(pairs)


def random_hostile_query_strings(n: int, seed: int = 7) -> list[str]:
    """``n`` reproducible hostile query strings (no leading "?")."""
    rng = random.Random(seed)
    return [random_hostile_query_string(rng) for _ in range(n)]


def hostile_query_strings() -> st.SearchStrategy[str]:
    """Hypothesis version: random hostile strings plus fully arbitrary text."""
    seeded = st.randoms(use_true_random=False).map(random_hostile_query_string)
    return st.one_of(seeded, st.text(max_size=300))
