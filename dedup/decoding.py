"""Decoding: the bytes of an input as text, in the form every stored offset refers to.

UTF-8 first; UTF-16 with or without its byte order mark (Windows "Unicode" text); cp1252,
then latin-1, as the fallback of text that is not UTF-8, for a whole file or line by line
(a table pasted together from files in two encodings). Binary content is refused. Reads
and leaves no table.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

#: share of control characters above which a file is taken for binary
BINARY_CONTROL_SHARE = 0.05
#: bytes read to tell a binary file from text before streaming it
BINARY_PROBE = 8192
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: UTF-16 without a byte order mark has a space or a line break at least this often (see
#: utf16_order): a Chinese or Japanese paragraph of up to 256 characters, a line each; text
#: with fewer stays unread, as binary
UTF16_SPACE_EVERY = 256
#: Unicode categories of no text: controls, unassigned code points, private use
_NOT_TEXT = frozenset({"Cc", "Cn", "Co"})
#: control characters (Unicode category Cc) other than tab, newlines and form feed
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode(raw: bytes, keep_nul: bool = False) -> tuple[str, str]:
    """Decode bytes as UTF-8, falling back to cp1252/latin-1, or as UTF-16 when they open
    with its byte order mark or read as UTF-16 without one (:func:`utf16_order`; the
    encoding used is recorded in the result).

    Raises ValueError for binary content: a NUL byte, unless ``keep_nul`` (a reader that
    rejects the records holding one: a stray NUL in a table costs its row, not the file),
    or too many control characters. Newlines are unified and the text is NFC, so that
    offsets computed later are stable whatever the source platform was.
    """
    if codec := utf16_codec(raw):  # Windows "Unicode": NUL bytes that are text
        text, encoding = raw.decode(codec, "replace"), codec
    elif b"\x00" in raw and not keep_nul:
        raise ValueError("binary file (NUL bytes)")
    else:
        text, encoding = _eight_bit(raw)
    if text and len(_CONTROL.findall(text)) / len(text) > BINARY_CONTROL_SHARE:
        raise ValueError("binary file (control characters)")
    return normalise_text(text), encoding


def utf16_codec(raw: bytes) -> str | None:
    """The codec of UTF-16 text: "utf-16" when it opens with its byte order mark (the codec
    reads the mark), the order :func:`utf16_order` finds without one, else None."""
    return "utf-16" if raw.startswith(UTF16_BOMS) else utf16_order(raw)


def utf16_order(raw: bytes) -> str | None:
    """The byte order ("utf-16-le" or "utf-16-be") of UTF-16 text without a byte order
    mark, else None.

    Decoded in its own order, UTF-16 text has spaces and line breaks (in any script that
    writes them, the ideographic space included); decoded in the other order, or as 8-bit
    text read in pairs, it has hardly any ASCII ones, since one there needs a NUL byte
    beside it. So the start (``BINARY_PROBE`` bytes) is UTF-16 in the order whose decoding
    holds at least four spaces or line breaks, one in ``UTF16_SPACE_EVERY`` characters,
    eight times as many ASCII ones as the other order's, and few control, unassigned,
    private-use or undecodable characters."""
    head = raw[:BINARY_PROBE]
    if b"\x00" not in head:
        return None
    texts = {
        order: codecs.getincrementaldecoder(order)("replace").decode(head, final=False)
        for order in ("utf-16-le", "utf-16-be")
    }
    ascii_spaces = {order: sum(map(text.count, " \n\r\t")) for order, text in texts.items()}
    order = max(ascii_spaces, key=ascii_spaces.__getitem__)
    text, other = texts[order], min(ascii_spaces.values())
    spaces = ascii_spaces[order] + text.count("\u3000")  # read the other way, U+3000 is "0"
    if spaces < 4 or spaces * UTF16_SPACE_EVERY < len(text) or other * 8 > ascii_spaces[order]:
        return None
    odd = sum(
        c == "\ufffd" or (unicodedata.category(c) in _NOT_TEXT and not c.isspace()) for c in text
    )
    return order if odd * UTF16_SPACE_EVERY <= len(text) else None


def _eight_bit(raw: bytes, utf8: str = "utf-8-sig") -> tuple[str, str]:
    try:
        text, encoding = raw.decode(utf8), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = raw.decode("cp1252"), "cp1252 (fallback)"
        except UnicodeDecodeError:
            text, encoding = raw.decode("latin-1"), "latin-1 (fallback)"
    return text, encoding


def decode_by_line(raw: bytes) -> tuple[str, list[str]]:
    """8-bit text that is not UTF-8 as a whole, each line decoded on its own (UTF-8 where it
    is, cp1252 or latin-1 where not, as :func:`decode`): the text and each line's encoding.
    Why: in a table, one row pasted from a cp1252 file used to turn every UTF-8 row into
    mojibake ("Kompas" as "KÃ¶mpas"), one outlet becoming two."""
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    # the file's byte order mark opens its first line; elsewhere U+FEFF is text
    decoded = [_eight_bit(line, "utf-8-sig" if i == 0 else "utf-8") for i, line in enumerate(lines)]
    return normalise_text("\n".join(text for text, _ in decoded)), [e for _, e in decoded]


def normalise_text(text: str) -> str:
    """NFC with unified newlines: the form every stored offset refers to."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
