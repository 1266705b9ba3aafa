"""A simulated camera-trap survey that looks like the real programme, for demos and tests.

    python -m landmap.demo            # rewrite geodata/demo/ (byte-identical each time)
    python -m landmap.demo --out DIR  # write the package elsewhere

The simulator is deterministic (fixed seed). It is **not** real data: the numbers are
steered towards the published camera-trap counts of Land of the Leopard National Park
(about 50 adults in 2013 to 129 in 2024, see README "Sources") so that the dashboard
looks like the real thing, but every animal, station and photograph is invented.

How it works, year by year (2013-2024):

* Stations: about 400 sites on a jittered grid inside the (approximate) Russian park, 200
  working from 2013 and 40 more each year to 400 in 2018; 150 sites in the Chinese park
  within 25 km of the border from 2016. Each station runs deployments of 4-6 months with
  service gaps of days to weeks; about 3 % fail early and about 1 % have
  ``timestampIssues``.
* Leopards: each independent animal has an activity centre; adults survive a year with
  probability 0.87, cubs 0.75. Females of 3 years or more raise litters of 1-3; cubs stay
  with the mother for two years, then disperse (males farther) and get a catalogue ID
  (``Leo <n><F|M>``, numbered in order of first photograph). Immigrants, and deaths early in a
  year, steer the number photographed in Russia onto the published counts, and the number
  photographed only in China onto a rising series.
* Detections: at a station j the number of photographs of an animal in a year is Poisson
  with mean ``lambda0 * exp(-d_j^2 / (2 sigma^2)) * trap_nights_j / 365`` (half-normal fall-off,
  sigma 2.4 km for females and 3.4 km for males), which gives 95 % ranges of roughly
  50-300 km2. About 10 % of photographs are followed by another of the same animal at the same
  station within 30 minutes (not independent). Cubs are in about half of their mother's
  photographs.
* Other species and non-animal triggers at low, plausible relative rates (sika deer most,
  then roe deer, wild boar, ...), thinned so that the whole package stays under 10 MB.

``geodata/demo/simulation_summary.csv`` is the simulator's own count per year, made from
its internal state (not by reading the CSV files back): the tests compare the loader's
counts with it.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from landmap.boundaries import GEODATA_DIR, METRIC_CRS, Boundaries, load_boundaries
from landmap.observations import LEOPARD

__all__ = ["AT_LEAST", "DEMO_DIR", "PUBLISHED_RUSSIA", "SimulationConfig", "load_demo",
           "simulate"]

DEMO_DIR = GEODATA_DIR / "demo"

#: Published camera-trap counts for the Russian park (park annual counts, WWF Russia):
#: year -> (independent animals, cubs or None). See README "Sources".
PUBLISHED_RUSSIA = {
    2015: (57, None),
    2017: (85, 20),
    2021: (110, 16),
    2022: (121, None),
    2023: (125, None),
    2024: (129, 14),
}

#: Published figures that are lower bounds ("at least 57", "at least 14 cubs").
AT_LEAST = {(2015, "adults"), (2024, "cubs")}

_ADULT_TARGET = {2013: 50, 2014: 54, 2015: 60, 2016: 72, 2017: 85, 2018: 91, 2019: 97,
                 2020: 103, 2021: 110, 2022: 121, 2023: 125, 2024: 129}
_CHINA_ONLY_TARGET = {2016: 10, 2017: 12, 2018: 14, 2019: 16, 2020: 18, 2021: 20, 2022: 24,
                      2023: 27, 2024: 30}
_CUB_TARGET = {2013: 10, 2014: 12, 2015: 14, 2016: 17, 2017: 20, 2018: 19, 2019: 18,
               2020: 17, 2021: 16, 2022: 15, 2023: 15, 2024: 15}

# Events per 100 trap-nights; thinned from real relative frequencies to keep the demo small.
_OTHER = [
    ("animal", "Cervus nippon", 0.25, (1, 4)),
    ("animal", "Capreolus pygargus", 0.15, (1, 3)),
    ("animal", "Sus scrofa", 0.12, (1, 6)),
    ("animal", "Meles leucurus", 0.05, (1, 2)),
    ("animal", "Nyctereutes procyonoides", 0.05, (1, 2)),
    ("animal", "Panthera tigris altaica", 0.04, (1, 1)),
    ("human", "", 0.06, (1, 3)),
    ("vehicle", "", 0.02, (1, 1)),
    ("blank", "", 0.06, (1, 1)),
]
_OFFSET = {"RUS": 600, "CHN": 480}  # minutes east of UTC: Primorye +10, China +8

#: When each kind of record is made, in sun time (sunrise 6 h, sunset 18 h; see
#: landmap.sun): mixtures of von Mises curves, each (weight, peak hour, concentration).
DIEL_PATTERNS: dict[str, tuple[tuple[float, float, float], ...]] = {
    LEOPARD: ((0.4, 18.5, 6.0), (0.3, 5.5, 6.0), (0.3, 0.5, 2.0)),  # nocturnal, crepuscular
    "Cervus nippon": ((0.45, 6.0, 8.0), (0.45, 18.0, 8.0), (0.1, 12.0, 1.0)),  # crepuscular
    "Capreolus pygargus": ((0.4, 6.5, 6.0), (0.4, 17.5, 6.0), (0.2, 0.0, 1.0)),
    "Sus scrofa": ((0.8, 12.0, 2.0), (0.2, 0.0, 2.0)),  # mostly by day
    "Meles leucurus": ((1.0, 0.0, 3.0),),  # nocturnal
    "Nyctereutes procyonoides": ((1.0, 23.0, 3.0),),  # nocturnal
    "Panthera tigris altaica": ((0.35, 19.0, 5.0), (0.35, 5.0, 5.0), (0.3, 0.0, 2.0)),
    "human": ((1.0, 12.0, 6.0),),  # by day
    "vehicle": ((1.0, 12.5, 5.0),),
    "blank": ((1.0, 12.0, 0.0),),  # wind and vegetation: any hour
}


def _sun_hours(pattern, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` sun times (hours) drawn from a diel pattern."""
    weights = np.array([w for w, _, _ in pattern])
    part = rng.choice(len(pattern), size=n, p=weights / weights.sum())
    peak = np.array([h for _, h, _ in pattern])[part] / 24 * 2 * np.pi
    kappa = np.array([k for _, _, k in pattern])[part]
    angle = np.where(kappa > 0, peak + rng.vonmises(0.0, np.maximum(kappa, 1e-9)),
                     rng.uniform(0, 2 * np.pi, n))
    return np.mod(angle, 2 * np.pi) / (2 * np.pi) * 24


