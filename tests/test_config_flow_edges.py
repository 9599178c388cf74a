"""Config flow edges: a hub that vanishes or misbehaves mid-flow, a serial reconfigure.

A misbehaving device is a tiny WebSocket server speaking just enough of the
protocol (docs/protocol.md) to answer wrongly: the simulator follows the
rules, this one does not.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from ipaddress import ip_address
import json
from typing import Any

from aiohttp import WSMsgType, web
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
    CONF_TLS,
    DOMAIN,
    TRANSPORT_NETWORK,
)
from simulator.server import SimulatorServer

from .conftest import SERIAL

type Answer = Callable[[dict[str, Any]], str]


@pytest.fixture(autouse=True)
async def unload_entries(hass: HomeAssistant) -> AsyncGenerator[None]:
    """Unload what a flow created, so its connection closes with the test."""
    yield
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries(DOMAIN):
        await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def odd_hub(answer: Answer) -> tuple[web.AppRunner, int]:
    """Serve /ws, answering each request with ``answer(request)``."""

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                await ws.send_str(answer(json.loads(message.data)))
        return ws

    app = web.Application()
    app.router.add_get("/ws", websocket)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, port


def refuse(code: str) -> Answer:
    """Answer every request with a refusal."""

    def answer(request: dict[str, Any]) -> str:
        error = {"code": code, "reason": "not now"}
        return json.dumps(
            {"type": "res", "id": request["id"], "ok": False, "error": error}
        )

    return answer


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


async def _discover(hass: HomeAssistant, port: int) -> str:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_zeroconf(port)
    )
    assert result["step_id"] == "zeroconf_confirm"
    return str(result["flow_id"])


async def test_hub_gone_before_submit(
    hass: HomeAssistant, simulator: SimulatorServer
) -> None:
    """Discovered, then switched off: the form says it cannot connect."""
    flow_id = await _discover(hass, simulator.port)
    await simulator.stop()
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.usefixtures("socket_enabled")
async def test_hub_refuses_to_pair_for_another_reason(hass: HomeAssistant) -> None:
    """A refusal other than a closed pairing window is an error, not a crash."""
    runner, port = await odd_hub(refuse("busy"))
    try:
        flow_id = await _discover(hass, port)
        result = await hass.config_entries.flow.async_configure(flow_id, {})
    finally:
        await runner.cleanup()
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}


@pytest.mark.usefixtures("socket_enabled")
async def test_paired_token_then_refused(hass: HomeAssistant) -> None:
    """A hub that pairs and then refuses its own token: the form says so."""

    def answer(request: dict[str, Any]) -> str:
        if request["cmd"] == "pair":
            result = {"token": "fresh"}
            return json.dumps(
                {"type": "res", "id": request["id"], "ok": True, "result": result}
            )
        return refuse("auth_failed")(request)

    runner, port = await odd_hub(answer)
    try:
        flow_id = await _discover(hass, port)
        result = await hass.config_entries.flow.async_configure(flow_id, {})
    finally:
        await runner.cleanup()
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


@pytest.mark.usefixtures("socket_enabled")
async def test_device_that_is_not_a_hub(hass: HomeAssistant) -> None:
    """A device that answers nonsense is an unexpected error, logged."""

    def nonsense(request: dict[str, Any]) -> str:
        result = {"model": 7, "serial": None}  # not what a hub says
        return json.dumps(
            {"type": "res", "id": request["id"], "ok": True, "result": result}
        )

    runner, port = await odd_hub(nonsense)
    try:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_HOST: "127.0.0.1", CONF_PORT: port, CONF_TOKEN: "whatever"},
        )
    finally:
        await runner.cleanup()
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}


async def test_reconfigure_serial(
    hass: HomeAssistant, simulator: SimulatorServer, serial_entry: MockConfigEntry
) -> None:
    """A serial hub's reconfigure asks for the port and baud rate."""
    serial_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        serial_entry, data={**serial_entry.data, CONF_SERIAL_PORT: "/dev/ttyGone"}
    )
    result = await serial_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert {str(key) for key in result["data_schema"].schema} == {
        CONF_SERIAL_PORT,
        CONF_BAUDRATE,
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL_PORT: "/dev/ttyStillGone", CONF_BAUDRATE: 115200},
    )
    assert result["errors"] == {"base": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_SERIAL_PORT: simulator.pty_path, CONF_BAUDRATE: 115200},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert serial_entry.data[CONF_SERIAL_PORT] == simulator.pty_path
    await hass.async_block_till_done()


@pytest.mark.usefixtures("socket_enabled")
async def test_tls_hub_unreachable(hass: HomeAssistant) -> None:
    """No certificate to show when nothing answers: the form says so."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: 9, CONF_TOKEN: "t", CONF_TLS: True},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.usefixtures("socket_enabled")
async def test_discovered_tls_hub_unreachable(hass: HomeAssistant) -> None:
    """A TLS hub that vanished right after announcing itself: the flow ends."""
    info = _zeroconf(9)
    info.properties["tls"] = "1"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.usefixtures("socket_enabled")
async def test_reconfigure_to_unreachable_tls(
    hass: HomeAssistant, network_entry: MockConfigEntry
) -> None:
    """Switching a hub to TLS on an address where nothing answers changes nothing."""
    network_entry.add_to_hass(hass)
    result = await network_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: "127.0.0.1", CONF_PORT: 9, CONF_TLS: True}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert network_entry.data[CONF_PORT] != 9
