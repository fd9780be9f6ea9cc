"""Decoding and batching options, and which of them go into the cache key (``output_key``): what a
translation depends on is named once, here."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

MAX_PARALLEL_BATCHES = 4
CPU_BATCH_TOKENS = 512


@dataclass(frozen=True)
class TranslateOptions:
    """Decoding and batching options; those that change the output text are part of the cache key (``output_key``)."""

    beam_size: int = 4
    max_batch_tokens: int = 0       # 0: CPU_BATCH_TOKENS per thread of a batch on CPU, 2048 on CUDA
    max_length_ratio: float = 2.0   # decoding stops at ratio × source tokens + margin ...
    max_length_margin: int = 10     # ... and a hypothesis that reaches it is flagged truncated
    max_input_tokens: int = 512     # the encoder's positions, </s> included: longer inputs are split
    normalise_digits: bool = True   # Arabic-Indic digits to ASCII before translation
    device: str = "cpu"
    compute_type: str = "auto"      # int8 on CPU, int8_float16 on CUDA
    threads: int = 0                # 0: all cores this process may use
    reproducible: bool = False      # batches of one length: output independent of batching

    def resolved_compute_type(self) -> str:
        """The compute type ``auto`` stands for: int8 on CPU, int8_float16 on GPU."""
        if self.compute_type != "auto":
            return self.compute_type
        return "int8_float16" if self.device == "cuda" else "int8"

    def resolved_threads(self) -> int:
        """The thread count ``threads=0`` stands for: the cores this process may use."""
        if self.threads > 0:
            return self.threads
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1

    def thread_split(self) -> tuple[int, int]:
        """(batches decoded at once, threads per batch).  On CPU, parallel batches of one thread
        each beat one batch on all threads (measured: 1.3x on 2 cores for the real-size model;
        bench/README.md); beyond 4 at once, the rest of the cores go inside each batch, so that
        decoding memory does not grow with the core count.  A GPU runs one batch at a time."""
        threads = self.resolved_threads()
        if self.device == "cuda":
            return 1, threads
        workers = min(threads, MAX_PARALLEL_BATCHES)
        return workers, max(1, threads // workers)

    def resolved_batch_tokens(self) -> int:
        """Tokens per batch.  On CPU small batches are both faster and lighter: decoding memory
        grows with batch × beam × output length, and a batch decodes to its longest sentence's
        limit (measured on 2 cores, beam 4, real-size model: 512 tokens 72 s / 642 MB peak,
        2048 tokens 100 s / 1,934 MB for the same 300 sentences; bench/README.md)."""
        if self.max_batch_tokens > 0:
            return self.max_batch_tokens
        if self.device == "cuda":
            return 2048
        return CPU_BATCH_TOKENS * self.thread_split()[1]

    def output_key(self) -> str:
        """The options that change the output text; part of the cache key.  ``reproducible`` is in
        it only when set, so that caches written before the option existed still match."""
        return json.dumps({
            **({"reproducible": True} if self.reproducible else {}),
            "input": MODEL_INPUT,
            "beam_size": self.beam_size,
            "max_length_ratio": self.max_length_ratio,
            "max_length_margin": self.max_length_margin,
            "max_input_tokens": self.max_input_tokens,
            "normalise_digits": self.normalise_digits,
            "compute_type": self.resolved_compute_type(),
        }, sort_keys=True)

    def as_dict(self) -> dict:
        """The options with ``auto`` and 0 resolved, as recorded in reports and provenance."""
        data = asdict(self)
        inter, intra = self.thread_split()
        data.update(compute_type=self.resolved_compute_type(), threads=self.resolved_threads(),
                    max_batch_tokens=self.resolved_batch_tokens(),
                    parallel_batches=inter, threads_per_batch=intra)
        return data


# What the model reads, as a version in the cache key: 2 = OPUS-MT's input rules, </s> whatever
# the converter, long inputs split.  Translations cached before it were made from other input.
MODEL_INPUT = 2
