"""`bench.scale` must keep running as the planners change: generate a tiny province, time one
tick of each piece, and print the table, the plans and the plot (no timings are asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import scale
from bench.scale_data import CLAIMABLE, DUE_ACTION_NUDGES, DUE_REMINDERS, DUE_RSVP_NUDGES


def test_a_tiny_province_is_generated_and_ticked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'scale.db'}"
    result = scale.run_size(url, "sqlite", 200, ticks=2, plans=True)

    assert result.generated is not None
    assert result.generated.counts["invitation"] == 200
    assert result.generated.counts["action"] == 200
    assert result.generated.counts["outboxmessage"] == 200
    # The same due set at every tick, each tick rolled back (measure checks the state).
    assert result.counts == {
        "meeting planner": DUE_REMINDERS + DUE_RSVP_NUDGES,
        "action planner": DUE_ACTION_NUDGES,
        "claim": CLAIMABLE,
    }
    assert all(len(seconds) == 2 for seconds in result.seconds.values())
    plans = capsys.readouterr().out
    for piece in ("meeting planner:", "action planner:", "claim:"):
        assert piece in plans
    assert "SEARCH outboxmessage" in plans  # each statement's plan is printed under it
    lines = scale.table([result])
    assert lines[-1].startswith("| 200 | ")
    assert len(lines[-1].split("|")) == 7  # N, three pieces, total

    plot = tmp_path / "scale.png"
    scale.plot([result], plot)
    assert plot.read_bytes().startswith(b"\x89PNG")
