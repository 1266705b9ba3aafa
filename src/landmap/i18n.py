"""Languages of the interface: gettext catalogues and locale-aware numbers and dates.

English is the source language; Russian and Chinese (Simplified) catalogues live in
``src/landmap/locales/<lang>/LC_MESSAGES/landmap.po``. They are read with Babel and
compiled in memory on first use, so there is no build step and no binary file in the
repository. Each session asks for its own :class:`Language`; nothing process-wide
(no global ``_``) is installed, so one user's choice never changes another's page.

To add a language: copy ``locales/landmap.pot`` to ``locales/<code>/LC_MESSAGES/landmap.po``
(``pybabel init -i src/landmap/locales/landmap.pot -d src/landmap/locales -l <code> -D
landmap``), translate it, add the code to :data:`LANGUAGES` and its Babel locale to
``_LOCALES``, and give the boundary layers a ``name_<code>`` column (maps fall back to the
English name without one).

Readers cannot know who will read their findings, so they write them as :class:`Text`:
English that keeps its template and values, translated where a report is shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

__all__ = ["LANGUAGES", "LOCALES_DIR", "Language", "Text", "from_browser", "language",
           "text_from_data", "text_to_data"]

#: Languages offered, by code, with their own names.
LANGUAGES = {"en": "English", "ru": "Русский", "zh": "中文（简体）"}
#: Babel locale of each language (Chinese: Simplified script).
_LOCALES = {"en": "en", "ru": "ru", "zh": "zh_Hans_CN"}
#: Folder of the catalogues.
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "landmap"


def N_(message: str) -> str:
    """Mark a text for translation where it is defined; translate it where it is shown."""
    return message


class Text(str):
    """An English text that keeps its catalogue message and values, to be shown translated.

    Readers cannot know the reader's language, so they write their findings as ``Text``:
    it *is* the English sentence (tests, logs and ``str()`` see plain English) and
    :meth:`Language.text` rebuilds it in another language from the template. Values that are
    themselves ``Text`` are translated too; other values are inserted as they are.

    Examples
    --------
    >>> found = Text("the {kind} table is missing from the package", kind="deployments")
    >>> found
    'the deployments table is missing from the package'
    >>> found.template
    'the {kind} table is missing from the package'
    """

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> Text:
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template = template
        text.values = values
        return text

    def __reduce__(self):  # survives st.cache_data and multiprocessing
        return (_rebuild_text, (self.template, self.values))


def _rebuild_text(template: str, values: dict) -> Text:
    return Text(template, **values)


def text_to_data(value):
    """A :class:`Text` (or any other value) as JSON-able data that keeps its template.

    Examples
    --------
    >>> text_to_data(Text("problem period {number} has only one end", number=2))
    {'template': 'problem period {number} has only one end', 'values': {'number': 2}}
    >>> text_from_data(text_to_data(Text("the file is empty"))).template
    'the file is empty'
    """
    if not isinstance(value, Text):
        return value
    return {"template": value.template,
            "values": {k: text_to_data(v) if isinstance(v, Text) else
                       (v if isinstance(v, int | float | str) else str(v))
                       for k, v in value.values.items()}}


def text_from_data(data):
    """The inverse of :func:`text_to_data`."""
    if not (isinstance(data, dict) and "template" in data):
        return data
    values = {k: text_from_data(v) for k, v in data.get("values", {}).items()}
    return _rebuild_text(data["template"], values)


@functools.cache
def _translations(code: str) -> NullTranslations:
    path = LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=_LOCALES[code])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Language:
    """One language: its translations and how it writes numbers and dates.

    Examples
    --------
    >>> ru = language("ru")
    >>> ru.number(1234.5, 1), ru.date(dt.date(2026, 11, 23))
    ('1\\xa0234,5', '23 ноября 2026\\xa0г.')
    >>> language("zh").date(dt.date(2026, 11, 23))
    '2026年11月23日'
    >>> language("en").area(1234.5)
    '1,234.5\\xa0km²'
    """

    code: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(_LOCALES[self.code])

    def gettext(self, message: str) -> str:
        return _translations(self.code).gettext(message)

    def text(self, message: str) -> str:
        """A reader's finding (:class:`Text`) or a marked text in this language.

        Examples
        --------
        >>> language("ru").text(Text("the file is empty"))
        'файл пуст'
        """
        if not isinstance(message, Text):
            return self.gettext(message) if message else message
        values = {k: self.text(v) if isinstance(v, Text) else v
                  for k, v in message.values.items()}
        return self.gettext(message.template).format(**values)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` (Russian has three: 1 особь, 2 особи, 5 особей)."""
        return _translations(self.code).ngettext(singular, plural, n)

    def number(self, value: float, digits: int = 0) -> str:
        """A number with the language's separators (Russian: ``1 234,5``)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        text = format_decimal(value, format=pattern, locale=self.locale)
        # Babel's Russian group separator is a no-break space: keep lines from breaking.
        return text.replace("\u202f", "\xa0")

    def percent(self, share: float, digits: int = 1) -> str:
        """A share as a percentage (``98.7%``, ``98,7 %``)."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return format_percent(share, format=pattern, locale=self.locale).replace(
            "\u202f", "\xa0")

    def area(self, km2: float, digits: int = 1) -> str:
        unit = self.gettext(N_("km²"))
        return f"{self.number(km2, digits)}\xa0{unit}"

    def month(self, month: int) -> str:
        """A month's name standing alone (``November``, ``ноябрь``, ``十一月``)."""
        return self.locale.months["stand-alone"]["wide"][month]

    def date(self, value: dt.date) -> str:
        """A date written out (``23 ноября 2026 г.``, ``2026年11月23日``)."""
        return format_date(value, format="long", locale=self.locale).replace("\u202f", "\xa0")


@functools.cache
def language(code: str) -> Language:
    """The :class:`Language` for a code of :data:`LANGUAGES` (English for any other)."""
    return Language(code if code in LANGUAGES else "en")


def from_browser(locale: str | None) -> str:
    """The language code for a browser locale such as ``ru-RU`` or ``zh-CN``.

    Examples
    --------
    >>> from_browser("ru-RU"), from_browser("zh-TW"), from_browser("de-DE"), from_browser(None)
    ('ru', 'zh', 'en', 'en')
    """
    code = (locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else "en"
