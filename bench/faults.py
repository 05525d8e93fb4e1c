"""Fault injection: ``dedup run`` killed at random points must leave a database that is
either as it was before the command or complete, rerun to what an uninterrupted run gives,
and leave no process behind.

The corpus is made from ``corpus/`` (always present): each article takes a few paragraphs
of one or two of its texts, a reworded paragraph and a filler paragraph, all drawn from a
seeded generator, so two calls give the same files. Half the articles are stored first
(the "before" database); the command under test adds the other half. Every other point
runs on a database the command creates, whose "before" is no file at all.

``python -m bench.faults --points 24`` (``make faults``) prints one line per point and exits
1 when any point fails.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dedup.export import TABLES

INTERRUPTED = "interrupted; the database is as it was before this command"
#: seconds a killed run and its workers get to be gone (the contract says 5)
GONE_WITHIN = 5.0
#: seconds after which an uninterrupted run counts as hung
RUN_TIMEOUT = 300.0
OUTLETS = ("Kabar Pagi", "Warta Kota", "Suara Nusa", "Harian Timur", "Berita Satu", "Jurnal 9")
#: each point's signal, and whether the run's whole process group gets it: Ctrl-C reaches
#: the group, and so does SIGTERM from timeout, systemd or Slurm; kill reaches the parent
FAULTS = (
    (signal.SIGKILL, False),
    (signal.SIGINT, True),
    (signal.SIGTERM, False),
    (signal.SIGTERM, True),
)
#: the exit code of a run each signal stops (SIGKILL: killed, no code of its own)
CODES = {signal.SIGKILL: -signal.SIGKILL, signal.SIGINT: 130, signal.SIGTERM: 143}
SOURCE = Path(__file__).resolve().parent.parent / "corpus"


def make_corpus(out: Path, n: int, seed: int = 7) -> tuple[Path, Path]:
    """``out/base/articles.jsonl`` and ``out/added/articles.jsonl``: n articles, half each."""
    import json

    texts = [
        [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        for path in sorted(SOURCE.glob("*.txt"))
    ]
    words = sorted({w for paragraphs in texts for p in paragraphs for w in p.split()})
    rng = random.Random(seed)
    records = []
    for i in range(n):
        picked = []
        for source in rng.sample(texts, rng.choice((1, 2))):
            start = rng.randrange(len(source))
            picked += source[start : start + rng.randint(2, 6)]
        reworded = rng.choice(picked).split()
        rng.shuffle(reworded)
        filler = " ".join(rng.choice(words) for _ in range(rng.randint(12, 40)))
        paragraphs = picked + [" ".join(reworded), filler.capitalize() + "."]
        records.append(
            {
                "id": f"f{i:05d}",
                "title": f"{rng.choice(words).capitalize()} {rng.choice(words)} {i}",
                "text": "\n\n".join(paragraphs),
                "outlet": rng.choice(OUTLETS),
                "kind": "outlet",
                "published": f"2024-05-{1 + i % 28:02d}T{i % 24:02d}:00:00",
                "language": "id",
            }
        )
    paths = []
    for name, part in (("base", records[: n // 2]), ("added", records[n // 2 :])):
        (out / name).mkdir(parents=True, exist_ok=True)
        path = out / name / "articles.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part))
        paths.append(path)
    return paths[0], paths[1]


def snapshot(db: Path) -> dict[str, list] | None:
    """Every contract table's rows in a stable order (None for no database). ``runs`` is
    compared without its clock times."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]:
            return None  # killed before its tables were made: as good as no file
        tables = [t for t in TABLES if t != "runs"]
        out = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
        out["runs"] = con.execute(
            "SELECT run_id, command, tool_version, settings, finished IS NOT NULL "
            "FROM runs ORDER BY run_id"
        ).fetchall()
        return out
    finally:
        con.close()


def _dedup() -> str:
    return str(Path(sys.executable).with_name("dedup"))


def _command(inputs: tuple[Path, ...], db: Path) -> list[str]:
    return [_dedup(), "run", *map(str, inputs), "--db", str(db), "--quiet"]


def _run(inputs: tuple[Path, ...], db: Path) -> float:
    """Run to the end; the seconds it held the database."""
    proc = subprocess.Popen(_command(inputs, db))
    started = holding(proc, db)
    if proc.wait(timeout=RUN_TIMEOUT):
        raise RuntimeError(f"dedup run failed: exit {proc.returncode}")
    return time.monotonic() - started


def holding(proc: subprocess.Popen, db: Path) -> float:
    """Wait until ``proc`` holds ``db``'s lock (or ended); when that was. Signals are the
    command's to handle from then on; before, Python is still importing modules. Read in
    /proc/locks, so the lock is never contended."""
    while proc.poll() is None:
        try:
            inode = str(db.stat().st_ino)
            locks = Path("/proc/locks").read_text().splitlines()
        except FileNotFoundError:
            locks = []
        for line in locks:
            fields = line.split()
            if (
                len(fields) > 5
                and fields[4] == str(proc.pid)
                and fields[5].rsplit(":", 1)[-1] == inode
            ):
                return time.monotonic()
        time.sleep(0.01)
    return time.monotonic()


