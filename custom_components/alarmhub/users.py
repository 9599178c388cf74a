"""What every change to users and their codes goes through.

The actions (``user_actions.py``, ``share_action.py``) and the user flows
(``user_flow.py``, ``vista_user_flow.py``) share these rules and this path
(:func:`submit_user_change`). Each change:

1. refuses while any partition is not disarmed (``system_armed``, naming the
   partition); the hub enforces the same rule, and its refusal maps to the
   same error if the state changed in between. Putting a code on, or taking
   it off, the household's own locks only (ZHA, Z-Wave JS, Matter: see
   ``locks/``) does not touch the panel and is allowed while armed;
2. checks what it can locally (the code policy, the locks' PIN lengths);
3. hands its changes to the entry's :class:`ChangeQueue`, which persists them
   before sending and replays them once if the answer is lost;
4. answers with what happened: ``status`` is ``done`` when the hub took the
   change, ``queued`` when it will be sent once the hub is back, and each
   lock's sync state (``in_sync``, ``removed``, ``failed``, ``retrying``,
   ``queued``) with ``lock_errors`` for the lock's reasons.

A random code is drawn here (``hub/codes.generate_code``, within the hub's and
the locks' limits), so it is known even when the change has to wait; the hub
still checks it against every other code. It is returned in the response and
nowhere else, or, given a notify target, sent and not returned at all
(``code_delivery.py``). A chosen code is never returned.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
import probatio as vol

from .const import DOMAIN
from .coordinator import AlarmHubCoordinator
from .helpers import translate_error
from .locks.actions import LockSplit
from .panels.hub import Lock, LockSyncState, PartitionState, User
from .panels.hub.codes import (
    DEFAULT_CODE_LENGTH,
    CodeRejected,
    check_code,
    generate_code,
)
from .pending import Change, ChangeQueue, Kind, Outcome, Status

ATTR_SLOT: Final = "slot"
ATTR_NAME: Final = "name"
ATTR_CODE: Final = "code"
ATTR_RANDOM_CODE: Final = "random_code"
ATTR_CODE_LENGTH: Final = "code_length"
ATTR_LOCKS: Final = "locks"

SLOT = vol.All(vol.Coerce(int), vol.Range(min=1, max=0xFFFF))
NAME = vol.All(cv.string, vol.Length(min=1, max=32))
CODE_LENGTH = vol.All(vol.Coerce(int), vol.Range(min=4, max=8))
# The code is checked in the action, not by the schema: HA logs the data of a
# call its schema refuses.
CODE = cv.string


def require_disarmed(coordinator: AlarmHubCoordinator) -> None:
    """Refuse, naming the partition, unless every partition is disarmed."""
    for partition in coordinator.data.partitions.values():
        if partition.state is not PartitionState.DISARMED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="system_armed",
                translation_placeholders={"partition": partition.name},
            )


def hub_user(coordinator: AlarmHubCoordinator, slot: int) -> User:
    """Return the user in ``slot`` or say there is none."""
    if (user := coordinator.data.users.get(str(slot))) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_user",
            translation_placeholders={"slot": str(slot)},
        )
    return user


def lock_entity_id(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, lock: str
) -> str:
    """Return the entity id of a lock (its hub id if it has no entity)."""
    unique_id = f"{coordinator.info.serial}_lock_{lock}"
    entity_id = er.async_get(hass).async_get_entity_id(Platform.LOCK, DOMAIN, unique_id)
    return entity_id or lock


def hub_locks(
    hass: HomeAssistant, coordinator: AlarmHubCoordinator, entity_ids: list[str]
) -> list[Lock]:
    """Return the hub's locks behind lock entities of this hub."""
    registry = er.async_get(hass)
    prefix = f"{coordinator.info.serial}_lock_"
    locks = []
    for entity_id in entity_ids:
        entry = registry.async_get(entity_id)
        lock = None
        if (
            entry is not None
            and entry.platform == DOMAIN
            and entry.config_entry_id == coordinator.config_entry.entry_id
            and entry.unique_id.startswith(prefix)
        ):
            lock = coordinator.data.locks.get(entry.unique_id.removeprefix(prefix))
        if lock is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_lock",
                translation_placeholders={"entity_id": entity_id},
            )
        locks.append(lock)
    return locks


