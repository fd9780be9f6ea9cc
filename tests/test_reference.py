"""Our model path computes what OPUS-MT computes: ``parallel translate`` against Hugging Face's
``MarianMTModel.generate`` on the same random weights, for both ways a model arrives.

- a Hugging Face folder (``MarianMTModel`` + ``MarianTokenizer`` files) → ``parallel model import``;
- an OPUS-MT release zip (Marian ``.npz``) → ``parallel model import``, against the same weights
  mapped onto ``MarianMTModel`` by ``hftwin.release_to_hf`` (independently of CTranslate2's
  converter);

each in the two shapes of the registry's models (transformer-base, transformer-big) with a small
vocabulary, greedy and beam 4, float32.  Identical outputs on identical weights prove the pieces,
``</s>``, the decoder start, the vocabulary and the length limit; random weights say nothing of
quality.  The output bias of ``</s>`` is set so that about half of the hypotheses end at once
and the rest run to the decoding limit, so both ways of ending are compared.
"""
from __future__ import annotations

import json

import pytest

import tinymodel
from conftest import FLORES, REQUIRE_EXTERNAL, arabic_lines, english_lines

from parallel.cli import cli
from parallel.translate import TranslateOptions, Translator, length_limit

try:
    import hftwin
    import transformers  # noqa: F401
except ImportError as exc:  # `make test` installs torch and transformers; a bare pytest may not have them
    if REQUIRE_EXTERNAL:
        raise
    pytest.skip(f"the reference comparison needs torch and transformers ({exc})", allow_module_level=True)

# Output bias of </s> per shape and origin: about half the hypotheses end at the first step.
EOS_BIAS = {("transformer-base", "huggingface"): 4.0, ("transformer-base", "release"): 4.0,
            ("transformer-big", "huggingface"): 3.0, ("transformer-big", "release"): 4.0}
# Sentences compared per beam size: 100 FLORES dev for transformer-base; the big shape, four times
# the arithmetic, compares fewer with beam search to keep the suite's time.
SENTENCES = {("transformer-base", 1): 100, ("transformer-base", 4): 100,
             ("transformer-big", 1): 100, ("transformer-big", 4): 30}
DIFFERENCES_ALLOWED = 0.01  # the acceptance: identical on >= 99 %


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
    reference = hftwin.generate_reference(reference_dir, prepared, beam_size, limits)

    differences = [(i, a, b) for i, (a, b) in enumerate(zip(ours, reference)) if a != b]
    assert len(ours) == len(reference) == len(sources)
    assert len(differences) <= DIFFERENCES_ALLOWED * len(sources), differences[:3]
    ended_at_once = sum(len(text.split()) <= 1 for text in reference)
    assert 0 < ended_at_once < len(sources), "both ways of ending are compared"
