"""Config flow: network, serial, zeroconf, reauth, reconfigure."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from ipaddress import ip_address

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DOMAIN,
    TRANSPORT_NETWORK,
    TRANSPORT_SERIAL,
)
from simulator.hub import Hub
from simulator.server import SimulatorServer

from .conftest import SERIAL, TOKEN

pytestmark = pytest.mark.usefixtures("simulator")


@pytest.fixture(autouse=True)
async def unload_entries(hass: HomeAssistant) -> AsyncGenerator[None]:
    """Unload what a flow created, so its connection closes with the test."""
    yield
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


def _zeroconf(port: int) -> ZeroconfServiceInfo:
    return ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        hostname="alarmhub-ah1000001.local.",
        name="AlarmHub AH1000001._alarmhub._tcp.local.",
        port=port,
        type="_alarmhub._tcp.local.",
        properties={"serial": SERIAL, "model": "ADC-HUB-3000", "name": "Demo Home"},
    )


async def _start_network(hass: HomeAssistant) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
    )
    assert result["step_id"] == TRANSPORT_NETWORK
    return result["flow_id"]


async def test_network_success(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    """A reachable hub with the right token becomes an entry named after it."""
    flow_id = await _start_network(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Demo Home"
    assert result["result"].unique_id == SERIAL
    assert result["data"] == {
        CONF_TRANSPORT: TRANSPORT_NETWORK,
        CONF_HOST: "127.0.0.1",
        CONF_PORT: simulator.port,
        CONF_TOKEN: TOKEN,
    }


@pytest.mark.parametrize(
    ("token", "port_offset", "error"),
    [("wrong-token", 0, "invalid_auth"), (TOKEN, 1, "cannot_connect")],
)
async def test_network_errors_then_recover(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    token: str,
    port_offset: int,
    error: str,
) -> None:
    """Errors show on the form; fixing the input finishes the flow."""
    flow_id = await _start_network(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port + port_offset if port_offset else simulator.port,
            CONF_TOKEN: token,
        },
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_network_already_configured(
    hass: HomeAssistant, simulator: SimulatorServer, network_entry: MockConfigEntry
) -> None:
    """The same hub cannot be added twice."""
    network_entry.add_to_hass(hass)
    flow_id = await _start_network(hass)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port, CONF_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_serial_success(hass: HomeAssistant, simulator: SimulatorServer) -> None:
    """A hub on the serial pty is found by its serial number."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_SERIAL}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL_PORT: simulator.pty_path, CONF_BAUDRATE: 115200},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == SERIAL
    assert result["data"][CONF_TRANSPORT] == TRANSPORT_SERIAL


async def test_serial_cannot_connect(hass: HomeAssistant) -> None:
    """A port that does not exist is reported on the form."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_SERIAL}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL_PORT: "/dev/does-not-exist", CONF_BAUDRATE: 115200},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_zeroconf_one_click(
    hass: HomeAssistant, simulator: SimulatorServer, hub: Hub
) -> None:
    """A discovered hub in pairing mode is added with one click, no typing."""
    hub.pairing = True
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_TOKEN] == TOKEN
    assert result["result"].unique_id == SERIAL


async def test_zeroconf_pairing_closed_asks_for_token(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """With the pairing window closed the flow asks for the token."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "zeroconf_token"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: "nope"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: TOKEN}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_zeroconf_already_configured_updates_host(
    hass: HomeAssistant, simulator: SimulatorServer, network_entry: MockConfigEntry
) -> None:
    """Rediscovery of a known hub updates its address and aborts."""
    network_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        network_entry, data={**network_entry.data, CONF_PORT: 1}
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(simulator.port)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert network_entry.data[CONF_PORT] == simulator.port


async def test_zeroconf_without_serial_is_ignored(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """Something else answering on the service type is not offered."""
    info = _zeroconf(simulator.port)
    info.properties.clear()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_alarmhub"


async def test_reauth(
    hass: HomeAssistant, network_entry: MockConfigEntry, hub: Hub
) -> None:
    """A new token is checked and stored; the entry reloads."""
    network_entry.add_to_hass(hass)
    hub.token = "rotated-token"
    result = await network_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: TOKEN}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: "rotated-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert network_entry.data[CONF_TOKEN] == "rotated-token"
    await hass.async_block_till_done()


async def test_reconfigure(
    hass: HomeAssistant, simulator: SimulatorServer, network_entry: MockConfigEntry
) -> None:
    """The host and port can change; the token stays."""
    network_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        network_entry, data={**network_entry.data, CONF_PORT: 1}
    )
    result = await network_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert CONF_TOKEN not in result["data_schema"].schema
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert network_entry.data[CONF_PORT] == simulator.port
    assert network_entry.data[CONF_TOKEN] == TOKEN
    await hass.async_block_till_done()
