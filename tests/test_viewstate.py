"""View state ↔ URL: round trips, tampering, old and future link versions."""

from __future__ import annotations

import math
from dataclasses import replace
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import (
    HTML_PAYLOADS,
    example_known,
    hostile_query_strings,
    random_hostile_query_strings,
    view_states,
)

from carto.viewstate.codec import (
    PARAM_KEYS,
    Filters,
    RangeFilter,
    ViewState,
    ViewStateError,
    decode,
    encode,
    from_query_string,
    migrate,
    pin_defaults,
    to_query_string,
)

KNOWN = example_known()
RICH = ViewState(
    department="57",
    level="epci",
    indicator="pauvrete",
    indicator2="part75",
    vintage="2021",
    reference="france",
    class_method="manuel",
    n_classes=4,
    bounds=(10.0, 15.5, 20.0),
    palette="Blues",
    filters=Filters(
        ranges=(RangeFilter("pauvrete", 20.0, None), RangeFilter("part75", 12.0, 30.0)),
        epci=("200069433", "245400676"),
        districts=("Lunéville, Sud", "Nancy 100 %"),
        population_classes=("lt1500",),
    ),
    layers=("communes", "sites"),
    site_categories=("CCAS", "Maison France services"),
    district_set="Territoires d'action sociale",
    selected="57463",
    centre=(49.119308, 6.175715),
    zoom=10,
    meeting=True,
    side_by_side=True,
    tiles=True,
)


def test_default_state_encodes_to_version_only() -> None:
    assert encode(ViewState()) == {"v": "2"}
    assert to_query_string(ViewState()) == "v=2"


def test_rich_state_round_trips_through_query_string() -> None:
    qs = to_query_string(RICH)
    state, notices = from_query_string("?" + qs, KNOWN)
    assert notices == []
    assert state == RICH


def test_encoding_is_readable_and_short() -> None:
    params = encode(ViewState(department="57", indicator="pauvrete", n_classes=7))
    assert params == {"v": "2", "dep": "57", "ind": "pauvrete", "k": "7"}
    params = encode(RICH)
    assert params["f"] == "pauvrete:20:,part75:12:30"
    assert params["c"] == "49.11931,6.17572"  # 5 decimals
    assert params["fdist"] == "Lunéville%2C Sud,Nancy 100 %25"  # separators escaped in names


@pytest.mark.parametrize(
    ("state", "key", "text"),
    [
        (ViewState(bounds=(0.5, 1e-07, 3.0)[::2]), "bounds", "0.5,3"),
        (ViewState(bounds=(-2.25, 1e20)), "bounds", "-2.25,1e+20"),
        (ViewState(layers=()), "lay", ""),
        (ViewState(site_categories=()), "cat", ""),
        (ViewState(filters=Filters(population_classes=("ge20000", "lt1500"))), "fpop",
         "lt1500,ge20000"),
        (ViewState(department="2A"), "dep", "2A"),
        (ViewState(department="FR", level="departement"), "dep", "FR"),
        (ViewState(meeting=True), "meet", "1"),
    ],
)  # fmt: skip
def test_single_values_encode_and_decode(state: ViewState, key: str, text: str) -> None:
    assert encode(state)[key] == text
    assert decode(encode(state), KNOWN) == (state, [])


@given(view_states())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_round_trip_property(state: ViewState) -> None:
    assert decode(encode(state), KNOWN) == (state, [])
    assert from_query_string(to_query_string(state), KNOWN) == (state, [])


def test_sets_are_canonical_so_equal_views_give_equal_links() -> None:
    a = ViewState(layers=("sites", "communes", "sites"), filters=Filters(epci=("2", "1", "2")))
    b = ViewState(layers=("communes", "sites"), filters=Filters(epci=("1", "2")))
    assert a == b and to_query_string(a) == to_query_string(b)


def test_centre_is_rounded_to_five_decimals() -> None:
    assert ViewState(centre=(48.6931234, 6.1844499)).centre == (48.69312, 6.18445)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_classes": 2}, {"n_classes": 10}, {"n_classes": True}, {"n_classes": 5.0},
        {"level": "region"}, {"class_method": "kmeans"}, {"reference": "monde"},
        {"department": "54\n"}, {"department": "100"}, {"indicator": ""},
        {"indicator": "a b"}, {"bounds": (1.0, 1.0)}, {"bounds": (2.0, 1.0)},
        {"bounds": (math.nan,)}, {"bounds": (math.inf,)}, {"bounds": tuple(range(11))},
        {"layers": ("communes", "routes")}, {"centre": (91.0, 0.0)}, {"centre": (0.0, math.nan)},
        {"zoom": 0}, {"zoom": 25}, {"meeting": 1}, {"selected": " 54395"},
        {"selected": "a\x00b"}, {"district_set": "x" * 81}, {"site_categories": ("",)},
    ],
)  # fmt: skip
def test_impossible_states_raise_a_french_error(kwargs: dict) -> None:
    with pytest.raises(ViewStateError) as info:
        ViewState(**kwargs)
    assert info.value.args[0][0].isupper()  # a sentence, shown as is


