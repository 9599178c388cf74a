"""Clip export: downloads, uploads, pieces on timeouts, errors, events, memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
import math
from pathlib import Path
import shutil
import sys
import time
import tracemalloc
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN, UnitOfInformation
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion
import voluptuous as vol
import yaml

from custom_components.alarmhub.clips import (
    EVENT_CLIP_DONE,
    EVENT_CLIP_PROGRESS,
    MAX_EXPORTS_PER_RECORDER,
)
from custom_components.alarmhub.const import (
    CONF_TRANSPORT,
    DOMAIN,
    TRANSPORT_NETWORK,
)
from simulator import media
from simulator.hub import Hub
from simulator.media import VideoPattern, cut_clip, probe_duration, read_clock
from tests.clip_helpers import (
    BACK_YARD,
    DRIVEWAY,
    at,
    export,
    files,
    media_dir,
    recorders,
)
from tests.common import settle
from tests.conftest import TOKEN

__all__ = ["media_dir"]  # a fixture
pytestmark = pytest.mark.usefixtures("media_dir")

PORCH = "camera.old_recorder_porch"
GATE = "camera.cloudless_recorder_gate"
#: One GOP of the simulated recordings.
GOP = 1.0


@pytest.fixture
def site(site: dict[str, Any], small_recordings: dict[str, Any]) -> dict[str, Any]:
    """The demo site plus older recorders; the back yard camera is busy (big)."""
    site["recordings"] = small_recordings
    site["recorders"] += [
        {"id": "old", "name": "Old recorder", "model": "ADC-SVR100", "serial": "S1"},
        {"id": "c126", "name": "Cloudless recorder", "model": "ADC-CSVR126"},
    ]
    site["cameras"] += [
        {"id": "9", "name": "Porch", "recorder": "old"},
        {"id": "10", "name": "Gate", "recorder": "c126"},
    ]
    site["cameras"][1]["pattern"] = "testsrc2"
    site["cloud"] = {"upload_limit": 3, "storage_limit": 100 * 1024 * 1024}
    return site


def top_level_boxes(path: Path) -> list[str]:
    """Return the types of an MP4 file's top-level boxes, in order."""
    boxes = []
    with path.open("rb") as file:
        while header := file.read(8):
            size, kind = int.from_bytes(header[:4]), header[4:].decode()
            if size == 1:
                size = int.from_bytes(file.read(8))
                file.seek(size - 16, 1)
            else:
                file.seek(size - 8, 1)
            boxes.append(kind)
    return boxes


async def video_md5(path: Path) -> str:
    """Return the MD5 of a file's decoded video (pixel for pixel)."""
    output = await media._run(
        media.FFMPEG,
        "-v",
        "error",
        "-i",
        str(path),
        "-map",
        "0:v",
        "-f",
        "md5",
        "-",
        capture_stdout=True,
    )
    return output.decode().strip()


