"""The benchmark produces its table with sane numbers (no timing is asserted)."""

import pandas as pd

from landmap.bench import run, scale_package
from landmap.demo import DEMO_DIR
from landmap.io.camtrapdp import read_camtrapdp


def test_benchmark_table_at_demo_scale(tmp_path):
    # filter_change on: the step drives the dashboard (sign-in included) through AppTest
    table = run(scales=(1,), repeat=1, filter_change=True)
    measures = set(table["measure"])
    for name in ("raw read of the CSV files (pyarrow)", "load + validation from CSV",
                 "filter change, warm (overview)", "filter change, warm (home ranges)",
                 "filter change, warm (sightings)", "filter change, warm (trap density)",
                 "filter change, warm (cross border)",
                 "load from the GeoParquet cache", "all home ranges",
                 "effort grid 5 km", "cross-border table (ranges shared)", "yearly summary",
                 "map HTML: overview", "map HTML: sightings", "peak memory so far"):
        assert name in measures
    seconds = table[table["unit"] == "s"]["value"]
    assert (seconds > 0).all()
    sizes = table[table["unit"] == "bytes"].set_index("measure")["value"]
    assert (sizes > 10_000).all() and (sizes < 2_000_000).all()  # maps under 2 MB at 1x
    rows = table.set_index("measure").loc["observations", "value"]
    assert rows == len(pd.read_csv(DEMO_DIR / "observations.csv"))


def test_scaled_package_has_k_times_the_rows_and_distinct_ids(tmp_path):
    s = read_camtrapdp(scale_package(3, tmp_path))
    one = read_camtrapdp(DEMO_DIR)
    assert len(s.observations) == 3 * len(one.observations)
    assert s.deployments["deploymentID"].is_unique
    assert len(s.leopard_ids()) == 3 * len(one.leopard_ids())
