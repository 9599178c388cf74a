"""Setting up the Vista through the config flow, and naming its zones."""

from __future__ import annotations

import socket
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

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

from .conftest import MASTER, PREFIX
from .helpers import wait_state


def _form(ad2: AD2Server, transport: str, master: str = MASTER) -> dict[str, Any]:
    if transport == TRANSPORT_SERIAL:
        where: dict[str, Any] = {
            CONF_SERIAL_PORT: ad2.pty_path,
            CONF_BAUDRATE: 115200,
        }
    else:
        where = {CONF_HOST: ad2.host, CONF_PORT: ad2.tcp_port}
    return {
        **where,
        CONF_PANEL_TYPE: "vista",
        CONF_KEYPAD_ADDRESS: 18,
        CONF_MASTER_CODE: master,
    }


async def _start(hass: HomeAssistant, transport: str) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert PANEL_ALARMDECODER in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": PANEL_ALARMDECODER}
    )
    assert result["type"] is FlowResultType.MENU
    step = "ad2_serial" if transport == TRANSPORT_SERIAL else "ad2_network"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    return str(result["flow_id"])


async def test_flow_creates_the_vista_entry(
    hass: HomeAssistant, ad2: AD2Server, ad2_transport: str
) -> None:
    """Menu -> AlarmDecoder -> transport form: the entry is the AD2's serial."""
    flow_id = await _start(hass, ad2_transport)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(ad2, ad2_transport)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.unique_id == ad2.device.site.ad2_serial
    assert entry.data[CONF_PANEL] == PANEL_ALARMDECODER
    assert entry.data[CONF_TRANSPORT] == ad2_transport
    assert entry.data[CONF_MASTER_CODE] == MASTER
    await hass.async_block_till_done()
    # The same AD2 again (unloaded, so its serial port is free): refused.
    assert await hass.config_entries.async_unload(entry.entry_id)
    flow_id = await _start(hass, ad2_transport)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(ad2, ad2_transport)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


@pytest.mark.parametrize("master", ["12", "12a4", "123456"])
async def test_flow_refuses_a_bad_master_code(
    hass: HomeAssistant, ad2: AD2Server, ad2_transport: str, master: str
) -> None:
    """A Vista master code has 4 digits: the form says so, no entry."""
    flow_id = await _start(hass, ad2_transport)
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(ad2, ad2_transport, master)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MASTER_CODE: "invalid_master_code"}
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_flow_cannot_connect(hass: HomeAssistant, ad2: AD2Server) -> None:
    """Nobody listens on the port: cannot_connect, and a retry works."""
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    form = _form(ad2, TRANSPORT_NETWORK) | {CONF_PORT: free}
    result = await hass.config_entries.flow.async_configure(flow_id, form)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, _form(ad2, TRANSPORT_NETWORK)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert await hass.config_entries.async_unload(result["result"].entry_id)


async def test_a_zone_appears_when_it_faults_then_is_named(
    hass: HomeAssistant,
    setup_ad2: MockConfigEntry,
    ad2: AD2Server,
    ad2_clock: ManualClock,
) -> None:
    """Zone 8 is in no option: it appears as Zone 08, then gets its name."""
    ad2.panel.set_zone(8, True)
    await wait_state(hass, f"binary_sensor.{PREFIX}_zone_08", "on")
    result = await hass.config_entries.options.async_init(setup_ad2.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "zone"}
    )
    assert result["type"] is FlowResultType.FORM
    # The form offers the unnamed zone first.
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested["zone"] == 8
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zone": 8, "name": " Kitchen window ", "type": "door"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_ad2.options[CONF_ZONES]["8"] == {
        "name": "Kitchen window",
        "type": "door",
    }
    await hass.async_block_till_done()
    # The entry reloaded with the name; the next keypad round shows the fault.
    ad2_clock.advance(4)
    state = await wait_state(hass, f"binary_sensor.{PREFIX}_zone_08", "on")
    assert state.attributes["friendly_name"] == "Alarm Kitchen window"


async def test_dsc_master_code_lengths(hass: HomeAssistant, ad2: AD2Server) -> None:
    """A DSC takes 4 or 6 digits, never 5."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    form = _form(ad2, TRANSPORT_NETWORK, "12345") | {CONF_PANEL_TYPE: "dsc"}
    result = await hass.config_entries.flow.async_configure(flow_id, form)
    assert result["errors"] == {CONF_MASTER_CODE: "invalid_master_code"}


async def test_reconfigure_keeps_or_replaces_the_master_code(
    hass: HomeAssistant, setup_ad2: MockConfigEntry, ad2: AD2Server
) -> None:
    """Left blank, the master code stays; typed, a bad one is refused."""
    data = dict(setup_ad2.data)
    where = (
        {CONF_SERIAL_PORT: data[CONF_SERIAL_PORT], CONF_BAUDRATE: 115200}
        if data[CONF_TRANSPORT] == TRANSPORT_SERIAL
        else {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
    )
    result = await setup_ad2.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    # The loaded entry holds the serial port: unload first, as a user would.
    assert await hass.config_entries.async_unload(setup_ad2.entry_id)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**where, CONF_PANEL_TYPE: "vista", CONF_MASTER_CODE: "12"},
    )
    assert result["errors"] == {CONF_MASTER_CODE: "invalid_master_code"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**where, CONF_PANEL_TYPE: "vista", CONF_KEYPAD_ADDRESS: 19}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert setup_ad2.data[CONF_MASTER_CODE] == MASTER
    assert setup_ad2.data[CONF_KEYPAD_ADDRESS] == 19
    await hass.async_block_till_done()


async def test_forgetting_a_zone(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """Removed from the options, the back door is no longer described."""
    result = await hass.config_entries.options.async_init(setup_ad2.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "zone_remove"}
    )
    assert result["step_id"] == "zone_remove"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"zones": ["6"]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "6" not in setup_ad2.options[CONF_ZONES]
    assert "5" in setup_ad2.options[CONF_ZONES]
    await hass.async_block_till_done()
    # Nobody describes zone 6 now, and the keypad has not shown it: the old
    # entity stays registered, unavailable, until the zone faults again.
    state = hass.states.get(f"binary_sensor.{PREFIX}_back_door")
    assert state is not None
    assert state.state == "unavailable"
    assert state.attributes.get("restored") is True


async def test_removing_the_entry_forgets_its_users(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_ad2: MockConfigEntry,
) -> None:
    """The stored user list (names and numbers) goes with the entry."""
    key = f"{DOMAIN}.users.{setup_ad2.entry_id}"
    assert key in hass_storage
    assert await hass.config_entries.async_remove(setup_ad2.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
