"""Text columns as categories, and counting their values, as pandas does for text."""

import numpy as np
import pandas as pd

from landmap._arrow import categories, distinct_count, value_counts


def test_categories_keep_every_value_missing_ones_and_the_order():
    values = pd.Series(["Leo 2M", "", "Leo 10F", None, "Leo 2M", "Сус", "豹"], dtype="str",
                       index=[10, 11, 12, 13, 14, 15, 16], name="individualID")
    held = categories(values)
    assert held.isna().tolist() == values.isna().tolist() == [False] * 3 + [True] + [False] * 3
    assert held.dropna().astype("str").tolist() == values.dropna().tolist()
    # sorted as Python sorts text, so a table sorted by the column keeps its order
    assert list(held.cat.categories) == ["", "Leo 10F", "Leo 2M", "Сус", "豹"]
    assert held.index.tolist() == values.index.tolist() and held.name == "individualID"
    assert held.cat.codes.dtype == np.int8


def test_categories_of_many_values_take_two_bytes_a_row():
    values = pd.Series([f"Leo {i}F" for i in range(300)] * 2, dtype="str")
    held = categories(values)
    assert held.cat.codes.dtype == np.int16
    assert len(held.cat.categories) == 300
    assert (held.astype("str") == values).all()


def test_counts_list_only_the_values_present_ties_in_order_first_seen():
    values = pd.Series(["b", "a", "c", "a", "b", None, "d"], dtype="str")
    held = categories(values)
    selection = held[held != "d"]
    counted = value_counts(selection)
    assert counted.to_dict() == {"b": 2, "a": 2, "c": 1}
    assert counted.equals(values[values != "d"].value_counts())


def test_a_load_allocates_from_a_pool_that_gives_memory_back_and_restores_the_default(
        monkeypatch):
    """Within a validating load Arrow allocates from jemalloc (or the C library's
    allocator); after it, and after loads that overlap, the pool before is back."""
    import pyarrow as pa

    from landmap._arrow import memory_given_back

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    with memory_given_back():
        inside = pa.default_memory_pool().backend_name
        with memory_given_back():  # a second load while the first runs
            assert pa.default_memory_pool().backend_name == inside
        assert pa.default_memory_pool().backend_name == inside
    assert inside in ("jemalloc", "system")
    assert pa.default_memory_pool().backend_name == before
    # the user's own choice stands
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    with memory_given_back():
        assert pa.default_memory_pool().backend_name == before


def test_distinct_values_counted_in_groups_are_those_counted_at_once(monkeypatch):
    """The grouped count of a long column (forced here on short ones) is Arrow's count of
    the whole column: repeats in one chunk or across chunks, a slice, missing values
    (whatever bytes they span), empty text, values of one byte, other scripts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    import landmap._arrow

    rng = np.random.default_rng(7)
    words = ["", "a", "b", "ab", "ba", "Leo 117F", "Leo 117M", "Сус", "豹", "obs-00012",
             "obs-00021", "obs-00112"] + [f"obs-{i:05d}" for i in range(300)]
    columns = {
        "unique": pa.array(words, pa.large_string()),
        "repeats": pa.array(list(rng.choice(words, 2000)), pa.large_string()),
        "missing": pa.array([None, "a", None, "", "a", None], pa.large_string()),
        "chunks": pa.chunked_array([pa.array(words[:100], pa.large_string()),
                                    pa.array(words[50:], pa.large_string())]),
        "slice": pa.array(list(rng.choice(words, 500)), pa.large_string()).slice(37, 300),
        "empty": pa.array([], pa.large_string()),
    }
    # missing values whose offsets span bytes (as Arrow allows), one of them those of a
    # value: still one missing value
    data = pa.py_buffer(b"xyzxyzab")
    offsets = pa.py_buffer(np.array([0, 3, 6, 6, 8], dtype=np.int64).tobytes())
    validity = pa.py_buffer(np.packbits([1, 0, 0, 1], bitorder="little").tobytes())
    columns["spanning null"] = pa.LargeStringArray.from_buffers(4, offsets, data, validity)
    at_once = {name: len(pc.unique(values)) for name, values in columns.items()}
    assert at_once["missing"] == 3 and at_once["spanning null"] == 3
    monkeypatch.setattr(landmap._arrow, "_GROUPED_FROM", 0)
    assert {name: distinct_count(values) for name, values in columns.items()} == at_once
