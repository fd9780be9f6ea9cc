"""Our model path computes what OPUS-MT computes: ``parallel translate`` against Hugging Face's
``MarianMTModel.generate`` on the same random weights, for both ways a model arrives.

- a Hugging Face folder (``MarianMTModel`` + ``MarianTokenizer`` files) → ``parallel model import``;
- an OPUS-MT release zip (Marian ``.npz``) → ``parallel model import``, against the same weights
  mapped onto ``MarianMTModel`` by ``hftwin.release_to_hf`` (independently of CTranslate2's
  converter);

each in the two shapes of the registry's models (transformer-base, transformer-big) with a small
vocabulary, greedy and beam 4, float32.  Identical outputs on identical weights prove the pieces,
``</s>``, the decoder start, the vocabulary and the length limit; random weights say nothing of
quality.  The output bias of ``</s>`` is set so that most hypotheses end at once and some run to
the decoding limit, so both ways of ending are compared.
"""
from __future__ import annotations

import json

import pytest

import tinymodel
from conftest import FLORES, REQUIRE_EXTERNAL, arabic_lines, english_lines
from parallel.cli.main import cli
from parallel.translate.translator import TranslateOptions, Translator, length_limit

try:
    import transformers  # noqa: F401

    import hftwin
except ImportError as exc:  # `make test` installs torch and transformers; a bare pytest may not have them
    if REQUIRE_EXTERNAL:
        raise
    pytest.skip(f"the reference comparison needs torch and transformers ({exc})", allow_module_level=True)

pytestmark = pytest.mark.slow

# Output bias of </s> per shape and origin: most hypotheses end at the first step, and 10 to 20
# of 100 run to the decoding limit (the costly ones for the reference to generate).
EOS_BIAS = {("transformer-base", "huggingface"): 4.3, ("transformer-base", "release"): 4.3,
            ("transformer-big", "huggingface"): 3.2, ("transformer-big", "release"): 4.0}
# Sentences compared per beam size: 100 FLORES dev for transformer-base; the big shape, four times
# the arithmetic, compares fewer to keep the suite's time.
SENTENCES = {("transformer-base", 1): 100, ("transformer-base", 4): 100,
             ("transformer-big", 1): 50, ("transformer-big", 4): 25}
DIFFERENCES_ALLOWED = 0.01  # greedy: identical on >= 99 %
# Beam search: a different output must be a tie, scored by the reference model itself within this
# of its own best.  Random weights make near-ties common where trained ones rarely do: </s> is
# likely at the first step, where both forbid it (a translation has at least one token) but
# CTranslate2 renormalises the other tokens' probabilities and Transformers does not, which moves
# the length-normalised scores of hypotheses of different lengths by a few thousandths; and
# looping hypotheses that run to the limit differ in their last tokens by less than that.
TIE = 0.01


def flores_dev(count: int) -> list[str]:
    path = FLORES / "flores200-dev.ara"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else arabic_lines()
    return lines[:count]


@pytest.fixture(scope="module", params=["transformer-base", "transformer-big"])
def shape_models(request, tmp_path_factory):
    """For one shape: {origin: (installed model name, Hugging Face reference folder)} and the models folder."""
    name = request.param
    shape = tinymodel.REGISTRY_SHAPES[name]
    work = tmp_path_factory.mktemp(name)
    release = tinymodel.write_marian_model(work / "release", arabic_lines(), english_lines(), shape=shape,
                                           eos_bias=EOS_BIAS[name, "release"])
    release_zip = tinymodel.zip_folder(release, work / "opus-2019-12-18.zip")
    hf_folder = hftwin.write_hf_marian(work / "hf", release, shape, eos_bias=EOS_BIAS[name, "huggingface"])
    models = work / "models"
    for source, model_name in ((release_zip, "from-release"), (hf_folder, "from-hf")):
        result = cli.main(["model", "import", str(source), "--name", model_name, "--quantization", "float32",
                           "--models-dir", str(models)], standalone_mode=False)
        assert result is None and (models / model_name / "manifest.json").is_file()
    references = {"release": ("from-release", hftwin.release_to_hf(release, work / "release-as-hf")),
                  "huggingface": ("from-hf", hf_folder)}
    return name, models, references


