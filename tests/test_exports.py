"""Downloads: a Camtrap DP package made from a survey reads back as the same survey."""

import io
import zipfile

from landmap.io.camtrapdp import read_camtrapdp
from landmap.io.exports import camtrapdp_zip, geojson_bytes, gpkg_bytes
from landmap.survey import headline


def test_demo_round_trips_through_a_camtrap_dp_zip(demo, tmp_path):
    zipfile.ZipFile(io.BytesIO(camtrapdp_zip(demo))).extractall(tmp_path)
    back = read_camtrapdp(tmp_path)
    assert headline(back) == headline(demo)
    for table in ("deployments", "observations"):
        a, b = getattr(demo, table), getattr(back, table)
        assert b.iloc[:, 0].tolist() == a.iloc[:, 0].tolist()  # the IDs, in order
    for column in ("eventStart", "eventStart_offset", "eventEnd", "individualID"):
        assert back.observations[column].equals(demo.observations[column]), column
    for column in ("deploymentStart", "deploymentEnd_offset", "latitude", "timestampIssues"):
        assert back.deployments[column].equals(demo.deployments[column]), column
    assert back.individuals["individualID"].tolist() == demo.individuals["individualID"].tolist()
    assert back.leopard_ids() == demo.leopard_ids()
    assert [p.message for p in back.problems] == [p.message for p in demo.problems]


def test_exported_packages_conform_to_camtrap_dp_1_0(demo, tmp_path):
    from landmap.io.conformance import check_package
    from landmap.privacy import Precision, protect

    for name, survey in (("demo", demo),
                         ("selection", demo.filter(years=(2021, 2021), sex=["female"])),
                         ("generalised", protect(demo.filter(years=(2022, 2022)),
                                                 Precision(5)))):
        folder = tmp_path / name
        zipfile.ZipFile(io.BytesIO(camtrapdp_zip(survey))).extractall(folder)
        assert check_package(folder) == [], name


def test_package_from_spreadsheet_tables_exports_conforming(tmp_path):
    import pandas as pd

    from landmap.io.conformance import check_package
    from landmap.io.tables import guess_columns, survey_from_tables

    stations = pd.DataFrame({"Station": ["A"], "lat": ["43.1"], "lon": ["131.4"],
                             "Setup_date": ["2021-01-01"], "Retrieval_date": ["2021-03-01"]})
    records = pd.DataFrame({"Station": ["A"], "Species": ["Panthera pardus orientalis"],
                            "DateTimeOriginal": ["2021-01-15 03:20:00"],
                            "Individual": ["Leo 1F"]})
    s = survey_from_tables(stations, records,
                           station_columns=guess_columns(stations.columns, "stations"),
                           record_columns=guess_columns(records.columns, "records"))
    zipfile.ZipFile(io.BytesIO(camtrapdp_zip(s))).extractall(tmp_path)
    assert check_package(tmp_path) == []
    assert headline(read_camtrapdp(tmp_path)) == headline(s)


def test_the_check_finds_what_breaks_the_standard(demo, tmp_path):
    import json

    import pandas as pd

    from landmap.io.conformance import check_package

    zipfile.ZipFile(io.BytesIO(camtrapdp_zip(demo.filter(years=(2021, 2021))))).extractall(
        tmp_path)
    obs = pd.read_csv(tmp_path / "observations.csv", dtype=str, keep_default_na=False)
    obs.loc[0, "sex"] = "F"
    obs.loc[1, "count"] = "1.5"
    obs.loc[2, "deploymentID"] = "nowhere"
    obs.to_csv(tmp_path / "observations.csv", index=False)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    del descriptor["project"]["samplingDesign"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    found = {(p.file, p.row, p.field, p.message) for p in check_package(tmp_path)}
    assert found == {
        ("datapackage.json", None, "project.samplingDesign", "a required property is missing"),
        ("observations.csv", 2, "sex", "must be one of female, male"),
        ("observations.csv", 3, "count", "not an integer"),
        ("observations.csv", 4, "deploymentID", "refers to a deployment that is not in the "
                                                "package"),
    }
    # and the same findings read in Russian, where they are shown
    from landmap.i18n import language
    from landmap.io.validate import problems_frame

    ru = problems_frame(check_package(tmp_path), language("ru"))
    assert set(ru["message"]) == {"нет обязательного свойства",
                                  "должно быть одним из: female, male", "это не целое число",
                                  "ссылается на установку, которой нет в пакете"}


def test_every_exported_geometry_is_valid_when_read_back(demo, tmp_path):
    # Before: 111 of 523 demo ranges were invalid GeoJSON polygons (grid-cell rings that
    # touch at a corner once reprojected to WGS 84); GIS software refuses them.
    import geopandas as gpd
    import shapely

    from landmap.effort import coverage_gaps, effort_grid
    from landmap.home_range import home_ranges
    from landmap.privacy import Precision, protect

    ranges = home_ranges(demo, by="year")
    ranges = ranges[ranges.geometry.notna()]
    layers = {"ranges": ranges, "ranges_5km": protect(ranges, Precision(5)),
              "grid": effort_grid(demo, cell_km=5), "gaps": coverage_gaps(demo)}
    for name, layer in layers.items():
        back = gpd.read_file(io.BytesIO(geojson_bytes(layer)))
        assert len(back) == len(layer), name
        assert back.geometry.is_valid.all(), name
        parts = shapely.get_parts(back.geometry.to_numpy())
        assert shapely.is_ccw(shapely.get_exterior_ring(parts)).all(), name  # RFC 7946
        holes = [shapely.get_interior_ring(p, i) for p in parts
                 for i in range(shapely.get_num_interior_rings(p))]
        assert not any(shapely.is_ccw(holes)), name
        # the repair moves no boundary by more than the rounding to 1e-5 degrees (at most
        # about 1.1 m here): each area changes by less than 1.5 m times its perimeter
        before = layer.to_crs(4326).to_crs(layer.crs)
        after = back.to_crs(layer.crs).area.to_numpy()
        assert (abs(after - before.area.to_numpy()) <= 1.5 * before.length.to_numpy()).all()
        package = gpd.read_file(io.BytesIO(gpkg_bytes(layer, name)))
        assert package.geometry.is_valid.all(), name
