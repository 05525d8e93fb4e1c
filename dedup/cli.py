"""The command line: parses options and calls the library. Results on stdout, progress and
logs on stderr, a one-line message and a non-zero exit on bad input."""

from __future__ import annotations

import gc
import io
import json
import logging
import os
import re
import sys
from contextlib import suppress
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import duckdb
import typer

import dedup
from dedup import DedupError, first_line, interrupt, pipeline, store
from dedup.limits import ArticleLimit
from dedup.retrieve import RetrievalSettings

if TYPE_CHECKING:
    import polars as pl


class _App(typer.Typer):
    """The command line, run with Ctrl-C and SIGTERM turned into one line and exit 130/143,
    and any other failure into one line and exit 2 (``-v`` logs its traceback)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with interrupt.handled():
            try:
                try:
                    return super().__call__(*args, **kwargs)
                finally:  # a full disk shows here, not as output cut off without a word
                    if sys.stdout is not None:  # None: started with stdout closed
                        sys.stdout.flush()
            except Exception as err:
                if interrupt.received():  # DuckDB's "Query interrupted": handled() says it
                    raise
                _last_line(err)


def _last_line(err: Exception) -> None:
    """End the command on ``err`` with one line and exit 2 (its traceback only with ``-v``);
    a reader that stopped reading (``| head``) ends it quietly."""
    if isinstance(err, OSError) and sys.stdout is not None:
        # what stdout could not take must not be flushed again, and fail, at exit
        with suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if isinstance(err, BrokenPipeError):
        raise SystemExit(0) from None
    if isinstance(err, MemoryError):
        message = "out of memory; the database is as it was before this command"
    elif isinstance(err, OSError):
        message = f"{err.strerror or err}" + (f": {err.filename}" if err.filename else "")
    else:
        message = f"unexpected {type(err).__name__}: {first_line(err)} (-v shows where)"
    logging.getLogger(__name__).info("the command failed", exc_info=err)
    with suppress(OSError):  # stderr may be the full disk too; the exit code still says it
        sys.stderr.write(f"error: {message}\n")
        sys.stderr.flush()
    raise SystemExit(2) from None


#: click's base class of usage errors, found from typer's public ``BadParameter``: typer
#: carries its own copy of click since 0.22, and used click itself before
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class _Commands(typer.core.TyperGroup):
    """The command group, with usage errors (an unknown option or command, a missing or bad
    argument) in one line like every other error, not typer's usage text and box."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            code = super().main(*args, **kwargs | {"standalone_mode": False})
        except _ClickException as err:
            if type(err).__name__ != "NoArgsIsHelpError":  # `dedup` alone: the help is shown
                ctx = getattr(err, "ctx", None)
                hint = f" ('{ctx.command_path} --help' shows the usage)" if ctx else ""
                message = " ".join(err.format_message().split()).rstrip(".")
                typer.echo(f"error: {message}{hint}", err=True)
            raise SystemExit(err.exit_code) from None
        raise SystemExit(code)  # a typer.Exit's code (None: the command ran to its end)


#: markdown: a help paragraph is rewrapped to the terminal (typer's rich mode keeps the
#: docstring's line breaks); the help shown is the callback's, written for users
app = _App(cls=_Commands, add_completion=False, no_args_is_help=True, rich_markup_mode="markdown")
DEFAULT_DB = Path("reports/syndication.duckdb")
#: reasons for skipped input shown after a run (a WARC has one per HTTP status and type)
SKIPPED_SHOWN = 5
DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]


def _quiet(quiet: bool) -> bool:
    """Only errors in the log, for every command: a script passes ``-q`` to each."""
    if quiet:
        logging.getLogger().setLevel(logging.ERROR)
    return quiet


QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="No progress, notes or logs (errors still).", callback=_quiet
    ),
]
FollowLinksOption = Annotated[
    bool,
    typer.Option(
        "--follow-links",
        help="Read symlinks in an input folder that lead outside it (refused by default).",
    ),
]


