"""The simulator's video side: recordings, clips and their burnt-in clock.

A simulated Stream Video Recorder keeps continuous recordings on disk and
serves clips cut out of them. Everything here runs the ``ffmpeg`` and
``ffprobe`` binaries with :func:`asyncio.create_subprocess_exec` (never a
shell); a failure raises :class:`MediaError` carrying the last line ffmpeg
wrote to stderr.

Recordings are real H.264 MP4 files (libx264, yuv420p, closed GOPs of exactly
``gop_seconds`` so every whole second starts with a keyframe) showing a test
pattern with two clocks on it:

* a human-readable one, ``YYYY-MM-DD HH:MM:SS``, drawn with ``drawtext`` in
  the top-left corner, in the time zone of the ``start`` given;
* a machine-readable one along the bottom edge: :data:`CLOCK_BITS` cells, each
  :data:`STRIP_ROW_HEIGHT` * 2 pixels high. Cell ``k`` of the upper row is white
  when bit ``k`` (least significant on the left) of the Unix time of the
  frame, ``floor(epoch + t)``, is set, and the lower row holds the inverse.

:func:`read_clock` decodes one frame as grey pixels and reads the strip back,
so a clip's time can be checked without OCR and without trusting container
metadata: the upper and lower row of every cell must disagree clearly, or the
frame carries no strip (:class:`ClockNotFound`). Both clocks come from the
same frame timestamp, so they always agree.

Clips are cut by stream copy (and joined, on the integration's side, by
``hub/clips.join_clips``), so they start on a keyframe: the
last one at or before the requested time, which with 1 s GOPs and a
whole-second request is the requested time exactly. Every output is written to
a ``<name>.part.mp4`` file next to it first and renamed into place when
ffmpeg succeeded, so nobody ever sees half a file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import contextlib
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
import re
from typing import Final

#: The ffmpeg and ffprobe programs, looked up on ``PATH``.
FFMPEG: str = "ffmpeg"
FFPROBE: str = "ffprobe"
#: The monospaced font the human-readable clock is drawn with.
FONT_PATH: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
#: The Debian package that provides :data:`FONT_PATH`.
FONT_PACKAGE: Final = "fonts-dejavu-core"

#: Bits of Unix time in the machine-readable clock (enough until 2106).
CLOCK_BITS: Final = 32
#: Height in pixels of each of the strip's two rows.
STRIP_ROW_HEIGHT: Final = 8
#: Smallest frame the strip and the text fit on.
MIN_WIDTH: Final = CLOCK_BITS * 4
MIN_HEIGHT: Final = 96
#: How far apart (0-255 grey) a cell's two rows must be to count as a bit.
_MIN_CONTRAST: Final = 64

_COMMON_FFMPEG_ARGS: Final = (
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-loglevel",
    "error",
    # Stop at the first read error: without it ffmpeg may exit 0 on a damaged
    # input, leaving a truncated output.
    "-xerror",
    "-y",
)
#: Characters escaped in a filter's option value, and in a graph's filter.
_OPTION_SPECIALS: Final = "\\':"
_GRAPH_SPECIALS: Final = "\\'[],;"
_SIZE_RE: Final = re.compile(r"(\d+)x(\d+)")
_PGM_HEADER_RE: Final = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s")


class MediaError(RuntimeError):
    """ffmpeg or ffprobe failed, or a file does not hold what it should."""

    def __init__(
        self,
        message: str,
        *,
        command: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
    ) -> None:
        """Record the failing command, its exit status and its stderr."""
        super().__init__(message)
        self.command = tuple(command)
        self.returncode = returncode
        self.stderr = stderr


class MissingDependency(MediaError):
    """A program or font the simulator needs is not installed."""


class ClockNotFound(MediaError):
    """A frame does not carry a readable machine clock strip."""


class ClipOutOfRange(MediaError, ValueError):
    """A clip was asked for outside the recording it is cut from."""


class VideoPattern(StrEnum):
    """The lavfi test source a recording shows under its clocks.

    ``smptebars`` is still, so it encodes small and fast; ``testsrc2`` moves
    and is about ten times larger.
    """

    SMPTEBARS = "smptebars"
    TESTSRC2 = "testsrc2"


# --------------------------------------------------------------------------
# Subprocesses


async def _run(*command: str, capture_stdout: bool = False) -> bytes:
    """Run ``command``; return its stdout (if captured) or raise MediaError.

    The process is killed if the calling task is cancelled.
    """
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE
            if capture_stdout
            else asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as err:
        raise MissingDependency(
            f"cannot run {command[0]!r} ({err.strerror}); install the 'ffmpeg' package",
            command=command,
        ) from err
    try:
        stdout, stderr_bytes = await process.communicate()
    except BaseException:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        raise
    if process.returncode:
        stderr = stderr_bytes.decode(errors="replace")
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        last = lines[-1] if lines else "(no output on stderr)"
        raise MediaError(
            f"{Path(command[0]).name} exited with status {process.returncode}: {last}",
            command=command,
            returncode=process.returncode,
            stderr=stderr,
        )
    return stdout or b""


async def _ffmpeg_into(dest: Path, *args: str) -> None:
    """Run ffmpeg with ``args`` writing an MP4 to ``dest`` via a temp file."""
    part = dest.with_suffix(".part.mp4")
    try:
        await _run(FFMPEG, *_COMMON_FFMPEG_ARGS, *args, "-f", "mp4", str(part))
        part.replace(dest)
    except BaseException:
        _remove(part)
        raise


# --------------------------------------------------------------------------
# Filter graphs


def _escape(value: str, specials: str) -> str:
    return "".join(f"\\{char}" if char in specials else char for char in value)


def _filter(name: str, *options: tuple[str, object]) -> str:
    r"""Return one filter of a filter graph, its option values escaped.

    ffmpeg unescapes twice before a filter sees a value: once splitting the
    graph into filters (``\ ' [ ] , ;``) and once splitting a filter's
    options (``\ ' :``). drawtext's own ``%{...}`` expansion is a third
    level, which callers handle in the value they pass.
    """
    if not options:
        return name
    args = ":".join(
        f"{key}={_escape(str(value), _OPTION_SPECIALS)}" for key, value in options
    )
    return f"{name}={_escape(args, _GRAPH_SPECIALS)}"


def _clock_text(text_epoch: float) -> str:
    r"""Return drawtext's text showing ``text_epoch + t`` as a wall clock.

    This is the value drawtext itself expands,
    ``%{pts:gmtime:EPOCH:%Y-%m-%d %H\:%M\:%S}`` (the colons in the time
    format escaped from the function's argument splitting). After the two
    levels of :func:`_filter` it is equivalent to writing
    ``text='%{pts\:gmtime\:EPOCH\:%Y-%m-%d %H\\\:%M\\\:%S}'`` in a graph.
    """
    return f"%{{pts:gmtime:{text_epoch:.6f}:%Y-%m-%d %H\\:%M\\:%S}}"


def _drawtext(text: str, font: Path, fontsize: int, *, expand: bool = True) -> str:
    """Return the drawtext filter of the human-readable clock's box."""
    return _filter(
        "drawtext",
        ("fontfile", font),
        ("fontsize", fontsize),
        ("fontcolor", "white"),
        ("box", 1),
        ("boxcolor", "black@0.6"),
        ("boxborderw", 2),
        ("x", 4),
        ("y", 4),
        ("expansion", "normal" if expand else "none"),
        ("text", text),
    )


def _strip_chain(epoch: float, seconds: int, fps: int, width: int) -> str:
    """Return the filter chain that draws the machine clock strip.

    The bits are computed by ``geq`` on a tiny ``CLOCK_BITS`` x 2 picture (one
    pixel per cell, so the expression is cheap) and blown up to cells.
    """
    bit = f"mod(floor(floor({epoch:.6f}+T)/pow(2,X)),2)"
    cell = width // CLOCK_BITS
    return ",".join(
        (
            _filter(
                "color",
                ("c", "black"),
                ("size", f"{CLOCK_BITS}x2"),
                ("rate", fps),
                ("duration", seconds),
            ),
            "format=gray",
            _filter("geq", ("lum", f"255*if(eq(Y,0),{bit},1-{bit})")),
            _filter(
                "scale",
                ("w", CLOCK_BITS * cell),
                ("h", 2 * STRIP_ROW_HEIGHT),
                ("flags", "neighbor"),
            ),
            "format=yuv420p",
        )
    )


def _parse_size(size: str) -> tuple[int, int]:
    match = _SIZE_RE.fullmatch(size)
    if match is None:
        raise ValueError(f"size must look like '320x180', not {size!r}")
    width, height = int(match[1]), int(match[2])
    if width % 2 or height % 2 or width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValueError(
            f"size must be even and at least {MIN_WIDTH}x{MIN_HEIGHT}, not {size!r}"
        )
    return width, height


def _epoch(moment: datetime, name: str) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.timestamp()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _seconds(value: float) -> str:
    return f"{value:.6f}"


# --------------------------------------------------------------------------
# Public API


async def make_recording(
    path: Path,
    start: datetime,
    seconds: int,
    *,
    fps: int = 10,
    size: str = "320x180",
    gop_seconds: int = 1,
    pattern: VideoPattern = VideoPattern.SMPTEBARS,
) -> None:
    """Write a recording of ``seconds`` seconds starting at ``start`` to ``path``.

    The video is H.264 (libx264 ultrafast, yuv420p) in an MP4 with the index
    up front, with a keyframe every ``gop_seconds`` exactly and no B-frames.
    Frame ``t`` seconds in shows ``start + t`` both as text (in ``start``'s
    time zone, at its UTC offset when the recording starts) and as the
    machine clock strip that :func:`read_clock` reads. The container's
    ``creation_time`` is ``start`` as well, but nothing here relies on it.

    Raises :class:`MissingDependency` when ffmpeg or the font
    (:data:`FONT_PACKAGE`) is not installed, :class:`MediaError` when ffmpeg
    fails and :class:`ValueError` for bad arguments.
    """
    epoch = _epoch(start, "start")
    width, height = _parse_size(size)
    if type(seconds) is not int or seconds <= 0:
        raise ValueError(f"seconds must be a positive integer, not {seconds!r}")
    if type(fps) is not int or not 1 <= fps <= 60:
        raise ValueError(f"fps must be an integer from 1 to 60, not {fps!r}")
    if type(gop_seconds) is not int or gop_seconds <= 0:
        raise ValueError(f"gop_seconds must be a positive integer, not {gop_seconds!r}")
    if not 0 <= epoch < 2**CLOCK_BITS - seconds:
        raise ValueError(f"start {start} is outside the clock's range")
    font = FONT_PATH
    if not font.is_file():
        raise MissingDependency(
            f"font {font} not found; install it with "
            f"'apt-get install -y {FONT_PACKAGE}'"
        )
    offset = start.utcoffset() or timedelta()
    gop = fps * gop_seconds
    graph = ";".join(
        (
            _filter(
                str(VideoPattern(pattern)),
                ("size", f"{width}x{height}"),
                ("rate", fps),
                ("duration", seconds),
            )
            + ",format=yuv420p[bg]",
            _strip_chain(epoch, seconds, fps, width) + "[strip]",
            "[bg][strip]"
            + _filter("overlay", ("x", 0), ("y", "H-h"))
            + ","
            + _drawtext(_clock_text(epoch + offset.total_seconds()), font, height // 12)
            + ",format=yuv420p[v]",
        )
    )
    await _ffmpeg_into(
        path,
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-g",
        str(gop),
        "-keyint_min",
        str(gop),
        "-sc_threshold",
        "0",
        "-bf",
        "0",
        "-metadata",
        f"creation_time={_iso(start)}",
        "-movflags",
        "+faststart",
    )


async def probe_duration(path: Path) -> float:
    """Return the duration of the media file at ``path`` in seconds."""
    output = await _run(
        FFPROBE,
        "-hide_banner",
        "-loglevel",
        "error",
        "-show_entries",
        "format=duration",
        "-of",
        "default=noprint_wrappers=1:nokey=1",
        str(path),
        capture_stdout=True,
    )
    text = output.decode(errors="replace").strip()
    try:
        return float(text)
    except ValueError:
        raise MediaError(f"{path} has no duration (ffprobe said {text!r})") from None


async def cut_clip(
    source: Path,
    source_start: datetime,
    clip_start: datetime,
    seconds: int,
    dest: Path,
    *,
    faststart: bool = True,
) -> None:
    """Cut ``seconds`` seconds from ``clip_start`` out of ``source`` into ``dest``.

    ``source`` is a recording that starts at ``source_start``. The streams are
    copied, not re-encoded, so the clip starts at the last keyframe at or
    before ``clip_start`` (the exact time for a whole-second start in a
    recording from :func:`make_recording` with 1 s GOPs) and its timestamps
    start at zero. Its ``creation_time`` is ``clip_start``. Its index comes
    before the media, unless ``faststart`` is False (after it, as many
    recorders write their files).

    Raises :class:`ClipOutOfRange` when the clip is not inside the recording.
    """
    offset = (clip_start - source_start).total_seconds()
    if type(seconds) is not int or seconds <= 0:
        raise ValueError(f"seconds must be a positive integer, not {seconds!r}")
    _epoch(clip_start, "clip_start")
    if offset < 0:
        raise ClipOutOfRange(f"the clip starts {-offset:g} s before {source}")
    duration = await probe_duration(source)
    if offset + seconds > duration + 0.001:
        raise ClipOutOfRange(
            f"the clip ends {offset + seconds - duration:g} s after the end of {source}"
        )
    await _ffmpeg_into(
        dest,
        "-ss",
        _seconds(offset),
        "-t",
        str(seconds),
        "-i",
        str(source),
        "-map",
        "0:v",
        "-map",
        "0:a?",
        "-c",
        "copy",
        # Start the copy at the keyframe itself rather than hiding the frames
        # before clip_start behind an edit list, which the concat demuxer (and
        # some players) get wrong.
        "-avoid_negative_ts",
        "make_zero",
        "-metadata",
        f"creation_time={_iso(clip_start)}",
        *(("-movflags", "+faststart") if faststart else ()),
    )


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    match = _PGM_HEADER_RE.match(data)
    if match is None or match[3] != b"255":
        raise MediaError("ffmpeg did not return an 8-bit PGM frame")
    width, height = int(match[1]), int(match[2])
    pixels = data[match.end() : match.end() + width * height]
    if len(pixels) != width * height:
        raise MediaError("ffmpeg returned a truncated frame")
    return width, height, pixels


def _mean(pixels: bytes, width: int, rows: range, columns: range) -> float:
    total = sum(
        sum(pixels[row * width + columns.start : row * width + columns.stop])
        for row in rows
    )
    return total / (len(rows) * len(columns))


def decode_clock_strip(width: int, height: int, pixels: bytes) -> int:
    """Return the Unix time in the clock strip of a grey frame.

    ``pixels`` is the frame, one byte per pixel, row by row. Raises
    :class:`ClockNotFound` when any cell's two rows do not clearly disagree.
    """
    cell = width // CLOCK_BITS
    if cell < 4 or height < 2 * STRIP_ROW_HEIGHT:
        raise ClockNotFound(f"a {width}x{height} frame is too small for a clock strip")
    # Sample the middle of every cell, away from edges blurred by the codec.
    margin_x, margin_y = cell // 4, STRIP_ROW_HEIGHT // 4
    upper_top = height - 2 * STRIP_ROW_HEIGHT
    upper = range(upper_top + margin_y, upper_top + STRIP_ROW_HEIGHT - margin_y)
    lower = range(upper.start + STRIP_ROW_HEIGHT, upper.stop + STRIP_ROW_HEIGHT)
    value = 0
    for bit in range(CLOCK_BITS):
        columns = range(bit * cell + margin_x, (bit + 1) * cell - margin_x)
        contrast = _mean(pixels, width, upper, columns) - _mean(
            pixels, width, lower, columns
        )
        if abs(contrast) < _MIN_CONTRAST:
            raise ClockNotFound(f"clock strip cell {bit} is unreadable")
        if contrast > 0:
            value |= 1 << bit
    return value


async def read_clock(path: Path, at_seconds: float = 0.5) -> datetime:
    """Return the time the machine clock strip shows ``at_seconds`` into ``path``.

    The frame is decoded to grey pixels and the strip read back, so the answer
    does not depend on container metadata. The result is UTC, to the second.
    Raises :class:`ClockNotFound` when the frame has no strip and
    :class:`MediaError` when there is no frame at ``at_seconds``.
    """
    if at_seconds < 0:
        raise ValueError(f"at_seconds must not be negative, not {at_seconds!r}")
    data = await _run(
        FFMPEG,
        *_COMMON_FFMPEG_ARGS,
        "-ss",
        _seconds(at_seconds),
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-frames:v",
        "1",
        "-pix_fmt",
        "gray",
        "-c:v",
        "pgm",
        "-f",
        "image2pipe",
        "-",
        capture_stdout=True,
    )
    if not data:
        raise MediaError(f"{path} has no frame at {at_seconds:g} s")
    width, height, pixels = _parse_pgm(data)
    return datetime.fromtimestamp(decode_clock_strip(width, height, pixels), UTC)
