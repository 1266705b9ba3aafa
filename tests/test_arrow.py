"""Text columns as categories, and counting their values, as pandas does for text."""

import numpy as np
import pandas as pd

from landmap._arrow import categories, value_counts


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
