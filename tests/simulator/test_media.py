"""Tests for the simulator's recordings, clips and burnt-in clocks (real ffmpeg)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.alarmhub.panels.hub.clips import ClipJoinError, join_clips
from simulator import media
from simulator.media import (
    CLOCK_BITS,
    FONT_PACKAGE,
    STRIP_ROW_HEIGHT,
    ClipOutOfRange,
    ClockNotFound,
    MediaError,
    MissingDependency,
    VideoPattern,
    cut_clip,
    decode_clock_strip,
    make_recording,
    probe_duration,
    read_clock,
)

START = datetime(2026, 11, 27, 10, 6, 0, tzinfo=UTC)
RECORDING_SECONDS = 180
#: One GOP of a recording made with the defaults.
GOP = 1.0


def run[T](coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine on a fresh event loop."""
    return asyncio.run(coro)


def at(seconds: float) -> datetime:
    """Return the wall-clock time ``seconds`` into the recording."""
    return START + timedelta(seconds=seconds)


def leftovers(directory: Path) -> list[str]:
    """Return temporary files media.py may have left in ``directory``."""
    return sorted(
        path.name
        for path in directory.iterdir()
        if path.name.endswith(".part.mp4") or path.name.endswith(".ffconcat")
    )


def ffprobe(*args: str) -> str:
    """Run ffprobe and return its stdout."""
    return run(
        media._run(media.FFPROBE, "-v", "error", *args, capture_stdout=True)
    ).decode()


