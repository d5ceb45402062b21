"""The /rekap charts: answers as stacked horizontal bars, PNGs for a phone.

``kinds_chart`` is the chat's: one bar per kind of organization (OPD, Puskesmas, kecamatan,
desa, Posyandu), each drawn as 100% so the 60 Posyandu do not squash the 5 Puskesmas, narrow
and in large type so it reads at 360 px, and no title in the image (the caption carries it).
Drawing is shared with the /statusrtl chart (``handlers.charts``).
"""

from __future__ import annotations

from collections.abc import Sequence

from handlers.charts import Look, Row, Words, stacked_bars, wrap_label
from handlers.i18n import t_plain
from models.recap import KindLine

__all__ = ["kinds_chart", "wrap_label"]

# About 550 px wide in large type: a chat bubble shows it at about 270 px, where the
# names and numbers are still the size of the chat's text.
PHONE = Look(width_in=4.2, font=14, shares=True)

# (answer value, bar colour, number colour): Okabe-Ito colours, told apart by colour-blind
# readers too, and grey for no answer yet.
SERIES = (
    ("hadir", "#009E73", "white"),
    ("diwakilkan", "#0072B2", "white"),
    ("tidak_hadir", "#D55E00", "white"),
    ("pending", "#C8C8C8", "#222222"),
)


def kinds_chart(lines: Sequence[KindLine], lang: str) -> bytes:
    """Answers per kind of organization, each bar 100%, its counts written on it; PNG bytes."""
    words = Words(
        title="",
        axis=t_plain(lang, "rekap.chart.share_axis"),
        empty=t_plain(lang, "rekap.chart.empty"),
        series=lambda answer: t_plain(lang, f"rekap.chart.{answer}"),
    )
    rows = [
        Row(t_plain(lang, f"rekap.kind_chart.{line.kind}", count=line.invited), line.counts)
        for line in lines
    ]
    return stacked_bars(rows, SERIES, words, PHONE)
