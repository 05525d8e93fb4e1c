"""HTML ingest speed: pages per second of extraction on every core, and peak memory.

Builds ``bench/data/pages-N.warc.gz`` (default N = 10,000 and 2,500): the 181 pages of
``article-extraction-benchmark`` as they were saved, and IndoSum articles from
``../shared/data`` wrapped in news-page chrome (``bench.pages``), alternating, each under
its own URL. Each WARC is then read in a child process, as ``dedup.warc`` reads it (two
streamed passes), with every chunk of pages extracted by ``dedup.html`` on a worker of
``parallel_map``: pages/s over the whole read, and the peak resident memory of the reader
and of its workers. The peaks of the small and the large WARC show whether memory grows
with the file (it should not: the file is streamed). Results go to ``bench/results.json``
under ``html_ingest``; the other keys are left as they are.

Run it as ``python -m bench.html_ingest`` (``make bench`` runs it last unless
``BENCH_HTML=0``); ``BENCH_HTML_PAGES`` sets the sizes (default ``2500,10000``).
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from warcio.warcwriter import WARCWriter

from bench.pages import news_page, write_response
from bench.sources import DATA_ROOT, indosum_articles
from dedup import warc
from dedup.parallel import batched, parallel_map
from dedup.progress import peak_mb
from dedup.readers import Article

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.json"
BENCHMARK = DATA_ROOT / "article-extraction-benchmark"
CRAWLED = datetime(2024, 7, 1)
PAGES_PER_CHUNK = 16


def sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_HTML_PAGES", "2500,10000").split(",")]


def _pages() -> itertools.cycle:
    """(url, html bytes) pairs: benchmark pages and IndoSum pages, alternating, forever."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    saved = [
        (item["url"], gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes()))
        for key, item in sorted(truth.items())
    ]
    made = []
    for art in itertools.islice(indosum_articles(DATA_ROOT / "indosum"), len(saved)):
        url = art["url"] or f"https://indosum.example.id/{art['id']}"
        title = art["title"] or art["text"].split("\n", 1)[0]
        page = news_page(title, art["text"].split("\n\n"), url, art["outlet"])
        made.append((url, page.encode("utf-8")))
    mixed = [p for pair in itertools.zip_longest(saved, made) for p in pair if p]
    return itertools.cycle(mixed)


def build(n: int) -> Path:
    path = DATA / f"pages-{n}.warc.gz"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    with partial.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (url, body) in enumerate(itertools.islice(_pages(), n)):
            sep = "&" if "?" in url else "?"
            write_response(writer, f"{url}{sep}copy={i}", body, CRAWLED + timedelta(seconds=i))
    partial.rename(path)
    return path


def _extract(chunk: list[tuple[warc.Fetch, warc.Body]]) -> tuple[Counter, float]:
    """Extract a chunk of pages; (outcome counts, this worker's peak RSS in MiB)."""
    outcomes: Counter = Counter()
    for fetch, body in chunk:
        outcomes[type(warc.to_article(body, fetch, Path("bench"), "")).__name__] += 1
    return outcomes, peak_mb()


def measure(path: Path) -> dict:
    """Read one WARC as ``dedup.warc`` does, extracting on every core."""
    started = time.perf_counter()
    latest = warc.latest_fetches(path)
    pages = (
        item
        for item in warc.records(path, bodies=True)
        if not isinstance(item, warc.Reject) and item[1] is not None
    )
    outcomes: Counter = Counter()
    worker_peak = 0.0
    for counts, peak in parallel_map(_extract, batched(pages, PAGES_PER_CHUNK)):
        outcomes.update(counts)
        worker_peak = max(worker_peak, peak)
    wall = time.perf_counter() - started
    n = sum(outcomes.values())
    return {
        "pages": n,
        "urls": len(latest),
        "articles": outcomes.get(Article.__name__, 0),
        "rejects": outcomes.get("Reject", 0),
        "wall_s": round(wall, 1),
        "pages_per_s": round(n / wall, 1),
        "reader_peak_mb": round(peak_mb(), 1),
        "worker_peak_mb": round(worker_peak, 1),
        "warc_mb": round(path.stat().st_size / 2**20, 1),
    }


def main() -> None:
    if not (BENCHMARK / "ground-truth.json").exists():
        print(f"html ingest: skipped ({BENCHMARK} not found)")
        return
    runs = []
    for n in sizes():
        path = build(n)
        out = subprocess.run(
            [sys.executable, "-m", "bench.html_ingest", "--measure", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out) | {"warc_pages": n})
        print("html ingest:", json.dumps(runs[-1]))
    result = {"runs": runs, "workers": int(os.environ.get("DEDUP_WORKERS") or os.cpu_count() or 1)}
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps(results | {"html_ingest": result}, indent=2) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()
