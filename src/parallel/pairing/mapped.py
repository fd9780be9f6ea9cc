"""Large arrays kept in files and read through memory maps, not held in the process's memory.

The pairing's largest arrays (each side's key entries, its inverted index) grow with the
documents.  Written a block at a time to nameless temporary files and mapped, they cost the
process only the pages it is working on: ``release`` hands those back after each block of work
(the kernel keeps them in its page cache, reclaimable, and reads them in again when next
touched).  Each file is unlinked from the start and closed once mapped, so it goes when the last
array viewing it goes, however the run ends.  The folder is the caller's (``pair-docs`` puts
them beside its output): the system's temporary folder may itself be memory.
"""
from __future__ import annotations

import ctypes
import mmap
import os
import tempfile
from contextlib import contextmanager
from typing import Sequence

import numpy as np

WRITE_CHUNK = 1 << 24       # bytes written at a time (a view, never a copy of a whole array)
GATHER_ROWS = 1 << 16       # rows of a file gathered from at a time


class Mapped:
    """The memory maps behind some arrays, whose pages can be handed back together."""

    def __init__(self, maps: Sequence[mmap.mmap] = ()):
        self._maps = list(maps)

    def release(self) -> None:
        """Hand back the pages touched so far; written pages stay in the file."""
        if not hasattr(mmap, "MADV_DONTNEED"):     # not on every system: the kernel pages out alone there
            return
        for view in self._maps:
            view.madvise(mmap.MADV_DONTNEED)


class ColumnWriter:
    """Columns of one dtype each, appended a block at a time to temporary files in ``directory``,
    then mapped read-only (``finish``)."""

    def __init__(self, dtypes: Sequence[np.dtype], directory: str | None = None):
        self._dtypes = [np.dtype(dtype) for dtype in dtypes]
        self._directory = directory
        with told_of_folder(directory):
            self._files = [tempfile.TemporaryFile(dir=directory) for _ in self._dtypes]
        self._sizes = [0] * len(self._dtypes)

    def append(self, *blocks: np.ndarray) -> None:
        """One block of each column (any lengths)."""
        for number, (file, block) in enumerate(zip(self._files, blocks)):
            with told_of_folder(self._directory):
                _write(file, np.asarray(block, dtype=self._dtypes[number]))
            self._sizes[number] += len(block)

    def finish(self) -> tuple[list[np.ndarray], Mapped]:
        """The columns as read-only arrays over their files, and their maps; the files are closed
        (each goes with the last array over it)."""
        columns, maps = [], []
        for file, dtype, size in zip(self._files, self._dtypes, self._sizes):
            with told_of_folder(self._directory), file:     # the last buffered bytes go to disk here
                if size == 0:           # a map cannot be empty
                    columns.append(np.zeros(0, dtype=dtype))
                    continue
                file.flush()
                view = mmap.mmap(file.fileno(), size * dtype.itemsize, access=mmap.ACCESS_READ)
            maps.append(view)
            columns.append(np.frombuffer(view, dtype=dtype, count=size))
        self._files = []
        return columns, Mapped(maps)


def writable(size: int, dtype: np.dtype, directory: str | None = None) -> tuple[np.ndarray, Mapped]:
    """A zeroed array of ``size`` items over a temporary file, to be filled in place (pages
    written are the file's once released)."""
    dtype = np.dtype(dtype)
    if size == 0:
        return np.zeros(0, dtype=dtype), Mapped()
    with told_of_folder(directory), tempfile.TemporaryFile(dir=directory) as file:
        if hasattr(os, "posix_fallocate"):     # the blocks taken now: a full disk is an OSError here, not SIGBUS later
            os.posix_fallocate(file.fileno(), 0, size * dtype.itemsize)
        else:
            file.truncate(size * dtype.itemsize)
        view = mmap.mmap(file.fileno(), size * dtype.itemsize, access=mmap.ACCESS_WRITE)
    return np.frombuffer(view, dtype=dtype, count=size), Mapped([view])


