"""Stacked horizontal bar charts as PNG for a phone: the /rekap and /statusrtl charts.

Horizontal bars because organization names are long ("Dinas Pemberdayaan Masyarakat dan
Desa") and a phone is held upright: names are wrapped on the left, bars read left to right.
Matplotlib's object API (``Figure`` on the Agg canvas) is used, never pyplot: no display, no
global figure state, safe to call from a worker thread. It is imported on the first chart, not
with the handlers: the bot and every CLI command start without its import time.
"""

from __future__ import annotations

import io
import textwrap
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WRAP = 24  # characters per line of a name
NAME_LINES = 3
WIDTH_IN, DPI = 7.0, 130  # about 900 px wide: sharp on a phone, small on 2G
NOTE_INK = "#B00020"
_LOCK = threading.Lock()  # one figure at a time: matplotlib's font machinery is shared

# (series value, bar colour, number colour)
Series = Sequence[tuple[str, str, str]]


@dataclass(frozen=True)
class Row:
    """One bar: its wrapped label, a count per series value, and an optional note at its end."""

    label: str
    counts: dict[str, int]
    note: str = ""


@dataclass(frozen=True)
class Words:
    """The chart's texts, already in the reader's language."""

    title: str
    axis: str
    empty: str
    series: Callable[[str], str]  # series value -> legend label


def wrap_label(name: str, width: int = WRAP, lines: int = NAME_LINES) -> str:
    """A name on at most ``lines`` lines of ``width`` characters, cut with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(name.split()), width=width, break_long_words=True) or ["-"]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    # A "$" pair would be read as mathtext by matplotlib: an organization name is plain text.
    return "\n".join(wrapped).replace("$", r"\$")


@dataclass(frozen=True)
class Look:
    """How big the chart is drawn. ``shares`` draws every bar as 100% (its counts still written
    on it), so no large row sets the scale and squeezes the others."""

    width_in: float = WIDTH_IN
    font: float = 9
    shares: bool = False


SHARE_LABEL_MIN = 7.0  # per cent: a thinner segment has no room for its number


def stacked_bars(rows: Sequence[Row], series: Series, words: Words, look: Look = Look()) -> bytes:
    """The rows as stacked horizontal bars, the first on top; PNG bytes."""
    labels = [wrap_label(row.label) for row in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    scale = look.font / 9
    height = scale * (1.9 + 0.42 * max(len(rows), 1) + 0.16 * max(lines - len(rows), 0))
    if not words.title:
        height -= scale * 0.3
    font = look.font
    with _LOCK, warnings.catch_warnings():
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        # A glyph the bundled font lacks (an emoji in a name) prints as a box, not an error.
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        figure = Figure(figsize=(look.width_in, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if words.title:
            axes.set_title(words.title, fontsize=font + 2, loc="left", fontweight="bold")
        if not rows:
            axes.set_axis_off()
            axes.text(0.5, 0.5, words.empty, ha="center", va="center", transform=axes.transAxes)
        else:
            positions = list(range(len(rows)))
            left: list[float] = [0.0] * len(rows)
            totals = [sum(row.counts.get(value, 0) for value, _, _ in series) for row in rows]
            for value, colour, ink in series:
                counts = [row.counts.get(value, 0) for row in rows]
                widths: list[float] = list(counts)
                if look.shares:
                    widths = [
                        100 * c / total if total else 0
                        for c, total in zip(counts, totals, strict=True)
                    ]
                drawn = axes.barh(
                    positions,
                    widths,
                    left=left,
                    color=colour,
                    label=words.series(value),
                    height=0.7,
                )
                roomy = [not look.shares or width >= SHARE_LABEL_MIN for width in widths]
                numbers = [
                    str(c) if c and room else "" for c, room in zip(counts, roomy, strict=True)
                ]
                axes.bar_label(drawn, labels=numbers, label_type="center", fontsize=font, color=ink)
                left = [a + b for a, b in zip(left, widths, strict=True)]
            widest = max([*left, 1])
            for position, row, end in zip(positions, rows, left, strict=True):
                if row.note:
                    axes.text(
                        end + widest * 0.01,
                        position,
                        row.note,
                        va="center",
                        fontsize=font - 1,
                        color=NOTE_INK,
                        fontweight="bold",
                    )
            axes.set_yticks(positions, labels=labels, fontsize=font)
            axes.invert_yaxis()  # the first row on top
            axes.set_xlabel(words.axis, fontsize=font)
            axes.tick_params(axis="x", labelsize=font)
            if look.shares:
                axes.set_xticks([0, 25, 50, 75, 100])
                axes.set_xlim(0, 100)
            else:
                axes.xaxis.set_major_locator(MaxNLocator(integer=True))
                # Room on the right for the notes.
                axes.set_xlim(0, widest * (1.25 if any(row.note for row in rows) else 1.02))
            axes.spines[["top", "right"]].set_visible(False)
            axes.grid(axis="x", alpha=0.3)
            axes.set_axisbelow(True)
            columns = 4 if look.width_in >= WIDTH_IN else 2  # a narrow chart: two rows of legend
            figure.legend(loc="outside lower center", ncols=columns, fontsize=font, frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
