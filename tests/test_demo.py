"""The demo survey: loads, matches what the simulator reports, and looks like the programme."""

import filecmp

import pytest

from landmap.demo import AT_LEAST, DEMO_DIR, PUBLISHED_RUSSIA, write_demo
from landmap.observations import LEOPARD
from landmap.survey import headline


@pytest.fixture(scope="module")
def per_year(demo):
    """Counts per year from the loaded package (independent of the simulator's own tally)."""
    rows = {}
    for year in range(2013, 2025):
        s = demo.filter(years=(year, year))
        h = headline(s)
        obs = s.observations
        leo = obs[(obs["scientificName"] == LEOPARD) & (obs["individualID"] != "")]
        country = leo["deploymentID"].map(s.deployments.set_index("deploymentID")["country"])
        ru, cn = set(leo.loc[country == "RUS", "individualID"]), set(
            leo.loc[country == "CHN", "individualID"])
        cubs = obs[(obs["lifeStage"] == "juvenile")
                   & obs["deploymentID"].map(s.deployments.set_index("deploymentID")["country"])
                   .eq("RUS")]
        rows[year] = {"stations": h.stations, "trap_nights": h.trap_nights,
                      "leopard_detections": h.detections, "individuals": h.individuals,
                      "individuals_russia": len(ru), "individuals_china": len(cn),
                      "individuals_both": len(ru & cn),
                      "cubs_russia": int(cubs.groupby("observationComments")["count"].max().sum())}
    return rows


@pytest.mark.parametrize("column", ["stations", "leopard_detections", "individuals",
                                    "individuals_russia", "individuals_china",
                                    "individuals_both", "cubs_russia"])
def test_loaded_counts_equal_the_simulators(per_year, demo_summary, column):
    loaded = {y: r[column] for y, r in per_year.items()}
    assert loaded == demo_summary[column].to_dict()


def test_trap_nights_equal_the_simulators(per_year, demo_summary):
    for year, row in per_year.items():
        assert row["trap_nights"] == pytest.approx(demo_summary.loc[year, "trap_nights"],
                                                   abs=0.02)


@pytest.mark.parametrize("year", sorted(PUBLISHED_RUSSIA))
def test_published_russian_counts_within_ten_percent(per_year, year):
    adults, cubs = PUBLISHED_RUSSIA[year]
    for what, published, simulated in (("adults", adults, per_year[year]["individuals_russia"]),
                                       ("cubs", cubs, per_year[year]["cubs_russia"])):
        if published is None:
            continue
        if (year, what) in AT_LEAST:  # "at least N": no more than 10 % below, up to 25 % above
            assert 0.9 * published <= simulated <= 1.25 * published, (what, simulated)
        else:
            assert simulated == pytest.approx(published, rel=0.10), (what, simulated)


def test_station_numbers_follow_the_programme(demo_summary):
    # About 200 cameras in 2013 and 400 by 2018 in Russia; about 150 in China from 2016.
    assert demo_summary.loc[2013, "stations_russia"] == pytest.approx(200, rel=0.05)
    assert demo_summary.loc[2018, "stations_russia"] == pytest.approx(400, rel=0.05)
    assert demo_summary.loc[2015, "stations_china"] == 0
    assert demo_summary.loc[2016, "stations_china"] == pytest.approx(150, rel=0.05)


def test_cross_border_share_over_all_years(demo):
    obs = demo.observations
    leo = obs[(obs["scientificName"] == LEOPARD) & (obs["individualID"] != "")]
    country = leo["deploymentID"].map(demo.deployments.set_index("deploymentID")["country"])
    sides = leo.assign(country=country).groupby("individualID")["country"].agg(set)
    both = sides.map(len).eq(2).mean()
    china_only = sides.map(lambda s: s == {"CHN"}).mean()
    assert 0.35 <= both <= 0.40  # about 35-40 % photographed on both sides (park; Vitkalova 2018)
    assert china_only > 0.05


def test_named_and_famous_individuals(demo):
    ind = demo.individuals.set_index("individualID")
    assert ind.loc["Leo 16F", "name"] == "Queen Borte"
    assert ind.loc["Leo 23F", "name"] == "Grace"
    assert (ind.loc[["Leo 16F", "Leo 23F", "Leo 117F"], "sex"] == "female").all()
    ids = demo.individuals["individualID"]
    assert ids.str.fullmatch(r"Leo \d+[FM]").all()
    s = demo.filter(years=(2021, 2021))
    cubs = s.observations[s.observations["observationComments"] == "cubs with Leo 117F"]
    assert cubs["count"].max() == 3


def test_other_species_and_triggers_present(demo):
    obs = demo.observations
    names = set(obs["scientificName"])
    for species in ("Panthera tigris altaica", "Cervus nippon", "Capreolus pygargus",
                    "Sus scrofa", "Meles leucurus", "Nyctereutes procyonoides"):
        assert species in names
    assert {"human", "vehicle", "blank"} <= set(obs["observationType"])
    counts = obs["scientificName"].value_counts()
    assert counts["Cervus nippon"] > counts["Sus scrofa"] > counts["Panthera tigris altaica"]


def test_deployments_have_gaps_failures_and_clock_problems(demo):
    d = demo.deployments
    assert d["timestampIssues"].sum() > 0
    assert (d["deploymentTags"] == "failed").sum() > 0
    assert set(d["country"]) == {"RUS", "CHN"}
    assert set(d["deploymentStart_offset"]) == {600, 480}


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_package_is_small():
    # the simulated pictures included (the tables are 5.5 MB, the 369 pictures 3.2 MB)
    size = sum((DEMO_DIR / name).stat().st_size for name in _files(DEMO_DIR))
    assert size < 10 * 1024 * 1024


def test_regenerating_gives_identical_files(tmp_path):
    write_demo(tmp_path)
    names = _files(DEMO_DIR)
    assert _files(tmp_path) == names and len(names) == 6 + 369
    _, mismatch, errors = filecmp.cmpfiles(DEMO_DIR, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []
