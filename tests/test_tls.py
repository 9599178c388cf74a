"""TLS: the hub's self-signed certificate, trusted on first use and pinned.

The simulator serves ``wss://`` with a certificate it made (``--tls``). At
set-up the flow fetches the certificate's SHA-256 fingerprint and shows it;
once the user confirms, it is stored as ``fingerprint`` and the connection
accepts that certificate and no other. A hub presenting another one is not
connected to, and a repair issue says why; reconfiguring trusts a new one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.const import (
    CONF_FINGERPRINT,
    CONF_TLS,
    CONF_TRANSPORT,
    DOMAIN,
    SCAN_INTERVAL,
    TRANSPORT_NETWORK,
)
from custom_components.alarmhub.panels.base import Backoff
from custom_components.alarmhub.panels.exceptions import AlarmHubCertificateError
from custom_components.alarmhub.panels.hub.transports import (
    WebSocketTransport,
    fetch_fingerprint,
)
from simulator.hub import Hub
from simulator.server import SimulatorServer
from simulator.tls import ensure_certificate, fingerprint, server_context

from .common import settle
from .conftest import SERIAL, TOKEN
from .operations import HOUSE
from .test_faults import _wait

ISSUE = "certificate_changed"


class TlsHub:
    """The simulator on wss://, with a certificate that can be replaced."""

    def __init__(self, hub: Hub, directory: Path) -> None:
        """Make the hub's certificate in ``directory``."""
        self.hub = hub
        self.directory = directory
        self.server: SimulatorServer | None = None
        self.fingerprint = ""

    async def start(self, port: int = 0) -> None:
        """Serve with the current certificate."""
        cert, key = ensure_certificate(self.directory, self.hub.serial)
        self.fingerprint = fingerprint(cert)
        self.server = SimulatorServer(
            self.hub, port=port, ssl_context=server_context(cert, key)
        )
        await self.server.start()

    @property
    def port(self) -> int:
        """Return the port."""
        assert self.server is not None
        return self.server.port

    async def new_certificate(self) -> None:
        """The hub is reset: a new key pair, same address."""
        port = self.port
        assert self.server is not None
        await self.server.stop()
        for file in self.directory.iterdir():
            file.unlink()
        await self.start(port)

    def entry(self, pin: str | None = None) -> MockConfigEntry:
        """Return a config entry pinning ``pin`` (default: the right one)."""
        return MockConfigEntry(
            domain=DOMAIN,
            title="Demo Home",
            unique_id=SERIAL,
            data={
                CONF_TRANSPORT: TRANSPORT_NETWORK,
                CONF_HOST: "127.0.0.1",
                CONF_PORT: self.port,
                CONF_TOKEN: TOKEN,
                CONF_FINGERPRINT: pin or self.fingerprint,
            },
        )


@pytest.fixture(autouse=True)
async def hub_side_handshake_errors() -> AsyncGenerator[None]:
    """Keep the simulated hub's handshake complaints out of HA's error log.

    The hub shares the test's loop; a real hub logs a client that hung up
    mid-handshake (a wrong pin, plain ws://) in its own process.
    """
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()

    def filtered(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if str(context.get("message", "")).startswith(
            "Error on transport creation for incoming connection"
        ):
            return
        if handler is None:
            loop.default_exception_handler(context)
        else:
            handler(loop, context)

    loop.set_exception_handler(filtered)
    yield
    await asyncio.sleep(0.05)  # handshakes still closing
    loop.set_exception_handler(handler)


@pytest.fixture
async def tls_hub(
    hub: Hub, tmp_path: Path, socket_enabled: None
) -> AsyncGenerator[TlsHub]:
    """Run the hub on wss:// only."""
    served = TlsHub(hub, tmp_path / "tls")
    await served.start()
    yield served
    assert served.server is not None
    await served.server.stop()


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_fetch_fingerprint(tls_hub: TlsHub) -> None:
    """What the client fetches is the certificate the hub serves."""
    assert await fetch_fingerprint("127.0.0.1", tls_hub.port) == tls_hub.fingerprint


async def test_flow_trusts_on_first_use(hass: HomeAssistant, tls_hub: TlsHub) -> None:
    """The flow shows the fingerprint; confirming pins it in the entry."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: tls_hub.port,
            CONF_TOKEN: TOKEN,
            CONF_TLS: True,
        },
    )
    assert result["step_id"] == "tls_confirm"
    assert result["description_placeholders"]["fingerprint"] == tls_hub.fingerprint
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_FINGERPRINT] == tls_hub.fingerprint
    assert CONF_TLS not in result["data"]
    await hass.async_block_till_done()
    assert hass.states.get(HOUSE).state == "disarmed"  # set up over wss://


async def test_tls_off_on_a_tls_port_cannot_connect(
    hass: HomeAssistant, tls_hub: TlsHub
) -> None:
    """Plain ws:// to a hub that only speaks wss:// fails clearly."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: tls_hub.port, CONF_TOKEN: TOKEN},
    )
    assert result["errors"] == {"base": "cannot_connect"}


