"""Yearly population: minimum counts checked by hand and against the simulator."""

from landmap.io.camtrapdp import read_camtrapdp
from landmap.population import cubs_by_mother, yearly_population
from tests.conftest import dep, obs


def _at(day: str, i: int, **kw):
    return obs(i, eventID=kw.pop("eventID", f"e{i}"), eventStart=f"{day}T02:00:00+10:00",
               eventEnd=f"{day}T02:01:00+10:00", **kw)


def test_population_by_hand(make_package):
    deployments = [dep(1, deploymentStart="2019-01-01T00:00:00+10:00",
                       deploymentEnd="2021-12-31T00:00:00+10:00")]
    observations = [
        _at("2019-03-01", 1, individualID="Leo 1F"),
        _at("2019-04-01", 2, individualID="Leo 2M", sex="male"),
        _at("2020-03-01", 3, individualID="Leo 1F", eventID="ev"),
        _at("2020-03-01", 4, individualID="", lifeStage="juvenile", count="2", eventID="ev",
            sex=""),
        _at("2020-05-01", 5, individualID="Leo 3M", sex="male", lifeStage="subadult"),
        _at("2021-03-01", 6, individualID="Leo 3M", sex="male"),
    ]
    s = read_camtrapdp(make_package(deployments=deployments, observations=observations))
    p = yearly_population(s).set_index("year")
    assert p["individuals"].tolist() == [2, 2, 1]
    assert p["new_individuals"].tolist() == [2, 1, 0]
    assert p.loc[2019, "last_seen"] == 1  # Leo 2M not seen after 2019
    assert p.loc[2020, "last_seen"] == 1  # Leo 1F not seen after 2020
    assert p["last_seen"].isna().tolist() == [False, False, True]
    assert (p.loc[2020, "females_with_cubs"], p.loc[2020, "cubs"]) == (1, 2)
    assert (p.loc[2020, "adults"], p.loc[2020, "subadults"]) == (1, 1)
    assert p.loc[2019, "sex_ratio_m_per_f"] == 1.0
    assert cubs_by_mother(s).values.tolist() == [[2020, "Leo 1F", 2]]


def test_demo_counts_match_the_simulator(demo, demo_summary):
    p = yearly_population(demo).set_index("year")
    assert p["individuals"].to_dict() == demo_summary["individuals"].to_dict()
    assert p.loc[2021, "cubs"] >= 16  # Russia's 16 plus mothers photographed only in China


def test_cubs_are_counted_as_camtrap_dp_records_a_family(make_package):
    # One event: the mother (adult, count 1), a row for two unidentified cubs (count 2) and
    # an identified cub (juvenile female with her own ID) listed twice. Another event: the
    # same mother with three one-cub rows. By hand: 2 + 1 = 3 cubs in the first event,
    # 3 in the second; she is the only mother; the identified cub is no mother and no adult.
    deployments = [dep(1, deploymentStart="2021-01-01T00:00:00+10:00",
                       deploymentEnd="2021-12-31T00:00:00+10:00")]
    family = [
        _at("2021-03-01", 1, individualID="Leo 1F", eventID="ev1"),
        _at("2021-03-01", 2, individualID="", lifeStage="juvenile", count="2", sex="",
            eventID="ev1"),
        _at("2021-03-01", 3, individualID="Leo 9F", lifeStage="juvenile", eventID="ev1"),
        _at("2021-03-01", 4, individualID="Leo 9F", lifeStage="juvenile", eventID="ev1"),
        *[_at("2021-04-01", 5 + k, individualID="", lifeStage="juvenile", count="1", sex="",
              eventID="ev2") for k in range(3)],
        _at("2021-04-01", 9, individualID="Leo 1F", eventID="ev2"),
    ]
    s = read_camtrapdp(make_package(deployments=deployments, observations=family))
    assert cubs_by_mother(s).values.tolist() == [[2021, "Leo 1F", 3]]
    p = yearly_population(s).set_index("year").loc[2021]
    assert (p["individuals"], p["adults"], p["females"]) == (2, 1, 2)
    assert (p["females_with_cubs"], p["cubs"]) == (1, 3)
