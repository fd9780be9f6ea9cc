"""Document pairing at scale: `pairing.pair_documents` over 10,000 and 100,000 synthetic documents
per side — wall time, peak RSS, and pair precision/recall on the synthetic truth.

No crawl of that size is here, so the documents are made: a synthetic language pair whose words
follow the FLORES-200 dev+devtest vocabularies.  Arabic and English words are each ranked by
frequency and paired rank for rank (a word-for-word "dictionary"); a document is 4–16 sentences
of 8–30 words drawn from a Zipf law over the ranks, with 0–3 numbers (years, counts, amounts)
and 0–4 names from a pool of 50,000 made-up names written in both scripts (consonant for
consonant, as a transliteration would be).  Its translation maps each word through the
dictionary, drops 15% of them, adds 10% random words, and keeps numbers and names.  Of the N
documents on each side, 80% have their translation on the other side; the other 20% per side
have none.  Reading and segmenting pages is not included (documents start as sentences in memory).

Each size runs in its own process; peak RSS is that process's ``VmHWM`` (its own high-water mark,
bench/peak_rss.py), and ``before_pairing_rss_mb`` its RSS once the documents are made, before
pairing.  The documents are made one at a time onto shelves on disk (``pairing.shelf``), as
``parallel pair-docs`` keeps the pages it reads.  Results are merged into ``bench/results.json`` under "pair_docs".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

from bench_results import merge_results  # noqa: E402

TESTSETS = REPO.parent / "shared" / "testsets" / "ara-eng"
LATIN_TO_ARABIC = {"b": "ب", "t": "ت", "d": "د", "r": "ر", "z": "ز", "s": "س", "f": "ف", "k": "ك", "l": "ل",
                   "m": "م", "n": "ن", "g": "ج", "a": "ا", "i": "ي", "o": "و", "u": "و", "e": ""}
CONSONANTS, VOWELS = "btdrzsfklmng", "aioue"


def vocabulary(path: Path, pattern: str) -> list[str]:
    """The words of a FLORES file, most frequent first."""
    counts = Counter(re.findall(pattern, path.read_text(encoding="utf-8")))
    return [word for word, _ in counts.most_common()]


def made_up_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(Arabic, English) names: consonant-vowel syllables, written consonant for consonant."""
    names = []
    for _ in range(count):
        syllables = [rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4))]
        latin = "".join(syllables)
        names.append(("".join(LATIN_TO_ARABIC[ch] for ch in latin), latin.capitalize()))
    return names


