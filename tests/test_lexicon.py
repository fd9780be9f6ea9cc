"""The word table learned for aligning without MT (lexicon.py), on hand-made text."""
from __future__ import annotations

from parallel.alignment.aligner import (
    EVIDENCE_FEATURES,
    AlignOptions,
    Bead,
    align,
    document_features,
    fit_collection_evidence,
    pair_evidence,
)
from parallel.alignment.lexicon import (
    align_documents,
    arabic_words,
    bead_texts,
    cross_fitted_lexicons,
    english_words,
    learn_lexicon,
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


def test_each_round_fits_what_the_tables_similarity_is_worth_on_the_collection():
    documents = [(ARABIC[k:k + 6], ENGLISH[k:k + 6]) for k in (0, 1, 2)] * 4
    paragraphs = [(None, None)] * len(documents)
    aligned = [align(source, target) for source, target in documents]
    lexicons = cross_fitted_lexicons([bead_texts(s, t, b) for (s, t), b in zip(documents, aligned)], 2)
    fit = fit_collection_evidence(documents, aligned, AlignOptions(), paragraphs, lexicons=lexicons)
    assert len(fit.weights) == len(EVIDENCE_FEATURES) + 1 and fit.weights[-1] > 0   # the cosine, last
    features = document_features(*documents[0], options=AlignOptions(), lexicon=lexicons[0])
    own = pair_evidence(*features, [(i, i) for i in range(6)], AlignOptions())
    others = pair_evidence(*features, [(i, (i + 3) % 6) for i in range(6)], AlignOptions())
    assert own[:, -1].mean() > others[:, -1].mean() + 0.2
    assert (fit.log_ratio(own) > 0).all() and (fit.log_ratio(others) < 0).all()
    assert fit_collection_evidence(documents[:1], aligned[:1], AlignOptions(), paragraphs[:1], lexicons=lexicons) \
        is None   # 6 pairs: too few to fit
