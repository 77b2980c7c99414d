"""The NumPy counts and nearest ranks equal a plain sort and count of the same rows."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pactdesk.reports.figures import nearest_ranks
from pactdesk.reports.ranks import nearest_rank_picks, tally

KEYS = 5
rows = st.lists(
    st.tuples(
        st.integers(0, KEYS - 1),
        # none (-1), small, and beyond the packed sort's 2**44 (the lexsort path)
        st.one_of(st.just(-1), st.integers(0, 10**7), st.integers(0, 2**50)),
    ),
    max_size=60,
)


@given(rows)
def test_the_picks_are_the_nearest_ranks_of_each_keys_sorted_values(pairs):
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)

    counts, picks = nearest_rank_picks(keys=keys, values=values, keys_size=KEYS)

    for key in range(KEYS):
        ordered = sorted(v for k, v in pairs if k == key and v >= 0)
        assert counts[key] == len(ordered)
        expected = [ordered[r - 1] for r in nearest_ranks(len(ordered))] if ordered else [-1] * 3
        assert picks[key].tolist() == expected


def test_ten_values_pick_the_fifth_ninth_and_tenth():
    values = np.array([50, 10, 100, 20, 90, 30, 80, 40, 70, 60, -1], dtype=np.int64)

    counts, picks = nearest_rank_picks(
        keys=np.zeros(11, dtype=np.int64), values=values, keys_size=2
    )

    assert counts.tolist() == [10, 0]
    assert picks.tolist() == [[50, 90, 100], [-1, -1, -1]]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), max_size=60))
def test_tally_counts_each_key_and_code(pairs):
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    codes = np.array([c for _, c in pairs], dtype=np.int64)

    counts = tally(keys=keys, codes=codes, keys_size=4, codes_size=5)

    assert counts.tolist() == [[pairs.count((k, c)) for c in range(5)] for k in range(4)]