class Generator:
    """Synthetic Arabic documents and their translations (see the module)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        arabic = vocabulary(TESTSETS / "flores200-dev.ara", r"[\u0621-\u064A]{2,}") + vocabulary(
            TESTSETS / "flores200-devtest.ara", r"[\u0621-\u064A]{2,}")
        english = vocabulary(TESTSETS / "flores200-dev.eng", r"[a-z]{2,}") + vocabulary(
            TESTSETS / "flores200-devtest.eng", r"[a-z]{2,}")
        arabic, english = list(dict.fromkeys(arabic)), list(dict.fromkeys(english))
        size = min(len(arabic), len(english))
        self.arabic_words, self.english_words = arabic[:size], english[:size]
        weights = [1.0 / (rank + 1) ** 1.1 for rank in range(size)]
        total = sum(weights)
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.names = made_up_names(50_000, self.rng)
        name_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.names))]
        self.name_cumulative = list(_accumulate(name_weights))

    def _ranks(self, count: int) -> list[int]:
        import bisect
        return [min(bisect.bisect(self.cumulative, self.rng.random()), len(self.cumulative) - 1)
                for _ in range(count)]

    def _number(self) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return str(self.rng.randint(1900, 2026))
        if kind < 0.7:
            return str(self.rng.randint(2, 99))
        return str(self.rng.randint(100, 999_999))

    def pair(self, number: int) -> tuple[list[str], list[str]]:
        """Document ``number``: an Arabic document and its English translation, sentence for
        sentence (the same for the same number, in whatever order documents are made)."""
        import bisect
        self.rng.seed(self.seed * 1_000_003 + number)
        arabic, english = [], []
        extras = [self._number() for _ in range(self.rng.randint(0, 3))]
        extras += [self.names[min(bisect.bisect(self.name_cumulative, self.rng.random()), len(self.names) - 1)]
                   for _ in range(self.rng.randint(0, 4))]
        sentences = self.rng.randint(4, 16)
        for index in range(sentences):
            ranks = self._ranks(self.rng.randint(8, 30))
            source = [self.arabic_words[r] for r in ranks]
            target = [self.english_words[r] for r in ranks if self.rng.random() >= 0.15]
            target += [self.english_words[r] for r in self._ranks(len(ranks) // 10)]
            for k, extra in enumerate(extras):
                if k % sentences == index:
                    source.append(extra if isinstance(extra, str) else extra[0])
                    target.append(extra if isinstance(extra, str) else extra[1])
            arabic.append(" ".join(source) + ".")
            english.append(" ".join(target).capitalize() + ".")
        return arabic, english


def _accumulate(weights: list[float]):
    total, running = sum(weights), 0.0
    for weight in weights:
        running += weight / total
        yield running


def measure(size: int, seed: int) -> dict:
    """Pair ``size`` synthetic documents per side in this process; time, memory and accuracy.
    The documents are made one at a time onto shelves (``pairing.shelf``, as ``parallel pair-docs``
    keeps what it reads), so that no side is ever held in memory."""
    from parallel.pairing.keys import SideDocument
    from parallel.pairing.pairer import pair_documents
    from parallel.pairing.shelf import DocumentShelf

    generator = Generator(seed)
    paired = int(size * 0.8)
    arabic_ids = list(range(size))                                  # 0..paired-1 have a partner
    english_ids = list(range(paired)) + list(range(size, size + size - paired))
    rng = random.Random(seed)
    rng.shuffle(arabic_ids)
    rng.shuffle(english_ids)
    scratch = tempfile.TemporaryDirectory(prefix="pair-docs-", dir=HERE)   # on disk, as beside pair-docs' output
    arabic, english = DocumentShelf(scratch.name), DocumentShelf(scratch.name)
    for number in arabic_ids:
        arabic.append(SideDocument(f"ar{number}", generator.pair(number)[0]))
    for number in english_ids:
        english.append(SideDocument(f"en{number}", generator.pair(number)[1]))
    english_at = {d: k for k, d in enumerate(english_ids)}
    truth = {(k, english_at[d]) for k, d in enumerate(arabic_ids) if d < paired}
    loaded_mb = _status_kb("VmRSS") / 1024          # before pairing, the documents shelved
    started = time.perf_counter()
    pairing = pair_documents(arabic, english, scratch=scratch.name)
    seconds = time.perf_counter() - started
    found = {(p.arabic, p.english) for p in pairing.pairs}
    correct = len(found & truth)
    return {"documents_per_side": size, "true_pairs": len(truth), "found": len(found),
            "precision": round(correct / max(len(found), 1), 4), "recall": round(correct / len(truth), 4),
            "seconds": round(seconds, 1), "peak_rss_mb": round(_status_kb("VmHWM") / 1024, 1),
            "before_pairing_rss_mb": round(loaded_mb, 1),
            "candidates": pairing.candidates}


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmHWM: its peak; VmRSS: now), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="documents per side, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)     # one size, in this process
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one, arguments.seed)))
        return
    rows = []
    for size in (int(s) for s in arguments.sizes.split(",")):
        output = subprocess.run([sys.executable, __file__, "--one", str(size), "--seed", str(arguments.seed)],
                                check=True, capture_output=True, text=True, env={**os.environ, "CI": "true"})
        row = json.loads(output.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{size:>7} documents per side: {row['seconds']:.1f} s, peak RSS {row['peak_rss_mb']} MB "
              f"({row['before_pairing_rss_mb']} MB before pairing, the documents shelved), "
              f"precision {row['precision']}, recall {row['recall']}", flush=True)
    merge_results(HERE / "results.json", "pair_docs", {
        "what": "pairing.pair_documents on synthetic documents (bench/pair_docs.py), no MT",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"), "rows": rows})


if __name__ == "__main__":
    main()
