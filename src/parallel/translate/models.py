"""Model registry and acquisition: download, checksum, convert to CTranslate2, manifest.

A model lives in ``models/NAME/``: CTranslate2's ``model.bin`` + ``config.json`` + vocabulary,
the SentencePiece models ``source.spm`` / ``target.spm`` beside them, and ``manifest.json``
recording where it came from.  A model folder is built in a staging folder next to its final
place and renamed into place only when complete, so a failed or interrupted fetch never leaves
a half-made model behind.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from parallel import TOOL_NAME, __version__
from parallel.errors import InputError, ResourceError, location_error
from parallel.files import atomic_write, exclusive_folder, sha256_file
from parallel.progress import progress_bar
from parallel.translate.converters import (
    convert,
    copy_sentencepiece,
    ctranslate2_version,
    source_vocabulary,
    target_language_token,
)


@dataclass(frozen=True)
class ModelSpec:
    """A model ``model fetch`` knows by name: where its release archive is and its checksum."""
    name: str
    url: str
    description: str
    sha256: str | None = None  # the archive's, when published; otherwise recorded on first fetch
    source_language: str = "ar"
    target_language: str = "en"
    target_token: str | None = None  # a multi-target model's token for English, e.g. ">>eng<<"

    @property
    def archive_name(self) -> str:
        """The archive's file name, as published (kept when downloading)."""
        return self.url.rsplit("/", 1)[-1]


DEFAULT_MODEL = "opus-mt-ar-en"
REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "opus-mt-ar-en",
            "https://object.pouta.csc.fi/OPUS-MT-models/ar-en/opus-2019-12-18.zip",
            "OPUS-MT Arabic-English, Marian transformer-base (release opus-2019-12-18)",
        ),
        ModelSpec(
            "opus-mt-tc-big-ar-en",
            "https://object.pouta.csc.fi/Tatoeba-MT-models/ara-eng/"
            "opusTCv20210807+bt_transformer-big_2022-03-09.zip",
            "Tatoeba-MT Arabic-English, Marian transformer-big (opusTCv20210807+bt, 2022-03-09)",
        ),
    )
}

DEFAULT_QUANTIZATION = "int8"  # what OPUS-MT models lose least by on CPU; float32 for reference checks
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")
MANIFEST = "manifest.json"
DOWNLOAD_TIMEOUT_S = 30
LEFTOVERS = (".staging-", ".download-")  # folders of a run in progress in models/: a killed one leaves them


def models_dir_default() -> Path:
    """Where models live unless told: ``$PARALLEL_MODELS``, else ``./models``."""
    return Path(os.environ.get("PARALLEL_MODELS", "models"))


# --- manifests and installed models ----------------------------------------------------------


def read_manifest(model_dir: Path) -> dict:
    """The ``manifest.json`` of an installed model (a ``ResourceError`` when there is none)."""
    path = Path(model_dir) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ResourceError(f"{model_dir}: not a model folder (no {MANIFEST})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{path}: unreadable manifest ({exc})") from exc


