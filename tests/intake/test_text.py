"""Quoted-history folding and HTML to text: tables of exact cases, no database."""

from __future__ import annotations

import pytest

from pactdesk.intake.htmltext import html_to_text
from pactdesk.intake.quoting import quoted_split


@pytest.mark.parametrize(
    ("text", "new", "quoted"),
    [
        ("Just text", "Just text", ""),
        (
            "Thanks\n\nOn Mon, 2 Mar 2026, Jo <jo@x.test> wrote:\n> hi",
            "Thanks",
            "On Mon, 2 Mar 2026, Jo <jo@x.test> wrote:\n> hi",
        ),
        (
            "Thanks\nOn Mon, 2 Mar 2026 at 10:05, Support\n<s@x.test> wrote:\n> hi",
            "Thanks",
            "On Mon, 2 Mar 2026 at 10:05, Support\n<s@x.test> wrote:\n> hi",
        ),
        ("Ok\n-----Original Message-----\nFrom: a", "Ok", "-----Original Message-----\nFrom: a"),
        ("Ok\nFrom: Support\nSent: Monday\n\nold", "Ok", "From: Support\nSent: Monday\n\nold"),
        ("Hi\n> asked\nanswer\n\n> b\n> c", "Hi\n> asked\nanswer", "> b\n> c"),
        ("> only a quote", "", "> only a quote"),
        ("Online we go, I wrote: this", "Online we go, I wrote: this", ""),
        ("From: me, with love", "From: me, with love", ""),
    ],
)
def test_quoted_history_is_split_from_the_new_text(text: str, new: str, quoted: str) -> None:
    assert quoted_split(text) == (new, quoted)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<div>a</div><div>b</div>", "a\nb"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<script>x()</script><style>p{}</style><p>kept</p>", "kept"),
        ("<p>5 &lt; 6 &amp; &quot;ok&quot;</p>", '5 < 6 & "ok"'),
        ('<a href="https://x.test/a">here</a>', "here <https://x.test/a>"),
        ('<a href="javascript:evil()">here</a>', "here"),
        ("<p>new</p><blockquote><p>old</p></blockquote>", "new\n\n> old\n>"),
        ("<pre>a  b\n  c</pre>", "a  b\n  c"),
        ("<p>spaced   \n  out</p>", "spaced out"),
    ],
)
def test_html_becomes_plain_text(html: str, text: str) -> None:
    assert html_to_text(html) == text
