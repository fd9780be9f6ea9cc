"""``parallel fetch``: pages saved politely from a loopback server only (never the network)."""
from __future__ import annotations

import functools
import http.server
import json
import threading
import time

import pytest

import newspages
from parallel.cli.main import cli
from parallel.errors import InputError
from parallel.read.articles import read_article
from parallel.read.fetch import FetchOptions, fetch_pages, page_name, read_urls

FAST = FetchOptions(delay_s=0.0, timeout_s=5.0, retries=2, backoff_s=0.01)


class _NewsSite(http.server.BaseHTTPRequestHandler):
    """A tiny news site: pages, a robots.txt, a page that fails twice before it works, a 404, and a
    page served in Windows-1256 with the charset only in the HTTP header.  Records every request."""

    def __init__(self, *args, log, flaky, **kwargs):
        self.log, self.flaky = log, flaky
        super().__init__(*args, **kwargs)

    def log_message(self, *args) -> None:
        pass

    def _send(self, status, body: bytes, content_type="text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.log.append((self.path, self.headers.get("User-Agent"), time.monotonic()))
        if self.path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path == "/ar/news/minister-cairo.html":
            return self._send(200, newspages.semantic_article().encode("utf-8"))
        if self.path == "/ar/news/flaky":
            self.flaky[0] += 1
            if self.flaky[0] <= 2:
                return self._send(503, b"busy")
            return self._send(200, newspages.semantic_article().encode("utf-8"))
        if self.path == "/ar/old/story.asp":
            page = newspages.div_layout().replace(
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">', "")
            return self._send(200, page.encode("cp1256"), "text/html; charset=windows-1256")
        if self.path.startswith("/private/"):
            return self._send(200, b"<html><body><p>secret</p></body></html>")
        return self._send(404, b"not found")


@pytest.fixture
def news_site():
    log, flaky = [], [0]
    handler = functools.partial(_NewsSite, log=log, flaky=flaky)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()


def test_pages_are_saved_readable_and_recorded(news_site, tmp_path):
    base, log = news_site
    urls = [f"{base}/ar/news/minister-cairo.html", f"{base}/ar/old/story.asp"]
    result = fetch_pages(urls, tmp_path / "pages", FAST, progress=False)
    assert not result.failed and result.format() == "2 URLs: 2 saved, 0 already saved, 0 failed"
    documents = [read_article(tmp_path / "pages" / page_name(url)) for url in urls]
    for document in documents:   # the Windows-1256 page was saved as UTF-8: its header does not travel
        assert document.paragraphs == [newspages.HEADLINE, *newspages.BODY]
    records = [json.loads(line) for line in (tmp_path / "pages" / "fetch.jsonl").read_text().splitlines()]
    assert [r["url"] for r in records] == urls and all(r["status"] == 200 and len(r["sha256"]) == 64 for r in records)
    assert {agent for _, agent, _ in log} == {FAST.user_agent} and FAST.user_agent.startswith("parallel/")


def test_a_second_run_fetches_only_what_is_missing(news_site, tmp_path):
    base, log = news_site
    urls = [f"{base}/ar/news/minister-cairo.html"]
    fetch_pages(urls, tmp_path, FAST, progress=False)
    requests = len(log)
    again = fetch_pages(urls + [f"{base}/ar/old/story.asp"], tmp_path, FAST, progress=False)
    assert again.format() == "2 URLs: 1 saved, 1 already saved, 0 failed"
    assert [path for path, _, _ in log[requests:]] == ["/robots.txt", "/ar/old/story.asp"]


def test_retries_what_may_pass_and_reports_what_does_not(news_site, tmp_path):
    base, _ = news_site
    result = fetch_pages([f"{base}/ar/news/flaky", f"{base}/ar/news/gone", f"{base}/private/x"], tmp_path, FAST,
                         progress=False)
    flaky, gone, private = result.records
    assert flaky.status == 200 and not flaky.error                  # two 503s, then saved
    assert gone.error == "HTTP 404 Not Found" and not (tmp_path / page_name(gone.url)).exists()
    assert private.error == "disallowed by robots.txt"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["fetch.jsonl", page_name(flaky.url)])


def test_requests_to_one_site_are_spaced(news_site, tmp_path):
    base, log = news_site
    urls = [f"{base}/ar/news/minister-cairo.html", f"{base}/ar/old/story.asp", f"{base}/ar/news/gone"]
    fetch_pages(urls, tmp_path, FetchOptions(delay_s=0.3, retries=0), progress=False)
    times = [t for _, _, t in log]   # robots.txt first, then the three pages
    assert len(times) == 4 and all(b - a >= 0.29 for a, b in zip(times, times[1:]))


def test_an_unreachable_site_fails_after_its_retries(tmp_path):
    from conftest import closed_port_url

    result = fetch_pages([closed_port_url()], tmp_path, FAST, progress=False)
    assert result.failed and result.failed[0].error.startswith("cannot fetch:")


def test_url_lists_and_names(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("# saved for the corpus\nhttps://a.example/x/story.html\n\nhttp://b.example/\n", encoding="utf-8")
    assert read_urls(listing) == ["https://a.example/x/story.html", "http://b.example/"]
    assert page_name("https://a.example/x/story.html").startswith("story-")
    assert page_name("http://b.example/").startswith("b-example-")
    assert page_name("https://a.example/x/story.html") != page_name("https://a.example/y/story.html")
    listing.write_text("ftp://a.example/file\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1 is not an http"):
        read_urls(listing)


def test_fetch_cli_saves_pages_corpus_can_read(news_site, tmp_path, runner):
    base, _ = news_site
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{base}/ar/news/minister-cairo.html\n{base}/ar/news/gone\n", encoding="utf-8")
    result = runner.invoke(cli, ["fetch", str(listing), "--out", str(tmp_path / "seeds"), "--delay", "0",
                                 "--retries", "0"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "2 URLs: 1 saved, 0 already saved, 1 failed"
    assert result.stderr.splitlines()[1].startswith(f"error: {listing}: 1 URL(s) not saved, e.g. {base}/ar/news/gone")
    segmented = runner.invoke(cli, ["segment", str(tmp_path / "seeds" / page_name(f"{base}/ar/news/minister-cairo.html"))])
    assert segmented.exit_code == 0 and segmented.stdout.splitlines()[0] == newspages.HEADLINE
