"""The aligner's search: a dynamic programme over (source sentences used, target sentences used)
in a band around the diagonal that cumulative character lengths give (``aligner.py`` supplies the
costs of each bead type, row by row)."""
from __future__ import annotations

import numpy as np

from parallel.alignment.evidence import MOVES


def band_centres(source_lengths: np.ndarray, target_lengths: np.ndarray) -> np.ndarray:
    """For each row i, the target position whose share of characters matches row i's share."""
    n, m = len(source_lengths), len(target_lengths)
    source_share = np.concatenate([[0.0], np.cumsum(source_lengths + 1)]) / (source_lengths.sum() + n)
    target_share = np.concatenate([[0.0], np.cumsum(target_lengths + 1)]) / (target_lengths.sum() + m)
    centres = np.searchsorted(target_share, source_share)
    centres[0], centres[-1] = 0, m
    return np.minimum(centres, m)


def search_band(costs, n: int, m: int, centres: np.ndarray, band: int, skip: float):
    """Banded DP; returns the beads (as moves) and whether the path stayed inside the band.
    ``costs.plan(windows)`` is told every row's target window first, and ``costs.row(i, js)``
    gives each move's cost ending at row ``i`` for the targets ``js`` of its window;
    ``skip`` is the cost of a 1-0 or 0-1 move."""
    windows = [(max(0, int(c) - band), min(m, int(c) + band)) for c in centres]
    for i in range(1, n + 1):  # rows must overlap enough for every move to be reachable
        lo, hi = windows[i]
        plo, phi = windows[i - 1]
        windows[i] = (min(lo, phi), max(hi, plo))
    windows[0] = (0, windows[0][1])
    windows[n] = (windows[n][0], m)
    costs.plan(windows)
    scores: list[np.ndarray] = []
    pointers: list[np.ndarray] = []
    move_index = {move: index for index, move in enumerate(MOVES)}
    for i in range(n + 1):
        lo, hi = windows[i]
        js = np.arange(lo, hi + 1)
        base = np.full(len(js), np.inf)
        pointer = np.full(len(js), -1, dtype=np.int8)
        if i == 0:
            base[js == 0] = 0.0
        else:
            row_costs = costs.row(i, js)
            for (k, l), index in move_index.items():
                if k == 0 or i - k < 0:
                    continue
                previous_lo, previous_hi = windows[i - k]
                previous = scores[i - k]
                source_j = js - l
                inside = (source_j >= previous_lo) & (source_j <= previous_hi)
                candidate = np.full(len(js), np.inf)
                candidate[inside] = previous[source_j[inside] - previous_lo]
                candidate += skip if l == 0 else row_costs[(k, l)]
                better = candidate < base
                base[better] = candidate[better]
                pointer[better] = index
        # 0-1 moves along the row: best[j] = min over j' <= j of base[j'] + skip * (j - j')
        offsets = skip * np.arange(len(js))
        running = np.minimum.accumulate(base - offsets) + offsets
        from_left = running < base - 1e-9  # not a rounding difference
        pointer[from_left] = move_index[(0, 1)]
        scores.append(np.minimum(base, running))
        pointers.append(pointer)
    moves, touched = [], False
    i, j = n, m
    while i > 0 or j > 0:
        lo, hi = windows[i]
        if (j - lo < 2 and lo > 0) or (hi - j < 2 and hi < m):
            touched = True
        k, l = MOVES[pointers[i][j - lo]]
        moves.append((i - k, i, j - l, j))
        i, j = i - k, j - l
    moves.reverse()
    return moves, not touched
