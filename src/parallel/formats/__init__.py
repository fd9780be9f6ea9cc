"""Exchange formats; each module writes and reads its format."""
from __future__ import annotations

import re

# Characters XML 1.0 forbids: C0 controls other than tab, LF, CR; surrogates; U+FFFE, U+FFFF.
_XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> tuple[str, int]:
    """``text`` without XML-forbidden characters, and how many were removed."""
    return _XML_FORBIDDEN_RE.subn("", text)