@pytest.mark.parametrize(
    "kwargs",
    [
        {"indicator": "x"}, {"min": 2.0, "max": 1.0}, {"min": math.nan}, {"max": math.inf},
        {"min": None, "max": None},
    ],
)  # fmt: skip
def test_impossible_range_filters(kwargs: dict) -> None:
    args = {"indicator": "pauvrete", "min": 1.0, "max": None, **kwargs}
    if args["indicator"] == "x":
        args["indicator"] = "x:y"
    with pytest.raises(ViewStateError):
        RangeFilter(**args)


# --- tampered links ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("qs", "expected", "fragment"),
    [
        ("dep=99", ViewState(), "département inconnu « 99 »"),
        ("ind=retire", ViewState(), "indicateur inconnu ou retiré « retire »"),
        ("k=12", ViewState(), "Nombre de classes"),
        ("k=abc", ViewState(), "nombre entier attendu"),
        ("bounds=1,nan", ViewState(), "nombre illisible « nan »"),
        ("bounds=1,inf", ViewState(), "nombre illisible « inf »"),
        ("bounds=1,1e999", ViewState(), "nombre hors limites"),
        ("bounds=3,1", ViewState(), "strictement croissantes"),
        ("c=48.7", ViewState(), "latitude,longitude"),
        ("z=99", ViewState(), "zoom"),
        ("meet=peut-etre", ViewState(), "1 ou 0 attendu"),
        ("lvl=region", ViewState(), "valeur inconnue « region »"),
        ("lay=communes,routes", ViewState(layers=("communes",)), "« routes »"),
        ("fpop=lt1500,tiny", ViewState(filters=Filters(population_classes=("lt1500",))), "tiny"),
        ("f=pauvrete:20:,foo:1:2",
         ViewState(filters=Filters(ranges=(RangeFilter("pauvrete", 20),))),
         "indicateur inconnu « foo »"),
        ("f=pauvrete:30:20", ViewState(), "le minimum dépasse le maximum"),
        ("f=pauvrete::", ViewState(), "aucune borne"),
        ("f=pauvrete:1", ViewState(), "forme ind:min:max"),
        ("dep=57&foo=1&bar=2", ViewState(department="57"), "Paramètres inconnus ignorés : « foo »"),
        ("k=4&k=6", ViewState(n_classes=6), "apparaît 2 fois"),
        ("v=abc&dep=57", ViewState(department="57"), "Version du lien illisible"),
        ("v=0", ViewState(), "Version du lien illisible"),
        ("v=7&dep=57", ViewState(department="57"), "version plus récente"),
        ("pal=Rainbow", ViewState(), "palette inconnu"),
        ("sel=%00abc", ViewState(), "Territoire illisible « ?abc »"),
    ],
)  # fmt: skip
def test_tampered_links_open_with_a_notice(qs: str, expected: ViewState, fragment: str) -> None:
    state, notices = from_query_string(qs, KNOWN)
    assert state == expected
    assert any(fragment in n for n in notices), notices


@pytest.mark.parametrize(
    ("qs", "expected"),
    [
        ("", ViewState()),
        ("?", ViewState()),
        ("dep=54", ViewState()),  # a default written explicitly
        ("dep=57&v=2", ViewState(department="57")),
        ("dep=57&v=1", ViewState(department="57", indicator="densite")),  # old default pinned
        ("embed=true&dep=57", ViewState(department="57")),  # Streamlit's own parameter
        ("fdist=Lun%C3%A9ville%252C%20Sud",
         ViewState(filters=Filters(districts=("Lunéville, Sud",)))),
        ("sel=Saint-%C3%89tienne-l%C3%A8s-Remiremont",
         ViewState(selected="Saint-Étienne-lès-Remiremont")),
        ("lay=", ViewState(layers=())),
        ("cat=*", ViewState()),
        ("ind2=&vin=", ViewState()),
    ],
)  # fmt: skip
def test_clean_links_give_no_notice(qs: str, expected: ViewState) -> None:
    assert from_query_string(qs, KNOWN) == (expected, [])


def test_duplicated_keys_from_a_mapping_of_lists() -> None:
    state, notices = decode({"dep": ["54", "57"], "ind": ["pauvrete"], "k": []}, KNOWN)
    assert (state.department, state.indicator) == ("57", "pauvrete")
    assert len(notices) == 1 and "« dep »" in notices[0]