class MappedRows:
    """Rows of a 2-D array (``width`` columns) or the items of a 1-D one (``width`` None) in a
    temporary file (``writable``), read as copies and written a block of rows at a time, the pages
    handed back after each access: numpy's indexing, one block in memory."""

    def __init__(self, count: int, width: int | None, dtype: np.dtype, directory: str | None = None):
        flat, self._mapped = writable(count * (width or 1), dtype, directory)
        self._rows = flat.reshape(count, width) if width else flat
        self._width = width
        self._directory = directory

    @classmethod
    def over(cls, array: np.ndarray, mapped: Mapped, directory: str | None = None) -> "MappedRows":
        """Rows already in a mapped file (a column of ``ColumnWriter.finish``), read-only."""
        rows = cls.__new__(cls)
        rows._rows, rows._mapped, rows._directory = array, mapped, directory
        rows._width = array.shape[1] if array.ndim == 2 else None
        return rows

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def shape(self) -> tuple[int, ...]:
        """(rows, columns), or (items,)."""
        return self._rows.shape

    @property
    def dtype(self) -> np.dtype:
        """The items' type."""
        return self._rows.dtype

    def __getitem__(self, index):       # noqa: ANN001
        if isinstance(index, (np.ndarray, list)):
            return self._gathered(np.asarray(index))
        block = np.array(self._rows[index])
        self._mapped.release()
        return block

    def _gathered(self, index: np.ndarray) -> np.ndarray:
        """The rows listed (or masked), in their order, read ``GATHER_ROWS`` rows of the file at a
        time: rows spread over the whole file would otherwise bring all of its pages in at once."""
        if index.dtype == bool:
            index = np.flatnonzero(index)
        index = np.where(index < 0, index + len(self), index).astype(np.int64)
        if len(index) and (index.min() < 0 or index.max() >= len(self)):
            raise IndexError(f"row index out of range for {len(self)} rows")
        gathered = np.empty((len(index),) + self.shape[1:], dtype=self._rows.dtype)
        order = np.argsort(index, kind="stable")
        ordered = index[order]
        bounds = np.searchsorted(ordered, np.arange(0, len(self) + GATHER_ROWS, GATHER_ROWS))
        for low, high in zip(bounds[:-1], bounds[1:]):
            if high > low:
                gathered[order[low:high]] = self._rows[ordered[low:high]]
                self._mapped.release()
        return gathered

    def __setitem__(self, index, values) -> None:   # noqa: ANN001
        self._rows[index] = values
        self._mapped.release()

    def grown(self, extra: int, block: int = 1 << 16) -> "MappedRows":
        """A copy with ``extra`` rows more after these (zeros), copied ``block`` rows at a time."""
        grown = MappedRows(len(self) + extra, self._width, self._rows.dtype, self._directory)
        for low in range(0, len(self), block):
            high = min(low + block, len(self))
            grown[low:high] = self[low:high]
        return grown


def hand_back_freed_memory() -> None:
    """Hand the memory freed so far back to the system, between the pairing's phases.  glibc keeps
    what numpy frees in its heap for reuse (arrays under its mmap threshold, which rises to 32 MB as
    large arrays are freed), and the heap fragments: after a round of candidates some 100 MB of it
    is free but still the process's.  ``malloc_trim`` returns those pages; elsewhere nothing is done."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError, TypeError):    # not glibc (Windows: no CDLL(None)): nothing to do
        return
    trim(0)


@contextmanager
def told_of_folder(directory: str | None):
    """An ``OSError`` about our nameless files (a full disk) told of the folder they are in."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None or exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, directory or tempfile.gettempdir()) from exc


def _write(file, array: np.ndarray) -> None:   # noqa: ANN001
    data = memoryview(np.ascontiguousarray(array)).cast("B")
    for low in range(0, len(data), WRITE_CHUNK):
        file.write(data[low:low + WRITE_CHUNK])
