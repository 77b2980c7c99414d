"""Bytes in mail read as text the way mail clients and browsers read them.

A declared charset label is looked up in the WHATWG Encoding Standard's label table
(the `webencodings` package), which also reads a declared subset as the superset
senders really use: gb2312 as GBK (decoded with GB18030, WHATWG's GBK decoder),
ks_c_5601-1987 as windows-949, iso-8859-8-i as iso-8859-8, x-sjis as Shift_JIS
(windows-31j), iso-8859-1 and us-ascii as windows-1252. A byte order mark wins over
the label, as in WHATWG's decode.

Choices where the table is no help, so that a label never destroys text:
- WHATWG maps ISO-2022-KR, ISO-2022-CN and HZ to "replacement" (one U+FFFD for the
  whole text), a browser's guard against script smuggling. Mail is shown as text, so
  such labels, and labels WHATWG does not know at all (utf-7, iso-2022-jp-2, cp850),
  are read with Python's codec of that name when it has one and the bytes decode with
  it without error; otherwise the bytes are treated as undeclared. Python codecs that
  transform text rather than encode characters (unicode-escape, idna, ...) never count.
- An ASCII label cannot be true of 8-bit bytes: such bytes that are valid UTF-8 are
  read as UTF-8 (what the sender's mailer wrote), others as WHATWG says (windows-1252).
- Undeclared bytes (no label, unknown-8bit, a label nobody knows) are UTF-8 when they
  decode as UTF-8; else windows-1252, unless `charset-normalizer`, guessing among the
  WHATWG encodings, finds another clearly more coherent, or the windows-1252 reading
  does not look like Latin text (then its best guess). Short text is ambiguous — the
  detector's language model scores "Très bien" zero in every encoding — and
  windows-1252 is what undeclared Latin mail almost always is.

Header values get the same rules: RFC 2047 encoded words are decoded here, not by
Python's email package (which knows only Python's codec names), and raw 8-bit bytes
are read as undeclared text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from email import quoprimime

import webencodings

_SUPERSETS = {"gbk": "gb18030"}  # WHATWG: "the gbk decoder is the gb18030 decoder"
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"})
_UNGUESSED = frozenset({"replacement", "x-user-defined", "utf-16le", "utf-16be"})
_GUESSES = sorted(
    {webencodings.lookup(name).codec_info.name for name in set(webencodings.LABELS.values())}
    - {webencodings.lookup(name).codec_info.name for name in _UNGUESSED}
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_bytes(data: bytes, charset: str | None) -> str:
    """`data` as text, read by its declared `charset` label (see the module's rules)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    codec = codec_for(charset or "", data)
    if codec is not None:
        return codec.decode(data, "replace")[0]
    return _undeclared(data)


def codec_for(label: str, data: bytes) -> codecs.CodecInfo | None:
    """The codec that reads `data` declared with `label`; None: read it as undeclared."""
    label = label.split("*")[0].strip().strip("\"'")  # RFC 2231 puts a language after "*"
    if not label:
        return None
    encoding = webencodings.lookup(label)
    if encoding is not None and encoding.name != "replacement":
        if encoding.name == "windows-1252" and _is_ascii_label(label) and _is_utf8(data):
            return codecs.lookup("utf-8")
        superset = _SUPERSETS.get(encoding.name)
        return codecs.lookup(superset) if superset else encoding.codec_info
    return _python_codec(label, data)


def _python_codec(label: str, data: bytes) -> codecs.CodecInfo | None:
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    try:
        data.decode(info.name)
    except (UnicodeDecodeError, ValueError):
        return None
    return info


def _is_ascii_label(label: str) -> bool:
    try:
        return codecs.lookup(label).name == "ascii"
    except LookupError:
        return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _undeclared(data: bytes) -> str:
    if _is_utf8(data):
        return data.decode("utf-8")
    return data.decode(_guess(data) or "windows-1252", errors="replace")


def _guess(data: bytes) -> str | None:
    """The encoding to read undeclared, non-UTF-8 `data` with: windows-1252 unless
    charset-normalizer finds another WHATWG encoding clearly more coherent (its language
    model scores it higher by more than `_MARGIN`) or the windows-1252 reading does not
    look like Latin text (`_latin_like`)."""
    try:
        latin: str | None = data.decode("cp1252")
    except UnicodeDecodeError:  # bytes windows-1252 leaves undefined
        latin = None
    from charset_normalizer import from_bytes  # here: only undeclared 8-bit text needs it

    results = from_bytes(data, cp_isolation=_GUESSES)
    best = results.best()
    if best is None:
        return None
    if latin is None or not _latin_like(latin):
        return best.encoding
    cp1252 = max(
        (
            result.coherence
            for result in results
            if "cp1252" in (result.encoding, *result.could_be_from_charset)
        ),
        default=0.0,
    )
    return best.encoding if best.coherence - cp1252 > _MARGIN else "cp1252"


_MARGIN = 0.03  # coherence is 0..1; short texts score 0 in every encoding


def _latin_like(text: str) -> bool:
    """Whether `text` reads as a Latin-script language: accented letters and symbols
    are at most half of the letters, as in any European language; a few (a lone
    "€", "Ü") say nothing either way."""
    high = sum(1 for char in text if not char.isascii())
    ascii_letters = sum(1 for char in text if char.isascii() and char.isalpha())
    return high < 3 or high <= ascii_letters


def header_words(value: str, *, as_utf8: bool = False, hint: str | None = None) -> str:
    """`value` (a raw header value) with raw 8-bit bytes and RFC 2047 encoded words
    decoded by the module's rules. With `as_utf8` each run of encoded words becomes one
    UTF-8 encoded word instead of text, so that Python's header parser still sees a
    display name such as "Lee, Kim" as one word. `hint`: the charset the message's
    body declares, which raw 8-bit header bytes are read with when they fit it (a
    mailer that writes 8-bit headers writes them in its body's charset)."""
    if any("\udc80" <= char <= "\udcff" for char in value):
        value = _raw_8bit(value.encode("utf-8", errors="surrogateescape"), hint)
    pieces = _WORD.split(value)  # text, then (charset, encoding, payload, text) per word
    out = [pieces[0]]
    run: list[tuple[str, bytes]] = []
    for index in range(1, len(pieces), 4):
        charset, kind, payload, after = pieces[index : index + 4]
        run.append((charset, _word_bytes(kind, payload)))
        if after.strip() or index + 4 >= len(pieces):
            out += [_run_text(run, as_utf8=as_utf8), after]
            run = []
    return "".join(out)


def _raw_8bit(data: bytes, hint: str | None) -> str:
    codec = codec_for(hint, data) if hint else None
    if codec is not None:
        try:
            return codec.decode(data, "strict")[0]
        except (UnicodeDecodeError, ValueError):
            pass
    return decode_bytes(data, None)


def _word_bytes(kind: str, payload: str) -> bytes:
    if kind in "qQ":
        return quoprimime.header_decode(payload).encode("latin-1", errors="replace")
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        return payload.encode("ascii", errors="replace")


def _run_text(run: list[tuple[str, bytes]], *, as_utf8: bool) -> str:
    """Adjacent encoded words as text; words in one charset are decoded together, as a
    character may be split between them."""
    chunks: list[tuple[str, bytes]] = []
    for charset, data in run:
        if chunks and chunks[-1][0] == charset.lower():
            chunks[-1] = (chunks[-1][0], chunks[-1][1] + data)
        else:
            chunks.append((charset.lower(), data))
    text = "".join(decode_bytes(data, charset) for charset, data in chunks)
    if not as_utf8:
        return text
    return f"=?utf-8?b?{base64.b64encode(text.encode('utf-8')).decode('ascii')}?="
