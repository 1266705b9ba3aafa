"""Text columns as Arrow arrays, for Arrow's compute kernels.

pandas 3 keeps text in Arrow already, but some of its methods on that text (``isin``,
``map`` by a text key) go value by value through Python. Arrow's kernels (hashed
look-ups, regular expressions, casts) run over the whole column in C.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow (large) string array: no copy when pandas keeps it in
    Arrow, as pandas 3 does.

    Examples
    --------
    >>> text(pd.Series(["a", "b"])).to_pylist()
    ['a', 'b']
    """
    arr = pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def is_in(values: pd.Series, allowed) -> np.ndarray:
    """True where the text is one of ``allowed`` (a Series or any collection), in one
    hashed pass.

    Examples
    --------
    >>> is_in(pd.Series(["e1", "e2", ""]), ["e2", ""]).tolist()
    [False, True, True]
    """
    allowed = allowed if isinstance(allowed, pd.Series) else pd.Series(sorted(allowed),
                                                                         dtype="str")
    value_set = pc.unique(text(allowed))
    return pc.is_in(text(values), value_set=value_set).to_numpy(zero_copy_only=False)


def positions(keys: pd.Series, table: pd.Series) -> np.ndarray:
    """For each key, the row of ``table`` holding its first occurrence (-1: none).

    Examples
    --------
    >>> positions(pd.Series(["b", "x", "a"]), pd.Series(["a", "b"])).tolist()
    [1, -1, 0]
    """
    found = pc.index_in(text(keys), value_set=text(table))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
