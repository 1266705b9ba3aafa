"""The SECR density surface: where the leopards' activity centres are expected to be."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from landmap.i18n import Language
from landmap.maps.base import base_map, features, finish_map, map_language, tooltip
from landmap.maps.legend import NOTE, swatch_dot, swatch_fill
from landmap.maps.stations import add_stations
from landmap.maps.style import COLOURS, RAMP
from landmap.survey import Survey

__all__ = ["density_surface_map"]

#: Class edges of leopards per 100 km²: fixed, so that years and areas compare at a glance
#: (the published estimates lie between about 0.6 and 2).
EDGES = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)


def density_surface_map(survey: Survey, cells: gpd.GeoDataFrame, title: str | None = None,
                        lang: Language | None = None) -> folium.Map:
    """Cells shaded by the expected leopards per 100 km², the stations on top.

    Parameters
    ----------
    survey : Survey
        The selection (at the viewer's location precision).
    cells : GeoDataFrame
        From :func:`landmap.density.density_surface`.

    Examples
    --------
    >>> import shapely
    >>> from landmap.demo import load_demo
    >>> s = load_demo().filter(years=2021)
    >>> cells = gpd.GeoDataFrame({"cell_id": ["5km-1"], "leopards": [0.4], "detected": [0.3],
    ...                           "area_km2": [25.0], "density_100km2": [1.6]},
    ...                          geometry=[shapely.box(700000, 4750000, 705000, 4755000)],
    ...                          crs="EPSG:32652")
    >>> "(1 cells)" in density_surface_map(s, cells).get_root().render()
    True
    """
    m = base_map(survey, lang=lang)
    t, n = map_language(m).gettext, map_language(m).number
    shown = cells.copy()
    index = np.clip(np.searchsorted(EDGES, shown["density_100km2"].to_numpy(), side="right")
                    - 1, 0, len(EDGES) - 1)
    colours = ["#f7f7f7", *RAMP]
    shown["colour"] = [colours[i] for i in index]
    shown["value"] = shown["density_100km2"].round(2)
    shown["expected"] = shown["leopards"].round(2)
    shown["land"] = shown["area_km2"].round(1)
    folium.GeoJson(
        features(shown, ["cell_id", "value", "expected", "land", "colour"]),
        name=t("Leopards per 100 km² ({n} cells)").format(n=n(len(shown))),
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "fillOpacity": 0.75,
                                  "color": "#777", "weight": 0.2, "className": "lm-surface"},
        tooltip=tooltip(["cell_id", "value", "expected", "land"],
                        aliases=[t("Cell"), t("Leopards per 100 km²"),
                                 t("Expected activity centres"), t("Land in the mask (km²)")]),
    ).add_to(m)
    add_stations(m, survey)
    rows = [(swatch_fill(colours[i]),
             f"{n(EDGES[i], 2)} – {n(EDGES[i + 1], 2)}" if i + 1 < len(EDGES)
             else f"≥ {n(EDGES[i], 2)}") for i in range(len(EDGES))]
    rows.append((swatch_dot(COLOURS["station"]), t("Camera station")))
    note = t("Expected activity centres of adult leopards (photographed and not) per "
             "100 km² of land, from the SECR fit; cells of the location policy's grid.")
    note = f"{note} {t(NOTE)}"
    return finish_map(m, survey, title or t("Leopards per 100 km²"), rows, note=note)