def _input_path(value: str) -> Path:
    """An input as given: an empty argument would otherwise become ``.``, the current folder."""
    if not value.strip():
        raise typer.BadParameter("an empty path is not an input (write . for this folder)")
    return Path(value)


Inputs = Annotated[
    list[Path],
    typer.Argument(
        help=(
            "Folders, or .txt, .jsonl, .json, .csv, .tsv, .parquet, .xlsx, .html(.gz) or"
            " .warc(.gz) files."
        ),
        parser=_input_path,
    ),
]
MaxChars = Annotated[
    int, typer.Option("--max-article-chars", min=0, help="Reject longer articles (0: no limit).")
]
MaxParagraphs = Annotated[
    int,
    typer.Option(
        "--max-article-paragraphs", min=0, help="Reject articles with more (0: no limit)."
    ),
]

WINDOW_HELP = "Days before a dated article to look for its sources (a new value redoes all)."
WindowDays = Annotated[float, typer.Option("--window-days", min=0, help=WINDOW_HELP)]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class TraceFormat(StrEnum):
    """A trace nests sources, credits and quotes under each paragraph: no flat CSV."""

    table = "table"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def _fail(err: Exception) -> None:
    if not interrupt.received():  # else the interrupt's own line says it all
        typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dedup {dedup.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log stage timings, and a failure's traceback.")
    ] = False,
) -> None:
    """Trace news syndication: shared passages, wire sources and derivation, in DuckDB.

    Start with `dedup run INPUT... --db news.duckdb`, then `dedup report --db news.duckdb`;
    `dedup COMMAND --help` shows a command's options."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)


def _run(
    inputs: list[Path],
    db: Path,
    quiet: bool,
    stages: tuple[str, ...],
    command: str,
    limit: ArticleLimit | None = None,
    follow_links: bool = False,
    window_days: float = RetrievalSettings.window_days,
) -> None:
    settings = pipeline.Settings(
        article_limit=limit or ArticleLimit(),
        retrieval=RetrievalSettings(window_days=window_days),
    )
    try:
        counts = pipeline.run(
            inputs, db, settings, quiet=quiet, stages=stages, command=command,
            follow_links=follow_links,
        )  # fmt: skip
    except DedupError as err:
        _fail(err)
    except duckdb.OutOfMemoryException as err:  # rolled back with the run's transaction
        _fail(DedupError(f"out of memory, nothing was written ({first_line(err)})"))
    except duckdb.Error as err:  # a damaged database file, a full disk: rolled back likewise
        logging.getLogger(__name__).info("the run failed", exc_info=True)  # -v: the traceback
        _fail(DedupError(f"database error in {db}, nothing was written: {first_line(err)}"))
    if not quiet:
        tables = counts["tables"]
        summary = ", ".join(f"{v} {k}" for k, v in tables.items())
        typer.echo(f"{db}: {summary}", err=True)
        _say_skipped(counts.get("skipped", {}))
        if changed := counts.get("settings_changed"):
            typer.echo(
                f"settings changed, every article compared again: {'; '.join(changed)}", err=True
            )


def _say_skipped(skipped: dict[str, int]) -> None:
    """What the inputs held that is no article, by reason, most first: only ``runs.counts``
    kept it, so a folder of CSV files came out as 0 articles and 0 rejects without a word."""
    ranked = sorted(skipped.items(), key=lambda item: (-item[1], item[0]))
    for reason, n in ranked[:SKIPPED_SHOWN]:
        typer.echo(f"skipped {n:,}: {reason}", err=True)
    if len(ranked) > SKIPPED_SHOWN:
        more = len(ranked) - SKIPPED_SHOWN
        typer.echo(f"skipped for {more} more reasons: see runs.counts", err=True)


@app.command()
def run(
    inputs: Inputs,
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    max_chars: MaxChars = ArticleLimit.max_chars,
    max_paragraphs: MaxParagraphs = ArticleLimit.max_paragraphs,
    follow_links: FollowLinksOption = False,
    window_days: WindowDays = RetrievalSettings.window_days,
) -> None:
    """Ingest INPUTS and run every stage (incremental: known articles are not redone)."""
    limit = ArticleLimit(max_chars, max_paragraphs)
    _run(inputs, db, quiet, pipeline.STAGES, "run", limit, follow_links, window_days)


@app.command()
def ingest(
    inputs: Inputs,
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    max_chars: MaxChars = ArticleLimit.max_chars,
    max_paragraphs: MaxParagraphs = ArticleLimit.max_paragraphs,
    follow_links: FollowLinksOption = False,
) -> None:
    """Read articles into the database (bad records go to the rejects table)."""
    limit = ArticleLimit(max_chars, max_paragraphs)
    _run(inputs, db, quiet, ("ingest",), "ingest", limit, follow_links)


@app.command()
def detect(
    db: DbOption = DEFAULT_DB,
    quiet: QuietOption = False,
    window_days: WindowDays = RetrievalSettings.window_days,
) -> None:
    """Find shared passages: fingerprints, candidates, alignments, clusters, derivation."""
    _require(db)
    _run([], db, quiet, ("detect",), "detect", window_days=window_days)


@app.command()
def attribute(db: DbOption = DEFAULT_DB, quiet: QuietOption = False) -> None:
    """Attribute every paragraph to its sources (wire cues, alignments, quotes)."""
    _require(db)
    _run([], db, quiet, ("attribute",), "attribute")


def _require(db: Path) -> None:
    if not db.exists():
        _fail(DedupError(f"database not found: {db}"))


#: marks a query given as a word that starts with "-" (see _Query), removed before use
_NOT_AN_OPTION = "\x00"


#: what an option looks like: ``-x``, ``--name``, ``--name=value``
_OPTION = re.compile(r"--?[A-Za-z][\w-]*(=|$)")


class _Query(typer.core.TyperCommand):
    """``dedup sql``: a query that opens with a ``--`` comment (every report query in
    reports/queries does) is the query, not an unknown option. A word is an option when it
    names one of the command's (``--db=my file.duckdb``) or looks like one and holds no
    white space (``--bogus``, to be refused as such); a word after an option that takes a
    value is that value (``--db -x.duckdb``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        named = {o for p in self.params for o in (*p.opts, *p.secondary_opts)}
        valued = {o for p in self.params if not getattr(p, "is_flag", True) for o in p.opts}
        marked, value_next = [], False
        for a in args:
            option = a.split("=", 1)[0] in named or (
                bool(_OPTION.match(a)) and not any(c.isspace() for c in a)
            )
            query = a.startswith("-") and a not in ("-", "--") and not option and not value_next
            marked.append(_NOT_AN_OPTION + a if query else a)
            value_next = a in valued
        return super().parse_args(ctx, marked)


@app.command(cls=_Query)
def sql(
    query: Annotated[str, typer.Argument(help="A SQL query.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    allow_files: Annotated[
        bool, typer.Option("--allow-files", help="Let the query read and write local files.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Run a read-only SQL query and print the result.

    The query reaches no file, network or extension (unless --allow-files: local files,
    e.g. COPY ... TO)."""
    query = query.removeprefix(_NOT_AN_OPTION)
    if not query.strip():
        _fail(DedupError("empty query"))
    try:
        with store.open_db(db, files=allow_files) as con:
            con.execute("SET lock_configuration = true")  # the query cannot lift the sandbox
            result = store.frame(con, query)
    except DedupError as err:
        _fail(err)
    except Exception as err:  # duckdb's errors: one line is what a user needs
        _fail(DedupError(first_line(err)))
    if fmt is Format.csv:
        from dedup import spreadsheet

        sys.stdout.write(spreadsheet.csv_text(result.to_arrow()))
    elif fmt is Format.json:
        sys.stdout.write(
            json.dumps(result.to_dicts(), ensure_ascii=False, default=str, indent=1) + "\n"
        )
    else:
        _print_table(result, note=not quiet)


#: rows ``dedup sql`` shows as a table: a table is for reading (rich took 43 s for 100,000
#: rows, and never ended on 3 million); csv and json print every row
TABLE_ROWS = 1000
#: the widest table printed to a file or a pipe (rich needs a width; a table takes only the
#: width its values need)
TABLE_WIDTH = 100_000


def _print_table(result: pl.DataFrame, note: bool = True) -> None:
    """The first TABLE_ROWS rows as a table, every value whole: wrapped in its cell on a
    terminal, not cut to a width in a file or a pipe (rich cut values to 80 columns with
    "…", ids included). How many rows are left out is said on stderr (``note``)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: "JAKARTA [antara]" keeps its brackets, "[/b]" is no error
    table = Table()
    for name in result.columns:
        table.add_column(Text(name), overflow="fold")
    for row in result.head(TABLE_ROWS).iter_rows():
        table.add_row(*(Text("" if v is None else str(v)) for v in row))
    console = Console()
    if not console.is_terminal:  # as wide as the table needs
        console = Console(width=TABLE_WIDTH)
    console.print(table)
    if note and result.height > TABLE_ROWS:
        typer.echo(
            f"{TABLE_ROWS:,} of {result.height:,} rows shown: --format csv or json prints all",
            err=True,
        )


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder for one file per table.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv or parquet.")
    ] = ExportFormat.csv,
    quiet: QuietOption = False,
) -> None:
    """Write every contract table as CSV or Parquet."""
    from dedup import export as exporter

    try:
        paths = exporter.export(db, out, fmt.value)
    except DedupError as err:
        _fail(err)
    except duckdb.Error as err:  # a database that is not dedup's, or damaged
        _fail(DedupError(f"cannot export {db}: {first_line(err)}"))
    for path in paths:
        typer.echo(str(path))


@app.command()
def trace(
    article_id: Annotated[str, typer.Argument(help="The article to trace.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[
        TraceFormat, typer.Option("--format", help="table (terminal) or json.")
    ] = TraceFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Paragraph-by-paragraph provenance of one article."""
    from dedup import provenance

    try:
        with store.open_db(db) as con:
            result = provenance.trace(con, article_id)
    except (DedupError, KeyError, LookupError) as err:
        _fail(DedupError(str(err).strip("'\"")))
    except duckdb.Error as err:  # a database that is not dedup's, or damaged
        _fail(DedupError(f"cannot trace in {db}: {first_line(err)}"))
    if fmt is TraceFormat.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str, indent=1) + "\n")
    else:
        from rich.console import Console

        provenance.render_trace(result, Console())


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    out: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("reports"),
    quiet: QuietOption = False,
) -> None:
    """Write report.html, report.md and report.xlsx, and each table as CSV and Parquet.

    One table per query in OUT/queries/*.sql (when that folder exists, else the queries
    dedup ships); the tables go to OUT/csv and OUT/parquet."""
    from dedup import report as reporter

    try:
        result = reporter.report(db, out)
    except DedupError as err:
        _fail(err)
    except OSError as err:  # a file of the report cannot be written (a full disk, a folder)
        where = f" {err.filename}" if err.filename else ""
        _fail(DedupError(f"cannot write the report{where}: {err.strerror or err}"))
    typer.echo(json.dumps(result, default=str) if not isinstance(result, str) else result)


def _buffered_stdout() -> None:
    """Give stdout a buffer when it has none (``PYTHONUNBUFFERED=1``, ``python -u``): a raw
    file may take only part of a write, and says so in a count the text layer drops, so a
    result cut short by a full disk ended with exit 0. A buffer writes the rest or fails."""
    out = sys.stdout
    if out is not None and isinstance(getattr(out, "buffer", None), io.RawIOBase):
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(out.buffer),
            encoding=out.encoding,
            errors=out.errors,
            line_buffering=True,  # still shown line by line, as asked
        )


def entry() -> None:
    """The ``dedup`` command: the app, its objects then frozen out of the collector's sight.

    At exit the collector makes a last pass over every object left (0.15 s of a 6 s run
    adding 1,000 articles to 100,000), only to free what the process's end frees anyway.
    Nothing the commands write waits on a finalizer: the database is closed and files are
    written in ``with`` blocks before the app returns."""
    _buffered_stdout()
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    entry()
