"""The simulated Stream Video Recorders: clips, refusals, cloud store, live view."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.recorders import (
    ALL_CLIP_LENGTHS,
    MODELS,
    ClipLengthNotAllowed,
    Destination,
    UploadIncompatible,
    check_length,
)
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.media import probe_duration, read_clock
from simulator.panel import Rejection
from simulator.recorders import DOWNLOAD_EXPIRES, Recorders, recorders_of
from simulator.server import SimulatorServer


@pytest.fixture
def site(site: dict[str, Any], small_recordings: dict[str, Any]) -> dict[str, Any]:
    """The demo site, plus an old download-only recorder with one camera."""
    site["recordings"] = small_recordings
    site["recorders"].append(
        {"id": "old", "name": "Old recorder", "model": "ADC-SVR100", "serial": "S100"}
    )
    site["cameras"].append({"id": "9", "name": "Porch", "recorder": "old"})
    site["cloud"] = {"upload_limit": 2, "storage_limit": 50 * 1024 * 1024}
    return site


@pytest.fixture
def recorders(hub: Hub) -> Recorders:
    """Return the hub's recorders feature."""
    return recorders_of(hub)


def at(recorders: Recorders, seconds: int) -> str:
    """Return the time ``seconds`` into the recordings, as the wire wants it."""
    return (recorders.store.start + timedelta(seconds=seconds)).isoformat()


async def refused(hub: Hub, cmd: str, **args: Any) -> Rejection:
    """Run a command that must be refused; return the refusal."""
    with pytest.raises(Rejection) as caught:
        await hub.handle(cmd, args)
    return caught.value


