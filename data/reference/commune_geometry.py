"""Print the geometry of a commune as the WKT literals places.ttl gives it: its outline, its bounding box and the
centroid of its outline.

Usage::

    python data/reference/commune_geometry.py COMMUNES.geojson INSEE_CODE

COMMUNES.geojson is a file of ``gregoiredavid/france-geojson`` (``ile-de-france/94-val-de-marne/
communes-94-val-de-marne.geojson`` for Saint-Maur-des-Fossés, 94068): the communes' outlines of IGN's GEOFLA 2.2
(2016, Licence Ouverte), simplified by that project (Visvalingam, 25 %), one ``Polygon`` feature per commune with
its INSEE code in ``properties.code``. Coordinates are WGS 84 longitude, latitude (the CRS84 order of a GeoSPARQL
``wktLiteral`` without a CRS IRI), rounded to 6 decimals (about 0.1 m); the outline is written counter-clockwise
(as RFC 7946 asks of the GeoJSON that clients make from it); the bounding box is rounded outwards, so that it holds
the outline; the centroid is the area centroid of the outline (planar, in degrees: at a commune's scale the error
is far below the simplification's).
"""

from __future__ import annotations

import json
import math
import sys


def _ring(feature: dict) -> list[tuple[float, float]]:
    geometry = feature["geometry"]
    if geometry["type"] != "Polygon" or len(geometry["coordinates"]) != 1:
        raise SystemExit(f"expected one Polygon without holes, got a {geometry['type']}")
    return [(float(x), float(y)) for x, y in geometry["coordinates"][0]]


def _signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = _signed_area(ring)
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / (6 * area)
    return cx, cy


def _point(x: float, y: float) -> str:
    return f"{x:.6f} {y:.6f}"


def geometry(features: list[dict], code: str) -> dict[str, str]:
    found = [f for f in features if f["properties"].get("code") == code]
    if len(found) != 1:
        raise SystemExit(f"{len(found)} features have the code {code}")
    ring = _ring(found[0])
    if _signed_area(ring) < 0:  # clockwise: reversed, so that the exterior ring is counter-clockwise
        ring = ring[::-1]
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    west, east = math.floor(min(xs) * 1e6) / 1e6, math.ceil(max(xs) * 1e6) / 1e6
    south, north = math.floor(min(ys) * 1e6) / 1e6, math.ceil(max(ys) * 1e6) / 1e6
    box = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return {
        "locn:geometry": "POLYGON((" + ", ".join(_point(x, y) for x, y in ring) + "))",
        "dcat:bbox": "POLYGON((" + ", ".join(_point(x, y) for x, y in box) + "))",
        "dcat:centroid": "POINT(" + _point(*_centroid(ring)) + ")",
    }


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        features = json.load(source)["features"]
    for prop, wkt in geometry(features, sys.argv[2]).items():
        print(f'    {prop} "{wkt}"^^gsp:wktLiteral ;')
