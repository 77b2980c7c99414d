"""The staffing layer's words (its own: the desk's vocabulary is closed to five enums).

No Django here: the pure planning module and the benchmark use them too."""

from __future__ import annotations

from enum import StrEnum


class AdviceKind(StrEnum):
    """What a seat advice recommends."""

    ADD = "add"  # the promise is not kept with the current seats; more seats keep it
    KEEP = "keep"  # kept now, and one fewer would not keep it with room to spare
    REMOVE = "remove"  # one fewer still keeps it with room to spare

    @property
    def label(self) -> str:
        return ADVICE_LABELS[self]


ADVICE_LABELS = {
    AdviceKind.ADD: "Add a seat",
    AdviceKind.KEEP: "Keep the seats",
    AdviceKind.REMOVE: "One seat fewer",
}
ADVICE_CHOICES = [(kind.value, kind.label) for kind in AdviceKind]
