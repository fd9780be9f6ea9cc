import json
import subprocess
import sys

import pytest
import sacrebleu

from conftest import SHARED
from parallel.cli.main import cli
from parallel.records import Document, Segment, Translation
from parallel.score.metrics import (
    CorpusStatistics,
    corpus_scores,
    format_score,
    item_scores,
    item_scores_from_statistics,
    score_lines,
)
from parallel.score.references import align_reference, score_against_references

REFERENCE = ["The coalition said on Friday that its mission in Iraq would end next year.",
             "Officials declined to say how many troops would stay in the country."]


def _translations(doc_id, paragraphs):
    return [Translation(Segment(doc_id, p, 1, "مصدر"), text, -0.5) for p, text in enumerate(paragraphs, start=1)]


def test_corpus_scores_match_sacrebleu_and_carry_signatures():
    hyps = ["The coalition said Friday its Iraq mission would end next year.",
            "Officials would not say how many soldiers would remain."]
    scores = {s.metric: s for s in corpus_scores(hyps, REFERENCE, ("bleu", "chrf", "chrf++", "ter"))}
    assert scores["bleu"].score == sacrebleu.corpus_bleu(hyps, [REFERENCE]).score
    assert scores["chrf"].score == sacrebleu.corpus_chrf(hyps, [REFERENCE]).score
    assert scores["bleu"].signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert "nw:2" in scores["chrf++"].signature and "nw:0" in scores["chrf"].signature


def test_scores_summed_chunk_by_chunk_equal_sacrebleus_corpus_score(monkeypatch):
    """CorpusStatistics keeps one chunk of reference n-grams at a time; the score must not move."""
    references = [f"{sentence} It was item {n} of the list, said officials on day {n % 7}."
                  for n, sentence in enumerate(REFERENCE * 20)]
    hypotheses = [" ".join(reversed(r.split()[: 3 + n % 5])) + " " + r[n % 9:] for n, r in enumerate(references)]
    monkeypatch.setattr(CorpusStatistics, "CHUNK_CHARACTERS", 300)  # a chunk every 3-4 items
    chunks = []  # items per chunk, once per metric
    streamed = CorpusStatistics(("bleu", "chrf", "chrf++", "ter"))
    for metric in streamed.metrics.values():
        monkeypatch.setattr(metric, "_extract_corpus_statistics", lambda hyps, refs, extract=metric._extract_corpus_statistics:
                            chunks.append(len(hyps)) or extract(hyps, refs))
    first = streamed.add(hypotheses[:15], references[:15])
    streamed.add(hypotheses[15:], references[15:])
    assert len(chunks) > 4 * 8 and sum(chunks) == 4 * len(hypotheses) and streamed.items == len(hypotheses)
    assert [m.score for m in streamed.scores(first)] == [m.score for m in corpus_scores(
        hypotheses[:15], references[:15], ("bleu", "chrf", "chrf++", "ter"))]
    for metric, expected in zip(streamed.scores(), (sacrebleu.BLEU(), sacrebleu.CHRF(), sacrebleu.CHRF(word_order=2),
                                                      sacrebleu.TER())):
        assert metric.score == expected.corpus_score(hypotheses, [references]).score
        assert metric.signature == str(expected.get_signature())
    assert CorpusStatistics().scores() == []


def test_an_items_scores_from_its_statistics_are_sacrebleus_sentence_scores():
    """Per-document scores reuse the statistics of the corpus score instead of extracting them twice."""
    metrics = ("bleu", "chrf", "chrf++", "ter")
    hypotheses = ["The coalition said Friday its Iraq mission would end next year.", "Officials would not say.",
                  "", "the coalition said on friday that its mission in iraq would end next year."]
    references = [REFERENCE[0], REFERENCE[1], REFERENCE[1], REFERENCE[0]]
    items = CorpusStatistics(metrics).add_items(hypotheses, references)
    for hypothesis, reference, statistics in zip(hypotheses, references, items):
        scores = item_scores_from_statistics(statistics)
        assert scores == item_scores(hypothesis, reference, metrics)
        assert scores["bleu"] == round(sacrebleu.sentence_bleu(hypothesis, [reference]).score, 4)
        assert scores["chrf"] == round(sacrebleu.sentence_chrf(hypothesis, [reference]).score, 4)
    assert len({tuple(scores.values()) for scores in map(item_scores_from_statistics, items)}) == len(items)