async def fetch(simulator: SimulatorServer, path: str, dest: Path) -> int:
    """GET ``path`` from the hub into ``dest``; return the HTTP status."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(simulator.url + path) as response,
    ):
        if response.status == 200:
            await asyncio.to_thread(dest.write_bytes, await response.read())
        return response.status


async def test_state_lists_recorders_cameras_and_cloud(hub: Hub) -> None:
    state = hub.state()
    assert {r["id"]: r["model"] for r in state["recorders"]} == {
        "svr1": "ADC-CSVR2008P",
        "old": "ADC-SVR100",
    }
    assert [c["id"] for c in state["cameras"]] == ["1", "2", "9"]
    assert all("live_key" not in c for c in state["cameras"])
    assert state["clouds"] == [
        {
            "id": "account",
            "uploads": 0,
            "upload_limit": 2,
            "storage_used": 0,
            "storage_limit": 50 * 1024 * 1024,
        }
    ]


async def test_download_is_a_one_time_url_with_the_right_clip(
    hub: Hub, simulator: SimulatorServer, recorders: Recorders, tmp_path: Path
) -> None:
    result = await hub.handle(
        "clip_download", {"camera": "1", "start": at(recorders, 120), "length": 30}
    )
    assert result["path"].startswith("/clips/")
    assert result["length"] == 30
    assert recorders.pending_downloads == 1
    clip = tmp_path / "clip.mp4"
    assert await fetch(simulator, result["path"], clip) == 200
    assert clip.stat().st_size == result["size"]
    assert await probe_duration(clip) == pytest.approx(30, abs=1)
    assert await read_clock(clip) == datetime.fromisoformat(at(recorders, 120))
    # Once only, and nothing is left on the hub's disk.
    assert await fetch(simulator, result["path"], tmp_path / "again.mp4") == 404
    assert recorders.pending_downloads == 0
    assert list(recorders._outbox.iterdir()) == []


async def test_unused_download_expires(
    hub: Hub, simulator: SimulatorServer, recorders: Recorders, clock: ManualClock
) -> None:
    result = await hub.handle(
        "clip_download", {"camera": "1", "start": at(recorders, 0), "length": 30}
    )
    clock.advance(DOWNLOAD_EXPIRES)
    assert recorders.pending_downloads == 0
    assert list(recorders._outbox.iterdir()) == []
    assert await fetch(simulator, result["path"], recorders._outbox / "x") == 404


@pytest.mark.parametrize("model", sorted(MODELS))
async def test_lengths_follow_the_model_table(
    hub: Hub, recorders: Recorders, model: str
) -> None:
    """The hub accepts exactly what hub/recorders.py allows (same rules both sides).

    With the disk full, an accepted request gets as far as ``disk_full``
    without cutting anything; a refused one stops at ``not_supported``.
    """
    recorders.recorders["svr1"].model = MODELS[model]
    recorders.set_disk_full("svr1", True)
    for destination in Destination:
        cmd = f"clip_{destination.value}"
        for length in (*ALL_CLIP_LENGTHS, 45, 1800):
            try:
                check_length(model, length, destination)
            except UploadIncompatible, ClipLengthNotAllowed:
                expected = ErrorCode.NOT_SUPPORTED
            else:
                expected = ErrorCode.DISK_FULL
            err = await refused(
                hub, cmd, camera="1", start=at(recorders, 0), length=length
            )
            assert err.code is expected, (destination, length)
            if expected is ErrorCode.NOT_SUPPORTED:
                assert err.details["model"] == model
                assert err.details["allowed"] == list(
                    MODELS[model].lengths(destination)
                )


async def test_svr100_refuses_15_minutes_naming_the_allowed_lengths(
    hub: Hub, recorders: Recorders
) -> None:
    err = await refused(
        hub, "clip_download", camera="9", start=at(recorders, 0), length=900
    )
    assert err.code is ErrorCode.NOT_SUPPORTED
    assert err.details["allowed"] == [30, 60, 300]
    assert "30 s, 1 min, 5 min" in err.reason


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"camera": "nope", "length": 30}, ErrorCode.NOT_FOUND),
        ({"camera": "1", "length": "30"}, ErrorCode.BAD_REQUEST),
        ({"camera": "1", "length": 30, "start": "yesterday"}, ErrorCode.BAD_REQUEST),
        (
            {"camera": "1", "length": 30, "start": "2026-09-21T14:00:00"},
            ErrorCode.BAD_REQUEST,
        ),
    ],
)
async def test_bad_requests(
    hub: Hub, recorders: Recorders, args: dict[str, Any], code: ErrorCode
) -> None:
    args.setdefault("start", at(recorders, 0))
    assert (await refused(hub, "clip_download", **args)).code is code


async def test_faults(hub: Hub, recorders: Recorders) -> None:
    events: list[str] = []
    hub.listen(lambda event: events.append(event.event))

    async def code(camera: str = "1", start: int = 0, length: int = 60) -> ErrorCode:
        args = {"camera": camera, "start": at(recorders, start), "length": length}
        return (await refused(hub, "clip_download", **args)).code

    seconds = recorders.store.settings.seconds
    assert await code(start=-30) is ErrorCode.NO_RECORDINGS
    assert await code(start=seconds - 30) is ErrorCode.NO_RECORDINGS
    err = await refused(
        hub, "clip_upload", camera="1", start=at(recorders, seconds), length=30
    )
    assert err.code is ErrorCode.NO_RECORDINGS
    assert err.details["first"] == recorders.store.start.isoformat()

    recorders.set_camera_online("1", False)
    assert await code() is ErrorCode.OFFLINE
    assert (await refused(hub, "camera_stream", camera="1")).code is ErrorCode.OFFLINE
    recorders.set_camera_online("1", True)
    recorders.set_recorder_online("svr1", False)
    assert await code(camera="2") is ErrorCode.OFFLINE
    recorders.set_recorder_online("svr1", True)
    assert events == ["camera", "camera", "recorder", "recorder"]

    recorders.set_disk_full("svr1", True)
    assert await code() is ErrorCode.DISK_FULL
    recorders.set_disk_full("svr1", False)

    recorders.set_slow("svr1", 60)
    assert await code(length=300) is ErrorCode.TIMEOUT
    assert (
        await hub.handle(
            "clip_download", {"camera": "1", "start": at(recorders, 0), "length": 60}
        )
    )["length"] == 60
    recorders.set_slow("svr1", None)


async def test_uploads_until_the_quota_is_full(hub: Hub, recorders: Recorders) -> None:
    events: list[dict[str, Any]] = []
    hub.listen(
        lambda event: events.append(event.data) if event.event == "cloud" else None
    )
    sizes = []
    for start in (0, 60):
        result = await hub.handle(
            "clip_upload", {"camera": "1", "start": at(recorders, start), "length": 60}
        )
        sizes.append(result["clip"]["size"])
        assert result["cloud"] == await hub.handle("cloud_status", {})
    status = await hub.handle("cloud_status", {})
    assert status["uploads"] == 2
    assert status["storage_used"] == sum(sizes) > 0
    assert events[-1] == status
    err = await refused(
        hub, "clip_upload", camera="1", start=at(recorders, 120), length=60
    )
    assert err.code is ErrorCode.QUOTA_EXCEEDED
    assert err.details["limit"] == "uploads"
    assert (await hub.handle("cloud_status", {}))["uploads"] == 2
    assert list(recorders._outbox.iterdir()) == []


async def test_storage_limit(hub: Hub, recorders: Recorders) -> None:
    recorders.cloud.storage_limit = 1000
    err = await refused(
        hub, "clip_upload", camera="1", start=at(recorders, 0), length=30
    )
    assert err.code is ErrorCode.QUOTA_EXCEEDED
    assert err.details["limit"] == "storage"
    assert err.details["size"] > 1000
    assert (await hub.handle("cloud_status", {}))["uploads"] == 0


async def test_live_view_shows_the_hub_clock(
    hub: Hub, simulator: SimulatorServer, recorders: Recorders
) -> None:
    path = (await hub.handle("camera_stream", {"camera": "2"}))["path"]
    store = recorders.store
    now = datetime.fromtimestamp(hub.clock.time(), store.start.tzinfo)
    offset = int((now - store.start).total_seconds()) % store.settings.seconds
    shown = await read_clock(simulator.url + path, 0.2)  # type: ignore[arg-type]
    assert shown == store.start + timedelta(seconds=offset)
    wrong = path.rsplit("/", 1)[0] + "/not-the-key"
    async with aiohttp.ClientSession() as session:
        async with session.get(simulator.url + wrong) as response:
            assert response.status == 404
        recorders.set_camera_online("2", False)
        async with session.get(simulator.url + path) as response:
            assert response.status == 503


async def test_admin_endpoints(
    simulator: SimulatorServer, recorders: Recorders
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{simulator.url}/admin/recorders/svr1",
            json={"slow_limit": 60, "disk_full": True, "online": False},
        ) as response:
            body = await response.json()
        assert body["slow_limit"] == 60
        assert body["disk_full"] is True
        assert body["online"] is False
        async with session.post(
            f"{simulator.url}/admin/recorders/svr1", json={"slow_limit": None}
        ) as response:
            assert (await response.json())["slow_limit"] is None
        async with session.post(
            f"{simulator.url}/admin/cameras/2", json={"online": False}
        ) as response:
            assert (await response.json())["online"] is False
        async with session.post(
            f"{simulator.url}/admin/cameras/nope", json={"online": False}
        ) as response:
            assert response.status == 404
    assert recorders.cameras["2"].online is False


async def test_a_recording_made_elsewhere_serves_every_camera(
    site: dict[str, Any], recorders: Recorders, tmp_path: Path
) -> None:
    """``recordings: source:`` (the bench's 1080p file): used as is, none made."""
    source = await recorders.store.recording(recorders.cameras["1"].pattern)
    cache = tmp_path / "cache"
    site["recordings"] = {**site["recordings"], "source": source, "cache_dir": cache}
    other = recorders_of(Hub(site, clock=ManualClock(), token="t"))
    for camera in other.cameras.values():  # smptebars and testsrc2 alike
        assert await other.store.recording(camera.pattern) == source
    clip = tmp_path / "clip.mp4"
    start = other.store.start + timedelta(seconds=60)
    await other._cut(other.cameras["2"], start, 30, clip)
    assert await read_clock(clip) == start
    assert not cache.exists()
