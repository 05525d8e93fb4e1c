"""Which entries of an input folder are read: regular ``.txt`` files and saved pages, in any
letter case; everything else is said, never skipped without a word (reads and leaves no table).

A FIFO or device named ``x.txt`` would block or never end, so an entry is opened only after
``stat`` says it is a regular file. A symlink is read only while its target stays inside the
folder, unless ``--follow-links``: a corpus folder must not read ``/etc`` because of a link in
it. Subfolders are not descended into (a nested archive or a ``.git`` would slip in unseen):
each is counted in ``runs.counts`` (``skipped``), as are tables (a CSV beside the texts may
be notes, not articles: a table is read when given as an input) and files of unknown type.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

from dedup.readers import PAGES, READERS, Reject, Skipped, input_suffix, unreadable

MANIFEST = "manifest.csv"
SUBFOLDER = "subfolder (not read: give it as an input of its own)"
TABLE = "table in a folder (not read: give it as an input of its own)"
UNKNOWN = "file of an unknown type in a folder (not .txt, a page, WARC or JSON)"
OUTSIDE = "symlink leads outside the input folder (give --follow-links to read it)"
NOT_REGULAR = "not a regular file (a pipe, socket or device)"


def entries(folder: Path, follow_links: bool = False) -> Iterator[Path | Reject | Skipped]:
    """The readable files of ``folder`` (sorted by name), and a reject or skip for the rest."""
    root = folder.resolve()
    for entry in sorted(folder.iterdir()):
        if entry.name == MANIFEST:
            continue
        try:
            if entry.is_symlink() and not follow_links and not entry.resolve().is_relative_to(root):
                yield Reject(str(entry), "", OUTSIDE)
                continue
            mode = entry.stat().st_mode
        except (OSError, RuntimeError) as err:  # a dangling link, a loop, no permission
            yield unreadable(entry, err)
            continue
        named_as_input = read_in_folder(entry.name)
        if stat.S_ISDIR(mode) and named_as_input:  # meant as an article: say why it is not
            yield Reject(str(entry), "", "unreadable file: Is a directory")
        elif stat.S_ISDIR(mode):
            yield Skipped(str(entry), SUBFOLDER)
        elif not stat.S_ISREG(mode):
            yield Reject(str(entry), "", NOT_REGULAR)
        elif named_as_input:
            yield entry
        elif input_suffix(entry) in READERS:  # .csv, .jsonl, .parquet, ...
            yield Skipped(str(entry), TABLE)
        else:
            yield Skipped(str(entry), UNKNOWN)


def read_in_folder(name: str) -> bool:
    """Whether a folder's file of this name is read: a ``.txt``, a saved page, a WARC or a
    news-please ``.json`` (any letter case)."""
    return name.lower().endswith(".txt") or bool(PAGES.search(name))


def is_regular(path: Path) -> bool:
    """Whether ``path`` (followed if a link) is a regular file: safe to open and read."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
