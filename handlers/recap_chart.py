"""The /rekap chart: answers by organization as stacked horizontal bars, a PNG for a phone.

The largest organizations get a bar each; the rest are summed into one "lainnya" bar. Drawing
is shared with the /statusrtl chart (``handlers.charts``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.charts import Row, Words, stacked_bars, wrap_label
from handlers.i18n import t_plain

__all__ = ["TOP", "Bar", "answers_chart", "top_bars", "wrap_label"]

TOP = 15  # bars of their own; the rest go into "lainnya"
# (answer value, bar colour, number colour): Okabe-Ito colours, told apart by colour-blind
# readers too, and grey for no answer yet.
SERIES = (
    ("hadir", "#009E73", "white"),
    ("diwakilkan", "#0072B2", "white"),
    ("tidak_hadir", "#D55E00", "white"),
    ("pending", "#C8C8C8", "#222222"),
)


@dataclass(frozen=True)
class Bar:
    """One organization's answers: ``counts`` maps an answer value to a number of invitees."""

    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.get(answer, 0) for answer, _, _ in SERIES)


def top_bars(bars: Sequence[Bar], lang: str, top: int = TOP) -> list[Bar]:
    """The ``top`` largest organizations, then one bar summing the others."""
    ordered = sorted(bars, key=lambda bar: (-bar.total, bar.label.lower()))
    if len(ordered) <= top + 1:  # one "lainnya" bar for a single organization hides a name
        return ordered
    rest = ordered[top:]
    summed = {answer: sum(bar.counts.get(answer, 0) for bar in rest) for answer, _, _ in SERIES}
    other = Bar(t_plain(lang, "rekap.chart.other", count=len(rest)), summed)
    return [*ordered[:top], other]


def answers_chart(bars: Sequence[Bar], lang: str, *, title: str = "") -> bytes:
    """Stacked bars of answers by organization (the largest on top); returns PNG bytes."""
    heading = t_plain(lang, "rekap.chart.title")
    if title:
        heading += "\n" + textwrap.shorten(title, 70, placeholder="…").replace("$", r"\$")
    words = Words(
        title=heading,
        axis=t_plain(lang, "rekap.chart.axis"),
        empty=t_plain(lang, "rekap.chart.empty"),
        series=lambda answer: t_plain(lang, f"rekap.chart.{answer}"),
    )
    rows = [Row(bar.label, bar.counts) for bar in top_bars(bars, lang)]
    return stacked_bars(rows, SERIES, words)
