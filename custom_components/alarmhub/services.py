"""The hub an action acts on: every action names it with ``config_entry_id``.

A leaf of the actions: the feature modules (arming, clips, phone_swap,
users, share) import this, and ``actions.py`` imports them to register
their actions, so imports run one way:
``__init__`` -> ``actions`` -> feature modules -> ``services``.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall
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
