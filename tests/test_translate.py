import json

import pytest

from conftest import SEEDS
from parallel.records import Segment
from parallel.translate.cache import TranslationCache
from parallel.translate.translator import TranslateOptions, TranslationStats, Translator, length_limit, token_batches

SOURCES = [
    "وقال مسؤولان أمريكيان للديلي بيست إن الولايات المتحدة كانت تنتظر طلبًا رسميًا.",
    "لكن طهران نفت قيامها بأي هجمات ضد داعش.",
    "وأجرت الولايات المتحدة 5314 غارة ضد أهداف داعش في العراق وسوريا حتى 15 مارس.",
    "التحالفات المتغيرة",
]


def test_token_batches_sort_and_bound():
    lengths = [5, 50, 7, 48, 6, 100]
    batches = token_batches(lengths, max_batch_tokens=100)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [lengths[i] for b in batches for i in b] == sorted(lengths)
    for batch in batches:
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 100


def test_reproducible_token_batches_hold_one_length_each():
    lengths = [5, 50, 7, 48, 6, 100, 5, 5, 5, 7]
    batches = token_batches(lengths, max_batch_tokens=12, one_length=True)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert [[lengths[i] for i in b] for b in batches] == [[5, 5], [5, 5], [6], [7], [7], [48], [50], [100]]
    assert token_batches(lengths, max_batch_tokens=100, one_length=True)[0] == [0, 6, 7, 8]


def test_a_reproducible_translation_does_not_depend_on_its_batch(model_dir):
    """Same text and score whatever the batch size, input order and threads.  The tiny model never
    stops before its length limit, so with mixed lengths in a batch both would change."""
    from parallel.read.articles import article_paths, read_article

    sources = SOURCES + [p for path in article_paths(SEEDS) for p in read_article(path).paragraphs][:40]
    runs = []
    for batch_tokens, threads, order in ((16, 1, sources), (4096, 2, sources[::-1])):
        options = TranslateOptions(max_batch_tokens=batch_tokens, threads=threads, reproducible=True)
        translator = Translator(model_dir, options)
        results = translator.translate_texts(order, progress=False)
        runs.append({source: (r.text, r.score) for source, r in zip(order, results)})
    assert runs[0] == runs[1]
    pieces = translator._source_spm.encode([translator.model_input(s) for s in sources])
    assert len({length_limit(len(p), options) for p in pieces}) > 10  # many lengths, many limits


def test_reproducible_is_in_the_cache_key_only_when_set():
    """Caches written before the option existed keep matching the default options."""
    default = TranslateOptions().output_key()
    assert "reproducible" not in default
    assert TranslateOptions(reproducible=True).output_key() != default


def test_translate_with_cache_and_resume(model_dir, tmp_path, monkeypatch):
    cache = TranslationCache(tmp_path / "cache.sqlite")
    options = TranslateOptions(max_batch_tokens=64)
    translator = Translator(model_dir, options, cache)
    stats = TranslationStats()
    first = translator.translate_texts(SOURCES + SOURCES[:1], progress=False, stats=stats)
    assert stats.translated == len(SOURCES) and stats.from_cache == 0 and stats.segments == 5
    assert all(r.text and r.score < 0 and not r.cached for r in first)
    assert first[0] == first[-1]

    stats = TranslationStats()
    repeated = translator.translate_texts(SOURCES, progress=False, stats=stats)  # the same run: repeats
    assert stats.translated == 0 and stats.from_cache == 0 and stats.repeated == len(SOURCES)
    assert not any(r.cached for r in repeated)

    stats = TranslationStats()
    second = Translator(model_dir, options, cache).translate_texts(SOURCES, progress=False, stats=stats)
    assert stats.translated == 0 and stats.from_cache == len(SOURCES) and stats.repeated == 0
    assert [r[:3] for r in second] == [r[:3] for r in first[:-1]] and all(r.cached for r in second)

    # another beam size is another cache entry, never a stale hit
    other = Translator(model_dir, TranslateOptions(beam_size=1, max_batch_tokens=64), cache)
    stats = TranslationStats()
    other.translate_texts(SOURCES, progress=False, stats=stats)
    assert stats.translated == len(SOURCES)


