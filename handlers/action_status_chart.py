"""The /statusrtl chart: follow-up actions by organization as stacked horizontal bars (PNG).

Drawn by ``handlers.charts``, as the /rekap chart.
One bar per owner organization in the order given (the status view puts the most overdue
first), the four statuses stacked; an organization with overdue actions gets its count written
at the end of its bar. After ``TOP`` bars the rest are summed into one "lainnya" bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.charts import Row, Words, stacked_bars
from handlers.i18n import t_plain
from models.action_status import OrgSummary

TOP = 15  # bars of their own; the rest go into "lainnya"
# (status value, bar colour, number colour): Okabe-Ito colours, as the /rekap chart.
SERIES = (
    ("belum_mulai", "#C8C8C8", "#222222"),
    ("sedang_berjalan", "#0072B2", "white"),
    ("selesai", "#009E73", "white"),
    ("terkendala", "#D55E00", "white"),
)


@dataclass(frozen=True)
class StatusBar:
    label: str
    counts: dict[str, int]  # status value -> actions
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.counts.get(status, 0) for status, _, _ in SERIES)


def status_bars(summaries: Sequence[OrgSummary], lang: str, top: int = TOP) -> list[StatusBar]:
    """The first ``top`` organizations (in the given order), then one bar summing the others."""
    bars = [StatusBar(line.name, dict(line.counts), line.overdue) for line in summaries]
    if len(bars) <= top + 1:  # one "lainnya" bar for a single organization hides a name
        return bars
    rest = bars[top:]
    summed = {status: sum(bar.counts.get(status, 0) for bar in rest) for status, _, _ in SERIES}
    other = StatusBar(
        t_plain(lang, "statusrtl.chart.other", count=len(rest)),
        summed,
        sum(bar.overdue for bar in rest),
    )
    return [*bars[:top], other]


def status_chart(summaries: Sequence[OrgSummary], lang: str) -> bytes:
    """Stacked bars of actions by status per organization (the first on top); PNG bytes."""
    words = Words(
        title=t_plain(lang, "statusrtl.chart.title"),
        axis=t_plain(lang, "statusrtl.chart.axis"),
        empty=t_plain(lang, "statusrtl.chart.empty"),
        series=lambda status: t_plain(lang, f"rtl.status.{status}"),
    )
    rows = [
        Row(
            bar.label,
            bar.counts,
            t_plain(lang, "statusrtl.chart.overdue", count=bar.overdue) if bar.overdue else "",
        )
        for bar in status_bars(summaries, lang)
    ]
    return stacked_bars(rows, SERIES, words)
