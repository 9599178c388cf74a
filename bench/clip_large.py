"""Figure 7b: a 15-minute clip from a realistic recording (1080p, ~4 Mbit/s).

The small-recording figure (:mod:`bench.clip_download`, 320x180 at 10 fps:
4.9 MiB for 15 minutes) measures two ffmpeg start-ups. This one gives the
recorders a recording the size a real camera makes: 1080p25 H.264 at
~4 Mbit/s, so the 15-minute clip is ~440 MiB and the figure is about moving
and writing that many bytes.

The recording is made once and cached outside the repository
(``$XDG_CACHE_HOME/alarmhub-bench/``, by default ``~/.cache/alarmhub-bench/``)
with Debian's ffmpeg, cheaply: a 20 s segment is encoded (libx264
``ultrafast``, 4 Mbit/s CBR, 1 s closed GOPs, no B-frames, ``testsrc2`` with
temporal noise so it does not compress below the rate, like a sensor's
noise), then the concat demuxer repeats it by stream copy to 20 minutes (the
recorders' window). About 10 s of CPU once; delete the folder to make it
again.

Measured, alternating, after a warm-up round:

* **export**: ``alarmhub.export_clip`` (download, 900 s) end to end: the hub
  cuts the clip (its own ffmpeg stream copy), HA fetches it over loopback HTTP
  and keeps it in the media folder.
* **baseline**: the same work without HA: the hub's own cut (the same
  ``clip_download`` command, run inside the simulator) plus a plain
  ``curl -o`` of that clip over loopback HTTP into the same folder. The goal:
  export <= 1.1x baseline (medians).
* **bytes written**: ``/proc/self/io`` around each export, which the kernel
  keeps for every thread of the process plus the children it reaped meanwhile
  (an ffmpeg HA runs to join or rewrite a clip). Judged: ``wchar``, the bytes
  handed to ``write()`` (sockets too: a few KiB of requests). Printed beside
  it: ``write_bytes``, the pages dirtied for the disk, which does not see a
  second pass over pages still dirty (ffmpeg's ``+faststart`` rewrite of a
  440 MiB clip: ``wchar`` 2.0x, ``write_bytes`` 1.0x). Goal <= 1.05x the
  clip: written once, no second pass. curl's figures by the same counters
  check the method.
* **peak RSS growth** of the HA process during each export: the kernel's
  high-water mark (``VmHWM`` of ``/proc/self/status``), reset just before the
  export (``5`` written to ``/proc/self/clear_refs``), minus the RSS then.
  Exact, and without the 2 ms sampling thread of the small figure, whose GIL
  wake-ups would slow the export it measures. Goal <= 20 MiB.
* **aiohttp alone** (contrast): after each pair, the hub cuts the clip once
  more and HA's own aiohttp session GETs it in HA's loop, with the
  integration's read size and chunks, discarding the bytes: the floor of any
  download through aiohttp here, nothing written.
* **CPU**: ``time.process_time()`` of the HA process (every thread) around the
  export, and curl's user + system time, to say where the wall time goes on
  a shared 2-CPU machine.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import os
from pathlib import Path
import resource
import tempfile
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from custom_components.alarmhub.panels.hub.clips import CHUNK
from custom_components.alarmhub.panels.hub.transports import HTTP_READ_BUFSIZE

from .clip_download import LENGTH, PEAK, clip_camera, export_clip, landed
from .harness import LARGE, integration
from .memory import rss
from .report import NOT_LANDED, Row, median, mib

FIGURE = "15-minute clip, 1080p ~4 Mbit/s recording"
RATIO = 1.1
WRITTEN = 1.05

CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "alarmhub-bench"
)
#: The recorders' window (simulator/recordings.py's default): 20 minutes.
SECONDS = 1200
SEGMENT = 20
SIZE = "1920x1080"
FPS = 25
BITRATE = "4M"
RECORDING = CACHE / f"rec-{SIZE}-{FPS}fps-{BITRATE}-{SECONDS}s-v1.mp4"

_FFMPEG = ("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y")


async def _run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(*command)
    if await process.wait():
        raise RuntimeError(f"{command[0]} exited with status {process.returncode}")


async def realistic_recording() -> Path:
    """Return the cached 1080p recording, making it first if needed."""
    if RECORDING.is_file():
        return RECORDING
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=".making-") as tmp:
        segment = Path(tmp) / "segment.mp4"
        gop = str(FPS)
        await _run(
            *_FFMPEG,
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={SIZE}:rate={FPS}:duration={SEGMENT},"
            "noise=alls=12:allf=t+u,format=yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            BITRATE,
            "-maxrate",
            BITRATE,
            "-bufsize",
            BITRATE,
            "-g",
            gop,
            "-keyint_min",
            gop,
            "-sc_threshold",
            "0",
            "-bf",
            "0",
            "-f",
            "mp4",
            str(segment),
        )
        listing = Path(tmp) / "loop.ffconcat"
        repeats = SECONDS // SEGMENT
        listing.write_text(
            "ffconcat version 1.0\n" + f"file '{segment}'\n" * repeats,
            encoding="utf-8",
        )
        whole = Path(tmp) / "recording.mp4"
        await _run(
            *_FFMPEG,
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            str(whole),
        )
        whole.replace(RECORDING)
    return RECORDING


def written() -> tuple[int, int]:
    """Return the bytes this process and its reaped children wrote.

    ``(wchar, write_bytes)``: handed to ``write()``, and dirtied for the disk.
    Linux adds a child's I/O counters to its parent's ``/proc/<pid>/io`` when
    the parent reaps it (``wait_task_zombie``), so an ffmpeg HA ran to join
    or rewrite a clip is counted here too, as is curl.
    """
    with open("/proc/self/io", encoding="ascii") as file:
        counters = dict(line.split(": ") for line in file.read().splitlines())
    return int(counters["wchar"]), int(counters["write_bytes"])


def _since(before: tuple[int, int]) -> tuple[int, int]:
    now = written()
    return now[0] - before[0], now[1] - before[1]


class HighWater:
    """This process's peak RSS over a span, from the kernel's high-water mark."""

    def __init__(self) -> None:
        """Reset the mark (Linux >= 4.0) and note the RSS now."""
        with open("/proc/self/clear_refs", "w", encoding="ascii") as file:
            file.write("5")
        self.base = rss()

    def stop(self) -> int:
        """Return the peak growth in bytes since the start."""
        with open("/proc/self/status", encoding="ascii") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 - self.base
        raise RuntimeError("no VmHWM in /proc/self/status")


def children_cpu() -> float:
    """Return the CPU seconds of this process's reaped children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def curl(url: str, dest: Path) -> None:
    """Download ``url`` into ``dest`` with a plain ``curl``."""
    await _run("curl", "--silent", "--show-error", "--fail", "-o", str(dest), url)


