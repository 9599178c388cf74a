"""Figure 7: a 15-minute clip download (needs issue 4: recorders and clips)."""

from __future__ import annotations

import importlib.util

from .report import NOT_LANDED, Row

FIGURE = "15-minute clip download"


def landed() -> bool:
    """Return True once the simulator serves recordings and HA exports clips."""
    return (
        importlib.util.find_spec("simulator.recorders") is not None
        and importlib.util.find_spec("custom_components.alarmhub.camera") is not None
    )


async def measure(quick: bool) -> list[Row]:
    """Report the figure as not landed until the feature is there."""
    del quick
    return [
        Row(
            figure=FIGURE,
            value=NOT_LANDED if not landed() else "n/a (bench not written yet)",
            goal="<= 1.1x ffmpeg -c copy; peak RSS +<= 20 MiB",
        )
    ]
