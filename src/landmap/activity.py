"""Diel activity: when a species is photographed, and how much two species' days overlap.

Times are those of independent detections (the rule of
:func:`landmap.observations.independent_events`) on the camera's own clock (the UTC
offset of its deployment), or in sun time (:func:`landmap.sun.sun_time`).

The activity curve is a circular kernel density with a von Mises kernel. Its
concentration follows Ridout & Linkie (2009, *JABES* 14:322), as the R package
``overlap`` computes it: the largest of the von Mises concentrations fitted by the
first three trigonometric moments, κ̂, gives ν = (3 n κ̂² I₂(2κ̂) / (4 √π I₀(κ̂)²))^(2/5);
``adjust`` divides it (larger values, smoother curves).

The coefficient of overlapping Δ (the area under both curves; 0 = never active at the
same time, 1 = identical) is estimated as Δ̂1 (the curves on a grid, ν/0.8) when the
smaller sample has fewer than 75 detections and as Δ̂4 (the ratios of the curves at the
detections themselves, ν/1) otherwise, following the advice of Ridout & Linkie and of
the ``overlap`` package. Its 95 % interval comes from a smoothed bootstrap: each sample
is redrawn from its own fitted curve, Δ̂ recomputed, and the 2.5 % and 97.5 %
quantiles of the resamples shifted by their mean bias (``overlap::bootCI``'s "basic0").
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from landmap.i18n import Text
from landmap.observations import (
    INDEPENDENCE,
    LEOPARD,
    camera_offset,
    independent_events,
    local_time,
)

__all__ = ["MIN_DETECTIONS", "Overlap", "activity_density", "activity_times", "bandwidth",
           "compare_activity", "day_bands", "missing_positions", "overlap",
           "overlap_interval"]

#: Fewer independent detections than this give no curve: the page says why.
MIN_DETECTIONS = 10
#: The smaller sample size from which Δ̂4 replaces Δ̂1.
DHAT4_FROM = 75
#: Grid points over the day for curves and Δ̂1 (Δ̂1 uses them as ``overlap`` does).
GRID = 128
_TAU = 2 * np.pi
_KMAX = 3
_ADJUST = {"Dhat1": 0.8, "Dhat4": 1.0}
# Observation types without a scientific name that a user may follow like a species.
_TYPES = ("human", "vehicle")


# ----------------------------------------------------------------------------- times
def activity_times(survey, species: str = LEOPARD, time: str = "clock",
                   threshold: str | pd.Timedelta = INDEPENDENCE) -> pd.DataFrame:
    """The independent detections of a species with their time of day.

    Parameters
    ----------
    survey : Survey
        Usually a :meth:`~landmap.survey.Survey.filter` selection.
    species : str, default the Amur leopard
        A scientific name, or ``"human"`` / ``"vehicle"`` (observation types).
    time : {"clock", "sun"}
        The camera's clock, or sun time (sunrise 6 h, sunset 18 h; see
        :mod:`landmap.sun`).
    threshold : str or Timedelta, default "30min"
        The independence interval.

    Returns
    -------
    pandas.DataFrame
        One row per independent detection: ``locationID``, ``date`` (local), ``clock``
        and ``hour`` (hours after local midnight; ``hour`` is the sun time with
        ``time="sun"``), ``radians`` (``hour`` on the circle), ``latitude``,
        ``longitude``, ``offset`` (minutes), ``sunrise`` and ``sunset`` (local hours).
        Detections at a station without a position get no sun time and are left out
        with ``time="sun"`` (see :func:`missing_positions`).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=2021)
    >>> t = activity_times(s)
    >>> bool(t["hour"].between(0, 24).all()), len(t) > 100
    (True, True)
    """
    if time not in ("clock", "sun"):
        raise ValueError(f"time={time!r}: choose 'clock' or 'sun'.")
    from landmap.sun import sun_events, sun_time

    obs = survey.observations
    if species in _TYPES:
        obs = obs.assign(scientificName=np.where(obs["observationType"] == species, species,
                                                 obs["scientificName"]))
    events = independent_events(obs, survey.deployments, species, threshold)
    stations = survey.deployments.drop_duplicates("deploymentID").set_index("deploymentID")
    local = local_time(events["eventStart"], camera_offset(events))
    clock = ((local - local.dt.normalize()) / pd.Timedelta(hours=1)).to_numpy()
    out = pd.DataFrame({
        "locationID": events["locationID"].to_numpy(),
        "date": local.dt.normalize().to_numpy(),
        "clock": clock,
        "latitude": stations["latitude"].reindex(events["deploymentID"]).to_numpy(float),
        "longitude": stations["longitude"].reindex(events["deploymentID"]).to_numpy(float),
        "offset": camera_offset(events).to_numpy(dtype=float),
    })
    rise, set_ = sun_events(out["date"], out["latitude"], out["longitude"], out["offset"])
    out["sunrise"], out["sunset"] = rise, set_
    if time == "sun":
        known = np.isfinite(rise) & np.isfinite(set_)
        out = out[known].reset_index(drop=True)
        out["hour"] = sun_time(out["clock"], out["sunrise"], out["sunset"])
    else:
        out["hour"] = out["clock"]
    out["radians"] = out["hour"].to_numpy() / 24 * _TAU
    return out


def missing_positions(survey) -> list[str]:
    """Stations without a usable position or offset: they get no sun time."""
    d = survey.deployments
    bad = ~(np.isfinite(d["latitude"].to_numpy(float)) & np.isfinite(
        d["longitude"].to_numpy(float)) & d["deploymentStart_offset"].notna().to_numpy())
    return sorted(set(d.loc[bad, "locationID"]))


# ----------------------------------------------------------------------------- density
def _checked(radians, name: str = "times") -> np.ndarray:
    x = np.asarray(radians, dtype=float).ravel()
    if x.size < 2:
        raise ValueError(Text("{name}: {n} detections; an activity curve needs at least "
                              "{least}", name=name, n=x.size, least=MIN_DETECTIONS))
    if not np.isfinite(x).all():
        raise ValueError(f"{name}: times must be finite numbers (radians).")
    if np.ptp(np.mod(x, _TAU)) == 0:
        raise ValueError(Text("{name}: every detection has the same time of day; no "
                              "curve can be drawn through one moment", name=name))
    return np.mod(x, _TAU)


def _resultants(x: np.ndarray, kmax: int) -> list[np.ndarray]:
    """Mean resultant length of the first ``kmax`` trigonometric moments along the last
    axis. About the circular mean or not, |mean e^{ikx}| is the same; the multiple angles
    come from one sine and cosine by recurrence."""
    c1, s1 = np.cos(x), np.sin(x)
    ck, sk = c1, s1
    out = [np.hypot(c1.mean(-1), s1.mean(-1))]
    for _ in range(1, kmax):
        ck, sk = ck * c1 - sk * s1, sk * c1 + ck * s1
        out.append(np.hypot(ck.mean(-1), sk.mean(-1)))
    return out


def _kappa_for(r: np.ndarray, k: int) -> np.ndarray:
    """κ with I_k(κ)/I_0(κ) = r, by bisection on [1e-4, 345] (0 where no root lies there),
    vectorised over any number of samples."""
    lo = np.full(r.shape, 1e-4)
    hi = np.full(r.shape, 345.0)

    def ratio(kappa):
        return special.ive(k, kappa) / special.ive(0, kappa)

    f_lo, f_hi = ratio(lo) - r, ratio(hi) - r
    ok = f_lo * f_hi <= 0
    for _ in range(60):  # 345 / 2**60: far below any concentration that matters
        mid = (lo + hi) / 2
        below = (ratio(mid) - r) * f_lo > 0
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.where(ok, (lo + hi) / 2, 0.0)


def bandwidth(radians, kmax: int = _KMAX) -> float:
    """The concentration ν of the von Mises kernel for these times (Ridout & Linkie 2009).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> round(bandwidth(rng.vonmises(np.pi, 2.0, 400)), 1)
    16.9
    """
    return float(_bandwidths(_checked(radians)[None, :], kmax)[0])


def _bandwidths(samples: np.ndarray, kmax: int = _KMAX) -> np.ndarray:
    """ν for each row of ``samples`` (NaN where no moment gives a concentration)."""
    n = samples.shape[-1]
    kappa = np.max([_kappa_for(r, k) for k, r in enumerate(_resultants(samples, kmax), 1)],
                   axis=0)
    nu = (3 * n * kappa ** 2 * special.ive(2, 2 * kappa) * np.exp(2 * kappa)
          / (4 * np.sqrt(np.pi) * (special.ive(0, kappa) * np.exp(kappa)) ** 2)) ** 0.4
    with np.errstate(invalid="ignore"):
        return np.where(kappa > 0, nu, np.nan)


def _density(x: np.ndarray, at: np.ndarray, nu) -> np.ndarray:
    """Von Mises kernel density of the rows of ``x`` at the points ``at`` (same leading
    shape, or 1-D), concentration ``nu`` per row."""
    nu = np.asarray(nu, dtype=float)[..., None, None]
    at = at[..., :, None]
    # exp(ν (cos d − 1)) / (2π I₀(ν) e^{−ν}): no overflow at large ν
    kernel = np.exp(nu * (np.cos(at - x[..., None, :]) - 1))
    return kernel.mean(-1) / (_TAU * special.ive(0, nu[..., 0]))


def activity_density(radians, adjust: float = 1.0, grid: int = 512) -> pd.DataFrame:
    """The activity curve over the day.

    Parameters
    ----------
    radians : array-like
        Times of day on the circle (0 to 2π; see :func:`activity_times`).
    adjust : float, default 1
        Divides the kernel's concentration: above 1 smoother, below 1 more detailed.
    grid : int, default 512
        Points over the day (both midnights included).

    Returns
    -------
    pandas.DataFrame
        ``hour`` (0–24) and ``density`` per hour (integrating to 1 over 24 h).

    Examples
    --------
    >>> d = activity_density(np.linspace(0.2, 1.0, 20))
    >>> round(float(np.trapezoid(d["density"], d["hour"])), 6)
    1.0
    """
    x = _checked(radians)
    if adjust <= 0:
        raise ValueError(f"adjust={adjust!r}: must be above 0.")
    nu = bandwidth(x) / adjust
    at = np.linspace(0, _TAU, grid)
    return pd.DataFrame({"hour": at / _TAU * 24,
                         "density": _density(x, at, nu) * _TAU / 24})


# ----------------------------------------------------------------------------- overlap
@dataclass(frozen=True)
class Overlap:
    """The overlap of two activity curves, as the page and the command report it."""

    estimator: str  # "Dhat1" or "Dhat4"
    estimate: float
    lower: float
    upper: float
    n: tuple[int, int]
    resamples: int

    def as_dict(self) -> dict:
        return {"n": list(self.n), "estimator": self.estimator, "estimate": self.estimate,
                "lower": self.lower, "upper": self.upper, "resamples": self.resamples}


def _estimator(n_a: int, n_b: int, estimator: str) -> str:
    if estimator == "auto":
        return "Dhat4" if min(n_a, n_b) >= DHAT4_FROM else "Dhat1"
    if estimator not in _ADJUST:
        raise ValueError(f"estimator={estimator!r}: choose 'auto', 'Dhat1' or 'Dhat4'.")
    return estimator


def _binned_density(x: np.ndarray, at: np.ndarray, nu: np.ndarray) -> np.ndarray:
    """:func:`_density` for many samples at once, through a histogram of 2,048 bins
    convolved with the kernel by FFT: the bootstrap's thousand curves in a fraction of a
    second. Linear binning (each time shared between the two nearest bin centres, 42 s
    apart) keeps the error of second order (below 1e-5 of the curve's height)."""
    bins = 2048
    rows = np.arange(x.shape[0])[:, None] * bins
    u = x / _TAU * bins - 0.5  # in bins, from the first bin's centre
    left = np.floor(u)
    share = u - left
    left = left.astype(int) % bins
    index = np.concatenate([(left + rows).ravel(), ((left + 1) % bins + rows).ravel()])
    weights = np.concatenate([(1 - share).ravel(), share.ravel()])
    counts = np.bincount(index, weights, minlength=x.shape[0] * bins).reshape(-1, bins)
    offsets = np.arange(bins) / bins * _TAU
    kernel = (np.exp(nu[:, None] * (np.cos(offsets) - 1))
              / (_TAU * special.ive(0, nu)[:, None]))
    smooth = np.fft.irfft(np.fft.rfft(counts, axis=1) * np.fft.rfft(kernel, axis=1),
                          n=bins, axis=1) / x.shape[1]
    # bin i holds times from i/bins of the circle on: its curve value sits at its centre
    centres = np.append((np.arange(bins) + 0.5) / bins * _TAU, _TAU + 0.5 / bins * _TAU)
    values = np.concatenate([smooth, smooth[:, :1]], axis=1)
    shifted = np.mod(at - centres[0], _TAU) + centres[0]
    return _interp(shifted - centres[0], centres - centres[0], values)


def _overlaps(a: np.ndarray, b: np.ndarray, estimator: str, binned: bool = False
              ) -> np.ndarray:
    """Δ̂ for each pair of rows of ``a`` and ``b`` (samples × detections)."""
    adjust = _ADJUST[estimator]
    nu_a, nu_b = _bandwidths(a) / adjust, _bandwidths(b) / adjust
    grid = np.linspace(0, _TAU, GRID)
    if binned:
        def density(x, at, nu):
            at = np.broadcast_to(at, (x.shape[0], at.shape[-1]))
            return _binned_density(x, at, nu)
    else:
        density = _density
    if estimator == "Dhat1":
        # the curves on the grid (one midnight only), each scaled to sum to 1
        da, db = density(a, grid[1:], nu_a), density(b, grid[1:], nu_b)
        da /= da.sum(-1, keepdims=True)
        db /= db.sum(-1, keepdims=True)
        return np.minimum(da, db).sum(-1)
    both = np.concatenate([a, b], axis=-1)
    n_a = a.shape[-1]
    if both.shape[-1] > 1.1 * GRID:  # as overlap does: interpolate from the grid
        da, db = density(a, grid, nu_a), density(b, grid, nu_b)
        fa = _interp(both, grid, da)
        fb = _interp(both, grid, db)
    else:
        fa, fb = density(a, both, nu_a), density(b, both, nu_b)
    return (np.minimum(1, fb[..., :n_a] / fa[..., :n_a]).mean(-1)
            + np.minimum(1, fa[..., n_a:] / fb[..., n_a:]).mean(-1)) / 2


def _interp(at: np.ndarray, grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation of each row's curve at each row's points (vectorised)."""
    step = grid[1] - grid[0]
    i = np.clip((at // step).astype(int), 0, len(grid) - 2)
    w = (at - grid[i]) / step
    rows = np.arange(values.shape[0])[:, None] if values.ndim > 1 else None
    if rows is None:
        return values[i] * (1 - w) + values[i + 1] * w
    return values[rows, i] * (1 - w) + values[rows, i + 1] * w


def overlap(a, b, estimator: str = "auto") -> tuple[str, float]:
    """The coefficient of overlapping of two samples of times of day.

    Parameters
    ----------
    a, b : array-like
        Times in radians (see :func:`activity_times`).
    estimator : {"auto", "Dhat1", "Dhat4"}
        "auto": Δ̂4 when the smaller sample has at least 75 detections, else Δ̂1.

    Returns
    -------
    (str, float)
        The estimator used and Δ̂.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> name, d = overlap(rng.vonmises(0, 2, 300), rng.vonmises(0, 2, 300))
    >>> name, d > 0.85
    ('Dhat4', True)
    """
    a, b = _checked(a, "a"), _checked(b, "b")
    name = _estimator(a.size, b.size, estimator)
    return name, float(_overlaps(a[None, :], b[None, :], name)[0])


def _redraw(x: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Smoothed bootstrap: ``resamples`` samples of len(x) drawn from x's fitted curve (a
    detection picked at random, moved by the kernel's von Mises noise)."""
    nu = bandwidth(x)
    picked = x[rng.integers(0, x.size, size=(resamples, x.size))]
    return np.mod(picked + rng.vonmises(0.0, nu, size=picked.shape), _TAU)


def overlap_interval(a, b, estimator: str = "auto", resamples: int = 999,
                     seed: int | None = 0, level: float = 0.95) -> Overlap:
    """Δ̂ with its smoothed-bootstrap interval.

    Parameters
    ----------
    a, b : array-like
        Times in radians.
    estimator : {"auto", "Dhat1", "Dhat4"}
    resamples : int, default 999
    seed : int or None, default 0
        The same seed gives the same interval.
    level : float, default 0.95

    Returns
    -------
    Overlap

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> o = overlap_interval(rng.vonmises(0, 2, 200), rng.vonmises(1, 2, 200), resamples=199)
    >>> o.estimator, o.lower < o.estimate < o.upper
    ('Dhat4', True)
    """
    a, b = _checked(a, "a"), _checked(b, "b")
    name = _estimator(a.size, b.size, estimator)
    estimate = float(_overlaps(a[None, :], b[None, :], name)[0])
    sizes = _chunks(resamples, a.size + b.size)
    streams = np.random.default_rng(seed).spawn(len(sizes))

    def batch(i: int) -> np.ndarray:
        return _overlaps(_redraw(a, sizes[i], streams[i]), _redraw(b, sizes[i], streams[i]),
                         name, binned=True)

    # numpy lets go of the interpreter in its loops: batches run on every core
    with ThreadPoolExecutor(max_workers=min(len(sizes), os.cpu_count() or 1)) as pool:
        boot = np.concatenate(list(pool.map(batch, range(len(sizes)))))
    boot = boot[np.isfinite(boot)]
    bias = boot.mean() - estimate
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return Overlap(name, estimate, float(np.clip(lo - bias, 0, 1)),
                   float(np.clip(hi - bias, 0, 1)), (a.size, b.size), int(boot.size))


def _chunks(resamples: int, n: int) -> list[int]:
    """Resamples per batch: batches of about 5 million numbers, at least four batches
    when there are enough resamples to share between cores."""
    per = max(1, min(int(5e6 // max(n, 2048)), -(-resamples // 4)))
    return [min(per, resamples - i) for i in range(0, resamples, per)]


# ----------------------------------------------------------------------------- the day
def day_bands(times: pd.DataFrame, time: str = "clock") -> pd.DataFrame:
    """Night, twilight and day over 24 h, averaged over the detections' dates and places.

    Parameters
    ----------
    times : pandas.DataFrame
        :func:`activity_times` (its dates, positions and offsets).
    time : {"clock", "sun"}
        On the sun-time axis, sunrise and sunset sit at 6 h and 18 h by construction and
        civil twilight is mapped the same way.

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end`` (hours) and ``part`` ("night", "twilight", "day"), in order.
    """
    from landmap.sun import TWILIGHT_ZENITH, sun_events, sun_time

    if times.empty:
        return pd.DataFrame(columns=["start", "end", "part"])
    dawn, dusk = sun_events(times["date"], times["latitude"], times["longitude"],
                            times["offset"], zenith=TWILIGHT_ZENITH)
    rise, set_ = times["sunrise"].to_numpy(), times["sunset"].to_numpy()
    if time == "sun":
        dawn, dusk = sun_time(dawn, rise, set_), sun_time(dusk, rise, set_)
        rise, set_ = np.full(len(rise), 6.0), np.full(len(set_), 18.0)
    edges = [float(np.nanmean(v)) for v in (dawn, rise, set_, dusk)]
    parts = [(0.0, edges[0], "night"), (edges[0], edges[1], "twilight"),
             (edges[1], edges[2], "day"), (edges[2], edges[3], "twilight"),
             (edges[3], 24.0, "night")]
    return pd.DataFrame(parts, columns=["start", "end", "part"])


def compare_activity(survey, first: dict, second: dict, time: str = "clock",
                     adjust: float = 1.0, resamples: int = 999, seed: int = 0,
                     threshold: str | pd.Timedelta = INDEPENDENCE) -> dict:
    """Two activity curves and their overlap, for the page and the command.

    Parameters
    ----------
    survey : Survey
        The selection.
    first, second : dict
        ``species`` (a scientific name, ``"human"`` or ``"vehicle"``), and optionally
        ``sex`` and ``country`` (lists, as :meth:`~landmap.survey.Survey.filter` takes
        them) and ``label``.
    time : {"clock", "sun"}
    adjust : float, default 1
        Smoothing of the drawn curves (the overlap uses the estimator's own).
    resamples : int, default 999
    seed : int, default 0

    Returns
    -------
    dict
        ``times`` (two frames of :func:`activity_times`), ``curves`` (``hour`` and one
        density column per label), ``overlap`` (:class:`Overlap`, or None) and
        ``message`` (why there is no overlap: a sample under :data:`MIN_DETECTIONS`).

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=2021)
    >>> r = compare_activity(s, {"species": LEOPARD, "sex": ["male"], "label": "males"},
    ...                      {"species": LEOPARD, "sex": ["female"], "label": "females"},
    ...                      resamples=99)
    >>> r["overlap"].estimator, list(r["curves"].columns)
    ('Dhat4', ['hour', 'males', 'females'])
    """
    times, labels = [], []
    for group in (first, second):
        narrowed = survey.filter(sex=group.get("sex"), country=group.get("country"))
        times.append(activity_times(narrowed, group["species"], time, threshold))
        labels.append(group.get("label") or group["species"])
    if labels[0] == labels[1]:
        labels[1] = labels[1] + " (2)"
    curves = pd.DataFrame({"hour": np.linspace(0, 24, 512)})
    message = None
    for label, t in zip(labels, times, strict=True):
        if len(t) < MIN_DETECTIONS or np.ptp(t["radians"].to_numpy()) == 0:
            message = Text("{label}: {n} independent detections; a curve needs at least "
                           "{least}", label=label, n=len(t), least=MIN_DETECTIONS)
            curves[label] = np.nan
        else:
            curves[label] = activity_density(t["radians"], adjust)["density"].to_numpy()
    result = None
    if message is None:
        result = overlap_interval(times[0]["radians"], times[1]["radians"],
                                  resamples=resamples, seed=seed)
    return {"times": times, "labels": labels, "curves": curves, "overlap": result,
            "message": message}
