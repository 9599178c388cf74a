"""The alarmhub.phone_swap action on the demo account."""

from __future__ import annotations

import json
import re
from typing import Any

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from simulator.hub import Hub
from simulator.phone_swap import account_of
from simulator.swap import ChangeKind

OLD = "+15555550123"
NEW = "+1 (555) 555-0999"
#: Three digits in a row: more than a masked number shows.
DIGIT_RUN = re.compile(r"[0-9]{3}")
KINDS = {"primary_contact", "notification_recipients", "geo_device", "two_factor"}


async def phone_swap(
    hass: HomeAssistant, entry: MockConfigEntry, **data: Any
) -> ServiceResponse:
    """Call alarmhub.phone_swap on the demo hub."""
    return await hass.services.async_call(
        DOMAIN,
        "phone_swap",
        {"config_entry_id": entry.entry_id, "old_number": OLD, "new_number": NEW}
        | data,
        blocking=True,
        return_response=True,
    )


def shown(value: object) -> str:
    """Return a value as a user would read it."""
    return json.dumps(value, ensure_ascii=False)


async def test_dry_run_run_and_run_again(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """Dry run lists four kinds of change; the run makes them; a rerun none."""
    account = account_of(hub).account
    before = account.to_dict()
    plan = await phone_swap(hass, init_integration, dry_run=True)
    assert plan is not None
    assert plan["dry_run"] is True
    assert {change["kind"] for change in plan["changes"]} == KINDS
    assert len(plan["changes"]) == 5  # two rules send to the old phone
    assert not DIGIT_RUN.search(shown(plan))
    assert account.to_dict() == before

    done = await phone_swap(hass, init_integration)
    assert done is not None
    assert done["dry_run"] is False
    assert done["not_done"] == []
    assert [c["kind"] for c in done["done"]] == [c["kind"] for c in plan["changes"]]
    assert not DIGIT_RUN.search(shown(done))
    account = account_of(hub).account
    assert account.primary_contact is not None
    assert account.primary_contact.phone == "+15555550999"
    assert all(OLD not in rule.recipients for rule in account.rules)
    assert [d.phone for d in account.geo_devices].count("+15555550999") == 1
    assert OLD not in [d.phone for d in account.geo_devices]
    assert (account.two_factor.enabled, account.two_factor.phone) == (
        True,
        "+15555550999",
    )

    after = account.to_dict()
    again = await phone_swap(hass, init_integration)
    assert again == {"dry_run": False, "done": [], "not_done": []}
    assert account_of(hub).account.to_dict() == after


async def test_partial_failure_says_what_was_done(
    hass: HomeAssistant, init_integration: MockConfigEntry, hub: Hub
) -> None:
    """A change fails: the error says what was done and not; a rerun finishes."""
    account_of(hub).fail_on = ChangeKind.TWO_FACTOR
    with pytest.raises(HomeAssistantError) as err:
        await phone_swap(hass, init_integration)
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "phone_swap_partial"
    message = str(err.value)
    assert "Done: Change the phone of primary contact 'Alex'" in message
    assert "Not done: Move two-factor authentication from …23 to …99 (failed" in message
    assert "Run it again to finish" in message
    assert not DIGIT_RUN.search(message)
    assert account_of(hub).account.two_factor.phone == OLD

    account_of(hub).fail_on = None
    rest = await phone_swap(hass, init_integration)
    assert rest is not None
    assert [c["kind"] for c in rest["done"]] == ["two_factor"]


@pytest.mark.parametrize(
    ("numbers", "key"),
    [
        ({"new_number": "555-0999"}, "invalid_phone"),
        ({"old_number": "+1555"}, "invalid_phone"),
        ({"new_number": "+1 555 555 0123"}, "bad_request"),
    ],
)
async def test_bad_numbers_change_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    numbers: dict[str, str],
    key: str,
) -> None:
    """A number that is not E.164 (or no change at all) is refused, masked."""
    before = account_of(hub).account.to_dict()
    with pytest.raises(ServiceValidationError) as err:
        await phone_swap(hass, init_integration, **numbers)
    assert err.value.translation_key == key
    assert not DIGIT_RUN.search(str(err.value))
    assert account_of(hub).account.to_dict() == before


@pytest.mark.usefixtures("init_integration")
async def test_unknown_hub(hass: HomeAssistant) -> None:
    """A config entry that is not an AlarmHub is the user's mistake."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "phone_swap",
            {"config_entry_id": "nope", "old_number": OLD, "new_number": NEW},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "unknown_hub"
