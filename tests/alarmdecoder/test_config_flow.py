"""Config flow of an AlarmDecoder: menu, network and serial steps, reconfigure.

Each flow talks to the emulated AD2 (ser2sock TCP or the serial pty): the
entry's unique id is the serial number the AD2 reports with ``!VER``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
import socket
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import probatio as vol
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
    DOMAIN,
    PANEL_ALARMDECODER,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from simulator.ad2 import AD2Server

from .conftest import MASTER, ad2_data
from .helpers import wait_state

SERIAL = "0001a2f3"  # what the Vista site's AD2 reports with !VER


@pytest.fixture(autouse=True)
async def unload_entries(hass: HomeAssistant, ad2: AD2Server) -> AsyncGenerator[None]:
    """Unload what a flow created, before the emulator stops."""
    yield
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


def _step(transport: str) -> str:
    return "ad2_serial" if transport == TRANSPORT_SERIAL else "ad2_network"


def _line(server: AD2Server, transport: str) -> dict[str, Any]:
    """Return the form's connection fields for the emulator on ``transport``."""
    if transport == TRANSPORT_SERIAL:
        return {CONF_SERIAL_PORT: server.pty_path, CONF_BAUDRATE: 115200}
    return {CONF_HOST: server.host, CONF_PORT: server.tcp_port}


def _hides_master_code(result: Any) -> None:
    """The master code is never sent back to the browser (default or suggestion)."""
    (key,) = (k for k in result["data_schema"].schema if k == CONF_MASTER_CODE)
    assert key.default is vol.UNDEFINED
    assert not (key.description or {}).get("suggested_value")


async def _start(hass: HomeAssistant, transport: str) -> str:
    """Open the flow: menu -> AlarmDecoder -> network or serial."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert PANEL_ALARMDECODER in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": PANEL_ALARMDECODER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["ad2_network", "ad2_serial"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": _step(transport)}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == _step(transport)
    assert not result["errors"]
    return str(result["flow_id"])


async def test_vista_entry_on_both_lines(
    hass: HomeAssistant, ad2: AD2Server, ad2_transport: str
) -> None:
    """A Vista behind the AD2: an entry named after the panel, keyed by the AD2."""
    flow_id = await _start(hass, ad2_transport)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, ad2_transport),
            CONF_PANEL_TYPE: "vista",
            CONF_KEYPAD_ADDRESS: 18,
            CONF_MASTER_CODE: MASTER,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL
    assert result["data"] == ad2_data(ad2, ad2_transport)
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    await wait_state(hass, "alarm_control_panel.vista_alarm", "disarmed")


async def test_keypad_address_is_optional(hass: HomeAssistant, ad2: AD2Server) -> None:
    """Without an address the AD2's own is used; the entry does not store one."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, TRANSPORT_NETWORK),
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: MASTER,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_KEYPAD_ADDRESS not in result["data"]


@pytest.mark.parametrize("code", ["123", "12345", "12a4", "١٢٣٤", ""])
async def test_invalid_master_code(
    hass: HomeAssistant, ad2: AD2Server, code: str
) -> None:
    """A Vista master code has 4 ASCII digits; the form says so, keeps the rest."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, TRANSPORT_NETWORK),
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: code,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MASTER_CODE: "invalid_master_code"}
    assert not hass.config_entries.async_entries(DOMAIN)
    _hides_master_code(result)


async def test_dsc_takes_six_digits_and_no_address(
    hass: HomeAssistant, ad2: AD2Server
) -> None:
    """A DSC master code may have 6 digits; a DSC keybus has no keypad address."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, TRANSPORT_NETWORK),
            CONF_PANEL_TYPE: "dsc",
            CONF_KEYPAD_ADDRESS: 18,
            CONF_MASTER_CODE: "123456",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_PANEL_TYPE] == "dsc"
    assert CONF_KEYPAD_ADDRESS not in result["data"]


async def test_keypad_address_out_of_range(hass: HomeAssistant, ad2: AD2Server) -> None:
    """An AD2 takes a keypad address from 16 to 31 only."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(
            flow_id,
            {
                **_line(ad2, TRANSPORT_NETWORK),
                CONF_PANEL_TYPE: "vista",
                CONF_KEYPAD_ADDRESS: 5,
                CONF_MASTER_CODE: MASTER,
            },
        )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.usefixtures("socket_enabled")
async def test_cannot_connect_then_fixed(hass: HomeAssistant, ad2: AD2Server) -> None:
    """Nothing listens on the port: cannot_connect; the right port then works."""
    flow_id = await _start(hass, TRANSPORT_NETWORK)
    fields = {CONF_PANEL_TYPE: "vista", CONF_MASTER_CODE: MASTER}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: _closed_port(), **fields}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**_line(ad2, TRANSPORT_NETWORK), **fields}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_serial_port_missing(hass: HomeAssistant, tmp_path: Any) -> None:
    """A serial port that does not exist: cannot_connect."""
    flow_id = await _start(hass, TRANSPORT_SERIAL)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_SERIAL_PORT: str(tmp_path / "ttyUSB9"),
            CONF_BAUDRATE: 115200,
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: MASTER,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_same_ad2_twice_is_aborted(
    hass: HomeAssistant, ad2: AD2Server, ad2_transport: str
) -> None:
    """The AD2's serial identifies the panel: it is added once, on any line."""
    MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        data=ad2_data(ad2, TRANSPORT_NETWORK),
    ).add_to_hass(hass)
    flow_id = await _start(hass, ad2_transport)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, ad2_transport),
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: MASTER,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def _reconfigure(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    _hides_master_code(result)
    return str(result["flow_id"])


async def test_reconfigure_keeps_the_master_code(
    hass: HomeAssistant, ad2: AD2Server, ad2_transport: str
) -> None:
    """Reconfigure without a master code keeps the stored one; a new one replaces it."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=SERIAL, data=ad2_data(ad2, ad2_transport)
    )
    entry.add_to_hass(hass)
    flow_id = await _reconfigure(hass, entry)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, ad2_transport),
            CONF_PANEL_TYPE: "vista",
            CONF_KEYPAD_ADDRESS: 19,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_MASTER_CODE] == MASTER
    assert entry.data[CONF_KEYPAD_ADDRESS] == 19
    assert entry.data[CONF_PANEL] == PANEL_ALARMDECODER
    assert entry.data[CONF_TRANSPORT] == ad2_transport
    # The reload loaded the entry; a serial port has one reader at a time, so
    # the flow's check needs the running entry to let go of it first.
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)

    flow_id = await _reconfigure(hass, entry)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, ad2_transport),
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: "12",
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MASTER_CODE: "invalid_master_code"}
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            **_line(ad2, ad2_transport),
            CONF_PANEL_TYPE: "vista",
            CONF_MASTER_CODE: "5678",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_MASTER_CODE] == "5678"


async def test_reconfigure_to_another_ad2_is_refused(
    hass: HomeAssistant, ad2: AD2Server
) -> None:
    """An entry keyed by another AD2 cannot be pointed at this one."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="00ffffff", data=ad2_data(ad2, TRANSPORT_NETWORK)
    )
    entry.add_to_hass(hass)
    flow_id = await _reconfigure(hass, entry)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**_line(ad2, TRANSPORT_NETWORK), CONF_PANEL_TYPE: "vista"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_hub"
    assert entry.data[CONF_HOST] == ad2.host
