"""Saving news pages politely, so that ``parallel`` can read them offline (``parallel fetch``).

One request at a time; at least ``delay_s`` between two requests to the same host; robots.txt
obeyed for our user agent; a timeout on every request and a few retries with growing pauses for
what may pass (timeouts, connection errors, 429 and 5xx).  Each page is saved as served, to a
temporary file renamed into place, under a name made from its URL; a page already saved is not
fetched again, so a stopped run resumes.  ``fetch.jsonl`` in the output folder records every URL:
the file, HTTP status, final URL, content type, sha256 and time, or why it failed.

Nothing here runs unless a user asks for it: no other command downloads pages.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from parallel import __version__
from parallel.errors import InputError
from parallel.files import atomic_write
from parallel.progress import progress_bar
from parallel.read.pages import declared_encoding
from parallel.read.textfiles import read_lines

USER_AGENT = f"parallel/{__version__} (news corpus tool; saves pages a user listed)"
LOG_NAME = "fetch.jsonl"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SLUG_RE = re.compile(r"[^\w\-]+", re.UNICODE)
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


@dataclass
class FetchOptions:
    """How politely to fetch: seconds between requests to one host, per-request timeout, retries
    (pauses of ``backoff_s``, doubled each time), and whether to obey robots.txt."""

    delay_s: float = 1.0
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 2.0
    robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class FetchRecord:
    """What happened to one URL (a line of ``fetch.jsonl``)."""

    url: str
    file: str = ""
    status: int | None = None
    final_url: str = ""
    content_type: str = ""
    sha256: str = ""
    fetched: str = ""
    error: str = ""
    skipped: bool = False           # saved by an earlier run


@dataclass
class FetchResult:
    """Every URL's record, with counts that format themselves."""

    records: list[FetchRecord] = field(default_factory=list)

    @property
    def failed(self) -> list[FetchRecord]:
        """The URLs that could not be saved."""
        return [r for r in self.records if r.error]

    def format(self) -> str:
        """One line: how many pages were saved, already there, and failed."""
        saved = sum(1 for r in self.records if r.file and not r.skipped and not r.error)
        skipped = sum(1 for r in self.records if r.skipped)
        return f"{len(self.records)} URLs: {saved} saved, {skipped} already saved, {len(self.failed)} failed"

    def to_json(self) -> dict:
        """The records as written to ``fetch.jsonl``, with the counts."""
        return {"urls": len(self.records), "failed": len(self.failed),
                "records": [asdict(r) for r in self.records]}


def read_urls(path: Path) -> list[str]:
    """The URLs of a list file: one per line; blank lines and ``#`` comments skipped; only http(s)."""
    urls = []
    for number, line in enumerate(read_lines(path), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if urllib.parse.urlsplit(line).scheme not in ("http", "https"):
            raise InputError(f"{path}: line {number} is not an http(s) URL: {line[:80]}")
        urls.append(line)
    if not urls:
        raise InputError(f"{path}: no URLs")
    return urls


def page_name(url: str) -> str:
    """A file name for a page: the last path segment (or the host) made safe, and a short hash of
    the whole URL so that two URLs never share a file: ``minister-cairo-3f2a1c.html``."""
    parts = urllib.parse.urlsplit(url)
    segment = [s for s in parts.path.split("/") if s][-1:] or [parts.hostname or "page"]
    stem = re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", urllib.parse.unquote(segment[0]), flags=re.IGNORECASE)
    stem = _SLUG_RE.sub("-", stem).strip("-")[:60] or "page"
    return f"{stem}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:6]}.html"


class _Politeness:
    """Per-host pacing and robots.txt, remembered for the run."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def wait(self, host: str) -> None:
        """Sleep until ``delay_s`` has passed since the last request to ``host``."""
        last = self._last.get(host)
        if last is not None:
            time.sleep(max(0.0, self.options.delay_s - (time.monotonic() - last)))
        self._last[host] = time.monotonic()

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our user agent fetch ``url`` (yes when it has none)."""
        if not self.options.robots:
            return True
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin, parts.netloc)
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(self.options.user_agent, url)

    def _read_robots(self, origin: str, host: str) -> urllib.robotparser.RobotFileParser | None:
        self.wait(host)
        request = urllib.request.Request(f"{origin}/robots.txt", headers={"User-Agent": self.options.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.options.timeout_s) as response:
                lines = response.read(512 * 1024).decode("utf-8", errors="replace").splitlines()
        except (urllib.error.URLError, OSError, ValueError):
            return None   # no robots.txt (404) or none reachable: nothing is disallowed
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(lines)
        return robots


def _get(url: str, options: FetchOptions, politeness: _Politeness) -> tuple[bytes, int, str, str]:
    """The body, status, final URL and content type of ``url``, retrying what may pass."""
    host = urllib.parse.urlsplit(url).netloc
    pause = options.backoff_s
    for attempt in range(options.retries + 1):
        politeness.wait(host)
        request = urllib.request.Request(url, headers={"User-Agent": options.user_agent,
                                                       "Accept": "text/html,application/xhtml+xml"})
        try:
            with urllib.request.urlopen(request, timeout=options.timeout_s) as response:
                return (response.read(), response.status, response.geturl(),
                        response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            if exc.code not in _RETRY_STATUSES or attempt == options.retries:
                raise
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == options.retries:
                raise
        time.sleep(pause)
        pause *= 2
    raise AssertionError("unreachable")


def _as_declared(body: bytes, content_type: str) -> bytes:
    """The page as saved: as served, except that a page that declares no encoding of its own but
    was served with a non-UTF-8 charset header is transcoded to UTF-8 (``pages`` reads what a
    page declares, and the header does not travel with the file)."""
    match = _CHARSET_RE.search(content_type)
    has_bom = body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    if not match or has_bom or declared_encoding(body) is not None:
        return body
    try:
        return body.decode(match.group(1)).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return body


def fetch_pages(urls: list[str], out_dir: Path, options: FetchOptions | None = None,
                progress: bool = True) -> FetchResult:
    """Save every URL's page into ``out_dir`` (see the module docstring); ``fetch.jsonl`` there
    gets one record per URL, appended as each finishes."""
    options = options or FetchOptions()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    politeness = _Politeness(options)
    result = FetchResult()
    with open(out_dir / LOG_NAME, "a", encoding="utf-8") as log, \
            progress_bar(len(urls), enabled=progress, unit="page", desc="fetch") as bar:
        for url in urls:
            record = _fetch_one(url, out_dir, options, politeness)
            result.records.append(record)
            log.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            log.flush()
            bar.update(1)
    return result


def _fetch_one(url: str, out_dir: Path, options: FetchOptions, politeness: _Politeness) -> FetchRecord:
    path = out_dir / page_name(url)
    record = FetchRecord(url, file=path.name)
    if path.is_file():
        record.skipped = True
        return record
    if not politeness.allowed(url):
        record.file, record.error = "", "disallowed by robots.txt"
        return record
    try:
        body, record.status, record.final_url, record.content_type = _get(url, options, politeness)
    except urllib.error.HTTPError as exc:
        record.file, record.status, record.error = "", exc.code, f"HTTP {exc.code} {exc.reason}"
        return record
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        record.file, record.error = "", f"cannot fetch: {reason}"
        return record
    body = _as_declared(body, record.content_type)
    with atomic_write(path, "wb") as out:
        out.write(body)
    record.sha256 = hashlib.sha256(body).hexdigest()
    record.fetched = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return record
