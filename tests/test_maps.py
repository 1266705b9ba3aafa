"""The landing map's HTML holds the layers, counts and legend the user relies on."""

import html
import re

import numpy as np
import pandas as pd
import pytest

from landmap.maps import home_range_map, overview_map, sightings_map, station_sightings
from landmap.maps.offline import asset_urls
from landmap.observations import LEOPARD, detections
from landmap.survey import headline
from tests.conftest import dep, obs


@pytest.fixture(scope="module")
def map_2021(demo):
    s = demo.filter(years=(2021, 2021))
    return s, overview_map(s), overview_map(s).get_root().render()


def test_layers_are_named_with_their_counts(map_2021):
    s, _, html = map_2021
    h = headline(s)
    assert f"Camera stations ({h.stations:,})" in html
    assert f"Leopard detections ({h.detections:,})" in html
    # folium may write the en dash as a JSON escape inside scripts.
    assert "Russia–China border" in html or "Russia\\u2013China border" in html
    assert "National parks and reserve (approximate)" in html
    assert "Countries (Natural Earth 1:10m)" in html


def test_legend_names_the_span_and_approximation(map_2021):
    s, _, html = map_2021
    assert "Amur leopard camera traps, 2021" in html
    assert "Park outlines are approximate" in html
    assert f"{headline(s).detections:,} in all" in html
    from landmap.maps.circles import size_legend

    largest = station_sightings(s)["detections"].max()
    assert size_legend(largest) == [10, 5, 1]  # the size legend, for at most 17 a station
    assert "10 detections" in html and "5 detections" in html and "1 detection" in html


