"""The survey: one object holding a camera-trap programme's data, shared by every page.

A :class:`Survey` is what :func:`landmap.io.camtrapdp.read_camtrapdp` returns and what
every analysis takes. :meth:`Survey.filter` gives the selection a user made (years,
individuals) as a new survey, so the same functions serve the whole data and any
filter of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from landmap._arrow import categories, is_in, positions
from landmap.boundaries import Boundaries, utm_crs
from landmap.effort import EFFORT_UNITS, station_effort
from landmap.io.validate import Problem, problems_frame
from landmap.observations import LEOPARD, camera_offset, detection_mask, local_year
from landmap.privacy import EXACT, Precision

__all__ = ["Headline", "Kept", "Survey", "catalogue_order", "headline"]


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame()


#: Observation columns of few distinct values, held as categories (see
#: :func:`_with_categories`).
CATEGORY_COLUMNS = ("observationLevel", "observationType", "scientificName", "lifeStage",
                    "sex", "classificationMethod", "individualID")


def _with_categories(observations: pd.DataFrame) -> pd.DataFrame:
    """The observations with the text columns of :data:`CATEGORY_COLUMNS` as categories
    in sorted order.

    At 2.76 million observations these columns held 280 MB of text and take 23 MB as
    categories. Sorted categories sort, group and list as the text did (categories read
    back from Parquet come in the order the file met them, and are sorted here). The
    caller's frame is left as it was; a frame already so held is returned as it is (a
    selection's, say).
    """
    changed = {}
    for column in CATEGORY_COLUMNS:
        if column not in observations:
            continue
        dtype = observations[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            if not pd.api.types.is_string_dtype(dtype.categories.dtype):
                changed[column] = categories(observations[column].astype("str"))
            elif not dtype.categories.is_monotonic_increasing or dtype.ordered:
                changed[column] = _in_sorted_order(observations[column])
        elif pd.api.types.is_string_dtype(dtype):
            changed[column] = categories(observations[column])
    return observations.assign(**changed) if changed else observations


def _in_sorted_order(values: pd.Series) -> pd.Series:
    """A category column with its categories put in sorted order, the codes renumbered
    to match (what ``cat.reorder_categories`` gives, at a tenth of its cost)."""
    dtype = values.dtype
    order = dtype.categories.argsort()
    codes = values.cat.codes.to_numpy()
    # the new code of each old one; the last place answers a missing value's -1
    renumber = np.empty(len(order) + 1, dtype=codes.dtype)
    renumber[order] = np.arange(len(order), dtype=codes.dtype)
    renumber[-1] = -1
    sorted_dtype = pd.CategoricalDtype(dtype.categories.take(order), ordered=False)
    return pd.Series(pd.Categorical.from_codes(renumber[codes], dtype=sorted_dtype,
                                               validate=False),
                     index=values.index, name=values.name, copy=False)


@dataclass(frozen=True)
class Kept:
    """What a package holds that landmap carries but does not count, kept for the export.

    A programme's package is written back with everything landmap read and did not use
    (see :func:`landmap.io.exports.camtrapdp_zip`): a selection keeps the part of these
    tables that belongs to it.

    Attributes
    ----------
    observations : pandas.DataFrame
        Observations of the level not counted (the media-level rows of a package that
        holds both levels), parsed like :attr:`Survey.observations`.
    media : pandas.DataFrame
        The ``media`` table as read (text), with ``timestamp_utc`` and
        ``timestamp_offset`` (minutes) added when its timestamps could be read.
    files : dict of str -> bytes
        The files of resources landmap does not read, by their path in the package.
    """

    observations: pd.DataFrame = field(default_factory=_no_rows)
    media: pd.DataFrame = field(default_factory=_no_rows)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.observations.empty and self.media.empty and not self.files

    def select(self, deployments: pd.DataFrame, years: tuple[int, int] | None,
               observations: pd.DataFrame, kept_observations: pd.DataFrame,
               by_animal: bool) -> Kept:
        """The part of these tables that belongs to a selection.

        Media stay with their deployment and year; when the selection names animals
        (individuals, sex, life stage), only the media of its observations stay: those
        a kept media-level observation points to, and those taken during a kept event
        at its deployment.
        """
        media = self.media
        if media.empty or "timestamp_utc" not in media:
            # a media table that does not follow the standard is written back whole
            return dataclasses.replace(self, observations=kept_observations)
        media = media[media["deploymentID"].isin(deployments["deploymentID"]).to_numpy()]
        if years is not None:
            offsets = media["deploymentID"].map(
                deployments.drop_duplicates("deploymentID").set_index("deploymentID")[
                    "deploymentStart_offset"]).fillna(media["timestamp_offset"])
            year = local_year(media["timestamp_utc"], offsets)
            media = media[((year >= years[0]) & (year <= years[1])).to_numpy()]
        if by_animal:
            pointed = (media["mediaID"].isin(kept_observations["mediaID"]).to_numpy()
                       if "mediaID" in kept_observations else np.zeros(len(media), bool))
            media = media[pointed | _during_events(media, observations)]
        return dataclasses.replace(self, observations=kept_observations,
                                   media=media.reset_index(drop=True))


def _during_events(media: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """True for each medium taken at the deployment and within the span of an event."""
    if media.empty or events.empty:
        return np.zeros(len(media), dtype=bool)
    spans = (events[["deploymentID", "eventStart", "eventEnd"]].dropna()
             .sort_values("eventStart", kind="stable"))
    shots = (media[["deploymentID", "timestamp_utc"]].reset_index(drop=True)
             .rename_axis("_row").reset_index().dropna()
             .sort_values("timestamp_utc", kind="stable"))
    # the latest event at the same deployment that started before the photograph
    joined = pd.merge_asof(shots, spans, left_on="timestamp_utc", right_on="eventStart",
                           by="deploymentID", direction="backward")
    inside = (joined["timestamp_utc"] <= joined["eventEnd"]).fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(media), dtype=bool)
    out[joined["_row"].to_numpy()[inside]] = True
    return out


def _active_years(deployments: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The calendar years (camera local time) each deployment started and ended in: a
    selection of years keeps the deployments whose span overlaps it."""
    return (local_year(deployments["deploymentStart"], deployments["deploymentStart_offset"]),
            local_year(deployments["deploymentEnd"], deployments["deploymentEnd_offset"]))


