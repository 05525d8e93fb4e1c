"""Per-article size limits: an oversized record becomes a reject, never an out-of-memory
failure of the whole batch.

Every stage holds one article's text, paragraphs and sentences at once (segmentation,
alignment, cue scans), so the memory of a batch is bounded only if each article is. The
defaults sit far above real news: the longest news features run to about 20,000 words
(≈ 130 KB) and 300 paragraphs, so 2,000,000 characters and 10,000 paragraphs are 15 and 30
times that. What exceeds them is a book, a data dump or a concatenated feed, which a
researcher should split into articles. Reads and leaves no tables (:mod:`dedup.ingest`
stores the rejects).
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup.segment import paragraph_spans


@dataclass(frozen=True)
class ArticleLimit:
    """The largest article ingested; 0 turns a limit off."""

    max_chars: int = 2_000_000
    max_paragraphs: int = 10_000

    def reason(self, text: str) -> str | None:
        """Why ``text`` is too large to ingest, with its size; None when it fits."""
        if self.max_chars and len(text) > self.max_chars:
            return f"article too large: {len(text):,} characters (limit {self.max_chars:,})"
        # a paragraph spans at least one line: only a text of many lines is segmented here
        if self.max_paragraphs and text.count("\n") >= self.max_paragraphs:
            n = len(paragraph_spans(text))
            if n > self.max_paragraphs:
                return f"article too large: {n:,} paragraphs (limit {self.max_paragraphs:,})"
        return None
