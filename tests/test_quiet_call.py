"""quiet_call.py: the one place that uses HA internals, and why it still must.

These tests fail loudly when Home Assistant changes what ``quiet_call``
relies on (see its docstring), and when the public path stops announcing an
action's data (then ``share_code`` can use ``hass.services.async_call``).
"""

from __future__ import annotations

import inspect
from typing import Any

from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import (
    Context,
    Event,
    HassJob,
    HomeAssistant,
    Service,
    ServiceCall,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
import probatio as vol
import pytest

from custom_components.alarmhub.quiet_call import async_call_quietly

SECRET = "583920"
SCHEMA = vol.Schema({vol.Required("message"): str, vol.Optional("n"): vol.Coerce(int)})


async def test_public_call_still_announces_the_data(hass: HomeAssistant) -> None:
    """Why quiet_call exists: async_call puts the data on the bus."""
    events: list[Event] = []
    hass.bus.async_listen(EVENT_CALL_SERVICE, events.append)
    hass.services.async_register("notify", "sms", lambda call: None)
    await hass.services.async_call("notify", "sms", {"message": SECRET}, blocking=True)
    assert [SECRET in str(event.data) for event in events] == [True], (
        "HA no longer announces action data: share_code can use async_call"
    )


def test_the_internals_relied_on_are_there(hass: HomeAssistant) -> None:
    """async_services_internal, Service.job/.schema and ServiceCall's order."""
    hass.services.async_register("notify", "sms", lambda call: None, schema=SCHEMA)
    service = hass.services.async_services_internal()["notify"]["sms"]
    assert isinstance(service, Service)
    assert isinstance(service.job, HassJob)
    assert service.schema is SCHEMA
    assert list(inspect.signature(ServiceCall).parameters)[:5] == [
        "hass",
        "domain",
        "service",
        "data",
        "context",
    ]


@pytest.mark.parametrize("kind", ["coroutine", "callback", "executor"])
async def test_runs_the_handler_with_its_schema_and_no_event(
    hass: HomeAssistant, kind: str
) -> None:
    """The handler gets the checked data and the caller's context; the bus nothing."""
    calls: list[ServiceCall] = []
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)

    async def coroutine(call: ServiceCall) -> None:
        calls.append(call)

    @callback
    def in_loop(call: ServiceCall) -> None:
        calls.append(call)

    def in_executor(call: ServiceCall) -> None:
        calls.append(call)

    handler = {"coroutine": coroutine, "callback": in_loop, "executor": in_executor}[
        kind
    ]
    hass.services.async_register("notify", "sms", handler, schema=SCHEMA)
    await hass.async_block_till_done()
    events.clear()
    context = Context()
    await async_call_quietly(
        hass, "notify", "sms", {"message": SECRET, "n": "2"}, context
    )
    await hass.async_block_till_done()
    (call,) = calls
    assert (call.domain, call.service, dict(call.data)) == (
        "notify",
        "sms",
        {"message": SECRET, "n": 2},
    )
    assert call.context is context
    assert not [event for event in events if SECRET in str(event.data)]


async def test_without_a_schema_the_data_goes_as_given(hass: HomeAssistant) -> None:
    got: list[dict[str, Any]] = []

    async def handler(call: ServiceCall) -> None:
        got.append(dict(call.data))

    hass.services.async_register("notify", "raw", handler, schema=None)
    await async_call_quietly(hass, "notify", "raw", {"anything": 1}, Context())
    assert got == [{"anything": 1}]


@pytest.mark.parametrize(
    ("service", "data"),
    [("nowhere", {"message": SECRET}), ("sms", {"message": SECRET, "bad": 1})],
    ids=["no-such-action", "refused-by-its-schema"],
)
async def test_refusals_do_not_quote_the_data(
    hass: HomeAssistant, service: str, data: dict[str, Any]
) -> None:
    hass.services.async_register("notify", "sms", lambda call: None, schema=SCHEMA)
    with pytest.raises(ServiceValidationError) as err:
        await async_call_quietly(hass, "notify", service, data, Context())
    assert err.value.translation_key == "notify_not_found"
    assert err.value.translation_placeholders == {"service": f"notify.{service}"}
    assert SECRET not in str(err.value)
    assert err.value.__cause__ is None
