"""A Vista-20P behind an emulated AD2, and the integration set up on it.

The emulator (``simulator/ad2``) is served over loopback TCP (as ser2sock)
and a pty (as an AD2USB); every test that takes ``ad2_entry`` runs over
both. The panel's clock and the emulator's are the same manual clock, so no
test waits for an exit delay or a keypad interval in real time.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub import connection
from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_KEYPAD_ADDRESS,
    CONF_MASTER_CODE,
    CONF_PANEL,
    CONF_PANEL_TYPE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    CONF_ZONES,
    DOMAIN,
    PANEL_ALARMDECODER,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

from ..ad2_helpers import ad2, ad2_clock

__all__ = ["ad2", "ad2_clock"]

MASTER = "1234"
ALEX = "4826"
#: The zones a user named in the options (the others appear as they fault).
ZONES = {
    "1": {"name": "Kitchen smoke", "type": "smoke"},
    "3": {"name": "Hall motion", "type": "motion"},
    "5": {"name": "Front door", "type": "door"},
    "6": {"name": "Back door", "type": "door"},
    "7": {"name": "Living room window", "type": "window"},
}
PANEL = "alarm_control_panel.vista_alarm"
PREFIX = "vista_alarm"


@pytest.fixture(autouse=True)
def panel_clock(ad2_clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """Run the integration's AlarmDecoder clock on the emulator's clock."""
    monkeypatch.setattr(connection, "PANEL_CLOCK", ad2_clock.time)
    return ad2_clock


@pytest.fixture
def zones() -> dict[str, dict[str, str]]:
    """Return the zones named in the entry's options."""
    return dict(ZONES)


@pytest.fixture(params=[TRANSPORT_NETWORK, TRANSPORT_SERIAL])
def ad2_transport(request: pytest.FixtureRequest) -> str:
    """Run the test over ser2sock TCP, then over the serial pty."""
    return str(request.param)


def ad2_data(server: AD2Server, transport: str) -> dict[str, Any]:
    """Return an entry's data for the emulator on ``transport``."""
    data: dict[str, Any] = {
        CONF_PANEL: PANEL_ALARMDECODER,
        CONF_TRANSPORT: transport,
        CONF_PANEL_TYPE: "vista",
        CONF_KEYPAD_ADDRESS: 18,
        CONF_MASTER_CODE: MASTER,
    }
    if transport == TRANSPORT_SERIAL:
        data |= {CONF_SERIAL_PORT: server.pty_path, CONF_BAUDRATE: 115200}
    else:
        data |= {CONF_HOST: server.host, CONF_PORT: server.tcp_port}
    return data


@pytest.fixture
def ad2_entry(
    ad2: AD2Server, ad2_transport: str, zones: dict[str, dict[str, str]]
) -> MockConfigEntry:
    """Return a config entry for the emulated Vista."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Vista",
        unique_id=ad2.device.site.ad2_serial,
        data=ad2_data(ad2, ad2_transport),
        options={CONF_ZONES: zones},
    )


@pytest.fixture
def known_users() -> dict[int, str]:
    """Return the users Home Assistant remembers from an earlier run."""
    return {3: "Alex"}


@pytest.fixture
async def setup_ad2(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    ad2_entry: MockConfigEntry,
    known_users: dict[int, str],
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the integration against the emulated Vista."""
    key = f"{DOMAIN}.users.{ad2_entry.entry_id}"
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {"users": {str(n): name for n, name in known_users.items()}},
    }
    ad2_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ad2_entry.entry_id)
    await hass.async_block_till_done()
    yield ad2_entry
    await hass.async_block_till_done()
    if hass.config_entries.async_get_entry(ad2_entry.entry_id) is not None:
        await hass.config_entries.async_unload(ad2_entry.entry_id)
        await hass.async_block_till_done()
