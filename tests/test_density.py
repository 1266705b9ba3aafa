"""SECR density (landmap.density) against secr's published fits and simulations.

Reference: secr's demonstration data (tests/fixtures/secr, 76 animals, 100 multi-catch
traps, 5 occasions) with a half-normal detection function and secr's default mask
(buffer 100 m, 64 columns, points within the buffer of a trap). Published in secr
(man/secrdemo.Rd, tests test-derived.R and test-start.R):

- full likelihood, null model: link-scale betas log D = 1.7010692, logit g0 = -0.9784937,
  log sigma = 3.3798317 (D = 5.480 per ha, g0 = 0.2732, sigma = 29.366 m);
- conditional likelihood, D derived: 5.4798074 per ha, SE 0.6445541, 95 % log-normal
  interval 4.3549957 - 6.8951365; CV(n) = 0.11471, CV(a) = 0.02603.

Tolerances: betas 1e-5 absolute (secr's optimum and ours differ by 4e-6 on the link
scale: where each optimiser stops); D 2e-6 relative; the SE and interval 1e-4 relative
(Hessian by finite differences); CV(a) 5e-5.
Simulations: a known density recovered within two standard errors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from landmap.density import CaptureData, fit_secr, make_mask, read_secr_text

SECR = Path(__file__).parent / "fixtures" / "secr"


@pytest.fixture(scope="module")
def demo_data():
    data = read_secr_text(SECR / "trap.txt", SECR / "capt.txt", kind="multi")
    return data, make_mask(data.detectors, buffer=100)


def test_the_mask_is_secrs_default(demo_data):
    data, mask = demo_data
    assert data.n_animals == 76 and data.n_detections == 235
    assert mask.spacing == pytest.approx(470 / 64)  # (270 m of traps + 2 x 100) / 64
    # every point within 100 m of a trap, and the grid starts half a cell in
    distance = np.sqrt(((mask.points[:, None] - data.detectors[None]) ** 2).sum(-1)).min(1)
    assert distance.max() <= 100
    assert mask.points[:, 0].min() == pytest.approx(265 + mask.spacing / 2)


def test_full_likelihood_equals_secrs_published_fit(demo_data):
    fit = fit_secr(*demo_data)
    assert fit.beta == pytest.approx([1.7010692, -0.9784937, 3.3798317], abs=1e-5)
    assert fit.value("D (per ha)") == pytest.approx(5.480, abs=5e-4)
    assert fit.value("g0") == pytest.approx(0.2732, abs=5e-5)
    assert fit.value("sigma (m)") == pytest.approx(29.366, abs=5e-4)
    assert fit.value("D (per 100 km2)") == pytest.approx(fit.value("D (per ha)") * 1e4)


def test_conditional_likelihood_derives_d_as_secr_does(demo_data):
    fit = fit_secr(*demo_data, likelihood="conditional")
    row = fit.table.set_index("parameter").loc["D (per ha)"]
    assert row["estimate"] == pytest.approx(5.4798074, rel=2e-6)
    assert row["se"] == pytest.approx(0.6445541, rel=1e-4)
    assert (row["lcl"], row["ucl"]) == pytest.approx((4.3549957, 6.8951365), rel=1e-4)
    assert fit.cv_n == pytest.approx(1 / np.sqrt(76)) and fit.cv_n == pytest.approx(0.11471,
                                                                                    abs=1e-5)
    assert fit.cv_a == pytest.approx(0.02603, abs=5e-5)


def _simulate(kind: str, density_ha: float, lam0: float, sigma: float, occasions: int,
              seed: int) -> CaptureData:
    """Activity centres at ``density_ha`` over the grid plus 4 sigma; a 8 x 8 grid of
    detectors 1.5 sigma apart, one of them idle on the first half of the occasions."""
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(8) * 1.5 * sigma, np.arange(8) * 1.5 * sigma)
    detectors = np.column_stack([gx.ravel(), gy.ravel()])
    lo, hi = -4 * sigma, 10.5 * sigma + 4 * sigma
    area_ha = (hi - lo) ** 2 / 1e4
    centres = rng.uniform(lo, hi, size=(rng.poisson(density_ha * area_ha), 2))
    usage = np.ones((len(detectors), occasions))
    usage[0, : occasions // 2] = 0
    d2 = ((centres[:, None] - detectors[None]) ** 2).sum(-1)
    rate = lam0 * np.exp(-d2 / (2 * sigma ** 2))[:, :, None] * usage[None]
    counts = rng.poisson(rate)
    if kind == "proximity":
        counts = np.minimum(counts, 1)
    seen = counts.sum(axis=(1, 2)) > 0
    animal, k, s = np.nonzero(counts[seen])
    detections = pd.DataFrame({"animal": animal, "occasion": s, "detector": k,
                               "count": counts[seen][animal, k, s]})
    return CaptureData(detectors, usage, detections, int(seen.sum()), kind)


@pytest.mark.parametrize("kind", ["proximity", "count"])
def test_a_known_density_is_recovered(kind):
    sigma = 300.0
    data = _simulate(kind, density_ha=0.02, lam0=0.08, sigma=sigma, occasions=20, seed=7)
    mask = make_mask(data.detectors, buffer=4 * sigma, spacing=sigma / 2)
    fit = fit_secr(data, mask)
    d = fit.table.set_index("parameter")
    assert abs(d.loc["D (per ha)", "estimate"] - 0.02) < 2 * d.loc["D (per ha)", "se"]
    assert abs(d.loc["sigma (m)", "estimate"] - sigma) < 2 * d.loc["sigma (m)", "se"]
    assert abs(d.loc["lambda0", "estimate"] - 0.08) < 2 * d.loc["lambda0", "se"]
    # the conditional fit derives almost the same D
    cond = fit_secr(data, mask, likelihood="conditional")
    assert cond.value("D (per ha)") == pytest.approx(fit.value("D (per ha)"), rel=0.01)


def test_bad_inputs_get_clear_messages(demo_data):
    data, mask = demo_data
    with pytest.raises(ValueError, match="likelihood='partial'"):
        fit_secr(data, mask, likelihood="partial")
    with pytest.raises(ValueError, match="kind='single'"):
        CaptureData(data.detectors, data.usage, data.detections, data.n_animals, "single")
    idle = data.usage.copy()
    idle[data.detections["detector"].iloc[0], data.detections["occasion"].iloc[0]] = 0
    with pytest.raises(ValueError, match="did not work"):
        CaptureData(data.detectors, idle, data.detections, data.n_animals, "multi")
    with pytest.raises(ValueError, match="no animal was detected"):
        fit_secr(data.subset(np.array([], dtype=int)), mask)


def test_the_demo_density_is_its_simulated_truth(demo):
    """The demo draws detections as an SECR process (activity centres, half-normal fall-off
    with sigma 2.4 km for females and 3.4 km for males, daily hazard lambda/365). Every
    year's estimate covers the density of the simulator's own adults where it places them
    (the README's table), and the sex model finds its sigmas."""
    from landmap.density import capture_data, estimate_density, habitat
    from landmap.secr_study import demo_years

    years = demo_years()
    assert years["year"].tolist() == list(range(2013, 2025))
    assert years["covered"].all(), years.to_string()
    assert (abs(years["D"] / years["true_D"] - 1) < 0.1).all()
    row = years.set_index("year").loc[2021]
    assert row["n"] == 111 and row["D"] == pytest.approx(1.62, abs=0.01)
    s = demo.filter(years=2021)
    captures = capture_data(s)
    land = habitat(s)
    found = estimate_density(captures, land, label="2021")
    by_sex = estimate_density(captures, land, model="sex", label="2021")
    assert by_sex.fits["female"].value("sigma (m)") == pytest.approx(2400, rel=0.1)
    assert by_sex.fits["male"].value("sigma (m)") == pytest.approx(3400, rel=0.1)
    assert by_sex.fits["female"].value("lambda0") == pytest.approx(2.4 / 365, rel=0.15)
    assert by_sex.aic < found.aic  # the demo's sexes do range differently


def test_density_command_prints_the_documented_json(capsys):
    import json

    from landmap.cli import main
    from landmap.demo import DEMO_DIR

    assert main(["density", str(DEMO_DIR), "--year", "2013", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"likelihood", "months", "years"}
    (year,) = out["years"]
    (estimate,) = year["estimates"]
    assert year["year"] == 2013 and estimate["model"] == "null"
    assert {"D_per_100km2", "se", "lcl", "ucl", "lambda0", "sigma_m", "n_animals",
            "n_detections", "esa_km2", "mask_area_km2", "buffer_m", "detector", "likelihood",
            "model", "loglik", "aic", "notes", "parameters"} <= set(estimate)
    assert estimate["lcl"] < estimate["D_per_100km2"] < estimate["ucl"]
    assert [p["parameter"] for p in estimate["parameters"]["all"]] == [
        "D (per ha)", "D (per 100 km2)", "lambda0", "sigma (m)"]
    assert main(["density", str(DEMO_DIR), "--months", "13-2"]) == 2
    assert "--months '13-2'" in capsys.readouterr().err
    # secr's own text files, as secr fits them
    assert main(["density", "--traps", str(SECR / "trap.txt"), "--captures",
                 str(SECR / "capt.txt"), "--likelihood", "conditional", "--format",
                 "json"]) == 0
    fit = json.loads(capsys.readouterr().out)
    assert fit["D_per_100km2"] == pytest.approx(54798.074, rel=2e-6)
    assert (fit["g0"], fit["sigma_m"]) == pytest.approx((0.2732, 29.366), abs=5e-4)
    assert (fit["n_animals"], fit["n_detections"], fit["detector"]) == (76, 235, "multi")
    assert main(["density", "--traps", str(SECR / "trap.txt")]) == 2
    assert "--traps and --captures go together" in capsys.readouterr().err


def test_too_few_spatial_recaptures_or_no_ids_give_an_answer_not_a_number(make_package):
    from landmap.density import capture_data, estimate_density
    from landmap.io.camtrapdp import read_camtrapdp
    from tests.conftest import dep, obs

    # four animals, each at one station only: no spatial recapture
    deployments = [dep(i, latitude=f"{43.0 + i / 50:.3f}") for i in range(1, 5)]
    observations = [obs(i, deploymentID=f"d{i}", individualID=f"Leo {i}F") for i in
                    range(1, 5)]
    survey = read_camtrapdp(make_package(deployments=deployments, observations=observations))
    captures = capture_data(survey)
    with pytest.raises(ValueError, match="only 0 animals were photographed at two or more "
                                         "stations; SECR needs at least 5"):
        estimate_density(captures)
    tigers = [obs(i, deploymentID=f"d{i}", individualID=f"T{i}",
                  scientificName="Panthera tigris altaica") for i in range(1, 5)]
    survey = read_camtrapdp(make_package(deployments=deployments, observations=tigers))
    with pytest.raises(ValueError, match="no Panthera pardus orientalis was photographed in "
                                         "the selection: there is no one to count"):
        capture_data(survey)
    anonymous = [obs(i, deploymentID=f"d{i}", individualID="") for i in range(1, 5)]
    survey = read_camtrapdp(make_package(deployments=deployments, observations=anonymous))
    with pytest.raises(ValueError, match="carries an individual ID: SECR needs identified"):
        capture_data(survey)


def test_animals_in_areas_add_up():
    """Hand checks: an area holding the whole mask holds every detected animal and the
    expected undetected ones; two halves of it add up to it."""
    import shapely

    from landmap.density import (
        DensityEstimate,
        _Model,
        _real,
        animals_in_areas,
        estimate_density,
    )

    data = _simulate("proximity", density_ha=0.02, lam0=0.08, sigma=300.0, occasions=20,
                     seed=11)
    sexes = np.array(["female"] * data.n_animals)
    from landmap.density import SurveyCaptures

    captures = SurveyCaptures(data, sexes, (), "EPSG:32652", None)
    found = estimate_density(captures)
    assert isinstance(found, DensityEstimate)
    (part, mask), fit = found.parts["all"], found.fits["all"]
    x0, y0 = mask.points.min(axis=0) - mask.spacing
    x1, y1 = mask.points.max(axis=0) + mask.spacing
    middle = (x0 + x1) / 2
    areas = {"all": shapely.box(x0, y0, x1, y1), "west": shapely.box(x0, y0, middle, y1),
             "east": shapely.box(middle, y0, x1, y1)}
    table = animals_in_areas(found, areas).set_index("area")
    assert table.loc["all", "detected"] == pytest.approx(data.n_animals, rel=1e-9)
    model = _Model(part, mask, fit.function)
    _, pdot = model.pieces(*_real(model, fit.beta))
    density = fit.value("D (per ha)")
    undetected = density * (1 - pdot).sum() * mask.cell_ha
    assert table.loc["all", "realised"] == pytest.approx(data.n_animals + undetected)
    assert table.loc["all", "expected"] == pytest.approx(density * len(mask.points)
                                                         * mask.cell_ha)
    for column in ("expected", "detected", "realised", "mask_km2"):
        assert table.loc["west", column] + table.loc["east", column] == pytest.approx(
            table.loc["all", column])
    assert (table["realised_lcl"] <= table["realised"]).all()
    assert (table["realised"] <= table["realised_ucl"]).all()
