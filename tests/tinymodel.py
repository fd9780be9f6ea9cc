"""Build a tiny OPUS-MT-style Marian model offline, in the on-disk format of the real releases.

The OPUS-MT release zips hold a Marian ``.npz`` (weights plus the training config embedded as
``special:model.yml``), one joint vocabulary ``.vocab.yml``, ``decoder.yml`` naming both, and the
SentencePiece models ``source.spm`` / ``target.spm``.  This module writes the same files with
random weights and SentencePiece models trained on local text, so acquisition, conversion and
translation can be tested without network access.  It proves plumbing, never quality.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sentencepiece as spm
import yaml

NPZ_NAME = "opus.spm32k-spm32k.transformer-align.model1.npz.best-perplexity.npz"
VOCAB_NAME = "opus.spm32k-spm32k.vocab.yml"


@dataclass(frozen=True)
class Shape:
    """Transformer dimensions; the defaults are tiny, ``OPUS_MT_BASE`` is the real size."""

    layers: int = 1
    d_model: int = 16
    heads: int = 2
    ffn: int = 32
    vocab_size: int = 400
    activation: str = "swish"  # the feed-forward activation: swish in opus-mt-ar-en, relu in tc-big


OPUS_MT_BASE = Shape(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=8000)
# The shapes of the registry's two models (their config.json), with a small vocabulary:
# transformer-base (opus-mt-ar-en) and transformer-big (opus-mt-tc-big-ar-en).
REGISTRY_SHAPES = {
    "transformer-base": Shape(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=2000, activation="swish"),
    "transformer-big": Shape(layers=6, d_model=1024, heads=16, ffn=4096, vocab_size=2000, activation="relu"),
}
# Helsinki-NLP/opus-mt-ar-en: 6+6 layers, d_model 512, 8 heads, FFN 2048, 62,834 vocabulary entries
# (its config.json).  Our SentencePiece models, trained on little text, have fewer pieces; the
# Marian vocabulary is padded to this size so that embeddings and the output layer cost as much.
OPUS_MT_AR_EN_VOCAB = 62834


def train_sentencepiece(lines: list[str], prefix: Path, vocab_size: int) -> Path:
    """Train a unigram SentencePiece model the way OPUS-MT's are trained (no extra symbols)."""
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
        num_threads=1,
    )
    return prefix.with_suffix(".model")


def marian_vocab(spm_paths: list[Path]) -> list[str]:
    """The joint Marian vocabulary: ``</s>``, ``<unk>``, then every piece of every SentencePiece model."""
    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for path in spm_paths:
        processor = spm.SentencePieceProcessor(model_file=str(path))
        for i in range(processor.get_piece_size()):
            if processor.is_control(i) or processor.is_unknown(i):
                continue
            piece = processor.id_to_piece(i)
            if piece not in seen:
                seen.add(piece)
                tokens.append(piece)
    return tokens


def write_marian_vocab(tokens: list[str], path: Path) -> None:
    """Write Marian's YAML vocabulary: one ``"token": id`` line each, double-quoted and escaped."""
    with open(path, "w", encoding="utf-8") as out:
        for index, token in enumerate(tokens):
            out.write(f"{json.dumps(token, ensure_ascii=False)}: {index}\n")


def marian_config(shape: Shape, vocab_size: int) -> dict:
    return {
        "type": "transformer",
        "dim-emb": shape.d_model,
        "dim-vocabs": [vocab_size, vocab_size],
        "enc-depth": shape.layers,
        "dec-depth": shape.layers,
        "transformer-heads": shape.heads,
        "transformer-dim-ffn": shape.ffn,
        "transformer-ffn-activation": shape.activation,
        "transformer-preprocess": "",
        "transformer-postprocess": "dan",
        "transformer-postprocess-emb": "d",
        "transformer-postprocess-top": "",
        "transformer-decoder-autoreg": "self-attention",
        "transformer-no-projection": False,
        "transformer-guided-alignment-layer": "last",
        "tied-embeddings-all": True,
        "version": "v1.7.6 (tiny random model built by parallel's tests)",
    }


def _attention(weights: dict, scope: str, d: int, rng: np.random.Generator) -> None:
    for part in "qkvo":
        weights[f"{scope}_W{part}"] = rng.normal(0, d**-0.5, (d, d)).astype(np.float32)
        weights[f"{scope}_b{part}"] = np.zeros((1, d), np.float32)
    weights[f"{scope}_Wo_ln_scale"] = np.ones((1, d), np.float32)
    weights[f"{scope}_Wo_ln_bias"] = np.zeros((1, d), np.float32)


