import sacrebleu

from parallel.documents import Document, Segment, Translation
from parallel.score import corpus_scores, score_against_references

REFERENCE = ["The coalition said on Friday that its mission in Iraq would end next year.",
             "Officials declined to say how many troops would stay in the country."]


def _translations(doc_id, paragraphs):
    return [Translation(Segment(doc_id, p, 1, "مصدر"), text, -0.5) for p, text in enumerate(paragraphs, start=1)]


def test_corpus_scores_match_sacrebleu_and_carry_signatures():
    hyps = ["The coalition said Friday its Iraq mission would end next year.",
            "Officials would not say how many soldiers would remain."]
    scores = {s.metric: s for s in corpus_scores(hyps, REFERENCE, ("bleu", "chrf", "chrf++", "ter"))}
    assert scores["bleu"].score == round(sacrebleu.corpus_bleu(hyps, [REFERENCE]).score, 4)
    assert scores["chrf"].score == round(sacrebleu.corpus_chrf(hyps, [REFERENCE]).score, 4)
    assert scores["bleu"].signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a")
    assert "nw:2" in scores["chrf++"].signature and "nw:0" in scores["chrf"].signature


def test_perfect_translation_scores_100_at_both_levels():
    document = Document("doc", ["عنوان", "نص"])
    result = score_against_references([document], _translations("doc", REFERENCE),
                                      {"doc": Document("doc", REFERENCE)})
    assert [m["score"] for m in result["document_level"]["metrics"]] == [100.0, 100.0]
    assert [m["score"] for m in result["paragraph_level"]["metrics"]] == [100.0, 100.0]
    assert result["paragraph_level"]["items"] == 2 and result["document_level"]["per_document"]["doc"]["chrf"] == 100.0


def test_paragraph_mismatch_is_skipped_and_said():
    document = Document("doc", ["عنوان", "نص", "فقرة"])
    result = score_against_references([document], _translations("doc", REFERENCE + ["x"]),
                                      {"doc": Document("doc", REFERENCE)})
    assert "doc" in result["paragraph_level"]["skipped_documents"]
    assert result["document_level"]["items"] == 1
    assert score_against_references([document], [], {}) == {}
