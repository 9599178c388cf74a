"""Build a hub client from a config entry's data."""

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import (
    CONF_BAUDRATE,
    CONF_FINGERPRINT,
    CONF_SERIAL_PORT,
    CONF_TRANSPORT,
    DEFAULT_BAUDRATE,
    LOGGER,
    TRANSPORT_SERIAL,
)
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


async def async_try_connect(
    hass: HomeAssistant, data: Mapping[str, Any], errors: dict[str, str]
) -> HubInfo | None:
    """Connect once with ``data`` (a flow's check); fill ``errors`` on failure."""
    client = async_create_client(hass, data)
    try:
        return await client.connect()
    except AlarmHubAuthError:
        errors["base"] = "invalid_auth"
    except AlarmHubConnectionError:
        errors["base"] = "cannot_connect"
    except AlarmHubError:
        LOGGER.exception("Unexpected error talking to the hub")
        errors["base"] = "unknown"
    finally:
        await client.close()
    return None