def _on_the_diel_clock(t, kinds, dep_index, lo, hi, dep, origin, rng) -> np.ndarray:
    """Move each record to a time of its day drawn from its kind's diel pattern (sun time
    turned into the camera's clock with the station's sunrise and sunset that day). A time
    that would fall outside the deployment (its first and last days) is kept as it was."""
    from landmap.sun import clock_from_sun_time, sun_events

    t = np.asarray(t, dtype=float)
    day = np.floor(t)
    sun = np.zeros(len(t))
    for kind in np.unique(kinds):
        mine = kinds == kind
        sun[mine] = _sun_hours(DIEL_PATTERNS[kind], rng, int(mine.sum()))
    dates = origin + pd.to_timedelta(day, unit="D")
    offsets = dep["country"].map(_OFFSET).to_numpy()[dep_index]
    rise, set_ = sun_events(dates, dep["latitude"].to_numpy()[dep_index],
                            dep["longitude"].to_numpy()[dep_index], offsets)
    moved = day + clock_from_sun_time(sun, rise, set_) / 24
    fits = np.isfinite(moved) & (moved >= lo) & (moved < hi)
    return np.where(fits, moved, t)


@dataclasses.dataclass(frozen=True)
class SimulationConfig:
    """Knobs of the simulator. ``scale`` multiplies stations and animals (for benchmarks)."""

    seed: int = 20120405
    first_year: int = 2013
    last_year: int = 2024
    russian_stations: int = 400
    chinese_stations: int = 150
    sigma_female_m: float = 2_400.0
    sigma_male_m: float = 3_400.0
    lambda_female: float = 2.4
    lambda_male: float = 1.4
    adult_survival: float = 0.87
    cub_survival: float = 0.75


@dataclasses.dataclass
class _Animal:
    key: int
    sex: str
    birth_year: int
    x: float
    y: float
    mother: int | None = None
    alive: bool = True
    independent: bool = True
    protected: bool = False  # named animals the demo keeps alive
    catalogue: int | None = None


# ----------------------------------------------------------------------------- stations
def _grid_points(area, n_wanted: int, rng: np.random.Generator) -> np.ndarray:
    """About ``n_wanted`` jittered grid points inside a polygon (metric CRS)."""
    minx, miny, maxx, maxy = area.bounds
    spacing = np.sqrt(area.area / n_wanted)
    for _ in range(40):
        xs, ys = np.meshgrid(np.arange(minx, maxx, spacing), np.arange(miny, maxy, spacing))
        pts = np.column_stack([xs.ravel(), ys.ravel()])
        pts = pts + rng.uniform(-0.3, 0.3, pts.shape) * spacing
        inside = shapely.contains_xy(area, pts[:, 0], pts[:, 1])
        pts = pts[inside]
        if len(pts) >= n_wanted:
            break
        spacing *= 0.97
    keep = np.sort(rng.choice(len(pts), n_wanted, replace=False))
    return pts[keep]


