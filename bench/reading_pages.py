"""Reading web pages (issue 33): every test page built in ``tests/newslayouts.py`` (and the earlier
layouts of ``tests/newspages.py`` and ``tests/test_page_parts.py``) read with ``read_article``, and
compared with the article it was built from.

Per page: word F1 of the read paragraphs against the article's (a bag of words: each word counted
as often as it occurs), whether the headline is the first paragraph, the leaked lines (read
paragraphs that are not a paragraph of the article), the missing article paragraphs, and the
chrome strings (captions, bylines, dates, comments, ads, menus…) found anywhere in the text.

These are pages of our own making, written for the tests: the numbers say that the rules do what
they are meant to on the layouts built, not how well real news pages read (none are kept here).
Prints a Markdown table; ``--write`` merges the results into ``bench/results.json`` under
"reading_pages".
"""
from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# --src reads with another tree's library (the baseline before a change); the pages stay this tree's.
SOURCE = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv else REPO / "src"
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SOURCE))

from bench_results import merge_results  # noqa: E402

import newslayouts  # noqa: E402
from parallel.read.articles import read_article  # noqa: E402


def word_f1(read: list[str], expected: list[str]) -> float:
    """Word F1 of ``read`` against ``expected`` (bags of whitespace-separated words)."""
    got, want = Counter(" ".join(read).split()), Counter(" ".join(expected).split())
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def measure(name: str, page: newslayouts.TestPage, folder: Path) -> dict:
    """Read one test page and compare it with its article."""
    path = folder / name
    path.write_bytes(page.markup.encode(page.encoding))
    document = read_article(path)
    read, expected = document.paragraphs, list(page.expected)
    text = "\n".join(read)
    return {"page": name, "layout": page.layout, "f1": round(word_f1(read, expected), 4),
            "headline_first": bool(read) and read[0] == expected[0],
            "leaked_lines": [line for line in read if line not in expected],
            "missing_lines": [line for line in expected if line not in read],
            "chrome_found": [c for c in page.chrome if c in text],
            "sources": document.page.sources if document.page else {}}


def table(rows: list[dict]) -> str:
    """The Markdown table of the measured pages."""
    lines = ["| page | layout | word F1 | headline first | leaked lines | missing lines | chrome found |",
             "|---|---|---:|---|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| `{row['page']}` | {row['layout']} | {row['f1']:.3f} | "
                     f"{'yes' if row['headline_first'] else 'no'} | {len(row['leaked_lines'])} | "
                     f"{len(row['missing_lines'])} | {len(row['chrome_found'])} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="merge the results into bench/results.json")
    parser.add_argument("--src", type=Path, default=SOURCE, help="the library's source tree (default: this one)")
    parser.add_argument("--verbose", action="store_true", help="print each page's leaked and missing lines")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(name, page, Path(folder)) for name, page in newslayouts.catalogue().items()]
    print(table(rows))
    print(f"\nread with {sys.modules['parallel'].__file__}")
    if args.verbose:
        for row in rows:
            for kind in ("leaked_lines", "missing_lines", "chrome_found"):
                for line in row[kind]:
                    print(f"{row['page']}: {kind}: {line}")
    exact = sum(not r["leaked_lines"] and not r["missing_lines"] for r in rows)
    print(f"\n{len(rows)} pages, {exact} read exactly as the article; "
          f"min word F1 {min(r['f1'] for r in rows):.3f}; {time.perf_counter() - start:.1f} s")
    if args.write:
        merge_results(HERE / "results.json", "reading_pages", {
            "what": "test pages of our own making (tests/newslayouts.py), not real news pages",
            "source": str(args.src),
            "python": platform.python_version(), "pages": rows})


if __name__ == "__main__":
    main()