class Rounds:
    """What each measured round gave."""

    def __init__(self) -> None:
        """Start empty."""
        self.exports: list[float] = []
        self.cuts: list[float] = []
        self.downloads: list[float] = []
        self.peaks: list[int] = []
        self.written: list[tuple[int, int]] = []
        self.curl_written: list[tuple[int, int]] = []
        self.cpu: list[float] = []
        self.curl_cpu: list[float] = []
        self.hub_cpu: list[float] = []
        self.hub_base_cpu: list[float] = []
        self.bare: list[float] = []
        self.size = 0


async def _baseline(
    sim: Any, camera_id: str, start: datetime, dest: Path
) -> tuple[float, float, tuple[int, int], float, float]:
    """Cut in the hub, then curl the clip: both times, curl's bytes, CPU, hub CPU."""
    hub_cpu = (await sim.call("stats"))["cpu"]
    t0 = time.perf_counter()
    ticket = await sim.call(
        "call",
        cmd="clip_download",
        args={"camera": camera_id, "start": start.isoformat(), "length": LENGTH},
    )
    cut = time.perf_counter() - t0
    before, cpu = written(), children_cpu()
    t0 = time.perf_counter()
    await curl(f"http://127.0.0.1:{sim.port}{ticket['path']}", dest)
    download = time.perf_counter() - t0
    wrote, cpu = _since(before), children_cpu() - cpu
    hub_cpu = (await sim.call("stats"))["cpu"] - hub_cpu
    if await asyncio.to_thread(os.path.getsize, dest) != ticket["size"]:
        raise RuntimeError("curl did not get the whole clip")
    await asyncio.to_thread(dest.unlink)
    return cut, download, wrote, cpu, hub_cpu


async def _bare_get(
    hass: HomeAssistant, sim: Any, camera_id: str, start: datetime
) -> float:
    """Cut in the hub, then GET the clip with HA's aiohttp session, discarding it.

    The same session, read size and chunking as the integration, nothing
    written: what aiohttp's receive alone costs in HA's event loop.
    """
    ticket = await sim.call(
        "call",
        cmd="clip_download",
        args={"camera": camera_id, "start": start.isoformat(), "length": LENGTH},
    )
    session = async_get_clientsession(hass)
    url = f"http://127.0.0.1:{sim.port}{ticket['path']}"
    received = 0
    t0 = time.perf_counter()
    async with session.get(url, read_bufsize=HTTP_READ_BUFSIZE) as response:
        async for chunk in response.content.iter_chunked(CHUNK):
            received += len(chunk)
    took = time.perf_counter() - t0
    if received != ticket["size"]:
        raise RuntimeError("aiohttp did not get the whole clip")
    return took