def installed_models(models_dir: Path) -> list[Path]:
    """The model folders under ``models_dir`` that have a manifest, by name."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    return sorted(p for p in models_dir.iterdir() if (p / MANIFEST).is_file() and not p.name.startswith("."))


def resolve_model(name: str | None = None, models_dir: Path | None = None) -> Path:
    """The folder of the model to translate with.

    ``name`` may be a registry/installed name or a path to a model folder.  Without a name:
    the default model when installed, else the only installed model.  ``models_dir``: the
    models folder (``models_dir_default()`` when None).
    """
    models_dir = Path(models_dir or models_dir_default())
    if name:
        candidate = Path(name)
        if (candidate / MANIFEST).is_file():
            return candidate
        if (models_dir / name / MANIFEST).is_file():
            return models_dir / name
        if candidate.exists() or "/" in name or name.startswith("."):
            what = "a folder without an installed model" if candidate.is_dir() else \
                "not a model folder" if candidate.exists() else "no such folder"
            raise ResourceError(f"--model {name}: {what} (an installed model's folder holds {MANIFEST}); give an "
                                "installed model's name or folder; a downloaded release (zip, Marian or Hugging "
                                "Face folder) is installed with `parallel model import PATH`")
        fetch_it = f"run `parallel model fetch {name}` or " if name in REGISTRY else \
            f"it is not in the registry ({', '.join(REGISTRY)}); "
        raise ResourceError(f"model {name} is not installed in {models_dir}/; {fetch_it}"
                            f"`parallel model import PATH --name {name}` installs a local copy")
    if (models_dir / DEFAULT_MODEL / MANIFEST).is_file():
        return models_dir / DEFAULT_MODEL
    installed = installed_models(models_dir)
    if len(installed) == 1:
        return installed[0]
    if installed:
        names = ", ".join(p.name for p in installed)
        raise ResourceError(f"several models in {models_dir}/ ({names}); choose one with --model")
    raise ResourceError(
        f"no model in {models_dir}/; run `parallel model fetch` or `parallel model import PATH`"
    )


# --- download --------------------------------------------------------------------------------


def _offline_hint(name: str) -> str:
    return f"download that file on a machine with access and run `parallel model import FILE --name {name}`"


def download(url: str, destination: Path, expected_sha256: str | None = None,
             progress: bool = True, name: str = "model") -> str:
    """Download ``url`` to ``destination`` (a temporary path), returning its sha256.

    Refuses (and deletes) a download that is shorter than announced or whose checksum differs
    from ``expected_sha256``.
    """
    digest = hashlib.sha256()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": f"{TOOL_NAME}/{__version__}"})
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            with open(destination, "wb") as out, progress_bar(
                total=total, unit="B", unit_scale=True, desc=f"fetch {name}", enabled=progress
            ) as bar:
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        Path(destination).unlink(missing_ok=True)
        reason = getattr(exc, "reason", None) or exc
        raise ResourceError(f"cannot download {name} from {url} ({reason}); {_offline_hint(name)}") from exc
    if total is not None and received != total:
        Path(destination).unlink(missing_ok=True)
        raise ResourceError(f"download of {url} incomplete: {received} of {total} bytes; try again")
    checksum = digest.hexdigest()
    if expected_sha256 and checksum != expected_sha256.lower():
        Path(destination).unlink(missing_ok=True)
        raise ResourceError(f"download of {url} refused: sha256 {checksum} differs from expected {expected_sha256}")
    return checksum


def fetch(name: str = DEFAULT_MODEL, models_dir: Path | None = None, quantization: str = DEFAULT_QUANTIZATION,
          url: str | None = None, sha256: str | None = None, force: bool = False,
          progress: bool = True) -> Path:
    """Download a registry model (or ``url``), verify it, convert it and install it as ``name``."""
    models_dir = Path(models_dir or models_dir_default())
    spec = REGISTRY.get(name)
    if spec is None and url is None:
        known = ", ".join(REGISTRY)
        raise InputError(f"unknown model {name}; known: {known} (or give --url)")
    url = url or spec.url
    expected = sha256 or (spec.sha256 if spec else None)
    _check_target(models_dir / name, force)
    with exclusive_folder(models_dir, LEFTOVERS), scratch_folder(models_dir, f".download-{name}-") as tmp:
        archive = Path(tmp) / url.rsplit("/", 1)[-1].split("?")[0]
        checksum = download(url, archive, expected, progress=progress, name=name)
        try:
            return _install(archive, name, models_dir, quantization, force, source=url, archive_sha256=checksum)
        except InputError as exc:   # told of the URL, not of the download's temporary name
            raise InputError(str(exc).replace(str(archive), f"{url} (downloaded)")) from exc


# --- import and conversion -------------------------------------------------------------------


def scratch_folder(models_dir: Path, prefix: str) -> tempfile.TemporaryDirectory:
    """A folder of our own inside ``models_dir`` (downloads, staging), gone with the block; a models
    folder we cannot write into is told of as itself, not of the scratch folder's name."""
    try:
        return tempfile.TemporaryDirectory(prefix=prefix, dir=models_dir)
    except OSError as exc:
        raise location_error(exc, models_dir) from exc


def default_import_name(path: Path) -> str:
    """Name a local model: the registry entry whose release archive has this file name, else the stem."""
    for spec in REGISTRY.values():
        if Path(path).name == spec.archive_name:
            return spec.name
    stem = Path(path).name.removesuffix(".zip")
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", stem).strip("-.") or "model"


