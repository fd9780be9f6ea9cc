import json
import shutil

import pytest

from conftest import closed_port_url
from parallel.cli.main import cli
from parallel.errors import InputError, ResourceError
from parallel.files import sha256_file
from parallel.translate import models as model


def test_fetch_from_loopback_records_checksum_and_converts(http_root, marian_zip, tmp_path):
    root, base = http_root
    shutil.copy(marian_zip, root / marian_zip.name)
    models = tmp_path / "models"
    path = model.fetch("opus-mt-ar-en", models, url=f"{base}/{marian_zip.name}", progress=False)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["archive_sha256"] == sha256_file(marian_zip)
    assert manifest["model_bin_sha256"] == sha256_file(path / "model.bin")
    assert manifest["source"].startswith(base) and manifest["quantization"] == "int8"
    assert manifest["converter"] == "ctranslate2.converters.OpusMTConverter"
    assert {"model.bin", "config.json", "source.spm", "target.spm"} <= {p.name for p in path.iterdir()}
    assert [p.name for p in models.iterdir()] == ["opus-mt-ar-en"]  # no staging or download left


def test_corrupted_download_is_refused_and_leaves_nothing(http_root, marian_zip, tmp_path):
    root, base = http_root
    data = bytearray(marian_zip.read_bytes())
    data[len(data) // 3] ^= 0xFF  # flip a byte inside the compressed weights
    (root / "bad.zip").write_bytes(bytes(data))
    models = tmp_path / "models"
    with pytest.raises(InputError, match="corrupted archive"):
        model.fetch("opus-mt-ar-en", models, url=f"{base}/bad.zip", progress=False)
    assert not (models / "opus-mt-ar-en").exists() and list(models.iterdir()) == []


def test_checksum_mismatch_is_refused(http_root, marian_zip, tmp_path):
    root, base = http_root
    shutil.copy(marian_zip, root / "m.zip")
    with pytest.raises(ResourceError, match="sha256"):
        model.fetch("opus-mt-ar-en", tmp_path / "models", url=f"{base}/m.zip", sha256="0" * 64, progress=False)
    assert list((tmp_path / "models").iterdir()) == []


def test_unreachable_network_says_how_to_import(runner, tmp_path):
    result = runner.invoke(cli, ["model", "fetch", "opus-mt-ar-en", "--url", closed_port_url(),
                                 "--models-dir", str(tmp_path / "models")])
    assert result.exit_code == 3
    assert result.output.count("\n") == 1
    assert "parallel model import FILE --name opus-mt-ar-en" in result.output


def test_import_zip_folder_and_ctranslate2(marian_zip, marian_dir, model_dir, tmp_path):
    models = tmp_path / "models"
    from_zip = model.import_model(marian_zip, models_dir=models)
    assert from_zip.name == "opus-mt-ar-en"  # named after the release archive it matches
    from_folder = model.import_model(marian_dir, name="from-folder", models_dir=models)
    assert model.read_manifest(from_folder)["source_format"] == "marian"
    ct2 = model.import_model(model_dir, name="from-ct2", models_dir=models)
    manifest = model.read_manifest(ct2)
    assert manifest["source_format"] == "ctranslate2" and manifest["converter"] is None
    assert manifest["model_bin_sha256"] == sha256_file(model_dir / "model.bin")
    with pytest.raises(InputError, match="already installed"):
        model.import_model(marian_zip, models_dir=models)
    assert model.import_model(marian_zip, models_dir=models, force=True).exists()


def test_import_hugging_face_folder_needs_the_extra(tmp_path):
    folder = tmp_path / "hf"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "marian", "architectures": ["MarianMTModel"]}))
    try:
        import transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ResourceError, match=r"hf extra"):
            model.import_model(folder, name="hf", models_dir=tmp_path / "models")
    else:
        with pytest.raises((InputError, ResourceError)):
            model.import_model(folder, name="hf", models_dir=tmp_path / "models")
    assert not (tmp_path / "models" / "hf").exists()


def test_import_rejects_non_models(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="not a zip archive"):
        model.import_model(tmp_path / "notes.txt", models_dir=tmp_path / "models")
    with pytest.raises(InputError, match="no such file"):
        model.import_model(tmp_path / "missing.zip", models_dir=tmp_path / "models")


def test_resolve_model(installed_models, tmp_path):
    assert model.resolve_model(None, installed_models).name == "opus-mt-ar-en"
    with pytest.raises(ResourceError, match="parallel model fetch"):
        model.resolve_model(None, tmp_path / "empty")
    with pytest.raises(ResourceError, match="not installed"):
        model.resolve_model("opus-mt-tc-big-ar-en", installed_models)


def test_model_list_and_info_cli(runner, installed_models):
    listed = runner.invoke(cli, ["model", "list", "--json", "--models-dir", str(installed_models)])
    rows = {row["name"]: row for row in json.loads(listed.output)}
    assert rows["opus-mt-ar-en"]["installed"] and not rows["opus-mt-tc-big-ar-en"]["installed"]
    info = runner.invoke(cli, ["model", "info", "opus-mt-ar-en", "--models-dir", str(installed_models)])
    assert json.loads(info.output)["name"] == "opus-mt-ar-en"


def test_a_multi_target_model_gets_its_english_token(tmp_path):
    """A model whose vocabulary holds >>xxx<< tokens needs one before every source: the import
    records English's in the manifest and translation puts it first."""
    import tinymodel
    from conftest import arabic_lines, english_lines
    from parallel.translate.translator import Translator

    release = tinymodel.write_marian_model(tmp_path / "multi", arabic_lines()[:50], english_lines()[:200],
                                           language_tokens=(">>deu<<", ">>eng<<", ">>fra<<"))
    installed = model.import_model(release, name="multi", models_dir=tmp_path / "models")
    assert model.read_manifest(installed)["target_token"] == ">>eng<<"
    translator = Translator(installed)
    assert translator.source_tokens(["▁قال"]) == [">>eng<<", "▁قال"]  # CTranslate2 adds </s> itself
    assert translator.content_limit == 510
    assert translator.translate_texts(["قال"], progress=False)[0].text


def test_a_multi_target_model_without_english_is_refused(tmp_path):
    import tinymodel
    from conftest import arabic_lines, english_lines

    release = tinymodel.write_marian_model(tmp_path / "multi", arabic_lines()[:50], english_lines()[:200],
                                           language_tokens=(">>deu<<", ">>fra<<"))
    with pytest.raises(InputError, match="without an English target token"):
        model.import_model(release, name="multi", models_dir=tmp_path / "models")
    assert not (tmp_path / "models" / "multi").exists()


def test_a_single_target_model_needs_no_token(model_dir):
    assert model.read_manifest(model_dir)["target_token"] is None


def test_a_missing_model_is_told_a_command_that_works(installed_models, runner):
    registered = runner.invoke(cli, ["model", "info", "opus-mt-tc-big-ar-en", "--models-dir", str(installed_models)])
    assert registered.exit_code == 3 and "parallel model fetch opus-mt-tc-big-ar-en" in registered.output
    unknown = runner.invoke(cli, ["model", "info", "nosuch", "--models-dir", str(installed_models)])
    assert unknown.exit_code == 3 and "model fetch" not in unknown.output
    assert "not in the registry" in unknown.output and "parallel model import PATH --name nosuch" in unknown.output
