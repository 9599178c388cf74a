"""is_faststart: whether a downloaded clip already has its index up front."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.alarmhub.panels.hub.clips import is_faststart


def box(kind: bytes, body: bytes = b"", *, large: bool = False) -> bytes:
    """Return one MP4 box (with a 64-bit size when ``large``)."""
    if large:
        return (1).to_bytes(4) + kind + (16 + len(body)).to_bytes(8) + body
    return (8 + len(body)).to_bytes(4) + kind + body


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            box(b"ftyp", b"isom") + box(b"moov", b"x" * 40) + box(b"mdat", b"y" * 99),
            True,
        ),
        (
            box(b"ftyp", b"isom") + box(b"mdat", b"y" * 99) + box(b"moov", b"x" * 40),
            False,
        ),
        (box(b"ftyp") + box(b"free") + box(b"moov", large=True) + box(b"mdat"), True),
        # A last box that runs to the end of the file (size 0).
        (box(b"ftyp") + (0).to_bytes(4) + b"moov" + b"x" * 30, True),
        (box(b"ftyp") + box(b"mdat", b"y" * 10), False),  # no index at all
        (box(b"ftyp") + (500).to_bytes(4) + b"moov", False),  # truncated
        ((3).to_bytes(4) + b"ftyp" + box(b"moov"), False),  # impossible size
        (b"", False),
        (b"not an mp4", False),
    ],
)
def test_is_faststart(tmp_path: Path, content: bytes, expected: bool) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    assert is_faststart(path) is expected