# One case per way a parameter treats text: kept as data (free text, list items), refused by
# a known set, refused by its form (ranges split on ":"), unknown key. Every payload meets every
# key at random in the hostile properties below, and in the app (tests/test_app_links.py).
HTML_CASES = [
    (key, HTML_PAYLOADS[0]) for key in ("ind", "dep", "fdist", "zzz", "sel", "cat", "f")
] + [("f", next(p for p in HTML_PAYLOADS if ":" in p))]


@pytest.mark.parametrize(("key", "payload"), HTML_CASES)
def test_html_payloads_are_kept_as_data_or_reported_as_text(key: str, payload: str) -> None:
    state, notices = decode({key: payload}, KNOWN)
    assert isinstance(state, ViewState)
    for notice in notices:  # quoted, shortened and free of control characters
        assert len(notice) < 300 and "\n" not in notice
    if key in ("fdist", "sel", "cat") and "," not in payload:
        assert payload in (state.selected, *state.filters.districts, *(state.site_categories or ()))


def test_notices_are_truncated_and_cleaned() -> None:
    _, notices = decode({"ind": "<b>" + "x" * 5000 + "\n\x1b[31m"}, KNOWN)
    assert notices == ["Indicateur : valeur trop longue (5\u00a0009 caractères), ignorée."]
    _, notices = decode({"dep": "a\nb\x1bc" + "y" * 100}, KNOWN)
    assert notices == [
        f"Département : département inconnu « a?b?c{'y' * 35}… » ; réglage par défaut conservé."
    ]


def test_unknown_keys_are_listed_but_capped() -> None:
    _, notices = decode({f"k{i}": "1" for i in range(40)}, KNOWN)
    assert notices == [
        "Paramètres inconnus ignorés : « k0 », « k1 », « k2 », « k3 », « k4 » et 35 autres."
    ]


def test_many_problems_are_summarised() -> None:
    params = {key: "<x>" for key in PARAM_KEYS if key not in ("v", "sel", "dset", "vin", "vin2")}
    _, notices = decode(params, KNOWN)
    assert len(notices) == 12 and notices[-1].startswith("… et ")


def test_huge_query_string_is_cut_with_a_notice() -> None:
    state, notices = from_query_string("dep=57&" + "a=1&" * 10_000, KNOWN)
    assert state.department == "57"
    assert notices[0].startswith("Lien trop long")


def test_huge_list_is_refused_whole() -> None:
    state, notices = decode({"fepci": ",".join(["1"] * 300)}, KNOWN)
    assert state.filters.epci == () and "liste trop longue" in notices[0]


def test_known_lists_drop_stale_items_one_by_one() -> None:
    known = replace(KNOWN, epci=frozenset({"245400676"}), districts=frozenset({"Nord"}))
    state, notices = decode({"fepci": "245400676,200000000", "fdist": "Nord,Ouest"}, known)
    assert state.filters == Filters(epci=("245400676",), districts=("Nord",))
    assert notices == [
        "EPCI inconnus ignorés : « 200000000 ».",
        "Territoires d'action sociale inconnus ignorés : « Ouest ».",
    ]


# One key per reader of carto.viewstate.params, with the odd values that reach its branches
# (the full cross-product of keys and ODD_VALUES is what the hostile properties below draw from).
ODD_CASES: dict[str, tuple[str, ...]] = {
    "v": ("", "0", "-0", "1e999", "99999999999999999999", "١٢"),  # link version
    "dep": ("", "2A", "FR", "fr", "999", " 54"),  # a known department
    "arr": ("", "OUI", "2", " 1"),  # yes / no
    "lvl": ("", "Commune", "commune "),  # one of fixed options
    "ind": ("", "densite ", "\u200b"),  # a known indicator
    "ind2": ("", "*"),  # an optional known indicator
    "vin": ("", " ", "\x00", "\u202eevil", "é"),  # a name, checked when names are known
    "sel": ("", " ", "\x00", "\u202eevil", "\u200b", "🏠", "Saint-Étienne-lès-Remiremont",
            "%00"),  # free text
    "pal": ("", "é", "Blues "),  # an identifier from a known set
    "k": ("", "nan", "0x10", " 5 ", "5\n", "١٢", "-0", "99999999999999999999"),  # an integer
    "z": ("", "1e-400", "-0"),  # an optional integer
    "bounds": ("", "nan", "inf", "1e999", "-1e999", "1..2", "--1", "1_000", "1,2,3", ",,,",
               "1e-400", "%ZZ"),  # a list of numbers
    "c": ("", "1,2,3", "nan,1", ":", "1e999,0", "-0,-0"),  # a pair of numbers
    "f": ("", ":", "::", "a:b:c:d", ",,,", "densite:nan:", "densite:1..2:", "densite:5:1"),
    "fepci": ("", ",,,", "%", "%ZZ", "%25252525", "1,2,3"),  # a list of codes
    "fdist": ("", "%C3%A9", "Lunéville", "\x00", "%2C"),  # a list of names
    "cat": ("*", "", "%", "🏠"),  # site categories, "*" for all
}  # fmt: skip
ODD_PAIRS = [(key, value) for key, values in ODD_CASES.items() for value in values]


