"""Quoted history in replies: split the new text from what it quotes.

The history starts at the first of:
- an attribution line ("On Mon, 2 Mar 2026, Jo wrote:", "Am … schrieb …:"), on one
  line or wrapped by the sender's mailer over two or three lines. It ends with the
  verb and a colon, or, where the name follows the verb (German, Dutch, Swedish) or
  no fixed word starts it (Polish "… napisał(a):", Chinese "… 于 … 写道:"), it must
  also name a date or time (a digit): "Am Montag schrieb ich Ihnen schon:" and
  "Op de website staat: …" stay text;
- an "original message" separator ("-----Original Message-----", "-----Ursprüngliche
  Nachricht-----");
- an Outlook header block: a From field ("From:", "Von:", "差出人:") followed within
  three lines by a Sent or Date field, with the underscore rule Outlook draws above it
  ("From: the warehouse, 3 boxes" with no Sent line after it stays text).
Trailing lines starting with ">" are history too. Quotes interleaved with new text
stay: they are part of the answer.

The wording of each language is data, one `Language` per language (mail-parser-reply
was tried and not taken, see docs/architecture.md); the engine below only applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DATED = r"(?=.*\d)"  # names a date or a time: for forms where a name follows the verb
COLON = r"[:\uff1a]"  # or the full-width colon of Chinese and Japanese
ADDRESS = r"<\s?[^<>\s]+@[^<>\s]+>"


@dataclass(frozen=True)
class Language:
    """How one language's mailers introduce quoted history."""

    attributions: tuple[str, ...]  # regexes matching a whole (unwrapped) attribution line
    wrap_starts: tuple[str, ...]  # how the first line of a wrapped attribution begins
    from_fields: tuple[str, ...]  # Outlook header block field names
    sent_fields: tuple[str, ...]
    to_fields: tuple[str, ...]  # the block's other fields: not needed to find it, kept
    subject_fields: tuple[str, ...]  # so the table says what a block in the language is
    separators: tuple[str, ...]  # the text between the dashes of "-----…-----"


LANGUAGES = {
    "en": Language(
        attributions=(r"On\s.{4,300}\swrote\s?:",),
        wrap_starts=(r"On\s",),
        from_fields=("From",),
        sent_fields=("Sent", "Date"),
        to_fields=("To", "Cc"),
        subject_fields=("Subject",),
        separators=("Original Message", "Forwarded message"),
    ),
    "de": Language(
        attributions=(rf"{DATED}Am\s.{{4,300}}\sschrieb(\s.{{1,300}})?\s?:",),
        wrap_starts=(r"Am\s",),
        from_fields=("Von",),
        sent_fields=("Gesendet", "Datum"),
        to_fields=("An", "Cc"),
        subject_fields=("Betreff",),
        separators=("Ursprüngliche Nachricht", "Weitergeleitete Nachricht"),
    ),
    "fr": Language(
        attributions=(r"Le\s.{4,300}\sa\sécrit\s?:",),
        wrap_starts=(r"Le\s",),
        from_fields=("De",),
        sent_fields=("Envoyé", "Date"),
        to_fields=("À", "A", "Cc"),
        subject_fields=("Objet",),
        separators=("Message d['\u2019]origine", "Message original", "Message transféré"),
    ),
    "es": Language(
        attributions=(r"El\s.{4,300}\sescribió\s?:",),
        wrap_starts=(r"El\s",),
        from_fields=("De",),
        sent_fields=("Enviado", "Enviado el", "Fecha"),
        to_fields=("Para", "CC"),
        subject_fields=("Asunto",),
        separators=("Mensaje original", "Mensaje reenviado"),
    ),
    "it": Language(
        attributions=(r"Il\s.{4,300}\sha\sscritto\s?:",),
        wrap_starts=(r"Il\s",),
        from_fields=("Da",),
        sent_fields=("Inviato", "Data"),
        to_fields=("A", "Cc"),
        subject_fields=("Oggetto",),
        separators=("Messaggio originale", "Messaggio inoltrato"),
    ),
    "nl": Language(
        attributions=(rf"{DATED}Op\s.{{4,300}}\sschreef(\s.{{1,300}})?\s?:",),
        wrap_starts=(r"Op\s",),
        from_fields=("Van",),
        sent_fields=("Verzonden", "Datum"),
        to_fields=("Aan", "CC"),
        subject_fields=("Onderwerp",),
        separators=("Oorspronkelijk bericht", "Origineel bericht", "Doorgestuurd bericht"),
    ),
    "pt": Language(
        attributions=(r"(Em|No dia)\s.{4,300}\sescreveu\s?:",),
        wrap_starts=(r"Em\s", r"No dia\s"),
        from_fields=("De",),
        sent_fields=("Enviada", "Enviado", "Enviada em", "Data"),
        to_fields=("Para", "Cc"),
        subject_fields=("Assunto",),
        separators=("Mensagem original", "Mensagem encaminhada"),
    ),
    "pl": Language(
        attributions=(
            r"W\sdniu\s.{4,300}\spisze\s?:",
            rf"{DATED}.{{4,300}}\snapisał(\(a\)|a)?\s?:",
        ),
        wrap_starts=(r"W\sdniu\s", r"(pon|wt|śr|czw|pt|sob|niedz)\.,?\s\d"),
        from_fields=("Od",),
        sent_fields=("Wysłano", "Data"),
        to_fields=("Do", "DW"),
        subject_fields=("Temat",),
        separators=("Oryginalna wiadomość", "Wiadomość oryginalna", "Przekazana wiadomość"),
    ),
    "sv": Language(
        attributions=(rf"{DATED}Den\s.{{4,300}}\sskrev(\s.{{1,300}})?\s?:",),
        wrap_starts=(r"Den\s",),
        from_fields=("Från",),
        sent_fields=("Skickat", "Datum"),
        to_fields=("Till", "Kopia"),
        subject_fields=("Ämne",),
        separators=("Ursprungligt meddelande", "Originalmeddelande", "Vidarebefordrat meddelande"),
    ),
    "ja": Language(
        attributions=(
            rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日.{{0,300}}{ADDRESS}\s?{COLON}",
            rf".{{1,300}}さんは書きました\s?{COLON}",
        ),
        wrap_starts=(r"\d{4}年\d{1,2}月",),
        from_fields=("差出人",),
        sent_fields=("送信日時",),
        to_fields=("宛先", "CC"),
        subject_fields=("件名",),
        separators=("元のメッセージ", "転送されたメッセージ", "Original Message"),
    ),
    "zh": Language(
        attributions=(
            rf"在\s?.{{4,300}}[写寫]道\s?{COLON}",
            rf"{DATED}.{{1,300}}[于於]\s?.{{4,300}}[写寫]道\s?{COLON}",
        ),
        wrap_starts=(r"在\s?\d", r".{1,200}[于於]\s?\d"),
        from_fields=("发件人", "寄件者", "寄件人"),
        sent_fields=("发送时间", "寄件日期", "日期"),
        to_fields=("收件人", "收件者"),
        subject_fields=("主题", "主旨"),
        separators=("原始邮件", "原始郵件", "原始邮件信息", "原始訊息", "转发邮件"),
    ),
}


