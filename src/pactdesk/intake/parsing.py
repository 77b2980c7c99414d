"""Raw mail bytes -> `InboundMail`: the values threading needs, read leniently.

Python's parser (policy.default) reads almost anything; only a message with no
header at all is refused as unparseable. Automatic mail (auto-replies, bulk, bounces,
delivery and read reports) is recognised here from its headers; the X-Loop check needs
the client's address and is made by `threading`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from pactdesk.domain.identity import email_identity
from pactdesk.intake.mime import MailAttachment, body_part, header_text, mime_content
from pactdesk.intake.quoting import quoted_split

_MSG_ID = re.compile(r"<[^<>\s]+>")
_BULK = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_DAEMONS = frozenset({"mailer-daemon", "postmaster"})
_REPORTS = frozenset({"delivery-status", "disposition-notification"})


class MailUnparseable(Exception):
    """The bytes are not a mail message at all; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InboundMail:
    message_id: str  # as sent, or one made from the bytes when the sender gave none
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_address: str  # lower case; "" when there is no usable From
    from_name: str
    text: str  # the new text, quoted history folded away
    quoted: str  # the folded history
    forwarded: str  # texts of forwarded messages, each under a "Forwarded message" line
    attachments: tuple[MailAttachment, ...]
    auto_reason: str | None  # why this is automatic mail, or None
    x_loop: tuple[str, ...]
    language: str | None = None  # Content-Language of the message or its text part

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers, the most direct first."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))


def mail_parse(raw: bytes) -> InboundMail:
    if not raw.strip():
        raise MailUnparseable("empty message")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # the parser is lenient; this is truly broken input
        raise MailUnparseable(f"cannot parse the message: {error}") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise MailUnparseable("no header fields")
    content = mime_content(message, raw)
    text, quoted = quoted_split(content.text)
    body = body_part(message)
    hint = body.get_content_charset() if body is not None else None
    address, name = _sender(message, hint=hint)
    return InboundMail(
        message_id=_message_id(message, raw),
        in_reply_to=_ids(header_text(message, "in-reply-to")),
        references=_ids(header_text(message, "references")),
        subject=header_text(message, "subject", hint=hint),
        from_address=address,
        from_name=name,
        text=text,
        quoted=quoted,
        forwarded="\n\n".join(content.forwarded),
        attachments=tuple(content.attachments),
        auto_reason=auto_reason(message, from_address=address),
        x_loop=tuple(header_text(message, "x-loop").lower().split()),
        language=_language(message),
    )


def auto_reason(message: EmailMessage, *, from_address: str) -> str | None:
    """Why `message` is automatic mail (never opens or reopens a ticket), or None."""
    submitted = header_text(message, "auto-submitted").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = header_text(message, "precedence").strip().lower()
    if precedence in _BULK:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in message:
            return f"{name} present"
    report = str(message.get_param("report-type", "", header="content-type") or "").lower()
    if message.get_content_type() == "multipart/report" and report in _REPORTS:
        return f"{report} report"
    if from_address.split("@")[0] in _DAEMONS:
        return f"sent by {from_address}"
    if "return-path" in message and header_text(message, "return-path") in ("<>", ""):
        return "empty Return-Path"
    return None


def _language(message: EmailMessage) -> str | None:
    for holder in (message, body_part(message)):
        if holder is None:
            continue
        value = header_text(holder, "content-language")
        if value:
            return value
    return None


def _sender(message: EmailMessage, *, hint: str | None) -> tuple[str, str]:
    raw = header_text(message, "from", hint=hint)
    try:
        pairs = [(n, a) for n, a in getaddresses([raw]) if "@" in a]
    except Exception:
        pairs = []
    name, address = pairs[0] if pairs else parseaddr(raw)
    if "@" not in address:
        return "", " ".join(name.split())
    return email_identity(address), " ".join(name.split())


def _ids(value: str) -> tuple[str, ...]:
    found = _MSG_ID.findall(value)
    if not found and value.strip() and " " not in value.strip():
        found = [f"<{value.strip().strip('<>')}>"]
    return tuple(dict.fromkeys(found))


def _message_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID as sent, whole, whatever its length (threading compares it
    exactly); one made from the bytes when the sender gave none."""
    ids = _ids(header_text(message, "message-id"))
    return ids[0] if ids else _made_id(raw)


def _made_id(raw: bytes) -> str:
    """A stable Message-ID for mail without one, so a re-delivery is still recognised."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@intake.pactdesk.invalid>"