def capture(hass: HomeAssistant, event_type: str) -> list[dict[str, Any]]:
    """Collect the data of every ``event_type`` event from now on."""
    seen: list[dict[str, Any]] = []

    # A callback, so it runs on the loop in the order the events fire (a plain
    # function would run as an executor job, in any order).
    @callback
    def listener(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(event_type, listener)
    return seen


@pytest.mark.usefixtures("init_integration")
async def test_15_minute_download(
    hass: HomeAssistant, hub: Hub, media_dir: Path, tmp_path: Path
) -> None:
    """A newer model gives a 15:00 MP4 whose burnt-in clock starts on time."""
    progress = capture(hass, EVENT_CLIP_PROGRESS)
    done = capture(hass, EVENT_CLIP_DONE)
    start = at(hub, 60)
    result = await export(hass, DRIVEWAY, start, 900)

    path = Path(result["path"])
    assert path.is_relative_to(media_dir / "alarmhub")
    assert result["media_source_id"].startswith("media-source://alarmhub/ah1000001/")
    assert result["pieces"] == 1
    assert result["start"] == start.isoformat()
    assert await probe_duration(path) == pytest.approx(900, abs=GOP)
    assert await read_clock(path) == start
    assert await read_clock(path, 899.5) == at(hub, 959)
    assert (await asyncio.to_thread(path.stat)).st_size == result["size"]
    # The index is up front, as the hub made it, and the video was copied, not
    # encoded again: it decodes to exactly the recording's pixels.
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")
    reference = tmp_path / "reference.mp4"
    store = recorders(hub).store
    await cut_clip(
        store.path(VideoPattern.SMPTEBARS), store.start, start, 900, reference
    )
    assert await video_md5(path) == await video_md5(reference)
    # Only the clip is left: no temporary files or folders.
    assert files(media_dir) == [
        "alarmhub",
        "alarmhub/ah1000001",
        "alarmhub/ah1000001/driveway_1",
        f"alarmhub/ah1000001/driveway_1/{path.parent.name}",
        str(path.relative_to(media_dir)),
    ]
    assert recorders(hub).pending_downloads == 0

    await settle(hass)
    percents = [event["percent"] for event in progress]
    assert percents == sorted(percents)
    assert percents[-1] == 100
    assert done == [{**result, "success": True}]
    assert all(e["export_id"] == result["export_id"] for e in progress)


@pytest.mark.usefixtures("init_integration")
async def test_a_clip_indexed_at_the_end_is_kept_as_it_came(
    hass: HomeAssistant, hub: Hub, media_dir: Path, tmp_path: Path
) -> None:
    """A recorder that writes the index last: HA keeps its clip byte for byte.

    Moving the index up front would be a second pass over the whole file.
    """
    recorders(hub).recorders["svr1"].faststart = False
    start = at(hub, 30)
    result = await export(hass, DRIVEWAY, start, 60)
    path = Path(result["path"])
    assert result["pieces"] == 1
    boxes = top_level_boxes(path)
    assert boxes.index("mdat") < boxes.index("moov")
    reference = tmp_path / "reference.mp4"
    store = recorders(hub).store
    await cut_clip(
        store.path(VideoPattern.SMPTEBARS),
        store.start,
        start,
        60,
        reference,
        faststart=False,
    )
    assert await asyncio.to_thread(path.read_bytes) == await asyncio.to_thread(
        reference.read_bytes
    )
    assert await read_clock(path) == start


@pytest.mark.usefixtures("init_integration")
async def test_export_again_keeps_the_first_file(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """The same clip again: the earlier file is kept, and the answer says so."""
    first = await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert first["already_exported"] is False
    path = Path(first["path"])
    before = await asyncio.to_thread(path.stat)
    asked = []
    original = hub.commands["clip_download"]

    async def spy(args: dict[str, Any]) -> dict[str, Any]:
        asked.append(args)
        return await original(args)

    hub.commands["clip_download"] = spy
    again = await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert again["already_exported"] is True
    assert (again["path"], again["size"]) == (first["path"], first["size"])
    assert again["media_source_id"] == first["media_source_id"]
    after = await asyncio.to_thread(path.stat)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert asked == []  # nothing fetched again
    # Another length is another clip, with its own file.
    other = await export(hass, DRIVEWAY, at(hub, 0), 60)
    assert other["already_exported"] is False
    assert other["path"] != first["path"]


@pytest.mark.usefixtures("init_integration")
async def test_svr100_refuses_15_minutes(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """The old model's refusal names the lengths it allows; the hub is not asked."""
    asked = []
    original = hub.commands["clip_download"]

    async def spy(args: dict[str, Any]) -> dict[str, Any]:
        asked.append(args)
        return await original(args)

    hub.commands["clip_download"] = spy
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, PORCH, at(hub, 0), 900)
    assert err.value.translation_key == "clip_length_not_allowed"
    assert err.value.translation_placeholders["allowed"] == "30 s, 1 min, 5 min"
    assert "Choose one of: 30 s, 1 min, 5 min" in str(err.value)
    assert "ADC-SVR100" in str(err.value)
    assert asked == []
    assert files(media_dir) == []


@pytest.mark.usefixtures("init_integration")
async def test_csvr126_upload_is_incompatible(hass: HomeAssistant, hub: Hub) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, GATE, at(hub, 0), 60, "upload")
    assert err.value.translation_key == "upload_incompatible"
    assert "ADC-CSVR126" in str(err.value)
    assert "cannot upload" in str(err.value)
    # Downloading from it is fine.
    assert (await export(hass, GATE, at(hub, 0), 30))["pieces"] == 1


@pytest.mark.usefixtures("init_integration")
async def test_upload_longer_than_the_upload_limit(
    hass: HomeAssistant, hub: Hub
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 900, "upload")
    assert err.value.translation_key == "clip_length_not_allowed"
    assert err.value.translation_placeholders["allowed"] == "30 s, 1 min, 5 min"
    assert hub.state()["clouds"][0]["uploads"] == 0


def cloud_sensor(hass: HomeAssistant, key: str) -> str:
    state = hass.states.get(f"sensor.demo_home_cloud_clip{key}")
    assert state is not None, key
    return state.state


@pytest.mark.usefixtures("init_integration", "entity_registry_enabled_by_default")
async def test_uploads_until_the_quota_is_full(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """Three uploads fit; the fourth gets a clear error; counters stay right."""
    assert cloud_sensor(hass, "s_uploaded") == "0"
    assert cloud_sensor(hass, "_upload_limit") == "3"
    done = capture(hass, EVENT_CLIP_DONE)
    sizes = []
    for n in range(3):
        result = await export(hass, DRIVEWAY, at(hub, 60 * n), 60, "upload")
        sizes.append(result["size"])
        assert result["cloud"]["uploads"] == n + 1
        assert result["cloud"]["upload_limit"] == 3
        assert result["cloud"]["storage_used"] == sum(sizes)
    await settle(hass)
    assert cloud_sensor(hass, "s_uploaded") == "3"
    assert float(cloud_sensor(hass, "_storage_used")) == pytest.approx(
        sum(sizes) / 1e6, abs=0.05
    )
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, BACK_YARD, at(hub, 300), 30, "upload")
    assert err.value.translation_key == "upload_limit_reached"
    assert "3 of 3 clips" in str(err.value)
    await settle(hass)
    assert cloud_sensor(hass, "s_uploaded") == "3"
    assert hub.state()["clouds"][0]["uploads"] == 3
    assert [event["success"] for event in done] == [True, True, True, False]
    assert done[-1]["error"] == "upload_limit_reached"
    assert files(media_dir) == []


@pytest.mark.usefixtures("init_integration")
async def test_cloud_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The cloud store's counters and limits, on the hub device."""
    entry_id = hass.config_entries.async_entries(DOMAIN)[0].entry_id
    entries = sorted(
        (
            e
            for e in er.async_entries_for_config_entry(entity_registry, entry_id)
            if e.unique_id.startswith("AH1000001_cloud_")
        ),
        key=lambda e: e.entity_id,
    )
    assert len(entries) == 4
    for entry in entries:
        assert entry == snapshot(name=f"{entry.entity_id}-entry")
        assert hass.states.get(entry.entity_id) == snapshot(
            name=f"{entry.entity_id}-state"
        )


@pytest.mark.usefixtures("init_integration")
async def test_storage_limit(hass: HomeAssistant, hub: Hub) -> None:
    """The refusal counts in the sensors' unit: decimal MB (HA's MEGABYTES)."""
    recorders(hub).cloud.storage_limit = 156_000  # 0.149 MiB: "0.1" in MiB
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 300, "upload")
    assert err.value.translation_key == "storage_limit_reached"
    assert "0.0 MB of 0.2 MB used" in str(err.value), err.value
    limit = hass.states.get("sensor.demo_home_cloud_clip_storage_limit")
    assert limit is not None
    assert limit.attributes["unit_of_measurement"] == UnitOfInformation.MEGABYTES