def _field_line(names: set[str]) -> re.Pattern[str]:
    """A header block line: the field name, optionally bold, a (full-width) colon."""
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"^\*?({alternatives})\s?{COLON}\*?(\s|$)", re.IGNORECASE)


def _any(patterns: set[str], *, whole: bool) -> re.Pattern[str]:
    body = "|".join(f"(?:{pattern})" for pattern in sorted(patterns))
    return re.compile(f"^(?:{body}){'$' if whole else ''}", re.IGNORECASE)


_LANGS = LANGUAGES.values()
_ATTRIBUTION = _any({p for lang in _LANGS for p in lang.attributions}, whole=True)
_WRAP_START = _any({p for lang in _LANGS for p in lang.wrap_starts}, whole=False)
_SEPARATORS = "|".join(sorted({s for lang in _LANGS for s in lang.separators}))
_SEPARATOR = re.compile(rf"^-{{2,}}\s*({_SEPARATORS})\s*-{{2,}}$", re.IGNORECASE)
_OUTLOOK_FROM = _field_line({name for lang in _LANGS for name in lang.from_fields})
_OUTLOOK_NEXT = _field_line({name for lang in _LANGS for name in lang.sent_fields})
_RULE = re.compile(r"^_{10,}$")


def quoted_split(text: str) -> tuple[str, str]:
    """(new text, quoted history); either may be empty. Lines keep their order."""
    lines = text.split("\n")
    cut = min(_marker_at(lines), _trailing_quote_at(lines))
    if cut > 0 and _RULE.match(lines[cut - 1].strip()):
        cut -= 1
    new = "\n".join(lines[:cut]).strip("\n").rstrip()
    quoted = "\n".join(lines[cut:]).strip("\n").rstrip()
    return new, quoted


def _marker_at(lines: list[str]) -> int:
    for index, raw in enumerate(lines):
        line = raw.strip()
        if _SEPARATOR.match(line) or _ATTRIBUTION.match(line):
            return index
        if _WRAP_START.match(line) and _wrapped_attribution(lines[index : index + 3]):
            return index
        if _OUTLOOK_FROM.match(line) and any(
            _OUTLOOK_NEXT.match(later.strip()) for later in lines[index + 1 : index + 4]
        ):
            return index
    return len(lines)


def _wrapped_attribution(lines: list[str]) -> bool:
    """An attribution line wrapped over two or three lines by the sender's mailer."""
    return any(
        _ATTRIBUTION.match(" ".join(part.strip() for part in lines[:count]))
        for count in range(2, len(lines) + 1)
        if all(part.strip() for part in lines[:count])
    )


def _trailing_quote_at(lines: list[str]) -> int:
    """Where the run of quoted (">") and blank lines closing the text begins."""
    cut = len(lines)
    quoted = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if line.startswith(">"):
            quoted = True
        elif line:
            break
        cut = index
    return cut if quoted else len(lines)
