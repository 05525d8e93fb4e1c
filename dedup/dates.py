"""Dates: publication dates read from datelines and bylines, in the languages whose month
and weekday names are data (Indonesian, English, Spanish, French, German, Italian,
Portuguese).

Used by the HTML readers when the page's metadata gives no date. Only the head of the text
(where datelines and bylines stand) is read, only the first date found there counts (later
ones are the story's events), a date written out with its month counts only where a byline
or dateline puts it (near the start of its line, not running on into a sentence), and a value
that is not sure is left empty, never guessed: a stated weekday must agree with the date, a
time without a time zone keeps only the date, and a date without a year ("Jumat (8/9)",
"SEOUL, Oct 13 (Reuters) -") is resolved against the page's year, or against the crawl date
only when it lies at most ``WEEKDAY_MAX_AGE`` (with a matching weekday) or
``UNDATED_MAX_AGE`` (without) before it, and agrees with the years the page names.
Weekday, month and time zone names are data (``data/dates/*.csv``): a language is added
there, its month names read without a parser ("3 de diciembre de 2024", "03. Dezember
2024"). Reads and writes no table.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib.resources import files

import dateparser

#: characters of the text searched for a dateline or byline date
HEAD_CHARS = 600
#: a date without year is resolved against the crawl date only this close before it: news
#: crawls fetch fresh pages, and an archive fetched years later would get a wrong year (a
#: stated weekday narrows the choice, so it may be older)
UNDATED_MAX_AGE = timedelta(days=7)
WEEKDAY_MAX_AGE = timedelta(days=45)
#: a date may lie this far after the reference (time zones ahead of the crawler's clock)
AHEAD = timedelta(days=1)
#: words allowed before a written-out date on its line, and after it without a separator
#: ("Memperingati kerusuhan 27 Juli 1996, ratusan aktivis ..." in a lede is an event,
#: "Jakarta, 3 Oktober 2023" a dateline)
BYLINE_MAX_WORDS = 4
_WORDS = re.compile(r"[^\W\d_]+")
#: what parts a byline's or dateline's date from the text after it on its line ("" for none)
_SEPARATORS = ("", "-", "–", "—", "|", ":", "/", "·", "•")
#: a parenthesised word after a date ("(ANTARA)", "(Kudatuli)"): skipped to what follows
_PARENTHESES = re.compile(r"^\s*\([^()\n]{1,40}\)")
_TEXT_YEAR = re.compile(r"(?<![\w.,])((?:19|20)\d\d)(?![\w.,]\d|\d)")
_URL_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)")


@dataclass(frozen=True)
class Names:
    weekdays: dict[str, int]
    months: dict[str, int]
    zones: dict[str, str]


@cache
def names() -> Names:
    def table(name: str) -> dict[str, str]:
        text = files("dedup").joinpath(f"data/dates/{name}.csv").read_text("utf-8")
        return {
            row[0].lower() if name != "zones" else row[0]: row[1]
            for row in csv.reader(text.splitlines()[1:])
        }

    wd, mo, zo = table("weekdays"), table("months"), table("zones")
    return Names({k: int(v) for k, v in wd.items()}, {k: int(v) for k, v in mo.items()}, zo)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(form, regex) in the order they are tried at each position of the head."""
    n = names()
    wd = rf"(?P<wd>{_alt(list(n.weekdays))})\.?"
    mon = rf"(?P<mon>{_alt(list(n.months))})\.?"
    offset = r"(?:GMT|UTC)?\s?[+-]\d{1,2}(?::?\d{2})?"
    zone = rf"(?P<zone>{offset}|\b(?:{_alt(list(n.zones))})\b)"
    clock = r"(?P<time>\d{1,2}[:.]\d{2})(?::\d{2})?(?:\s*(?P<ampm>[ap]\.?m\.?))?"
    tail = rf"(?:\s*[,|\-–—]?\s*(?:pukul\s+|jam\s+|at\s+)?{clock}(?:\s*{zone})?)?"
    return [
        (
            "dmy",
            re.compile(
                rf"(?:{wd},?\s*)?(?P<d>\d{{1,2}})\.?\s+(?:de\s+)?{mon}\s+"
                rf"(?:de\s+)?(?P<y>\d{{4}}){tail}",
                re.I,
            ),
        ),
        (
            "mdy",
            re.compile(rf"(?:{wd},?\s*)?\b{mon}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}}){tail}", re.I),
        ),
        (
            "numeric",
            re.compile(
                rf"{wd},?\s*(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}){tail}", re.I
            ),
        ),
        (
            "paren",
            re.compile(
                rf"{wd}\s*\((?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>\d{{2}}|\d{{4}}))?\)", re.I
            ),
        ),
        ("wire", re.compile(rf"\b{mon}\s+(?P<d>\d{{1,2}})\s*\([^()\n]{{2,40}}\)\s*[-–—]", re.I)),
        # the day first, after the place, as EFE writes it: "MADRID, 3 dic (EFE).-" (without
        # the place, "1 Mei (May Day) - Ribuan buruh ..." would be one)
        (
            "wire",
            re.compile(
                rf"(?m:^)[^\W\d_][^\n,()]{{0,40}},\s*(?P<d>\d{{1,2}})\s+{mon}\s*"
                rf"\([^()\n]{{2,40}}\)\s*\.?\s*[-–—]",
                re.I,
            ),
        ),
    ]


