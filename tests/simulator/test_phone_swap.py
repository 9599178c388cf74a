"""The simulator's account commands: account_get and phone_swap."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from custom_components.alarmhub.panels.hub.protocol import ErrorCode, Event
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.panel import Rejection
from simulator.phone_swap import account_of
from simulator.swap import ChangeKind

OLD = "+15555550123"
NEW = "+1 555 555 0999"
#: Three digits in a row: more than a masked number shows.
DIGIT_RUN = re.compile(r"[0-9]{3}")


@pytest.fixture
def hub() -> Hub:
    """Return the demo hub."""
    return Hub(load_site(), clock=ManualClock())


async def swap(
    hub: Hub, *, dry_run: bool, old: str = OLD, new: str = NEW
) -> dict[str, Any]:
    """Run the phone_swap command."""
    return await hub.handle(
        "phone_swap", {"old_number": old, "new_number": new, "dry_run": dry_run}
    )


async def test_account_get_masks_every_number(hub: Hub) -> None:
    """account_get shows the account with no phone number in full."""
    account = await hub.handle("account_get", {})
    assert account["contacts"][0]["phone"] == "\u202623"
    assert account["two_factor"] == {"enabled": True, "phone": "\u202623"}
    assert not DIGIT_RUN.search(json.dumps(account, ensure_ascii=False))


async def test_dry_run_then_run_then_nothing(hub: Hub) -> None:
    """Dry run plans four kinds of change; the run makes them; a rerun makes none."""
    events: list[Event] = []
    hub.listen(events.append)
    plan = await swap(hub, dry_run=True)
    assert {c["kind"] for c in plan["changes"]} == {k.value for k in ChangeKind}
    assert not DIGIT_RUN.search(json.dumps(plan, ensure_ascii=False))
    assert events == []
    assert account_of(hub).account.two_factor.phone == OLD

    done = await swap(hub, dry_run=False)
    assert done["partial"] is False
    assert [c["kind"] for c in done["done"]] == [c["kind"] for c in plan["changes"]]
    assert all(c["done"] for c in done["done"])
    account = account_of(hub).account
    assert account.two_factor.phone == "+15555550999"
    assert [e.event for e in events] == ["account"]

    again = await swap(hub, dry_run=False)
    assert again == {"dry_run": False, "done": [], "not_done": [], "partial": False}
    assert (await swap(hub, dry_run=True))["changes"] == []


async def test_partial_failure_then_finish(hub: Hub) -> None:
    """A failed change: what was done and not done; a rerun finishes the rest."""
    account_of(hub).fail_on = ChangeKind.GEO_DEVICE
    result = await swap(hub, dry_run=False)
    assert result["partial"] is True
    assert [c["kind"] for c in result["done"]] == [
        "primary_contact",
        "notification_recipients",
        "notification_recipients",
    ]
    assert [c["kind"] for c in result["not_done"]] == ["geo_device", "two_factor"]
    assert result["not_done"][0]["reason"].startswith("failed")
    assert result["not_done"][1]["reason"].startswith("not attempted")
    account_of(hub).fail_on = None
    rest = await swap(hub, dry_run=False)
    assert [c["kind"] for c in rest["done"]] == ["geo_device", "two_factor"]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("5555550123", NEW, ErrorCode.INVALID_PHONE),
        (OLD, "+0123456789", ErrorCode.INVALID_PHONE),
        (OLD, "+1 (555) 555-0123", ErrorCode.BAD_REQUEST),
    ],
)
async def test_bad_numbers_change_nothing(
    hub: Hub, old: str, new: str, code: ErrorCode
) -> None:
    """A bad or identical number is refused, masked, and nothing changes."""
    before = account_of(hub).account.to_dict()
    with pytest.raises(Rejection) as err:
        await swap(hub, dry_run=False, old=old, new=new)
    assert err.value.code is code
    assert not DIGIT_RUN.search(err.value.reason)
    assert account_of(hub).account.to_dict() == before


async def test_wrong_types(hub: Hub) -> None:
    """Arguments of the wrong type are a bad request."""
    with pytest.raises(Rejection) as err:
        await hub.handle("phone_swap", {"old_number": 1, "new_number": NEW})
    assert err.value.code is ErrorCode.BAD_REQUEST
    with pytest.raises(Rejection) as err:
        await hub.handle(
            "phone_swap", {"old_number": OLD, "new_number": NEW, "dry_run": "yes"}
        )
    assert err.value.code is ErrorCode.BAD_REQUEST


async def test_no_account_no_commands() -> None:
    """A site without an account serves no account commands."""
    site = load_site()
    del site["account"]
    hub = Hub(site, clock=ManualClock())
    assert "phone_swap" not in hub.commands