def test_interrupted_run_resumes_from_cache(model_dir, tmp_path, monkeypatch):
    path = tmp_path / "cache.sqlite"
    translator = Translator(model_dir, TranslateOptions(max_batch_tokens=40), TranslationCache(path))
    real = translator._read_batch
    calls = []

    def crash_after_first_batch(texts, *rest):
        if calls:
            raise KeyboardInterrupt
        calls.append(len(texts))
        return real(texts, *rest)

    monkeypatch.setattr(translator, "_read_batch", crash_after_first_batch)
    with pytest.raises(KeyboardInterrupt):
        translator.translate_texts(SOURCES, progress=False)
    assert 0 < calls[0] < len(SOURCES)

    resumed = Translator(model_dir, TranslateOptions(max_batch_tokens=40), TranslationCache(path))
    stats = TranslationStats()
    resumed.translate_texts(SOURCES, progress=False, stats=stats)
    assert stats.from_cache == calls[0] and stats.translated == len(SOURCES) - calls[0]


def test_decoding_limit_is_detected(model_dir):
    """Random weights loop until the length limit: every hypothesis must be flagged truncated."""
    options = TranslateOptions(max_length_ratio=0.5, max_length_margin=2)
    results = Translator(model_dir, options).translate_texts(SOURCES[:2], progress=False)
    assert all("truncated" in r.flags for r in results)
    assert length_limit(10, options) == 7


def test_finished_hypotheses_are_not_flagged_truncated(tmp_path):
    """A model whose output bias favours </s> stops by itself: no truncation flag."""
    import tinymodel
    from conftest import arabic_lines, english_lines
    from parallel.translate.models import import_model

    release = tinymodel.write_marian_model(tmp_path / "release", arabic_lines(), english_lines(), eos_bias=50.0)
    stopping = import_model(release, name="stops", models_dir=tmp_path / "models")
    results = Translator(stopping).translate_texts(SOURCES, progress=False)
    assert all("truncated" not in r.flags for r in results)
    assert all(len(r.text) < 20 for r in results)


def test_arabic_indic_digits_are_normalised_for_the_model(model_dir):
    translator = Translator(model_dir, TranslateOptions(beam_size=1))
    western, eastern = translator.translate_texts(["بلغ العدد 2023 جنديا", "بلغ العدد ٢٠٢٣ جنديا"], progress=False)
    assert western[:2] == eastern[:2]


def test_translate_segments_keeps_order_and_ids(model_dir):
    segments = [Segment("doc", 1, i + 1, text) for i, text in enumerate(SOURCES)]
    translations = Translator(model_dir).translate_segments(segments, progress=False)
    assert [t.segment.id for t in translations] == [f"doc:1:{i}" for i in range(1, 5)]


def test_translate_stream_keeps_order_and_reads_input_chunk_by_chunk(model_dir):
    # repeats fall in other batches: only reproducible batching gives them the same score
    translator = Translator(model_dir, TranslateOptions(reproducible=True))
    texts = SOURCES * 3  # repeats fall in different chunks
    segments = [Segment("d", 1, i + 1, text) for i, text in enumerate(texts)]
    pulled = []

    def source():
        for segment in segments:
            pulled.append(segment)
            yield segment

    stream = translator.translate_stream(source(), progress=False, chunk_size=5)
    first = next(stream)
    assert len(pulled) == 5  # one chunk read, not the whole input
    streamed = [first, *stream]
    whole = translator.translate_segments(segments, progress=False)
    assert [t.segment for t in streamed] == segments
    assert [(t.text, t.score, t.flags) for t in streamed] == [(t.text, t.score, t.flags) for t in whole]


@pytest.mark.parametrize("threads, device, split", [(1, "cpu", (1, 1)), (2, "cpu", (2, 1)), (16, "cpu", (4, 4)),
                                                     (6, "cpu", (4, 1)), (8, "cuda", (1, 8))])
def test_threads_go_to_parallel_batches_first_on_cpu(threads, device, split):
    assert TranslateOptions(threads=threads, device=device).thread_split() == split


def test_batch_tokens_default_per_device():
    assert TranslateOptions(threads=2).resolved_batch_tokens() == 512
    assert TranslateOptions(threads=16).resolved_batch_tokens() == 512 * 4
    assert TranslateOptions(threads=8, device="cuda").resolved_batch_tokens() == 2048
    assert TranslateOptions(threads=2, max_batch_tokens=100).resolved_batch_tokens() == 100