def test_perfect_translation_scores_100_at_both_levels():
    document = Document("doc", ["عنوان", "نص"])
    result = score_against_references([document], _translations("doc", REFERENCE),
                                      {"doc": Document("doc", REFERENCE)})
    assert [m["score"] for m in result["document_level"]["metrics"]] == pytest.approx([100.0, 100.0])
    assert [m["score"] for m in result["paragraph_level"]["metrics"]] == pytest.approx([100.0, 100.0])
    assert result["paragraph_level"]["items"] == 2 and result["document_level"]["per_document"]["doc"]["chrf"] == 100.0


def test_scoring_a_chunk_leaves_sacrebleus_tokenizer_caches_empty():
    """In a long run the caches only grow (each chunk's sentences are new): emptied after each chunk,
    and the scores are those of a run with the caches in use."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    from sacrebleu.tokenizers.tokenizer_re import TokenizerRegexp

    document = Document("doc", ["عنوان", "نص"])
    hypotheses = _translations("doc", ["A title.", "The text, with more words than before."])
    expected = sacrebleu.corpus_bleu([" ".join(t.text for t in hypotheses)], [[" ".join(REFERENCE)]]).score
    result = score_against_references([document], hypotheses, {"doc": Document("doc", REFERENCE)})
    assert result["document_level"]["metrics"][0]["score"] == pytest.approx(expected)
    assert Tokenizer13a.__call__.cache_info().currsize == 0 == TokenizerRegexp.__call__.cache_info().currsize


def test_paragraph_mismatch_is_skipped_and_said():
    document = Document("doc", ["عنوان", "نص", "فقرة"])
    result = score_against_references([document], _translations("doc", REFERENCE + ["x"]),
                                      {"doc": Document("doc", REFERENCE)})
    assert "doc" in result["paragraph_level"]["skipped_documents"]
    assert result["document_level"]["items"] == 1
    assert score_against_references([document], [], {}) == {}


FLORES_DEV = SHARED / "testsets" / "ara-eng" / "flores200-dev.eng"


def _hypothesis_file(tmp_path, reference_lines, drop_every):
    """A deterministic imperfect 'system output': every n-th word dropped, some lines lowercased."""
    lines = []
    for number, line in enumerate(reference_lines):
        words = [w for i, w in enumerate(line.split()) if (i + number) % drop_every]
        lines.append(" ".join(words).lower() if number % 3 == 0 else " ".join(words))
    path = tmp_path / f"hyp{drop_every}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def flores_dev():
    if not FLORES_DEV.is_file():
        pytest.skip("FLORES-200 dev not found beside the project (../shared/testsets)")
    return FLORES_DEV


def test_score_cli_matches_the_sacrebleu_command(runner, tmp_path, flores_dev):
    hypothesis = _hypothesis_file(tmp_path, flores_dev.read_text(encoding="utf-8").splitlines(), 5)
    ours = runner.invoke(cli, ["score", str(hypothesis), str(flores_dev), "--metrics", "bleu,chrf,chrf++,ter",
                               "--json"])
    assert ours.exit_code == 0, ours.output
    ours = {r["name"]: r for r in json.loads(ours.output)}
    command = [sys.executable, "-m", "sacrebleu", str(flores_dev), "-i", str(hypothesis), "-m", "bleu", "chrf",
               "ter", "-w", "4"]
    theirs = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    chrf_pp = json.loads(subprocess.run(command[:6] + ["-m", "chrf", "--chrf-word-order", "2", "-w", "4"],
                                        capture_output=True, text=True, check=True).stdout)
    for result in theirs + [chrf_pp]:
        mine = ours[result["name"]]
        assert f"{mine['score']:.4f}" == f"{result['score']:.4f}", result["name"]
        assert mine["signature"] == result["signature"]
    assert 0 < ours["BLEU"]["score"] < 100


def test_score_confidence_and_paired_test(runner, tmp_path, flores_dev):
    reference_lines = flores_dev.read_text(encoding="utf-8").splitlines()[:200]
    reference = tmp_path / "ref.txt"
    reference.write_text("\n".join(reference_lines) + "\n", encoding="utf-8")
    worse, better = _hypothesis_file(tmp_path, reference_lines, 3), _hypothesis_file(tmp_path, reference_lines, 9)
    result = runner.invoke(cli, ["score", str(worse), str(reference), "--confidence", "--json"])
    bleu = json.loads(result.output)[0]
    assert "bs:1000|seed:12345" in bleu["signature"] and bleu["confidence_interval"] > 0
    compared = json.loads(runner.invoke(cli, ["score", str(worse), str(reference), "--compare", str(better),
                                              "--json"]).output)
    baseline, other = compared["systems"]
    assert other["BLEU"]["score"] > baseline["BLEU"]["score"] and other["BLEU"]["p_value"] < 0.05


def test_score_cli_errors(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one\ntwo\n")
    b.write_text("one\n")
    mismatch = runner.invoke(cli, ["score", str(a), str(b)])
    assert mismatch.exit_code == 2 and "1 lines, but" in mismatch.output and mismatch.output.count("\n") == 1
    unknown = runner.invoke(cli, ["score", str(a), str(a), "--metrics", "bleu,meteor"])
    assert unknown.exit_code == 2 and "unknown metric meteor" in unknown.output


def test_sentence_level_aligns_reference_sentences_to_our_segments():
    sources = ["وزراء يجتمعون في القاهرة", "بدأت المحادثات يوم الاثنين بمشاركة 12 وفدا.", "وستستمر حتى يوم الجمعة.",
               "ومن المنتظر صدور بيان بعد ذلك."]
    document = Document("doc", [sources[0], " ".join(sources[1:3]), sources[3]])
    mt = [("doc", 1, 1, "Ministers meet in Cairo"),
          ("doc", 2, 1, "The talks began on Monday with 12 delegations."),
          ("doc", 2, 2, "They will continue until Friday."),
          ("doc", 3, 1, "A statement is expected afterwards.")]
    translations = [Translation(Segment(d, p, i, source), text, -0.5) for (d, p, i, text), source in zip(mt, sources)]
    reference = Document("doc", [
        "Ministers meet in Cairo",
        "The talks began on Monday with 12 delegations and will continue until Friday.",
        "A statement is expected afterwards. Officials gave no further details of the agenda or of who attended.",
    ])
    alignment = align_reference(translations, reference)
    by_segment = alignment.by_segment()
    assert by_segment["doc:1:1"].target == "Ministers meet in Cairo" and by_segment["doc:1:1"].chrf == 100.0
    joined = by_segment["doc:2:1"]  # our two segments against the one reference sentence: one item
    assert joined is by_segment["doc:2:2"] and joined.source_ids == ("doc:2:1", "doc:2:2")
    assert joined.target_ids == ("doc:2:1",) and 50 < joined.chrf < 100
    assert by_segment["doc:3:1"].target == "A statement is expected afterwards."
    assert alignment.unaligned_reference == ["Officials gave no further details of the agenda or of who attended."]

    scores = score_against_references([document], translations, {"doc": reference})["sentence_level"]
    assert scores["items"] == 3 and scores["unaligned_reference_sentences"] == 1
    assert scores["unaligned_segments"] == 0 and scores["per_document"]["doc"]["items"] == 3
    chrf = next(m for m in scores["metrics"] if m["metric"] == "chrf")
    expected = sacrebleu.corpus_chrf([m.mt for m in alignment.matches], [[m.target for m in alignment.matches]])
    assert chrf["score"] == expected.score and chrf["signature"].startswith("nrefs:1")


def test_the_private_sacrebleu_calls_give_corpus_score_exactly():
    """parallel.score.sacrebleu_stats is the one place using sacrebleu's private API: per-item statistics,
    summed, must score as sacrebleu's public corpus_score does, for every metric we offer."""
    from sacrebleu.metrics import BLEU, CHRF, TER
    from sacrebleu.utils import sum_of_lists

    from parallel.score import sacrebleu_stats as sacrebleu_stats

    hypotheses = ["the cat sat on the mat .", "He go home yesterday", "", "Good morning, all"]
    references = ["the cat sat on a mat .", "He went home yesterday .", "Nothing here", "Good morning"]
    for metric in (BLEU(), CHRF(), CHRF(word_order=2), TER()):
        statistics = sacrebleu_stats.item_statistics(metric, hypotheses, references)
        assert len(statistics) == len(hypotheses)
        ours = sacrebleu_stats.score_from_statistics(metric, sum_of_lists(statistics))
        public = type(metric)(**({"word_order": 2} if getattr(metric, "word_order", 0) else {})).corpus_score(
            hypotheses, [references])
        assert ours.score == public.score and str(ours) == str(public)
    sacrebleu_stats.check_version("2.6.0")
    for unsupported in ("1.5.1", "3.0.0"):
        with pytest.raises(RuntimeError, match="not supported"):
            sacrebleu_stats.check_version(unsupported)


def test_a_metric_score_formats_itself():
    score = score_lines(["the cat sat on the mat ."], [["the cat sat on a mat ."]], ["bleu"])[0]
    assert score.format(2) == format_score(score, 2) and score.format(2).startswith("BLEU")
    assert score.to_json()["signature"] == score.signature
