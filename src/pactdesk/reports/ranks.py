"""Counts and nearest-rank percentiles of many rows at once, with NumPy (pure).

The attainment report reads its period's valid tickets once, as a few integer columns
(`selectors.period_read`), and computes its figures here: no Python loop over rows, one
sort per duration column for every group and target together. The percentiles are the
nearest ranks of `figures.nearest_ranks` (p50 at ceil(n/2), p90 at ceil(9n/10), max at
n), so the values are exactly those a sort in SQL picks.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]


def tally(*, keys: Ints, codes: Ints, keys_size: int, codes_size: int) -> Ints:
    """counts[k, c]: how many rows have key k (0 <= k < keys_size) and code c
    (0 <= c < codes_size). Shape (keys_size, codes_size)."""
    flat = np.bincount(keys * codes_size + codes, minlength=keys_size * codes_size)
    return flat.reshape(keys_size, codes_size)


def nearest_rank_picks(*, keys: Ints, values: Ints, keys_size: int) -> tuple[Ints, Ints]:
    """For each key k, over the rows with key k and a value >= 0 (a negative value means
    "none"): their number n[k] and the values at the nearest ranks ceil(n/2),
    ceil(9n/10) and n of their ascending order, picks[k] (-1 where n[k] is 0).

    Shapes: keys and values (rows,), n (keys_size,), picks (keys_size, 3)."""
    present = values >= 0
    kept_keys, kept = keys[present], values[present]
    ordered = _sorted_within(kept_keys, kept, keys_size)
    counts = np.bincount(kept_keys, minlength=keys_size).astype(np.int64)
    starts = np.cumsum(counts) - counts
    ranks = np.stack([-(-counts // 2), -(-9 * counts // 10), counts], axis=1)
    picks = np.full((keys_size, 3), -1, dtype=np.int64)
    some = counts > 0
    picks[some] = ordered[starts[some, None] + ranks[some] - 1]
    return counts, picks


VALUE_BITS = 44  # microseconds below 2**44: 203 days


def _sorted_within(keys: Ints, values: Ints, keys_size: int) -> Ints:
    """`values` ordered by key, then ascending. One sort of key * 2**44 + value when that
    fits in 63 bits (a plain int64 sort is several times faster than `lexsort`),
    else `lexsort`."""
    if len(values) == 0:
        return values
    fits = int(values.max()) < 2**VALUE_BITS and keys_size < 2 ** (63 - VALUE_BITS)
    if fits:
        return np.sort((keys << VALUE_BITS) | values) & (2**VALUE_BITS - 1)
    return values[np.lexsort((values, keys))]
