"""Movements of an individual (landmap.movement), checked on a hand-built animal.

Leo 1F is photographed at L1 twice (the second 2 h later: a second independent
detection), then at L2, then at L3 in China, then at L2 again. Her steps, by hand:
L1 -> L2 (from the second L1 detection), L2 -> L3 (across the border), L3 -> L2 (back).
Distances are straight lines in UTM 52N, checked against pyproj within 1 m.
"""

from __future__ import annotations

import pytest
from pyproj import Transformer

from landmap.io.camtrapdp import read_camtrapdp
from landmap.movement import movement_path
from landmap.privacy import Precision, protect
from tests.conftest import dep, obs, off_grid

PLACES = {1: ("43.100", "131.450"), 2: ("43.150", "131.400"), 3: ("42.900", "130.700")}
TIMES = [(1, "2021-01-10T02:00:00+10:00"), (1, "2021-01-10T04:00:00+10:00"),
         (2, "2021-01-15T22:00:00+10:00"), (3, "2021-02-01T03:00:00+10:00"),
         (2, "2021-02-20T21:00:00+10:00")]


@pytest.fixture
def survey(make_package):
    deployments = [dep(i, latitude=lat, longitude=lon) for i, (lat, lon) in PLACES.items()]
    observations = [obs(k, deploymentID=f"d{i}", eventStart=t, eventEnd=t)
                    for k, (i, t) in enumerate(TIMES, start=1)]
    return read_camtrapdp(make_package(deployments=deployments, observations=observations))


def test_steps_follow_time_and_flag_the_border(survey):
    path = movement_path(survey, "Leo 1F")
    assert path["from_station"].tolist() == ["L1", "L2", "L3"]
    assert path["to_station"].tolist() == ["L2", "L3", "L2"]
    assert path["step"].tolist() == [1, 2, 3]
    assert path["start"].is_monotonic_increasing and (path["end"] >= path["start"]).all()
    assert str(path["start"].iloc[0]) == "2021-01-09 18:00:00+00:00"  # the second at L1
    assert path["crosses_border"].tolist() == [False, True, True]
    assert path["from_country"].tolist() == ["RUS", "RUS", "CHN"]
    assert path["days"].iloc[0] == pytest.approx((5 * 24 + 18) / 24)
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32652", always_xy=True)
    (x1, y1), (x2, y2) = (to_utm.transform(float(PLACES[i][1]), float(PLACES[i][0]))
                          for i in (1, 2))
    assert path["distance_km"].iloc[0] * 1000 == pytest.approx(
        ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, abs=1)


def test_a_viewers_path_joins_policy_grid_cells_only(survey):
    viewer = movement_path(protect(survey, Precision(5)), "Leo 1F")
    xy = [c for line in viewer.to_crs("EPSG:4326").geometry for c in line.coords]
    lon, lat = zip(*xy, strict=True)
    assert off_grid(lon, lat, 5).size == 0
    assert len(viewer) <= 3 and viewer["crosses_border"].any()


def test_unknown_individuals_are_named(survey):
    with pytest.raises(ValueError, match="Leo 999X is not photographed in this selection "
                                         r"\(it has Leo 1F"):
        movement_path(survey, "Leo 999X")


def test_the_command_exports_a_path(tmp_path, capsys):
    import json

    from landmap.cli import main
    from landmap.demo import DEMO_DIR, load_demo

    out = tmp_path / "path.geojson"
    assert main(["export", str(DEMO_DIR), "--what", "path", "--year", "2021",
                 "--individual", "Leo 16F", "--output", str(out)]) == 0
    features = json.loads(out.read_text())["features"]
    expected = movement_path(protect(load_demo().filter(years=2021), Precision(5)), "Leo 16F")
    assert [f["properties"]["step"] for f in features] == expected["step"].tolist()
    assert all(f["properties"]["location_precision"] == "locations generalised to 5 km"
               for f in features)
    assert main(["export", str(DEMO_DIR), "--what", "path", "--output", str(out)]) == 2
    assert "name one animal with --individual" in capsys.readouterr().err
