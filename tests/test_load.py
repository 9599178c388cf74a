"""Load: 1,000 concurrent service calls against the simulator.

Arm and disarm both partitions, lock and unlock both doors, change users'
codes, all at once, in a seeded random mix. Every call must end in success
or in a refusal that is the user's own business (arming what is armed, a code
change while armed): no timeout, no hub error, nothing unexpected. Then HA
must show exactly the hub's state, and the event loop must never have been
blocked: the test harness runs the loop in debug mode, where asyncio logs
every callback slower than ``slow_callback_duration``.

Run with ``-s`` to print the figures quoted in docs/reliability.md.
"""

from __future__ import annotations

import asyncio
from collections import Counter
import logging
import random
import re
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.alarmhub.const import DOMAIN
from custom_components.alarmhub.panels.hub.codes import CodeRejected, check_code
from simulator.hub import Hub

from .common import settle
from .operations import BACK_LOCK, CODE, FRONT_LOCK, GARAGE, HOUSE
from .truth import Truth

CALLS = 1000
SEED = 1000
#: asyncio logs every step slower than this (its debug-mode default).
SLOW_CALLBACK = 0.1
#: No step of HA or the integration may take this long. Debug mode makes
#: every task creation capture a stack trace (several times slower), and CI
#: machines are shared: the margin over SLOW_CALLBACK keeps this from
#: flaking while still catching real blocking (a sync call, a quadratic loop).
BLOCKED = 0.25
#: The simulated hub runs on the same loop here but is another machine in
#: real life: its steps are not HA's.
HUB_TASKS = ("Session.", "SimulatorServer.", "RequestHandler.")
#: Refusals that are the user's business when requests race each other.
EXPECTED_REFUSALS = {"system_armed", "code_rejected", "zones_open"}


def _codes(rnd: random.Random, count: int) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = f"{rnd.randrange(10**6):06d}"
        try:
            check_code(code, taken={CODE, *codes})
        except CodeRejected:
            continue
        codes.append(code)
    return codes


def _requests(entry_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    rnd = random.Random(SEED)
    codes = iter(_codes(rnd, CALLS))
    requests: list[tuple[str, str, dict[str, Any]]] = []
    for _ in range(CALLS):
        roll = rnd.random()
        if roll < 0.4:
            panel = rnd.choice([HOUSE, GARAGE])
            service = rnd.choice(
                ["alarm_arm_away", "alarm_arm_home", "alarm_arm_night", "alarm_disarm"]
            )
            data: dict[str, Any] = {"entity_id": panel}
            if service == "alarm_disarm":
                data["code"] = CODE
            requests.append(("alarm_control_panel", service, data))
        elif roll < 0.8:
            lock = rnd.choice([FRONT_LOCK, BACK_LOCK])
            requests.append(
                ("lock", rnd.choice(["lock", "unlock"]), {"entity_id": lock})
            )
        else:  # Alex (slot 1) keeps the code the disarms use
            data = {"config_entry_id": entry_id, "slot": rnd.choice([2, 3])}
            data["code"] = next(codes)
            requests.append((DOMAIN, "update_user", data))
    return requests


async def _call(
    hass: HomeAssistant, domain: str, service: str, data: dict[str, Any]
) -> str:
    try:
        await hass.services.async_call(
            domain, service, data, blocking=True, return_response=domain == DOMAIN
        )
    except ServiceValidationError as err:
        return f"refused:{err.translation_key}"
    except Exception as err:
        return f"unexpected:{type(err).__name__}:{err}"
    return "ok"


def _slow_steps(caplog: pytest.LogCaptureFixture) -> list[tuple[float, str]]:
    """Return (seconds, coroutine) of every step asyncio found too slow."""
    found = []
    for record in caplog.records:
        match = re.search(
            r"Executing <\w+ .*?(?:coro=<([\w.<>]+)|$).*took (\d+\.\d+) sec",
            record.getMessage(),
            re.S,
        )
        if record.name == "asyncio" and match:
            found.append((float(match.group(2)), match.group(1) or "?"))
    return sorted(found, reverse=True)


async def test_thousand_concurrent_calls(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hub: Hub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """1,000 calls at once: only expected outcomes, HA level with the hub."""
    loop = asyncio.get_running_loop()
    assert loop.get_debug()  # the harness's asyncio debug checks are on
    loop.slow_callback_duration = SLOW_CALLBACK
    caplog.set_level(logging.WARNING, logger="asyncio")
    truth = Truth(hass, hub, init_integration.entry_id)
    handled = Counter[str]()
    for name, handler in list(hub.commands.items()):

        async def counted(
            args: dict[str, Any], name: str = name, handler: Any = handler
        ) -> Any:
            handled[name] += 1
            return await handler(args)

        hub.commands[name] = counted

    requests = _requests(init_integration.entry_id)
    caplog.clear()  # from here on, every slow step is HA's or the hub's
    start = time.perf_counter()
    calls = []
    for request in requests:
        # All in flight at once, each started in its own loop step, as calls
        # from 1,000 callers (automations, the frontend) would be.
        calls.append(hass.async_create_task(_call(hass, *request)))
        await asyncio.sleep(0)
    outcomes = await asyncio.gather(*calls)
    elapsed = time.perf_counter() - start
    await settle(hass)
    slow = [s for s in _slow_steps(caplog) if not s[1].startswith(HUB_TASKS)]

    kinds = Counter(outcome.split(":")[0] for outcome in outcomes)
    unexpected = [o for o in outcomes if o.startswith("unexpected")]
    refusals = Counter(o.split(":")[1] for o in outcomes if o.startswith("refused"))
    assert not unexpected, unexpected[:5]
    assert set(refusals) <= EXPECTED_REFUSALS, refusals
    assert kinds["ok"] > CALLS / 4  # most of the mix goes through
    truth.assert_no_wrong_state()
    truth.assert_matches()

    assert not [s for s in slow if s[0] >= BLOCKED], f"loop blocked: {slow[:5]}"
    print(
        f"\nload: {CALLS} calls in {elapsed:.2f} s ({CALLS / elapsed:.0f}/s); "
        f"{dict(kinds)}; refusals {dict(refusals)}; hub handled "
        f"{sum(handled.values())} commands {dict(handled)}; "
        f"HA wrote {truth.writes} states, none wrong; HA steps over "
        f"{SLOW_CALLBACK * 1000:.0f} ms: {len(slow)} (longest "
        f"{slow[0][0] * 1000 if slow else 0:.0f} ms)"
    )
