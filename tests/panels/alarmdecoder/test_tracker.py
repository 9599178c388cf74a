"""The zone tracker on the library's own fault-cycle sequences.

Sequences from nutechsoftware/alarmdecoder ``test/test_zonetracking.py``
(``FAULT n`` lines with those zone numbers) and ``test/test_ad2.py``.
"""

from __future__ import annotations

import pytest

from custom_components.alarmhub.panels.alarmdecoder.messages import (
    KeypadMessage,
    parse_line,
)
from custom_components.alarmhub.panels.alarmdecoder.tracker import ZoneTracker

from . import lines as L


def fault(zone: int) -> KeypadMessage:
    msg = parse_line(L.with_text(L.FAULT_03, f"FAULT {zone}", f"{zone:03d}"))
    assert isinstance(msg, KeypadMessage)
    return msg


@pytest.mark.parametrize(
    ("cycle", "still_open"),
    [
        ([3, 4, 5, 4], {4, 5}),  # test_zone_fault_and_restore
        ([1, 2, 1, 1], {1}),  # test_zone_restore_skip
        ([1, 4, 3, 4], {1, 3, 4}),  # test_zone_out_of_order_fault
        ([1, 4, 2, 4, 4], {4}),  # test_zone_multi_zone_skip_restore
    ],
)
def test_library_cycles(cycle: list[int], still_open: set[int]) -> None:
    tracker = ZoneTracker(lambda: 0.0)
    for zone in cycle:
        tracker.keypad(fault(zone))
    assert tracker.open_zones == still_open


def test_expired_place_in_cycle_is_forgotten() -> None:
    now = [0.0]
    tracker = ZoneTracker(lambda: now[0], expire=10)
    tracker.keypad(fault(2))
    now[0] = 11
    tracker.keypad(fault(7))
    assert tracker.open_zones == {7}
    tracker.keypad(fault(7))
    assert tracker.open_zones == {7}
    tracker.report(7, False)
    assert tracker.open_zones == set()
