"""Charset labels read as browsers read them (the WHATWG table), in the body, in a
Subject's encoded words and in an RFC 2231 file name; undeclared bytes detected.
Non-Latin text on purpose: it is what the charsets carry."""
# ruff: noqa: RUF001

from __future__ import annotations

import base64
from urllib.parse import quote_from_bytes

import pytest
import webencodings

from pactdesk.intake.charsets import decode_bytes
from pactdesk.intake.parsing import mail_parse

SAMPLES = {
    "windows-1252": "Café – “naïve” €",
    "iso-8859-2": "Zażółć gęślą jaźń",
    "iso-8859-3": "Ħamrun ġurnata ċar",
    "iso-8859-4": "Ģimene ķēķis",
    "iso-8859-5": "Привет, мир",
    "iso-8859-6": "مرحبا بالعالم",
    "iso-8859-7": "Καλημέρα κόσμε",
    "iso-8859-8": "שלום עולם",
    "iso-8859-8-i": "שלום עולם",
    "iso-8859-10": "Þórður ŋ",
    "iso-8859-13": "Ąžuolas ėjo",
    "iso-8859-14": "Ŵyn ŷ",
    "iso-8859-15": "Œuvre à 5 €",
    "iso-8859-16": "Științe",
    "koi8-r": "Привет, мир",
    "koi8-u": "Привіт, світе",
    "macintosh": "Café naïve",
    "x-mac-cyrillic": "Привет, мир",
    "windows-874": "สวัสดีครับ",
    "windows-1250": "Zażółć gęślą jaźń",
    "windows-1251": "Привет, мир",
    "windows-1253": "Καλημέρα κόσμε",
    "windows-1254": "Günaydın dünya",
    "windows-1255": "שלום עולם",
    "windows-1256": "مرحبا بالعالم",
    "windows-1257": "Ąžuolas ėjo",
    "windows-1258": "Đông ₫",
    "gbk": "张三的订单",
    "gb18030": "张三的订单 €",
    "big5": "寄件者您好",
    "euc-jp": "こんにちは世界",
    "iso-2022-jp": "こんにちは世界",
    "shift_jis": "こんにちは世界",
    "euc-kr": "안녕하세요",
    "ibm866": "Привет, мир",
    "utf-8": "Grüße 👋 שלום",
    "utf-16le": "Grüße 👋",
    "utf-16be": "Grüße 👋",
}
# "replacement" labels are covered below; x-user-defined maps bytes to private use
# characters and is not a charset any mailer sends.
LABELS = sorted(
    (label, name)
    for label, name in webencodings.LABELS.items()
    if name not in ("replacement", "x-user-defined")
)


def _encoded(text: str, name: str) -> bytes:
    codec = webencodings.lookup(name)
    assert codec is not None
    return codec.codec_info.encode(text)[0]


def _mail(label: str, text: str, name: str) -> bytes:
    """One message carrying `text` in encoding `name` declared as `label` three ways."""
    data = _encoded(text, name)
    word = f"=?{label}?B?{base64.b64encode(data).decode()}?="
    filename = f"{label}''{quote_from_bytes(_encoded(f'{text}.txt', name))}"
    body = base64.encodebytes(data).decode()
    return (
        f"From: jo@shop.test\r\nSubject: {word}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f'--b\r\nContent-Type: text/plain; charset="{label}"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{body}\r\n"
        "--b\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Disposition: attachment; filename*={filename}\r\n\r\nx\r\n--b--\r\n"
    ).encode("ascii")


def test_every_whatwg_encoding_has_a_sample() -> None:
    assert {name for _, name in LABELS} == set(SAMPLES)


@pytest.mark.parametrize(("label", "name"), LABELS)
def test_every_whatwg_label_is_read_in_body_subject_and_file_name(label: str, name: str) -> None:
    text = SAMPLES[name]
    parsed = mail_parse(_mail(label, text, name))
    assert (parsed.text, parsed.subject, parsed.attachments[0].filename) == (
        text,
        text,
        f"{text}.txt",
    )


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        # Declared subsets read as the supersets senders really use.
        ("€ 20".encode("cp1252"), "iso-8859-1", "€ 20"),
        ("€ 20".encode("cp1252"), "us-ascii", "€ 20"),
        ("张三 𠀀".encode("gb18030"), "gb2312", "张三 𠀀"),
        ("똠방각하".encode("cp949"), "ks_c_5601-1987", "똠방각하"),
        ("①髙".encode("cp932"), "x-sjis", "①髙"),
        ("ไทย".encode("cp874"), "tis-620", "ไทย"),
        # An ASCII label on UTF-8 bytes: what the sender's mailer wrote.
        ("Grüße".encode(), "us-ascii", "Grüße"),
        # A byte order mark wins over the label.
        (b"\xef\xbb\xbfGr\xc3\xbc\xc3\x9fe", "windows-1252", "Grüße"),
        (b"\xff\xfeh\x00i\x00", "utf-8", "hi"),
        # WHATWG's "replacement" labels and labels only Python knows: Python's codec.
        ("안녕하세요".encode("iso2022_kr"), "iso-2022-kr", "안녕하세요"),
        ("张三".encode("hz"), "hz-gb-2312", "张三"),
        ("Hi ☺".encode("utf-7"), "utf-7", "Hi ☺"),
        ("こんにちは".encode("iso2022_jp_2"), "iso-2022-jp-2", "こんにちは"),
        ("Grüße".encode("cp850"), "cp850", "Grüße"),
        # ... unless the bytes do not fit it: then they are undeclared.
        ("Grüße".encode(), "utf-7", "Grüße"),
        ("Grüße".encode(), "unicode-escape", "Grüße"),
        # Undeclared: UTF-8, else detected, else windows-1252.
        ("Grüße".encode(), None, "Grüße"),
        ("Grüße".encode("cp1252"), "unknown-8bit", "Grüße"),
        ("Jürgen Müller".encode("cp1252"), "no-such-charset", "Jürgen Müller"),
        ("Café froid".encode("cp1252"), "", "Café froid"),
    ],
)
def test_labels_beyond_the_table(data: bytes, label: str | None, text: str) -> None:
    assert decode_bytes(data, label) == text


