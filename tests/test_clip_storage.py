"""clip_storage.py: clip names, identifiers and titles (no path tricks)."""

from __future__ import annotations

import pytest

from custom_components.alarmhub.clip_storage import ClipLocation, clip_title

CLIP = "ah1000001/driveway_1/2026-09-21/driveway_1_14-00-00_300s.mp4"


def test_a_clip_identifier_round_trips() -> None:
    location = ClipLocation.parse(CLIP)
    assert location is not None
    assert location.identifier == CLIP
    assert location.media_source_id == f"media-source://alarmhub/{CLIP}"


@pytest.mark.parametrize(
    "identifier",
    [
        "ah1000001/driveway_1/2026-09-21/notes.txt",
        "ah1000001/driveway_1/2026-09-21/../../../etc",
        "ah1000001/driveway_1/21-09-2026/driveway_1_14-00-00_300s.mp4",
        "AH1000001/driveway_1/2026-09-21/driveway_1_14-00-00_300s.mp4",
        "ah1000001/driveway_1/driveway_1_14-00-00_300s.mp4",
    ],
)
def test_anything_else_is_not_a_clip(identifier: str) -> None:
    assert ClipLocation.parse(identifier) is None


def test_titles() -> None:
    assert clip_title("driveway_1_14-00-00_300s.mp4") == "14:00:00 (5 min)"
    # A file that is not one of our clips keeps its name.
    assert clip_title("holiday.mp4") == "holiday.mp4"
