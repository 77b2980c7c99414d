"""Every time of day a page shows says its zone (issue 11 §0: "every time is shown in
the viewer's time zone and says which zone"). The break test found the workload page,
the notification centre (headed "When (UTC)" over times in the viewer's zone), the
timers, the task page and the staffing pages showing bare "H:i" times."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pactdesk

SOURCES = Path(pactdesk.__file__).parent
# A Django `date`/`time` filter format: an hour (H G h g) with minutes (i) shows a
# time of day; T (abbreviation), e (zone name) or O (offset) says its zone.
FILTER = re.compile(r"""\|(?:date|time):\s*(['"])(?P<format>[^'"]*)\1""")
CLOCK = re.compile(r"[HGhg].?i")
ZONE = re.compile(r"[TeO]")


def clock_formats() -> list[tuple[str, str]]:
    found = []
    for template in sorted(SOURCES.rglob("templates/**/*.html")):
        for match in FILTER.finditer(template.read_text()):
            if CLOCK.search(match["format"]):
                found.append((str(template.relative_to(SOURCES)), match["format"]))
    return found


def test_the_scan_finds_the_clock_times_of_the_pages():
    formats = clock_formats()
    assert len(formats) >= 30  # the scan reads the templates (a wrong path finds none)
    assert ("web/templates/web/desk/workload.html", "Y-m-d H:i T") in formats


@pytest.mark.parametrize(("template", "format"), clock_formats())
def test_every_time_of_day_says_its_zone(template, format):
    assert ZONE.search(format), f'{template}: |date:"{format}" shows a time without its zone'
