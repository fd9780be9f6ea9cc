"""Reading text files: UTF-8 only, every way a file can be unusable turned into one ``InputError``
that names the file, with the command that converts it when its encoding can be guessed."""
from __future__ import annotations

import re
from pathlib import Path

from parallel.errors import InputError
from parallel.text_rules import ARABIC_BLOCK, ARABIC_LETTERS, UTF16_MARKS

_ARABIC_LETTERS = re.compile(f"[{ARABIC_LETTERS}]")


def encoding_hint(data: bytes, path: Path, valid_utf8: bool = False) -> str:
    """What a file that is not UTF-8 probably is, and the command that converts it in place, keeping
    its name, so that it is read again as what it is ("" if unsure): UTF-16 (a byte-order mark, or
    bytes that read as Latin or Arabic text in UTF-16) or Windows-1256 (Arabic Windows files) — the
    latter never for bytes that are ``valid_utf8`` already."""
    def convert(encoding: str, name: str) -> str:
        return (f"; it looks like {name}: convert it in place with "
                f"`iconv -f {encoding} -t UTF-8 {path} > {path}.tmp && mv {path}.tmp {path}`")

    sample = data[:4096]
    utf16 = any(_reads_as_text(sample, encoding) for encoding in ("utf-16-le", "utf-16-be"))
    if sample.startswith(UTF16_MARKS) or utf16:
        return convert("UTF-16", "UTF-16")
    if valid_utf8:
        return ""
    try:
        decoded = sample.decode("cp1256")
    except UnicodeDecodeError:
        return ""
    letters = len(_ARABIC_LETTERS.findall(decoded))
    if letters > 0.3 * sum(not ch.isspace() for ch in decoded):
        return convert("CP1256", "Windows-1256 (Arabic)")
    return ""


def _reads_as_text(sample: bytes, encoding: str) -> bool:
    """Whether ``sample`` decodes in ``encoding`` to text of the scripts news are written in."""
    decoded = sample[: len(sample) // 2 * 2].decode(encoding, errors="replace")
    usual = sum(ch.isspace() or ch < "\u0250" or ARABIC_BLOCK[0] <= ch <= ARABIC_BLOCK[1] or "\u2000" <= ch <= "\u206f"
                for ch in decoded)
    return len(decoded) > 4 and usual > 0.95 * len(decoded) and "\x00" not in decoded


def read_input_bytes(path: Path, expected: str = "a text file") -> bytes:
    """A file's bytes, or one clear ``InputError``: missing, a directory (``expected`` says what
    should have been there), unreadable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected {expected}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, turning every way it can be unusable into one clear ``InputError``."""
    path = Path(path)
    data = read_input_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (invalid byte at offset {exc.start}){encoding_hint(data, path)}") from exc
    if "\x00" in text:
        hint = encoding_hint(data, path, valid_utf8=True)
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(f"{path}: contains {text.count(chr(0))} NUL byte(s), the first on line {line}"
                         f"{hint or '; a text file has none (remove them, or check that this is the file meant)'}")
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return text


def read_lines(path) -> list[str]:
    """Lines of a text file the way the sacrebleu command reads them (trailing white space dropped)."""
    text = read_text(path).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]