def test_odd_cases_name_real_keys() -> None:
    assert set(ODD_CASES) <= set(PARAM_KEYS)


@pytest.mark.parametrize(("key", "value"), ODD_PAIRS)
def test_every_reader_survives_its_odd_values(key: str, value: str) -> None:
    state, notices = decode({key: value}, KNOWN)
    assert isinstance(state, ViewState) and isinstance(notices, list)
    # whatever was accepted must itself round-trip
    assert decode(encode(state), KNOWN) == (state, [])


def test_random_hostile_query_strings_never_raise() -> None:
    for qs in random_hostile_query_strings(300, seed=11):
        state, notices = from_query_string(qs, KNOWN)
        assert from_query_string(to_query_string(state), KNOWN) == (state, [])
        assert all(isinstance(n, str) for n in notices)


@given(hostile_query_strings())
@settings(max_examples=200, deadline=None)
def test_hostile_query_strings_property(qs: str) -> None:
    state, _ = from_query_string(qs, KNOWN)
    assert decode(parse_qs(to_query_string(state), keep_blank_values=True), KNOWN)[0] == state


# --- versions ------------------------------------------------------------------------------
def test_migration_table_covers_every_old_version() -> None:
    from carto.viewstate.codec import CURRENT_VERSION, MIGRATIONS

    assert set(MIGRATIONS) <= set(range(1, CURRENT_VERSION))


def test_a_changed_default_keeps_its_meaning_for_old_links() -> None:
    """Simulate version 2, where the default number of classes became 7."""
    v2_default = ViewState(n_classes=7)
    v2 = {"default": v2_default, "migrations": {1: pin_defaults({"k": "5"})}, "version": 2}
    old_link = {"v": "1", "dep": "57"}  # written by version 1, where k=5 was left out
    assert decode(old_link, KNOWN, **v2)[0].n_classes == 5
    assert decode({"v": "2", "dep": "57"}, KNOWN, **v2)[0].n_classes == 7
    assert decode({"dep": "57"}, KNOWN, **v2)[0].n_classes == 7  # no v: current version
    assert decode({"v": "1", "k": "9"}, KNOWN, **v2)[0].n_classes == 9  # explicit wins
    # and version 2 writes links against its own default
    assert encode(ViewState(n_classes=5), default=v2_default, version=2) == {"v": "2", "k": "5"}


def test_links_of_version_1_keep_opening_on_the_density() -> None:
    """Version 2 opens on a needs indicator; a version-1 link without ``ind`` meant density."""
    assert ViewState().indicator == "revenu_median_2021"
    assert decode({"v": "1", "dep": "57"}, KNOWN)[0].indicator == "densite"
    assert decode({"v": "1", "ind": "pauvrete"}, KNOWN)[0].indicator == "pauvrete"
    assert decode({"v": "2", "dep": "57"}, KNOWN)[0].indicator == "revenu_median_2021"
    assert decode({"dep": "57"}, KNOWN)[0].indicator == "revenu_median_2021"  # no v: current
    # a version-1 link re-encoded today names the density, so it keeps its meaning
    assert encode(decode({"v": "1"}, KNOWN)[0]) == {"v": "2", "ind": "densite"}


def test_migrate_applies_steps_in_order() -> None:
    steps = {
        1: lambda p: {**p, "trace": p.get("trace", "") + "1"},
        2: lambda p: {**p, "trace": p.get("trace", "") + "2"},
    }
    assert migrate({}, 1, steps, current=3) == {"trace": "12"}
    assert migrate({}, 2, steps, current=3) == {"trace": "2"}
    assert migrate({"a": "b"}, 3, steps, current=3) == {"a": "b"}


def test_long_partner_indicator_ids_survive_links_and_saved_views() -> None:
    """Ids of earlier versions were ``partenaire_<title>__<label>``: a realistic title and label
    gave 97 characters, and the link dropped them (new ids are at most 54)."""
    long_id = "partenaire_" + "allocataires_caf_de_meurthe_et_moselle_2024" + "__" + "x" * 41
    assert len(long_id) == 97
    known = replace(KNOWN, indicators=KNOWN.indicators | {long_id})
    state = ViewState(department="54", indicator=long_id, indicator2=long_id, side_by_side=True)
    assert from_query_string(to_query_string(state), known) == (state, [])
