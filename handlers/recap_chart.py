"""The /rekap chart: answers by organization as stacked horizontal bars, a PNG for a phone.

Horizontal bars because organization names are long ("Dinas Pemberdayaan Masyarakat dan
Desa") and a phone is held upright: names are wrapped on the left, bars read left to right.
The largest organizations get a bar each; the rest are summed into one "lainnya" bar.

Matplotlib's object API (``Figure`` on the Agg canvas) is used, never pyplot: no display, no
global figure state, safe to call from a worker thread. It is imported on the first chart, not
with the handlers: the bot and every CLI command start without its import time.
"""

from __future__ import annotations

import io
import textwrap
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.i18n import t_plain

if TYPE_CHECKING:
    from matplotlib.axes import Axes

TOP = 15  # bars of their own; the rest go into "lainnya"
WRAP = 24  # characters per line of a name
NAME_LINES = 3
WIDTH_IN, DPI = 7.0, 130  # about 900 px wide: sharp on a phone, small on 2G
# (answer value, bar colour, number colour): Okabe-Ito colours, told apart by colour-blind
# readers too, and grey for no answer yet.
SERIES = (
    ("hadir", "#009E73", "white"),
    ("diwakilkan", "#0072B2", "white"),
    ("tidak_hadir", "#D55E00", "white"),
    ("pending", "#C8C8C8", "#222222"),
)
_LOCK = threading.Lock()  # one figure at a time: matplotlib's font machinery is shared


@dataclass(frozen=True)
class Bar:
    """One organization's answers: ``counts`` maps an answer value to a number of invitees."""

    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.get(answer, 0) for answer, _, _ in SERIES)


def wrap_label(name: str, width: int = WRAP, lines: int = NAME_LINES) -> str:
    """A name on at most ``lines`` lines of ``width`` characters, cut with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(name.split()), width=width, break_long_words=True) or ["-"]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    # A "$" pair would be read as mathtext by matplotlib: an organization name is plain text.
    return "\n".join(wrapped).replace("$", r"\$")


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
    shown = top_bars(bars, lang)
    labels = [wrap_label(bar.label) for bar in shown]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 1.9 + 0.42 * max(len(shown), 1) + 0.16 * max(lines - len(shown), 0)
    with _LOCK, warnings.catch_warnings():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        # A glyph the bundled font lacks (an emoji in a name) prints as a box, not an error.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        heading = t_plain(lang, "rekap.chart.title")
        if title:
            heading += "\n" + textwrap.shorten(title, 70, placeholder="…").replace("$", r"\$")
        axes.set_title(heading, fontsize=11, loc="left", fontweight="bold")
        if shown:
            _draw_bars(axes, shown, labels, lang)
            figure.legend(loc="outside lower center", ncols=4, fontsize=9, frameon=False)
        else:
            axes.set_axis_off()
            empty = t_plain(lang, "rekap.chart.empty")
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw_bars(axes: Axes, shown: list[Bar], labels: list[str], lang: str) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(shown)))
    left = [0] * len(shown)
    for answer, colour, ink in SERIES:
        values = [bar.counts.get(answer, 0) for bar in shown]
        label = t_plain(lang, f"rekap.chart.{answer}")
        drawn = axes.barh(positions, values, left=left, color=colour, label=label, height=0.7)
        numbers = [str(value) if value else "" for value in values]
        axes.bar_label(drawn, labels=numbers, label_type="center", fontsize=9, color=ink)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels=labels, fontsize=9)
    axes.invert_yaxis()  # the largest organization on top
    axes.set_xlabel(t_plain(lang, "rekap.chart.axis"), fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max([*left, 1]) * 1.02)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
