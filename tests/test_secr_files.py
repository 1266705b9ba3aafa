"""secr's text formats (landmap.io.secr) and the density surface.

- A capture history written for R and read back fits exactly as the survey it came from
  (same detections, usage within 5e-7 absolute as written with 6 significant digits,
  log-likelihood within 1e-6 relative).
- Every malformed line is reported with its file and line number.
- The density surface adds up to the realised N of the whole mask (1e-9 relative) and its
  cells lie on the location policy's grid, so generalising them changes nothing.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from landmap.density import capture_data, fit_secr, make_mask
from landmap.io.secr import read_secr_text, secr_capture_history
from landmap.io.validate import DataError


@pytest.fixture(scope="module")
def captures_2021(demo):
    return capture_data(demo.filter(years=2021))


def _write(tmp_path, traps: str, captures: str):
    (tmp_path / "traps.txt").write_text(traps)
    (tmp_path / "capt.txt").write_text(captures)
    return tmp_path / "traps.txt", tmp_path / "capt.txt"


def test_a_written_capture_history_reads_back_and_fits_the_same(captures_2021, tmp_path):
    files = secr_capture_history(captures_2021, "2021")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    traps = (tmp_path / "traps.txt").read_text().splitlines()
    assert traps[0].startswith("# landmap capture history, session 2021: 550 camera stations")
    assert len(traps) == 1 + 550 and len(traps[1].split()) == 3 + 365
    captures = (tmp_path / "captures.txt").read_text().splitlines()[1:]
    original = captures_2021.data
    assert len(captures) == original.n_detections == 1073
    # IDs with blanks become one field; sex travels as an individual covariate
    assert all(len(line.split()) == 5 for line in captures)
    assert {line.split()[4] for line in captures} == {"female", "male"}
    assert any(line.split()[1].startswith("Leo_") for line in captures)
    assert "read.capthist('captures.txt', 'traps.txt', detector = 'proximity'" in (
        tmp_path / "README.txt").read_text()

    back = read_secr_text(tmp_path / "traps.txt", tmp_path / "captures.txt", "proximity")
    assert back.n_animals == original.n_animals
    assert back.usage == pytest.approx(original.usage, abs=5e-7)
    assert np.allclose(back.detectors, original.detectors, atol=0.05)
    key = ["animal", "occasion", "detector"]
    assert back.detections[key].sort_values(key).to_numpy().tolist() == \
        original.detections[key].sort_values(key).to_numpy().tolist()
    mask = make_mask(original.detectors, 9000, spacing=3000)
    assert fit_secr(back, mask).log_likelihood == pytest.approx(
        fit_secr(original, mask).log_likelihood, rel=1e-6)


def test_usage_columns_are_read_as_secr_reads_them(tmp_path):
    traps, capt = _write(tmp_path, "# two stations\nA 0 0 1101\nB 100 0 1 1 0 1\n"
                                   "C 200 0 0.5 2 0 1 / forest\n",
                         "1 Leo1 1 A\n1 Leo1 2 C\n1 Leo2 4 B\n")
    data = read_secr_text(traps, capt, "count")
    assert data.usage.tolist() == [[1, 1, 0, 1], [1, 1, 0, 1], [0.5, 2, 0, 1]]
    assert data.names == ("Leo1", "Leo2") and data.detector_names == ("A", "B", "C")
    # the XY format of secr's demonstration file: the detector by its coordinates
    traps, capt = _write(tmp_path, "A 0 0\nB 100 0\n", "1 7 1 100 0\n1 7 2 0 0\n")
    xy = read_secr_text(traps, capt, "multi")
    assert xy.detections["detector"].tolist() == [1, 0] and xy.usage.shape == (2, 2)


@pytest.mark.parametrize(("traps", "captures", "expected"), [
    ("A 0 0\nB x 0\n", "1 L 1 A\n", ["traps.txt, row 2, field 'x': not a number (value 'x')"]),
    ("A 0 0\nA 5 5\n", "1 L 1 A\n",
     ["traps.txt, row 2, field 'ID': this detector ID is already on line 1"]),
    ("A 0 0 11\nB 9 9 111\nC 1 1 11\n", "1 L 1 A\n",
     ["traps.txt, row 2, field 'usage': usage for 3 occasions, but most detectors give 2"]),
    ("A 0 0 1 -2\n", "1 L 1 A\n", ["traps.txt, row 1, field 'usage'"]),
    ("A 0 0\n", "# nothing\n", ["capt.txt: the file holds no data line"]),
    ("A 0 0\nB 9 0\n", "1 L 1 A\n1 L 0 B\n1 M 2 Z\n",
     ["capt.txt, row 2, field 'Occasion': an occasion is a whole number from 1",
      "capt.txt, row 3, field 'Detector': no detector with this ID in traps.txt"]),
    ("A 0 0 10\n", "1 L 1 A\n1 M 2 A\n",
     ["capt.txt, row 2, field 'Occasion': a capture at a detector on an occasion it did not "
      "work"]),
    ("A 0 0 111\n", "1 L 4 A\n",
     ["capt.txt, row 1, field 'Occasion': the trap file gives usage for 3 occasions only"]),
    ("A 0 0\nB 9 0\n", "1 L 1 A\n1 L 1 B\n",
     ["capt.txt, row 2, field 'ID': a multi-catch trap holds an animal once per occasion"]),
    ("A 0 0\n", "1 L 1 A\n2 L 1 A\n", ["capt.txt, field 'Session': several sessions"]),
    ("A 0\n", "1 L 1\n", ["traps.txt, row 1: a detector line needs an ID, x and y"]),
])
def test_malformed_files_name_the_file_and_line(tmp_path, traps, captures, expected):
    trapfile, captfile = _write(tmp_path, traps, captures)
    with pytest.raises(DataError) as caught:
        read_secr_text(trapfile, captfile, "multi")
    text = str(caught.value)
    for part in expected:
        assert part in text


def test_unknown_detector_types_are_named(tmp_path):
    trapfile, captfile = _write(tmp_path, "A 0 0\n", "1 L 1 A\n")
    with pytest.raises(ValueError, match="unknown detector type 'single': choose proximity, "
                                         "count, multi"):
        read_secr_text(trapfile, captfile, "single")


def test_the_command_writes_and_reads_secr_files(tmp_path, capsys):
    from landmap.cli import main
    from landmap.demo import DEMO_DIR

    out = tmp_path / "h.zip"
    assert main(["export", str(DEMO_DIR), "--what", "secr", "--year", "2021",
                 "--output", str(out)]) == 2
    assert "add --protect exact" in capsys.readouterr().err
    assert main(["export", str(DEMO_DIR), "--what", "secr", "--year", "2020-2021",
                 "--protect", "exact", "--output", str(out)]) == 2
    assert "choose one survey year" in capsys.readouterr().err
    assert main(["export", str(DEMO_DIR), "--what", "secr", "--year", "2021",
                 "--protect", "exact", "--output", str(out)]) == 0
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "captures.txt", "traps.txt"]
        archive.extractall(tmp_path)
    data = read_secr_text(tmp_path / "traps.txt", tmp_path / "captures.txt", "proximity")
    assert (data.n_animals, data.n_detections) == (111, 1073)
    (tmp_path / "bad.txt").write_text("1 Leo_1F 1 nowhere\n")
    assert main(["density", "--traps", str(tmp_path / "traps.txt"), "--captures",
                 str(tmp_path / "bad.txt"), "--detector", "proximity"]) == 1
    assert "bad.txt, row 1, field 'Detector': no detector with this ID in traps.txt" in \
        capsys.readouterr().err


def test_the_density_surface_adds_up_and_lies_on_the_policy_grid(demo):
    import shapely

    from landmap.density import (
        animals_in_areas,
        density_surface,
        estimate_density,
        habitat,
    )
    from landmap.maps import density_surface_map
    from landmap.privacy import Precision, protect

    s = demo.filter(years=2021)
    captures = capture_data(s)
    land = habitat(s)
    for model in ("null", "sex"):
        found = estimate_density(captures, land, model=model)
        whole = animals_in_areas(found, {"land": land}).iloc[0]
        for cell_km in (2, 5, 10):
            cells = density_surface(found, captures.crs, cell_km)
            assert cells["leopards"].sum() == pytest.approx(whole["realised"], rel=1e-9)
            assert cells["detected"].sum() == pytest.approx(captures.data.n_animals)
            bounds = cells.geometry.bounds.to_numpy()
            assert np.allclose(bounds % (cell_km * 1000), 0)
            assert cells["density_100km2"].to_numpy() == pytest.approx(
                cells["leopards"] / cells["area_km2"] * 100)
        viewer = protect(cells, Precision(10), captures.crs)
        assert shapely.equals(viewer.geometry.to_numpy(), cells.geometry.to_numpy()).all()
    html = density_surface_map(s, cells, "D").get_root().render()
    assert f"({len(cells)} cells)" in html and html.count('"cell_id"') >= len(cells)


def test_the_simulation_study_draws_an_independent_leopard_like_design():
    from landmap.secr_study import Design, run_study, simulate_captures, summarise_study

    design = Design()
    captures, drawn = simulate_captures(design, seed=3)
    data = captures.data
    assert data.detectors.shape == (400, 2) and data.usage.shape == (400, 365)
    gaps = np.sort(np.sqrt(((data.detectors[:, None] - data.detectors[None]) ** 2)
                           .sum(-1)), axis=1)[:, 1]
    assert gaps.min() > 1900 and gaps.max() < 3100  # neighbours 2-3 km apart
    idle = (data.usage == 0).sum(axis=1)
    assert sorted(set(idle)) == [0, 60] and (idle == 60).sum() == 40
    assert 0 < data.n_animals <= drawn
    assert (data.usage[data.detections["detector"], data.detections["occasion"]] == 1).all()
    # two replicates through the estimator (the full study is `landmap bench --secr-study`)
    results = run_study(2, Design(side=12, occasions=200), workers=1)
    summary = summarise_study(results)
    assert summary["estimates"] == 2 and 0.3 < summary["mean_D"] < 3