@dataclass(frozen=True)
class Survey:
    """A camera-trap survey, or a selection of one.

    Attributes
    ----------
    deployments : geopandas.GeoDataFrame
        One row per deployment; station points in EPSG:4326; ``country`` is the ISO code
        of the country the station stands in.
    observations : pandas.DataFrame
        Observations of one level (see ``observation_level``); ``eventStart`` in UTC with
        ``eventStart_offset`` in minutes. Species, types, levels, life stages, sex,
        classification method and individual IDs are categories with their values in
        sorted order (:data:`CATEGORY_COLUMNS`): compare them with text as usual, and take
        ``.astype(str)`` before giving them a value they do not hold.
    individuals : pandas.DataFrame
        Known individuals (``individualID``, ``name``, ``sex``, ``birthYear``, ``mother``).
    metadata : dict
        The package descriptor.
    boundaries : Boundaries
    source : str
        Where the data came from (a folder, a file, a database).
    observation_level : {"event", "media"}
    problems : list of Problem
        Everything the reader flagged or kept aside.
    years : (int, int) or None
        The selected span of years (inclusive); ``None`` for all.
    precision : Precision
        How precise the station coordinates are (see :func:`landmap.privacy.protect`).
    kept : Kept
        The media, the observations of the other level and the resources landmap does
        not read, carried for the export.
    """

    deployments: gpd.GeoDataFrame
    observations: pd.DataFrame
    individuals: pd.DataFrame
    metadata: dict
    boundaries: Boundaries
    source: str = ""
    observation_level: str = "event"
    problems: list[Problem] = field(default_factory=list)
    years: tuple[int, int] | None = None
    precision: Precision = EXACT
    kept: Kept = field(default_factory=Kept)
    # each observation's deployment by its row in ``deployments``, once known (see
    # deployment_rows); a survey made by dataclasses.replace finds it again
    _deployment_rows: np.ndarray | None = field(default=None, init=False, repr=False,
                                                compare=False)

    def __post_init__(self):
        object.__setattr__(self, "observations", _with_categories(self.observations))

    def deployment_rows(self) -> np.ndarray:
        """The row (position) in ``deployments`` of each observation's deployment, -1
        where it is not there.

        Found once per survey: the reader knows it from its checks, the Parquet cache keeps
        it, and :meth:`filter` carries it to the selection (a hashed look-up of every
        deployment ID took half a second of the Overview map at 100x the demo).

        Examples
        --------
        >>> from landmap.demo import load_demo
        >>> s = load_demo().filter(years=2021)
        >>> rows = s.deployment_rows()
        >>> ids = s.deployments["deploymentID"].to_numpy()[rows]
        >>> bool((ids == s.observations["deploymentID"].to_numpy()).all())
        True
        """
        rows = self._deployment_rows
        if rows is None or len(rows) != len(self.observations):
            rows = positions(self.observations["deploymentID"], self.deployments["deploymentID"])
            _know_deployment_rows(self, rows)
        return rows

    @property
    def metric_crs(self) -> str:
        """The projected CRS for this survey's areas, distances and grids: the UTM zone of
        its stations (EPSG:32652, zone 52N, for Primorye)."""
        d = self.deployments
        return utm_crs(d["longitude"], d["latitude"]) if len(d) else utm_crs([], [])

    @property
    def year_span(self) -> tuple[int, int]:
        """First and last calendar year with a working camera (local time)."""
        if self.years is not None:
            return self.years
        first, last = _active_years(self.deployments)
        return int(first.min()), int(last.max())

    @property
    def span_label(self) -> str:
        """The selected years as people write them: "2021" or "2013–2024"."""
        first, last = self.year_span
        return str(first) if first == last else f"{first}–{last}"

    @property
    def problem_table(self) -> pd.DataFrame:
        """The reader's findings as a table (file, row, field, value, action, message)."""
        return problems_frame(self.problems)

    def observation_years(self) -> pd.Series:
        """Local calendar year of each observation."""
        return local_year(self.observations["eventStart"], camera_offset(self.observations))

    def leopard_ids(self) -> list[str]:
        """Sorted IDs of the identified leopards in this selection."""
        obs = self.observations
        ids = obs.loc[(obs["scientificName"] == LEOPARD) & (obs["individualID"] != ""),
                      "individualID"]
        return sorted(ids.unique(), key=catalogue_order)

    def filter(
        self,
        years: tuple[int, int] | int | Iterable[int] | None = None,
        individuals: Iterable[str] | None = None,
        sex: Iterable[str] | None = None,
        life_stage: Iterable[str] | None = None,
        country: Iterable[str] | None = None,
    ) -> Survey:
        """The selection of this survey that a user asked for.

        Parameters
        ----------
        years : (int, int), int or list of int, optional
            First and last calendar year (inclusive, camera local time), one year, or a
            list of consecutive years (``[2021]``). Observations outside are left out;
            deployments that overlap the span are kept, and their trap-nights are
            clipped to it by the analyses.
        individuals : iterable of str, optional
            Keep only observations of these individuals (and the unidentified cubs
            photographed in their events). An empty iterable or ``None`` means every
            individual.
        sex : iterable of {"female", "male", ""}, optional
            Keep observations recorded with these sexes ("" = not recorded).
        life_stage : iterable of {"adult", "subadult", "juvenile", ""}, optional
            Keep observations recorded at these life stages.
        country : iterable of ISO codes, optional
            Keep stations in these countries ("RUS", "CHN") and what they photographed.

        Returns
        -------
        Survey
            A new survey; this one is not changed.

        Raises
        ------
        ValueError
            If the years are reversed or an individual ID is not in the survey.

        Examples
        --------
        >>> from landmap.demo import load_demo
        >>> s = load_demo()
        >>> s.filter(years=(2021, 2021)).year_span
        (2021, 2021)
        >>> s.filter(years=[2020, 2021]).year_span
        (2020, 2021)
        >>> s.filter(years=[2017, 2021])
        Traceback (most recent call last):
        ...
        ValueError: years=[2017, 2021]: a list must hold consecutive years; give ... span.
        >>> s.filter(individuals=["Leo 999X"])
        Traceback (most recent call last):
        ...
        ValueError: individuals: unknown ID(s) 'Leo 999X'; the survey has Leo 1M, Leo 2F, ...
        """
        deployments = self.deployments
        # the rows of the deployments kept, to carry each observation's deployment row
        taken = np.arange(len(deployments))
        if years is not None:
            first, last = _span(years)
            if first > last:
                raise ValueError(f"years={years!r}: the first year must not come after the last.")
            start_year, end_year = _active_years(deployments)
            overlap = (start_year <= last).to_numpy() & (end_year >= first).to_numpy()
            deployments, taken = deployments[overlap], taken[overlap]
            span = (first, last)
        else:
            span = None
        wanted = sorted(set(individuals or []))
        if wanted:
            known = set(self.observations["individualID"])
            unknown = [w for w in wanted if w not in known]
            if unknown:
                sample = ", ".join(self.leopard_ids()[:2])
                raise ValueError(
                    "individuals: unknown ID(s) " + ", ".join(repr(u) for u in unknown)
                    + f"; the survey has {sample}, ..."
                )
        if country:
            countries = set(country)
            unknown = countries - {"RUS", "CHN", "PRK", ""}
            if unknown:
                raise ValueError(f"country: unknown code(s) {sorted(unknown)}; use RUS, CHN "
                                 "or PRK.")
            inside = deployments["country"].isin(countries).to_numpy()
            deployments, taken = deployments[inside], taken[inside]
        places = deployments["deploymentID"] if country else None
        obs = _select(self.observations, span, wanted, sex, life_stage, places)
        labels, obs = obs.index, obs.reset_index(drop=True)
        kept = self.kept
        if not kept.empty:
            other = (_select(kept.observations, span, wanted, sex, life_stage, places)
                     .reset_index(drop=True)
                     if not kept.observations.empty else kept.observations)
            kept = kept.select(deployments, span, obs, other,
                               by_animal=bool(wanted or sex or life_stage))
        chosen = dataclasses.replace(self, observations=obs, deployments=deployments, kept=kept,
                                     years=span if span is not None else self.years)
        if self._deployment_rows is not None and _positional(self.observations.index):
            # each kept observation's deployment row, renumbered among the kept deployments
            _know_deployment_rows(chosen, _renumbered(
                self.deployment_rows()[labels.to_numpy()], taken, len(self.deployments)))
        return chosen


