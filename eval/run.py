"""``python -m eval.run`` (``make eval``): run the evaluation sets, write ``eval/results.json``
and ``eval/results.md``, and print the table.

``EVAL_SETS=clough,msrp`` picks sets (default: all of :data:`SETS` whose module exists);
the results of sets not run this time are kept from the previous file, each set stamped with
when it ran. ``DEDUP_SHARED_DATA`` points at another data folder (default
``../shared/data``). Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.sources import DATA_ROOT

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"
WORK = HERE / "work"
#: in the order they run; a set whose module is not there (yet) is left out
SETS = (
    "seeds",
    "clough",
    "msrp",
    "indosum",
    "panl",
    "extraction",
    "reuters",
    "bench25k",
    "derivation",
)


def available() -> list[str]:
    return [name for name in SETS if importlib.util.find_spec(f"eval.{name}") is not None]


def chosen(spec: str | None) -> list[str]:
    """The sets named in ``EVAL_SETS`` (all available ones when empty)."""
    sets = available()
    if not spec:
        return sets
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in sets]
    if unknown:
        raise SystemExit(f"EVAL_SETS: unknown set {', '.join(unknown)} (known: {', '.join(sets)})")
    return names


def run_set(name: str, shared_data: Path) -> dict:
    """One set's result, stamped; a failed tool run is recorded, not raised."""
    module = importlib.import_module(f"eval.{name}")
    started = time.perf_counter()
    work = WORK / name
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = module.run(shared_data, work)
    except SystemExit as err:
        result = {"failed": str(err)}
    return result | {
        "seconds": round(time.perf_counter() - started, 1),
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "pass" if value else "FAIL"
    if isinstance(value, float):
        return f"{value:.3f}"
    return "–" if value is None else str(value)


def table(name: str, result: dict) -> str:
    """A set as Markdown: one row per metric, one column per system."""
    head = f"### {name}\n\n"
    stamp = f"({result.get('finished', '?')}, {result.get('seconds', '?')} s)"
    if "skipped" in result or "failed" in result:
        status = "skipped" if "skipped" in result else "failed"
        return f"{head}{status}: {result[status]} {stamp}\n"
    systems: dict[str, dict] = result.get("systems") or {
        k: v for k, v in result.items() if isinstance(v, dict) and k != "info"
    }
    metrics = list(dict.fromkeys(m for scores in systems.values() for m in scores))
    lines = [
        "| metric | " + " | ".join(systems) + " |",
        "|---|" + "---:|" * len(systems),
        *(
            f"| {m} | " + " | ".join(cell(s.get(m)) for s in systems.values()) + " |"
            for m in metrics
        ),
    ]
    info = ", ".join(f"{k} {cell(v)}" for k, v in result.get("info", {}).items())
    return head + "\n".join(lines) + "\n\n" + " ".join(filter(None, [info, stamp])) + "\n"


def main() -> None:
    names = chosen(os.environ.get("EVAL_SETS"))
    shared_data = Path(os.environ.get("DEDUP_SHARED_DATA") or DATA_ROOT)
    previous = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    sets: dict[str, dict] = previous.get("sets", {})
    for name in names:
        print(f"eval: {name} ...", file=sys.stderr, flush=True)
        sets[name] = run_set(name, shared_data)
    sets = {name: sets[name] for name in SETS if name in sets}
    RESULTS_JSON.write_text(json.dumps({"sets": sets}, indent=2) + "\n")
    RESULTS_MD.write_text(
        "# make eval results\n\n"
        "Written by `python -m eval.run`; see README, section Evaluation.\n\n"
        + "\n".join(table(name, result) for name, result in sets.items())
    )
    print("\n".join(table(name, sets[name]) for name in names))
    if any("failed" in sets[name] for name in names):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
