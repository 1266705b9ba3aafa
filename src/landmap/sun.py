"""Sunrise, sunset and twilight at a camera, and the "sun time" of a photograph.

The solar position follows NOAA's solar calculator (the equations of its spreadsheet,
after Meeus, *Astronomical Algorithms*): declination and the equation of time from the
Julian century, then the hour angle at which the sun's centre stands at a given zenith
angle (90.833° for sunrise and sunset: refraction and the sun's radius; 96° for civil
twilight). Everything is vectorised over stations and dates and needs no internet.

Sun time (Vazquez et al. 2019, *Methods Ecol Evol* 10:1203; as ``overlap::sunTime``)
maps each clock time so that sunrise falls at 06:00 and sunset at 18:00 on every date:
day and night are each stretched linearly to 12 hours. At 43° N the day lasts about 9 h
in December and 15 h in June, so clock times pooled over a year blur an activity peak
that follows the sun; sun times do not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SUNRISE_ZENITH", "TWILIGHT_ZENITH", "clock_from_sun_time", "sun_events",
           "sun_time"]

#: Zenith angle of the sun's centre at sunrise and sunset (degrees): 90° plus 34′ of
#: refraction and 16′ of the sun's radius, as NOAA's calculator uses.
SUNRISE_ZENITH = 90.833
#: Zenith angle at the start of morning / end of evening civil twilight (degrees).
TWILIGHT_ZENITH = 96.0

_TAU = 2 * np.pi


def _solar(julian_day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Declination (radians) and equation of time (minutes) at a Julian day (UT)."""
    t = (julian_day - 2451545.0) / 36525.0  # Julian centuries since J2000.0
    mean_long = np.radians((280.46646 + t * (36000.76983 + t * 0.0003032)) % 360)
    anomaly = np.radians(357.52911 + t * (35999.05029 - 0.0001537 * t))
    ecc = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
    centre = np.radians(np.sin(anomaly) * (1.914602 - t * (0.004817 + 0.000014 * t))
                        + np.sin(2 * anomaly) * (0.019993 - 0.000101 * t)
                        + np.sin(3 * anomaly) * 0.000289)
    true_long = mean_long + centre
    omega = np.radians(125.04 - 1934.136 * t)
    apparent = true_long - np.radians(0.00569 + 0.00478 * np.sin(omega))
    seconds = 21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))
    mean_obliquity = np.radians(23 + (26 + seconds / 60) / 60)
    obliquity = mean_obliquity + np.radians(0.00256 * np.cos(omega))
    declination = np.arcsin(np.sin(obliquity) * np.sin(apparent))
    y = np.tan(obliquity / 2) ** 2
    eq_time = 4 * np.degrees(
        y * np.sin(2 * mean_long) - 2 * ecc * np.sin(anomaly)
        + 4 * ecc * y * np.sin(anomaly) * np.cos(2 * mean_long)
        - 0.5 * y * y * np.sin(4 * mean_long) - 1.25 * ecc * ecc * np.sin(2 * anomaly))
    return declination, eq_time


