"""Species names as users say them."""

from __future__ import annotations

from collections.abc import Callable

from landmap.i18n import N_

__all__ = ["COMMON_NAMES", "OBSERVATION_TYPES", "species_label"]

#: English common names of the species camera traps record here (translated in the
#: catalogues like every other text).
COMMON_NAMES = {
    "Panthera pardus orientalis": N_("Amur leopard"),
    "Panthera tigris altaica": N_("Amur tiger"),
    "Cervus nippon": N_("Sika deer"),
    "Capreolus pygargus": N_("Siberian roe deer"),
    "Sus scrofa": N_("Wild boar"),
    "Meles leucurus": N_("Asian badger"),
    "Nyctereutes procyonoides": N_("Raccoon dog"),
}
#: Camtrap DP observation types, shown where a record has no species.
OBSERVATION_TYPES = {"animal": N_("animal"), "human": N_("human"), "vehicle": N_("vehicle"),
                     "blank": N_("blank"), "unknown": N_("unknown"),
                     "unclassified": N_("unclassified")}


def species_label(scientific_name: str, gettext: Callable[[str], str] | None = None) -> str:
    """Common name with the scientific name, for menus and legends.

    ``gettext`` translates the common name (a session's ``Language.gettext``).

    Examples
    --------
    >>> species_label("Sus scrofa")
    'Wild boar (Sus scrofa)'
    >>> from landmap.i18n import language
    >>> species_label("Sus scrofa", language("ru").gettext)
    'Кабан (Sus scrofa)'
    >>> species_label("Lynx lynx")
    'Lynx lynx'
    >>> species_label("blank", language("zh").gettext)
    '空拍'
    """
    if scientific_name in OBSERVATION_TYPES:
        return (gettext or str)(OBSERVATION_TYPES[scientific_name])
    common = COMMON_NAMES.get(scientific_name)
    if common and gettext is not None:
        common = gettext(common)
    return f"{common} ({scientific_name})" if common else scientific_name
