"""``--engine ray`` beyond one node, on clusters of simulated nodes on this machine
(``ray.cluster_utils.Cluster``, as Ray's own tests do): the work spread over the nodes, a node
removed mid-run costing nothing, a node without the model failing in one line; and, from a new
user's terminal, Ray's own lines kept off it and both actors of a small run at work."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from conftest import REQUIRE_EXTERNAL, SEEDS
from parallel.cli.main import cli
from parallel.formats.jsonl import translation_record
from parallel.read.articles import article_paths
from parallel.runs.ray_engine import RAY_LOG, RayOptions, shard_path, translate_on_ray
from parallel.segment.sentences import segments_from_file
from parallel.translate.translator import TranslateOptions, Translator

if not REQUIRE_EXTERNAL:
    pytest.importorskip("ray")
pytestmark = pytest.mark.slow   # each test starts a cluster of its own


@pytest.fixture
def make_cluster():
    """Clusters of a head without CPUs (it only runs the driver, as on a real cluster) and worker
    nodes; each is shut down after the test, and the driver disconnected."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    import ray
    from ray.cluster_utils import Cluster

    assert not ray.is_initialized()
    clusters = []

    def make(*nodes: dict):
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
        workers = [cluster.add_node(**node) for node in nodes]
        cluster.wait_for_nodes()
        clusters.append(cluster)
        return cluster, workers

    yield make
    ray.shutdown()
    for cluster in clusters:
        cluster.shutdown()


def _seed_segments():
    return [s for path in article_paths(SEEDS) for s in segments_from_file(path)]


def test_translation_spreads_over_nodes_and_survives_a_node_removed_mid_run(make_cluster, model_dir, tmp_path):
    cluster, workers = make_cluster({"num_cpus": 1}, {"num_cpus": 1}, {"num_cpus": 1})
    segments, out = _seed_segments(), tmp_path / "out"

    def remove_a_node_once_work_is_done():
        deadline = time.monotonic() + 120
        while not shard_path(out, 0).exists() and not shard_path(out, 1).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        cluster.remove_node(workers[2], allow_graceful=False)   # as a machine lost: its actor dies with it
        removed.set()

    removed = threading.Event()
    threading.Thread(target=remove_a_node_once_work_is_done, daemon=True).start()
    result = translate_on_ray(segments, model_dir, TranslateOptions(reproducible=True), out,
                              RayOptions(address=cluster.address, actors=3, shard_size=10), progress=False)
    assert removed.is_set() and len(cluster.list_all_nodes()) == 3   # the head and two workers left
    assert result.nodes >= 2 and result.shards == 18 == result.translated_shards
    records = [json.loads(line) for line in result.output.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [s.id for s in segments]   # every id once, in order
    translator = Translator(model_dir, TranslateOptions(reproducible=True))
    assert records == [translation_record(t, translator.model_name)
                       for t in translator.translate_segments(segments, progress=False)]


def test_a_node_without_the_model_fails_in_one_line(make_cluster, model_dir, tmp_path, runner):
    empty = tmp_path / "models-elsewhere"
    empty.mkdir()
    # the only worker keeps its models elsewhere ($PARALLEL_MODELS on that node), where this model is not
    cluster, _ = make_cluster({"num_cpus": 1, "env_vars": {"PARALLEL_MODELS": str(empty)}})
    article = article_paths(SEEDS)[0]
    result = runner.invoke(cli, ["translate", str(article), "--models-dir", str(model_dir.parent), "--no-cache",
                                 "--engine", "ray", "--address", cluster.address, "--actors", "1",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: node "), result.output
    assert f"{empty / model_dir.name}: the model is not installed on this node" in lines[0]
    assert "install it on every node" in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "out" / "translations.jsonl").exists()


def test_rays_own_lines_stay_off_the_terminal_and_both_actors_work(installed_models, tmp_path):
    """Issue 35's new user: 200 lines with --actors 2 (a fresh local cluster: ``--address local``),
    in a process of its own so that what reaches its standard error is what a terminal shows."""
    lines = tmp_path / "t.ara"
    lines.write_text("\n".join(f"قال الوزير إن الخطة رقم {n} جاهزة." for n in range(200)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    env.pop("RAY_ADDRESS", None)
    run = subprocess.run([sys.executable, "-m", "parallel.cli", "translate", str(lines), "--lines", "--engine", "ray",
                          "--address", "local", "--actors", "2", "--out", str(out), "--models-dir",
                          str(installed_models), "--no-cache"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip().splitlines() == [f"200 segments in 7 shards (7 translated now by 2 actor(s) on 1 "
                                               f"node(s), 0 already done); wrote {out / 'translations.jsonl'}"]
    assert run.stdout == ""
    # what Ray printed went to the run's log: its core worker's warning about actor restarts
    assert "core_worker" in (out / RAY_LOG).read_text(encoding="utf-8", errors="replace")


def test_with_debug_rays_own_lines_reach_the_terminal(installed_models, tmp_path):
    lines = tmp_path / "t.ara"
    lines.write_text("قال الوزير إن الخطة جاهزة.\n", encoding="utf-8")
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    env.pop("RAY_ADDRESS", None)
    run = subprocess.run([sys.executable, "-m", "parallel.cli", "--debug", "translate", str(lines), "--lines",
                          "--engine", "ray", "--address", "local", "--actors", "1", "--out", str(tmp_path / "out"),
                          "--models-dir", str(installed_models), "--no-cache"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "core_worker" in run.stderr and not (tmp_path / "out" / RAY_LOG).exists()
