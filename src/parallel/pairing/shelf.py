"""A side's documents kept in a temporary file instead of in memory.

Pairing reads each document's text a few times in passes over the whole side (its keys, its
stems, its length) and then only the few thousand it learns a word table from; a crawl of
100,000 pages a side holds about a gigabyte of text.  A ``DocumentShelf`` is a sequence of
``SideDocument`` whose documents (and their segments, for the sentence alignment that may follow)
are pickled into one temporary file as they are read; only each document's name and offset stay
in memory.  Iterating reads the file in order; indexing seeks.  The file is deleted when the shelf
is closed or collected.

(The key tables, stem counts and candidates are in mapped files: ``mapped``.)
"""
from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Sequence
from typing import Any, Callable, Iterable, Iterator

from parallel.pairing.keys import SideDocument
from parallel.pairing.mapped import told_of_folder


class DocumentShelf(Sequence):
    """Documents appended once, then read back by index or in order (a read-only sequence)."""

    def __init__(self, directory: str | None = None):
        self._directory = directory
        with told_of_folder(directory):
            self._file = tempfile.TemporaryFile(dir=directory)
        self._offsets = array("q")          # where each document's pickle starts
        self._extra_offsets = array("q")    # where its extra's starts (right after it)
        self.names: list[str] = []
        self._pivots: DocumentShelf | None = None

    def __enter__(self) -> "DocumentShelf":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def append(self, document: SideDocument, extra: Any = None) -> None:
        """Shelve a document, and apart from it ``extra`` (its segments), read back by ``extra``:
        a pass over the documents does not read their extras."""
        with told_of_folder(self._directory):
            self._file.seek(0, 2)
            start = self._file.tell()
            pickle.dump(document, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            extra_start = self._file.tell()
            pickle.dump(extra, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._offsets.append(start)
        self._extra_offsets.append(extra_start)
        self.names.append(document.name)

    def __len__(self) -> int:
        return len(self._offsets)

    def _load(self, offsets: array, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        self._file.seek(offsets[index])
        return pickle.load(self._file)

    def __getitem__(self, index):          # noqa: ANN001 - int or slice, as a Sequence takes
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        return self._with_pivot(self._load(self._offsets, index), index % len(self))

    def __iter__(self) -> Iterator[SideDocument]:
        pivots = iter(self._pivots) if self._pivots is not None else None
        for offset in self._offsets:
            self._file.seek(offset)            # another reader may have moved the file meanwhile
            document = pickle.load(self._file)
            if pivots is not None:
                document.pivot = " ".join(next(pivots).sentences)
            yield document

    def extra(self, index: int) -> Any:
        """What was shelved with the document (its segments)."""
        return self._load(self._extra_offsets, index)

    def extras(self) -> "Shelved":
        """Every document's ``extra``, as a sequence."""
        return Shelved(self)

    def set_pivots(self, pivots: Iterable[list[str]]) -> None:
        """Give every document its pivot, in order: the machine translation of each of its
        sentences (shelved too; a document's ``pivot`` is them joined)."""
        shelf = DocumentShelf(self._directory)
        try:
            for sentences in pivots:
                if len(shelf) == len(self):
                    raise ValueError(f"more pivots than the {len(self)} documents")
                shelf.append(SideDocument(self.names[len(shelf)], list(sentences)))
            if len(shelf) != len(self):
                raise ValueError(f"{len(shelf)} pivots for {len(self)} documents")
        except BaseException:
            shelf.close()
            raise
        if self._pivots is not None:
            self._pivots.close()
        self._pivots = shelf

    def _with_pivot(self, document: SideDocument, index: int) -> SideDocument:
        if self._pivots is not None:
            document.pivot = " ".join(self._pivots[index].sentences)
        return document

    def pivot_sentences(self) -> "Shelved | None":
        """Every document's translated sentences, as a sequence (None without pivots)."""
        if self._pivots is None:
            return None
        return Shelved(self, lambda index: self._pivots[index].sentences)   # the pivots of the moment

    def close(self) -> None:
        """Delete the file."""
        self._file.close()
        if self._pivots is not None:
            self._pivots.close()


class Shelved(Sequence):
    """What a shelf keeps for each of its documents beside the document (its ``extra``; with
    ``read``, something else, such as its pivot's sentences), read back by index or in order."""

    def __init__(self, shelf: DocumentShelf, read: Callable[[int], Any] | None = None):
        self._shelf = shelf
        self._read = read or shelf.extra

    def __len__(self) -> int:
        return len(self._shelf)

    def __getitem__(self, index):          # noqa: ANN001
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        return self._read(index)
