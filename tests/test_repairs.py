"""Repairs: a serial hub whose port vanished is fixed by choosing the new one."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import copy
from typing import Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import (
    CONF_BAUDRATE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DOMAIN,
    TRANSPORT_SERIAL,
)
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.server import SimulatorServer

from .citizenship.source import lookup, strings
from .conftest import SERIAL, TOKEN

GONE = "/dev/ttyUSB-alarmhub-gone"


def serial_entry(port: str) -> MockConfigEntry:
    """Return a serial config entry of the demo hub on ``port``."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Demo Home",
        unique_id=SERIAL,
        data={
            CONF_TRANSPORT: TRANSPORT_SERIAL,
            CONF_SERIAL_PORT: port,
            CONF_BAUDRATE: 115200,
        },
    )


def issue_id(entry: MockConfigEntry) -> str:
    return f"serial_port_missing_{entry.entry_id}"


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def other_hub(
    site: dict[str, Any], socket_enabled: None
) -> AsyncGenerator[SimulatorServer]:
    """Run a second hub (another serial number) on its own pty."""
    other = copy.deepcopy(site)
    other["hub"]["serial"] = "AH1000999"
    server = SimulatorServer(
        Hub(other, clock=ManualClock(), token=TOKEN), serial_pty=True
    )
    await server.start()
    yield server
    await server.stop()


async def test_missing_port_is_repaired(
    hass: HomeAssistant,
    simulator: SimulatorServer,
    other_hub: SimulatorServer,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The issue names the port; the fix flow checks the hub, saves and reloads."""
    entry = serial_entry(GONE)
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    issue = issue_registry.async_get_issue(DOMAIN, issue_id(entry))
    assert issue is not None
    assert issue.is_fixable
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.translation_key == "serial_port_missing"
    assert issue.translation_placeholders == {"name": "Demo Home", "port": GONE}

    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id(entry)})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "choose_port"
    assert result["description_placeholders"] == {"name": "Demo Home", "port": GONE}
    fix = lookup(
        strings(), ("issues", "serial_port_missing", "fix_flow", "step", "choose_port")
    )
    assert set(fix["data"]) == set(fix["data_description"]) == {CONF_SERIAL_PORT}

    # Nothing there, then another hub: refused, nothing saved.
    result = await manager.async_configure(
        result["flow_id"], {CONF_SERIAL_PORT: "/dev/ttyUSB-alarmhub-also-gone"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await manager.async_configure(
        result["flow_id"], {CONF_SERIAL_PORT: other_hub.pty_path}
    )
    assert result["errors"] == {"base": "wrong_hub"}
    for error in ("cannot_connect", "wrong_hub"):
        assert lookup(
            strings(), ("issues", "serial_port_missing", "fix_flow", "error", error)
        )
    assert entry.data[CONF_SERIAL_PORT] == GONE

    result = await manager.async_configure(
        result["flow_id"], {CONF_SERIAL_PORT: simulator.pty_path}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.data[CONF_SERIAL_PORT] == simulator.pty_path
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry)) is None
    assert hass.states.get("alarm_control_panel.demo_home_house") is not None
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    "port",
    [
        pytest.param("socket://127.0.0.1:9", id="network-bridge"),
        pytest.param("/dev/null", id="port-exists"),
    ],
)
@pytest.mark.usefixtures("socket_enabled")
async def test_no_issue_when_the_port_is_there(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry, port: str
) -> None:
    """A hub that does not answer on an existing port is retried, not repaired."""
    entry = serial_entry(port)
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry)) is None


@pytest.mark.usefixtures("socket_enabled")
async def test_no_issue_for_a_network_hub(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """An unreachable network hub is retried; there is no port to choose."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=SERIAL,
        data={
            CONF_TRANSPORT: "network",
            CONF_HOST: "127.0.0.1",
            CONF_PORT: 9,
            CONF_TOKEN: TOKEN,
        },
    )
    await setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert not issue_registry.issues


async def test_issue_goes_with_the_entry(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Removing the hub removes its repair."""
    entry = serial_entry(GONE)
    await setup(hass, entry)
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry)) is not None
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id(entry)) is None
