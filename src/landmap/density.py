"""Density by spatially explicit capture–recapture (SECR), by maximum likelihood.

The model of Borchers & Efford (2008, *Biometrics* 64:377), as the R package ``secr``
fits it: activity centres form a Poisson process of density D over a habitat mask; an
animal whose centre lies at x is detected at detector k with a hazard that falls off
half-normally with distance, h_k(x) = λ0 exp(−d²/2σ²) (``"HHN"``), or with the
probability g_k(x) = g0 exp(−d²/2σ²) turned into the hazard −log(1 − g) (``"HN"``).
A detector's usage on an occasion (days its camera worked) multiplies the hazard, and a
detector not working contributes nothing.

Detectors:

- ``"proximity"``: detected or not at each detector on each occasion (camera stations);
- ``"count"``: Poisson counts at each detector on each occasion;
- ``"multi"``: multi-catch traps, at most one detection per animal and occasion (secr's
  demonstration data), so results can be compared with ``secr``'s published fits.

The full likelihood estimates D with the detection parameters; the conditional
likelihood (Huggins–Alho) estimates only the detection parameters, and D is derived as
n / a(θ̂), where a(θ) is the effective sampling area, its variance from a Poisson n and
the delta method for a(θ̂). Standard errors come from the Hessian on the link scale (log
for D, σ and λ0, logit for g0); intervals of D are log-normal, as ``secr`` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from landmap.i18n import Text
from landmap.io.secr import read_secr_text

__all__ = [
    "CaptureData",
    "DensityEstimate",
    "Mask",
    "SecrFit",
    "SurveyCaptures",
    "animals_in_areas",
    "capture_data",
    "density_by_year",
    "density_report",
    "density_surface",
    "estimate_density",
    "fit_secr",
    "habitat",
    "make_mask",
    "read_secr_text",
    "report_surface",
    "survey_areas",
]

_Z = stats.norm.ppf(0.975)
_DETECTORS = ("proximity", "count", "multi")
_FUNCTIONS = ("HN", "HHN")


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class CaptureData:
    """Detectors, their usage and the detections of the animals.

    Attributes
    ----------
    detectors : numpy.ndarray
        K × 2 detector positions in metres (a projected CRS).
    usage : numpy.ndarray
        K × S: how much each detector worked on each occasion (1 = the whole occasion;
        0 = not working).
    detections : pandas.DataFrame
        One row per detection: ``animal`` (0..n−1), ``occasion`` (0..S−1), ``detector``
        (0..K−1) and ``count`` (≥ 1; 1 for proximity and multi-catch detectors).
    n_animals : int
    kind : {"proximity", "count", "multi"}
    names : tuple of str
        The animals' IDs (for reports).
    detector_names : tuple of str
    """

    detectors: np.ndarray
    usage: np.ndarray
    detections: pd.DataFrame
    n_animals: int
    kind: str = "proximity"
    names: tuple = ()
    detector_names: tuple = ()

    def __post_init__(self):
        if self.kind not in _DETECTORS:
            raise ValueError(f"kind={self.kind!r}: choose one of {', '.join(_DETECTORS)}.")
        k, s = self.usage.shape
        if self.detectors.shape != (k, 2):
            raise ValueError(f"detectors: {self.detectors.shape} positions for {k} rows of "
                             "usage; give one (x, y) per detector.")
        d = self.detections
        if len(d) and ((d["detector"] >= k).any() or (d["occasion"] >= s).any()
                       or (d["animal"] >= self.n_animals).any()):
            raise ValueError("detections: a detector, occasion or animal index is out of "
                             "range.")
        idle = self.usage[d["detector"].to_numpy(), d["occasion"].to_numpy()] <= 0
        if idle.any():
            raise ValueError(f"detections: {int(idle.sum())} detections at a detector on an "
                             "occasion it did not work (usage 0).")

    @property
    def n_detections(self) -> int:
        return int(self.detections["count"].sum())

    def subset(self, animals: np.ndarray) -> CaptureData:
        """The same detectors with only some animals (renumbered 0..m−1)."""
        animals = np.asarray(animals)
        new = {int(a): i for i, a in enumerate(animals)}
        d = self.detections[self.detections["animal"].isin(animals)]
        d = d.assign(animal=d["animal"].map(new))
        names = tuple(self.names[a] for a in animals) if self.names else ()
        return CaptureData(self.detectors, self.usage, d.reset_index(drop=True),
                           len(animals), self.kind, names, self.detector_names)


@dataclass(frozen=True)
class Mask:
    """Habitat mask: points (metres) each standing for a cell of ``cell_ha`` hectares."""

    points: np.ndarray
    spacing: float
    cell_ha: float = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "cell_ha", self.spacing ** 2 / 10_000)

    @property
    def area_km2(self) -> float:
        return len(self.points) * self.cell_ha / 100


def make_mask(detectors: np.ndarray, buffer: float, nx: int = 64,
              spacing: float | None = None, habitat=None) -> Mask:
    """Points within ``buffer`` of a detector (secr's ``make.mask(type = "trapbuffer")``).

    Parameters
    ----------
    detectors : numpy.ndarray
        K × 2 positions in metres.
    buffer : float
        Metres.
    nx : int, default 64
        With no ``spacing``, the grid spans the detectors' bounding box plus the buffer in
        ``nx`` columns (secr's default).
    spacing : float, optional
        Metres between points.
    habitat : shapely geometry, optional
        Only points inside it are kept (land: the sea is not habitat).

    Examples
    --------
    >>> xy = np.array([[0.0, 0.0], [100.0, 0.0]])
    >>> m = make_mask(xy, buffer=50, nx=10)
    >>> m.spacing, len(m.points) > 0
    (20.0, True)
    """
    detectors = np.asarray(detectors, dtype=float)
    if buffer <= 0:
        raise ValueError(f"buffer={buffer!r}: give a positive distance in metres.")
    x0, y0 = detectors.min(axis=0) - buffer
    x1, y1 = detectors.max(axis=0) + buffer
    spacing = float(spacing or (x1 - x0) / nx)
    xs = np.arange(x0 + spacing / 2, x1 + 1e-9 * spacing, spacing)
    ys = np.arange(y0 + spacing / 2, y1 + 1e-9 * spacing, spacing)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    from scipy.spatial import cKDTree

    near, _ = cKDTree(detectors).query(points, distance_upper_bound=buffer * (1 + 1e-12))
    points = points[np.isfinite(near) & (near <= buffer)]
    if habitat is not None:
        import shapely

        points = points[shapely.contains_xy(habitat, points[:, 0], points[:, 1])]
    if not len(points):
        raise ValueError("the mask holds no point: widen the buffer or check the habitat.")
    return Mask(points, spacing)


# ----------------------------------------------------------------------------- model
@dataclass
class _Model:
    data: CaptureData
    mask: Mask
    function: str

    def __post_init__(self):
        d = self.data
        diff = self.mask.points[:, None, :] - d.detectors[None, :, :]
        self.d2 = (diff ** 2).sum(-1)  # M × K
        self.total_usage = d.usage.sum(axis=1)  # K
        det = d.detections
        self.animal = det["animal"].to_numpy()
        self.k = det["detector"].to_numpy()
        self.s = det["occasion"].to_numpy()
        self.u = d.usage[self.k, self.s]
        self.y = det["count"].to_numpy(dtype=float)
        # Detections that share detector, usage and count (and occasion, for multi-catch
        # traps) add the same term: it is computed once, and summed by animal through a
        # matrix of how often each animal has it.
        keys = pd.DataFrame({"k": self.k, "u": self.u, "y": self.y,
                             "s": self.s if d.kind == "multi" else 0})
        codes, _ = pd.factorize(pd.MultiIndex.from_frame(keys))
        first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
        self.k, self.s, self.u, self.y = (self.k[first], self.s[first], self.u[first],
                                          self.y[first])
        self.owner = np.zeros((len(first), d.n_animals))
        np.add.at(self.owner, (codes, self.animal), 1.0)

    def hazard(self, scale: float, sigma: float) -> np.ndarray:
        """h_k(x) on the mask: M × K."""
        fall = np.exp(-self.d2 / (2 * sigma ** 2))
        if self.function == "HHN":
            return scale * fall
        return -np.log1p(-np.minimum(scale * fall, 1 - 1e-15))

    def pieces(self, scale: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
        """log Pr(history_i | x) for every mask point and animal (M × n) and p·(x)."""
        d = self.data
        h = self.hazard(scale, sigma)
        total = h @ self.total_usage  # M: summed hazard over detectors and occasions
        if d.kind == "multi":
            # occasion s: caught at k with prob (1 − e^{−H_s}) u_ks h_k / H_s, where H_s is
            # the summed hazard of that occasion; not caught: e^{−H_s}
            per_occasion = h @ d.usage  # M × S
            # the parts that depend on the occasion only, and on the detector only, are
            # computed once each: log(1 − e^{−H_s}) + H_s − log H_s and log h_k
            caught = np.log(-np.expm1(-per_occasion)) + per_occasion - np.log(per_occasion)
            term = caught[:, self.s] + np.log(h)[:, self.k] + np.log(self.u)
            base = -per_occasion.sum(axis=1)
        else:
            uh = self.u * h[:, self.k]
            if d.kind == "proximity":
                term = np.log(np.expm1(np.maximum(uh, 1e-300)))  # log p − log(1 − p)
            else:
                term = self.y * np.log(np.maximum(uh, 1e-300)) - special.gammaln(self.y + 1)
            base = -total
        return base[:, None] + term @ self.owner, -np.expm1(-total)

    def log_integrals(self, scale, sigma):
        ll, pdot = self.pieces(scale, sigma)
        top = ll.max(axis=0)
        integral = np.log(np.exp(ll - top).sum(axis=0) * self.mask.cell_ha) + top
        return integral.sum(), pdot.sum() * self.mask.cell_ha

    def scale_of(self, beta: float) -> float:
        return float(np.exp(beta)) if self.function == "HHN" else float(special.expit(beta))


# ----------------------------------------------------------------------------- fitting
@dataclass(frozen=True)
class SecrFit:
    """A fitted SECR model.

    ``table`` holds the real parameters: ``parameter`` (D in animals per hectare and per
    100 km², g0 or lambda0, sigma in metres), ``estimate``, ``se``, ``lcl`` and ``ucl``
    (95 %).
    """

    likelihood: str
    function: str
    kind: str
    table: pd.DataFrame
    beta: np.ndarray
    beta_cov: np.ndarray
    log_likelihood: float
    n: int
    detections: int
    mask_points: int
    mask_area_km2: float
    esa_ha: float
    cv_n: float | None = None
    cv_a: float | None = None

    @property
    def aic(self) -> float:
        return 2 * len(self.beta) - 2 * self.log_likelihood

    def value(self, parameter: str) -> float:
        return float(self.table.set_index("parameter").loc[parameter, "estimate"])

    def as_dict(self, buffer_m: float | None = None) -> dict:
        """The fit with the keys of ``landmap density --format json``."""
        d = self.table.set_index("parameter")
        scale = "g0" if self.function == "HN" else "lambda0"
        return {"model": "null", "likelihood": self.likelihood, "detector": self.kind,
                "D_per_100km2": float(d.loc["D (per 100 km2)", "estimate"]),
                "se": float(d.loc["D (per 100 km2)", "se"]),
                "lcl": float(d.loc["D (per 100 km2)", "lcl"]),
                "ucl": float(d.loc["D (per 100 km2)", "ucl"]),
                scale: self.value(scale), "sigma_m": self.value("sigma (m)"),
                "n_animals": self.n, "n_detections": self.detections,
                "esa_km2": self.esa_ha / 100, "mask_area_km2": self.mask_area_km2,
                "buffer_m": buffer_m, "loglik": self.log_likelihood, "aic": self.aic,
                "parameters": {"all": self.table.to_dict("records")}}


def _derivatives(f, x: np.ndarray, step: float = 1e-4):
    """Values, gradients and Hessians of the two outputs of ``f`` (the log integral and
    the effective sampling area) at ``x``, by central differences on one stencil: 1 + 2p
    + 2p(p−1) evaluations (9 for two parameters) serve both outputs. The link-scale
    parameters are all of order 1, so one step fits them all."""
    p = len(x)
    e = np.eye(p) * step
    centre = np.array(f(x))
    plus = np.array([f(x + e[i]) for i in range(p)])
    minus = np.array([f(x - e[i]) for i in range(p)])
    grad = (plus - minus) / (2 * step)  # p × 2
    hess = np.empty((2, p, p))
    hess[:, range(p), range(p)] = ((plus - 2 * centre + minus) / step ** 2).T
    for i in range(p):
        for j in range(i + 1, p):
            corners = [np.array(f(x + si * e[i] + sj * e[j]))
                       for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1))]
            value = (corners[0] - corners[1] - corners[2] + corners[3]) / (4 * step ** 2)
            hess[:, i, j] = hess[:, j, i] = value
    integral, esa = centre
    return integral, esa, (grad[:, 0], hess[0]), (grad[:, 1], hess[1])


def _lognormal(estimate: float, se: float) -> tuple[float, float]:
    c = np.exp(_Z * np.sqrt(np.log(1 + (se / estimate) ** 2)))
    return estimate / c, estimate * c


def _start(data: CaptureData, function: str) -> tuple[float, float]:
    """σ from the spread of each animal's detectors, and a detection rate of 0.1 per
    occasion, on the link scale."""
    det = data.detections
    xy = data.detectors[det["detector"].to_numpy()]
    spread = pd.DataFrame(xy, columns=["x", "y"]).assign(a=det["animal"].to_numpy()).groupby(
        "a").agg(["std"]).dropna()
    sigma = float(np.nanmean(spread.to_numpy())) if len(spread) else 0.0
    if not np.isfinite(sigma) or sigma <= 0:
        gaps = np.sqrt(((data.detectors[:, None] - data.detectors[None]) ** 2).sum(-1))
        sigma = float(np.median(np.where(gaps > 0, gaps, np.inf).min(axis=1)))
    scale = 0.1
    return (np.log(scale) if function == "HHN" else special.logit(scale)), np.log(sigma)


def fit_secr(data: CaptureData, mask: Mask, likelihood: str = "full",
             function: str | None = None) -> SecrFit:
    """Fit the null SECR model (one D, one detection scale, one σ).

    Parameters
    ----------
    data : CaptureData
    mask : Mask
    likelihood : {"full", "conditional"}
        Full: D estimated with the detection parameters; conditional: D = n / a(θ̂).
    function : {"HN", "HHN"}, optional
        Half-normal probability (g0) or hazard (λ0); by default HN for multi-catch traps
        (as secr's demonstration fits) and HHN for proximity and count detectors.

    Returns
    -------
    SecrFit

    Raises
    ------
    ValueError
        With no animal detected, or if the optimiser does not converge.
    """
    if likelihood not in ("full", "conditional"):
        raise ValueError(f"likelihood={likelihood!r}: choose 'full' or 'conditional'.")
    function = function or ("HN" if data.kind == "multi" else "HHN")
    if function not in _FUNCTIONS:
        raise ValueError(f"function={function!r}: choose 'HN' or 'HHN'.")
    n = data.n_animals
    if n == 0:
        raise ValueError(Text("no animal was detected: SECR needs detections"))
    model = _Model(data, mask, function)

    def parts(theta):
        return model.log_integrals(*_real(model, theta))

    def conditional(theta):
        integral, esa = parts(theta)
        value = -(integral - n * np.log(esa)) if esa > 0 else np.nan
        # where nothing could be detected (a(θ) = 0) the ratio is undefined: no optimum
        return value if np.isfinite(value) else np.inf

    # With a homogeneous D the full likelihood's maximum over D is D = n / a(θ), and what
    # is left to maximise over θ is the conditional likelihood: both fits search θ alone.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        result = optimize.minimize(conditional, np.array(_start(data, function)),
                                   method="BFGS", options={"gtol": 1e-6})
    if not np.isfinite(result.fun):
        raise ValueError("the likelihood could not be evaluated at the start: check the "
                         "detectors' usage and the mask.")
    if np.max(np.abs(result.jac)) > 1e-2:
        # BFGS stops on "precision loss" close to an optimum too; only a slope left
        # means it stopped short of one
        raise ValueError(Text("the model did not converge ({reason}): too few recaptures "
                              "for this model?", reason=result.message))
    theta = result.x
    integral, esa, d_integral, d_esa = _derivatives(parts, theta)
    density = n / esa
    cv_n = cv_a = None
    if likelihood == "full":
        beta = np.array([np.log(density), *theta])
        log_likelihood = n * np.log(density) - n + integral
        # second derivatives of −ℓ(log D, θ), with D a(θ) = n at the maximum
        hess = np.empty((3, 3))
        hess[0, 0] = n
        hess[0, 1:] = hess[1:, 0] = density * d_esa[0]
        hess[1:, 1:] = density * d_esa[1] - d_integral[1]
    else:
        beta = theta
        log_likelihood = integral - n * np.log(esa)
        grad_a = d_esa[0]
        hess = -d_integral[1] + n * (d_esa[1] / esa - np.outer(grad_a, grad_a) / esa ** 2)
    cov = np.linalg.pinv(hess)
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) < 0):
        raise ValueError("the model did not converge (the Hessian is not positive "
                         "definite): too few recaptures for this model?")
    scale, sigma = _real(model, beta)
    rows = []
    if likelihood == "full":
        se_d = density * np.sqrt(cov[0, 0])
    else:
        # D = n / a(θ): var from a Poisson n and the delta method for a(θ̂)
        var_a = float(d_esa[0] @ cov @ d_esa[0])
        cv_n, cv_a = 1 / np.sqrt(n), np.sqrt(var_a) / esa
        se_d = density * np.sqrt(cv_n ** 2 + cv_a ** 2)
    lcl, ucl = _lognormal(density, se_d)
    rows.append(("D (per ha)", density, se_d, lcl, ucl))
    rows.append(("D (per 100 km2)", density * 1e4, se_d * 1e4, lcl * 1e4, ucl * 1e4))
    i = len(beta) - 2
    se_beta = np.sqrt(np.diag(cov))
    link = special.expit if function == "HN" else np.exp
    name = "g0" if function == "HN" else "lambda0"
    rows.append((name, scale, _delta(scale, se_beta[i], function), float(link(
        beta[i] - _Z * se_beta[i])), float(link(beta[i] + _Z * se_beta[i]))))
    rows.append(("sigma (m)", sigma, sigma * se_beta[i + 1],
                 float(np.exp(beta[i + 1] - _Z * se_beta[i + 1])),
                 float(np.exp(beta[i + 1] + _Z * se_beta[i + 1]))))
    table = pd.DataFrame(rows, columns=["parameter", "estimate", "se", "lcl", "ucl"])
    return SecrFit(likelihood, function, data.kind, table, beta, cov, float(log_likelihood),
                   n, data.n_detections, len(mask.points), mask.area_km2, float(esa),
                   cv_n, cv_a)


def _real(model: _Model, beta: np.ndarray) -> tuple[float, float]:
    return model.scale_of(beta[-2]), float(np.exp(beta[-1]))


def _delta(value: float, se_link: float, function: str) -> float:
    """SE on the real scale from the link scale (delta method)."""
    return value * (1 - value) * se_link if function == "HN" else value * se_link


# ----------------------------------------------------------------------------- surveys
@dataclass(frozen=True)
class SurveyCaptures:
    """A year (or season) of a camera-trap survey as SECR data: proximity detectors (the
    stations), one-day occasions, the identified animals and their sex."""

    data: CaptureData
    sex: np.ndarray  # "female", "male" or "" per animal
    station_ids: tuple
    crs: str
    first_day: pd.Timestamp
    notes: tuple = ()


def capture_data(survey, species: str | None = None, life_stages=("adult",),
                 months: tuple[int, int] | None = None) -> SurveyCaptures:
    """The SECR data of a selection (usually one year): stations as proximity detectors
    with one-day occasions.

    Parameters
    ----------
    survey : Survey
        A selection, usually ``survey.filter(years=2021)``.
    species : str, optional
        The Amur leopard by default.
    life_stages : tuple of str, default ("adult",)
        Cubs are not independent of their mother: only identified adults by default.
    months : (int, int), optional
        A season: first and last month (local time), e.g. (11, 4) for November to April.

    Returns
    -------
    SurveyCaptures
        Usage of each station on each day is the share of the day at least one of its
        cameras worked (several cameras at a station do not multiply it).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> c = capture_data(load_demo().filter(years=2021))
    >>> c.data.kind, c.data.usage.shape[0], c.data.n_animals > 50
    ('proximity', 550, True)
    """
    from landmap.effort import working_periods
    from landmap.observations import LEOPARD, camera_offset, detection_mask, local_time

    species = species or LEOPARD
    d = survey.deployments
    origin, worked = working_periods(d, survey.years)
    days = worked.shape[1]
    if months is not None:
        first, last = months
        month = (origin + pd.to_timedelta(np.arange(days), unit="D")).month.to_numpy()
        inside = ((month >= first) & (month <= last) if first <= last
                  else (month >= first) | (month <= last))
        worked[:, ~inside] = 0
    usage = (pd.DataFrame(worked).groupby(d["locationID"].to_numpy(), sort=True).sum()
             .clip(upper=1))
    usage = usage[usage.sum(axis=1) > 0]
    stations = usage.index.to_numpy()
    places = d.to_crs(survey.metric_crs).drop_duplicates("locationID").set_index("locationID")
    xy = np.column_stack([places.geometry.x.reindex(stations).to_numpy(),
                          places.geometry.y.reindex(stations).to_numpy()])

    obs = survey.observations
    of_species = detection_mask(obs, species)
    named = (obs["individualID"] != "").to_numpy()
    if not of_species.any():
        # a package of other species (Camtrap DP's example has none of ours) or a
        # selection without it: say so, rather than "0 spatial recaptures"
        raise ValueError(Text("no {species} was photographed in the selection: there is "
                              "no one to count", species=species))
    if not (of_species & named).any():
        raise ValueError(Text("no photograph of {species} carries an individual ID: SECR "
                              "needs identified animals (by their spot patterns)",
                              species=species))
    keep = of_species & named & obs["lifeStage"].isin(list(life_stages)).to_numpy()
    rows = obs[keep]
    local = local_time(rows["eventStart"], camera_offset(rows))
    day = np.floor(((local - origin) / pd.Timedelta(days=1)).to_numpy()).astype(int)
    station = d.drop_duplicates("deploymentID").set_index("deploymentID")["locationID"]
    k = pd.Index(stations).get_indexer(station.reindex(rows["deploymentID"]).to_numpy())
    inside = (k >= 0) & (day >= 0) & (day < days)
    ok = inside.copy()
    ok[inside] = usage.to_numpy()[k[inside], day[inside]] > 0
    notes = []
    if (~ok).any():
        notes.append(Text("{n} detections on a day their station did not work (or outside "
                          "the season) are left out", n=int((~ok).sum())))
    animals = sorted(rows["individualID"][ok].unique())
    index = {a: i for i, a in enumerate(animals)}
    found = rows["individualID"][ok].astype("str")
    detections = (pd.DataFrame({"animal": found.map(index).to_numpy(),
                                "occasion": day[ok], "detector": k[ok]})
                  .drop_duplicates().assign(count=1).reset_index(drop=True))
    sexes = obs[keep].drop_duplicates("individualID").set_index("individualID")["sex"]
    sex = sexes.reindex(animals).astype("str").fillna("").to_numpy(dtype=str)
    data = CaptureData(xy, usage.to_numpy(), detections, len(animals), "proximity",
                       tuple(animals), tuple(map(str, stations)))
    return SurveyCaptures(data, sex, tuple(map(str, stations)), survey.metric_crs, origin,
                          tuple(notes))


#: Animals seen at two or more detectors that σ needs (fewer: no estimate).
MIN_SPATIAL_RECAPTURES = 5


def _enough_recaptures(data: CaptureData, group: str) -> None:
    places = data.detections.groupby("animal")["detector"].nunique()
    moved = int((places >= 2).sum())
    if moved < MIN_SPATIAL_RECAPTURES:
        why = Text("only {n} animals were photographed at two or more stations; SECR needs "
                   "at least {least} such spatial recaptures to estimate how far animals "
                   "range", n=moved, least=MIN_SPATIAL_RECAPTURES)
        raise ValueError(Text("{group}: {why}", group=Text(group), why=why) if group
                         else why)


def habitat(survey):
    """Land, in the survey's metric CRS: the country polygons (the sea is no habitat)."""
    import shapely

    land = survey.boundaries.countries.to_crs(survey.metric_crs)
    return shapely.union_all(land.geometry.to_numpy())


@dataclass(frozen=True)
class DensityEstimate:
    """One year's (or season's) SECR estimate, as the page and the command show it."""

    label: str
    model: str
    likelihood: str
    fits: dict  # "all" for the null model, "female" and "male" for the sex model
    density_100km2: float
    se_100km2: float
    lcl_100km2: float
    ucl_100km2: float
    n: int
    detections: int
    buffer_m: float
    spacing_m: float
    mask_km2: float
    aic: float
    notes: tuple = ()
    #: per group: (its CaptureData, its final Mask), for the areas and surfaces
    parts: dict = field(default_factory=dict, repr=False, compare=False)

    def as_dict(self) -> dict:
        """The keys ``landmap density --format json`` prints (see the README). With the
        sex model, the detection parameters are objects by sex."""
        def each(get):
            values = {name: get(fit) for name, fit in self.fits.items()}
            return values.get("all", values)

        scale = "g0" if next(iter(self.fits.values())).function == "HN" else "lambda0"
        return {"label": self.label, "model": self.model, "likelihood": self.likelihood,
                "detector": "proximity", "D_per_100km2": self.density_100km2,
                "se": self.se_100km2, "lcl": self.lcl_100km2, "ucl": self.ucl_100km2,
                scale: each(lambda f: f.value(scale)),
                "sigma_m": each(lambda f: f.value("sigma (m)")),
                "n_animals": self.n, "n_detections": self.detections,
                "esa_km2": each(lambda f: f.esa_ha / 100),
                "mask_area_km2": self.mask_km2, "buffer_m": self.buffer_m,
                "mask_spacing_m": self.spacing_m,
                "loglik": float(sum(f.log_likelihood for f in self.fits.values())),
                "aic": self.aic, "notes": [str(n) for n in self.notes],
                "parameters": {name: fit.table.to_dict("records")
                               for name, fit in self.fits.items()}}


def estimate_density(captures: SurveyCaptures, habitat_shape=None, model: str = "null",
                     likelihood: str = "full", buffer: float | None = None,
                     spacing: float | None = None, label: str = "") -> DensityEstimate:
    """Density with its 95 % interval from a year's captures (see :func:`capture_data`).

    The mask is built twice: from a first fit with a provisional σ (the spread of each
    animal's stations), then with the buffer 4 σ̂ and spacing σ̂/2 of that fit, on
    ``habitat_shape`` only (land), unless ``buffer`` and ``spacing`` are given; a note
    warns when the buffer is below 3 σ̂.

    Parameters
    ----------
    model : {"null", "sex"}
        ``"sex"``: σ and λ0 per sex (known sex), D the sum of the two densities.
    """
    if model not in ("null", "sex"):
        raise ValueError(f"model={model!r}: choose 'null' or 'sex'.")
    data = captures.data
    notes = list(captures.notes)
    groups = {"all": np.arange(data.n_animals)}
    if model == "sex":
        unknown = int((~np.isin(captures.sex, ["female", "male"])).sum())
        if unknown:
            raise ValueError(Text("the sex model needs every animal's sex: {n} have none "
                                  "recorded; use the model with one σ and λ0, or record "
                                  "their sex", n=unknown))
        groups = {sex: np.flatnonzero(captures.sex == sex) for sex in ("female", "male")}
    fits, buffers, spacings, parts = {}, [], [], {}
    for name, members in groups.items():
        part = data.subset(members) if model == "sex" else data
        _enough_recaptures(part, "" if name == "all" else name)
        sigma0 = float(np.exp(_start(part, "HHN")[1]))
        # a coarse first fit (spacing sigma) only to size the mask of the final one
        first = fit_secr(part, make_mask(part.detectors, buffer or 4 * sigma0,
                                         spacing=spacing or sigma0,
                                         habitat=habitat_shape), likelihood)
        sigma = first.value("sigma (m)")
        used_buffer = buffer or 4 * sigma
        if used_buffer < 3 * sigma:
            notes.append(Text("the mask buffer ({buffer} m) is below 3 σ ({three} m): the "
                              "density may be overestimated", buffer=f"{used_buffer:,.0f}",
                              three=f"{3 * sigma:,.0f}"))
        mask = make_mask(part.detectors, used_buffer, spacing=spacing or sigma / 2,
                         habitat=habitat_shape)
        fits[name] = fit_secr(part, mask, likelihood)
        parts[name] = (part, mask)
        buffers.append(used_buffer)
        spacings.append(mask.spacing)
    densities = [f.value("D (per 100 km2)") for f in fits.values()]
    ses = [float(f.table.set_index("parameter").loc["D (per 100 km2)", "se"])
           for f in fits.values()]
    total, se = float(sum(densities)), float(np.sqrt(sum(s * s for s in ses)))
    lcl, ucl = _lognormal(total, se)
    aic = float(sum(f.aic for f in fits.values()))
    if model == "null" and likelihood == "full":
        # comparable with the sex model: the sexes' shares as one more parameter
        n_f = int((captures.sex == "female").sum())
        n_m = int((captures.sex == "male").sum())
        if n_f and n_m:
            share = n_f / (n_f + n_m)
            aic += 2 - 2 * (n_f * np.log(share) + n_m * np.log(1 - share))
    return DensityEstimate(label, model, likelihood, fits, total, se, lcl, ucl,
                           data.n_animals, data.n_detections, float(max(buffers)),
                           float(min(spacings)),
                           float(max(f.mask_area_km2 for f in fits.values())), aic,
                           tuple(notes), parts)


def _centres(estimate: DensityEstimate):
    """Per group of the estimate: its mask, its fit, each detected animal's posterior of
    where its activity centre lies (mask points × animals, columns summing to 1) and the
    probability p·(x) that an animal centred at each point is detected."""
    for group, (data, mask) in estimate.parts.items():
        fit = estimate.fits[group]
        model = _Model(data, mask, fit.function)
        ll, pdot = model.pieces(*_real(model, fit.beta))
        post = np.exp(ll - ll.max(axis=0))
        post /= post.sum(axis=0)
        yield mask, fit, post, pdot


def animals_in_areas(estimate: DensityEstimate, areas: dict) -> pd.DataFrame:
    """Expected and realised numbers of animals in areas (parks, sides of the border).

    Expected N = D̂ × the area's part of the mask (log-normal interval from D̂'s): with a
    homogeneous D over all the land of the mask, it spreads the animals evenly, also over
    land where none lives. Realised N = the detected animals whose activity centre lies in
    the area (each counted by the posterior probability of its centre there) plus the
    undetected expected there, D̂ ∫ (1 − p·(x)) dx; its variance adds the Bernoulli
    variance of each detected animal's place and a Poisson number of undetected ones with
    D̂'s uncertainty; interval log-normal.

    Parameters
    ----------
    estimate : DensityEstimate
    areas : dict of name -> shapely geometry
        In the metric CRS of the captures.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``mask_km2``, ``expected``, ``expected_lcl``, ``expected_ucl``,
        ``detected`` (posterior sum), ``realised``, ``realised_lcl``, ``realised_ucl``.
    """
    import shapely

    rows = {name: dict.fromkeys(["mask_km2", "expected", "var_expected", "detected",
                                 "var_detected", "undetected", "var_undetected"], 0.0)
            for name in areas}
    for mask, fit, post, pdot in _centres(estimate):
        d = fit.table.set_index("parameter").loc["D (per ha)"]
        density, se = float(d["estimate"]), float(d["se"])
        for name, shape in areas.items():
            inside = shapely.contains_xy(shape, mask.points[:, 0], mask.points[:, 1])
            area_ha = inside.sum() * mask.cell_ha
            missed_ha = float((1 - pdot[inside]).sum() * mask.cell_ha)
            r = rows[name]
            r["mask_km2"] = max(r["mask_km2"], area_ha / 100)
            r["expected"] += density * area_ha
            r["var_expected"] += (se * area_ha) ** 2
            share = post[inside].sum(axis=0)  # each detected animal's chance to live here
            r["detected"] += float(share.sum())
            r["var_detected"] += float((share * (1 - share)).sum())
            r["undetected"] += density * missed_ha
            r["var_undetected"] += (se * missed_ha) ** 2 + density * missed_ha
    out = []
    for name, r in rows.items():
        expected_lcl, expected_ucl = (_lognormal(r["expected"], np.sqrt(r["var_expected"]))
                                      if r["expected"] > 0 else (0.0, 0.0))
        realised = r["detected"] + r["undetected"]
        spread = np.sqrt(r["var_detected"] + r["var_undetected"])
        low, high = _lognormal(realised, spread) if realised > 0 else (0.0, 0.0)
        out.append({"area": name, "mask_km2": r["mask_km2"], "expected": r["expected"],
                    "expected_lcl": expected_lcl, "expected_ucl": expected_ucl,
                    "detected": r["detected"], "realised": realised,
                    "realised_lcl": low, "realised_ucl": high})
    return pd.DataFrame(out)


def density_surface(estimate: DensityEstimate, crs: str, cell_km: float = 2.0):
    """Where the activity centres are: expected leopards per 100 km² in square cells.

    Each mask point carries the detected animals' posterior probability that their centre
    lies there plus the undetected animals expected there, D̂ (1 − p·(x)) (as secr's
    ``fxTotal``); the cells of a grid aligned on multiples of ``cell_km`` (as the location
    policy's grid, so that a surface never shows more than the policy allows) sum them and
    divide by the land of the mask inside the cell. Summed over the cells, the expected
    animals are the realised N of the whole mask.

    Parameters
    ----------
    estimate : DensityEstimate
        From :func:`estimate_density` (with the sex model, both sexes add up).
    crs : str
        The metric CRS of the captures (``captures.crs``).
    cell_km : float, default 2
        Cell size; give the location policy's grid (5 or 10 km) for viewers.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell with mask points: ``cell_id``, ``leopards`` (expected activity
        centres in the cell), ``detected`` (of which photographed animals), ``area_km2``
        (land of the mask in the cell), ``density_100km2``; polygons in ``crs``.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=2021)
    >>> c = capture_data(s)
    >>> e = estimate_density(c, habitat(s))
    >>> cells = density_surface(e, c.crs, cell_km=5)
    >>> bool(abs(cells["leopards"].sum() - animals_in_areas(e, {"all": habitat(s)})
    ...      ["realised"].iloc[0]) < 1e-6)
    True
    """
    import geopandas as gpd
    import shapely

    if cell_km <= 0:
        raise ValueError(f"cell_km={cell_km!r}: give a positive cell size in km.")
    cell = cell_km * 1000.0
    parts = []
    for (group, _), (mask, fit, post, pdot) in zip(estimate.parts.items(),
                                                   _centres(estimate), strict=True):
        density_ha = fit.value("D (per ha)")
        parts.append(pd.DataFrame({
            "i": np.floor(mask.points[:, 0] / cell).astype(np.int64),
            "j": np.floor(mask.points[:, 1] / cell).astype(np.int64),
            "detected": post.sum(axis=1),
            "leopards": post.sum(axis=1) + density_ha * (1 - pdot) * mask.cell_ha,
            "group": group, "area_ha": mask.cell_ha}))
    points = pd.concat(parts, ignore_index=True)
    sums = points.groupby(["i", "j"], sort=True)[["leopards", "detected"]].sum()
    # the land of a cell: of the widest mask there (the sexes' masks differ)
    area = (points.groupby(["i", "j", "group"])["area_ha"].sum().groupby(["i", "j"]).max())
    cells = sums.join(area).reset_index()
    i, j = cells["i"].to_numpy(), cells["j"].to_numpy()
    cells["area_km2"] = cells.pop("area_ha") / 100
    cells["density_100km2"] = cells["leopards"] / cells["area_km2"] * 100
    cells.insert(0, "cell_id", [f"{cell_km:g}km-{a}-{b}" for a, b in zip(i, j, strict=True)])
    boxes = shapely.box(i * cell, j * cell, (i + 1) * cell, (j + 1) * cell)
    return gpd.GeoDataFrame(cells.drop(columns=["i", "j"]), geometry=boxes, crs=crs)


def report_surface(survey, report: dict, model: str | None = None,
                   cell_km: float = 2.0):
    """:func:`density_surface` of a :func:`density_report`'s model (the best by AIC by
    default), called as an analysis of the selection so that a cache can key it."""
    model = model or report["aic"].iloc[0]["model"]
    return density_surface(report["estimates"][model], report["captures"].crs, cell_km)


def survey_areas(survey) -> dict:
    """The parks and the two sides of the border, in the survey's metric CRS."""
    import shapely

    b = survey.boundaries
    parks = b.parks.to_crs(survey.metric_crs).set_index("park_id").geometry
    countries = b.countries.to_crs(survey.metric_crs)
    areas = {}
    for park_id in ("land-of-the-leopard", "ne-china-tiger-leopard"):
        if park_id in parks.index:
            areas[park_id] = parks[park_id]
    code = "iso_a3" if "iso_a3" in countries else countries.columns[0]
    for side in ("RUS", "CHN"):
        chosen = countries[countries[code] == side]
        if len(chosen):
            areas[side] = shapely.union_all(chosen.geometry.to_numpy())
    return areas


def density_by_year(survey, years: list[int] | None = None, model: str = "null",
                    likelihood: str = "full", months: tuple[int, int] | None = None,
                    species: str | None = None) -> pd.DataFrame:
    """One SECR estimate per year of a selection (each year its own session).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``n`` (identified adults), ``detections`` (animal-station-days),
        ``density_per_100km2``, ``se``, ``lcl``, ``ucl`` (95 %, log-normal), ``sigma_m``
        (or ``sigma_female_m`` and ``sigma_male_m``), ``aic``, ``notes``; a year without
        detections has a note and no estimate.
    """
    first, last = survey.year_span
    rows = []
    for year in years or range(first, last + 1):
        one = survey.filter(years=year)
        row = {"year": year}
        try:
            captures = capture_data(one, species, months=months)
            found = estimate_density(captures, habitat(one), model, likelihood,
                                     label=str(year))
        except ValueError as error:
            rows.append(row | {"notes": str(error)})
            continue
        row |= {"n": found.n, "detections": found.detections,
                "density_per_100km2": found.density_100km2, "se": found.se_100km2,
                "lcl": found.lcl_100km2, "ucl": found.ucl_100km2}
        for name, fit in found.fits.items():
            suffix = "" if name == "all" else f"_{name}"
            row[f"sigma{suffix}_m"] = fit.value("sigma (m)")
        rows.append(row | {"aic": found.aic, "notes": "; ".join(found.notes)})
    return pd.DataFrame(rows)


def density_report(survey, models: tuple[str, ...] = ("null",), likelihood: str = "full",
                   months: tuple[int, int] | None = None) -> dict:
    """What the Density page shows for one selection (usually one year).

    Returns
    -------
    dict
        ``captures`` (:class:`SurveyCaptures`), ``estimates`` (model -> DensityEstimate),
        ``aic`` (a table of the models by AIC, the best first, with ΔAIC) and ``areas``
        (model -> :func:`animals_in_areas` of the parks and the sides of the border).
    """
    captures = capture_data(survey, months=months)
    land = habitat(survey)
    estimates = {model: estimate_density(captures, land, model, likelihood,
                                         label=survey.span_label) for model in models}
    aic = pd.DataFrame([{"model": m, "parameters": sum(len(f.beta) for f in e.fits.values())
                         + (1 if m == "null" and likelihood == "full"
                            and {"female", "male"} <= set(captures.sex) else 0),
                         "aic": e.aic, "density_per_100km2": e.density_100km2}
                        for m, e in estimates.items()]).sort_values("aic")
    aic["delta_aic"] = aic["aic"] - aic["aic"].min()
    areas = survey_areas(survey)
    return {"captures": captures, "estimates": estimates, "aic": aic.reset_index(drop=True),
            "areas": {m: animals_in_areas(e, areas) for m, e in estimates.items()}}
