"""Hub errors become translated HA errors; actions say which hub is missing."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.helpers import translate_error
from custom_components.alarmhub.panels.hub import (
    AlarmHubAuthError,
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubRejectedError,
)


@pytest.mark.parametrize(
    ("error", "key", "kind"),
    [
        (AlarmHubAuthError("no"), "authentication_error", HomeAssistantError),
        (AlarmHubConnectionError("gone"), "communication_error", HomeAssistantError),
        (AlarmHubError("odd"), "unknown_error", HomeAssistantError),
        (
            AlarmHubRejectedError("busy", "later", {}),
            "hub_rejected",
            HomeAssistantError,
        ),
        (
            AlarmHubRejectedError("zones_open", "open", {"zones": [{"name": "Door"}]}),
            "zones_open",
            ServiceValidationError,
        ),
    ],
)
def test_translate_error(
    error: AlarmHubError, key: str, kind: type[HomeAssistantError]
) -> None:
    """Each hub error maps to one translated error; the user's ones validate."""
    translated = translate_error(error)
    assert type(translated) is kind
    assert translated.translation_domain == DOMAIN
    assert translated.translation_key == key


async def test_action_on_a_hub_that_is_not_loaded(hass: HomeAssistant) -> None:
    """An action aimed at a hub that is set up but not loaded names it."""
    entry = MockConfigEntry(domain=DOMAIN, title="Cabin", unique_id="AH0000042")
    entry.add_to_hass(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "phone_swap",
            {
                "config_entry_id": entry.entry_id,
                "old_number": "+15555550123",
                "new_number": "+15555550999",
            },
            blocking=True,
        )
    assert err.value.translation_key == "hub_not_loaded"
    assert err.value.translation_placeholders == {"name": "Cabin"}
