"""Hugging Face twins of OPUS-MT models: the reference implementation on the same weights.

Two ways a model reaches a user, and for each a ``MarianMTModel`` holding the same numbers:

- ``write_hf_marian``: a Hugging Face folder (``MarianMTModel`` + ``MarianTokenizer`` files) with
  random weights, laid out as ``Helsinki-NLP/opus-mt-ar-en`` is: one joint vocabulary, ``<pad>`` as
  its last entry with a zero embedding row (the decoder starts from it), ``</s>`` at id 0.
- ``release_to_hf``: the weights of an OPUS-MT release folder (Marian ``.npz``) mapped parameter by
  parameter onto ``MarianMTModel``, written independently of CTranslate2's Marian converter, so that
  agreement checks both.

Random weights prove that tokens, ``</s>``, the decoder start, the vocabulary and the length limit
are right, never quality.  ``generate_reference`` decodes as OPUS-MT's Hugging Face configs do
(``<pad>`` never generated) without forcing ``</s>`` at the limit, since ``parallel`` flags a
hypothesis that reaches it instead.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import yaml

import tinymodel

PAD = "<pad>"


def _marian_config(shape: tinymodel.Shape, vocab_size: int, pad_id: int, **extra):
    from transformers import MarianConfig

    return MarianConfig(
        vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=shape.d_model,
        encoder_layers=shape.layers, decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads, decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn, decoder_ffn_dim=shape.ffn,
        activation_function=shape.activation, max_position_embeddings=512,
        pad_token_id=pad_id, eos_token_id=0, decoder_start_token_id=pad_id, forced_eos_token_id=0,
        bad_words_ids=[[pad_id]], scale_embedding=True, share_encoder_decoder_embeddings=True,
        static_position_embeddings=True, dropout=0.0, attention_dropout=0.0, activation_dropout=0.0,
        **extra,
    )


def _write_tokenizer(directory: Path, source_spm: Path, target_spm: Path, tokens: list[str]) -> None:
    """MarianTokenizer's files: source.spm, target.spm, vocab.json, tokenizer_config.json."""
    shutil.copyfile(source_spm, directory / "source.spm")
    shutil.copyfile(target_spm, directory / "target.spm")
    (directory / "vocab.json").write_text(
        json.dumps({token: index for index, token in enumerate(tokens)}, ensure_ascii=False), encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "MarianTokenizer", "source_lang": "ar", "target_lang": "en",
        "model_max_length": 512, "separate_vocabs": False,
        "eos_token": "</s>", "unk_token": "<unk>", "pad_token": PAD,
    }), encoding="utf-8")


def write_hf_marian(directory: Path, release_dir: Path, shape: tinymodel.Shape, seed: int = 7,
                    eos_bias: float = 0.0) -> Path:
    """A Hugging Face Marian folder with random weights, sharing the release's SentencePiece models
    and vocabulary (plus ``<pad>`` last, as Transformers' conversion adds it)."""
    import torch
    from transformers import MarianMTModel

    directory.mkdir(parents=True, exist_ok=True)
    tokens = tinymodel.marian_vocab([release_dir / "source.spm", release_dir / "target.spm"]) + [PAD]
    pad_id = len(tokens) - 1
    torch.manual_seed(seed)
    config = _marian_config(shape, len(tokens), pad_id, init_std=shape.d_model ** -0.5)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.model.shared.weight[pad_id].zero_()
        model.final_logits_bias[0, 0] = eos_bias
    model.save_pretrained(directory)
    _write_tokenizer(directory, release_dir / "source.spm", release_dir / "target.spm", tokens)
    return directory


# Marian's names for one attention block and one feed-forward block, and Transformers' for them.
_ATTENTION = {"Wq": "q_proj", "Wk": "k_proj", "Wv": "v_proj", "Wo": "out_proj"}


def _marian_layer(weights: dict, marian: str, prefix: str, attention: str, norm: str) -> dict:
    """One Marian attention block (``marian``: e.g. ``decoder_l1_context``) as Transformers' tensors."""
    state = {}
    for short, name in _ATTENTION.items():
        state[f"{prefix}.{attention}.{name}.weight"] = weights[f"{marian}_{short}"].T
        state[f"{prefix}.{attention}.{name}.bias"] = weights[f"{marian}_b{short[1]}"].reshape(-1)
    state[f"{prefix}.{norm}.weight"] = weights[f"{marian}_Wo_ln_scale"].reshape(-1)
    state[f"{prefix}.{norm}.bias"] = weights[f"{marian}_Wo_ln_bias"].reshape(-1)
    return state


def _marian_ffn(weights: dict, marian: str, prefix: str) -> dict:
    return {
        f"{prefix}.fc1.weight": weights[f"{marian}_W1"].T, f"{prefix}.fc1.bias": weights[f"{marian}_b1"].reshape(-1),
        f"{prefix}.fc2.weight": weights[f"{marian}_W2"].T, f"{prefix}.fc2.bias": weights[f"{marian}_b2"].reshape(-1),
        f"{prefix}.final_layer_norm.weight": weights[f"{marian}_ffn_ln_scale"].reshape(-1),
        f"{prefix}.final_layer_norm.bias": weights[f"{marian}_ffn_ln_bias"].reshape(-1),
    }


