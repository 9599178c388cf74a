"""Exported clips in the media browser: by camera and date, playable."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from homeassistant.components import media_source
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from simulator.hub import Hub
from tests.clip_helpers import BACK_YARD, DRIVEWAY, at, export, media_dir

__all__ = ["media_dir"]  # a fixture
pytestmark = pytest.mark.usefixtures("media_dir")

ROOT = "media-source://alarmhub"


@pytest.fixture
def site(site: dict[str, Any], small_recordings: dict[str, Any]) -> dict[str, Any]:
    """The demo site, with small recordings."""
    site["recordings"] = small_recordings
    return site


@pytest.fixture
async def setup_media_source(hass: HomeAssistant, media_dir: Path) -> None:
    """Load the media source integration on the test's media directory."""
    assert await async_setup_component(hass, "media_source", {})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_browse_by_camera_and_date_and_play(
    hass: HomeAssistant,
    hub: Hub,
    media_dir: Path,
    hass_client: ClientSessionGenerator,
) -> None:
    first = await export(hass, DRIVEWAY, at(hub, 0), 30)
    second = await export(hass, DRIVEWAY, at(hub, 60), 60)
    await export(hass, BACK_YARD, at(hub, 0), 30)
    # A download in progress (its hidden work folder) is not listed.
    (Path(first["path"]).parent / ".driveway_1_x.part").mkdir()

    root = await media_source.async_browse_media(hass, ROOT)
    assert root.title == "AlarmHub"
    assert [(c.title, c.identifier) for c in root.children] == [
        ("Back yard", "ah1000001/back_yard_2"),
        ("Driveway", "ah1000001/driveway_1"),
    ]
    driveway = await media_source.async_browse_media(
        hass, f"{ROOT}/ah1000001/driveway_1"
    )
    day = dt_util.as_local(at(hub, 0)).strftime("%Y-%m-%d")
    assert [c.title for c in driveway.children] == [day]
    clips = await media_source.async_browse_media(
        hass, driveway.children[0].media_content_id
    )
    local = [dt_util.as_local(at(hub, s)).strftime("%H:%M:%S") for s in (0, 60)]
    assert [(c.title, c.can_play, c.media_content_id) for c in clips.children] == [
        (f"{local[0]} (30 s)", True, first["media_source_id"]),
        (f"{local[1]} (1 min)", True, second["media_source_id"]),
    ]

    played = await media_source.async_resolve_media(
        hass, second["media_source_id"], None
    )
    assert played.mime_type == "video/mp4"
    assert played.path == Path(second["path"])
    client = await hass_client()
    response = await client.get(played.url)
    assert response.status == 200
    body = await response.read()
    assert body == await asyncio.to_thread(Path(second["path"]).read_bytes)


@pytest.mark.parametrize(
    "identifier",
    [
        "../etc",
        "ah1000001/../..",
        "ah1000001/driveway_1/2026-09-21/../../x",
        "AH1000001/driveway_1",
        "ah1000001/driveway_1/not-a-date",
    ],
)
@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_no_path_tricks(hass: HomeAssistant, identifier: str) -> None:
    """A folder or clip that is not one of ours is refused, saying which."""
    with pytest.raises(BrowseError) as browse:
        await media_source.async_browse_media(hass, f"{ROOT}/{identifier}")
    assert browse.value.translation_key == "clip_folder_unknown"
    assert str(browse.value) == f"There is no AlarmHub clip folder {identifier}"
    with pytest.raises(media_source.Unresolvable) as resolve:
        await media_source.async_resolve_media(hass, f"{ROOT}/{identifier}", None)
    assert resolve.value.translation_key == "clip_unknown"
    assert str(resolve.value) == f"There is no AlarmHub clip {identifier}"


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_clip_gone(hass: HomeAssistant, hub: Hub) -> None:
    """A clip deleted from the media folder is not offered for playing."""
    clip = await export(hass, DRIVEWAY, at(hub, 0), 30)
    await asyncio.to_thread(Path(clip["path"]).unlink)
    with pytest.raises(media_source.Unresolvable) as err:
        await media_source.async_resolve_media(hass, clip["media_source_id"], None)
    assert err.value.translation_key == "clip_gone"
    identifier = clip["media_source_id"].removeprefix(f"{ROOT}/")
    assert str(err.value) == (f"The clip {identifier} is no longer in the media folder")


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_no_media_folder(hass: HomeAssistant, hub: Hub) -> None:
    """Without a media folder there is nothing to browse or play, and it says so."""
    clip = await export(hass, DRIVEWAY, at(hub, 0), 30)
    hass.config.media_dirs = {}
    with pytest.raises(BrowseError) as browse:
        await media_source.async_browse_media(hass, ROOT)
    assert browse.value.translation_key == "no_media_dir"
    with pytest.raises(media_source.Unresolvable) as resolve:
        await media_source.async_resolve_media(hass, clip["media_source_id"], None)
    assert str(resolve.value) == ("Home Assistant has no media folder to save clips in")


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_empty(hass: HomeAssistant) -> None:
    """With nothing exported the source is just empty."""
    root = await media_source.async_browse_media(hass, ROOT)
    assert root.children == []


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_clips_of_a_hub_that_is_gone(
    hass: HomeAssistant, hub: Hub, media_dir: Path
) -> None:
    """Clips of a removed hub stay browsable, titled by folder; hubs are named."""
    await export(hass, DRIVEWAY, at(hub, 0), 30)
    old = media_dir / "alarmhub" / "ah0999999" / "garage_7" / "2026-01-02"
    await asyncio.to_thread(old.mkdir, parents=True)
    root = await media_source.async_browse_media(hass, ROOT)
    name = init_integration_name(hass)
    assert [c.title for c in root.children] == [
        f"{name}: Driveway",
        "ah0999999: garage_7",
    ]
    garage = await media_source.async_browse_media(hass, f"{ROOT}/ah0999999/garage_7")
    assert garage.title == "garage_7"
    assert [c.title for c in garage.children] == ["2026-01-02"]


@pytest.mark.usefixtures("setup_media_source", "init_integration")
async def test_a_day_without_clips_is_empty(hass: HomeAssistant) -> None:
    """A day folder that does not exist (any more) is just empty."""
    day = await media_source.async_browse_media(
        hass, f"{ROOT}/ah1000001/driveway_1/2026-01-02"
    )
    assert day.children == []
    assert day.title == "Driveway 2026-01-02"


def init_integration_name(hass: HomeAssistant) -> str:
    """Return the loaded hub's name (what the media browser calls it)."""
    (entry,) = hass.config_entries.async_loaded_entries("alarmhub")
    return str(entry.runtime_data.info.name)
