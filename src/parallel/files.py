"""Writing outputs so that a crash never leaves a half-written file behind."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterator

from parallel.errors import InputError, location_error


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it into place only if the block succeeds."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise location_error(exc, path) from exc
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else "\n"
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise location_error(exc, path) from exc
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    """The file's SHA-256, read in chunks so that large model files take no memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_folder(folder: Path, leftovers: tuple[str, ...] = (".staging-",)) -> Iterator[Path]:
    """Hold ``folder`` for one run: a second run that asks for it while this one writes there gets
    an ``InputError`` at once instead of doing the same work beside it.  The lock is the kernel's
    (``flock`` on the folder itself, no lock file), so a killed run never leaves it held; and
    while holding it, what killed runs left behind (folders named ``leftovers…``) is removed."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is a file; give a folder (one that does not exist yet is created)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise location_error(exc, folder) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"{folder}: another parallel run is writing here; wait for it to finish, "
                             "or give another folder") from None
        except OSError:
            locked = False  # a file system without locks (some network mounts): run unguarded, not at all
        else:
            locked = True
        for path in folder.iterdir() if locked else ():  # unguarded, another run's folders may be live
            if path.is_dir() and path.name.startswith(leftovers):
                shutil.rmtree(path, ignore_errors=True)
        yield folder
    finally:
        os.close(descriptor)  # closing releases the lock