def creation_time(path: Path) -> str:
    """Return the container's creation_time tag."""
    return ffprobe(
        "-show_entries",
        "format_tags=creation_time",
        "-of",
        "default=nw=1:nk=1",
        str(path),
    ).strip()


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a 3-minute recording starting at START (made once per module)."""
    path = tmp_path_factory.mktemp("recording") / "rec.mp4"
    run(make_recording(path, START, RECORDING_SECONDS))
    return path


# --------------------------------------------------------------------------
# Recordings


def test_recording_duration_keyframes_and_metadata(recording: Path) -> None:
    assert run(probe_duration(recording)) == pytest.approx(RECORDING_SECONDS)
    flags = ffprobe(
        "-select_streams",
        "v",
        "-show_entries",
        "packet=flags",
        "-of",
        "csv=p=0",
        str(recording),
    ).split()
    assert len(flags) == RECORDING_SECONDS * 10
    keyframes = [index for index, flag in enumerate(flags) if flag.startswith("K")]
    assert keyframes == list(range(0, RECORDING_SECONDS * 10, 10))
    assert creation_time(recording).startswith("2026-11-27T10:06:00")
    assert leftovers(recording.parent) == []


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0, 0), (0.5, 0), (1.0, 1), (59.9, 59), (60.0, 60), (179.9, 179)],
)
def test_recording_clock(recording: Path, seconds: float, expected: int) -> None:
    assert run(read_clock(recording, seconds)) == at(expected)


def test_clock_text_escaping_renders_the_wall_clock() -> None:
    """The drawtext clock draws the same pixels as the literal time would.

    Compares rendered frames instead of reading the text back: the clock's
    ``%{pts:gmtime:...}`` text, 1.5 s into a clip starting 1.4 s before
    midnight on New Year's Eve (a fractional start, carrying into every
    field), must be drawn exactly like the literal ``2027-01-01 00:00:00``.
    """
    epoch = datetime(2026, 12, 31, 23, 59, 58, 600000, tzinfo=UTC).timestamp()
    font = media.FONT_PATH

    def frame(text: str, *, expand: bool) -> bytes:
        graph = (
            "color=c=gray:size=320x40:rate=10:duration=2,"
            + media._drawtext(text, font, 15, expand=expand)
            + ",trim=start_frame=15"
        )
        return run(
            media._run(
                media.FFMPEG,
                *media._COMMON_FFMPEG_ARGS,
                "-f",
                "lavfi",
                "-i",
                graph,
                "-frames:v",
                "1",
                "-pix_fmt",
                "gray",
                "-f",
                "rawvideo",
                "-",
                capture_stdout=True,
            )
        )

    clock = frame(media._clock_text(epoch), expand=True)
    assert len(clock) == 320 * 40
    assert clock == frame("2027-01-01 00:00:00", expand=False)
    # The comparison can tell one second from the next.
    assert clock != frame("2027-01-01 00:00:01", expand=False)


@pytest.mark.parametrize(
    "value", ["plain", r"a'b:c,d[e]f;g\h %{pts} =x 'q' \\: end", "/a b/c'd.ttf"]
)
def test_filter_option_escaping_round_trips(value: str) -> None:
    """A value survives both levels of filter graph unescaping unchanged."""
    graph = ",".join(
        (
            "color=size=32x32:rate=1:duration=1",
            media._filter("metadata", ("mode", "add"), ("key", "k"), ("value", value)),
            media._filter("metadata", ("mode", "print"), ("file", "pipe:1")),
        )
    )
    output = run(
        media._run(
            media.FFMPEG,
            *media._COMMON_FFMPEG_ARGS,
            "-f",
            "lavfi",
            "-i",
            graph,
            "-f",
            "null",
            "-",
            capture_stdout=True,
        )
    ).decode()
    assert f"k={value}\n" in output


def test_recording_in_another_time_zone_with_a_fractional_start(
    tmp_path: Path,
) -> None:
    """The machine clock is the instant, whatever zone the text is drawn in."""
    local = datetime(
        2026, 11, 27, 12, 6, 0, 600000, tzinfo=timezone(timedelta(hours=2))
    )
    path = tmp_path / "local.mp4"
    run(make_recording(path, local, 2, size="160x96", pattern=VideoPattern.TESTSRC2))
    # Frame t shows floor(start + t): 10:06:00.9, 10:06:01.1, 10:06:02.1.
    assert run(read_clock(path, 0.3)) == START
    assert run(read_clock(path, 0.5)) == START + timedelta(seconds=1)
    assert run(read_clock(path, 1.5)) == START + timedelta(seconds=2)


def test_make_recording_rejects_bad_arguments(tmp_path: Path) -> None:
    path = tmp_path / "bad.mp4"
    with pytest.raises(ValueError, match="timezone-aware"):
        run(make_recording(path, START.replace(tzinfo=None), 10))
    for size in ("320x181", "100x100", "big"):
        with pytest.raises(ValueError, match="size"):
            run(make_recording(path, START, 10, size=size))
    with pytest.raises(ValueError, match="seconds"):
        run(make_recording(path, START, 0))
    with pytest.raises(ValueError, match="fps"):
        run(make_recording(path, START, 10, fps=0))
    assert list(tmp_path.iterdir()) == []


def test_missing_font_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media, "FONT_PATH", tmp_path / "no-such-font.ttf")
    with pytest.raises(MissingDependency, match=FONT_PACKAGE):
        run(make_recording(tmp_path / "rec.mp4", START, 10))
    assert list(tmp_path.iterdir()) == []


def test_missing_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "FFMPEG", str(tmp_path / "no-ffmpeg"))
    with pytest.raises(MissingDependency, match="ffmpeg"):
        run(make_recording(tmp_path / "rec.mp4", START, 10))
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_reports_last_stderr_line(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as caught:
        run(make_recording(tmp_path / "missing-dir" / "rec.mp4", START, 2))
    error = caught.value
    assert error.returncode not in (None, 0)
    assert error.command[0] == media.FFMPEG
    last = error.stderr.strip().splitlines()[-1].strip()
    assert last in str(error)
    assert "No such file or directory" in str(error)


def test_cancelling_a_recording_kills_ffmpeg_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    processes: list[asyncio.subprocess.Process] = []
    spawn = asyncio.create_subprocess_exec

    async def spy(*args: Any, **kwargs: Any) -> asyncio.subprocess.Process:
        process = await spawn(*args, **kwargs)
        processes.append(process)
        return process

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
    part = tmp_path / "long.part.mp4"

    async def cancel_midway() -> None:
        task = asyncio.create_task(make_recording(tmp_path / "long.mp4", START, 3600))
        async with asyncio.timeout(60):  # a hang guard only
            while not part.exists():
                await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancel_midway())
    assert [process.returncode for process in processes] == [-9]
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# Cutting


def test_cut_clip(recording: Path, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    run(cut_clip(recording, START, at(60), 60, clip))
    assert run(probe_duration(clip)) == pytest.approx(60, abs=GOP)
    assert (
        run(read_clock(clip)) == at(60) == datetime(2026, 11, 27, 10, 7, 0, tzinfo=UTC)
    )
    assert run(read_clock(clip, 59.5)) == at(119)
    assert creation_time(clip).startswith("2026-11-27T10:07:00")
    assert leftovers(tmp_path) == []


def test_cut_between_keyframes_starts_on_the_keyframe_before(
    recording: Path, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    run(cut_clip(recording, START, at(60.5), 30, clip))
    # Stream copy cannot start between keyframes: the clip starts at the
    # keyframe of second 60 and still runs to 90.5 s.
    assert run(probe_duration(clip)) == pytest.approx(30.5, abs=0.01)
    assert run(read_clock(clip)) == at(60)


def test_cut_clip_out_of_range(recording: Path, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    with pytest.raises(ClipOutOfRange, match="before"):
        run(cut_clip(recording, START, at(-1), 30, clip))
    with pytest.raises(ClipOutOfRange, match="after the end"):
        run(cut_clip(recording, START, at(RECORDING_SECONDS - 29), 30, clip))
    assert issubclass(ClipOutOfRange, MediaError)
    assert issubclass(ClipOutOfRange, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_cut_clip_from_a_missing_source(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="No such file or directory"):
        run(cut_clip(tmp_path / "nope.mp4", START, at(0), 30, tmp_path / "c.mp4"))
    assert list(tmp_path.iterdir()) == []


def test_clock_does_not_depend_on_container_metadata(
    recording: Path, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    run(cut_clip(recording, START, at(60), 30, clip))
    stripped = tmp_path / "stripped.mp4"
    run(
        media._ffmpeg_into(
            stripped,
            "-i",
            str(clip),
            "-map_metadata",
            "-1",
            "-c",
            "copy",
            "-metadata",
            "creation_time=2000-01-01T00:00:00Z",
        )
    )
    assert creation_time(stripped).startswith("2000-01-01")
    assert run(read_clock(stripped)) == at(60)


def test_read_clock_without_a_strip(tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    run(
        media._ffmpeg_into(
            plain,
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=10:duration=1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        )
    )
    with pytest.raises(ClockNotFound):
        run(read_clock(plain))


def test_read_clock_past_the_end(recording: Path) -> None:
    with pytest.raises(MediaError, match="no frame"):
        run(read_clock(recording, RECORDING_SECONDS + 5))


# --------------------------------------------------------------------------
# Joining


# The simulator only cuts; joining pieces is the integration's job
# (hub/clips.join_clips), checked here against the simulator's real clips.


def test_join_clips(recording: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    run(cut_clip(recording, START, at(120), 30, first))
    run(cut_clip(recording, START, at(30), 30, second))
    joined = tmp_path / "joined.mp4"
    run(join_clips(media.FFMPEG, [first, second], joined))
    assert run(probe_duration(joined)) == pytest.approx(60, abs=GOP)
    assert run(read_clock(joined)) == at(120)
    assert run(read_clock(joined, 29.5)) == at(149)
    assert run(read_clock(joined, 30.5)) == at(30)
    assert run(read_clock(joined, 59.5)) == at(59)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.mp4",
        "b.mp4",
        "joined.mp4",
    ]


def test_join_failure_is_an_error_and_leaves_no_listing(
    recording: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.mp4"
    run(cut_clip(recording, START, at(0), 30, good))
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"not a video")
    # ffmpeg writes part of the output before it reaches the bad part; without
    # -xerror it would even exit 0.
    with pytest.raises(ClipJoinError, match="Invalid data"):
        run(join_clips(media.FFMPEG, [good, garbage], tmp_path / "joined.mp4"))
    assert not list(tmp_path.glob("*.ffconcat"))


def test_join_missing_part(tmp_path: Path) -> None:
    with pytest.raises(ClipJoinError):
        run(join_clips(media.FFMPEG, [tmp_path / "nope.mp4"], tmp_path / "joined.mp4"))
    with pytest.raises(ValueError, match="nothing"):
        run(join_clips(media.FFMPEG, [], tmp_path / "joined.mp4"))
    assert not list(tmp_path.glob("*.ffconcat"))


# --------------------------------------------------------------------------
# The strip decoder on synthetic frames


def strip_frame(value: int, width: int = 320, height: int = 180) -> bytearray:
    """Return a grey frame whose bottom rows carry ``value`` as a clock strip."""
    pixels = bytearray([128]) * (width * height)
    cell = width // CLOCK_BITS
    top = height - 2 * STRIP_ROW_HEIGHT
    for bit in range(CLOCK_BITS):
        on = value >> bit & 1
        for row in range(top, height):
            upper = row < top + STRIP_ROW_HEIGHT
            shade = 235 if on == upper else 16
            start = row * width + bit * cell
            pixels[start : start + cell] = bytes([shade]) * cell
    return pixels


@given(st.integers(min_value=0, max_value=2**CLOCK_BITS - 1))
def test_decode_clock_strip(value: int) -> None:
    assert decode_clock_strip(320, 180, bytes(strip_frame(value))) == value


def test_decode_clock_strip_rejects_a_flat_cell() -> None:
    pixels = strip_frame(1_800_000_000)
    top = 180 - 2 * STRIP_ROW_HEIGHT
    for row in range(top, 180):
        pixels[row * 320 + 50 : row * 320 + 60] = bytes([128]) * 10
    with pytest.raises(ClockNotFound, match="cell 5"):
        decode_clock_strip(320, 180, bytes(pixels))
