"""Actions (services) of the AlarmHub integration.

Every action names the hub it acts on with ``config_entry_id``; each feature
module registers its own actions through the function listed here.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .coordinator import AlarmHubCoordinator

ATTR_CONFIG_ENTRY_ID = "config_entry_id"


def coordinator_for_call(hass: HomeAssistant, call: ServiceCall) -> AlarmHubCoordinator:
    """Return the loaded hub an action is aimed at, or say what is wrong."""
    entry_id = call.data[ATTR_CONFIG_ENTRY_ID]
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_hub",
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="hub_not_loaded",
            translation_placeholders={"name": entry.title},
        )
    coordinator: AlarmHubCoordinator = entry.runtime_data
    return coordinator


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every AlarmHub action (once, in ``async_setup``)."""
    # Feature modules import coordinator_for_call from here: import them late.
    from .arming import async_setup_arm_service
    from .clips import async_setup_clip_services
    from .phone_swap import async_setup_phone_swap_service
    from .users import async_setup_user_services

    async_setup_arm_service(hass)
    async_setup_clip_services(hass)
    async_setup_phone_swap_service(hass)
    async_setup_user_services(hass)
