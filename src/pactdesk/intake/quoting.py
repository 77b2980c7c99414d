"""Quoted history in replies: split the new text from what it quotes.

The history starts at the first attribution line ("On Mon, 2 Mar 2026, Jo wrote:",
split over two lines or not), an "-----Original Message-----" separator, or an
Outlook header block ("From: ..." followed by "Sent:"/"Date:" within three lines,
with the underscore rule Outlook draws above it); trailing lines starting with ">"
are history too. Quotes interleaved with new text stay: they are part of the answer.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(r"^(on|le|am|el|il|op)\s.{4,300}(wrote|schrieb|a écrit|escribió|"
                          r"ha scritto|schreef)\s?:$", re.IGNORECASE)  # fmt: skip
_ATTRIBUTION_START = re.compile(r"^(on|le|am|el|il|op)\s", re.IGNORECASE)
_SEPARATOR = re.compile(r"^-{2,}\s*(original message|forwarded message)\s*-{2,}$", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\*?from:\*?\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\*?(sent|date):\*?\s", re.IGNORECASE)
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
        if _ATTRIBUTION_START.match(line) and _wrapped_attribution(lines[index : index + 3]):
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
