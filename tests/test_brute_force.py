"""Brute force: wrong codes are counted by the hub, which locks the keypad.

Every way HA sends a code (disarm, the panel's arm actions, ``alarmhub.arm``)
counts. The lockout reaches HA as a clear, translated error and an
``alarmhub_lockout`` event. HA answers every wrong code, whatever it is (a
code nobody has, a disabled user's, malformed, huge), with the very same
error, so trying codes tells nothing about which exist; malformed ones never
leave HA, so they cannot be used to probe the hub either.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub import ArmMode
from simulator.clock import ManualClock
from simulator.hub import Hub

from .common import settle
from .operations import CODE, HOUSE

pytestmark = pytest.mark.usefixtures("init_integration")

#: Every way a code travels from HA to the hub.
ENTRY_POINTS: list[tuple[str, str, dict[str, Any]]] = [
    ("alarm_control_panel", "alarm_disarm", {}),
    ("alarm_control_panel", "alarm_arm_away", {}),
    (DOMAIN, "arm", {"mode": "night"}),
]
#: A wrong code of every kind: nobody's, a disabled user's (set below), one
#: digit off a real one, and codes that cannot exist.
WRONG_CODES = [
    "13572468",
    "5064",  # Dog walker's, disabled in the test
    "4827",
    "12ab",
    "1",
    "123456789",
    "٤٨٢٦",  # Arabic-Indic digits: str.isdigit() is True, but not a code
    "4826\x00",
    "9" * 100_000,
]


async def _try(
    hass: HomeAssistant, entry_point: tuple[str, str, dict[str, Any]], code: str
) -> ServiceValidationError | None:
    domain, service, data = entry_point
    try:
        await hass.services.async_call(
            domain,
            service,
            {"entity_id": HOUSE, "code": code, **data},
            blocking=True,
            return_response=domain == DOMAIN,
        )
    except ServiceValidationError as err:
        return err
    finally:
        await settle(hass)
    return None


def _seen(err: ServiceValidationError | None) -> Any:
    """Return everything a caller can see of an error."""
    assert err is not None
    return (
        type(err),
        err.translation_domain,
        err.translation_key,
        err.translation_placeholders,
        str(err),
    )


@pytest.mark.parametrize("entry_point", ENTRY_POINTS, ids=lambda e: e[1])
async def test_every_wrong_code_gets_the_same_error(
    hass: HomeAssistant, hub: Hub, entry_point: tuple[str, str, dict[str, Any]]
) -> None:
    """Nobody's code, a disabled user's, malformed: one and the same error."""
    hub.panel.users[3].status = "pending"  # the dog walker's code is disabled
    if entry_point[1] == "alarm_disarm":
        hub.panel.arm("1", ArmMode.STAY)
        await settle(hass)
    seen = set()
    for code in WRONG_CODES:
        hub.panel.failed_attempts = 0  # this test is not about the lockout
        err = await _try(hass, entry_point, code)
        seen.add(_seen(err))
        assert code not in str(err)
    assert len(seen) == 1, seen
    ((_, _, key, placeholders, message),) = seen
    assert (key, placeholders, message) == (
        "invalid_code",
        None,
        "The code was not accepted",
    )


async def test_malformed_codes_never_reach_the_hub(
    hass: HomeAssistant, hub: Hub
) -> None:
    """A code that cannot exist is refused by HA: the hub counts nothing."""
    hub.panel.arm("1", ArmMode.STAY)
    await settle(hass)
    for code in ["12ab", "1", "123456789", "٤٨٢٦", "9" * 100_000] * 3:
        assert await _try(hass, ENTRY_POINTS[0], code) is not None
    assert hub.panel.failed_attempts == 0
    assert await _try(hass, ENTRY_POINTS[0], CODE) is None
    assert hass.states.get(HOUSE).state == "disarmed"


async def test_lockout_across_entry_points(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    clock: ManualClock,
) -> None:
    """Five wrong codes, by any mix of actions: locked out, said clearly, once."""
    lockouts = async_capture_events(hass, f"{DOMAIN}_lockout")
    errors = []
    for number in range(5):
        errors.append(await _try(hass, ENTRY_POINTS[number % 3], "13572468"))
    assert [e.translation_key for e in errors if e] == ["invalid_code"] * 4 + [
        "locked_out"
    ]
    assert str(errors[-1]) == (
        "The keypad is locked after too many wrong codes. Try again in 300 seconds"
    )
    assert [e.data for e in lockouts] == [
        {"config_entry_id": init_integration.entry_id, "retry_after": 300}
    ]

    # Locked out: even the right code is refused, by every entry point.
    for entry_point in ENTRY_POINTS:
        err = await _try(hass, entry_point, CODE)
        assert err is not None and err.translation_key == "locked_out"
    assert hass.states.get(HOUSE).state == "disarmed"
    assert len(lockouts) == 1

    clock.advance(300)
    assert await _try(hass, ENTRY_POINTS[1], CODE) is None
    assert hass.states.get(HOUSE).state == "arming"
