"""Model formats: recognise a Marian release, a Hugging Face folder or a CTranslate2 folder,
convert it to CTranslate2 with CTranslate2's own converters (one per format), keep its
SentencePiece models, and read what the converted model needs at translation time (the source
vocabulary's target-language tokens)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from parallel.errors import InputError, ResourceError

SPM_FILES = ("source.spm", "target.spm")
# Multi-target OPUS-MT models read the wanted target language as a first source token.
LANGUAGE_TOKEN = re.compile(r">>[a-z]{2,3}(?:_[A-Za-z]{4})?<<")
ENGLISH_TOKENS = (">>eng<<", ">>en<<")


def detect_format(root: Path) -> str:
    """The model format of a folder: "ctranslate2", "marian" (an OPUS-MT release) or "huggingface"
    (a ``config.json`` with a ``model_type``); an ``InputError`` when it is none of them."""
    if (root / "model.bin").is_file():
        return "ctranslate2"
    if (root / "decoder.yml").is_file() or list(root.glob("*.npz")):
        return "marian"
    config = root / "config.json"
    if config.is_file():
        try:
            model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type")
        except (json.JSONDecodeError, UnicodeDecodeError):
            model_type = None
        if model_type:
            return "huggingface"
    raise InputError(f"{root}: unrecognised model format")


def convert(root: Path, output: Path, quantization: str, keep_out: tuple[str, ...] = ()) -> tuple[str, str | None]:
    """Convert (or, for a CTranslate2 folder, verify and copy) ``root`` into ``output``."""
    kind = detect_format(root)
    if kind == "ctranslate2":
        verify_ctranslate2(root)
        shutil.copytree(root, output, ignore=shutil.ignore_patterns(*keep_out))
        return kind, None
    converter = _marian_converter(root) if kind == "marian" else _transformers_converter(root)
    try:
        converter.convert(str(output), quantization=quantization, force=True)
    except (ValueError, KeyError, OSError, RuntimeError) as exc:
        raise InputError(f"{root}: cannot convert {kind} model ({type(exc).__name__}: {exc})") from exc
    return kind, f"ctranslate2.converters.{type(converter).__name__}"


def _marian_converter(root: Path):
    from ctranslate2.converters import MarianConverter, OpusMTConverter

    if (root / "decoder.yml").is_file():
        return OpusMTConverter(str(root))
    models = sorted(root.glob("*.npz"))
    vocabs = sorted(root.glob("*.yml"))
    vocabs = [v for v in vocabs if "vocab" in v.name] or vocabs
    if len(models) != 1 or not vocabs:
        raise InputError(f"{root}: Marian model needs decoder.yml, or one .npz and its vocab .yml")
    return MarianConverter(str(models[0]), [str(v) for v in vocabs])


def _transformers_converter(root: Path):
    try:
        import transformers  # noqa: F401
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise ResourceError(f"{root}: a Hugging Face model needs the hf extra: "
                            "pip install 'parallel[hf]' (torch first: pip install torch==2.13.0)") from exc
    return TransformersConverter(str(root))


def verify_ctranslate2(root: Path) -> None:
    """Check that a folder is a CTranslate2 model this CTranslate2 can load (an ``InputError`` if not)."""
    missing = [f for f in ("model.bin", "config.json") if not (root / f).is_file()]
    if missing:
        raise InputError(f"{root}: CTranslate2 model lacks {', '.join(missing)}")
    import ctranslate2

    try:
        ctranslate2.Translator(str(root), device="cpu", compute_type="auto")
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"{root}: CTranslate2 cannot load this model ({exc})") from exc


def copy_sentencepiece(root: Path, output: Path) -> None:
    """Keep the SentencePiece models beside model.bin as source.spm / target.spm."""
    if all((root / f).is_file() for f in SPM_FILES):
        for f in SPM_FILES:
            shutil.copyfile(root / f, output / f)
        return
    shared = sorted(root.glob("*.spm")) + sorted(root.glob("*sentencepiece*.model")) + sorted(root.glob("spm*.model"))
    if len(shared) == 1:
        for f in SPM_FILES:
            shutil.copyfile(shared[0], output / f)
        return
    raise InputError(f"{root}: SentencePiece models not found (expected source.spm and target.spm)")


def source_vocabulary(model_dir: Path) -> list[str]:
    """The source tokens of a CTranslate2 model folder (``shared_`` or ``source_vocabulary``,
    JSON or one token a line)."""
    for stem in ("shared_vocabulary", "source_vocabulary"):
        if (model_dir / f"{stem}.json").is_file():
            return json.loads((model_dir / f"{stem}.json").read_text(encoding="utf-8"))
        if (model_dir / f"{stem}.txt").is_file():
            return (model_dir / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    return []


def target_language_token(vocabulary: list[str], shown: Path) -> str | None:
    """The token that asks a multi-target model for English, or None for a single-target model
    (no ``>>xx<<`` token in its vocabulary).  A multi-target model without English is refused."""
    languages = [token for token in vocabulary if LANGUAGE_TOKEN.fullmatch(token)]
    if not languages:
        return None
    for token in ENGLISH_TOKENS:
        if token in languages:
            return token
    listed = ", ".join(languages[:8]) + (" …" if len(languages) > 8 else "")
    raise InputError(f"{shown}: a multi-target model without an English target token ({listed})")


def ctranslate2_version() -> str:
    """The installed CTranslate2's version, recorded in manifests and provenance."""
    import ctranslate2

    return ctranslate2.__version__