def release_to_hf(release_dir: Path, directory: Path) -> Path:
    """The release's Marian weights as a Hugging Face folder: every parameter mapped by name,
    ``<pad>`` appended with a zero embedding row and a zero output bias."""
    import torch
    from transformers import MarianMTModel

    with np.load(next(release_dir.glob("*.npz"))) as npz:
        weights = {key: npz[key] for key in npz.files}
    config_text = weights.pop("special:model.yml").tobytes().rstrip(b"\0").decode("utf-8")
    marian = yaml.safe_load(config_text)
    assert marian["transformer-postprocess"] == "dan" and marian["tied-embeddings-all"], "post-norm, tied only"
    vocab_file = yaml.safe_load((release_dir / "decoder.yml").read_text(encoding="utf-8"))["vocabs"][0]
    marian_tokens = [token for token, _ in sorted(
        yaml.safe_load((release_dir / vocab_file).read_text(encoding="utf-8")).items(), key=lambda kv: kv[1])]
    tokens = marian_tokens + [PAD]
    pad_id = len(tokens) - 1
    shape = tinymodel.Shape(layers=marian["enc-depth"], d_model=marian["dim-emb"], heads=marian["transformer-heads"],
                            ffn=marian["transformer-dim-ffn"], activation=marian["transformer-ffn-activation"])
    model = MarianMTModel(_marian_config(shape, len(tokens), pad_id)).eval()

    embedding = np.concatenate([weights["Wemb"], np.zeros((1, shape.d_model), np.float32)])
    state = {"model.shared.weight": embedding, "model.encoder.embed_tokens.weight": embedding,
             "model.decoder.embed_tokens.weight": embedding, "lm_head.weight": embedding,
             "final_logits_bias": np.concatenate([weights["decoder_ff_logit_out_b"], np.zeros((1, 1), np.float32)], 1)}
    for layer in range(shape.layers):
        encoder, decoder = f"model.encoder.layers.{layer}", f"model.decoder.layers.{layer}"
        marian_layer = layer + 1
        state.update(_marian_layer(weights, f"encoder_l{marian_layer}_self", encoder, "self_attn",
                                   "self_attn_layer_norm"))
        state.update(_marian_ffn(weights, f"encoder_l{marian_layer}_ffn", encoder))
        state.update(_marian_layer(weights, f"decoder_l{marian_layer}_self", decoder, "self_attn",
                                   "self_attn_layer_norm"))
        state.update(_marian_layer(weights, f"decoder_l{marian_layer}_context", decoder, "encoder_attn",
                                   "encoder_attn_layer_norm"))
        state.update(_marian_ffn(weights, f"decoder_l{marian_layer}_ffn", decoder))
    tensors = {name: torch.from_numpy(np.ascontiguousarray(value)) for name, value in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    unmapped = [name for name in missing if "embed_positions" not in name]
    assert not unmapped and not unexpected, (unmapped, unexpected)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    _write_tokenizer(directory, release_dir / "source.spm", release_dir / "target.spm", tokens)
    return directory


def generate_reference(hf_dir: Path, sources: list[str], beam_size: int,
                       max_new_tokens: list[int]) -> list[list[tuple[str, float]]]:
    """``MarianMTModel.generate`` in float32, greedy or beam search: for each source its final
    beams, best first, as (text decoded by ``MarianTokenizer``, Transformers' length-normalised
    score); greedy search gives one.  ``max_new_tokens[i]`` is source i's decoding limit.
    Sources of one limit (so of one length) go in one batch: no padding, as in
    ``parallel translate --reproducible``."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(hf_dir)
    model = MarianMTModel.from_pretrained(hf_dir, dtype=torch.float32).eval()
    groups: dict[int, list[int]] = {}
    for index, limit in enumerate(max_new_tokens):
        groups.setdefault(limit, []).append(index)
    outputs: dict[int, list[tuple[str, float]]] = {}
    beam_options = {"early_stopping": True, "num_return_sequences": beam_size} if beam_size > 1 else {}
    with torch.inference_mode():
        for limit, indices in groups.items():
            batch = tokenizer([sources[i] for i in indices], return_tensors="pt", padding=True)
            assert bool(batch["attention_mask"].all()), "one length per batch"
            generated = model.generate(
                **batch, num_beams=beam_size, do_sample=False, max_new_tokens=limit, min_new_tokens=1,
                length_penalty=1.0, forced_eos_token_id=None, bad_words_ids=[[model.config.pad_token_id]],
                output_scores=True, return_dict_in_generate=True, **beam_options,
            )
            texts = tokenizer.batch_decode(generated.sequences, skip_special_tokens=True)
            scores = generated.sequences_scores.tolist() if beam_size > 1 else [float("nan")] * len(texts)
            per_source = len(texts) // len(indices)
            for position, index in enumerate(indices):
                span = slice(position * per_source, (position + 1) * per_source)
                outputs[index] = list(zip(texts[span], scores[span]))
    return [outputs[i] for i in range(len(sources))]


def reference_score(hf_dir: Path, source: str, target_tokens: list[str]) -> float:
    """The score Transformers' beam search gives a hypothesis (``target_tokens``, ending with
    ``</s>`` when it ended): its tokens' log-probabilities under the reference model, summed and
    divided by their number (length penalty 1)."""
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(hf_dir)
    model = MarianMTModel.from_pretrained(hf_dir, dtype=torch.float32).eval()
    ids = tokenizer.convert_tokens_to_ids(target_tokens)
    decoder_input = torch.tensor([[model.config.decoder_start_token_id, *ids[:-1]]])
    with torch.inference_mode():
        logits = model(**tokenizer([source], return_tensors="pt"), decoder_input_ids=decoder_input).logits
    log_probs = torch.log_softmax(logits[0], dim=-1)
    return float(sum(log_probs[step, token] for step, token in enumerate(ids)) / len(ids))
