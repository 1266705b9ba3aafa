"""Colours shared by every map: Okabe–Ito where a hue carries meaning, viridis for
quantities, both safe for colour-blind viewers."""

from __future__ import annotations

__all__ = ["COLOURS", "PALETTE", "RAMP", "STATUS_COLOURS"]


#: Colours (Okabe-Ito palette where a hue carries meaning, safe for colour-blind viewers).
COLOURS = {
    "sea": "#cfe3ef",
    # the background where no bundled outline reaches: neither sea nor a country
    "unmapped": "#ecebe7",
    "RUS": "#f4efe1",
    "CHN": "#e2d8c3",
    "PRK": "#e3e3e3",
    "border": "#b2182b",
    "park": "#009E73",
    "reserve": "#006d4f",
    "station": "#0072B2",
    "sighting": "#E69F00",
    "user": "#5e3c99",
}


#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442",
           "#000000"]


#: Five-step viridis ramp (light to dark) for quantities.
RAMP = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]


STATUS_COLOURS = {"Russia only": "#0072B2", "China only": "#D55E00", "both": "#CC79A7"}


def colour_cycle(keys) -> dict[str, str]:
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}
