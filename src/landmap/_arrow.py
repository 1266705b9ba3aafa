"""Text columns as Arrow arrays, for Arrow's compute kernels.

pandas 3 keeps text in Arrow already, but some of its methods on that text (``isin``,
``map`` by a text key) go value by value through Python. Arrow's kernels (hashed
look-ups, regular expressions, casts) run over the whole column in C.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


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