def import_model(path: Path, name: str | None = None, models_dir: Path | None = None,
                 quantization: str = DEFAULT_QUANTIZATION, force: bool = False) -> Path:
    """Install a model from a local zip or folder (Marian, CTranslate2 or Hugging Face)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    models_dir = Path(models_dir or models_dir_default())
    name = name or default_import_name(path)
    checksum = sha256_file(path) if path.is_file() else None
    return install(path, name, models_dir, quantization, force, source=str(path.resolve()), archive_sha256=checksum)


def _check_target(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise InputError(f"{target}: already installed; use --force to replace it")


def install(archive_or_folder: Path, name: str, models_dir: Path, quantization: str = DEFAULT_QUANTIZATION,
            force: bool = False, source: str = "", archive_sha256: str | None = None) -> Path:
    """Unpack, detect the format, convert or verify, write the manifest, then move into place.
    One run at a time per models folder; what killed runs left there is removed first."""
    with exclusive_folder(models_dir, LEFTOVERS):
        return _install(archive_or_folder, name, models_dir, quantization, force, source, archive_sha256)


def _install(archive_or_folder: Path, name: str, models_dir: Path, quantization: str = DEFAULT_QUANTIZATION,
             force: bool = False, source: str = "", archive_sha256: str | None = None) -> Path:
    if quantization not in QUANTIZATIONS:
        raise InputError(f"unknown quantization {quantization}; choose from {', '.join(QUANTIZATIONS)}")
    target = Path(models_dir) / name
    _check_target(target, force)
    Path(models_dir).mkdir(parents=True, exist_ok=True)
    with scratch_folder(models_dir, f".staging-{name}-") as tmp:
        root = _unpacked_root(Path(archive_or_folder), Path(tmp) / "unpacked")
        staged = Path(tmp) / "model"
        kind, converter = convert(root, staged, quantization, keep_out=(MANIFEST,))
        copy_sentencepiece(root, staged)
        target_token = REGISTRY[name].target_token if name in REGISTRY else None
        target_token = target_token or target_language_token(source_vocabulary(staged), Path(archive_or_folder))
        manifest = {
            "name": name,
            "description": REGISTRY[name].description if name in REGISTRY else "",
            "source": source,
            "source_format": kind,
            "archive_sha256": archive_sha256,
            "model_bin_sha256": sha256_file(staged / "model.bin"),
            "files": {p.name: sha256_file(p) for p in sorted(staged.iterdir()) if p.is_file()},
            "converter": converter,
            "ctranslate2_version": ctranslate2_version(),
            "quantization": quantization if converter else _existing_quantization(root),
            "source_language": "ar",
            "target_language": "en",
            "target_token": target_token,
            "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
            "tool": f"{TOOL_NAME} {__version__}",
        }
        with atomic_write(staged / MANIFEST) as out:
            json.dump(manifest, out, indent=2, ensure_ascii=False)
            out.write("\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staged, target)
    return target


def _unpacked_root(path: Path, scratch: Path) -> Path:
    """The folder holding the model files: the folder itself, or the zip's contents."""
    if path.is_dir():
        folder = path
    elif zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                broken = archive.testzip()
                if broken is not None:
                    raise InputError(f"{path}: corrupted archive (bad CRC in {broken})")
                archive.extractall(scratch)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InputError(f"{path}: corrupted archive ({exc})") from exc
        folder = scratch
    else:
        raise InputError(f"{path}: not a zip archive or a model folder")
    return _find_model_root(folder, path)


def _find_model_root(folder: Path, shown: Path) -> Path:
    markers = ("decoder.yml", "model.bin", "config.json")
    for candidate in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        if any((candidate / m).is_file() for m in markers) or list(candidate.glob("*.npz")):
            return candidate
    raise InputError(f"{shown}: no model found (expected a Marian .npz, a CTranslate2 model.bin, "
                     "or a Hugging Face config.json)")


def _existing_quantization(root: Path) -> str | None:
    try:
        return json.loads((root / MANIFEST).read_text(encoding="utf-8")).get("quantization")
    except (OSError, json.JSONDecodeError):
        return None


def list_models(models_dir: Path | None = None) -> list[dict]:
    """Registry entries and installed models, one row each (``models_dir_default()`` when None)."""
    models_dir = Path(models_dir or models_dir_default())
    rows = {name: {"name": name, "installed": False, "description": spec.description, "url": spec.url}
            for name, spec in REGISTRY.items()}
    for folder in installed_models(models_dir):
        manifest = read_manifest(folder)
        row = rows.setdefault(folder.name, {"name": folder.name, "description": manifest.get("description", "")})
        row.update(installed=True, path=str(folder), quantization=manifest.get("quantization"),
                   model_bin_sha256=manifest.get("model_bin_sha256"))
    return list(rows.values())
