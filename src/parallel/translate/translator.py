"""Machine translation: SentencePiece → CTranslate2 → SentencePiece, with batching, cache and flags."""
from __future__ import annotations

import collections
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from parallel.checks.flags import translation_flags
from parallel.checks.glossary import Glossary
from parallel.checks.length_model import DEFAULT_LENGTH_MODEL, LengthModel
from parallel.errors import ResourceError
from parallel.progress import progress_bar
from parallel.records import Segment, Translation
from parallel.text_rules import normalise_digits, visible_text
from parallel.translate.batching import STREAM_CHUNK, chunked, length_limit, token_batches  # noqa: F401 (public here too)
from parallel.translate.cache import TranslationCache, cache_keys
from parallel.translate.devices import check_device
from parallel.translate.models import read_manifest
from parallel.translate.options import MODEL_INPUT, TranslateOptions  # noqa: F401 (public here too)
from parallel.translate.opus_text import opus_mt_input, opus_mt_output, split_long, unescape_entities

END_TOKEN = "</s>"


class _Part(NamedTuple):
    """A piece of a text the model translates: the whole text, or one part of a long one."""
    owner: int
    pieces: list[str]


class _PartResult(NamedTuple):
    text: str
    score: float
    tokens: int       # generated tokens, </s> counted: the weight of this part's score
    hit_limit: bool


class MTResult(NamedTuple):
    """One source's translation from the model or the cache: text, mean log-probability, flags."""
    text: str
    score: float  # mean log-probability per target token
    flags: tuple[str, ...]
    cached: bool = False


@dataclass
class TranslationStats:
    """What a translator did: segments seen, unique sources, cache hits and repeats, translated, flags."""
    segments: int = 0
    unique_sources: int = 0
    from_cache: int = 0      # found in the cache, written by an earlier run
    repeated: int = 0        # found in the cache, written by this run (a repeat from an earlier chunk)
    translated: int = 0
    flags: dict[str, int] = field(default_factory=dict)


def model_adds_source_eos(model_dir: Path) -> bool:
    """Whether CTranslate2 itself appends ``</s>`` to the source (``add_source_eos`` in the
    model's ``config.json``).  Its Marian converter sets it; its Transformers converter does not
    for Marian models, whose encoder was nevertheless trained with ``</s>`` after every sentence."""
    try:
        config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(config.get("add_source_eos"))


