"""What a Vista can and cannot do: entities and actions follow its capabilities."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN

from .conftest import PANEL


async def test_no_entities_for_what_a_vista_lacks(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """No locks, cameras or scenes on a Vista; the panel and its zones are there."""
    assert hass.states.get(PANEL) is not None
    for domain in ("lock", "camera", "scene"):
        assert not hass.states.async_entity_ids(domain)


async def test_phone_swap_is_refused_naming_the_panel(
    hass: HomeAssistant, setup_ad2: MockConfigEntry
) -> None:
    """Account upkeep is the hub's: refused with the panel's name, translated."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "phone_swap",
            {
                "config_entry_id": setup_ad2.entry_id,
                "old_number": "+15555550100",
                "new_number": "+15555550101",
            },
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "not_supported_by_panel"
    assert err.value.translation_placeholders == {
        "panel": "Vista",
        "capability": "account",
    }
