"""Stream article records from the shared benchmark data (never copied into the repository).

Both readers yield plain dicts in the input contract's shape (id, title, text, published,
outlet, kind, language), so a benchmark corpus can be written straight to JSONL.

- Reuters-21578: SGML, latin-1, gzipped; parsed per ``<REUTERS>`` block with regexes
  because the files are not well-formed SGML (stray control characters, tags in ``DATE``).
  Stories without a ``<BODY>`` (title-only briefs, unprocessed tables) are skipped and
  counted in the ``skipped`` counter the caller may pass.
- IndoSum: tokenised Indonesian articles, detokenised here. The data carries no title or
  date; the title is read from the URL slug when it has one, ``published`` is ``None``.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

DATA_ROOT = Path(
    os.environ.get("DEDUP_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)

_STORY = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_TAGS = {tag: re.compile(rf"<{tag}>(.*?)</{tag}>", re.S) for tag in ("DATE", "TITLE", "DATELINE")}
# A body may lack its closing tag when the story was cut off; it then runs to </TEXT>.
_BODY = re.compile(r"<BODY>(.*?)(?:</BODY>|</TEXT>)", re.S)
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,3}):(\d{2}):(\d{2})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
# C0 and C1 controls except tab and newline; Reuters uses them as transmission markers.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.M)


def dataset_status(root: Path | None = None) -> dict[str, str | None]:
    """Per dataset, ``None`` when present, else why not (tests skip with that reason)."""
    root = root or DATA_ROOT
    needs = {
        "reuters21578": (root / "reuters21578", "reut2-*.sgm.gz"),
        "indosum": (root / "indosum", "dev.*.jsonl.gz"),
    }
    status: dict[str, str | None] = {}
    for name, (folder, pattern) in needs.items():
        if not any(folder.glob(pattern)):
            status[name] = f"{name} not found: no {pattern} in {folder} (set DEDUP_SHARED_DATA)"
        else:
            status[name] = None
    return status


def _clean(sgml: str) -> str:
    """Unescape SGML entities, then drop the control characters some of them encode."""
    return _CONTROL.sub("", html.unescape(sgml)).replace("\r", "")


def _field(rx: re.Pattern[str], block: str) -> str:
    """A tag's cleaned content, empty when the tag is missing."""
    m = rx.search(block)
    return _clean(m.group(1)) if m else ""


def _reuters_date(raw: str) -> str | None:
    """ISO datetime from '26-FEB-1987 15:01:01.79'; tolerates the collection's noise."""
    m = _DATE.search(raw)
    if not m:
        return None
    day, mon, year, hour, minute, second = m.groups()
    month = _MONTHS.get(mon.upper())
    if month is None:
        return None
    # one story has hour '605': keep the last two digits, the rest is a typing slip
    stamp = datetime(int(year), month, int(day), int(hour[-2:]) % 24, int(minute), int(second))
    return stamp.isoformat()


def reuters_stories(root: Path, skipped: Counter[str] | None = None) -> Iterator[dict]:
    """Reuters-21578 stories with a body, in file order; ``skipped`` counts the others."""
    skipped = skipped if skipped is not None else Counter()
    for path in sorted(root.glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rt", encoding="latin-1") as fh:
            raw = fh.read()
        for attrs, block in _STORY.findall(raw):
            newid = _NEWID.search(attrs)
            body_m = _BODY.search(block)
            if newid is None:
                skipped["no_newid"] += 1
                continue
            body = _TRAILING_SPACE.sub("", _clean(body_m.group(1))).strip() if body_m else ""
            if not body:
                skipped["no_body"] += 1
                continue
            fields = {tag: _field(rx, block) for tag, rx in _TAGS.items()}
            title = " ".join(fields["TITLE"].split())
            dateline = " ".join(fields["DATELINE"].split())
            lead = f"{dateline} {body}" if dateline else body
            yield {
                "id": f"reuters-{newid.group(1)}",
                "title": title or None,
                "text": f"{title}\n\n{lead}" if title else lead,
                "published": _reuters_date(fields["DATE"]),
                "outlet": "Reuters",
                "kind": "wire",
                "language": "en",
                "url": None,
            }


_NO_SPACE_BEFORE = {",", ".", "!", "?", ";", ":", ")", "]", "}", "%", "'s", "’s", "...", "”", "’"}
_NO_SPACE_AFTER = {"(", "[", "{", "“", "‘", "$", "US$", "Rp"}
_TOGGLE_QUOTES = {'"', "'"}


def detokenise(tokens: list[str]) -> str:
    """Join IndoSum tokens as a writer would: no space before closing punctuation or after
    opening brackets, straight quotes attached inwards (alternating open/close), '-nya'
    and '/' glued to their neighbours, whitespace-only tokens dropped."""
    out: list[str] = []
    glue_next = False
    open_quotes: set[str] = set()
    for tok in tokens:
        tok = tok.strip()
        if not tok:
            continue
        glue = glue_next or not out
        glue_next = False
        if tok in _TOGGLE_QUOTES:
            if tok in open_quotes:
                open_quotes.discard(tok)
                glue = True
            else:
                open_quotes.add(tok)
                glue_next = True
        elif tok in _NO_SPACE_BEFORE or tok.startswith(("-nya", "/")):
            glue = True
        if tok in _NO_SPACE_AFTER or tok.endswith("/"):
            glue_next = True
        out.append(tok if glue else " " + tok)
    return "".join(out)


def _slug_title(url: str | None) -> str | None:
    """A readable title from a URL's last path segment, when that segment is a word slug."""
    if not url:
        return None
    segment = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    segment = re.sub(r"\.html?$", "", segment)
    words = [w for w in re.split(r"[-._]+", segment) if w]
    while words and words[0].isdigit():
        words.pop(0)
    if sum(any(c.isalpha() for c in w) for w in words) < 3:
        return None
    text = " ".join(words)
    return text[0].upper() + text[1:]


def indosum_articles(root: Path) -> Iterator[dict]:
    """IndoSum dev-fold articles, each id once (the folds overlap), detokenised."""
    return (article for article, _ in indosum_summarised(root))


def indosum_summarised(root: Path) -> Iterator[tuple[dict, str]]:
    """IndoSum dev-fold articles, each id once (the folds overlap), detokenised, each with
    its gold summary, detokenised too (its sentences joined by a space)."""
    seen: set[str] = set()
    for path in sorted(root.glob("dev.*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] in seen:
                    continue
                seen.add(rec["id"])
                paragraphs = [
                    detokenise([t for sent in par for t in sent]) for par in rec["paragraphs"]
                ]
                text = "\n\n".join(p for p in paragraphs if p)
                if not text:
                    continue
                article = {
                    "id": f"indosum-{rec['id']}",
                    "title": _slug_title(rec.get("source_url")),
                    "text": text,
                    "published": None,
                    "outlet": rec.get("source") or None,
                    "kind": "outlet",
                    "language": "id",
                    "url": rec.get("source_url") or None,
                }
                yield article, " ".join(detokenise(sent) for sent in rec.get("summary") or [])
