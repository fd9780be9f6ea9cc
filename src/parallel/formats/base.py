"""The one interface of every writer: open as a context manager, ``write`` a unit at a time,
close on leaving the block.  What a writer writes appears only when the block succeeds (each
file goes to a temporary name and is renamed into place), and memory stays flat however many
units there are.  One module per format subclasses ``Writer`` (as CTranslate2's converters
subclass its ``Converter``)."""
from __future__ import annotations

import contextlib
import sys
from typing import Any, Iterable


class Writer:
    """Subclasses open their files in ``_open`` (entering contexts on ``stack``) and write one
    unit in ``write``; ``counts`` says what was written."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {"units": 0}
        self._stack: contextlib.ExitStack | None = None

    def __enter__(self) -> "Writer":
        self._stack = contextlib.ExitStack()
        with self._stack as stack:
            self._open(stack)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc_info) -> bool | None:
        stack, self._stack = self._stack, None
        if stack is None:
            return None
        if exc_info[0] is None:
            try:
                self._finish()
            except BaseException:
                if not stack.__exit__(*sys.exc_info()):
                    raise
                return None
        return stack.__exit__(*exc_info)

    def _open(self, stack: contextlib.ExitStack) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Called once the last unit is written, before the files are closed (nothing by default)."""

    def write(self, unit: Any) -> None:
        """Write one unit (the format's own type: ``TmxUnit``, ``XliffUnit``, a record or a row)."""
        raise NotImplementedError

    def write_all(self, units: Iterable[Any]) -> dict[str, int]:
        """Write every unit; returns ``counts``."""
        for unit in units:
            self.write(unit)
        return self.counts