def find_published(
    text: str,
    crawled: datetime | None = None,
    page_year: int | None = None,
    url: str | None = None,
) -> date | datetime | None:
    """The first sure date in the head of ``text``: a time as naive UTC, a date alone (no
    time, or a time without a zone) as a ``date``.

    A date whose year was inferred from the crawl date is dropped when the text or the URL
    names years and none of them is that year: an archive page fetched years later
    ("Jumat (8/9)" in a 2017 story crawled in 2024) would otherwise get a wrong year."""
    head = text[:HEAD_CHARS]
    found = [
        (m.start(), form, m)
        for form, regex in patterns()
        for m in regex.finditer(head)
        if form in ("paren", "wire") or _byline_place(head, m)
    ]
    if not found:
        return None
    _, form, m = min(found, key=lambda f: f[0])  # the first decides: later ones are events
    value = _read(form, m, crawled, page_year)
    inferred = form in ("paren", "wire") and not m.groupdict().get("y") and page_year is None
    named = _years(text, url)
    if value is not None and inferred and named and value.year not in named:
        return None
    return value


def _byline_place(head: str, m: re.Match[str]) -> bool:
    """A written-out date stands where bylines and datelines put it: at most
    ``BYLINE_MAX_WORDS`` words before it on its line ("Oleh: Tim Redaksi | Kamis, ..."), and
    after it a time with its zone (a byline's: "21:15 WIB Oleh Redaksi ..."), the end of
    the line, a separator past any "(...)" ("Jakarta, 3 Oktober 2023 (ANTARA) - Presiden")
    or at most as many words; a sentence running on ("Memperingati kerusuhan 27 Juli 1996
    (Kudatuli), ratusan aktivis ...") tells an event."""
    before = head[head.rfind("\n", 0, m.start()) + 1 : m.start()]
    if len(_WORDS.findall(before)) > BYLINE_MAX_WORDS:
        return False
    if m.groupdict().get("zone"):
        return True
    end = head.find("\n", m.end())
    after = _PARENTHESES.sub("", head[m.end() : None if end < 0 else end]).strip()
    return after[:1] in _SEPARATORS or len(_WORDS.findall(after)) <= BYLINE_MAX_WORDS


def _years(text: str, url: str | None) -> set[int]:
    """Years the text names (as words) or the URL holds (also inside '20170712...')."""
    found = {int(y) for y in _TEXT_YEAR.findall(text)}
    return found | {int(y) for y in _URL_YEAR.findall(url or "")}


def _read(
    form: str, m: re.Match[str], crawled: datetime | None, page_year: int | None
) -> date | datetime | None:
    n = names()
    weekday = n.weekdays.get(m["wd"].lower()) if m.groupdict().get("wd") else None
    # a name the pattern matched only by case-folding ("ſep") is none of the table's
    month = int(m["m"]) if form in ("numeric", "paren") else n.months.get(m["mon"].lower())
    if month is None:
        return None
    if form in ("dmy", "mdy"):
        day = _valid(int(m["y"]), month, int(m["d"]))
    elif form == "numeric":
        day = _numeric(int(m["d"]), month, int(m["y"]), weekday)
    else:
        year = m.groupdict().get("y")
        if year:
            year_n = int(year) + (2000 if len(year) == 2 else 0)
            day = _valid(year_n, month, int(m["d"]))
        else:
            day = _resolve(month, int(m["d"]), weekday, crawled, page_year)
    if day is None or (weekday is not None and day.weekday() != weekday):
        return None
    return _with_time(day, m)


def _numeric(d: int, mth: int, y: int, weekday: int | None) -> date | None:
    """Day/month/year as Indonesian pages write it; the weekday must confirm the order."""
    first = _valid(y, mth, d)
    if first is not None and weekday is not None and first.weekday() == weekday:
        return first
    return None


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve(
    month: int, d: int, weekday: int | None, crawled: datetime | None, page_year: int | None
) -> date | None:
    """A day and month without a year: the page's year, else the crawl date decides."""
    if page_year is not None:
        return _valid(page_year, month, d)
    if crawled is None:
        return None
    limit = min(crawled.date(), date.max - AHEAD) + AHEAD  # a crawl dated 9999-12-31
    options = [c for y in (limit.year, limit.year - 1) if (c := _valid(y, month, d)) and c <= limit]
    if weekday is not None:
        options = [
            c for c in options if c.weekday() == weekday and limit - c <= WEEKDAY_MAX_AGE + AHEAD
        ]
    else:
        options = [c for c in options if limit - c <= UNDATED_MAX_AGE + AHEAD]
    return max(options, default=None)


def _with_time(day: date, m: re.Match[str]) -> date | datetime:
    """The date with its time in UTC when a time zone is stated; else the date alone."""
    groups = m.groupdict()
    if not groups.get("time") or not groups.get("zone"):
        return day
    zone = names().zones.get(groups["zone"].strip()) or _offset(groups["zone"])
    clock = groups["time"].replace(".", ":")
    ampm = (groups.get("ampm") or "").replace(".", "").upper()
    stamp = f"{day.isoformat()} {clock} {ampm} {zone}".replace("  ", " ")
    parsed = dateparser.parse(stamp, languages=["en"], settings={"DATE_ORDER": "YMD"})
    if parsed is None or parsed.tzinfo is None:
        return day
    return parsed.astimezone(UTC).replace(tzinfo=None)


def _offset(written: str) -> str:
    """'GMT+7', '+07:00', '+0700' as '+0700'."""
    m = re.search(r"([+-])(\d{1,2}):?(\d{2})?", written)
    return f"{m[1]}{int(m[2]):02d}{m[3] or '00'}" if m else written
