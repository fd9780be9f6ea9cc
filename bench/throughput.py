"""Translation throughput: the pipeline against raw CTranslate2 and Hugging Face (`make bench`).

No real model can be downloaded here, so the benchmark builds one of the real size offline:
random weights in the shape of Helsinki-NLP/opus-mt-ar-en (6+6 layers, d_model 512, 8 heads,
FFN 2048, 62,834 vocabulary entries), written as an OPUS-MT Marian release and installed with
the pipeline's own converter (CTranslate2, int8).  Random weights decode to random lengths, so
the end-of-sentence logit is pushed to -10,000 (the model never stops by itself) and every system
decodes exactly up to the same lengths: ceil(1.2 x source pieces) per sentence, the longest
sentence's length for its whole batch.  All systems get the same SentencePiece pieces of the
same FLORES-200 dev+devtest Arabic sentences, in the same length-sorted token batches; the
``reproducible`` row is the pipeline with ``--reproducible``, which makes its own batches of one
length each (every sentence then decodes exactly its own length).  The ``ctranslate2-scores`` row
is raw CTranslate2 asked for what the pipeline asks besides the tokens (each translation's
log-probability, which the outputs carry as ``mt_score``, and the end token): the pipeline's own
overhead is its ratio to that row; its ratio to plain ``ctranslate2`` adds what the scores cost.

Target tokens/s counts the same useful tokens for every system: the sum over sentences of
ceil(1.2 x source pieces).  Ratios come from one run, side by side; absolute numbers depend on
the machine and are context only.  Hugging Face runs a randomly initialised MarianMTModel of
the same configuration (fp32, torch CPU); its weights differ from the CTranslate2 model's, which
does not matter for speed at fixed lengths.

Results are merged into ``bench/results.json`` under ``"throughput"``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TESTSETS = REPO.parent / "shared" / "testsets" / "ara-eng"
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))
from bench_results import merge_results, read_results  # noqa: E402
from peak_rss import run_cli  # noqa: E402

LENGTH_RATIO = 1.2
NO_EOS_BIAS = -10_000.0


def flores_lines(extension: str) -> list[str]:
    """FLORES-200 dev then devtest lines of one side (``ara``, ``eng``); none when absent."""
    lines: list[str] = []
    for split in ("dev", "devtest"):
        path = TESTSETS / f"flores200-{split}.{extension}"
        if path.is_file():
            lines += path.read_text(encoding="utf-8").splitlines()
    return lines


def arabic_sentences(count: int) -> list[str]:
    """The first ``count`` FLORES-200 dev then devtest Arabic sentences (the seeds' when absent)."""
    lines = flores_lines("ara")
    if not lines:
        from parallel.read.articles import article_paths, read_article
        lines = [p for path in article_paths(REPO / "seeds") for p in read_article(path).paragraphs]
    if count > len(lines):
        raise SystemExit(f"only {len(lines)} sentences available, {count} asked for")
    return lines[:count]


def build_model(work: Path) -> Path:
    """The real-size random model, installed (converted to CTranslate2 int8) under ``work/models``."""
    import tinymodel
    from parallel.translate.models import import_model

    models = work / "models"
    installed = models / "opus-mt-ar-en-shape"
    if (installed / "manifest.json").is_file():
        return installed
    english = (TESTSETS / "flores200-dev.eng")
    target_lines = english.read_text(encoding="utf-8").splitlines() if english.is_file() else arabic_sentences(50)
    release = tinymodel.write_marian_model(
        work / "release", arabic_sentences(2000 if (TESTSETS / "flores200-dev.ara").is_file() else 100),
        target_lines, shape=tinymodel.Shape(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=16000),
        eos_bias=NO_EOS_BIAS, vocab_pad_to=tinymodel.OPUS_MT_AR_EN_VOCAB)
    return import_model(release, name="opus-mt-ar-en-shape", models_dir=models, force=True)


class Workload:
    """Sentences, their pieces, their fixed output lengths and the shared token batches."""

    def __init__(self, model_dir: Path, sentences: list[str], max_batch_tokens: int):
        import sentencepiece as spm
        from parallel.text_rules import normalise_digits
        from parallel.translate.translator import token_batches

        processor = spm.SentencePieceProcessor(model_file=str(model_dir / "source.spm"))
        self.sentences = sentences
        self.pieces = processor.encode([normalise_digits(s) for s in sentences], out_type=str)
        self.lengths = [math.ceil(LENGTH_RATIO * len(p)) for p in self.pieces]
        self.max_batch_tokens = max_batch_tokens
        self.batches = token_batches([len(p) + 1 for p in self.pieces], max_batch_tokens)
        self.useful_tokens = sum(self.lengths)

    def batch_length(self, batch: list[int]) -> int:
        return max(self.lengths[i] for i in batch)


def timed(function) -> tuple[float, int]:
    start = time.perf_counter()
    generated = function()
    return time.perf_counter() - start, generated


def run_pipeline(model_dir: Path, work: Workload, beam: int, threads: int, device: str = "cpu",
                 reproducible: bool = False) -> tuple[float, int]:
    """``reproducible``: the pipeline's own one-length batches instead of the shared ones; each
    sentence then decodes exactly its own length, so it generates fewer tokens, in more batches."""
    from parallel.translate.translator import TranslateOptions, Translator

    options = TranslateOptions(beam_size=beam, max_length_ratio=LENGTH_RATIO, max_length_margin=0,
                               device=device, threads=threads, max_batch_tokens=work.max_batch_tokens,
                               reproducible=reproducible)
    translator = Translator(model_dir, options, cache=None)
    translator.translate_texts(work.sentences[:4], progress=False)  # warm-up, as for the others
    counter = GeneratedTokens(translator._translator)
    translator._translator = counter  # counts the tokens CTranslate2 generates; nothing else changes
    seconds, _ = timed(lambda: translator.translate_texts(work.sentences, progress=False))
    return seconds, counter.generated


class GeneratedTokens:
    """Stands in for a ctranslate2.Translator and counts the tokens of the best hypotheses
    (of asynchronous results too, when they are read)."""

    def __init__(self, translator):
        self.translator = translator
        self.generated = 0

    def translate_batch(self, *args, **kwargs):
        results = self.translator.translate_batch(*args, **kwargs)
        if kwargs.get("asynchronous"):
            return [CountedResult(self, r) for r in results]
        self.generated += sum(len(r.hypotheses[0]) for r in results)
        return results


class CountedResult:
    def __init__(self, counter: GeneratedTokens, pending):
        self.counter, self.pending = counter, pending

    def result(self):
        result = self.pending.result()
        self.counter.generated += len(result.hypotheses[0])
        return result


def run_ctranslate2(model_dir: Path, work: Workload, beam: int, threads: int, device: str = "cpu",
                    compute_type: str = "int8", scores: bool = False) -> tuple[float, int]:
    """``scores``: ask for what the pipeline asks for besides the tokens (each hypothesis's
    log-probability, the end token): at beam 1 CTranslate2 then normalises every step's logits over
    the whole vocabulary, which greedy search alone does not need."""
    import ctranslate2
    from parallel.translate.translator import TranslateOptions

    # The best settings found on this machine: the same thread split as the pipeline (parallel
    # batches of one thread each on 2 cores: 1.3x one batch on both threads), all batches queued.
    inter, intra = TranslateOptions(threads=threads, device=device).thread_split()
    translator = ctranslate2.Translator(str(model_dir), device=device, compute_type=compute_type,
                                        inter_threads=inter, intra_threads=intra)
    asked = {"return_scores": True, "return_end_token": True, "length_penalty": 1.0} if scores else {}

    def translate_all(batches) -> int:
        pending = []
        for batch in batches:
            length = work.batch_length(batch)
            pending += translator.translate_batch([work.pieces[i] for i in batch], beam_size=beam,
                                                  max_decoding_length=length, min_decoding_length=length,
                                                  max_batch_size=0, asynchronous=True, **asked)
        return sum(len(r.result().hypotheses[0]) for r in pending)

    translate_all(work.batches[:1])
    return timed(lambda: translate_all(work.batches))


def hugging_face_model(vocab_size: int):
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.manual_seed(1234)
    config = MarianConfig(vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=512,
                          encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
                          decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
                          activation_function="swish", max_position_embeddings=512,
                          pad_token_id=vocab_size - 1, decoder_start_token_id=vocab_size - 1, eos_token_id=0,
                          share_encoder_decoder_embeddings=True, scale_embedding=True)
    return MarianMTModel(config).eval()


def run_hugging_face(model_dir: Path, work: Workload, beam: int, threads: int) -> tuple[float, int]:
    import torch

    torch.set_num_threads(threads)
    vocabulary = json.loads((model_dir / "shared_vocabulary.json").read_text(encoding="utf-8")) \
        if (model_dir / "shared_vocabulary.json").is_file() else None
    if vocabulary is None:
        raise SystemExit(f"{model_dir}: no shared_vocabulary.json to map pieces to ids")
    ids = {piece: index for index, piece in enumerate(vocabulary)}
    unk = ids["<unk>"]
    model = hugging_face_model(len(vocabulary))
    pad = model.config.pad_token_id

    def translate_all(batches) -> int:
        generated = 0
        with torch.inference_mode():
            for batch in batches:
                rows = [[ids.get(p, unk) for p in work.pieces[i]] + [0] for i in batch]
                width = max(map(len, rows))
                input_ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
                mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
                length = work.batch_length(batch)
                output = model.generate(input_ids=input_ids, attention_mask=mask, num_beams=beam, do_sample=False,
                                        max_new_tokens=length, min_new_tokens=length, early_stopping=False)
                generated += (output.shape[1] - 1) * output.shape[0]
        return generated

    translate_all(work.batches[:1])
    return timed(lambda: translate_all(work.batches))


def cuda_devices() -> int:
    import ctranslate2
    try:
        return ctranslate2.get_cuda_device_count()
    except RuntimeError:
        return 0


def corpus_stages(model_dir: Path, work_dir: Path, repeat: int = 1) -> dict:
    """`parallel corpus` on the seed articles, cache off, each run in its own process: seconds per stage,
    peak RSS (the process's own, see bench/peak_rss.py) and what is not translation, as a share of the
    stages' time and of the process's wall time (start-up, imports and the report included).  With
    ``repeat`` > 1 the run with the median share of wall time is kept and every run's shares listed."""
    runs = []
    for _ in range(repeat):
        out = work_dir / "corpus"
        wall, peak_rss_mb = run_cli(["corpus", "--seeds", str(REPO / "seeds"), "--out", str(out),
                                     "--models-dir", str(model_dir.parent), "--model", model_dir.name, "--no-cache"])
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        stages = report["timings_s"]
        runs.append({"segments": report["totals"]["segments"], "seconds_per_stage": stages,
                     "process_wall_s": round(wall, 2), "peak_rss_mb": round(peak_rss_mb, 1),
                     "not_translation_share_of_stages": round(1 - stages["translate"] / sum(stages.values()), 4),
                     "not_translation_share_of_wall": round(1 - stages["translate"] / wall, 4)})
    runs.sort(key=lambda run: run["not_translation_share_of_wall"])
    median = dict(runs[len(runs) // 2])
    if repeat > 1:
        median["runs"] = repeat
        median["shares_of_wall"] = [run["not_translation_share_of_wall"] for run in runs]
        median["peak_rss_mb_max"] = max(run["peak_rss_mb"] for run in runs)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--systems", default="pipeline,ctranslate2,hf",
                        help="Comma-separated: pipeline, ctranslate2, ctranslate2-scores (asked for scores as "
                             "the pipeline asks), hf, reproducible (the pipeline with --reproducible), corpus.")
    parser.add_argument("--beams", default="1,4", help="Beam sizes to compare at (pipeline runs its beam too).")
    parser.add_argument("--max-batch-tokens", type=int, default=0,
                        help="Tokens per batch for every system [default: the pipeline's own default].")
    parser.add_argument("--repeat", type=int, default=3,
                        help="Interleaved runs of CTranslate2 and the pipeline; the median is kept.")
    parser.add_argument("--hf-repeat", type=int, default=1,
                        help="Runs of Transformers (4x slower; its ratio is far from the goal) [default: 1].")
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, default=REPO / ".bench")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    args = parser.parse_args()
    systems = set(args.systems.split(","))
    beams = [int(b) for b in args.beams.split(",")]

    from parallel.translate.translator import TranslateOptions

    args.max_batch_tokens = TranslateOptions(max_batch_tokens=args.max_batch_tokens,
                                             threads=args.threads).resolved_batch_tokens()
    model_dir = build_model(args.work)
    work = Workload(model_dir, arabic_sentences(args.sentences), args.max_batch_tokens)
    rows = []
    speed: dict[tuple[str, int], float] = {}

    def record(key: str, system: str, beam: int, seconds: float, generated: int | None = None, **extra) -> None:
        row = {"system": system, "beam": beam, "seconds": round(seconds, 2),
               "target_tokens_per_s": round(work.useful_tokens / seconds, 1), **extra}
        if generated is not None:
            row["generated_tokens"] = generated
        rows.append(row)
        speed[key, beam] = row["target_tokens_per_s"]
        print(json.dumps(row), flush=True)

    runners = [("ctranslate2", "ctranslate2 int8 translate_batch", run_ctranslate2),
               ("ctranslate2-scores", "ctranslate2 int8 translate_batch, with scores (as the pipeline asks)",
                lambda *common: run_ctranslate2(*common, scores=True)),
               ("pipeline", "parallel translate (pipeline)", run_pipeline),
               ("reproducible", "parallel translate --reproducible (pipeline, one-length batches)",
                lambda *common: run_pipeline(*common, reproducible=True)),
               ("hf", "transformers MarianMTModel fp32", run_hugging_face)]
    for beam in beams:
        # Interleaved repeats, median kept: on a shared machine one run of each is not enough
        # to tell a few per cent apart.
        measured: dict[tuple[str, str], list[tuple[float, int]]] = {}
        for repetition in range(max(args.repeat, args.hf_repeat)):
            for key, name, runner in runners:
                if key in systems and repetition < (args.hf_repeat if key == "hf" else args.repeat):
                    measured.setdefault((key, name), []).append(runner(model_dir, work, beam, args.threads))
        for (key, name), runs in measured.items():
            seconds = sorted(r[0] for r in runs)
            record(key, name, beam, statistics.median(seconds), runs[0][1], runs_s=[round(x, 2) for x in seconds])
    gpu = cuda_devices()
    if gpu and "pipeline" in systems:
        record("pipeline-cuda", "parallel translate (pipeline), cuda int8_float16", 4,
               *run_pipeline(model_dir, work, 4, args.threads, device="cuda"))
        record("ctranslate2-cuda", "ctranslate2 int8_float16 translate_batch, cuda", 4,
               *run_ctranslate2(model_dir, work, 4, args.threads, device="cuda", compute_type="int8_float16"))

    ratios = {}
    for beam in beams:
        ct2, pipe, reproducible, hf = (speed.get((key, beam)) for key in ("ctranslate2", "pipeline", "reproducible", "hf"))
        with_scores = speed.get(("ctranslate2-scores", beam))
        if ct2 and pipe:
            ratios[f"pipeline / ctranslate2, beam {beam}"] = round(pipe / ct2, 3)
        if with_scores and pipe:
            ratios[f"pipeline / ctranslate2 with scores, beam {beam}"] = round(pipe / with_scores, 3)
        if ct2 and with_scores:
            ratios[f"ctranslate2 with scores / without, beam {beam}"] = round(with_scores / ct2, 3)
        if ct2 and reproducible:
            ratios[f"pipeline --reproducible / ctranslate2, beam {beam}"] = round(reproducible / ct2, 3)
        if ct2 and hf:
            ratios[f"ctranslate2 int8 / transformers fp32, beam {beam}"] = round(ct2 / hf, 2)

    result = {
        "what": "target tokens/s at fixed output lengths (ceil(1.2 x source pieces), no EOS), same pieces and "
                "batches for every system; see bench/throughput.py",
        "model": "random weights in the shape of opus-mt-ar-en (6+6 layers, d_model 512, 8 heads, FFN 2048, "
                 "vocabulary 62,834), CTranslate2 int8 via the pipeline's converter; Transformers: random "
                 "MarianMTModel of the same configuration, fp32",
        "input": f"{len(work.sentences)} FLORES-200 dev+devtest Arabic sentences, {sum(map(len, work.pieces))} "
                 f"source pieces, {work.useful_tokens} target tokens, {len(work.batches)} batches of at most "
                 f"{args.max_batch_tokens} tokens",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "threads": args.threads, "cuda_devices": gpu or "no GPU"},
        "measured": time.strftime("%Y-%m-%d"),
        "rows": rows,
        "ratios": ratios,
    }
    if "corpus" in systems:
        result["corpus_stages"] = corpus_stages(model_dir, args.work, args.repeat)
        print(json.dumps(result["corpus_stages"]), flush=True)
    if not rows:  # only the corpus stages ran: keep the stored system rows and ratios
        result = {**read_results(args.results).get("throughput", {}), "corpus_stages": result.get("corpus_stages")}
    merge_results(args.results, "throughput", result)
    print(json.dumps(ratios, indent=2))


if __name__ == "__main__":
    main()
