"""Export: every contract table as one CSV or Parquet file, for spreadsheets and scripts.

CSV cells are made spreadsheet-safe (``dedup.spreadsheet``); Parquet stays raw. Reads the
contract tables; leaves no tables, only files in the output folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from dedup import DedupError, first_line, interrupt, spreadsheet, store

#: the contract tables (README "Schema"), one exported file each
TABLES = (
    "articles",
    "paragraphs",
    "alignments",
    "clusters",
    "attributions",
    "article_derivation",
    "article_pairs",
    "quotes",
    "quote_trails",
    "image_credits",
    "rejects",
    "runs",
)


def output_folder(out: Path) -> list[Path]:
    """Make ``out`` (and its parents), or one line saying why it cannot hold our files;
    returns the folders it made, deepest first.

    A path that is a file, lies under a file, or is not writable is refused before any
    work, so that an export or a report never stops half-way through with a traceback.
    """
    store.require_utf8(out, "cannot write to")
    made = [p for p in (out, *out.absolute().parents) if not os.path.lexists(p)]
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out):
            pass
    except FileExistsError:
        raise DedupError(f"cannot write to {out}: it is a file, not a folder") from None
    except OSError as err:
        raise DedupError(f"cannot write to {out}: {err.strerror or err}") from None
    return made


@contextmanager
def staged(out: Path, drop: Iterable[str] = ()) -> Iterator[Path]:
    """A hidden folder inside ``out`` for a command to write its files into. When the block
    ends well, each file written replaces its namesake in ``out`` by a rename, and the
    files named in ``drop`` (relative to ``out``: what the last output may hold) that this
    one did not write go, all with signals held until the last; when the block fails or is
    interrupted, the folder is removed, and so are the folders made for ``out``. Why:
    ``out`` then holds the last complete output or the new one, never half of one, a file
    cut short by a full disk, or a mix of two databases' files (only a SIGKILL during the
    renames, a few milliseconds, could leave one), and a new ``out`` is none at all."""
    made = output_folder(out)
    stage = Path(tempfile.mkdtemp(prefix=".dedup-partial-", dir=out))
    moves: list[tuple[Path, Path]] = []
    done = False
    try:
        yield stage
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            target = out / path.relative_to(stage)
            moves.append((_beside(path, target), target))
        written = {target for _, target in moves}
        stale = [out / name for name in drop if out / name not in written]
        with interrupt.finishing():
            for path, target in moves:
                os.replace(path, target)
            for path in stale:
                with suppress(FileNotFoundError, NotADirectoryError):
                    path.unlink()
        done = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        for path, _ in moves:  # copies made beside their targets and not moved
            path.unlink(missing_ok=True)
        for folder in made if not done else ():
            with suppress(OSError):  # empty, unless something else wrote there meanwhile
                folder.rmdir()


def _beside(path: Path, target: Path) -> Path:
    """``path``, or a copy of it next to ``target`` when a rename cannot reach there (the
    target's folder is a link to another file system), so that every rename that follows
    is sure to work; what would stop one (a folder in the file's place) is said first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    if os.stat(target.parent).st_dev == os.stat(path).st_dev:
        return path
    copy = target.with_name(f".{target.name}.partial")
    try:
        shutil.copyfile(path, copy)
    except BaseException:  # a full disk there: no half copy stays
        copy.unlink(missing_ok=True)
        raise
    return copy


def export(db: Path, out: Path, fmt: str) -> list[Path]:
    """Write ``<out>/<table>.<fmt>`` for every table, all or none (:func:`staged`); returns
    the paths written."""
    with store.open_db(db, files=True) as con, staged(out) as stage:
        for table in TABLES:
            path = stage / f"{table}.{fmt}"
            # rows in one order, so that two databases with equal tables give equal files
            rows = f"SELECT * FROM {table} ORDER BY ALL"
            try:
                if fmt == "csv":
                    spreadsheet.write_csv(con, con.sql(rows), path)
                else:
                    con.execute(f"COPY ({rows}) TO '{_quote(path)}' (FORMAT parquet)")
            except (duckdb.IOException, OSError) as err:
                shown = out / path.name
                raise DedupError(f"cannot write {shown}: {first_line(err)}") from None
    return [out / f"{table}.{fmt}" for table in TABLES]


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
