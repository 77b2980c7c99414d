"""The corpus: realistic raw mail, parsed to exact values. No database."""

from __future__ import annotations

import pytest

from pactdesk.intake.parsing import MailUnparseable, mail_parse
from tests.intake.conftest import corpus

PNG_SIZE = 70
# Cyrillic and typographic characters on purpose: these are what the charsets carry.
KOI8_SUBJECT = "Не работает вход"  # noqa: RUF001
KOI8_TEXT = "Здравствуйте!\nНе могу войти в личный кабинет."  # noqa: RUF001
CP1252_TEXT = "Price: € 20 – “quoted”"
HEBREW_SUBJECT = "הזמנה 5120"
HEBREW_TEXT = "שלום, ההזמנה שלי לא הגיעה עדיין."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "alternative.eml",
            {
                "subject": "Printer on fire",
                "from": ("jo.bloggs@shop.test", "Jo Bloggs"),
                "text": "Hello,\n\nThe printer on floor 2 is on fire — please send someone.\n\nJo",
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "rfc2231_filename.eml",
            {
                "subject": "Rechnung für März",
                "from": ("juergen@shop.test", "Jürgen Müller"),
                "text": "Anbei die Rechnung.",
                "attachments": [
                    ("Rechnung März € 120.pdf", "application/pdf", 48, False),
                    ("übersicht.txt", "text/plain", 8, False),
                ],
                "auto": None,
            },
        ),
        (
            "koi8r.eml",
            {
                "subject": KOI8_SUBJECT,
                "from": ("ivan@shop.test", "Иван Петров"),
                "text": KOI8_TEXT,
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "latin1.eml",
            {
                "subject": "Café froid",
                "from": ("rene@shop.test", "René Dupré"),
                "text": "Bonjour,\nle café est froid à l'accueil.\nRené",
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "hebrew_iso8859_8_i.eml",
            {  # a label only WHATWG knows, in Subject and body
                "subject": HEBREW_SUBJECT,
                "from": ("dana@example.com", "Dana Example"),
                "text": HEBREW_TEXT,
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "windows1252.eml",
            {
                "subject": "Invoice question",
                "from": ("sam@shop.test", "Sam"),
                "text": CP1252_TEXT,
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "inline_image.eml",
            {
                "subject": "Screenshot of the error",
                "from": ("ana@shop.test", "Ana"),
                "text": "See the screenshot:\n[image: error.png]",
                "attachments": [
                    ("error.png", "image/png", PNG_SIZE, True),
                    ("inline-2.png", "image/png", PNG_SIZE, True),
                ],
                "auto": None,
            },
        ),
        (
            "forwarded.eml",
            {
                "subject": "Fwd: Order 5512 not delivered",
                "from": ("pat@shop.test", "Pat"),
                "text": "Please look at the mail below from our courier.",
                "attachments": [("Order 5512 not delivered.eml", "message/rfc822", 232, False)],
                "auto": None,
            },
        ),
        (
            "html_only.eml",
            {
                "subject": "Login page broken",
                "from": ("kim@shop.test", "Lee, Kim"),
                "text": "Hi team,\nThe login page shows Error 500 & a blank screen.\nSteps:\n\n"
                "- Open /login\n- Type the password\n\nThanks\nKim",
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "quoted_reply.eml",
            {
                "subject": "Re: [PD-1] Printer on fire",
                "from": ("jo@shop.test", "Jo Bloggs"),
                "text": "It is out now, thanks.",
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "outlook_reply.eml",
            {
                "subject": "RE: [PD-1] Printer on fire",
                "from": ("morgan@shop.test", "Morgan"),
                "text": "Still smoking a bit.",
                "attachments": [],
                "auto": None,
            },
        ),
        (
            "malformed.eml",
            {
                "subject": "Half a message",
                "from": ("broken@shop.test", "Broken Mailer"),
                "text": "Text in a charset nobody knows.",
                "attachments": [("data.bin", "application/octet-stream", 10, False)],
                "auto": None,
            },
        ),
        (
            "delivery_status.eml",
            {
                "subject": "Undelivered Mail Returned to Sender",
                "from": ("mailer-daemon@mx.shop.test", "Mail Delivery System"),
                "text": "This is the mail system at host mx.shop.test.\n"
                "I'm sorry to have to inform you that your message could not be delivered.",
                "attachments": [("attachment-1.bin", "text/rfc822-headers", 101, False)],
                "auto": "Auto-Submitted: auto-replied",
            },
        ),
        (
            "dsn_no_autosubmitted.eml",
            {
                "subject": "Delivery Status Notification (Failure)",
                "from": ("postmaster@relay.test", ""),
                "text": "Delivery to gone@shop.test failed permanently.",
                "attachments": [],
                "auto": "delivery-status report",
            },
        ),
        (
            "auto_replied.eml",
            {
                "subject": "Out of office: [PD-1] Printer on fire",
                "from": ("jo@shop.test", "Jo Bloggs"),
                "text": "I am out of the office until Monday.",
                "attachments": [],
                "auto": "Auto-Submitted: auto-replied",
            },
        ),
        (
            "precedence_bulk.eml",
            {
                "subject": "Our March newsletter",
                "from": ("news@shop.test", "News"),
                "text": "Ten things you did not know about printers.",
                "attachments": [],
                "auto": "Precedence: bulk",
            },
        ),
        (
            "x_autoreply.eml",
            {
                "subject": "Re: [PD-1] Printer on fire",
                "from": ("jo@shop.test", "Jo Bloggs"),
                "text": "Thank you for your mail. I will read it when I am back.",
                "attachments": [],
                "auto": "X-Autoreply present",
            },
        ),
    ],
)
def test_corpus_parses_to_exact_values(name: str, expected: dict[str, object]) -> None:
    parsed = mail_parse(corpus(name))
    files = [(a.filename, a.content_type, len(a.content), a.inline) for a in parsed.attachments]
    assert parsed.subject == expected["subject"]
    assert (parsed.from_address, parsed.from_name) == expected["from"]
    assert parsed.text == expected["text"]
    assert files == expected["attachments"]
    assert parsed.auto_reason == expected["auto"]


def test_threading_headers_and_folded_history_are_kept_apart() -> None:
    parsed = mail_parse(corpus("quoted_reply.eml"))
    assert parsed.message_id == "<reply-1@shop.test>"
    assert parsed.thread_ids == ("<ack-1@pactdesk.localhost>", "<alt-1@shop.test>")
    assert parsed.quoted == (
        "On Mon, 2 Mar 2026 at 10:05, Northwind Support <support@northwind.test>\nwrote:\n"
        "> Hello Jo,\n>\n> We have received your request and logged it as PD-1."
    )


def test_outlook_history_starts_at_the_rule_above_its_header_block() -> None:
    parsed = mail_parse(corpus("outlook_reply.eml"))
    assert parsed.quoted.split("\n")[:3] == [
        "________________________________",
        "From: Northwind Support <support@northwind.test>",
        "Sent: Monday, March 2, 2026 10:05 AM",
    ]


def test_a_forwarded_message_is_kept_whole_and_its_text_shown() -> None:
    parsed = mail_parse(corpus("forwarded.eml"))
    assert parsed.forwarded == (
        "---------- Forwarded message ----------\n"
        "From: Courier <noreply@courier.test>\nDate: Sun, 01 Mar 2026 18:00:00 +0000\n"
        "Subject: Order 5512 not delivered\nTo: pat@shop.test\n\n"
        "We could not deliver parcel 5512."
    )
    inner = mail_parse(parsed.attachments[0].content)
    assert (inner.message_id, inner.text) == (
        "<c-77@courier.test>",
        "We could not deliver parcel 5512.",
    )


def test_html_never_survives_in_the_text() -> None:
    parsed = mail_parse(corpus("html_only.eml"))
    assert "<" not in parsed.text.replace("</login", "")
    assert "alert" not in parsed.text
    assert "ignored" not in parsed.text


def test_mail_without_a_message_id_gets_a_stable_one() -> None:
    raw = b"From: jo@shop.test\r\nSubject: hi\r\n\r\nhello\r\n"
    first, again = mail_parse(raw), mail_parse(raw)
    assert first.message_id == again.message_id
    assert first.message_id.endswith("@intake.pactdesk.invalid>")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (b"  \r\n\r\n", "empty message"),
        (b"\x00\x01\x02 this is not mail\r\nnor is this\r\n", "no header fields"),
    ],
)
def test_bytes_that_are_not_mail_are_unparseable(raw: bytes, reason: str) -> None:
    with pytest.raises(MailUnparseable) as caught:
        mail_parse(raw)
    assert caught.value.reason == reason


# Multiparts the parser cannot split: no boundary, a boundary the body does not use,
# nested, or no delimiter at all. Mail clients read them; so must we.
_PDF = (
    "Content-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n"
    "\r\nJVBERi0=\r\n"
)
_BROKEN = [
    (
        "no boundary",
        "multipart/mixed",
        f"--XYZ\r\nContent-Type: text/plain\r\n\r\nHello there\r\n--XYZ\r\n{_PDF}--XYZ--\r\n",
        "Hello there",
        [("a.pdf", "application/pdf", 5)],
    ),
    (
        "wrong boundary",
        'multipart/mixed; boundary="ABC"',
        "--XYZ\r\nContent-Type: text/plain\r\n\r\nHello there\r\n--XYZ--\r\n",
        "Hello there",
        [],
    ),
    (
        "quoted wrong boundary",
        'multipart/alternative; boundary="=_a b"',
        "--=_q1\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\nGrüße\r\n--=_q1\r\n"
        "Content-Type: text/html\r\n\r\n<p>Gr&uuml;&szlig;e</p>\r\n--=_q1--\r\n",
        "Grüße",
        [],
    ),
    (
        "nested without boundary",
        'multipart/mixed; boundary="OUT"',
        "--OUT\r\nContent-Type: multipart/alternative\r\n\r\n--IN\r\nContent-Type: text/plain\r\n"
        "\r\nInner text\r\n--IN\r\nContent-Type: text/html\r\n\r\n<p>Inner</p>\r\n--IN--\r\n"
        f"--OUT\r\n{_PDF}--OUT--\r\n",
        "Inner text",
        [("a.pdf", "application/pdf", 5)],
    ),
    (
        "no delimiter at all",
        'multipart/alternative; boundary="ABC"',
        "Just my text, été 2026\r\n",
        "Just my text, été 2026",
        [],
    ),
    (
        "no delimiter, base64",
        "multipart/mixed",
        "SGVsbG8sIG15IG9yZGVyIGlzIGxhdGUu\r\n",
        "SGVsbG8sIG15IG9yZGVyIGlzIGxhdGUu",
        [],
    ),
]


@pytest.mark.parametrize(
    ("kind", "ctype", "body", "text", "files"), _BROKEN, ids=[case[0] for case in _BROKEN]
)
def test_a_multipart_the_parser_cannot_split_is_read_as_mail_clients_read_it(
    kind: str, ctype: str, body: str, text: str, files: list[tuple[str, str, int]]
) -> None:
    raw = (
        f"From: jo@shop.test\r\nSubject: {kind}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: {ctype}\r\n\r\n{body}"
    ).encode("cp1252")
    parsed = mail_parse(raw)
    assert parsed.text == text
    assert [(a.filename, a.content_type, len(a.content)) for a in parsed.attachments] == files