def alive(pgid: int) -> list[int]:
    """Processes of the group that still run (zombies waiting for a reaper do not count)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def _gone(pgid: int, within: float) -> list[int]:
    """The group's processes still alive after ``within`` seconds (then killed)."""
    deadline = time.monotonic() + within
    while (left := alive(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@dataclass
class Case:
    """The inputs, and the two acceptable states of the database (None: no file)."""

    inputs: tuple[Path, Path]
    before_db: Path | None
    before: dict | None
    after: dict
    seconds: float


def prepare(work: Path, n: int, seed: int = 7) -> tuple[Case, Case]:
    """An existing database the command adds to, and a new one it creates."""
    base, added = make_corpus(work / "corpus", n, seed)
    before_db, after_db, fresh_db = (work / f"{name}.duckdb" for name in ("before", "after", "new"))
    for db in (before_db, after_db, fresh_db):
        db.unlink(missing_ok=True)
    _run((base,), before_db)
    shutil.copyfile(before_db, after_db)
    seconds = _run((base, added), after_db)
    fresh_seconds = _run((base, added), fresh_db)
    return (
        Case((base, added), before_db, snapshot(before_db), snapshot(after_db), seconds),
        Case((base, added), None, None, snapshot(fresh_db), fresh_seconds),
    )


def inject(
    case: Case, sig: signal.Signals, group: bool, delay: float, db: Path
) -> tuple[int, float, list[str]]:
    """Run the case's command, send ``sig`` (to its process ``group``, or to it alone)
    ``delay`` seconds after it took the database;
    its exit code, the seconds until it and its workers were gone (0: it ended first), and
    the problems found."""
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)
    if case.before_db is not None:
        shutil.copyfile(case.before_db, db)
    proc = subprocess.Popen(
        _command(case.inputs, db), start_new_session=True, stderr=subprocess.PIPE, text=True
    )
    holding(proc, db)
    time.sleep(delay)
    sent, sent_at = proc.poll() is None, time.monotonic()
    if sent:
        (os.killpg if group else os.kill)(proc.pid, sig)
    problems = []
    try:
        _, err = proc.communicate(timeout=GONE_WITHIN if sent else RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        problems.append(f"still running {GONE_WITHIN:.0f} s after the signal")
    if sent:
        left = _gone(proc.pid, max(0.0, sent_at + GONE_WITHIN - time.monotonic()))
    else:
        left = _gone(proc.pid, GONE_WITHIN)
    stopped = time.monotonic() - sent_at if sent else 0.0
    if left:
        problems.append(f"processes left {GONE_WITHIN:.0f} s after the signal: {left}")
    if proc.returncode not in (0, CODES[sig]):
        problems.append(f"exit code {proc.returncode}")
    expected_err = INTERRUPTED + "\n" if proc.returncode in (130, 143) else ""
    if proc.returncode != -signal.SIGKILL and err != expected_err:
        problems.append(f"stderr {err[-300:]!r}")
    if proc.returncode in (130, 143) and case.before is None and db.exists():
        problems.append("interrupted, yet the database it created is still there")
    state = snapshot(db)
    if case.before is None and state is not None and not any(state.values()):
        state = None  # killed outright, a new database may keep its empty tables
    if state not in (case.before, case.after):
        problems.append("database is neither the state before nor the complete new state")
    if proc.returncode in (130, 143) and state != case.before:
        problems.append("interrupted, yet the database changed")
    if state != case.after:
        subprocess.run(_command(case.inputs, db), timeout=RUN_TIMEOUT, check=False)
        if snapshot(db) != case.after:
            problems.append("the rerun differs from an uninterrupted run")
    return proc.returncode, stopped, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=24)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("reports/faults"))
    args = parser.parse_args(argv)
    return len(check(args.work, args.points, args.articles, args.seed, print))


def check(work: Path, points: int, articles: int, seed: int, say=lambda _: None) -> list[str]:
    """Run ``points`` fault points; the failures, one line each."""
    work.mkdir(parents=True, exist_ok=True)
    cases = prepare(work, articles)
    say(f"uninterrupted: add {cases[0].seconds:.1f} s, new {cases[1].seconds:.1f} s")
    rng = random.Random(seed)
    failures = []
    for i in range(points):
        case, (sig, group) = cases[i // len(FAULTS) % 2], FAULTS[i % len(FAULTS)]
        delay = rng.uniform(0, case.seconds)
        code, stopped, problems = inject(case, sig, group, delay, work / "work.duckdb")
        line = (
            f"{i + 1:3d} {'new' if case.before is None else 'add'} "
            f"{sig.name + (' to group' if group else ''):16s} "
            f"at {delay:5.2f} s, exit {code:4d}, gone in {stopped:4.2f} s: "
            f"{'; '.join(problems) or 'ok'}"
        )
        say(line)
        if problems:
            failures.append(line)
    say(f"{points - len(failures)}/{points} points ok")
    return failures


if __name__ == "__main__":
    sys.exit(main())
