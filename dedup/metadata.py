"""Metadata: outlet, language and repaired text for pages whose metadata is incomplete.

Every value filled here is recorded in ``metadata_source`` (JSON on ``articles``) with
where it came from (``{"published": "dateline", "outlet": "url"}``), so a researcher can
tell a value the page states from one inferred. Nothing here touches the network: the
registered domain comes from tldextract's bundled public-suffix snapshot. Reads and writes
no table.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import py3langid

from dedup.text import count_words

if TYPE_CHECKING:
    import tldextract

#: a language guess below this probability is left empty
LANGUAGE_MIN_PROB = 0.9
#: fewer words than this give no language guess
LANGUAGE_MIN_WORDS = 20
#: characters read for the guess (a page's first paragraphs decide as well as all of it)
LANGUAGE_SAMPLE = 2000
_YEAR_IN_URL = re.compile(r"/((?:19|20)\d\d)/(?:0?[1-9]|1[0-2])/")
#: a stated language tag (BCP 47 / ISO 639, any letter case, ``-`` or ``_``; a POSIX
#: locale's ``.UTF-8`` and ``@euro``): its primary subtag of two or three letters, then
#: region, script or variant subtags, which are dropped
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*(?:\.[\w-]+)?(?:@\w+)?")
#: ISO 639 codes that name no language: undetermined, none, several, uncoded
_NO_LANGUAGE = frozenset({"und", "zxx", "mul", "mis"})
#: what data tools write for "no value" (R's NA, pandas' nan, SQL's NULL): no language
#: stated, so none is warned about, although "na" and "nan" are codes (Nauru, Min Nan)
NO_VALUE = frozenset({"na", "n/a", "nan", "null", "none"})


@cache
def _extractor() -> tldextract.TLDExtract:
    import tldextract  # here: it pulls in requests, a tenth of every command's start-up

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(url: str | None) -> str | None:
    """'https://www.jurnas.com/artikel/1' -> 'jurnas.com' (offline public-suffix list)."""
    if not url:
        return None
    parts = _extractor()(url)
    return parts.top_domain_under_public_suffix or None


def url_year(url: str | None) -> int | None:
    """The year of a dated URL path ('/2023/09/08/...'), the page's own year."""
    m = _YEAR_IN_URL.search(url or "")
    return int(m[1]) if m else None


@cache
def _identifier() -> py3langid.langid.LanguageIdentifier:
    return py3langid.langid.LanguageIdentifier.from_model_file(
        py3langid.langid.MODEL_FILE, norm_probs=True
    )


@cache
def _languages() -> tuple[dict[str, str], frozenset[str]]:
    """CLDR's replacements of language codes and the codes it names a language for."""
    from babel import Locale  # CLDR's data, 0.05 s to load: once per process
    from babel.core import get_global

    return dict(get_global("language_aliases")), frozenset(Locale("en").languages)


def language_code(value: str) -> str | None:
    """A stated language as the code dedup's lexicons, cue files and py3langid's guesses
    use: ``en``, ``id``. Why: ``EN``, ``en-US``, ``id_ID`` or ``ind`` name the same language
    as ``en`` / ``id``, and a code that matches no lexicon silently turns cross-language
    tracing off. The primary subtag, lower case; a code CLDR replaces by a two-letter one
    becomes that (``eng``, ``ind``, ``zsm``, the withdrawn ``in`` and ``iw``), and any other
    stays as given (``ace``, Acehnese, has no two-letter code; CLDR's ``tl`` -> ``fil`` is
    not two letters, and py3langid says ``tl``). None when the value is no code of a
    language CLDR or py3langid knows (``English``, ``yes``, ``und``) or a data tool's "no
    value" (``NA``): the caller guesses instead."""
    value = value.strip().lower()
    tag = _LANGUAGE_TAG.fullmatch(value)
    if not tag or tag[1] in _NO_LANGUAGE or value in NO_VALUE:
        return None
    aliases, known = _languages()
    alias = aliases.get(tag[1], tag[1])
    code = alias if len(alias) == 2 else tag[1]
    # a code py3langid guesses is one whatever CLDR says (gom, bcl): its model is read only
    # for such a rare code, not for every run that states languages
    return code if code in known or code in _identifier().nb_classes else None


def guess_language(text: str) -> str | None:
    """ISO 639-1 code by py3langid, or None when the text is short or the guess unsure."""
    if count_words(text[:LANGUAGE_SAMPLE]) < LANGUAGE_MIN_WORDS:
        return None
    lang, prob = _identifier().classify(text[:LANGUAGE_SAMPLE])
    # as a stated code is stored ("gug" as "gn"): a guess and a statement of one language
    # are one code; "zxx" (no language) is none
    return language_code(lang) if prob >= LANGUAGE_MIN_PROB else None


def repair(text: str) -> tuple[str, bool]:
    """Text with mojibake undone by ftfy (quotes and ligatures left as written)."""
    import ftfy  # 0.03 s to import: only for pages

    fixed = ftfy.fix_encoding(text)
    return fixed, fixed != text


def fill_outlet(record: dict, sources: dict[str, str], sitename: str | None) -> None:
    """Fill an empty ``outlet`` from the site name, else the URL's registered domain."""
    if record.get("outlet"):
        return
    if sitename:
        record["outlet"], sources["outlet"] = sitename, "site_name"
    elif domain := registered_domain(record.get("url")):
        record["outlet"], sources["outlet"] = domain, "url"