def sun_events(dates, latitude, longitude, offset_minutes,
               zenith: float = SUNRISE_ZENITH) -> tuple[np.ndarray, np.ndarray]:
    """Local clock times of sunrise and sunset (or of dawn and dusk at another zenith).

    Parameters
    ----------
    dates : array-like of dates
        Local calendar dates (anything :func:`pandas.to_datetime` reads; a time of day
        is ignored).
    latitude, longitude : float or array-like
        Degrees, north and east positive.
    offset_minutes : int or array-like
        The clock's offset from UTC in minutes (+600 for UTC+10).
    zenith : float, default :data:`SUNRISE_ZENITH`
        :data:`TWILIGHT_ZENITH` gives civil dawn and dusk.

    Returns
    -------
    rise, set : numpy.ndarray of float
        Hours after local midnight; NaN where the sun does not cross that zenith on that
        date (polar day or night).

    Examples
    --------
    Vladivostok (43.12° N, 131.9° E, UTC+10) at the June solstice of 2021:

    >>> rise, set_ = sun_events(["2021-06-21"], 43.12, 131.9, 600)
    >>> f"{rise[0]:.2f} {set_[0]:.2f}"
    '5.55 20.92'
    """
    days = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(dates, dtype=object))))
    days = days.dt.tz_localize(None) if days.dt.tz is not None else days
    midnight_jd = (days.dt.normalize().to_numpy(dtype="datetime64[s]").astype(np.int64)
                   / 86400.0 + 2440587.5)
    lat = np.radians(np.broadcast_to(np.asarray(latitude, dtype=float), midnight_jd.shape))
    lon = np.broadcast_to(np.asarray(longitude, dtype=float), midnight_jd.shape)
    offset = np.broadcast_to(np.asarray(offset_minutes, dtype=float), midnight_jd.shape)
    # evaluated at local noon: the declination and equation of time change by under a
    # minute's worth within the day
    declination, eq_time = _solar(midnight_jd + (720 - offset) / 1440)
    cos_ha = ((np.cos(np.radians(zenith)) - np.sin(lat) * np.sin(declination))
              / (np.cos(lat) * np.cos(declination)))
    hour_angle = np.degrees(np.arccos(np.where(np.abs(cos_ha) <= 1, cos_ha, np.nan)))
    noon = 720 - 4 * lon - eq_time + offset  # minutes after local midnight
    return (noon - 4 * hour_angle) / 60, (noon + 4 * hour_angle) / 60


def _hours(hours, sunrise_hours, sunset_hours):
    """The times of day (modulo 24 h), sunrise, sunset and day length as float arrays."""
    rise, set_ = np.asarray(sunrise_hours, dtype=float), np.asarray(sunset_hours, dtype=float)
    return np.asarray(hours, dtype=float) % 24, rise, set_, set_ - rise


def sun_time(clock_hours, sunrise_hours, sunset_hours) -> np.ndarray:
    """Double-anchored sun time: sunrise at 6 h, sunset at 18 h (Vazquez et al. 2019).

    Parameters
    ----------
    clock_hours, sunrise_hours, sunset_hours : array-like
        Local clock time of each photograph and of that day's sunrise and sunset, in
        hours after midnight.

    Returns
    -------
    numpy.ndarray
        Hours in [0, 24): the day (sunrise to sunset) spread over 6–18 h, the night over
        18–6 h.

    Examples
    --------
    >>> sun_time([4.5, 12.25, 20.0, 22.125, 0.25], 4.5, 20.0).tolist()
    [6.0, 12.0, 18.0, 21.0, 0.0]
    """
    clock, rise, set_, day_length = _hours(clock_hours, sunrise_hours, sunset_hours)
    in_day = (clock >= rise) & (clock < set_)
    since = np.where(in_day, clock - rise, (clock - set_) % 24)
    span = np.where(in_day, day_length, 24 - day_length)
    return (np.where(in_day, 6.0, 18.0) + since / span * 12) % 24


def clock_from_sun_time(sun_hours, sunrise_hours, sunset_hours) -> np.ndarray:
    """The inverse of :func:`sun_time`: the clock time at a sun time on a given day.

    Examples
    --------
    >>> clock_from_sun_time([6.0, 12.0, 18.0, 21.0, 0.0], 4.5, 20.0).tolist()
    [4.5, 12.25, 20.0, 22.125, 0.25]
    """
    sun, rise, set_, day_length = _hours(sun_hours, sunrise_hours, sunset_hours)
    in_day = (sun >= 6) & (sun < 18)
    since = np.where(in_day, sun - 6, (sun - 18) % 24) / 12
    return np.where(in_day, rise + since * day_length,
                    set_ + since * (24 - day_length)) % 24