async def test_pinned_certificate_works(
    hass: HomeAssistant, tls_hub: TlsHub, hub: Hub
) -> None:
    """With the right pin the hub is set up and used over wss://."""
    entry = tls_hub.entry()
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    await hass.services.async_call(
        "alarm_control_panel", "alarm_arm_away", {"entity_id": HOUSE}, blocking=True
    )
    await settle(hass)
    assert hass.states.get(HOUSE).state == "arming"
    assert hub.panel.partitions["1"].state.value == "arming"


async def test_wrong_fingerprint_is_refused(
    hass: HomeAssistant, tls_hub: TlsHub, issue_registry: ir.IssueRegistry
) -> None:
    """Another certificate: no connection, a repair issue; reconfigure re-pins."""
    entry = tls_hub.entry(pin=":".join(["AB"] * 32))
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.get(HOUSE) is None
    issue = issue_registry.async_get_issue(DOMAIN, f"{ISSUE}_{entry.entry_id}")
    assert issue is not None and issue.translation_key == ISSUE
    assert issue.severity is ir.IssueSeverity.ERROR

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_HOST: "127.0.0.1", CONF_PORT: tls_hub.port, CONF_TLS: True},
    )
    assert result["step_id"] == "tls_confirm"
    assert result["description_placeholders"]["fingerprint"] == tls_hub.fingerprint
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_FINGERPRINT] == tls_hub.fingerprint
    assert entry.state is ConfigEntryState.LOADED
    assert issue_registry.async_get_issue(DOMAIN, f"{ISSUE}_{entry.entry_id}") is None


async def test_certificate_replaced_while_running(
    hass: HomeAssistant, tls_hub: TlsHub, issue_registry: ir.IssueRegistry
) -> None:
    """The hub comes back with another certificate: never trusted silently.

    The client keeps trying (the old certificate may come back); the next
    poll raises the repair issue, and a restart of HA does not connect either.
    """
    entry = tls_hub.entry()
    await _setup(hass, entry)
    client = entry.runtime_data.client
    client.backoff = Backoff(initial=0.02, maximum=0.1)
    await tls_hub.new_certificate()
    await _wait(lambda: client.certificate_changed)
    assert hass.states.get(HOUSE).state == "unavailable"
    async_fire_time_changed(hass, dt_util.utcnow() + SCAN_INTERVAL)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"{ISSUE}_{entry.entry_id}")
    assert not client.connected
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_zeroconf_tls_hub(hass: HomeAssistant, tls_hub: TlsHub, hub: Hub) -> None:
    """tls=1 in the TXT record: confirm the fingerprint, then pair over wss://."""
    hub.pairing = True
    info = ZeroconfServiceInfo(
        ip_address=ip_address("127.0.0.1"),
        ip_addresses=[ip_address("127.0.0.1")],
        hostname="alarmhub-ah1000001.local.",
        name="AlarmHub AH1000001._alarmhub._tcp.local.",
        port=tls_hub.port,
        type="_alarmhub._tcp.local.",
        properties={"serial": SERIAL, "name": "Demo Home", "tls": "1"},
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=info
    )
    assert result["step_id"] == "tls_confirm"
    assert result["description_placeholders"]["fingerprint"] == tls_hub.fingerprint
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "zeroconf_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_FINGERPRINT] == tls_hub.fingerprint
    assert result["data"][CONF_TOKEN] == TOKEN
    await hass.async_block_till_done()


async def test_hub_gone_after_showing_its_certificate(
    hass: HomeAssistant, tls_hub: TlsHub
) -> None:
    """Confirmed, but the hub went away meanwhile: the form says so, nothing added."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_HOST: "127.0.0.1",
            CONF_PORT: tls_hub.port,
            CONF_TOKEN: TOKEN,
            CONF_TLS: True,
        },
    )
    assert result["step_id"] == "tls_confirm"
    assert tls_hub.server is not None
    await tls_hub.server.stop()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}
    assert not hass.config_entries.async_entries(DOMAIN)
    await tls_hub.server.start()  # the fixture stops it again


async def test_clip_download_checks_the_pin(
    hass: HomeAssistant, tls_hub: TlsHub
) -> None:
    """A file fetched over HTTPS is refused under a certificate not pinned."""
    wrong = ":".join(["00"] * 32)
    transport = WebSocketTransport(
        async_get_clientsession(hass), "127.0.0.1", tls_hub.port, fingerprint=wrong
    )
    with pytest.raises(AlarmHubCertificateError, match="fingerprint mismatch"):
        async with transport.open_http("/clips/any.mp4"):
            pass
