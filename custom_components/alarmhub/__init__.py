"""The AlarmHub integration: a local security hub in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .clips import ClipExporter
from .connection import async_create_client
from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import hub_device_info
from .panels.hub import AlarmHubAuthError, AlarmHubCertificateError, AlarmHubError
from .pending import async_setup_changes
from .repairs import (
    async_certificate_changed,
    async_check_serial_port,
    async_clear_issues,
)
from .sentences import async_setup_voice
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS = [
    Platform.ALARM_CONTROL_PANEL,
    Platform.BINARY_SENSOR,
    Platform.CAMERA,
    Platform.LOCK,
    Platform.SCENE,
    Platform.SENSOR,
    Platform.SWITCH,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Set up the integration (actions live for the whole HA run)."""
    async_setup_services(hass)
    async_setup_voice(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> bool:
    """Connect to the hub and set up its entities."""
    client = async_create_client(hass, entry.data)
    try:
        info = await client.connect()
    except AlarmHubAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="authentication_error"
        ) from err
    except AlarmHubCertificateError as err:
        async_certificate_changed(hass, entry)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="certificate_changed"
        ) from err
    except AlarmHubError as err:
        await async_check_serial_port(hass, entry)
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key="communication_error"
        ) from err
    async_clear_issues(hass, entry)
    hub_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **hub_device_info(info)
    )
    coordinator = AlarmHubCoordinator(hass, entry, client, info, hub_device.id)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await client.close()
        raise
    entry.runtime_data = coordinator
    coordinator.clips = ClipExporter(hass)
    await async_setup_changes(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_remove_entry(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Forget the hub's repair issues with it."""
    async_clear_issues(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> bool:
    """Unload the entities and close the connection."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_shutdown()
    return unloaded