def test_a_long_input_is_translated_in_parts_and_flagged_split(tmp_path, monkeypatch):
    """Over the input limit, a segment is cut at clause boundaries, each part translated, and the
    parts joined; the model never reads more than the limit and nothing is cut silently."""
    import tinymodel
    from conftest import arabic_lines, english_lines
    from parallel.translate.models import import_model

    release = tinymodel.write_marian_model(tmp_path / "release", arabic_lines(), english_lines(), eos_bias=50.0)
    stopping = import_model(release, name="stops", models_dir=tmp_path / "models")
    translator = Translator(stopping, TranslateOptions(max_input_tokens=30))
    seen = []
    real = translator._submit_batch
    monkeypatch.setattr(translator, "_submit_batch", lambda pieces: seen.extend(map(len, pieces)) or real(pieces))
    long_text = "، ".join(SOURCES[:3])
    short, long = translator.translate_texts([SOURCES[3], long_text], progress=False)
    assert translator.count_tokens([long_text])[0] > 60
    assert len(seen) >= 4 and max(seen) <= translator.content_limit == 29
    assert "split" in long.flags and "truncated" not in long.flags
    assert "split" not in short.flags


def test_entities_the_model_writes_are_unescaped_and_flagged(model_dir):
    from parallel.translate.translator import _PartResult

    translator = Translator(model_dir)
    result = translator._assemble("قال نعم", [(0, _PartResult("He said &quot;yes&quot;", -1.0, 6, False))])
    assert result.text == 'He said "yes"' and "entities" in result.flags


def test_empty_texts_are_not_sent_to_the_model(model_dir, monkeypatch):
    translator = Translator(model_dir)
    monkeypatch.setattr(translator, "_submit_batch", lambda pieces: pytest.fail("model called"))
    results = translator.translate_texts(["", "  \u200f "], progress=False)
    assert [r[:3] for r in results] == [("", 0.0, ()), ("", 0.0, ())]


def test_translate_lines_keeps_every_line_and_scores(runner, installed_models, tmp_path):
    """A test set in two commands: translate --lines, then score; an empty line stays a line."""
    from conftest import FLORES
    from parallel.cli.main import cli

    source = FLORES / "flores200-devtest.ara"
    if not source.is_file():
        source = tmp_path / "set.ara"
        source.write_text("\n".join(SOURCES * 3) + "\n", encoding="utf-8")
    lines = source.read_text(encoding="utf-8").splitlines()
    result = runner.invoke(cli, ["translate", "--lines", str(source), "--models-dir", str(installed_models),
                                 "--beam-size", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    hypothesis = tmp_path / "set.hyp"
    hypothesis.write_text(result.stdout, encoding="utf-8")
    assert len(result.stdout.splitlines()) == len(lines)
    reference = source.with_suffix(".eng") if source.with_suffix(".eng").is_file() else source
    scored = runner.invoke(cli, ["score", str(hypothesis), str(reference), "--json"])
    assert scored.exit_code == 0, scored.output

    with_blank = tmp_path / "blank.ara"
    with_blank.write_text(f"{SOURCES[0]}\n\n{SOURCES[1]}\n", encoding="utf-8")
    result = runner.invoke(cli, ["translate", "--lines", str(with_blank), "--jsonl", "--models-dir",
                                 str(installed_models), "--beam-size", "1", "--no-cache"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["blank:1:1", "blank:2:1", "blank:3:1"]
    assert records[1]["mt"] == "" and records[0]["mt"] and records[2]["mt"]


def test_each_batch_reaches_the_cache_while_later_ones_decode(model_dir, tmp_path, monkeypatch):
    """Batches are queued a few ahead, not all at once: CTranslate2 blocks the queuing of a long
    list until most of it is decoded, and nothing was stored (or shown) before the end."""
    from conftest import FLORES

    source = FLORES / "flores200-dev.ara"
    texts = source.read_text(encoding="utf-8").splitlines()[:300] if source.is_file() else SOURCES * 50
    translator = Translator(model_dir, TranslateOptions(max_batch_tokens=64, threads=2),
                            TranslationCache(tmp_path / "cache.sqlite"))
    submitted, stored = [], []
    real_submit, real_put = translator._submit_batch, translator.cache.put_many
    monkeypatch.setattr(translator, "_submit_batch", lambda pieces: submitted.append(1) or real_submit(pieces))
    monkeypatch.setattr(translator.cache, "put_many",
                        lambda rows: stored.append((len(submitted), len(translator.cache))) or real_put(rows))
    translator.translate_texts(texts, progress=False)
    assert len(submitted) > 20
    assert stored[0][0] <= 2 * translator.options.thread_split()[0] + 1  # the first stored before most are queued
    assert len(stored) == len(submitted)