async def measure(quick: bool) -> list[Row]:
    """Alternate exports and baselines; compare medians, count bytes and RSS."""
    if not landed():
        return [Row(figure=FIGURE, value=NOT_LANDED)]
    recording = await realistic_recording()
    rounds = 2 if quick else 7
    got = Rounds()
    with tempfile.TemporaryDirectory(prefix="alarmhub-bench-clip-") as tmp:
        media = Path(tmp) / "media"
        media.mkdir()
        async with integration(LARGE, recording=recording) as (hass, sim, coordinator):
            camera_id, camera, found = await clip_camera(hass, sim, coordinator, media)
            window = datetime.fromisoformat(found["start"])
            for n in range(rounds + 1):  # the first round warms up
                start = window + timedelta(seconds=60 + n)

                async def export(
                    start: datetime = start,
                ) -> tuple[float, tuple[int, int], int, float, float]:
                    hub_cpu = (await sim.call("stats"))["cpu"]
                    sampler = HighWater()
                    before, cpu = written(), time.process_time()
                    t0 = time.perf_counter()
                    result = await export_clip(hass, camera, start)
                    took = time.perf_counter() - t0
                    wrote, cpu = _since(before), time.process_time() - cpu
                    peak = sampler.stop()
                    assert result["pieces"] == 1, result
                    got.size = int(str(result["size"]))
                    hub_cpu = (await sim.call("stats"))["cpu"] - hub_cpu
                    await asyncio.to_thread(os.unlink, str(result["path"]))
                    return took, wrote, peak, cpu, hub_cpu

                # Alternate which goes first, so neither always finds the
                # page cache warmed (or dirtied) by the other.
                if n % 2:
                    took, wrote, peak, cpu, hub_cpu = await export()
                    base = await _baseline(sim, camera_id, start, media / "curl.mp4")
                else:
                    base = await _baseline(sim, camera_id, start, media / "curl.mp4")
                    took, wrote, peak, cpu, hub_cpu = await export()
                bare = await _bare_get(hass, sim, camera_id, start)
                if n:
                    got.bare.append(bare)
                    got.exports.append(took)
                    got.cuts.append(base[0])
                    got.downloads.append(base[1])
                    got.curl_written.append(base[2])
                    got.curl_cpu.append(base[3])
                    got.cpu.append(cpu)
                    got.hub_base_cpu.append(base[4])
                    got.hub_cpu.append(hub_cpu)
                    got.written.append(wrote)
                    got.peaks.append(peak)
    return _rows(got)


def _rows(got: Rounds) -> list[Row]:
    exports, cut = median(got.exports), median(got.cuts)
    download = median(got.downloads)
    baseline = median([c + d for c, d in zip(got.cuts, got.downloads, strict=True)])
    ratio = exports / baseline
    most = max(wchar for wchar, _ in got.written)
    pages = max(dirtied for _, dirtied in got.written)
    curl = max(wchar for wchar, _ in got.curl_written)
    curl_pages = max(dirtied for _, dirtied in got.curl_written)
    return [
        Row(
            figure=f"{FIGURE}: export vs hub's cut + curl",
            value=f"{exports:.2f} s vs {baseline:.2f} s = {ratio:.2f}x",
            goal=f"<= {RATIO}x",
            passed=ratio <= RATIO,
            note=f"clip {mib(got.size)}; medians of {len(got.exports)} alternating "
            f"runs; the hub's cut {cut:.2f} s, curl over loopback {download:.2f} s "
            f"({got.size / download / 2**20:.0f} MiB/s), so HA's fetch and keep "
            f"~{exports - cut:.2f} s ({got.size / (exports - cut) / 2**20:.0f} MiB/s); "
            f"CPU (2 shared CPUs): HA {median(got.cpu):.2f} s per export (all its "
            f"threads) + the hub {median(got.hub_cpu):.2f} s, vs curl "
            f"{median(got.curl_cpu):.2f} s + the hub {median(got.hub_base_cpu):.2f} s",
        ),
        Row(
            figure=f"{FIGURE}: aiohttp's receive alone (contrast)",
            value=f"{median(got.bare):.2f} s "
            f"({got.size / median(got.bare) / 2**20:.0f} MiB/s) vs curl's whole "
            f"download {download:.2f} s",
            note="HA's aiohttp session in HA's loop, the integration's read size "
            "and chunks, the bytes discarded (nothing written); same rounds",
        ),
        Row(
            figure=f"{FIGURE}: bytes written by HA",
            value=f"{mib(most)} = {most / got.size:.3f}x the clip (max of "
            f"{len(got.written)})",
            goal=f"<= {WRITTEN}x",
            passed=most <= WRITTEN * got.size,
            note=f"/proc/self/io wchar (to write(), reaped children included); "
            f"write_bytes (pages for the disk) {pages / got.size:.3f}x; curl "
            f"{curl / got.size:.3f}x and {curl_pages / got.size:.3f}x",
        ),
        Row(
            figure=f"{FIGURE}: HA peak RSS growth",
            value=f"{mib(max(got.peaks))} (max of {len(got.peaks)})",
            goal="<= 20 MiB",
            passed=max(got.peaks) <= PEAK,
        ),
    ]
