"""Secrets: a sentinel user code and a sentinel token, searched everywhere.

The demo's Alex gets a sentinel code and the hub a sentinel token. Then, with
every logger at DEBUG, over WebSocket and over the serial line: arm and
disarm with the code, wrong codes up to the lockout, a token the hub stops
accepting (reauth, its repair issue), a config flow with a wrong token and the
right one, diagnostics. Afterwards the sentinels are searched in the log
lines, every state and attribute, every bus event, the diagnostics, every
error raised (message, repr, args, causes), the issue registry and the flows
in progress: zero hits.

One exception, by Home Assistant's design: the caller's own ``call_service``
event carries the data the caller passed (the code typed for a disarm). The
test checks that this is the only place, and that only the caller's code is
there. (tests/test_code_secrets.py runs the user-code actions the same way.)
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    CONF_TOKEN,
    EVENT_CALL_SERVICE,
    MATCH_ALL,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN, TRANSPORT_NETWORK
from custom_components.alarmhub.diagnostics import async_get_config_entry_diagnostics
from custom_components.alarmhub.panels.base import Backoff
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.server import SimulatorServer

from .common import settle
from .operations import HOUSE
from .test_faults import _wait

CODE = "37051946"
TOKEN = "sentinel-token-Qm9vWWa2"
WRONG = "80264173"  # typed by mistake: a secret too
#: Loggers of the test set-up, not of Home Assistant or the integration: the
#: harness's in-memory storage logs the data it is given (HA's real Store
#: logs only key and path), and that includes the config entry's token.
TEST_LOGGERS = ("pytest_homeassistant_custom_component.common",)


@pytest.fixture
def site(site: dict[str, Any]) -> dict[str, Any]:
    """Give Alex the sentinel code."""
    for user in site["users"]:
        if user["name"] == "Alex":
            user["code"] = CODE
    return site


@pytest.fixture
def hub(site: dict[str, Any], clock: ManualClock) -> Hub:
    """Give the hub the sentinel token."""
    return Hub(site, clock=clock, token=TOKEN)


@pytest.fixture(params=["network", "serial"])
def config_entry(
    request: pytest.FixtureRequest,
    network_entry: MockConfigEntry,
    serial_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Run over both transports; the network entry holds the sentinel token."""
    if request.param == "serial":
        return serial_entry
    data = {**network_entry.data, CONF_TOKEN: TOKEN}
    return MockConfigEntry(
        domain=DOMAIN, title="Demo Home", unique_id=network_entry.unique_id, data=data
    )


async def _panel(
    hass: HomeAssistant, service: str, code: str | None, errors: list[BaseException]
) -> None:
    data = {"entity_id": HOUSE} | ({"code": code} if code else {})
    try:
        await hass.services.async_call(
            "alarm_control_panel", service, data, blocking=True
        )
    except HomeAssistantError as err:
        errors.append(err)
    await settle(hass)


async def test_no_secret_anywhere(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    debug_everywhere: None,
) -> None:
    """The sentinel code and token are found nowhere but in the caller's call."""
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []
    hass.bus.async_listen(MATCH_ALL, events.append)
    errors: list[BaseException] = []
    entry = init_integration
    network = entry.data.get("transport") == TRANSPORT_NETWORK

    # The code: right, wrong, up to the lockout, right again after it.
    await _panel(hass, "alarm_arm_home", CODE, errors)
    await _panel(hass, "alarm_disarm", WRONG, errors)
    await _panel(hass, "alarm_disarm", CODE, errors)
    await _panel(hass, "alarm_arm_away", None, errors)
    for _ in range(5):
        await _panel(hass, "alarm_disarm", WRONG, errors)
    await _panel(hass, "alarm_disarm", CODE, errors)  # locked out
    clock.advance(300)
    await _panel(hass, "alarm_disarm", CODE, errors)
    assert hass.states.get(HOUSE).state == "disarmed"
    assert [getattr(e, "translation_key", None) for e in errors] == [
        "invalid_code_attempts",
        *["invalid_code_attempts"] * 4,
        "locked_out",
        "locked_out",
    ]
    diagnostics = [await async_get_config_entry_diagnostics(hass, entry)]

    if network:
        # A wrong token, then the right one, in a config flow.
        flow = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"next_step_id": TRANSPORT_NETWORK}
        )
        user_input = {CONF_HOST: "127.0.0.1", CONF_PORT: simulator.port}
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {**user_input, CONF_TOKEN: WRONG}
        )
        assert flow["errors"] == {"base": "invalid_auth"}
        flow = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {**user_input, CONF_TOKEN: TOKEN}
        )
        assert flow["reason"] == "already_configured"
        # The hub stops accepting the token: reauth, with its repair issue.
        entry.runtime_data.client.backoff = Backoff(initial=0.02, maximum=0.1)
        hub.token = "rotated-elsewhere"
        await simulator.drop_connections()
        await _wait(
            lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN))
        )
        await hass.async_block_till_done()
        diagnostics.append(await async_get_config_entry_diagnostics(hass, entry))

    # Now look for the sentinels.
    logs = "\n".join(
        f"{r.getMessage()}\n{r.exc_text or ''}"
        for r in caplog.records
        if not r.name.startswith(TEST_LOGGERS)
    )
    assert "alarmhub" in logs  # DEBUG logging was on
    states = json.dumps([s.as_dict() for s in hass.states.async_all()], default=str)
    raised = []
    for err in errors:
        chain: BaseException | None = err
        while chain is not None:
            raised.append(f"{chain!s} {chain!r} {chain.args!r}")
            raised.append(repr(getattr(chain, "translation_placeholders", None)))
            chain = chain.__cause__ or chain.__context__
    issues = json.dumps(
        [i.to_json() for i in ir.async_get(hass).issues.values()], default=str
    )
    flows = json.dumps(hass.config_entries.flow.async_progress(), default=str)
    observable = {
        "logs": logs,
        "states": states,
        "errors": "\n".join(raised),
        "diagnostics": json.dumps(diagnostics, default=str),
        "issues": issues,
        "flows": flows,
    }
    for secret in (CODE, WRONG, TOKEN):
        found = [where for where, text in observable.items() if secret in text]
        assert not found, (secret, found)
        holders = {
            (e.event_type, e.data.get("domain"))
            for e in events
            if secret in json.dumps(e.data, default=str)
        }
        expected = {(EVENT_CALL_SERVICE, "alarm_control_panel")}
        assert holders == (expected if secret != TOKEN else set()), (secret, holders)
    if network:
        assert "reauth" in issues or "reauth" in flows  # the paths did run