UNDECLARED = [
    ("Добрый день! Не могу войти в личный кабинет, пароль не подходит уже второй день.", "cp1251"),
    (
        "お世話になっております。ログインできません。パスワードを再設定していただけますか。",
        "shift_jis",
    ),
    ("您好，我无法登录我的账户，请帮我重置密码。订单号是五千一百二十，谢谢！", "gbk"),
]


@pytest.mark.parametrize(("text", "codec"), UNDECLARED)
def test_undeclared_8bit_text_is_detected(text: str, codec: str) -> None:
    data = text.encode(codec)
    raw = (
        b"From: jo@shop.test\r\nSubject: " + data[:60] + b"\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + data
    )
    parsed = mail_parse(raw)
    assert parsed.text == text
    assert parsed.subject == decode_bytes(data[:60], None)


def test_a_raw_8bit_header_is_read_like_undeclared_text() -> None:
    raw = "From: Jürgen Müller <j@shop.test>\r\nSubject: Grüße\r\n\r\nhi".encode("cp1252")
    parsed = mail_parse(raw)
    assert (parsed.from_name, parsed.from_address, parsed.subject) == (
        "Jürgen Müller",
        "j@shop.test",
        "Grüße",
    )


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        # Words in one charset decode together: a character may be split between them.
        ("=?utf-8?B?w6k=?= =?utf-8?B?4oKs?=", "é€"),
        ("=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€"),
        ("=?shift_jis?B?grE=?= =?shift_jis?B?gvE=?= ok", "こん ok"),
        ("=?iso-8859-8-i?Q?=F9=EC=E5=ED?= =?us-ascii?Q?_!?=", "שלום !"),
        ("Re: =?utf-8*de?Q?Gr=C3=BC=C3=9Fe?=", "Re: Grüße"),
        ("=?x-no-such?Q?Caf=E9?=", "Café"),
    ],
)
def test_encoded_words_in_a_subject(header: str, subject: str) -> None:
    parsed = mail_parse(f"From: jo@shop.test\r\nSubject: {header}\r\n\r\nhi".encode())
    assert parsed.subject == subject


def test_a_display_name_with_a_comma_stays_one_name() -> None:
    raw = b"From: =?gb2312?B?1cXI/Q==?= <z@shop.test>, =?utf-8?Q?Lee=2C_Kim?= <k@x.test>\r\n\r\n."
    parsed = mail_parse(raw)
    assert (parsed.from_name, parsed.from_address) == ("张三", "z@shop.test")


# Short undeclared Latin text: the detector's language model scores it zero in every
# encoding, so windows-1252 (what such mail almost always is) must win the tie.
SHORT_LATIN = [
    "Très bien, merci à vous",
    "Smörgåsbord",
    "élève",
    "Ça coûte 5 €",
    "naïve façade",
    "Olá, não",
    "Hej då",
    "Æble",
    "Grüße",
    "Café",
    "Niño",
    "Ñandú",
    "€",
    "Ü",
    "Où est ma commande ? Je l’ai payée",
]


@pytest.mark.parametrize("text", SHORT_LATIN)
def test_short_undeclared_latin_text_is_windows_1252(text: str) -> None:
    data = text.encode("cp1252")
    raw = b"From: jo@shop.test\r\nSubject: " + data + b"\r\n\r\n" + data
    parsed = mail_parse(raw)
    assert (parsed.subject, parsed.text) == (text, text)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Dzień dobry, nie działa mi drukarka, proszę o pomoc, żółć", "iso-8859-2"),
        ("Merhaba, yazıcım çalışmıyor lütfen yardım", "windows-1254"),
        ("Γειά σας, ο εκτυπωτής μου δεν λειτουργεί", "windows-1253"),
        ("Žluťoučký kůň úpěl ďábelské ódy", "windows-1250"),
    ],
)
def test_undeclared_text_another_encoding_fits_better_is_not_windows_1252(
    text: str, codec: str
) -> None:
    assert decode_bytes(text.encode(codec), None) == text


@pytest.mark.parametrize(
    ("subject", "name", "charset"),
    [
        ("Привет мир", "Иван", "koi8-r"),
        ("Привет мир", "Иван", "windows-1251"),
        ("שלום", "דנה", "iso-8859-8"),
        ("Ελα", "Νίκος", "iso-8859-7"),
        ("Cześć", "Łucja", "iso-8859-2"),
    ],
)
def test_raw_8bit_headers_are_read_with_the_body_charset(
    subject: str, name: str, charset: str
) -> None:
    raw = (
        f"From: {name} <x@shop.test>\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n"
        f"\r\n{subject}"
    ).encode(charset)
    parsed = mail_parse(raw)
    assert (parsed.subject, parsed.from_name, parsed.text) == (subject, name, subject)


def test_8bit_headers_that_do_not_fit_the_body_charset_are_read_as_undeclared() -> None:
    raw = (
        b"From: x@shop.test\r\nSubject: "
        + "Grüße".encode("cp1252")
        + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi"
    )
    assert mail_parse(raw).subject == "Grüße"
