"""The /statusrtl chart: follow-up actions by organization as stacked horizontal bars (PNG).

Drawn like the /rekap chart (``handlers.recap_chart``): matplotlib's object API on the Agg
canvas, never pyplot, imported on the first chart, one figure at a time under the same lock.
One bar per owner organization in the order given (the status view puts the most overdue
first), the four statuses stacked; an organization with overdue actions gets its count written
at the end of its bar. After ``TOP`` bars the rest are summed into one "lainnya" bar.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.i18n import t_plain
from handlers.recap_chart import _LOCK, wrap_label
from models.action_status import OrgSummary

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TOP = 15  # bars of their own; the rest go into "lainnya"
WIDTH_IN, DPI = 7.0, 130  # as the /rekap chart: about 900 px wide
OVERDUE_INK = "#B00020"
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
    shown = status_bars(summaries, lang)
    labels = [wrap_label(bar.label) for bar in shown]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 1.9 + 0.42 * max(len(shown), 1) + 0.16 * max(lines - len(shown), 0)
    with _LOCK, warnings.catch_warnings():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        heading = t_plain(lang, "statusrtl.chart.title")
        axes.set_title(heading, fontsize=11, loc="left", fontweight="bold")
        if shown:
            _draw_bars(axes, shown, labels, lang)
            figure.legend(loc="outside lower center", ncols=4, fontsize=9, frameon=False)
        else:
            axes.set_axis_off()
            empty = t_plain(lang, "statusrtl.chart.empty")
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_bars(axes: Axes, shown: list[StatusBar], labels: list[str], lang: str) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(shown)))
    left = [0] * len(shown)
    for status, colour, ink in SERIES:
        values = [bar.counts.get(status, 0) for bar in shown]
        label = t_plain(lang, f"rtl.status.{status}")
        drawn = axes.barh(positions, values, left=left, color=colour, label=label, height=0.7)
        numbers = [str(value) if value else "" for value in values]
        axes.bar_label(drawn, labels=numbers, label_type="center", fontsize=9, color=ink)
        left = [a + b for a, b in zip(left, values, strict=True)]
    widest = max([*left, 1])
    for position, bar, end in zip(positions, shown, left, strict=True):
        if bar.overdue:
            note = t_plain(lang, "statusrtl.chart.overdue", count=bar.overdue)
            axes.text(
                end + widest * 0.01,
                position,
                note,
                va="center",
                fontsize=8,
                color=OVERDUE_INK,
                fontweight="bold",
            )
    axes.set_yticks(positions, labels=labels, fontsize=9)
    axes.invert_yaxis()  # the first organization (the most overdue) on top
    axes.set_xlabel(t_plain(lang, "statusrtl.chart.axis"), fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Room on the right for the "n terlambat" notes.
    room = 1.25 if any(bar.overdue for bar in shown) else 1.02
    axes.set_xlim(0, widest * room)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
