"""Translations: every text the code marks is in each catalogue, translated, and no
catalogue keeps texts the code no longer has; numbers and dates follow the language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from landmap.app import signin
from landmap.app.serve import legacy_pages_off
from landmap.i18n import LANGUAGES, LOCALES_DIR, from_browser, language
from tests.conftest import ROOT

_METHODS = [("**.py", "python")]
_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None, "t": None,
             "Text": None}


def _code_messages() -> set[str]:
    found = set()
    for folder in ("pages", "src/landmap"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, _METHODS,
                                                    keywords=_KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    for _, _, message, _, _ in extract_from_dir(ROOT, [("app.py", "python")],
                                                keywords=_KEYWORDS):
        found.add(message)
    return found


def _app(monkeypatch, **params) -> AppTest:
    """The dashboard run once in AppTest for the analyst at this computer, with a link's
    parameters (``lang="ru"``, ``years="2021-2021"`` …)."""
    legacy_pages_off()
    monkeypatch.setattr(signin, "_local_client", lambda: True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_catalogue_has_every_message_and_no_stale_one(code):
    with (LOCALES_DIR / code / "LC_MESSAGES" / "landmap.po").open("rb") as handle:
        catalog = read_po(handle)
    in_code = _code_messages()
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(in_code - in_catalog) == [], "missing: run scripts/update_catalogues.py"
    assert sorted(in_catalog - in_code) == [], "stale: run scripts/update_catalogues.py"
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []
    for m in catalog:  # the same {placeholders} on both sides
        if m.id:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            wanted = set(re.findall(r"\{\w+\}", ids[0]))
            for text in strings:
                assert set(re.findall(r"\{\w+\}", text)) == wanted, m.id


#: A Chinese character (or a Chinese punctuation mark) beside an ASCII comma, colon,
#: semicolon, question or exclamation mark, or an ASCII bracket opened right after one.
_HALF_WIDTH = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef][,:;?!(]"
                         r"|[,;?(][\u4e00-\u9fff]|[^\d]:[\u4e00-\u9fff]")


def test_chinese_texts_use_chinese_punctuation():
    """A Chinese sentence takes full-width marks (，：；？！（）): the half-width ones of the
    English original read as a machine's slip to a partner from China. Times (12:00),
    scales (1:10m) and formulas stay as they are."""
    with (LOCALES_DIR / "zh" / "LC_MESSAGES" / "landmap.po").open("rb") as handle:
        catalog = read_po(handle)
    texts = [text for m in catalog if m.id
             for text in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert [t for t in texts if _HALF_WIDTH.search(t)] == []
    assert any("（SECR）" in t for t in texts) and any("：{reason}" in t for t in texts)

def test_russian_plural_rule_has_three_forms():
    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "landmap.po").open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.num_plurals == 3


def test_numbers_and_dates_follow_the_language():
    assert language("ru").number(1816136) == "1\xa0816\xa0136"
    assert language("ru").area(2650.26) == "2\xa0650,3\xa0км²"
    assert language("zh").area(2650.26) == "2,650.3\xa0平方公里"
    assert language("ru").date(dt.date(2026, 11, 23)) == "23 ноября 2026\xa0г."
    assert language("zh").date(dt.date(2026, 11, 23)) == "2026年11月23日"
    assert language("xx").code == "en"
    assert [from_browser(x) for x in ("ru", "zh-Hans-CN", "en-GB", "")] == [
        "ru", "zh", "en", "en"]


@pytest.mark.parametrize(("code", "title", "stations"), [
    ("ru", "Фотоловушки: дальневосточный леопард, 2021", "Фотоловушки"),
    ("zh", "东北豹红外相机监测，2021", "相机位点"),
])
def test_overview_in_each_language(monkeypatch, demo, code, title, stations):
    from landmap.survey import headline

    at = _app(monkeypatch, years="2021-2021", lang=code)
    assert not at.exception
    assert at.title[0].value == title
    h = headline(demo.filter(years=(2021, 2021)))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[stations] == language(code).number(h.stations)
    assert at.query_params["lang"] == code


def test_one_sessions_language_does_not_change_anothers(monkeypatch):
    russian = _app(monkeypatch, lang="ru")
    english = _app(monkeypatch)
    assert english.title[0].value.startswith("Amur leopard camera traps")
    assert russian.title[0].value.startswith("Фотоловушки")


def test_russian_plurals_take_the_right_form():
    ru = language("ru")
    forms = [ru.ngettext("Areas ({n} individual)", "Areas ({n} individuals)", n).format(n=n)
             for n in (1, 2, 5, 11, 21, 22)]
    assert forms == ["Площади (1 особь)", "Площади (2 особи)", "Площади (5 особей)",
                     "Площади (11 особей)", "Площади (21 особь)", "Площади (22 особи)"]
    zh = language("zh").ngettext("Areas ({n} individual)", "Areas ({n} individuals)", 5)
    assert zh.format(n=5) == "面积（5 个个体）"


# ----------------------------------------------------------------------------- findings
def test_a_readers_findings_read_in_each_language():
    import pandas as pd

    from landmap.io.tables import guess_columns, survey_from_tables
    from landmap.io.validate import DataError, problems_frame

    stations = pd.DataFrame({"Station": ["A", "B"], "lat": ["43.1", "131.2"],
                             "lon": ["131.4", "43.2"], "Setup_date": ["2021-01-01", ""],
                             "Retrieval_date": ["2021-03-01", "2021-03-01"]})
    records = pd.DataFrame({"Station": ["A"], "DateTimeOriginal": ["2021-02-01 22:15:00"],
                            "Species": ["Panthera pardus orientalis"]})
    with pytest.raises(DataError) as info:
        survey_from_tables(stations, records,
                           station_columns=guess_columns(stations.columns, "stations"),
                           record_columns=guess_columns(records.columns, "records"))
    english = problems_frame(info.value.problems)
    assert english["message"].tolist() == [
        "out of range: must lie between -90 and 90 degrees; latitude and longitude look "
        "swapped", "the set-up date is empty", "the station is not in the stations table"]
    ru = problems_frame(info.value.problems, language("ru"))
    assert ru["message"].tolist() == [
        "вне диапазона: должно быть от -90 до 90 градусов; похоже, широта и долгота "
        "перепутаны", "дата установки не указана", "станции нет в таблице станций"]
    assert ru["action"].tolist() == ["отклонено"] * 3
    # where the finding is stays as it is in the file
    assert ru[["file", "row", "field", "value"]].equals(
        english[["file", "row", "field", "value"]])
    assert ru["row"].tolist() == [3, 3, 2]
    zh = problems_frame(info.value.problems, language("zh"))
    assert zh["message"].tolist() == ["超出范围：必须在 -90 到 90 度之间；纬度和经度似乎填反了",
                                      "布设日期为空", "位点表中没有该位点"]


def test_a_finding_inside_a_finding_is_translated_too():
    from landmap.i18n import Text

    hint = Text("the chosen format {format}", format="%d.%m.%Y")
    found = Text("not a date and time (expected {hint}; impossible dates are refused)",
                 hint=hint)
    assert found == ("not a date and time (expected the chosen format %d.%m.%Y; impossible "
                     "dates are refused)")
    assert language("ru").text(found) == ("это не дата и время (ожидается выбранный формат "
                                          "%d.%m.%Y; невозможные даты не принимаются)")


def test_findings_keep_their_language_through_the_cache(make_package, tmp_path,
                                                         monkeypatch):
    from landmap.io.sources import cache_dir, load_survey
    from landmap.io.validate import problems_frame
    from tests.conftest import obs

    monkeypatch.setenv("LANDMAP_CACHE", str(tmp_path / "cache"))
    rows = [obs(1), obs(2, observationLevel="media", eventID="e1"),
            obs(3, observationLevel="media", eventID="e1")]
    folder = make_package(observations=rows)
    first = load_survey(folder)  # reads the CSV files and writes the cache
    assert (cache_dir(folder) / "problems.parquet").exists()
    again = load_survey(folder)  # from the cache
    assert again.problems == first.problems
    ru = problems_frame(again.problems, language("ru"))
    assert ru["message"].tolist() == [
        "наблюдения уровня медиафайлов отложены: 2; животные считаются только по уровню "
        "событий"]
    assert ru["action"].tolist() == ["сохранено"]



def _charts(node, found):
    """The Vega-Lite charts of an AppTest tree (AppTest has no accessor for them)."""
    if "vega" in str(getattr(node, "type", "")).lower():
        found.append(node.proto.spec)
    for child in getattr(node, "children", {}).values():
        _charts(child, found)
    return found


@pytest.mark.parametrize(("code", "month"), [("en", "%b %Y"), ("ru", "%m.%Y"),
                                             ("zh", "%Y年%-m月")])
def test_month_axis_is_written_the_languages_way(monkeypatch, code, month):
    import json

    at = _app(monkeypatch, years="2021-2021", lang=code)
    specs = [json.loads(s) for s in _charts(at._tree, [])]
    axes = [s["encoding"]["x"].get("axis", {}) for s in specs
            if s.get("encoding", {}).get("x", {}).get("type") == "temporal"]
    # Vega writes English month names unless told a format: every month axis has one
    assert axes and all(a.get("format") == month for a in axes)


def test_an_unusable_data_folder_is_reported_in_russian(monkeypatch, make_package,
                                                         tmp_path):
    from tests.conftest import dep

    monkeypatch.setenv("LANDMAP_CACHE", str(tmp_path / "cache"))
    folder = make_package(deployments=[dep(1, latitude="131.45", longitude="43.1")])
    monkeypatch.setenv("LANDMAP_DATA", str(folder))
    at = _app(monkeypatch, lang="ru")
    assert not at.exception
    assert at.error[0].value == f"Данные фотоловушек ({folder}) нельзя использовать."
    found = at.dataframe[0].value
    assert list(found.columns) == ["Файл", "Строка", "Поле", "Значение", "Что сделано",
                                   "Проблема"]
    assert found.iloc[0].tolist()[:5] == ["deployments.csv", 2, "latitude", "131.45",
                                          "отклонено"]
    assert found.iloc[0, 5] == ("вне диапазона: должно быть от -90 до 90 градусов; похоже, "
                                "широта и долгота перепутаны")