def _select(obs: pd.DataFrame, span, wanted, sex, life_stage, places) -> pd.DataFrame:
    """The observations of a selection (one level; see :meth:`Survey.filter`)."""
    if span is not None:
        year = local_year(obs["eventStart"], camera_offset(obs))
        obs = _rows(obs, ((year >= span[0]) & (year <= span[1])).to_numpy())
    if wanted:
        chosen = is_in(obs["individualID"], wanted)
        # cubs without an ID ride in their mother's event: they stay with her
        events = obs.loc[chosen & (obs["eventID"] != "").to_numpy(), "eventID"]
        riders = (((obs["individualID"] == "") & (obs["lifeStage"] == "juvenile")).to_numpy()
                  & is_in(obs["eventID"], events))
        obs = _rows(obs, chosen | riders)
    obs = _keep(obs, "sex", sex, {"female", "male", ""})
    obs = _keep(obs, "lifeStage", life_stage, {"adult", "subadult", "juvenile", ""})
    if places is not None:
        obs = _rows(obs, is_in(obs["deploymentID"], places))
    return obs  # with the rows' labels in the table given (a survey's: their positions)


def _positional(index: pd.Index) -> bool:
    """Whether a table's row labels are its row positions (0, 1, 2, ...)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _renumbered(rows: np.ndarray, taken: np.ndarray, total: int) -> np.ndarray:
    """Deployment rows among ``total`` deployments renumbered among the rows ``taken`` of
    them, in their order: a deployment not taken (and -1, none) becomes -1."""
    place = np.full(total + 1, -1, dtype=rows.dtype)  # the last stands for -1
    place[taken] = np.arange(len(taken))
    return place[rows]


def _know_deployment_rows(survey: Survey, rows: np.ndarray) -> Survey:
    """The survey, told each observation's deployment row (see Survey.deployment_rows):
    the caller knows them to be those of its own tables."""
    object.__setattr__(survey, "_deployment_rows", rows)
    return survey


def _rows(obs: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """The rows ``mask`` keeps; the table itself when it keeps every row. A selection of
    the whole span (the dashboard's first view) then shares the survey's columns instead
    of holding a second copy of millions of rows (pandas copies on a boolean index)."""
    return obs if mask.all() else obs[mask]


def _span(years) -> tuple[int, int]:
    if isinstance(years, int | np.integer):
        return int(years), int(years)
    if isinstance(years, tuple):
        if len(years) != 2:
            raise ValueError(f"years={years!r}: give (first, last), one year or a list of "
                             "consecutive years.")
        return int(years[0]), int(years[1])
    listed = sorted(int(y) for y in years)
    if not listed or listed != list(range(listed[0], listed[-1] + 1)):
        raise ValueError(f"years={list(years)!r}: a list must hold consecutive years; give "
                         f"({listed[0] if listed else 'first'}, "
                         f"{listed[-1] if listed else 'last'}) for the span.")
    return listed[0], listed[-1]


def _keep(obs: pd.DataFrame, field: str, wanted, allowed: set[str]) -> pd.DataFrame:
    if not wanted:
        return obs
    wanted = set(wanted)
    unknown = wanted - allowed
    if unknown:
        raise ValueError(f"{field}: unknown value(s) {sorted(unknown)}; allowed are "
                         f"{sorted(allowed)}.")
    return _rows(obs, is_in(obs[field], wanted))


def catalogue_order(individual_id: str) -> tuple[int, str]:
    """Sort key putting catalogue IDs in number order ("Leo 9M" before "Leo 10F").

    Examples
    --------
    >>> sorted(["Leo 10F", "Leo 9M", "Leo 117F"], key=catalogue_order)
    ['Leo 9M', 'Leo 10F', 'Leo 117F']
    """
    digits = "".join(ch for ch in individual_id if ch.isdigit())
    return (int(digits) if digits else 10**9, individual_id)


@dataclass(frozen=True)
class Headline:
    """The numbers shown above every map for the current selection."""

    stations: int
    trap_nights: float
    flagged_trap_nights: float
    detections: int
    individuals: int
    #: What ``trap_nights`` counts: "camera-days" or "station-days".
    effort_unit: str = "camera-days"


def headline(survey: Survey, species: str = LEOPARD, effort: str = "camera") -> Headline:
    """Headline numbers of a selection: stations, trap-nights, detections, individuals.

    Parameters
    ----------
    survey : Survey
        Usually a :meth:`Survey.filter` selection.
    species : str, default the Amur leopard
        Scientific name whose detections and individuals are counted.
    effort : {"camera", "station"}, default "camera"
        Trap-nights as camera-days or station-days (see :mod:`landmap.effort`).

    Returns
    -------
    Headline
        ``stations`` with a deployment in the span; ``trap_nights`` in the span
        (including ``flagged_trap_nights`` from deployments with timestamp issues);
        ``detections``, the records of the species (see :func:`detections`: cubs with
        their mother are part of her record); ``individuals``, distinct identified animals.

    Examples
    --------
    >>> from landmap.demo import load_demo
    >>> h = headline(load_demo().filter(years=(2013, 2013)))
    >>> h.stations, h.effort_unit
    (200, 'camera-days')
    """
    d = survey.deployments
    per_station = station_effort(d, survey.years, effort)
    flagged = station_effort(d[d["timestampIssues"].to_numpy(dtype=bool)], survey.years,
                             effort)
    obs = survey.observations
    mask = detection_mask(obs, species)
    named = obs["individualID"][mask]
    ids = named[named != ""]
    return Headline(
        stations=int((per_station > 0).sum()),
        trap_nights=float(np.round(per_station.sum(), 2)),
        flagged_trap_nights=float(np.round(flagged.sum(), 2)),
        detections=int(mask.sum()),
        individuals=int(ids.nunique()),
        effort_unit=EFFORT_UNITS[effort],
    )
