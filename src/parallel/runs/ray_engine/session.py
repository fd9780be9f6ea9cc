"""Starting or joining Ray, and keeping its own lines off the user's terminal (``--debug`` shows them)."""
from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import socket
import sys
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from parallel.errors import ResourceError
from parallel.progress import status
from parallel.runs.ray_engine.options import RayOptions


@contextmanager
def ray_messages_into(log_path: Path | None) -> Iterator[None]:
    """Ray's own lines go into ``log_path`` instead of the user's terminal while the block runs.

    Ray's C++ core worker writes its warnings (``E … core_worker.cc …``) to file descriptor 2
    itself, so descriptor 2 points at a temporary file for the block, and Python's ``sys.stderr``
    (our progress bar and status lines) at a copy of what it was; where ``sys.stderr`` is not
    descriptor 2 (a test runner's capture), it is left alone.  At the end what Ray wrote is added
    to ``log_path`` if its folder exists (a run that failed before making its output folder leaves
    nothing behind).  ``log_path`` None: nothing changes (``--debug``: Ray's lines as Ray prints them)."""
    if log_path is None:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:   # None where Python runs without them
            stream.flush()
    saved = os.dup(2)
    python_stderr = sys.stderr
    with tempfile.TemporaryFile() as messages:
        os.dup2(messages.fileno(), 2)
        if _writes_to_descriptor(python_stderr, 2):
            # never closed here: a handler Ray sets up in the block may keep writing to it
            sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, encoding=python_stderr.encoding,
                                   errors=python_stderr.errors)
        try:
            yield
        finally:
            sys.stderr.flush()
            sys.stderr = python_stderr
            os.dup2(saved, 2)
            os.close(saved)
            _keep_messages(messages, Path(log_path))


def _keep_messages(messages, log_path: Path) -> None:
    messages.seek(0)
    if log_path.parent.is_dir() and messages.read(1):
        messages.seek(0)
        with open(log_path, "ab") as log:
            shutil.copyfileobj(messages, log)


def _writes_to_descriptor(stream, descriptor: int) -> bool:
    try:
        return stream.fileno() == descriptor
    except (AttributeError, OSError, ValueError):   # io.UnsupportedOperation is an OSError and a ValueError
        return False


def _check_answers(address: str | None, timeout: float = 5.0) -> None:
    """An address given as ``HOST:PORT`` (or ``ray://HOST:PORT``) must answer: where nothing listens,
    ``ray.init`` retries for minutes before it fails (Ray's GCS reconnect timeout)."""
    address = str(address or "")
    if address.startswith("ray://") and importlib.util.find_spec("grpc") is None:
        return            # without ray[client], ray.init says what to install, wherever the address points
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return            # None, "auto", "local": Ray's own ways of finding or starting a cluster
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ResourceError(f"--address {address}: nothing answers there ({exc.strerror or exc}); start a "
                            "cluster with `ray start --head`, give its address, or use --address local") from exc


def start_ray(ray_options: RayOptions, progress: bool = True):
    """Ray, started or joined as ``ray_options.address`` says, with its progress lines and hints
    off, and its worker and error lines off unless ``ray_messages``; says which cluster once."""
    try:
        import ray
    except ImportError as exc:
        raise ResourceError("--engine ray needs Ray: pip install 'parallel[ray]'") from exc
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")   # a local cluster of our own: no token to set up
    address = ray_options.address
    if not ray.is_initialized():
        _check_answers(address)
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                     configure_logging=True)
        except ConnectionError as exc:   # --address auto with no cluster, an address nothing answers at
            raise ResourceError(f"--address {address}: no Ray cluster to join ({str(exc).split('. ')[0]}); start "
                                "one with `ray start --head`, give its address, or use --address local") from exc
        except ValueError as exc:
            if str(address or "").startswith("ray://") and "ray[client]" in str(exc):
                raise ResourceError(f"--address {address}: Ray Client needs its package: "
                                    "pip install 'ray[client]' (or run where `ray start` runs, with --address auto)") \
                    from exc
            raise
        status(describe_cluster(ray), progress)
    import ray.data

    # Ray's progress lines, hints and its own account of an actor's error are not ours to print:
    # the run reports the error in one line (``_actor_error``)
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING if ray_options.ray_messages else logging.CRITICAL)
    _show_ray_worker_lines(ray_options.ray_messages)
    warnings.filterwarnings("ignore", message=".*minimum number of concurrent actors.*")
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    return ray


def _show_ray_worker_lines(shown: bool) -> None:
    """Ray's driver prints the cluster's error events (``(raylet) Task … will be retried``, a
    worker's death) from a thread of its own, on standard output; the switch it offers for this is
    the one its own debugger uses (``ray.util.rpdb``).  They are expected on a run that survives a
    lost worker; ``--debug`` shows them, and Ray keeps its own logs in ``/tmp/ray/session_latest/logs``."""
    import ray._private.worker as ray_worker

    if hasattr(ray_worker, "_worker_logs_enabled"):
        ray_worker._worker_logs_enabled = shown


def describe_cluster(ray) -> str:
    """One line: the cluster joined or started, its live nodes, CPUs and GPUs."""
    resources = ray.cluster_resources()
    nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
    gpus = f", {resources['GPU']:g} GPUs" if resources.get("GPU") else ""
    return (f"ray: cluster at {ray.get_runtime_context().gcs_address}: {nodes} node(s), "
            f"{resources.get('CPU', 0):g} CPUs{gpus}")
