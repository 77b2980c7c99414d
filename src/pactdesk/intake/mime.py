"""The text and the files of a parsed message.

The body is the text/plain part (preferred) or the text/html part, HTML turned into
text; other inline text parts are appended. Every other leaf is a file: attachments,
inline images (by Content-ID or inline disposition), anything with a file name.
A forwarded message (message/rfc822) is kept whole as an .eml file, and its text is
appended under a "Forwarded message" line so agents read it without opening the file.
Charset labels, in bodies, headers and file names alike, are read as browsers read
them (see `pactdesk.intake.charsets`).

A multipart whose boundary is missing or is not the one its body uses (broken mailers
and hand-made mail do both) is read as mail clients read it: with the boundary its
body's first delimiter line names, and with no delimiter line at all as plain text,
so the customer's words are the ticket's text rather than an opaque attachment.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from pactdesk.intake.charsets import decode_bytes, header_words
from pactdesk.intake.htmltext import html_to_text

__all__ = [
    "MailAttachment",
    "MimeContent",
    "body_part",
    "decode_bytes",
    "header_text",
    "mime_content",
    "part_text",
]
FORWARD_LINE = "---------- Forwarded message ----------"
# RFC 2046: a boundary is 1-70 characters; a delimiter line is "--" + boundary.
_DELIMITER = re.compile(rb"^--([0-9A-Za-z'()+_,./:=?-]{1,70}?)(?:--)?[ \t]*\r?$", re.M)


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


def mime_content(message: EmailMessage, raw: bytes | None = None) -> MimeContent:
    """Text, forwarded texts and files of `message` (not descending into forwards);
    `raw`, the bytes `message` was parsed from, lets a broken multipart be read again
    with its 8-bit text intact."""
    content = MimeContent()
    root = _repaired(message, body=_body_bytes(raw) if raw is not None else None)
    body = body_part(root)
    _collect(root, body=body, content=content, text_wanted=True)
    return content


def _body_bytes(raw: bytes) -> bytes:
    parts = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)
    return parts[1] if len(parts) == 2 else b""


def _repaired(part: Message, *, body: bytes | None = None) -> Message:
    """`part` with every multipart the parser could not split (no boundary, or one
    its body does not use) parsed again: with the boundary of the body's first
    delimiter line, else as a text/plain part. `body`: `part`'s body as received (the
    parser keeps an unsplit multipart's 8-bit bytes only as U+FFFD)."""
    payload = part.get_payload()
    if part.get_content_maintype() == "multipart" and isinstance(payload, str):
        data = body if body is not None else payload.encode("utf-8", errors="replace")
        return _reparsed(part, data)
    if isinstance(payload, list):
        payload[:] = [_repaired(child) for child in payload]
    return part


def _reparsed(part: Message, data: bytes) -> Message:
    found = _DELIMITER.search(data)
    if found is not None:
        boundary = found.group(1).decode("ascii")
        head = f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\r\n\r\n'
        fixed = BytesParser(policy=policy.default).parsebytes(head.encode("ascii") + data)
        if isinstance(fixed.get_payload(), list):
            return _repaired(fixed)
    head = "Content-Type: text/plain\r\n"  # no delimiter: the body is the sender's text
    encoding = part.get("content-transfer-encoding")
    if encoding:
        head += f"Content-Transfer-Encoding: {' '.join(str(encoding).split())}\r\n"
    return BytesParser(policy=policy.default).parsebytes(
        head.encode("ascii", "replace") + b"\r\n" + data
    )


def part_text(part: Message) -> str:
    text = decode_bytes(_payload(part), part.get_content_charset())
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def body_part(message: EmailMessage) -> Message | None:
    """The part whose text is the message's body: text/plain preferred, else
    text/html, else (a broken tree) the first text leaf; None when there is none."""
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception:  # a broken tree: fall back to the first text leaf
        return next((p for p in message.walk() if p.get_content_maintype() == "text"), None)


def _collect(
    part: Message, *, body: Message | None, content: MimeContent, text_wanted: bool
) -> None:
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
    heads = [
        f"{label}: {value}"
        for label, value in (
            ("From", header_text(inner, "from")),
            ("Date", header_text(inner, "date")),
            ("Subject", subject),
            ("To", header_text(inner, "to")),
        )
        if value
    ]
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
    """The file name from Content-Disposition, else Content-Type's name, with its
    RFC 2231 charset or encoded words read by the same rules as the text."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw_header(part, header)
        name = _param_text(raw, header, param) if raw else ""
        if name.strip():
            return " ".join(name.split())
    return ""


def _param_text(raw: str, header: str, param: str) -> str:
    """A parameter of a raw header value; a compat32 message keeps RFC 2231's
    (charset, language, value) apart so the charset can be read here."""
    holder = Message()
    holder[header] = raw
    try:
        value = holder.get_param(param, header=header)
    except Exception:  # a parameter list Python cannot split
        return ""
    if isinstance(value, tuple):
        charset, _language, text = value
        data = text.encode("latin-1", errors="surrogateescape")
        return decode_bytes(data, charset or None)
    return header_words(value) if isinstance(value, str) else ""


def _raw_header(message: Message, name: str) -> str | None:
    """The first `name` header as received (unfolded), before Python decodes it."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return "".join(str(value).replace("\r", "").split("\n"))
    return None


def header_text(message: Message, name: str, *, hint: str | None = None) -> str:
    """A header as one line of text: encoded words and raw 8-bit bytes decoded by the
    charset rules (raw bytes with the body's charset `hint` when they fit it),
    addresses formatted by Python's parser; a header that parser chokes on is given as
    decoded text."""
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    try:
        words = header_words(raw, as_utf8=True, hint=hint)
        text = str(policy.default.header_fetch_parse(name, words))
    except Exception:  # a header Python's parser cannot read: the decoded text as is
        text = header_words(raw, hint=hint)
    return " ".join(text.replace("\x00", "").split())  # NUL: PostgreSQL text refuses it


def _file_stem(subject: str) -> str:
    kept = "".join(c if c.isalnum() or c in " -_.,()[]" else "_" for c in subject)
    return kept.strip(" .")[:100]
