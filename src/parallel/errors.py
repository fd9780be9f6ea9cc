"""User-facing failures.  The CLI prints ``error: <message>`` on one line and exits with ``exit_code``."""

import errno


class ParallelError(Exception):
    """A failure the user can act on; never shown with a traceback unless ``--debug``."""

    exit_code = 2


class InputError(ParallelError):
    """Bad input: a missing, unreadable, non-UTF-8 or empty file, or a malformed record."""

    exit_code = 2


class ResourceError(ParallelError):
    """A model or other resource is missing or cannot be obtained."""

    exit_code = 3


class LocationError(ParallelError):
    """A place the run must write to is not usable: read-only, full, or not permitted."""

    exit_code = 2

    def __init__(self, path, advice: str):
        super().__init__(f"{path or 'a file'}: {advice}")
        self.path, self.advice = path, advice

    def moved_to(self, path) -> "LocationError":
        """The same failure told of ``path`` (the output folder rather than our temporary file in it)."""
        return LocationError(path, self.advice)


_ERRNO_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere",
    errno.EROFS: "the file system is read-only; write elsewhere",
    errno.EACCES: "permission denied; write elsewhere or change its permissions",
    errno.EPERM: "not permitted; write elsewhere or change its permissions",
}


def location_error(exc: OSError, where=None) -> LocationError:
    """An ``OSError`` from the file system as one line: the path (``where`` when the error names
    none, or names a temporary file of ours), what is wrong, what to do."""
    where = where or exc.filename
    advice = _ERRNO_ADVICE.get(exc.errno, exc.strerror or str(exc))
    return LocationError(where, advice)
