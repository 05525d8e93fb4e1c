"""Put a freshly built database in place of another, unless a process holds that one.

``make report`` builds into a temporary file next to the database and calls this to swap
it in: deleting or replacing a database under a running ``dedup run`` would lose what that
run writes. DuckDB locks its file while a connection is open (a POSIX record lock), so
taking the same lock tells whether anyone holds it, and holding it during the rename
keeps others out meanwhile. Reads and leaves no table: it moves files.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from dedup import DedupError


def swap(new: Path, db: Path) -> None:
    """Rename ``new`` to ``db`` (atomic), with ``db``'s lock held; a stale ``db.wal`` goes."""
    if Path(f"{new}.wal").exists():
        raise DedupError(f"{new} has a write-ahead log: it was not closed cleanly")
    try:
        fd = os.open(db, os.O_RDWR)
    except FileNotFoundError:
        os.replace(new, db)
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            raise DedupError(
                f"{db} is in use by another process: left as it is; run again once it is free"
            ) from err
        Path(f"{db}.wal").unlink(missing_ok=True)
        os.replace(new, db)
    finally:
        os.close(fd)


def main(argv: list[str]) -> int:
    """``python -m dedup.swap NEW DB``: 0 when swapped, 1 with one line when not; either
    way one line on stderr, since the run's own summary named the temporary file."""
    try:
        swap(Path(argv[0]), Path(argv[1]))
    except (DedupError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: the database just built (as {argv[0]}) is in place", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
