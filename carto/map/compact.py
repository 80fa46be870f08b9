"""A compact form of a GeoJSON FeatureCollection for the browser, and its decoder.

Why: Streamlit sends the map's layers in full on every run, and the browser parses them before
drawing. Plain GeoJSON spends ~20 bytes on each vertex (``[5.79092, 49.36285], ``) and repeats
every property name, style and id per feature. Here each ring is one delta-encoded string (the
"encoded polyline" scheme over a URL-safe alphabet: ~5 characters per vertex), properties
travel as columns, and columns of few distinct values (the classes' colours, kept or not) as
indices into those values. The page rebuilds the very same FeatureCollection (``DECODE_JS``)
before Leaflet sees it: tooltips, styles, clicks and the selection outline read the same
features as before.

Precision: 5 decimals (about 1 m), the bundle's own, so nothing is lost. For a department's
communes (~25 vertices each) 4 decimals would save ~1 character per vertex (129 → 102 bytes a
commune for Meurthe-et-Moselle) and move borders by up to ~6 m, seen at street-level zoom;
the map is already far under its budget without it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

PRECISION = 5  # decimals kept (see the module's docstring)
# The 64 symbols of a 6-bit group (5 bits of value, 1 bit "more follows"): letters, digits,
# "-" and "_". The usual polyline alphabet (chr(63 + group)) holds the backslash, escaped in
# JSON, and "{" and "}", which the map's template engine reads as its own markup once doubled.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_REPEATED = 0.5  # a column with fewer distinct values than this share of rows is indexed


def encode_numbers(values: Sequence[int]) -> str:
    """Signed integers as variable-length groups of 5 bits, one symbol of ALPHABET each (the
    "encoded polyline" scheme: zigzag sign, low bits first, bit 6 set when more follow)."""
    out: list[str] = []
    for value in values:
        v = int(value)
        v = ~(v << 1) if v < 0 else v << 1
        while v >= 0x20:
            out.append(ALPHABET[0x20 | (v & 0x1F)])
            v >>= 5
        out.append(ALPHABET[v])
    return "".join(out)


def decode_numbers(text: str) -> list[int]:
    """Inverse of :func:`encode_numbers` (the browser's ``DECODE_JS`` does the same)."""
    values, shift, result = [], 0, 0
    for char in text:
        b = _VALUE[char]
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift, result = 0, 0
    return values


def encode_ring(coords: Sequence[Sequence[float]], precision: int = PRECISION) -> str:
    """A ring (or line) of [x, y] pairs as one string: the first vertex, then differences,
    all in units of 10^-precision degree, x before y at each vertex."""
    ints = np.rint(np.asarray(coords, dtype=float)[:, :2] * 10**precision).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return encode_numbers(deltas.ravel().tolist())


def decode_ring(text: str, precision: int = PRECISION) -> list[list[float]]:
    numbers = np.cumsum(np.array(decode_numbers(text), dtype=np.int64).reshape(-1, 2), axis=0)
    # integer / power of ten is correctly rounded: the same float as the decimal text
    return (numbers / 10**precision).tolist()


def encode_geometry(geometry: dict, precision: int = PRECISION) -> list:
    """Polygon → list of ring strings; MultiPolygon → list of such lists."""
    kind = geometry["type"]
    if kind == "Polygon":
        return [encode_ring(ring, precision) for ring in geometry["coordinates"]]
    if kind == "MultiPolygon":
        return [[encode_ring(r, precision) for r in poly] for poly in geometry["coordinates"]]
    raise ValueError(f"géométrie non prise en charge : {kind}")


def decode_geometry(encoded: list, precision: int = PRECISION) -> dict:
    if encoded and isinstance(encoded[0], list):
        polys = [[decode_ring(r, precision) for r in poly] for poly in encoded]
        return {"type": "MultiPolygon", "coordinates": polys}
    return {"type": "Polygon", "coordinates": [decode_ring(r, precision) for r in encoded]}


def _column(values: list) -> dict:
    """One property as a column; few distinct values (classes' colours) as indices."""
    keys = [json.dumps(v, sort_keys=True) for v in values]
    distinct = list(dict.fromkeys(keys))
    if len(values) > 1 and len(distinct) < _REPEATED * len(values):
        index = {k: i for i, k in enumerate(distinct)}
        return {"u": [json.loads(k) for k in distinct], "i": [index[k] for k in keys]}
    return {"v": values}


def encode_collection(collection: dict, precision: int = PRECISION) -> dict:
    """The compact form of a FeatureCollection of polygons with ids and flat properties.

    ``id`` columns equal to the features' ids are not repeated (``"code"`` mostly).
    """
    features = collection["features"]
    ids = [f.get("id") for f in features]
    names: list[str] = []
    for f in features:
        names += [k for k in f.get("properties", {}) if k not in names]
    columns: dict[str, dict] = {}
    for name in names:
        values = [f.get("properties", {}).get(name) for f in features]
        columns[name] = {"id": 1} if values == ids else _column(values)
    return {
        "p": precision,
        "ids": ids,
        "props": columns,
        "geoms": [encode_geometry(f["geometry"], precision) for f in features],
    }


def decode_collection(data: dict) -> dict:
    """Inverse of :func:`encode_collection` (what the browser's decoder builds)."""
    ids = data["ids"]
    features = []
    for n, (fid, geom) in enumerate(zip(ids, data["geoms"], strict=True)):
        props = {}
        for name, col in data["props"].items():
            if "id" in col:
                props[name] = fid
            else:
                props[name] = col["u"][col["i"][n]] if "u" in col else col["v"][n]
        feature = {"type": "Feature", "geometry": decode_geometry(geom, data["p"])}
        if fid is not None:
            feature["id"] = fid
        feature["properties"] = props
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def geometry_key(data: dict) -> str:
    """A short fingerprint of the ids and geometries: the same outlines give the same key, so
    the page can keep its drawn polygons and only restyle them when the indicator changes."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(json.dumps([data["p"], data["ids"], data["geoms"]]).encode("utf-8"))
    return digest.hexdigest()


# The browser's decoder, defined once per page (the same logic as decode_collection):
# ``atlasGeo.props(data)`` gives each feature's properties, ``atlasGeo.collection(data)`` the
# whole FeatureCollection.
DECODE_JS = """
window.atlasGeo = window.atlasGeo || (function() {
  var value = new Int8Array(128), symbols = ALPHABET;
  for (var j = 0; j < symbols.length; j++) value[symbols.charCodeAt(j)] = j;
  function ring(s, f) {
    var out = [], i = 0, x = 0, y = 0, n = s.length;
    while (i < n) {
      var v = [0, 0];
      for (var k = 0; k < 2; k++) {
        var r = 0, sh = 0, b;
        do { b = value[s.charCodeAt(i++)]; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
        v[k] = (r & 1) ? ~(r >> 1) : (r >> 1);
      }
      x += v[0]; y += v[1];
      out.push([x / f, y / f]);
    }
    return out;
  }
  function geometry(g, f) {
    function rings(p) { return p.map(function(s) { return ring(s, f); }); }
    if (g.length && typeof g[0] !== 'string')
      return {type: 'MultiPolygon', coordinates: g.map(rings)};
    return {type: 'Polygon', coordinates: rings(g)};
  }
  function props(data) {
    var names = Object.keys(data.props);
    return data.ids.map(function(id, n) {
      var p = {};
      names.forEach(function(name) {
        var c = data.props[name];
        p[name] = c.id ? id : (c.u ? c.u[c.i[n]] : c.v[n]);
      });
      return p;
    });
  }
  function collection(data) {
    var f = Math.pow(10, data.p), all = props(data);
    return {type: 'FeatureCollection', features: data.ids.map(function(id, n) {
      var feat = {type: 'Feature', geometry: geometry(data.geoms[n], f), properties: all[n]};
      if (id !== null) feat.id = id;
      return feat;
    })};
  }
  return {props: props, collection: collection};
})();
""".replace("ALPHABET", json.dumps(ALPHABET))
