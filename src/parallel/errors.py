"""User-facing failures.  The CLI prints ``error: <message>`` on one line and exits with ``exit_code``."""


class ParallelError(Exception):
    """A failure the user can act on; never shown with a traceback unless ``--debug``."""

    exit_code = 2


class InputError(ParallelError):
    """Bad input: a missing, unreadable, non-UTF-8 or empty file, or a malformed record."""

    exit_code = 2


class ResourceError(ParallelError):
    """A model or other resource is missing or cannot be obtained."""

    exit_code = 3
