"""Text columns as Arrow arrays, for Arrow's compute kernels.

pandas 3 keeps text in Arrow already, but some of its methods on that text (``isin``,
``map`` by a text key) go value by value through Python. Arrow's kernels (hashed
look-ups, regular expressions, casts) run over the whole column in C.
"""

from __future__ import annotations

import itertools
import os
import threading
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_LOCK = threading.Lock()
_LOADS = 0
_BEFORE: list[pa.MemoryPool] = []


@contextmanager
def memory_given_back():
    """Within, Arrow allocates from a pool that gives freed memory back to the system.

    Arrow's default (mimalloc) keeps what a thread frees for that thread's next use. A
    large validating load allocates and frees on several threads (the CSV reader's,
    the checks' second core), so at 100x the demo the loader peaked at 1.3 GB where
    jemalloc, which gives back every arena's pages when asked (see
    ``landmap.io.camtrapdp._give_back``), peaks at 1.0-1.1 GB. Elsewhere mimalloc stays:
    the first map from the cache took a second longer with jemalloc. Where pyarrow was
    built without jemalloc the C library's allocator is used. Loads at the same time
    share the setting (the first one in sets it, the last one out restores the pool);
    ``ARROW_DEFAULT_MEMORY_POOL``, when set, is the user's choice and stands.
    """
    global _LOADS
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield
        return
    with _LOCK:
        if _LOADS == 0:
            _BEFORE[:] = [pa.default_memory_pool()]
            try:
                pa.set_memory_pool(pa.jemalloc_memory_pool())
            except NotImplementedError:
                pa.set_memory_pool(pa.system_memory_pool())
        _LOADS += 1
    try:
        yield
    finally:
        with _LOCK:
            _LOADS -= 1
            if _LOADS == 0:
                pa.set_memory_pool(_BEFORE.pop())


def text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow (large) strings, without a copy when pandas keeps it in
    Arrow, as pandas 3 does.

    A column read from a CSV file comes in many chunks (one per block read); they are
    left as they are, since Arrow's kernels take chunked input and joining the chunks
    copies the whole column. Arrow arrays are returned as they are.

    Examples
    --------
    >>> text(pd.Series(["a", "b"])).to_pylist()
    ['a', 'b']
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        # pandas' own Arrow strings, taken as they are (a cast to "str" costs a tenth of
        # a millisecond a column even when nothing changes: thousands of times a load)
        arr = values.array.__arrow_array__()
        if arr.type != pa.large_string():
            arr = arr.cast(pa.large_string())
    else:
        arr = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    return whole(arr) if isinstance(arr, pa.ChunkedArray) and arr.num_chunks == 1 else arr