@pytest.mark.parametrize(
    ("slow_limit", "pieces"), [(60, 5), (30, 10)], ids=["1-min-pieces", "30-s-pieces"]
)
@pytest.mark.usefixtures("init_integration")
async def test_slow_recorder_downloads_in_pieces(
    hass: HomeAssistant, hub: Hub, media_dir: Path, slow_limit: int, pieces: int
) -> None:
    """A 5-minute clip the recorder times out on arrives in pieces, joined."""
    recorders(hub).set_slow("svr1", slow_limit)
    start = at(hub, 120)
    result = await export(hass, DRIVEWAY, start, 300)
    assert result["pieces"] == pieces
    path = Path(result["path"])
    assert await probe_duration(path) == pytest.approx(300, abs=GOP)
    for second in (0, 59, 60, 299):
        assert await read_clock(path, second + 0.5) == at(hub, 120 + second)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


@pytest.mark.usefixtures("init_integration")
async def test_transfer_cut_half_way_is_fetched_again(
    hass: HomeAssistant,
    hub: Hub,
    media_dir: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A transfer that breaks off while the hub stays up: the piece again, whole."""
    recorders(hub).cut_transfers = 2  # the first two tries break off
    start = at(hub, 30)
    result = await export(hass, DRIVEWAY, start, 60)
    assert recorders(hub).cut_transfers == 0
    path = Path(result["path"])
    reference = tmp_path / "reference.mp4"
    store = recorders(hub).store
    await cut_clip(
        store.path(VideoPattern.SMPTEBARS), store.start, start, 60, reference
    )
    assert await video_md5(path) == await video_md5(reference)
    assert caplog.text.count("asking for it again") == 2
    assert [p.name for p in path.parent.iterdir()] == [path.name]


@pytest.mark.usefixtures("init_integration")
async def test_transfer_cut_every_time_says_so(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """Broken off on every try: said as such, not as an unreachable hub."""
    done = capture(hass, EVENT_CLIP_DONE)
    recorders(hub).cut_transfers = 10
    with pytest.raises(HomeAssistantError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert err.value.translation_key == "clip_transfer_cut"
    assert str(err.value) == (
        "The transfer of the clip of Driveway from Stream video recorder broke "
        "off 3 times in a row. Try again later"
    )
    assert recorders(hub).cut_transfers == 7  # one try and two more
    assert files(media_dir) == []
    await settle(hass)
    assert [event["success"] for event in done] == [False]


@pytest.mark.usefixtures("init_integration")
async def test_too_slow_even_for_the_shortest_piece(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    done = capture(hass, EVENT_CLIP_DONE)
    recorders(hub).set_slow("svr1", 10)
    with pytest.raises(HomeAssistantError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 300)
    assert err.value.translation_key == "clip_timeout"
    assert "Choose a shorter length" in str(err.value)
    assert "30 s pieces" in str(err.value)
    assert files(media_dir) == []
    await settle(hass)
    assert done[-1]["success"] is False
    assert done[-1]["error"] == "clip_timeout"
    # An upload is never split: the cloud would hold pieces, not the clip.
    with pytest.raises(HomeAssistantError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 60, "upload")
    assert err.value.translation_key == "recorder_timeout"
    assert "Choose a shorter length" in str(err.value)


@pytest.fixture
async def hub_process(
    site: dict[str, Any], tmp_path: Path, socket_enabled: None
) -> AsyncGenerator[tuple[int, datetime]]:
    """Run the simulator in a process of its own; yield its port and window start.

    A hub is another machine: with it out of this process, tracemalloc sees
    only Home Assistant's memory.
    """
    site_file = tmp_path / "site.yaml"
    site_file.write_text(yaml.safe_dump(site))
    end = math.floor(time.time() / 60) * 60
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--http",
        "127.0.0.1:0",
        "--site",
        str(site_file),
        "--token",
        TOKEN,
        "--no-zeroconf",  # not advertised: another HA on this machine would find it
        cwd=Path(__file__).parent.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            line = (await process.stdout.readline()).decode()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        # If the minute turned meanwhile, the window moved by a minute: a start
        # a minute into the earlier one is still inside it.
        yield port, datetime.fromtimestamp(end - 1200 + 60, UTC)
    finally:
        process.terminate()
        await process.wait()


async def test_memory_stays_flat_during_a_long_download(
    hass: HomeAssistant, hub_process: tuple[int, datetime]
) -> None:
    """A 15-minute clip, far bigger than the bound, streams through to disk."""
    port, start = hub_process
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="AH1000001",
        data={
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: port,
            CONF_TOKEN: TOKEN,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await export(hass, BACK_YARD, start, 30)  # warm up: imports, caches
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        result = await export(hass, BACK_YARD, start, 900)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"clip {result['size']} bytes, traced peak {peak - before} bytes")
    assert result["size"] > 10 * 1024 * 1024
    assert peak - before < 5 * 1024 * 1024
    assert await probe_duration(Path(result["path"])) == pytest.approx(900, abs=GOP)
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("fault", "key", "exception"),
    [
        ("camera_offline", "camera_offline", HomeAssistantError),
        ("recorder_offline", "recorder_offline", HomeAssistantError),
        ("disk_full", "recorder_disk_full", HomeAssistantError),
        ("no_recordings", "no_recordings_in_range", ServiceValidationError),
    ],
)
@pytest.mark.usefixtures("init_integration")
async def test_recorder_faults(
    hass: HomeAssistant,
    hub: Hub,
    media_dir: Path,
    fault: str,
    key: str,
    exception: type[Exception],
) -> None:
    """Each fault is a clear translated error, and nothing is left on disk."""
    svr = recorders(hub)
    start = at(hub, 0)
    if fault == "camera_offline":
        svr.set_camera_online("1", False)
    elif fault == "recorder_offline":
        svr.set_recorder_online("svr1", False)
    elif fault == "disk_full":
        svr.set_disk_full("svr1", True)
    else:
        start = at(hub, -120)
    with pytest.raises(exception) as err:
        await export(hass, DRIVEWAY, start, 60)
    assert type(err.value) is exception
    assert err.value.translation_key == key
    message = str(err.value)
    assert "Driveway" in message or "Stream video recorder" in message
    assert files(media_dir) == []


@pytest.mark.usefixtures("init_integration")
async def test_no_recordings_names_the_range(hass: HomeAssistant, hub: Hub) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 1200 - 30), 60)
    placeholders = err.value.translation_placeholders
    store = recorders(hub).store
    assert placeholders["first"] == dt_util.as_local(store.start).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


@pytest.mark.usefixtures("init_integration")
async def test_bad_requests(hass: HomeAssistant, hub: Hub) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, "camera.nope", at(hub, 0), 60)
    assert err.value.translation_key == "unknown_camera"
    # A length no model offers (from YAML or an automation): the refusal
    # names the model and its lengths, like any other length it refuses.
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 45)
    assert err.value.translation_key == "clip_length_not_allowed"
    assert str(err.value) == (
        "The ADC-CSVR2008P cannot download a clip of 45 s. "
        "Choose one of: 30 s, 1 min, 5 min, 15 min"
    )
    with pytest.raises(vol.Invalid):
        await export(hass, DRIVEWAY, at(hub, 0), 0)


async def test_download_needs_the_network(
    hass: HomeAssistant, serial_entry: MockConfigEntry, hub: Hub, media_dir: Path
) -> None:
    """Over the serial line uploads work; downloads say why they cannot."""
    serial_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(serial_entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 60)
    assert err.value.translation_key == "download_needs_network"
    result = await export(hass, DRIVEWAY, at(hub, 0), 60, "upload")
    assert result["cloud"]["uploads"] == 1
    assert files(media_dir) == []
    await hass.config_entries.async_unload(serial_entry.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_a_few_exports_at_a_time_per_recorder(
    hass: HomeAssistant, hub: Hub
) -> None:
    """Four exports at once: the recorder sees at most two at a time."""
    gate = asyncio.Event()
    running = 0
    most = 0
    original = hub.commands["clip_download"]

    async def slow_to_answer(args: dict[str, Any]) -> dict[str, Any]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await gate.wait()
            return await original(args)
        finally:
            running -= 1

    hub.commands["clip_download"] = slow_to_answer
    calls = [
        asyncio.create_task(export(hass, DRIVEWAY, at(hub, 30 * n), 30))
        for n in range(4)
    ]
    for _ in range(50):
        await asyncio.sleep(0.01)
    assert running == MAX_EXPORTS_PER_RECORDER
    gate.set()
    results = await asyncio.gather(*calls)
    assert most == MAX_EXPORTS_PER_RECORDER
    assert len({result["path"] for result in results}) == 4


@pytest.mark.usefixtures("init_integration")
async def test_export_goes_on_when_the_caller_stops_waiting(
    hass: HomeAssistant, hub: Hub
) -> None:
    """An automation may fire and forget: the done event tells the end."""
    done = capture(hass, EVENT_CLIP_DONE)
    await hass.services.async_call(
        DOMAIN,
        "export_clip",
        {"camera": DRIVEWAY, "start": at(hub, 0).isoformat(), "length": "60"},
        blocking=False,
    )
    async with asyncio.timeout(30):
        while not done:
            await asyncio.sleep(0.05)
    assert done[0]["success"] is True
    assert await asyncio.to_thread(Path(done[0]["path"]).is_file)
    assert done[0]["entity_id"] == DRIVEWAY
    assert done[0]["camera"] == "Driveway"


@pytest.mark.usefixtures("init_integration")
async def test_start_without_offset_is_home_assistant_time(
    hass: HomeAssistant, hub: Hub
) -> None:
    """A start as the UI's date-time picker gives it: HA's local time zone."""
    start = at(hub, 90)
    naive = dt_util.as_local(start).replace(tzinfo=None)
    assert naive.isoformat() != start.isoformat()
    result = await export(hass, DRIVEWAY, naive, 30)
    assert result["start"] == start.isoformat()
    assert await read_clock(Path(result["path"])) == start


@pytest.mark.usefixtures("init_integration")
async def test_no_media_folder_to_write_to(
    hass: HomeAssistant, hub: Hub, tmp_path: Path
) -> None:
    """No media folder, or one HA may not write to: refused, and said why."""
    done = capture(hass, EVENT_CLIP_DONE)
    hass.config.media_dirs = {}
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert err.value.translation_key == "no_media_dir"
    outside = tmp_path / "elsewhere"
    hass.config.media_dirs = {"local": str(outside)}
    hass.config.allowlist_external_dirs = set()
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert err.value.translation_key == "media_dir_not_allowed"
    assert not outside.exists()
    await settle(hass)
    assert [event["success"] for event in done] == [False, False]


async def test_export_from_an_unloaded_hub(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub, media_dir: Path
) -> None:
    """The camera's hub is unloaded: refused naming it; nothing is written."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert err.value.translation_key == "hub_not_loaded"
    assert err.value.translation_placeholders == {"name": "Demo Home"}
    assert files(media_dir) == []


@pytest.mark.usefixtures("init_integration")
async def test_a_clip_that_cannot_be_written(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """The camera's folder is a file now: a translated error, nothing left behind."""
    first = await export(hass, DRIVEWAY, at(hub, 0), 30)
    day = Path(first["path"]).parent
    camera = day.parent
    await asyncio.to_thread(shutil.rmtree, camera)
    await asyncio.to_thread(camera.write_text, "not a folder")
    before = files(media_dir)
    done = capture(hass, EVENT_CLIP_DONE)
    with pytest.raises(HomeAssistantError) as err:
        await export(hass, DRIVEWAY, at(hub, 0), 30)
    assert err.value.translation_key == "clip_write_failed"
    await settle(hass)
    assert [event["success"] for event in done] == [False]
    assert files(media_dir) == before
