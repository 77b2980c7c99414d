"""The text and the files of a parsed message.

The body is the text/plain part (preferred) or the text/html part, HTML turned into
text; other inline text parts are appended. Every other leaf is a file: attachments,
inline images (by Content-ID or inline disposition), anything with a file name.
A forwarded message (message/rfc822) is kept whole as an .eml file, and its text is
appended under a "Forwarded message" line so agents read it without opening the file.
Bytes in undeclared or unknown charsets are read as UTF-8 when they are, else as
Windows-1252; iso-8859-1 is read as its superset Windows-1252, as browsers do.
"""

from __future__ import annotations

import codecs
import mimetypes
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from pactdesk.intake.htmltext import html_to_text

_UNDECLARED = frozenset({"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "default"})
_LATIN1 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819"})
FORWARD_LINE = "---------- Forwarded message ----------"


@dataclass(frozen=True)
class MailAttachment:
    """A file found in a message, with the type its sender declared."""

    filename: str
    content_type: str
    content: bytes
    inline: bool = False


@dataclass
class MimeContent:
    texts: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(t for t in self.texts if t)


def mime_content(message: EmailMessage) -> MimeContent:
    """Text, forwarded texts and files of `message` (not descending into forwards)."""
    content = MimeContent()
    body = _body_part(message)
    _collect(message, body=body, content=content, text_wanted=True)
    return content


def decode_bytes(data: bytes, charset: str | None) -> str:
    label = (charset or "").strip().strip('"').lower()
    if label in _LATIN1:
        label = "windows-1252"
    if label and label not in _UNDECLARED:
        try:
            return data.decode(codecs.lookup(label).name, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def part_text(part: Message) -> str:
    text = decode_bytes(_payload(part), part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _body_part(message: EmailMessage) -> Message | None:
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception:  # a broken tree: fall back to the first text leaf
        return next((p for p in message.walk() if p.get_content_maintype() == "text"), None)


def _collect(part: Message, *, body: Message | None, content: MimeContent,
             text_wanted: bool) -> None:  # fmt: skip
    if part is body:
        content.texts.append(part_text(part))
    elif part.get_content_type() == "message/rfc822":
        _forwarded(part, content=content)
    elif part.is_multipart():
        alternative = part.get_content_type() == "multipart/alternative"
        for child in part.iter_parts() if isinstance(part, EmailMessage) else part.get_payload():
            wanted = text_wanted and not (alternative and not _contains(child, body))
            _collect(child, body=body, content=content, text_wanted=wanted)
    elif _is_inline_text(part):
        if text_wanted:
            content.texts.append(part_text(part))
    else:
        _file(part, content=content)


def _forwarded(part: Message, *, content: MimeContent) -> None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, EmailMessage):
        _file(part, content=content)
        return
    subject = header_text(inner, "subject")
    name = _filename(part) or f"{_file_stem(subject) or 'forwarded message'}.eml"
    content.attachments.append(
        MailAttachment(filename=name, content_type="message/rfc822", content=_as_bytes(inner))
    )
    heads = [f"{label}: {value}" for label, value in (
        ("From", header_text(inner, "from")), ("Date", header_text(inner, "date")),
        ("Subject", subject), ("To", header_text(inner, "to")),
    ) if value]  # fmt: skip
    text = mime_content(inner).text
    content.forwarded.append("\n".join([FORWARD_LINE, *heads, "", text]).rstrip())


def _file(part: Message, *, content: MimeContent) -> None:
    ctype = part.get_content_type()
    disposition = part.get_content_disposition()
    inline = disposition == "inline" or (disposition is None and bool(part.get("content-id")))
    name = _filename(part)
    if not name:
        extension = mimetypes.guess_extension(ctype) or ".bin"
        stem = "inline" if inline else "attachment"
        name = f"{stem}-{len(content.attachments) + 1}{extension}"
    data = _payload(part) if not part.is_multipart() else _as_bytes(part)
    content.attachments.append(
        MailAttachment(filename=name, content_type=ctype, content=data, inline=inline)
    )


def _is_inline_text(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not _filename(part)
    )


def _contains(part: Message, target: Message | None) -> bool:
    return target is not None and any(p is target for p in part.walk())


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # an undecodable transfer encoding: keep nothing rather than fail
        return b""
    return data if isinstance(data, bytes) else b""


def _as_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes()
    except Exception:  # characters the generator cannot encode
        return message.as_string().encode("utf-8", errors="replace")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        return ""
    return " ".join(str(name).split()) if name else ""


def header_text(message: Message, name: str) -> str:
    """A header as one line of text: encoded words decoded, raw 8-bit bytes read as
    UTF-8 or Windows-1252; a header the parser chokes on is read raw."""
    try:
        value = message.get(name)
        text = "" if value is None else str(value)
    except Exception:
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
        text = str(raw)
    if any("\udc80" <= char <= "\udcff" for char in text):
        text = decode_bytes(text.encode("utf-8", errors="surrogateescape"), None)
    return " ".join(text.split())


def _file_stem(subject: str) -> str:
    kept = "".join(c if c.isalnum() or c in " -_.,()[]" else "_" for c in subject)
    return kept.strip(" .")[:100]
