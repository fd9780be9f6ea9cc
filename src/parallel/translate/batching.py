"""Batching for decoding: sentences grouped by length into batches bounded in padded tokens, the
decoding limit each sentence gets, and the chunks a stream is translated in."""
from __future__ import annotations

import itertools
import math
from typing import Iterable, Iterator, Protocol, Sequence


class LengthLimits(Protocol):
    """The options ``length_limit`` reads (``TranslateOptions`` has them)."""

    max_length_ratio: float
    max_length_margin: int


def length_limit(source_tokens: int, options: LengthLimits) -> int:
    """The most tokens a sentence of ``source_tokens`` pieces may be translated into; a
    hypothesis that reaches it is flagged ``truncated``."""
    return math.ceil(options.max_length_ratio * source_tokens) + options.max_length_margin


def token_batches(lengths: Sequence[int], max_batch_tokens: int, one_length: bool = False) -> list[list[int]]:
    """Indices grouped into batches of similar length, each at most ``max_batch_tokens`` padded
    tokens (at least one sentence), shortest first.

    ``one_length``: every batch holds sentences of a single length (``--reproducible``).  Such a
    batch has no padding and one decoding limit, so a sentence's translation and score do not
    depend on what it is batched with.  Mixed lengths let both show: padding shifts int8 results
    slightly, and a sentence that reaches its own limit goes on decoding to its batch's longest
    limit, which at beam > 1 can change its best hypothesis.  The cost is smaller batches
    (bench/README.md)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    if one_length:
        batches: list[list[int]] = []
        for length, same_length in itertools.groupby(order, key=lambda i: lengths[i]):
            batches += chunked(same_length, max(1, max_batch_tokens // max(1, length)))
        return batches
    batches = []
    current: list[int] = []
    for index in order:
        longest = max(lengths[index], *(lengths[i] for i in current)) if current else lengths[index]
        if current and longest * (len(current) + 1) > max_batch_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


# Segments translated together by ``translate_stream``: large enough that length sorting fills
# batches as well as sorting everything would, small enough to hold in memory.
STREAM_CHUNK = 4096


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last one shorter)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