def whole(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (a copy only when there are several chunks)."""
    if isinstance(arr, pa.Array):
        return arr
    return arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()


def value_bounds(chunk: pa.Array) -> np.ndarray:
    """Where each value of a large-string array starts and ends in its data buffer: one
    more offset than values, read in place (no copy)."""
    return np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
        chunk.offset:chunk.offset + len(chunk) + 1]


#: From this many values on, :func:`distinct_count` counts group by group.
_GROUPED_FROM = 1_000_000
_GROUPS = 16


def distinct_count(values: pa.Array | pa.ChunkedArray) -> int:
    """How many distinct values a text column holds (a missing value counts as one),
    as ``len(pc.unique(values))``, in a fifth of its memory on a long column.

    Arrow's hashed count holds every distinct value and its hash at once: for the 2.8
    million observation IDs of 100x the demo, 250 MB at the load's peak. Equal values
    have equal lengths and last bytes, so the values are counted in groups of those
    (each group's count is taken apart and added): the same total, 54 MB at a time,
    a fifth slower.

    Examples
    --------
    >>> distinct_count(pa.array(["a", "b", "a", None], pa.large_string()))
    3
    """
    if len(values) < _GROUPED_FROM or values.type != pa.large_string():
        return len(pc.unique(values))
    key = np.concatenate([_group_of(chunk) for chunk in
                          (values.chunks if isinstance(values, pa.ChunkedArray) else [values])])
    order = np.argsort(key, kind="stable")
    bounds = np.searchsorted(key[order], np.arange(_GROUPS + 1))
    return sum(len(pc.unique(values.take(pa.array(order[a:b]))))
               for a, b in itertools.pairwise(bounds) if b > a)


def _group_of(chunk: pa.Array) -> np.ndarray:
    """Each value's group for :func:`distinct_count`, from its length and its last two
    bytes read in place (a missing value: group 0, whatever bytes it spans)."""
    bounds = value_bounds(chunk)
    data = (np.frombuffer(chunk.buffers()[2], dtype=np.uint8) if chunk.buffers()[2]
            is not None else np.zeros(1, dtype=np.uint8))
    length, end = np.diff(bounds), bounds[1:]
    last = np.where(length > 0, data[np.clip(end - 1, 0, len(data) - 1)], 0)
    before = np.where(length > 1, data[np.clip(end - 2, 0, len(data) - 1)], 0)
    key = (length + last.astype(np.int64) + 7 * before.astype(np.int64)) % _GROUPS
    if chunk.null_count:
        key[chunk.is_null().to_numpy(zero_copy_only=False)] = 0
    return key


def all_empty(values: pd.Series) -> bool:
    """True when every value is the empty text, read from the column's offsets alone (a
    column of a million empty values is answered without looking at one).

    Examples
    --------
    >>> all_empty(pd.Series(["", ""])), all_empty(pd.Series(["", "a"]))
    (True, False)
    """
    arr = text(values)
    if arr.null_count:
        return False
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    for chunk in chunks:
        if not len(chunk):
            continue
        if pa.types.is_dictionary(chunk.type):  # as read: its values are the chunk's own
            chunk = chunk.dictionary
        bounds = value_bounds(chunk)
        if bounds[-1] != bounds[0]:
            return False
    return True


def is_in(values: pd.Series | pa.Array | pa.ChunkedArray, allowed) -> np.ndarray:
    """True where the text is one of ``allowed`` (a Series or any collection), in one
    hashed pass.

    Examples
    --------
    >>> is_in(pd.Series(["e1", "e2", ""]), ["e2", ""]).tolist()
    [False, True, True]
    """
    if isinstance(allowed, pd.Series):
        value_set = pc.unique(text(allowed))
    else:
        allowed = set(allowed)
        value_set = (pa.array(sorted(allowed), type=pa.large_string())
                     if all(isinstance(v, str) for v in allowed)  # else numbers, None: as text
                     else pc.unique(text(pd.Series(sorted(allowed, key=str), dtype="str"))))
    return pc.is_in(text(values), value_set=value_set).to_numpy(zero_copy_only=False)


def positions(keys: pd.Series, table: pd.Series) -> np.ndarray:
    """For each key, the row of ``table`` holding its first occurrence (-1: none).

    Examples
    --------
    >>> positions(pd.Series(["b", "x", "a"]), pd.Series(["a", "b"])).tolist()
    [1, -1, 0]
    """
    found = pc.index_in(text(keys), value_set=whole(text(table)))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)


def categories(values: pd.Series) -> pd.Series:
    """A text column as a pandas categorical with its distinct values in sorted order, in
    one hashed pass (missing values stay missing).

    A column of a few distinct values (species, sex, life stage) held this way takes one
    byte, two or four per row instead of each value's text; sorted categories keep sorting,
    grouping and the order of tables as they were with text.

    Examples
    --------
    >>> categories(pd.Series(["m", "f", "m", None], dtype="str")).cat.codes.tolist()
    [1, 0, 1, -1]
    """
    arr = text(values)
    distinct = pc.drop_null(pc.unique(arr))
    distinct = distinct.take(pc.array_sort_indices(distinct))
    # pandas keeps the codes in the smallest integer that holds them (int8 for species)
    codes = pc.fill_null(pc.index_in(arr, value_set=distinct), -1).to_numpy(
        zero_copy_only=False)
    return pd.Series(pd.Categorical.from_codes(
        codes, categories=pd.Index(distinct.to_numpy(zero_copy_only=False), dtype="str")),
        index=values.index, name=values.name, copy=False)


def value_counts(values: pd.Series) -> pd.Series:
    """How often each value occurs, most often first, as ``Series.value_counts`` gives it
    for text: missing values and the absent categories of a category column left out.

    Examples
    --------
    >>> ids = categories(pd.Series(["b", "a", "b"], dtype="str"))
    >>> value_counts(ids[ids == "b"]).to_dict()
    {'b': 2}
    """
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values.value_counts()
    codes = pd.Series(values.cat.codes.to_numpy())
    counted = codes[codes >= 0].value_counts()
    return pd.Series(counted.to_numpy(), index=pd.Index(
        values.cat.categories[counted.index.to_numpy()], name=values.name), name="count")


#: A table of fewer rows is converted to pandas on the calling thread: for a few
#: thousand rows Arrow's conversion threads cost more to start than they save (the demo's
#: deployments 1.8 ms with threads, 0.7 ms without), and text columns, taken over as
#: they are, gain nothing from them at any size.
_THREADED_FROM = 200_000


def pandas_frame(table: pa.Table) -> pd.DataFrame:
    """The table as a pandas frame, converted on Arrow's threads only when it is large.

    Examples
    --------
    >>> pandas_frame(pa.table({"id": ["a", "b"]}))["id"].tolist()
    ['a', 'b']
    """
    return table.to_pandas(use_threads=table.num_rows >= _THREADED_FROM)

