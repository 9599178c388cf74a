"""Fixtures: a real hub simulator on loopback, and the integration set up on it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from hypothesis import settings
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DOMAIN,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.server import SimulatorServer

TOKEN = "test-token-5f2a9c"
SERIAL = "AH1000001"

# No test may depend on how fast the machine is: Hypothesis's per-example
# deadline (200 ms) failed a property test on a loaded CI machine. Examples
# are derandomized so every run checks the same ones.
settings.register_profile("alarmhub", deadline=None, derandomize=True)
settings.load_profile("alarmhub")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let HA load custom_components/alarmhub."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialize HA objects without their random ids and times."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
def debug_everywhere() -> Generator[None]:
    """Put every logger, the root included, at DEBUG for the test."""
    loggers = [
        logging.getLogger(),
        *map(logging.getLogger, logging.root.manager.loggerDict),
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def site() -> dict[str, Any]:
    """Return the demo site (tests may change it before the hub starts)."""
    return load_site()


@pytest.fixture(scope="session")
def recordings_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a cache of simulated recordings shared by the whole session."""
    return tmp_path_factory.mktemp("recordings")


@pytest.fixture
def small_recordings(recordings_dir: Path) -> dict[str, Any]:
    """Return a site's ``recordings``: small (20 min, 160x96, 5 fps) and cached.

    Put it in the site from a ``site`` fixture override, so it is there
    before the hub is built.
    """
    return {
        "seconds": 1200,
        "size": "160x96",
        "fps": 5,
        "cache_dir": str(recordings_dir),
    }


@pytest.fixture
def clock() -> ManualClock:
    """Return the simulator's clock, moved only by the test."""
    return ManualClock()


@pytest.fixture
def hub(site: dict[str, Any], clock: ManualClock) -> Hub:
    """Return the simulated hub."""
    return Hub(site, clock=clock, token=TOKEN)


@pytest.fixture
async def simulator(hub: Hub, socket_enabled: None) -> AsyncGenerator[SimulatorServer]:
    """Run the hub on a loopback port and a pty."""
    server = SimulatorServer(hub, serial_pty=True)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def network_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry for the hub over WebSocket."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Demo Home",
        unique_id=SERIAL,
        data={
            CONF_TRANSPORT: TRANSPORT_NETWORK,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_TOKEN: TOKEN,
        },
    )


@pytest.fixture
def serial_entry(simulator: SimulatorServer) -> MockConfigEntry:
    """Return a config entry for the hub over the serial pty."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Demo Home",
        unique_id=SERIAL,
        data={
            CONF_TRANSPORT: TRANSPORT_SERIAL,
            CONF_SERIAL_PORT: simulator.pty_path,
            CONF_BAUDRATE: 115200,
        },
    )


@pytest.fixture
def config_entry(network_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the config entry the platform tests use."""
    return network_entry


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the integration against the running simulator."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    yield config_entry
    await hass.config_entries.async_unload(config_entry.entry_id)
    await hass.async_block_till_done()