def _ffn(weights: dict, scope: str, d: int, ffn: int, rng: np.random.Generator) -> None:
    weights[f"{scope}_W1"] = rng.normal(0, d**-0.5, (d, ffn)).astype(np.float32)
    weights[f"{scope}_b1"] = np.zeros((1, ffn), np.float32)
    weights[f"{scope}_W2"] = rng.normal(0, ffn**-0.5, (ffn, d)).astype(np.float32)
    weights[f"{scope}_b2"] = np.zeros((1, d), np.float32)
    weights[f"{scope}_ffn_ln_scale"] = np.ones((1, d), np.float32)
    weights[f"{scope}_ffn_ln_bias"] = np.zeros((1, d), np.float32)


def marian_weights(shape: Shape, vocab_size: int, seed: int = 1234, eos_bias: float = 0.0) -> dict[str, np.ndarray]:
    """Random weights under Marian's parameter names (post-norm transformer, tied embeddings).

    ``eos_bias`` is added to the output bias of ``</s>`` (id 0): a large value makes a model that
    ends every hypothesis at once, where random weights otherwise loop until the length limit.
    """
    rng = np.random.default_rng(seed)
    d = shape.d_model
    logit_bias = np.zeros((1, vocab_size), np.float32)
    logit_bias[0, 0] = eos_bias
    weights: dict[str, np.ndarray] = {
        "Wemb": rng.normal(0, d**-0.5, (vocab_size, d)).astype(np.float32),
        "decoder_ff_logit_out_b": logit_bias,
    }
    for layer in range(1, shape.layers + 1):
        _attention(weights, f"encoder_l{layer}_self", d, rng)
        _ffn(weights, f"encoder_l{layer}_ffn", d, shape.ffn, rng)
        _attention(weights, f"decoder_l{layer}_self", d, rng)
        _attention(weights, f"decoder_l{layer}_context", d, rng)
        _ffn(weights, f"decoder_l{layer}_ffn", d, shape.ffn, rng)
    return weights


def letters(number: int) -> str:
    """``number`` written in the letters a-z (0: "a", 26: "ba"): filler names without digits, so that
    a random model's output, mostly fillers, is not a string of numbers for the flags to pair (with
    "<filler-47642>" every output held about 37 five-digit numbers, where real MT holds well under one)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = chr(ord("a") + digit) + word
        if number == 0:
            return word


def write_marian_model(directory: Path, source_lines: list[str], target_lines: list[str],
                       shape: Shape = Shape(), seed: int = 1234, eos_bias: float = 0.0,
                       vocab_pad_to: int = 0, language_tokens: tuple[str, ...] = ()) -> Path:
    """Write an OPUS-MT release folder (Marian format) into ``directory``.

    ``vocab_pad_to`` adds filler entries (never produced by the SentencePiece models) until the
    vocabulary has that many, for models whose cost must match a real model's.
    ``language_tokens``: target-language tokens (``>>eng<<``) of a multi-target model."""
    directory.mkdir(parents=True, exist_ok=True)
    work = directory / ".spm"
    work.mkdir(exist_ok=True)
    source_spm = train_sentencepiece(source_lines, work / "source", shape.vocab_size // 2)
    target_spm = train_sentencepiece(target_lines, work / "target", shape.vocab_size // 2)
    (directory / "source.spm").write_bytes(source_spm.read_bytes())
    (directory / "target.spm").write_bytes(target_spm.read_bytes())
    for leftover in work.iterdir():
        leftover.unlink()
    work.rmdir()

    tokens = marian_vocab([directory / "source.spm", directory / "target.spm"])
    tokens[2:2] = language_tokens  # a multi-target model's >>xxx<< tokens, as Tatoeba-MT places them
    tokens += [f"<filler-{letters(n)}>" for n in range(vocab_pad_to - len(tokens))]
    write_marian_vocab(tokens, directory / VOCAB_NAME)
    weights = marian_weights(shape, len(tokens), seed, eos_bias)
    config = yaml.safe_dump(marian_config(shape, len(tokens))).encode("utf-8") + b"\0"
    weights["special:model.yml"] = np.frombuffer(config, dtype=np.int8).copy()
    np.savez(directory / NPZ_NAME, **weights)
    decoder = {
        "models": [NPZ_NAME],
        "vocabs": [VOCAB_NAME, VOCAB_NAME],
        "beam-size": 6,
        "normalize": 0.6,
        "word-penalty": 0,
        "mini-batch": 1,
        "maxi-batch": 1,
        "maxi-batch-sort": "src",
        "relative-paths": True,
    }
    (directory / "decoder.yml").write_text(yaml.safe_dump(decoder), encoding="utf-8")
    (directory / "README.md").write_text(
        "# tiny random Marian model\n\nBuilt by parallel's tests; random weights, no quality.\n",
        encoding="utf-8",
    )
    return directory


def zip_folder(directory: Path, archive: Path) -> Path:
    """Zip a folder's files at the archive root, as the OPUS-MT releases are packed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(directory.iterdir()):
            if path.is_file():
                zf.write(path, path.name)
    archive.write_bytes(buffer.getvalue())
    return archive
