"""HTML bodies as safe plain text, with the standard library's parser only.

Scripts, styles and the head are dropped; block elements end lines; list items get a
dash; blockquotes are prefixed with "> " so quoted history folds like plain text; links
keep their address. No markup survives: the result is text, never HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "table",
        "tr",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "hr",
        "address",
        "blockquote",
    }
)
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._line: list[str] = []
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self._end_line(force=True)
        elif tag == "li":
            self._end_line()
            self._line.append("- ")
        elif tag in ("td", "th") and self._line:
            self._line.append("\t")
        elif tag in _BLOCKS:
            self._end_line()
        if tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1
        elif tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._href:
            href = self._href.pop()
            text = "".join(self._line).strip()
            if href and href.startswith(("http:", "https:")) and href not in text:
                self._line.append(f" <{href}>")
        if tag in _BLOCKS or tag == "li":
            self._end_line()
        if tag in _PARAGRAPHS:
            self.lines.append((self._quote, ""))
        if tag == "blockquote":
            self._quote = max(0, self._quote - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            first, *rest = data.split("\n")
            self._line.append(first)
            for piece in rest:
                self._end_line(force=True)
                self._line.append(piece)
            return
        self._line.append(_SPACES.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._end_line()

    def _end_line(self, *, force: bool = False) -> None:
        text = "".join(self._line)
        text = text.rstrip() if self._pre else " ".join(text.split())
        self._line = []
        if text or force:
            self.lines.append((self._quote, text))


def html_to_text(html: str) -> str:
    """Plain text of an HTML document: paragraphs on lines, quotes marked with "> "."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    for depth, text in parser.lines:
        line = ("> " * depth + text).rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