def _stations(b: Boundaries, cfg: SimulationConfig, rng) -> pd.DataFrame:
    parks = b.parks.to_crs(METRIC_CRS).set_index("park_id").geometry
    border = b.border.to_crs(METRIC_CRS).geometry.union_all()
    ru = _grid_points(parks["land-of-the-leopard"], cfg.russian_stations, rng)
    # Chinese cameras watch the forest along the border facing the Russian park.
    facing = gpd.GeoSeries([shapely.box(129, 42.5, 132, 43.75)], crs="EPSG:4326")
    china_area = parks["ne-china-tiger-leopard"].intersection(border.buffer(15_000)).intersection(
        facing.to_crs(METRIC_CRS).iloc[0])
    cn = _grid_points(china_area, cfg.chinese_stations, rng)
    # RU: 200 from the first year, 40 more a year until all run (400 by 2018).
    ru_start = np.full(len(ru), cfg.first_year)
    order = rng.permutation(len(ru))
    base = len(ru) // 2
    step = max(1, (len(ru) - base) // 5)
    for k, i in enumerate(order[base:]):
        ru_start[i] = cfg.first_year + 1 + min(4, k // step)
    frames = []
    for prefix, country, pts, start in (("RU", "RUS", ru, ru_start),
                                        ("CN", "CHN", cn, np.full(len(cn), 2016))):
        frames.append(pd.DataFrame({
            "locationID": [f"{prefix}-{i + 1:03d}" for i in range(len(pts))],
            "country": country, "x": pts[:, 0], "y": pts[:, 1], "first_year": start,
        }))
    stations = pd.concat(frames, ignore_index=True)
    lonlat = gpd.GeoSeries(gpd.points_from_xy(stations.x, stations.y), crs=METRIC_CRS)
    lonlat = lonlat.to_crs("EPSG:4326")
    stations["longitude"] = np.round(lonlat.x.to_numpy(), 5)
    stations["latitude"] = np.round(lonlat.y.to_numpy(), 5)
    return stations


def _deployments(stations: pd.DataFrame, cfg: SimulationConfig, rng) -> pd.DataFrame:
    """Deployments as local-time starts/ends (naive, in days since the first year's start)."""
    rows = []
    origin = pd.Timestamp(cfg.first_year, 1, 1)
    horizon = (pd.Timestamp(cfg.last_year + 1, 1, 1) - origin).days
    for s in stations.itertuples():
        t = (pd.Timestamp(int(s.first_year), 1, 1) - origin).days + rng.uniform(3, 40)
        n = 0
        while t < horizon - 5:
            length = rng.uniform(120, 185)
            failed = rng.random() < 0.03
            if failed:
                length = rng.uniform(0.5, 20)
            end = min(t + length, horizon - 0.01)
            n += 1
            rows.append((s.locationID, n, t, end, failed, rng.random() < 0.01))
            t = t + (length if not failed else rng.uniform(60, 150)) + rng.uniform(2, 25)
    d = pd.DataFrame(rows, columns=["locationID", "n", "start_day", "end_day", "failed",
                                    "timestampIssues"])
    # Service visits happen in daylight: round to the minute between 09:00 and 17:00.
    for col in ("start_day", "end_day"):
        day = np.floor(d[col])
        d[col] = day + np.round(rng.uniform(9, 17, len(d)) * 60) / 1440
    # A camera that failed on its first day was still collected after it was set up.
    same_day = d["end_day"] <= d["start_day"]
    d.loc[same_day, "end_day"] = d.loc[same_day, "start_day"] + 2 / 24
    d["deploymentID"] = d["locationID"] + "-D" + d["n"].astype(str).str.zfill(2)
    return d.merge(stations, on="locationID")


def _trap_nights_by_year(dep: pd.DataFrame, cfg: SimulationConfig) -> np.ndarray:
    """Local-time trap-nights of every deployment in every year: shape (deployments, years)."""
    origin = pd.Timestamp(cfg.first_year, 1, 1)
    years = np.arange(cfg.first_year, cfg.last_year + 1)
    edges = np.array([(pd.Timestamp(int(y), 1, 1) - origin).days for y in years]
                     + [(pd.Timestamp(cfg.last_year + 1, 1, 1) - origin).days])
    lo = np.maximum(dep["start_day"].to_numpy()[:, None], edges[None, :-1])
    hi = np.minimum(dep["end_day"].to_numpy()[:, None], edges[None, 1:])
    return np.clip(hi - lo, 0, None)


# ----------------------------------------------------------------------------- leopards
class _Population:
    def __init__(self, b: Boundaries, cfg: SimulationConfig, rng):
        self.cfg, self.rng = cfg, rng
        parks = b.parks.to_crs(METRIC_CRS).set_index("park_id").geometry
        border = b.border.to_crs(METRIC_CRS).geometry.union_all()
        self.ru_area = parks["land-of-the-leopard"]
        self.cn_area = parks["ne-china-tiger-leopard"].intersection(
            border.buffer(15_000)).difference(border.buffer(2_000))
        self.ru_border = self.ru_area.intersection(border.buffer(7_000))
        self.habitat = self.ru_area.union(parks["ne-china-tiger-leopard"].intersection(
            border.buffer(40_000)))
        self.animals: list[_Animal] = []

    def _point_in(self, area) -> tuple[float, float]:
        minx, miny, maxx, maxy = area.bounds
        while True:
            x, y = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if area.contains(Point(x, y)):
                return x, y

    def add(self, sex, birth_year, area=None, near=None, mother=None, independent=True):
        if near is not None:
            x, y = near
        else:
            x, y = self._point_in(area)
        a = _Animal(len(self.animals), sex, birth_year, x, y, mother=mother,
                    independent=independent)
        self.animals.append(a)
        return a

    def disperse(self, a: _Animal, mother: _Animal) -> None:
        """Move a newly independent cub away from its mother; it may leave the study area."""
        median = 8_000.0 if a.sex == "F" else 22_000.0
        for _ in range(20):
            dist = median * np.exp(self.rng.normal(0, 0.5))
            angle = self.rng.uniform(0, 2 * np.pi)
            x, y = mother.x + dist * np.cos(angle), mother.y + dist * np.sin(angle)
            if self.habitat.contains(Point(x, y)):
                a.x, a.y = x, y
                return
        a.alive = False  # dispersed out of the study area


@dataclasses.dataclass
class _Simulation:
    """What the simulator knows while it runs: the design, the animals and their photos."""

    cfg: SimulationConfig
    rng: np.random.Generator
    stations: pd.DataFrame
    deployments: pd.DataFrame
    trap_nights: np.ndarray  # deployment x year
    years: list[int]
    pop: _Population
    #: (animal key, station index, year index) for each photograph
    records: list = dataclasses.field(default_factory=list)
    #: (mother, year) -> (cubs, all newborn)
    cubs_with: dict = dataclasses.field(default_factory=dict)
    #: animal keys in the order they were first photographed (their catalogue numbers)
    first_seen: list[int] = dataclasses.field(default_factory=list)
    #: catalogue number -> animal key (16, 23 and 117 are named females)
    reserved: dict[int, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        index = {k: i for i, k in enumerate(self.stations["locationID"])}
        self.deployment_station = self.deployments["locationID"].map(index).to_numpy()
        self.station_xy = self.stations[["x", "y"]].to_numpy()
        self.station_country = self.stations["country"].to_numpy()

    def photographs(self, a: _Animal, yi: int) -> np.ndarray:
        """Photographs of animal ``a`` at each station in year ``yi`` (half-normal, Poisson)."""
        cfg = self.cfg
        effort = np.bincount(self.deployment_station, weights=self.trap_nights[:, yi],
                             minlength=len(self.stations))
        sigma = cfg.sigma_female_m if a.sex == "F" else cfg.sigma_male_m
        lam = cfg.lambda_female if a.sex == "F" else cfg.lambda_male
        d2 = (self.station_xy[:, 0] - a.x) ** 2 + (self.station_xy[:, 1] - a.y) ** 2
        return self.rng.poisson(lam * np.exp(-d2 / (2 * sigma**2)) * effort / 365.0)

    def seen_in(self, country: str, shots: dict[int, np.ndarray]) -> set[int]:
        mask = self.station_country == country
        return {k for k, c in shots.items() if c[mask].sum() > 0}


def leopard_habitat(boundaries: Boundaries | None = None):
    """Where the simulator places activity centres (UTM 52N): the Russian park and the
    Chinese park within 40 km of the border. Density estimates of the demo are checked
    against the simulator's animals in it."""
    b = boundaries or load_boundaries()
    return _Population(b, SimulationConfig(), np.random.default_rng(0)).habitat


def simulate(cfg: SimulationConfig | None = None, boundaries: Boundaries | None = None) -> dict:
    """Simulate the demo survey.

    The steps, in the order they draw random numbers (changing the order changes the
    demo): the camera design (:func:`_stations`, :func:`_deployments`), the founding
    animals, then each year survival and dispersal, births, photographs, the steering
    onto the published counts, and the catalogue of first photographs.

    Returns
    -------
    dict
        ``deployments``, ``observations``, ``individuals`` (frames of text and numbers in
        Camtrap DP columns), ``summary`` (the simulator's own counts per year) and
        ``metadata`` (the package descriptor without resources); ``centres``, the
        simulator's truth: the activity centre (UTM 52N metres), sex and age of every
        independent animal alive at the end of each year (not written to the package).
    """
    cfg = cfg or SimulationConfig()
    rng = np.random.default_rng(cfg.seed)
    b = boundaries or load_boundaries()
    stations = _stations(b, cfg, rng)
    dep = _deployments(stations, cfg, rng)
    sim = _Simulation(cfg, rng, stations, dep, _trap_nights_by_year(dep, cfg),
                      list(range(cfg.first_year, cfg.last_year + 1)), _Population(b, cfg, rng))
    _found_population(sim)
    centres = []
    for yi, year in enumerate(sim.years):
        if yi > 0:
            _survive_and_disperse(sim, year)
        _give_birth(sim, year)
        shots = {a.key: sim.photographs(a, yi) for a in sim.pop.animals
                 if a.alive and a.independent}
        _steer_china_only(sim, year, yi, shots)
        _steer_russia(sim, year, yi, shots)
        _catalogue_photographs(sim, yi, shots)
        if yi == 0:
            _reserve_named_females(sim)
        centres += [(year, a.key, a.sex, year - a.birth_year, a.x, a.y)
                    for a in sim.pop.animals if a.alive and a.independent]
    result = _assemble(cfg, rng, stations, dep, sim.trap_nights, sim.records, sim.pop,
                       sim.cubs_with, sim.first_seen, sim.reserved, sim.years)
    # the truth an estimate can be checked against (never written into the package)
    result["centres"] = pd.DataFrame(centres, columns=["year", "key", "sex", "age", "x", "y"])
    return result


def _found_population(sim: _Simulation) -> None:
    """Independent animals at the start, in Russia (most near the border) and in China."""
    cfg, rng, pop = sim.cfg, sim.rng, sim.pop
    for _ in range(int(_ADULT_TARGET[cfg.first_year] * 0.95)):
        sex = "F" if rng.random() < 0.55 else "M"
        area = pop.ru_border if rng.random() < 0.6 else pop.ru_area
        pop.add(sex, cfg.first_year - int(rng.integers(2, 10)), area=area)
    for _ in range(18):
        sex = "F" if rng.random() < 0.55 else "M"
        pop.add(sex, cfg.first_year - int(rng.integers(2, 10)), area=pop.cn_area)


def _survive_and_disperse(sim: _Simulation, year: int) -> None:
    """Deaths at the start of a year; two-year-old cubs leave their mother."""
    cfg, rng, pop = sim.cfg, sim.rng, sim.pop
    for a in pop.animals:
        if not a.alive or a.protected:
            continue
        p = cfg.adult_survival if a.independent else cfg.cub_survival
        if rng.random() > p:
            a.alive = False
    for a in pop.animals:
        if a.alive and not a.independent and year - a.birth_year >= 2:
            a.independent = True
            pop.disperse(a, pop.animals[a.mother])
        elif a.alive and not a.independent and not pop.animals[a.mother].alive:
            a.alive = False  # an orphaned cub does not survive alone


def _give_birth(sim: _Simulation, year: int) -> None:
    """Litters steered towards the cub series; Leo 117F's three cubs in 2021."""
    rng, pop = sim.rng, sim.pop
    alive = [a for a in pop.animals if a.alive]
    cubs_now = sum(1 for a in alive if not a.independent)
    mothers_busy = {a.mother for a in alive if not a.independent}
    candidates = [a for a in alive if a.independent and a.sex == "F"
                  and year - a.birth_year >= 3 and a.key not in mothers_busy]
    order = rng.permutation(len(candidates))
    candidates = [candidates[i] for i in order]
    wanted = _CUB_TARGET.get(year, 15) * 1.8 - cubs_now  # not every cub is photographed
    seen = set(sim.first_seen)
    if year == 2021 and candidates:
        # Leo 117F: a female photographed with three cubs in 2021 (park news).
        ranked = [c for c in candidates if c.key in seen and c.key not in sim.reserved.values()
                  and pop.ru_area.contains(Point(c.x, c.y))] or candidates
        pick = min(ranked, key=lambda c: abs(sim.first_seen.index(c.key) + 1 - 117)
                   if c.key in seen else 10**6)
        sim.reserved[117] = pick.key
        pick.protected = True
        candidates.remove(pick)
        for _ in range(3):
            cub = pop.add("F" if rng.random() < 0.5 else "M", year, near=(pick.x, pick.y),
                          mother=pick.key, independent=False)
            cub.protected = True
        wanted -= 3
    for mother in candidates:
        if wanted <= 0:
            break
        litter = int(rng.choice([1, 2, 3], p=[0.25, 0.5, 0.25]))
        for _ in range(litter):
            pop.add("F" if rng.random() < 0.5 else "M", year, near=(mother.x, mother.y),
                    mother=mother.key, independent=False)
        wanted -= litter
    if year == 2022 and 117 in sim.reserved:
        for a in pop.animals:
            if a.key == sim.reserved[117] or a.mother == sim.reserved[117]:
                a.protected = False
    for a in pop.animals:
        if a.alive and not a.independent:
            n, newborn = sim.cubs_with.get((a.mother, year), (0, True))
            sim.cubs_with[(a.mother, year)] = (n + 1, newborn and a.birth_year == year)


def _steer_china_only(sim: _Simulation, year: int, yi: int, shots: dict) -> None:
    """Add animals living along the border on the Chinese side until the series is met."""
    if year not in _CHINA_ONLY_TARGET:
        return
    rng, pop = sim.rng, sim.pop
    while len(sim.seen_in("CHN", shots) - sim.seen_in("RUS", shots)) < _CHINA_ONLY_TARGET[year]:
        a = pop.add("F" if rng.random() < 0.5 else "M", year - int(rng.integers(2, 5)),
                    area=pop.cn_area)
        shots[a.key] = sim.photographs(a, yi)
        if not shots[a.key].any():
            a.alive = False
            del shots[a.key]


def _steer_russia(sim: _Simulation, year: int, yi: int, shots: dict) -> None:
    """Steer the number photographed in Russia onto the published count: too many, and
    some die before they are photographed; too few, and immigrants arrive."""
    rng, pop = sim.rng, sim.pop
    target = _ADULT_TARGET[year]
    ru = sim.seen_in("RUS", shots)
    if len(ru) > target:
        removable = sorted(k for k in ru if not pop.animals[k].protected)
        for k in rng.choice(removable, len(ru) - target, replace=False):
            pop.animals[int(k)].alive = False
            del shots[int(k)]
    while len(sim.seen_in("RUS", shots)) < target:
        area = pop.ru_border if rng.random() < 0.6 else pop.ru_area
        a = pop.add("F" if rng.random() < 0.5 else "M", year - int(rng.integers(2, 5)),
                    area=area)
        shots[a.key] = sim.photographs(a, yi)
        if a.key not in sim.seen_in("RUS", shots):
            a.alive = False
            del shots[a.key]


def _catalogue_photographs(sim: _Simulation, yi: int, shots: dict) -> None:
    """Keep the year's photographs; an animal photographed for the first time gets the
    next catalogue number."""
    seen = set(sim.first_seen)
    for key in sorted(shots):
        counts = shots[key]
        if counts.sum() and key not in seen:
            seen.add(key)
            sim.first_seen.append(key)
        for j in np.flatnonzero(counts):
            sim.records.extend([(key, int(j), yi)] * int(counts[j]))


def _reserve_named_females(sim: _Simulation) -> None:
    """Leo 16F "Queen Borte" and Leo 23F "Grace": females seen from the start, kept alive."""
    pop, reserved = sim.pop, sim.reserved
    females = [k for k in sim.first_seen if pop.animals[k].sex == "F"]
    for number in (16, 23):
        key = sim.first_seen[number - 1]
        if pop.animals[key].sex != "F" or key in reserved.values():
            key = next(k for k in females if k not in reserved.values()
                       and sim.first_seen.index(k) >= number - 1)
        reserved[number] = key
        pop.animals[key].protected = True


def _catalogue(pop: _Population, order: list[int], reserved: dict[int, int]) -> dict[int, str]:
    """Catalogue numbers in order of first photograph, except the reserved numbers."""
    rank = {key: i + 1 for i, key in enumerate(order)}
    by_number = {n: k for k, n in rank.items()}
    for number, key in sorted(reserved.items()):
        other = by_number[number]
        rank[key], rank[other] = number, rank[key]
        by_number[rank[key]], by_number[rank[other]] = key, other
    return {k: f"Leo {n}{pop.animals[k].sex}" for k, n in rank.items()}


def _iso(local_days: np.ndarray, origin: pd.Timestamp, offsets: np.ndarray) -> np.ndarray:
    stamps = origin + pd.to_timedelta(np.round(local_days * 86400), unit="s")
    text = stamps.strftime("%Y-%m-%dT%H:%M:%S").to_numpy().astype(str)
    suffix = np.where(offsets == 600, "+10:00", "+08:00")
    return np.char.add(text, suffix)


def _assemble(cfg, rng, stations, dep, tn, records, pop, cubs_with, order, reserved, years):
    origin = pd.Timestamp(cfg.first_year, 1, 1)
    dep_offset = dep["country"].map(_OFFSET).to_numpy()
    names = _catalogue(pop, order, reserved)
    edges = np.array([(pd.Timestamp(int(y), 1, 1) - origin).days for y in years]
                     + [(pd.Timestamp(years[-1] + 1, 1, 1) - origin).days])

    # ---- leopard photographs: pick a deployment of the station (weighted by its effort in
    # the year) and a night-biased moment inside it.
    st_index = {k: i for i, k in enumerate(stations["locationID"])}
    dep_station = dep["locationID"].map(st_index).to_numpy()
    rec = np.array(records, dtype=int).reshape(-1, 3)
    rows = []
    for key, j, yi in rec:
        cand = np.flatnonzero((dep_station == j) & (tn[:, yi] > 0))
        w = tn[cand, yi]
        di = int(cand[rng.choice(len(cand), p=w / w.sum())])
        lo = max(dep.at[di, "start_day"], edges[yi])
        hi = min(dep.at[di, "end_day"], edges[yi + 1])
        t = rng.uniform(lo, hi)
        # (An older night bias; its draws stay so that the rest of the simulation is
        # unchanged. The hour is set afterwards by the leopard's diel pattern.)
        if rng.random() < 0.75:
            night = np.floor(t) + rng.choice([rng.uniform(0, 5), rng.uniform(19, 24)]) / 24
            if night >= hi:  # past the camera's last day: the night before instead
                night -= 1
            if lo <= night < hi:
                t = night
        rows.append((key, di, t, lo, hi, -1))
        if rng.random() < 0.1:  # a second, non-independent event minutes later
            t2 = t + rng.uniform(3, 25) / 1440
            if t2 < hi:
                rows.append((key, di, t2, lo, hi, len(rows) - 1))
    leo = pd.DataFrame(rows, columns=["key", "dep", "t", "lo", "hi", "parent"])
    # The hour of each photograph follows the leopard's diel pattern (a stream of its own,
    # so that every other draw of the simulation stays as it was); a second photograph
    # keeps its minutes after the first.
    diel = np.random.default_rng([cfg.seed, 24])
    first = (leo["parent"] < 0).to_numpy()
    moved = leo["t"].to_numpy().copy()
    moved[first] = _on_the_diel_clock(moved[first], np.full(first.sum(), LEOPARD),
                                      leo["dep"].to_numpy()[first],
                                      leo["lo"].to_numpy()[first], leo["hi"].to_numpy()[first],
                                      dep, origin, diel)
    parent = leo["parent"].to_numpy()[~first]
    later = moved[parent] + (leo["t"].to_numpy()[~first] - leo["t"].to_numpy()[parent])
    moved[~first] = np.where(later < leo["hi"].to_numpy()[~first], later,
                             leo["t"].to_numpy()[~first])
    leo = leo.assign(t=moved).drop(columns=["lo", "hi", "parent"])
    leo["year"] = years[0] + np.searchsorted(edges, leo["t"].to_numpy(), side="right") - 1
    leo["individualID"] = leo["key"].map(names)
    animals = pop.animals
    leo["sex"] = leo["key"].map(lambda k: "female" if animals[k].sex == "F" else "male")
    age = leo["year"] - leo["key"].map(lambda k: animals[k].birth_year)
    leo["lifeStage"] = np.where(age >= 3, "adult", "subadult")

    # ---- cubs in about half of their mother's photographs (newborns only after May)
    leo_local_day = leo["t"].to_numpy() - edges[leo["year"].to_numpy() - years[0]]
    litter = [cubs_with.get((k, y), (0, False))
              for k, y in zip(leo["key"], leo["year"], strict=True)]
    n_cubs = np.array([n for n, _ in litter], dtype=int)
    newborn = np.array([nb for _, nb in litter], dtype=bool)
    visible = (n_cubs > 0) & (~newborn | (leo_local_day > 150))
    in_russia = dep["country"].to_numpy()[leo["dep"].to_numpy()] == "RUS"
    with_cubs = visible & ~in_russia & (rng.random(len(leo)) < 0.5)
    # In Russia, mothers are taken in random order (Leo 117F first in 2021) until the cubs
    # photographed reach the year's published count; other cubs stay unphotographed.
    for year, target in _CUB_TARGET.items():
        in_year = (leo["year"] == year).to_numpy() & visible
        mothers = np.unique(leo.loc[in_year & in_russia, "key"].to_numpy())
        mothers = list(rng.permutation(mothers))
        if year == 2021 and 117 in reserved and reserved[117] in mothers:
            mothers.remove(reserved[117])
            mothers.insert(0, reserved[117])
        shown = 0
        for key in mothers:
            if shown >= target:
                break
            mine = np.flatnonzero(in_year & (leo["key"] == key).to_numpy())
            pick = rng.random(len(mine)) < 0.5
            pick[np.flatnonzero(in_russia[mine])[0]] = True
            with_cubs[mine[pick]] = True
            shown += int(n_cubs[mine[0]])
    leo["cubs"] = np.where(with_cubs, n_cubs, 0)

    # ---- other species per deployment
    total_tn = tn.sum(axis=1)
    other = []
    for kind, name, rate, (cmin, cmax) in _OTHER:
        n = rng.poisson(total_tn * rate / 100)
        di = np.repeat(np.arange(len(dep)), n)
        t = rng.uniform(dep["start_day"].to_numpy()[di], dep["end_day"].to_numpy()[di])
        count = rng.integers(cmin, cmax + 1, len(di))
        other.append(pd.DataFrame({"dep": di, "t": t, "observationType": kind,
                                   "scientificName": name, "count": count}))
    other = pd.concat(other, ignore_index=True)
    kinds = np.where(other["scientificName"] != "", other["scientificName"],
                     other["observationType"])
    di = other["dep"].to_numpy()
    other["t"] = _on_the_diel_clock(other["t"].to_numpy(), kinds, di,
                                    dep["start_day"].to_numpy()[di],
                                    dep["end_day"].to_numpy()[di], dep, origin, diel)
    other["year"] = years[0] + np.searchsorted(edges, other["t"].to_numpy(), side="right") - 1

    # ---- events, sorted in time, then IDs
    leo_events = pd.DataFrame({
        "dep": leo["dep"], "t": leo["t"], "observationType": "animal", "scientificName": LEOPARD,
        "count": 1, "individualID": leo["individualID"], "sex": leo["sex"],
        "lifeStage": leo["lifeStage"], "cubs": leo["cubs"], "year": leo["year"],
        "key": leo["key"],
    })
    events = pd.concat([leo_events, other.assign(individualID="", sex="", lifeStage="", cubs=0,
                                                 key=-1)], ignore_index=True)
    events = events.sort_values(["t", "dep", "scientificName", "individualID"],
                                kind="stable").reset_index(drop=True)
    events["eventID"] = [f"e{i + 1:06d}" for i in range(len(events))]
    duration = np.round(rng.uniform(10, 90, len(events)))
    events["t_end"] = events["t"] + duration / 86400
    cubs = events[events["cubs"] > 0]
    cub_rows = cubs.assign(count=cubs["cubs"], individualID="", sex="", lifeStage="juvenile",
                           observationComments="cubs with " + cubs["individualID"])
    obs = pd.concat([events.assign(observationComments=""), cub_rows], ignore_index=True)
    obs = obs.sort_values(["eventID", "lifeStage"], kind="stable").reset_index(drop=True)
    obs["observationID"] = [f"o{i + 1:06d}" for i in range(len(obs))]
    off = dep_offset[obs["dep"].to_numpy()]
    observations = pd.DataFrame({
        "observationID": obs["observationID"],
        "deploymentID": dep["deploymentID"].to_numpy()[obs["dep"].to_numpy()],
        "eventID": obs["eventID"],
        "eventStart": _iso(obs["t"].to_numpy(), origin, off),
        "eventEnd": _iso(obs["t_end"].to_numpy(), origin, off),
        "observationLevel": "event",
        "observationType": obs["observationType"],
        "scientificName": obs["scientificName"],
        "count": obs["count"].astype(int),
        "lifeStage": obs["lifeStage"],
        "sex": obs["sex"],
        "individualID": obs["individualID"],
        "classificationMethod": np.where(obs["observationType"] == "animal", "human", ""),
        "observationComments": obs["observationComments"],
    })

    deployments = pd.DataFrame({
        "deploymentID": dep["deploymentID"],
        "locationID": dep["locationID"],
        "locationName": dep["locationID"],
        "latitude": dep["latitude"].map(lambda v: f"{v:.5f}"),
        "longitude": dep["longitude"].map(lambda v: f"{v:.5f}"),
        "coordinateUncertainty": 30,
        "deploymentStart": _iso(dep["start_day"].to_numpy(), origin, dep_offset),
        "deploymentEnd": _iso(dep["end_day"].to_numpy(), origin, dep_offset),
        "cameraID": "CAM-" + dep["locationID"],
        "timestampIssues": np.where(dep["timestampIssues"], "true", "false"),
        "deploymentTags": np.where(dep["failed"], "failed", ""),
    })

    individuals = _individuals_table(pop, names)
    summary = _summary(years, dep, _effort_by_year(dep, obs, cfg), obs)
    metadata = _metadata(cfg, stations)
    return {"deployments": deployments, "observations": observations,
            "individuals": individuals, "summary": summary, "metadata": metadata}


def _individuals_table(pop: _Population, names: dict[int, str]) -> pd.DataFrame:
    named = {"Leo 16F": "Queen Borte", "Leo 23F": "Grace"}
    rows = []
    for key, ident in names.items():
        a = pop.animals[key]
        mother = names.get(a.mother, "") if a.mother is not None else ""
        rows.append({"individualID": ident, "name": named.get(ident, ""),
                     "sex": "female" if a.sex == "F" else "male",
                     "birthYear": a.birth_year, "mother": mother})
    frame = pd.DataFrame(rows)
    number = frame["individualID"].str.extract(r"(\d+)", expand=False).astype(int)
    return frame.assign(_n=number).sort_values("_n").drop(columns="_n").reset_index(drop=True)


def _effort_by_year(dep: pd.DataFrame, obs: pd.DataFrame, cfg: SimulationConfig) -> np.ndarray:
    """Trap-nights as a reader counts them: a deployment tagged failed ends at the end of
    its last photographed event (its start if it has none), from the simulator's own
    event times."""
    last = obs.groupby("dep")["t_end"].max().reindex(np.arange(len(dep))).to_numpy()
    start, end = dep["start_day"].to_numpy(), dep["end_day"].to_numpy()
    stop = np.minimum(np.where(np.isnan(last), start, last), end)
    return _trap_nights_by_year(dep.assign(end_day=np.where(dep["failed"], stop, end)), cfg)


def _summary(years, dep, tn, obs) -> pd.DataFrame:
    """The simulator's own counts per year, from its internal arrays."""
    rows = []
    dep_country = dep["country"].to_numpy()
    obs_country = dep_country[obs["dep"].to_numpy()]
    for yi, year in enumerate(years):
        active = tn[:, yi] > 0
        in_year = (obs["year"] == year).to_numpy()
        leo = in_year & (obs["scientificName"] == LEOPARD).to_numpy()
        ident = leo & (obs["individualID"] != "").to_numpy()
        # cubs ride along in their mother's event: her record is the detection
        adult_records = leo & (obs["lifeStage"] != "juvenile").to_numpy()
        ru = set(obs.loc[ident & (obs_country == "RUS"), "individualID"])
        cn = set(obs.loc[ident & (obs_country == "CHN"), "individualID"])
        cub_rows = leo & (obs["lifeStage"] == "juvenile").to_numpy() & (obs_country == "RUS")
        cubs = obs.loc[cub_rows].groupby("observationComments")["count"].max().sum()
        rows.append({
            "year": year,
            "stations": int(dep.loc[active, "locationID"].nunique()),
            "stations_russia": int(dep.loc[active & (dep_country == "RUS"), "locationID"]
                                   .nunique()),
            "stations_china": int(dep.loc[active & (dep_country == "CHN"), "locationID"]
                                  .nunique()),
            "trap_nights": round(float(tn[:, yi].sum()), 2),
            "leopard_detections": int(adult_records.sum()),
            "individuals": len(ru | cn),
            "individuals_russia": len(ru),
            "individuals_china": len(cn),
            "individuals_both": len(ru & cn),
            "cubs_russia": int(cubs),
        })
    return pd.DataFrame(rows)


def _metadata(cfg: SimulationConfig, stations: pd.DataFrame) -> dict:
    return {
        "name": "landmap-demo-amur-leopard",
        "id": "landmap-demo-2013-2024",
        "title": "SIMULATED camera-trap survey of Amur leopards, Land of the Leopard NP and "
                 "Northeast China Tiger and Leopard NP, 2013-2024 (landmap demo, not real data)",
        "description": "Written by `python -m landmap.demo`. Every animal, station and "
                       "photograph is simulated; counts are steered towards published figures.",
        "version": "1.0",
        "created": "2026-11-23T00:00:00Z",
        "contributors": [{"title": "landmap developers", "role": "contributor"}],
        "licenses": [{"name": "CC0-1.0", "scope": "data"},
                     {"name": "CC0-1.0", "scope": "media"}],
        "project": {"title": "landmap demo", "samplingDesign": "systematicRandom",
                    "captureMethod": ["activityDetection"], "individualAnimals": True,
                    "observationLevel": ["event"]},
        "coordinatePrecision": 0.00001,
        "spatial": {"type": "Polygon", "coordinates": [[
            [float(stations.longitude.min()), float(stations.latitude.min())],
            [float(stations.longitude.max()), float(stations.latitude.min())],
            [float(stations.longitude.max()), float(stations.latitude.max())],
            [float(stations.longitude.min()), float(stations.latitude.max())],
            [float(stations.longitude.min()), float(stations.latitude.min())]]]},
        "temporal": {"start": f"{cfg.first_year}-01-01", "end": f"{cfg.last_year}-12-31"},
        "taxonomic": [{"scientificName": LEOPARD, "taxonRank": "subspecies",
                       "vernacularNames": {"eng": "Amur leopard",
                                           "rus": "дальневосточный леопард"}}]
        + [{"scientificName": n, "taxonRank": "species"} for _, n, _, _ in _OTHER if n],
    }


def write_demo(out: str | Path = DEMO_DIR, cfg: SimulationConfig | None = None) -> dict:
    """Simulate and write the demo package; returns what :func:`simulate` returned."""
    from landmap.demo_media import write_demo_media
    from landmap.io.camtrapdp import write_camtrapdp

    result = simulate(cfg)
    media = write_demo_media(out, result["observations"], result["deployments"])
    write_camtrapdp(out, result["deployments"], result["observations"], result["metadata"],
                    individuals=result["individuals"],
                    extra_resources={"simulation_summary": result["summary"]}, media=media)
    return result


def load_demo():
    """The bundled demo survey (read from ``geodata/demo/``)."""
    from landmap.io.camtrapdp import read_camtrapdp

    return read_camtrapdp(DEMO_DIR)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="landmap demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEMO_DIR), help="folder to write the package to")
    args = parser.parse_args(argv)
    result = write_demo(args.out)
    print(result["summary"].to_string(index=False))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