class Translator:
    """A loaded model folder (``models/NAME``) ready to translate, with an optional cache."""

    def __init__(self, model_dir: Path, options: TranslateOptions = TranslateOptions(),
                 cache: TranslationCache | None = None, glossary: Glossary | None = None,
                 length_model: LengthModel = DEFAULT_LENGTH_MODEL):
        import ctranslate2
        import sentencepiece as spm

        self.model_dir = Path(model_dir)
        self.manifest = read_manifest(self.model_dir)
        self.options = options
        self.cache = cache
        self.glossary = glossary   # adds the ``glossary`` flag (glossary.py)
        # what ``length_ratio`` judges by; a run that calibrates it to its corpus sets it between passes,
        # and turns ``flagging`` off for the first (results then carry decoding's flags only)
        self.length_model = length_model
        self.flagging = True
        self._cache_rows_before = cache.last_row() if cache is not None else 0
        parallel_batches, threads_per_batch = options.thread_split()
        check_device(options)
        try:
            self._translator = ctranslate2.Translator(
                str(self.model_dir), device=options.device,
                compute_type=options.resolved_compute_type(),
                inter_threads=parallel_batches, intra_threads=threads_per_batch,
            )
            self._source_spm = spm.SentencePieceProcessor(model_file=str(self.model_dir / "source.spm"))
            self._target_spm = spm.SentencePieceProcessor(model_file=str(self.model_dir / "target.spm"))
        except (RuntimeError, ValueError, OSError) as exc:
            raise ResourceError(f"{self.model_dir}: cannot load model ({exc})") from exc
        adds_eos = model_adds_source_eos(self.model_dir)
        self._source_prefix = [self.manifest["target_token"]] if self.manifest.get("target_token") else []
        self._source_suffix = [] if adds_eos else [END_TOKEN]
        # Pieces of text one input may hold: the encoder's positions less the special tokens.
        self.content_limit = options.max_input_tokens - len(self._source_prefix) - 1

    @property
    def model_name(self) -> str:
        """The installed model's name (from its manifest)."""
        return self.manifest.get("name", self.model_dir.name)

    @property
    def model_sha256(self) -> str:
        """The SHA-256 of the model's ``model.bin``: what the cache and provenance name the model by."""
        return self.manifest["model_bin_sha256"]

    def model_input(self, text: str) -> str:
        """What the model reads: the visible text, digits normalised when asked, then OPUS-MT's
        own input rules (``opus_text.opus_mt_input``)."""
        text = visible_text(text)
        text = normalise_digits(text) if self.options.normalise_digits else text
        return opus_mt_input(text)

    def source_tokens(self, pieces: list[str]) -> list[str]:
        """The tokens the encoder gets for a sentence's pieces: the target-language token first
        when the model needs one (``>>eng<<``), ``</s>`` last when CTranslate2 does not add it."""
        return self._source_prefix + pieces + self._source_suffix

    def translate_texts(self, texts: Sequence[str], progress: bool = True,
                        stats: TranslationStats | None = None, bar=None) -> list[MTResult]:
        """Translate source texts; identical texts are translated once, cached ones not at all.

        ``bar``: a progress bar to advance (one shared by several calls); else one is shown here."""
        if bar is None:
            with progress_bar(total=len(texts), unit="seg", desc="translate", enabled=progress) as own_bar:
                return self.translate_texts(texts, progress, stats, own_bar)
        stats = stats if stats is not None else TranslationStats()
        keys = cache_keys(self.model_sha256, self.options.output_key(), texts)
        unique = list(keys)
        results: dict[str, MTResult] = {}
        if self.cache is not None:
            hits = self.cache.lookup(keys.values())
            # an entry this translator wrote (a repeat from an earlier chunk) is not "from cache"
            results = {text: MTResult(*hits[key][:3], cached=hits[key][3] <= self._cache_rows_before)
                       for text, key in keys.items() if key in hits}
        todo = [text for text in unique if text not in results]
        stats.segments += len(texts)
        stats.unique_sources += len(unique)
        stats.from_cache += sum(result.cached for result in results.values())
        stats.repeated += sum(not result.cached for result in results.values())
        stats.translated += len(todo)
        bar.update(len(texts) - len(todo))  # cached and repeated segments are done already
        if self.flagging:
            results = {text: self._with_flags(text, result) for text, result in results.items()}
        if todo:   # flagged batch by batch, while the next batches decode
            results.update(self._translate_uncached(todo, keys, bar, flagged=self.flagging))
        for text in texts:
            for flag in results[text].flags:
                stats.flags[flag] = stats.flags.get(flag, 0) + 1
        return [results[text] for text in texts]

    def cache_rows(self, texts: Sequence[str]) -> list[tuple[str, str, str, str, float, tuple[str, ...]]]:
        """Translate each distinct text once, reading no cache, into the rows a translation cache
        stores (``TranslationCache.put_many``: key, model, source, text, score, decoding flags): how
        translations made on other machines (``--engine ray``) reach this machine's cache."""
        keys = cache_keys(self.model_sha256, self.options.output_key(), texts)
        with progress_bar(total=len(keys), enabled=False) as bar:
            results = self._translate_uncached(list(keys), keys, bar)
        return [(keys[text], self.model_sha256, text, result.text, result.score, result.flags)
                for text, result in results.items()]

    def _with_flags(self, source: str, result: MTResult) -> MTResult:
        """The result with its flags as the checks stand today: those only decoding knows
        (``truncated``, ``split``, ``entities``) kept, the rest computed from the text here, once,
        for fresh and cached translations alike (a cache written by an older version may hold
        flags of an older rule), ``glossary`` added."""
        decoding = [flag for flag in result.flags if flag in ("split", "entities")]
        flags = translation_flags(source, result.text, "truncated" in result.flags, self.length_model) + tuple(decoding)
        if self.glossary is not None and self.glossary.missing(source, result.text):
            flags += ("glossary",)
        return result._replace(flags=flags)

    def _model_inputs(self, texts: list[str]) -> list[_Part]:
        """Each text as the parts the model translates: one part, or several when its pieces
        exceed the model's input limit (``opus_text.split_long``, flagged ``split``)."""
        prepared = [self.model_input(t) for t in texts]
        pieces = self._source_spm.encode(prepared, out_type=str)
        limit = self.content_limit
        parts = []
        for owner, (text, text_pieces) in enumerate(zip(prepared, pieces)):
            if not text_pieces:
                continue  # nothing to read: an empty translation, no model call
            if len(text_pieces) <= limit:
                parts.append(_Part(owner, text_pieces))
                continue
            for piece_text in split_long(text, lambda t: len(self._source_spm.encode(t)), limit):
                part_pieces = self._source_spm.encode(piece_text, out_type=str)
                parts.append(_Part(owner, part_pieces[:limit]))  # cut only where one character is over
        return parts

    def _translate_uncached(self, texts: list[str], keys: dict[str, str], bar, flagged: bool = False):
        """Each text's translation, batch by batch into the cache; ``flagged``: with ``_with_flags``,
        run on a batch while the next ones decode (not after the last: bench/README.md, 2026-12-07)."""
        parts = self._model_inputs(texts)
        parts_left = [0] * len(texts)
        for part in parts:
            parts_left[part.owner] += 1
        outputs: dict[int, list[tuple[int, _PartResult]]] = {}  # owner -> (part index, result)
        results = {text: MTResult("", 0.0, ()) for text, left in zip(texts, parts_left) if left == 0}
        results = {text: self._with_flags(text, r) if flagged else r for text, r in results.items()}
        bar.update(len(results))
        # the encoder's input length: the prefix, the pieces and </s>, whoever adds it
        lengths = [len(self._source_prefix) + len(part.pieces) + 1 for part in parts]
        batches = token_batches(lengths, self.options.resolved_batch_tokens(), self.options.reproducible)
        for batch, (limits, pending) in self._decode_in_order(batches, parts):
            decoded = self._read_batch(limits, pending)
            finished = []
            for index, part_result in zip(batch, decoded):
                owner = parts[index].owner
                outputs.setdefault(owner, []).append((index, part_result))
                parts_left[owner] -= 1
                if parts_left[owner] == 0:
                    finished.append(owner)
            batch_results = {texts[owner]: self._assemble(texts[owner], outputs.pop(owner)) for owner in finished}
            if self.cache is not None and batch_results:
                self.cache.put_many((keys[text], self.model_sha256, text, out, score, flags)
                                    for text, (out, score, flags, _) in batch_results.items())
            results.update({text: self._with_flags(text, r) if flagged else r for text, r in batch_results.items()})
            bar.update(len(finished))
        return results

    def _decode_in_order(self, batches: list[list[int]], parts: list[_Part]):
        """(batch, (limits, results)) in order, each once decoded.  A few batches are queued ahead
        (twice the batches CTranslate2 decodes at once), so its workers never wait, and the
        caller stores each batch as it comes: queuing them all at once made CTranslate2 block the
        queuing until nearly all were decoded, and nothing reached the cache or the bar before."""
        ahead = 2 * self.options.thread_split()[0]
        remaining = iter(batches)
        queued: collections.deque = collections.deque()

        def queue_next() -> None:
            batch = next(remaining, None)
            if batch is not None:
                queued.append((batch, self._submit_batch([parts[i].pieces for i in batch])))

        for _ in range(ahead):
            queue_next()
        while queued:
            batch, (limits, pending) = queued.popleft()
            decoded = [result.result() for result in pending]
            queue_next()
            yield batch, (limits, decoded)

    def _submit_batch(self, pieces: list[list[str]]):
        """Queue one batch for decoding: (each sentence's own length limit, async results)."""
        own_limits = [length_limit(len(p), self.options) for p in pieces]
        pending = self._translator.translate_batch(
            [self.source_tokens(p) for p in pieces],
            beam_size=self.options.beam_size,
            length_penalty=1.0,          # scores are then log-probabilities averaged per token
            max_decoding_length=max(own_limits),
            max_input_length=0,          # inputs are cut above, where we can flag it
            return_scores=True,
            return_end_token=True,       # a hypothesis without </s> stopped at the length limit
            max_batch_size=0,
            asynchronous=True,
        )
        return own_limits, pending

    def _read_batch(self, own_limits: list[int], outputs) -> list[_PartResult]:
        """Each output's text, score, token count and whether it reached its length limit."""
        decoded = []
        for own_limit, output in zip(own_limits, outputs):
            hypothesis = output.hypotheses[0]
            finished = bool(hypothesis) and hypothesis[-1] == END_TOKEN
            if finished:
                hypothesis = hypothesis[:-1]
            hit_limit = not finished or len(hypothesis) > own_limit
            kept = hypothesis[:own_limit]
            score = float(output.scores[0]) if output.scores else 0.0
            decoded.append(_PartResult(opus_mt_output(kept), score, len(kept) + 1, hit_limit))
        return decoded

    def _assemble(self, source: str, parts: list[tuple[int, _PartResult]]) -> MTResult:
        """One text's translation from its parts' (in source order): joined, entities unescaped,
        score averaged over the parts' tokens, and the flags only decoding knows (``truncated``,
        ``split``, ``entities``; the cache keeps these, ``_with_flags`` adds those read from the text)."""
        ordered = [result for _, result in sorted(parts, key=lambda item: item[0])]
        joined = " ".join(result.text for result in ordered if result.text)
        text, entities = unescape_entities(source, joined)
        tokens = sum(result.tokens for result in ordered)
        score = sum(result.score * result.tokens for result in ordered) / max(1, tokens)
        flags = ((("truncated",) if any(result.hit_limit for result in ordered) else ())
                 + (("split",) if len(ordered) > 1 else ()) + (("entities",) if entities else ()))
        return MTResult(text, score, flags)

    def count_tokens(self, texts: Sequence[str], side: str = "source") -> list[int]:
        """SentencePiece pieces per text, as the model sees them (``side``: source or target)."""
        processor = self._source_spm if side == "source" else self._target_spm
        prepared = [self.model_input(t) for t in texts] if side == "source" else list(texts)
        return [len(pieces) for pieces in processor.encode(prepared, out_type=int)]

    def translate_segments(self, segments: Iterable[Segment], progress: bool = True,
                           stats: TranslationStats | None = None) -> list[Translation]:
        """All at once: one chunk holding every segment."""
        segments = list(segments)
        return list(self.translate_stream(segments, progress, stats, total=len(segments),
                                          chunk_size=max(1, len(segments))))

    def translate_stream(self, segments: Iterable[Segment], progress: bool = True,
                         stats: TranslationStats | None = None, total: int | None = None,
                         chunk_size: int = STREAM_CHUNK) -> Iterator[Translation]:
        """Translations in input order, ``chunk_size`` segments at a time: memory stays flat
        however long the input, and sorting by length within a chunk keeps batches full."""
        with progress_bar(total=total, unit="seg", desc="translate", enabled=progress) as bar:
            for chunk in chunked(segments, chunk_size):
                yield from self.translate_chunk(chunk, stats, bar)

    def translate_chunk(self, segments: Sequence[Segment], stats: TranslationStats | None,
                        bar) -> list[Translation]:
        """One chunk's translations, in order, advancing ``bar`` (a caller's progress bar)."""
        results = self.translate_texts([s.text for s in segments], stats=stats, bar=bar)
        return [Translation(segment, r.text, r.score, r.flags, cached=r.cached)
                for segment, r in zip(segments, results)]