def _unescaped(html: str) -> str:
    """The page with JSON's \\uXXXX escapes read (the legend is written as JSON)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda c: chr(int(c.group(1), 16)), html)


def _circles(m) -> list[list]:
    from landmap.maps.circles import Circles

    return [row for child in m._children.values() if isinstance(child, Circles)
            for row in child.rows]


def test_one_sighting_marker_per_station_with_detections(map_2021):
    s, m, _ = map_2021
    per = station_sightings(s)
    rows = _circles(m)
    assert len(rows) == len(per)
    assert sum(r[5] for r in rows) == per["detections"].sum() == headline(s).detections
    # proportional circles: area grows with the count, the largest drawn first
    counts = [r[5] for r in rows]
    radii = [r[2] for r in rows]
    assert counts == sorted(counts, reverse=True) and radii[0] == 22.0
    for count, radius in zip(counts, radii, strict=True):
        assert radius == pytest.approx(max(22 * (count / counts[0]) ** 0.5, 2.5), abs=0.05)


def test_sightings_follow_the_individual_filter(demo):
    s = demo.filter(years=(2021, 2021), individuals=["Leo 16F"])
    per = station_sightings(s)
    assert set(per["ids"]) == {"Leo 16F"}
    assert per["detections"].sum() == headline(s).detections


def test_map_needs_no_cdn(map_2021):
    _, m, html = map_2021
    assert all(u.startswith("/app/static/vendor/") for u in asset_urls(m))
    assert not re.search(r'(src|href)="https?://', html)


def test_sightings_are_circles_per_place_and_individual_keeping_every_detection(demo):
    from landmap.maps.circles import MAX_RADIUS

    s = demo.filter(years=(2021, 2021))
    m = sightings_map(s)
    rows = _circles(m)
    leopards = detections(s.observations, LEOPARD)
    assert sum(r[5] for r in rows) == len(leopards) == headline(s).detections
    # one circle per station and animal (the demo's stations have places of their own)
    at = leopards.merge(s.deployments[["deploymentID", "locationID"]], on="deploymentID")
    animal = at["individualID"].where(at["individualID"] != "", "unidentified")
    assert len(rows) == len(set(zip(at["locationID"], animal, strict=True)))
    # areas proportional to the counts, largest drawn first
    counts = np.array([r[5] for r in rows])
    radius = np.array([r[2] for r in rows])
    assert radius[0] == MAX_RADIUS and (np.diff(counts) <= 0).all()
    big = counts >= 4  # (below, the 2.5-pixel floor)
    assert np.allclose(radius[big] ** 2 / counts[big], MAX_RADIUS**2 / counts[0], rtol=0.02)
    one = next(r for r in rows if r[4].startswith("Leo 16F"))
    assert "detection" in one[4] and ("(Russia)" in one[4] or "(China)" in one[4])
    html = m.get_root().render()
    assert "markercluster" not in html.lower()


@pytest.mark.parametrize(("lang", "words"), [("en", "Showing the 40 largest of"),
                                             ("ru", "Показаны 40 самых крупных кругов из"),
                                             ("zh", "中最大的 40 个")])
def test_sightings_draw_the_largest_circles_up_to_the_limit_and_say_so(demo, monkeypatch,
                                                                       lang, words):
    """A survey of many years and animals has more circles than a browser holds: the
    largest are drawn (the same circles, in the same order, as the full map begins
    with) and the legend says how many there are."""
    import landmap.maps.sightings as sightings
    from landmap.i18n import language

    s = demo.filter(years=(2020, 2021))
    every = _circles(sightings_map(s, lang=language(lang)))
    monkeypatch.setattr(sightings, "MAX_CIRCLES", 40)
    m = sightings_map(s, lang=language(lang))
    drawn = _circles(m)
    assert drawn == every[:40] and len(every) > 400
    # the legend's text is written into the page as JSON (escaped)
    html = _unescaped(m.get_root().render())
    assert words in html and language(lang).number(len(every)) in html
    # the counts drawn are the largest; the legend's total still counts every detection
    assert min(r[5] for r in drawn) >= max(r[5] for r in every[40:])
    total = language(lang).number(sum(r[5] for r in every))
    assert f"({total})" in html


def test_range_maps_draw_at_most_the_limit(demo):
    from landmap.home_range import home_ranges

    s = demo.filter(years=(2021, 2021))
    r = home_ranges(s, method="kde", levels=(95,))
    html = home_range_map(s, r, max_individuals=10).get_root().render()
    # the total is that of the animals with a range, fewer than those photographed
    with_range = r.loc[r.geometry.notna(), "individualID"].nunique()
    assert with_range < s.observations["individualID"].replace("", pd.NA).nunique()
    assert (f"Showing the 10 individuals with the most detections, of the {with_range} "
            "with a range") in html
    # labels read "Leo 18M · KDE 95 % · ...", the dot JSON-escaped in the page
    drawn = set(re.findall(r'"label": "(Leo \d+[FM]) (?:\\u00b7|·) KDE', html))
    n = r.groupby("individualID")["n_locations"].max()
    assert len(drawn) == 10
    assert n[list(drawn)].min() >= n.drop(list(drawn)).max()  # the best documented ones


def test_many_ranges_are_quiet_outlines_by_sex_with_the_best_documented_in_colour(demo):
    from landmap.home_range import home_ranges
    from landmap.maps.home_ranges import HIGHLIGHTED, SEX_COLOURS

    pattern = re.compile(r'"colour": "(#[0-9a-fA-F]{6})", "individualID": "(Leo \d+[FM])", '
                         r'"label": "[^"]*", "quiet": (true|false)')
    s = demo.filter(years=(2021, 2021))
    r = home_ranges(s, method="kde", levels=(95,))
    found = pattern.findall(home_range_map(s, r).get_root().render())
    n = r[r.geometry.notna()].groupby("individualID")["n_locations"].max()
    top = set(n.sort_values(ascending=False, kind="stable").index[:HIGHLIGHTED])
    assert {i for _, i, quiet in found if quiet == "false"} == top
    quiet = [(i, colour) for colour, i, q in found if q == "true"]
    assert len({i for i, _ in quiet}) == len(n) - HIGHLIGHTED
    sex = s.individuals.set_index("individualID")["sex"]
    assert all(colour == SEX_COLOURS[sex[i]] for i, colour in quiet)
    html = home_range_map(s, r).get_root().render()
    assert "… and" not in html and "Other females (outline)" in html
    assert f"{len(n) - HIGHLIGHTED} more individuals: pick them in the table" in html
    # individuals asked for are the coloured ones
    chosen = pattern.findall(home_range_map(s, r, highlight=["Leo 16F", "Leo 23F"])
                             .get_root().render())
    assert {i for _, i, q in chosen if q == "false"} == {"Leo 16F", "Leo 23F"}


def test_the_year_players_frames_share_one_circle_scale(demo):
    # Drawn to the busiest place-year of the span, a circle of one size means one count
    # in every year's frame.
    from landmap.maps.circles import MAX_RADIUS, busiest
    from landmap.maps.overview import overview_largest

    scale = busiest(demo, (2013, 2024), overview_largest)
    per_year = [overview_largest(demo.filter(years=(y, y))) for y in range(2013, 2025)]
    assert scale == max(per_year) and min(per_year) < scale
    quiet = per_year.index(min(per_year)) + 2013
    rows = _circles(overview_map(demo.filter(years=(quiet, quiet)), scale=scale))
    assert rows[0][5] == min(per_year)
    assert rows[0][2] == pytest.approx(MAX_RADIUS * (min(per_year) / scale) ** 0.5, abs=0.05)


def _shared_places(demo):
    """The 2021 selection with every station of a grid cell of 0.1 degrees moved onto the
    cell's first station, as pooled programmes record several cameras at one spot."""
    import dataclasses

    import geopandas as gpd

    s = demo.filter(years=(2021, 2021))
    d = s.deployments.copy()
    cell = (d["latitude"] // 0.1).astype(str) + "/" + (d["longitude"] // 0.1).astype(str)
    first = d.sort_values("locationID").groupby(cell)[["latitude", "longitude"]].transform(
        "first")
    d[["latitude", "longitude"]] = first.loc[d.index]
    d = gpd.GeoDataFrame(d, geometry=gpd.points_from_xy(d.longitude, d.latitude),
                         crs="EPSG:4326")
    return dataclasses.replace(s, deployments=d)


def test_stations_at_one_place_are_one_circle_with_every_detection_and_animal(demo):
    from landmap.i18n import language
    from landmap.maps import place_sightings

    s = _shared_places(demo)
    # the same sums by a plain pandas merge and Python sets
    leopards = detections(s.observations, LEOPARD)
    at = leopards.merge(s.deployments[["deploymentID", "locationID", "latitude", "longitude"]],
                        on="deploymentID")
    at["individualID"] = at["individualID"].astype(str)
    expected = at.groupby(["latitude", "longitude"]).agg(
        detections=("deploymentID", "size"),
        stations=("locationID", lambda x: sorted(set(x))),
        ids=("individualID", lambda x: sorted(set(x) - {""})))
    per = place_sightings(s).set_index(["latitude", "longitude"]).sort_index()
    assert len(per) == len(expected) < len(station_sightings(s))
    assert per["detections"].tolist() == expected["detections"].tolist()
    assert per["detections"].sum() == headline(s).detections == 1362
    assert per["individuals"].tolist() == expected["ids"].map(len).tolist()
    for (_, row), (_, want) in zip(per.iterrows(), expected.iterrows(), strict=True):
        ids, stations = want["ids"], want["stations"]
        assert row["ids"] == ", ".join(ids[:12]) + (
            f" and {len(ids) - 12} more" if len(ids) > 12 else "")
        assert row["locationID"] == ", ".join(stations[:3]) + (
            f" and {len(stations) - 3} more" if len(stations) > 3 else "")
    assert (per["individuals"] > 12).any() and per["locationID"].str.contains(" more").any()
    # the map draws one circle per place, the popups in the map's language
    m = overview_map(s, lang=language("ru"))
    rows = _circles(m)
    assert len(rows) == len(per) and sum(r[5] for r in rows) == 1362
    assert any(" и ещё " in r[4] for r in rows) and not any(" more" in r[4] for r in rows)


def test_name_lists_count_distinct_names_and_say_how_many_more_in_each_language():
    from landmap.i18n import language
    from landmap.maps.stations import name_lists

    group = np.array([0, 0, 0, 0, 0, 2, 2, -1])
    names = ["Leo 2M", "Leo 1F", "Leo 2M", "", None, "Leo 9F", "Leo 10M", "Leo 5F"]
    text, n = name_lists(group, names, 3, 1)
    assert text.tolist() == ["Leo 1F and 1 more", "", "Leo 10M and 1 more"]
    assert n.tolist() == [2, 0, 2]
    assert name_lists(group, names, 3)[0].tolist() == ["Leo 1F, Leo 2M", "", "Leo 10M, Leo 9F"]
    assert name_lists(group, names, 3, 1, language("ru"))[0][0] == "Leo 1F и ещё 1"
    assert name_lists(group, names, 3, 1, language("zh"))[0][0] == "Leo 1F 及另外 1 个"


def test_station_markers_give_whole_trap_nights_summing_to_the_headline(map_2021):
    s, _, html = map_2021
    nights = re.findall(r'"trap_nights": ([0-9.]+)', html)
    assert len(nights) == headline(s).stations  # the demo's stations have places of their own
    assert all("." not in n for n in nights)
    assert abs(sum(int(n) for n in nights) - headline(s).trap_nights) <= len(nights) / 2


def _legend_body(m) -> str:
    from landmap.maps.legend import Legend

    return next(c.body for c in m._children.values() if isinstance(c, Legend))


def test_legend_names_the_border_and_parks_only_where_the_map_shows_them(make_package):
    """A package recorded far from the Amur (the standard's own example is Belgian) is
    drawn without the border or the parks in view: its legend must not name them. The
    demo's stations lie along the border and inside the park: both rows are there."""
    from landmap.io.camtrapdp import read_camtrapdp

    belgian = make_package(deployments=[dep(latitude="51.07", longitude="4.47",
                                            deploymentStart="2021-01-01T12:00:00+01:00",
                                            deploymentEnd="2021-03-01T12:00:00+01:00")],
                           observations=[obs(eventStart="2021-01-10T02:00:00+01:00",
                                             eventEnd="2021-01-10T02:00:30+01:00")])
    drawn = overview_map(read_camtrapdp(belgian), species=LEOPARD)
    far = _legend_body(drawn)
    assert "Russia–China border" not in far
    assert "National park (approximate outline)" not in far
    assert "Camera station in the selection" in far
    assert "Leopard detections per station (1 in all)" in far
    # no bundled outline there: the background is not the sea's colour, and says so
    unmapped = "No country outlines here (they are bundled for the parks' region only)"
    assert unmapped in html.unescape(far)
    background = ".leaflet-container { background: #ecebe7 !important; }"
    assert background in drawn.get_root().render()

    drawn = overview_map(read_camtrapdp(make_package()))
    near = _legend_body(drawn)
    assert "Russia–China border" in near
    assert "National park (approximate outline)" in near
    assert unmapped not in html.unescape(near)
    assert background not in drawn.get_root().render()


def test_trap_density_map_draws_and_names_coverage_gaps_only_where_measured(demo):
    """The gap layer and its legend row come with the gaps: not where the park's coverage
    is not measured (None: no station near it), nor where no park cell lacks a camera."""
    from landmap.effort import coverage_gaps, effort_grid
    from landmap.maps import density_map

    s = demo.filter(years=(2021, 2021))
    grid, gaps = effort_grid(s, by_year=False), coverage_gaps(s)
    row = "Park cell with no working station (coverage gap)"
    assert len(gaps) == 18  # 5 km cells of the park without a working station in 2021
    drawn = density_map(s, grid, gaps)
    assert row in _legend_body(drawn)
    assert "Coverage gaps (18 cells)" in drawn.get_root().render()
    for none in (None, gaps.iloc[:0]):
        drawn = density_map(s, grid, none)
        assert row not in _legend_body(drawn)
        assert "Coverage gaps" not in drawn.get_root().render()


def test_trap_density_map_is_fitted_on_its_whole_cells(make_package):
    """Three stations a few km apart: the view holds each whole 5 km cell, not only the
    stations (the map's edge cut the outer cells)."""
    from landmap.effort import effort_grid
    from landmap.io.camtrapdp import read_camtrapdp
    from landmap.maps import density_map
    from landmap.maps.base import _Frame

    s = read_camtrapdp(make_package(deployments=[
        dep(1, latitude="43.10", longitude="131.40"), dep(2, latitude="43.16",
                                                          longitude="131.47"),
        dep(3, latitude="43.05", longitude="131.52")]))
    grid = effort_grid(s, by_year=False)
    m = density_map(s, grid, None)
    (south, west), (north, east) = next(c for c in m._children.values()
                                        if isinstance(c, _Frame)).data
    # the view's corners are taken in the survey's UTM zone (see view_bounds): compared there
    import geopandas as gpd

    corners = gpd.GeoSeries(gpd.points_from_xy([west, east], [south, north]),
                            crs="EPSG:4326").to_crs(s.metric_crs)
    x0, y0, x1, y1 = grid.to_crs(s.metric_crs).total_bounds
    assert len(grid) == 3
    assert corners.x.iloc[0] <= x0 + 1 and corners.y.iloc[0] <= y0 + 1
    assert corners.x.iloc[1] >= x1 - 1 and corners.y.iloc[1] >= y1 - 1
    # the stations alone span less than the cells
    sx0, _, sx1, _ = s.deployments.to_crs(s.metric_crs).total_bounds
    assert x1 - x0 > sx1 - sx0 + 1000


def test_legend_of_the_demo_names_the_border_and_parks_in_every_language(demo):
    from landmap.i18n import language

    s = demo.filter(years=(2021, 2021))
    for lang, border, park in (("en", "Russia–China border", "National park"),
                               ("ru", "Граница России и Китая", "Национальный парк"),
                               ("zh", "中俄边界", "国家公园")):
        body = _legend_body(overview_map(s, lang=language(lang)))
        assert border in body and park in body, lang
