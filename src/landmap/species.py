"""Species names as users say them."""

from __future__ import annotations

__all__ = ["COMMON_NAMES", "species_label"]

#: English common names of the species camera traps record here.
COMMON_NAMES = {
    "Panthera pardus orientalis": "Amur leopard",
    "Panthera tigris altaica": "Amur tiger",
    "Cervus nippon": "Sika deer",
    "Capreolus pygargus": "Siberian roe deer",
    "Sus scrofa": "Wild boar",
    "Meles leucurus": "Asian badger",
    "Nyctereutes procyonoides": "Raccoon dog",
}


def species_label(scientific_name: str) -> str:
    """Common name with the scientific name, for menus and legends.

    Examples
    --------
    >>> species_label("Sus scrofa")
    'Wild boar (Sus scrofa)'
    >>> species_label("Lynx lynx")
    'Lynx lynx'
    """
    common = COMMON_NAMES.get(scientific_name)
    return f"{common} ({scientific_name})" if common else scientific_name