def _check_length(length: int, locks: list[Lock]) -> None:
    for lock in locks:
        if not lock.min_pin_length <= length <= lock.max_pin_length:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="code_length_lock",
                translation_placeholders={
                    "lock": lock.name,
                    "min": str(lock.min_pin_length),
                    "max": str(lock.max_pin_length),
                },
            )


def check_chosen_code(
    coordinator: AlarmHubCoordinator, code: str, locks: list[Lock]
) -> None:
    """Refuse a code that breaks the policy or does not fit a lock."""
    info = coordinator.info
    try:
        check_code(
            code, min_length=info.min_code_length, max_length=info.max_code_length
        )
    except CodeRejected as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_rejected",
            translation_placeholders={"reason": str(err)},
        ) from None
    _check_length(len(code), locks)


def new_code(
    coordinator: AlarmHubCoordinator, data: dict[str, Any], locks: list[Lock]
) -> tuple[str, bool]:
    """Return the chosen code, checked, or draw one; say whether it was drawn."""
    if (code := data.get(ATTR_CODE)) is not None:
        check_chosen_code(coordinator, code, locks)
        return code, False
    info = coordinator.info
    # The default length, within what the panel takes (a Vista: 4 digits only).
    default = max(info.min_code_length, min(DEFAULT_CODE_LENGTH, info.max_code_length))
    length = data.get(ATTR_CODE_LENGTH, default)
    if not info.min_code_length <= length <= info.max_code_length:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_length_hub",
            translation_placeholders={
                "min": str(info.min_code_length),
                "max": str(info.max_code_length),
            },
        )
    _check_length(length, locks)
    return generate_code(length), True


def raise_failure(outcome: Outcome) -> None:
    """Raise the translated error of a change the hub refused."""
    if outcome.status is Status.FAILED and outcome.error is not None:
        raise translate_error(outcome.error) from outcome.error


async def lock_results(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    changes: list[Change],
    futures: list[asyncio.Future[Outcome]],
) -> dict[str, Any]:
    """Wait for lock changes; return each lock's state and reasons."""
    states: dict[str, str] = {}
    errors: dict[str, str] = {}
    for change, future in zip(changes, futures, strict=True):
        assert change.lock is not None
        entity_id = lock_entity_id(hass, coordinator, change.lock)
        outcome = await future
        if outcome.status is not Status.DONE:
            states[entity_id] = outcome.status.value
            if outcome.error is not None:
                errors[entity_id] = getattr(outcome.error, "code", "unknown_error")
            continue
        status = str(outcome.result.get("lock_status"))
        if status != "success":
            states[entity_id] = LockSyncState.FAILED.value
            errors[entity_id] = status
        elif change.kind is Kind.SET_PIN:
            states[entity_id] = LockSyncState.IN_SYNC.value
        else:
            states[entity_id] = "removed"
    return {"locks": states, "lock_errors": errors}


async def _followups(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    change: Change,
    outcome: Outcome,
) -> dict[str, Any]:
    """Report the locks a user change put its new code on."""
    if outcome.status is not Status.DONE:
        return {
            "locks": {
                lock_entity_id(hass, coordinator, lock): outcome.status.value
                for lock in change.then_locks
            },
            "lock_errors": {},
        }
    pushed = [
        Change(kind=Kind.SET_PIN, slot=change.slot, lock=lock)
        for lock in change.then_locks
    ]
    return await lock_results(hass, coordinator, pushed, outcome.followups)


async def submit_user_change(
    hass: HomeAssistant,
    coordinator: AlarmHubCoordinator,
    queue: ChangeQueue,
    change: Change,
    household: LockSplit | None = None,
) -> dict[str, Any]:
    """Send an add or update (actions and flow); answer with the user, locks.

    A new code is checked on the ``household`` locks first, put on after.
    """
    if household is not None and change.code is not None:
        await household.check(change.code)
        # If the panel takes the change later, the queue puts the code there.
        change.then_household = [target.entity_id for target in household.targets]
    (future,) = await queue.submit([change])
    outcome = await future
    raise_failure(outcome)
    response: dict[str, Any] = {"status": outcome.status.value}
    if isinstance(user := outcome.result.get("user"), dict):
        response.update(
            slot=user.get("slot"), name=user.get("name"), code_status=user.get("status")
        )
    if change.drawn:
        response[ATTR_CODE] = change.code
    response.update(await _followups(hass, coordinator, change, outcome))
    if household is not None:
        await household.put(response, response.get("slot"), change.code)
    return response
