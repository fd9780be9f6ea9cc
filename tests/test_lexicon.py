"""The word table learned for aligning without MT (lexicon.py), on hand-made text."""
from __future__ import annotations

import numpy as np

from parallel.align import Bead, align
from parallel.align_model import SimilarityFit, fit_similarity, one_to_one_and_neighbours
from parallel.lexicon import (
    align_documents,
    arabic_words,
    bead_texts,
    cross_fitted_lexicons,
    english_words,
    fit_lexicon_similarity,
    learn_lexicon,
    pair_cosines,
)
from test_align import ARABIC, ENGLISH, NO_ANCHORS, UNRELATED, one_to_one, pairs


def test_arabic_words_are_normalised_and_lightly_stemmed():
    assert arabic_words("والكتابُ") == ["كتاب"]
    assert arabic_words("آخر مستشفى") == ["اخر", "مستشف"]       # alef variants; final ى read as ي, a suffix
    assert arabic_words("المدرسة مدرستها") == ["مدرس", "مدرست"]   # one proclitic group, one suffix
    assert arabic_words("في UNICEF 12") == ["في"]                 # Latin words and digits are not Arabic words
    assert english_words("Scientists' scientific work") == ["scient", "scient", "work"]


def test_model_1_learns_which_words_translate_which():
    pairs = [("قطة كبيرة", "a big cat"), ("قطة صغيرة", "a small cat"), ("كلب كبير", "a big dog"),
             ("كلب صغير", "a small dog"), ("بيت كبير", "a big house")]
    lexicon = learn_lexicon(pairs)

    def best(arabic: str) -> str:
        return max(lexicon.translations[arabic], key=lambda item: item[1])[0]
    assert [best(word) for word in ("قط", "كلب", "كبير", "صغير", "بيت")] == ["cat", "dog", "big", "small", "house"]
    assert lexicon.weight("a") < lexicon.weight("house")   # idf: a word in every pair weighs least


def test_a_table_that_knows_the_words_finds_an_inserted_sentence_of_plausible_length():
    lexicon = learn_lexicon(zip(ARABIC, ENGLISH))   # here learned from the true pairs themselves
    wrong_without = 0
    for position in range(1, len(ENGLISH)):
        for unrelated in UNRELATED:
            target = ENGLISH[:position] + [unrelated] + ENGLISH[position:]
            gold = ([((i,), (i,)) for i in range(position)] + [((), (position,))]
                    + [((i,), (i + 1,)) for i in range(position, len(ARABIC))])
            assert pairs(align(ARABIC, target, lexicon=lexicon)) == gold, (position, unrelated)
            wrong_without += pairs(align(ARABIC, target)) != gold
    assert wrong_without > 0   # length and anchors alone pair some of them


def test_each_document_is_realigned_with_a_table_learned_from_the_other_fold():
    documents = [[("قطة كبيرة", "a big cat")], [("كلب صغير", "a small dog")],
                 [("بيت جديد", "a new house")], [("شجرة طويلة", "a tall tree")]]
    lexicons = cross_fitted_lexicons(documents, folds=2)
    assert "كلب" in lexicons[0].translations and "شجر" in lexicons[0].translations
    assert "قط" not in lexicons[0].translations and "بيت" not in lexicons[0].translations
    assert "قط" in lexicons[1].translations and "كلب" not in lexicons[1].translations


def test_align_documents_pairs_many_documents_and_falls_back_to_length_for_one():
    documents = [(ARABIC[k:k + 4], ENGLISH[k:k + 4]) for k in (0, 2, 4)]
    assert [pairs(beads) for beads in align_documents(documents)] == [one_to_one(4)] * 3
    assert align_documents(documents[:1]) == [align(*documents[0])]
    beads = [Bead((0,), (0,)), Bead((1,), ()), Bead((), (1,))]
    assert bead_texts(["a", "b"], ["x", "y"], beads) == [("a", "x")]


def test_align_documents_gives_a_short_document_the_ratio_of_all_of_them():
    short = ([ARABIC[3], NO_ANCHORS], [ENGLISH[3]])    # the second sentence's translation is missing
    documents = [(ARABIC[:4], ENGLISH[:4]), (ARABIC[4:], ENGLISH[4:]), short]
    assert pairs(align_documents(documents)[2]) == [((0,), (0,)), ((1,), ())]
    # the length pass alone (no table learned): the pooled ratio is what finds the gap
    assert pairs(align_documents(documents, rounds=0)[2]) == [((0,), (0,)), ((1,), ())]
    assert pairs(align_documents(documents, rounds=0, pool_ratio=False)[2]) == [((0, 1), (0,))]


def test_a_similarity_fit_is_a_likelihood_ratio_whatever_the_sample_sizes():
    rng = np.random.default_rng(0)
    translations = rng.normal(0.30, 0.08, 400)
    neighbours = rng.normal(0.05, 0.08, 400)
    fit = fit_similarity(translations, neighbours)
    # two normals of equal spread: log ratio = (m1 - m0) / s^2 x cosine + constant, zero half-way
    assert abs(fit.slope - 0.25 / 0.08 ** 2) < 0.15 * 0.25 / 0.08 ** 2
    assert abs(float(fit.log_ratio(np.array(0.175)))) < 0.5
    assert fit.log_ratio(np.array(0.3)) > 2 and fit.log_ratio(np.array(0.05)) < -2
    # four times as many neighbours: the posterior moves, the likelihood ratio does not
    more = fit_similarity(translations, np.concatenate([neighbours, rng.normal(0.05, 0.08, 1200)]))
    assert abs(more.intercept - fit.intercept) < 0.5 and abs(more.slope - fit.slope) < 0.15 * fit.slope
    # pairs that never overlap still give a finite fit; too few pairs give none
    separated = fit_similarity(np.linspace(0.5, 0.9, 30), np.linspace(0.0, 0.1, 30))
    assert np.isfinite(separated.slope) and separated.slope > 0
    assert fit_similarity(translations[:5], neighbours) is None


def test_each_round_fits_what_the_tables_similarity_is_worth_on_the_collection():
    documents = [(ARABIC[k:k + 6], ENGLISH[k:k + 6]) for k in (0, 1, 2)] * 4
    aligned = [align(source, target) for source, target in documents]
    lexicons = cross_fitted_lexicons([bead_texts(s, t, b) for (s, t), b in zip(documents, aligned)], 2)
    ones, others = one_to_one_and_neighbours(aligned[0])
    assert ones == [(i, i) for i in range(6)]
    assert (0, 2) in others and (2, 0) in others and len(others) == 8
    pairs = [(ARABIC[i], ENGLISH[j]) for i, j in ones]
    neighbours = [(ARABIC[i], ENGLISH[j]) for i, j in others]
    own = pair_cosines(lexicons[0], pairs, 1024)
    other = pair_cosines(lexicons[0], neighbours, 1024)
    assert own.mean() > other.mean() + 0.2
    fit = fit_lexicon_similarity(documents, aligned, lexicons, 1024)
    assert fit != SimilarityFit() and fit.slope > 0
    assert fit.log_ratio(np.median(own)) > 0 > fit.log_ratio(np.median(other))