def translate_lines(runner, models, model_name, lines_file, beam_size) -> list[str]:
    result = runner.invoke(cli, ["translate", "--lines", str(lines_file), "--jsonl", "--model", model_name,
                                 "--models-dir", str(models), "--beam-size", str(beam_size),
                                 "--compute-type", "float32", "--reproducible", "--no-cache"])
    assert result.exit_code == 0, result.output
    return [json.loads(line)["mt"] for line in result.stdout.splitlines()]


def our_hypothesis_tokens(translator: Translator, prepared: str, limit: int) -> list[str]:
    """The tokens of our best hypothesis for one prepared sentence, decoded as ``Translator`` does."""
    pieces = translator._source_spm.encode(prepared, out_type=str)
    output = translator._translator.translate_batch(
        [translator.source_tokens(pieces)], beam_size=translator.options.beam_size, length_penalty=1.0,
        max_decoding_length=limit, return_end_token=True)[0]
    return output.hypotheses[0]


@pytest.mark.parametrize("origin", ["huggingface", "release"])
@pytest.mark.parametrize("beam_size", [1, 4])
def test_translations_equal_hugging_face_generate(shape_models, origin, beam_size, runner, tmp_path):
    shape_name, models, references = shape_models
    model_name, reference_dir = references[origin]
    sources = flores_dev(SENTENCES[shape_name, beam_size])
    lines_file = tmp_path / "dev.ara"
    lines_file.write_text("\n".join(sources) + "\n", encoding="utf-8")

    ours = translate_lines(runner, models, model_name, lines_file, beam_size)

    translator = Translator(models / model_name, TranslateOptions(beam_size=beam_size, compute_type="float32"))
    prepared = [translator.model_input(s) for s in sources]
    limits = [length_limit(n, translator.options) for n in translator.count_tokens(sources)]
    beams = hftwin.generate_reference(reference_dir, prepared, beam_size, limits)
    reference = [found[0][0] for found in beams]

    assert len(ours) == len(reference) == len(sources)
    differences = [(i, a, b) for i, (a, b) in enumerate(zip(ours, reference)) if a != b]
    if beam_size == 1:
        assert len(differences) <= DIFFERENCES_ALLOWED * len(sources), differences[:3]
    for index, mine, theirs in differences if beam_size > 1 else ():
        our_tokens = our_hypothesis_tokens(translator, prepared[index], limits[index])
        our_score = hftwin.reference_score(reference_dir, prepared[index], our_tokens)
        assert beams[index][0][1] - our_score <= TIE, f"sentence {index}: not a tie: {mine!r} vs {theirs!r}"
    assert len(differences) <= 0.1 * len(sources), "ties, but too many to be ties"
    print(f"{shape_name} {origin} beam {beam_size}: identical {len(sources) - len(differences)}/{len(sources)}")
    ended_at_once = sum(len(text.split()) <= 1 for text in reference)
    assert 0 < ended_at_once < len(sources), "both ways of ending are compared"


def test_a_hugging_face_import_reads_eos_after_the_source(shape_models, monkeypatch):
    """CTranslate2's Transformers converter leaves ``add_source_eos`` unset for Marian models; without
    our ``</s>`` the encoder reads another input and many translations change (the reference test
    above shows that with it they equal Transformers')."""
    from parallel.translate import translator as translate

    shape_name, models, references = shape_models
    if shape_name != "transformer-base":
        pytest.skip("one shape shows it")
    model_dir = models / references["huggingface"][0]
    assert not translate.model_adds_source_eos(model_dir)
    assert translate.model_adds_source_eos(models / references["release"][0])
    sources = flores_dev(40)
    options = TranslateOptions(beam_size=1, compute_type="float32", reproducible=True)
    with_eos = [r.text for r in Translator(model_dir, options).translate_texts(sources, progress=False)]
    monkeypatch.setattr(translate, "model_adds_source_eos", lambda folder: True)
    without = [r.text for r in Translator(model_dir, options).translate_texts(sources, progress=False)]
    assert sum(a != b for a, b in zip(with_eos, without)) >= 10
