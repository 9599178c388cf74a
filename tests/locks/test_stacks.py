"""The stand-ins are the integrations' actions, and the providers read them right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import homeassistant.components
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.yaml import load_yaml_dict
import probatio as vol
import pytest

from custom_components.alarmhub.locks import target_for
from custom_components.alarmhub.locks.base import LockTargetError
from custom_components.alarmhub.locks.matter import MatterLock
from custom_components.alarmhub.locks.zwave_js import ZwaveJsLock

from .conftest import GARAGE, PATIO, SIDE
from .stacks import RESPONDING, SCHEMAS, FakeLock, Stacks

COMPONENTS = Path(homeassistant.components.__file__).parent


@pytest.mark.parametrize("domain", sorted(SCHEMAS))
def test_schemas_match_the_installed_integrations(domain: str) -> None:
    """Every stood-in action has the fields, required ones and choices of the
    installed integration's services.yaml, and targets lock entities."""
    described = load_yaml_dict(str(COMPONENTS / domain / "services.yaml"))
    for service, fields in SCHEMAS[domain].items():
        spec = described[service]
        assert spec["target"]["entity"]["domain"] == "lock"
        assert spec["target"]["entity"]["integration"] == domain
        yaml_fields = spec.get("fields") or {}
        assert {str(key) for key in fields} == set(yaml_fields), service
        for key, validator in fields.items():
            field = yaml_fields[str(key)]
            assert isinstance(key, vol.Required) == bool(field.get("required")), key
            if options := field["selector"].get("select", {}).get("options"):
                assert sorted(validator.container) == sorted(options), key
    # The answering actions are the ones the integration registers with a response.
    source = {
        "zwave_js": (COMPONENTS / "zwave_js" / "services.py").read_text(),
        "matter": (COMPONENTS / "matter" / "services.py").read_text(),
    }
    for (stack, service), _ in RESPONDING.items():
        text = source[stack]
        block = text[
            text.index(f'"{service}"')
            if f'"{service}"' in text
            else text.index(f"SERVICE_{service.upper()}") :
        ]
        assert "SupportsResponse.ONLY" in block.split("func=")[1][:200], service


async def test_target_for(hass: HomeAssistant, stacks: Stacks) -> None:
    """A lock's stack is its registry entry's platform."""
    assert type(target_for(hass, SIDE)).__name__ == "ZwaveJsLock"
    assert type(target_for(hass, GARAGE)).__name__ == "ZhaLock"
    assert type(target_for(hass, PATIO)).__name__ == "MatterLock"
    assert target_for(hass, "lock.nowhere") is None


async def test_providers_report_failures_without_codes(
    hass: HomeAssistant, stacks: Stacks, side: FakeLock, patio: FakeLock
) -> None:
    """Offline, refused and broken calls become reasons; none carries a code."""
    zwave = ZwaveJsLock(hass, SIDE)
    side.go_offline()
    with pytest.raises(LockTargetError) as err:
        await zwave.async_limits()
    assert err.value.reason == "unavailable"
    side.come_back()
    assert (await zwave.async_limits()).last_slot == side.slots
    assert await zwave.async_read() == {1: "9999"}
    with pytest.raises(LockTargetError) as err:
        await zwave.async_set_code(2, "12345678901")  # too long for User Code CC
    assert (err.value.reason, err.value.permanent) == ("ValueError", False)
    with pytest.raises(LockTargetError) as err:
        await zwave.async_set_code(99, "1234")
    assert err.value.reason == "set_lock_usercode_failed"
    assert "1234" not in str(err.value)

    matter = MatterLock(hass, PATIO)
    with pytest.raises(LockTargetError) as err:
        await matter.async_set_code(3, "12")
    assert err.value.permanent  # the integration's validation refused it
    side.slots = 0
    with pytest.raises(LockTargetError) as err:
        await zwave.async_limits()
    assert err.value.reason == "no_user_codes"


async def test_matter_lock_without_pin_users(
    hass: HomeAssistant, stacks: Stacks, patio: FakeLock
) -> None:
    """A Matter lock without user management, or PINs, takes no codes."""
    matter = MatterLock(hass, PATIO)

    def info(service: str, data: dict[str, Any]) -> Any:
        if service == "get_lock_info":
            return {
                "supports_user_management": True,
                "supported_credential_types": ["rfid"],
            }
        raise HomeAssistantError("not used")

    patio.matter = info  # type: ignore[method-assign]
    with pytest.raises(LockTargetError) as err:
        await matter.async_limits()
    assert err.value.reason == "no_user_codes"
