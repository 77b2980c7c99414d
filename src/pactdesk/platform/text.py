"""Text values from outside, as every layer stores them."""

from __future__ import annotations


def single_line(text: str) -> str:
    """`text` on one line: every run of whitespace, line breaks and other line
    separators included (CR, LF, VT, FF, NEL U+0085, U+2028, U+2029, the C0 file and
    record separators), becomes one space; no leading or trailing space. Names and
    subjects go through it where they enter, so no header or greeting we write can be
    broken into lines by what someone typed."""
    return " ".join(text.split())
