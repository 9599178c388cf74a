"""Build a panel client from a config entry's data: the hub or an AlarmDecoder."""

from collections.abc import Callable, Mapping
import time
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_BAUDRATE,
    CONF_FINGERPRINT,
    CONF_KEYPAD_ADDRESS,
    CONF_MASTER_CODE,
    CONF_PANEL,
    CONF_PANEL_TYPE,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    CONF_ZONES,
    DEFAULT_BAUDRATE,
    LOGGER,
    PANEL_ALARMDECODER,
    TRANSPORT_SERIAL,
)
from .panels.alarmdecoder import (
    AlarmDecoderPanel,
    PanelType,
    ZoneConfig,
    create_transport,
)
from .panels.base import Panel
from .panels.hub import (
    AlarmHubAuthError,
    AlarmHubClient,
    AlarmHubConnectionError,
    AlarmHubError,
    HubInfo,
    SerialTransport,
    Transport,
    WebSocketTransport,
)
from .panels.models import ZoneType


def async_create_transport(hass: HomeAssistant, data: Mapping[str, Any]) -> Transport:
    """Return the transport the entry data describes."""
    if data.get(CONF_TRANSPORT) == TRANSPORT_SERIAL:
        return SerialTransport(
            data[CONF_SERIAL_PORT], data.get(CONF_BAUDRATE, DEFAULT_BAUDRATE)
        )
    return WebSocketTransport(
        async_get_clientsession(hass),
        data[CONF_HOST],
        data[CONF_PORT],
        fingerprint=data.get(CONF_FINGERPRINT),
    )


def async_create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> AlarmHubClient:
    """Return an unconnected client for the entry data."""
    return AlarmHubClient(
        async_create_transport(hass, data),
        token=data.get(CONF_TOKEN),
        client_name="home-assistant",
    )


#: The AlarmDecoder panel's clock for silence and zone expiry (tests put the
#: emulator's manual clock here, so that no test waits in real time).
PANEL_CLOCK: Callable[[], float] = time.monotonic


def is_alarmdecoder(data: Mapping[str, Any]) -> bool:
    """Return True for an entry (or flow data) of an AlarmDecoder panel."""
    return data.get(CONF_PANEL) == PANEL_ALARMDECODER


def zone_configs(options: Mapping[str, Any]) -> dict[int, ZoneConfig]:
    """Return the zones the user described in the options, by number."""
    zones: Mapping[str, Mapping[str, str]] = options.get(CONF_ZONES, {})
    return {
        int(number): ZoneConfig(
            number=int(number), name=zone["name"], type=ZoneType(zone["type"])
        )
        for number, zone in zones.items()
    }


def async_create_panel(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    *,
    title: str = "",
    options: Mapping[str, Any] | None = None,
    users: Mapping[int, str] | None = None,
) -> Panel:
    """Return an unconnected panel client for the entry data."""
    if not is_alarmdecoder(data):
        return async_create_client(hass, data)
    if data.get(CONF_TRANSPORT) == TRANSPORT_SERIAL:
        transport = create_transport(
            serial_port=data[CONF_SERIAL_PORT],
            baudrate=data.get(CONF_BAUDRATE, DEFAULT_BAUDRATE),
        )
    else:
        transport = create_transport(host=data[CONF_HOST], port=data[CONF_PORT])
    return AlarmDecoderPanel(
        transport,
        panel_type=PanelType(data[CONF_PANEL_TYPE]),
        master_code=data[CONF_MASTER_CODE],
        name=title or PanelType(data[CONF_PANEL_TYPE]).value.title(),
        keypad_address=data.get(CONF_KEYPAD_ADDRESS),
        zones=zone_configs(options or {}),
        users=users or {},
        monotonic=lambda: PANEL_CLOCK(),  # noqa: PLW0108 - read at each call
    )


async def async_try_connect(
    hass: HomeAssistant, data: Mapping[str, Any], errors: dict[str, str]
) -> HubInfo | None:
    """Connect once with ``data`` (a flow's check); fill ``errors`` on failure."""
    client = async_create_panel(hass, data)
    try:
        return await client.connect()
    except AlarmHubAuthError:
        errors["base"] = "invalid_auth"
    except AlarmHubConnectionError:
        errors["base"] = "cannot_connect"
    except AlarmHubError:
        LOGGER.exception("Unexpected error talking to the panel")
        errors["base"] = "unknown"
    finally:
        await client.close()
    return None
