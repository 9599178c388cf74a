"""Figure 7: a 15-minute clip download, beside a plain ``ffmpeg -c copy``.

``alarmhub.export_clip`` (destination ``download``, 900 s) end to end: the hub
cuts the clip from its recording (stream copy), HA streams it to disk and
keeps it as it came (ffmpeg joins only pieces). The hub's own cut is timed
too (the same command, run inside the simulator). The baseline, in
the same run and alternating with it, is one plain
``ffmpeg -ss .. -i <the same recording> -t 900 -c copy`` into a file: the
least any copy of those 15 minutes costs on this machine. The goal is the
median export time <= 1.1x the median plain copy.

Memory: the HA process's RSS, sampled every 2 ms by a thread while an export
runs; the figure is the peak minus the RSS just before. ffmpeg and the
simulator are other processes and are not counted.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import importlib.util
import os
from pathlib import Path
import tempfile
import threading
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.coordinator import AlarmHubCoordinator

from .harness import LARGE, integration
from .memory import rss
from .report import NOT_LANDED, Row, median, mib

FIGURE = "15-minute clip download"
GOAL = "<= 1.1x ffmpeg -c copy; peak RSS +<= 20 MiB"
LENGTH = 900
RATIO = 1.1
PEAK = 20 * 2**20


def landed() -> bool:
    """Return True once HA has the export_clip action and the hub recorders."""
    return (
        importlib.util.find_spec("simulator.recorders") is not None
        and importlib.util.find_spec("custom_components.alarmhub.clips") is not None
    )


class PeakRss:
    """Sample this process's RSS in a thread; keep the peak."""

    def __init__(self) -> None:
        """Start sampling."""
        self.base = rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss())

    def stop(self) -> int:
        """Stop; return the peak growth in bytes."""
        self._stop.set()
        self._thread.join()
        return self.peak - self.base


async def clip_camera(
    hass: HomeAssistant, sim: Any, coordinator: AlarmHubCoordinator, media: Path
) -> tuple[str, str, dict[str, Any]]:
    """Let HA write clips into ``media``; return a camera, its entity, its recording."""
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media)}
    camera_id = sorted(coordinator.data.cameras)[0]
    camera = er.async_get(hass).async_get_entity_id(
        "camera", DOMAIN, f"{coordinator.info.serial}_camera_{camera_id}"
    )
    assert camera is not None
    return camera_id, camera, await sim.call("recording", camera=camera_id)


async def export_clip(
    hass: HomeAssistant, camera: str, start: datetime
) -> dict[str, Any]:
    """Export 15 minutes from ``start`` as a download; return the action's answer."""
    result = await hass.services.async_call(
        DOMAIN,
        "export_clip",
        {
            "camera": camera,
            "start": start.isoformat(),
            "length": str(LENGTH),
            "destination": "download",
        },
        blocking=True,
        return_response=True,
    )
    assert isinstance(result, dict), result
    return result


async def plain_copy(recording: str, offset: float, dest: Path) -> float:
    """Copy 15 minutes of the recording with plain ffmpeg; return the seconds."""
    start = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        "ffmpeg",
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-ss",
        f"{offset:.3f}",
        "-i",
        recording,
        "-t",
        str(LENGTH),
        "-c",
        "copy",
        "-f",
        "mp4",
        str(dest),
    )
    if await process.wait():
        raise RuntimeError("ffmpeg failed")
    return time.perf_counter() - start


async def measure(quick: bool) -> list[Row]:
    """Alternate exports and plain copies; compare medians, watch the RSS."""
    if not landed():
        return [Row(figure=FIGURE, value=NOT_LANDED, goal=GOAL)]
    rounds = 2 if quick else 5
    exports: list[float] = []
    plains: list[float] = []
    cuts: list[float] = []
    peaks: list[int] = []
    with tempfile.TemporaryDirectory(prefix="alarmhub-bench-clip-") as tmp:
        media = Path(tmp) / "media"
        media.mkdir()
        async with integration(LARGE) as (hass, sim, coordinator):
            camera_id, camera, found = await clip_camera(hass, sim, coordinator, media)
            window = datetime.fromisoformat(found["start"])
            size = 0
            for n in range(rounds + 1):  # the first round warms up
                start = window + timedelta(seconds=60 + n)
                offset = (start - window).total_seconds()
                plain = await plain_copy(found["path"], offset, Path(tmp) / "plain.mp4")
                t0 = time.perf_counter()
                await sim.call(
                    "call",
                    cmd="clip_download",
                    args={
                        "camera": camera_id,
                        "start": start.isoformat(),
                        "length": LENGTH,
                    },
                )
                cut = time.perf_counter() - t0
                sampler = PeakRss()
                t0 = time.perf_counter()
                result = await export_clip(hass, camera, start)
                took = time.perf_counter() - t0
                peak = sampler.stop()
                size = int(str(result["size"]))
                os.unlink(str(result["path"]))
                if n:
                    exports.append(took)
                    plains.append(plain)
                    cuts.append(cut)
                    peaks.append(peak)
    ratio = median(exports) / median(plains)
    return [
        Row(
            figure="15-minute clip download vs ffmpeg -c copy",
            value=f"{median(exports):.2f} s vs {median(plains):.2f} s = {ratio:.2f}x",
            goal="<= 1.1x",
            passed=ratio <= RATIO,
            note=f"clip {mib(size)}; medians of {len(exports)} alternating runs; "
            f"the hub's own cut of it (in the simulator) {median(cuts):.2f} s, "
            f"so HA's part is ~{median(exports) - median(cuts):.2f} s",
        ),
        Row(
            figure="15-minute clip download: HA peak RSS growth",
            value=f"{mib(max(peaks))} (max of {len(peaks)})",
            goal="<= 20 MiB",
            passed=max(peaks) <= PEAK,
        ),
    ]
