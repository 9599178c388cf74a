"""Scheduled codes: the hub keeps each user's schedule and enforces it.

``set_schedule`` (``slot``, ``schedule``: the wire form of
``hub/schedules.Schedule``, or ``null`` to make the code valid at all times)
is a user edit like the others: refused while any partition is not disarmed,
replayable by ``change_id``. Nothing is programmed at the edges: a code is
accepted only while its schedule is open (``Panel.check_code``), and refused
outside it with ``code_outside_schedule``, counted as a wrong code.

``add_user`` takes the same ``schedule`` (see ``read_schedule``) and applies
it with the user, in one step: the code is never valid outside it, not even
for a moment. The hub says so with the ``schedules`` capability in ``hello``;
a hub built before it (``Hub.schedules_at_add`` False, for the tests) ignores
the field, as an old hub would, and does not claim the capability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from custom_components.alarmhub.panels.exceptions import ProtocolError
from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from custom_components.alarmhub.panels.hub.schedules import Schedule

from .panel import Rejection

if TYPE_CHECKING:
    from .hub import Hub
    from .users import UserManager


def read_schedule(raw: Any) -> Schedule | None:
    """Return the schedule of a request (``None``: valid at all times)."""
    try:
        return None if raw is None else Schedule.from_dict(raw)
    except ProtocolError as err:
        raise Rejection(ErrorCode.BAD_REQUEST, str(err)) from None


def install(hub: Hub, users: UserManager) -> None:
    """Serve ``set_schedule``."""

    async def set_schedule(args: dict[str, Any]) -> dict[str, Any]:
        user = users.user(args.get("slot"))
        user.schedule = read_schedule(args.get("schedule"))
        users.publish(user)
        return {"user": users.view(user)}

    hub.commands["set_schedule"] = users.idempotent("set_schedule", set_schedule)
