"""Exchange formats; each module writes and reads its format."""
from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

from lxml import etree

# Characters XML 1.0 forbids: C0 controls other than tab, LF, CR; surrogates; U+FFFE, U+FFFF.
_XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` without XML-forbidden characters, and how many were removed."""
    return _XML_FORBIDDEN_RE.subn("", text)


def first_line(exc: Exception) -> str:
    """The first line of an exception's message, for one-line errors."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@functools.lru_cache(maxsize=None)
def load_schema(name: str) -> etree.RelaxNG:
    """A RELAX NG schema shipped in ``parallel/formats/schemas/``."""
    text = resources.files(__package__).joinpath("schemas", name).read_bytes()
    return etree.RelaxNG(etree.fromstring(text))


def validation_errors(path: Path, schema_name: str) -> list[str]:
    """Problems found validating ``path`` against one of our schemas; empty when it is valid."""
    schema = load_schema(schema_name)
    parser = etree.XMLParser(huge_tree=True, no_network=True, resolve_entities=False)
    try:
        document = etree.parse(str(path), parser)
    except OSError as exc:
        return [f"{path}: cannot read ({exc.strerror or 'no such file'})"]
    except etree.XMLSyntaxError as exc:
        return [f"{path}: not well-formed XML ({first_line(exc)})"]
    if schema.validate(document):
        return []
    return [f"{path}:{error.line}: {error.message}" for error in schema.error_log]
