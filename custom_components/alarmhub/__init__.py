"""The AlarmHub integration: a local security hub in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .actions import async_setup_services
from .clips import ClipExporter
from .connection import async_create_panel, is_alarmdecoder
from .const import DOMAIN
from .coordinator import AlarmHubConfigEntry, AlarmHubCoordinator
from .entity import hub_device_info
from .locks.manager import async_setup_household
from .panel_users import PanelUsers, async_setup_panel_users, follow_users
from .panels.alarmdecoder import AlarmDecoderPanel
from .panels.hub import AlarmHubAuthError, AlarmHubCertificateError, AlarmHubError
from .pending import async_setup_changes
from .repairs import (
    async_certificate_changed,
    async_check_serial_port,
    async_clear_issues,
)
from .sentences import async_setup_voice
from .temporary_codes import async_setup_temporary_codes
from .user_schedules import async_setup_schedules
from .user_subentries import async_setup_user_subentries

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
    """Connect to the panel and set up its entities."""
    users: PanelUsers | None = None
    if is_alarmdecoder(entry.data):
        users = await async_setup_panel_users(hass, entry)
    client = async_create_panel(
        hass,
        entry.data,
        title=entry.title,
        options=entry.options,
        users=users.users if users else None,
    )
    if users is not None:
        follow_users(entry, users, client)
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
    await async_setup_household(hass, entry)
    async_setup_schedules(hass, entry)
    async_setup_temporary_codes(hass, entry)
    if isinstance(client, AlarmDecoderPanel):
        options = entry.options  # a subentry change is no reason to reload

        async def zones_changed(
            hass: HomeAssistant, entry: AlarmHubConfigEntry
        ) -> None:
            if entry.options != options:
                await _async_zones_changed(hass, entry)

        entry.async_on_unload(entry.add_update_listener(zones_changed))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    async_setup_user_subentries(hass, entry)
    return True


async def _async_zones_changed(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Reload an AlarmDecoder panel whose zones the user described anew.

    A zone's name and sensor type make its entity (name, device class), so
    the entities are made again.
    """
    await hass.config_entries.async_reload(entry.entry_id)


async def async_remove_entry(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> None:
    """Forget the hub's repair issues with it, and a panel's stored users."""
    async_clear_issues(hass, entry)
    if is_alarmdecoder(entry.data):
        await PanelUsers(hass, entry.entry_id).async_remove()


async def async_unload_entry(hass: HomeAssistant, entry: AlarmHubConfigEntry) -> bool:
    """Unload the entities and close the connection."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_shutdown()
    return unloaded
