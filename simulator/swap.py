"""The "swap to a different phone" operation on a hub account.

The vendor's help centre lists what has to change on an account when its
owner moves to a different phone:

1. the primary contact's phone, if it was the old number;
2. every notification rule that sends to the old number: the old number is
   removed from its recipients and the new one added;
3. the Geo-Devices: the old phone's device is deleted and one for the new
   phone added;
4. two-factor authentication, if it is enabled on the old number: it is
   disabled and re-enabled so that its contact is the new phone.

This module turns that list into code, on the account data of
:mod:`simulator.account`:
:func:`plan_phone_swap` says what would change, :func:`apply_phone_swap`
changes it. It is pure logic: no I/O and no asyncio.

Phone numbers are personal data. They are stored in E.164 form
(:func:`normalize_e164`) and never appear in full in an error message or a
change description: those show at most the last two digits, as ``…42``
(:func:`mask_phone`).

Partial failure
---------------
Every planned change is applied all or nothing, in plan order. When one of
them fails, :func:`apply_phone_swap` stops there: the changes before it stay
done, the failed one and every one after it are reported as not done, each
with a reason. The plan is always computed from the account as it is, so
running the swap again plans (and does) exactly the changes that were not
done, and running it once more after success plans nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .account import (
    TWO_FACTOR_TARGET_ID,
    TWO_FACTOR_TARGET_NAME,
    Account,
    Contact,
    GeoDevice,
    NotificationRule,
    SamePhoneNumber,
    TwoFactor,
    mask_phone,
    normalize_e164,
    redact_phones,
)


class ChangeKind(StrEnum):
    """The parts of an account a phone swap updates, in the order it does."""

    PRIMARY_CONTACT = "primary_contact"
    NOTIFICATION_RECIPIENTS = "notification_recipients"
    GEO_DEVICE = "geo_device"
    TWO_FACTOR = "two_factor"


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change of a phone swap.

    ``target_id`` / ``target_name`` name what is changed: the contact, the
    rule, the geo-device being replaced, or ``"two_factor"``. Phone numbers in
    ``description`` and ``steps`` are masked to their last two digits.
    ``reason`` says why a change was not done.
    """

    kind: ChangeKind
    target_id: str
    target_name: str
    description: str
    steps: tuple[str, ...] = ()
    done: bool = False
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        data: dict[str, Any] = {
            "kind": str(self.kind),
            "target_id": self.target_id,
            "target_name": self.target_name,
            "description": self.description,
            "steps": list(self.steps),
            "done": self.done,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class SwapResult:
    """What :func:`apply_phone_swap` did and did not do."""

    done: tuple[Change, ...] = ()
    not_done: tuple[Change, ...] = ()

    @property
    def partial(self) -> bool:
        """Return whether some planned change was not done (re-run to finish)."""
        return bool(self.not_done)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "done": [change.to_dict() for change in self.done],
            "not_done": [change.to_dict() for change in self.not_done],
            "partial": self.partial,
        }


class _ChangeFailed(Exception):
    """A change that could not be applied; the account was left as it was."""


def _swap_numbers(old: str, new: str) -> tuple[str, str]:
    """Normalize both numbers and check they differ."""
    old_number = normalize_e164(old)
    new_number = normalize_e164(new)
    if old_number == new_number:
        raise SamePhoneNumber(
            f"the old and new phone numbers are the same ({mask_phone(old_number)})"
        )
    return old_number, new_number


def _swapped_recipients(recipients: list[str], old: str, new: str) -> list[str]:
    """Return ``recipients`` with ``old`` replaced by ``new``, never twice."""
    result: list[str] = []
    for value in recipients:
        replacement = new if value == old else value
        if replacement not in result:
            result.append(replacement)
    return result


def _default_geo_name(number: str) -> str:
    """Return the name given to a geo-device that has no better one."""
    return f"Phone {mask_phone(number)}"


def _next_geo_id(devices: Iterable[GeoDevice]) -> str:
    """Return the first ``geo-N`` id not used by ``devices``."""
    taken = {device.id for device in devices}
    number = 1
    while f"geo-{number}" in taken:
        number += 1
    return f"geo-{number}"


@dataclass(frozen=True, slots=True)
class _GeoSwap:
    """The geo-device list after a swap, and what changed in it."""

    devices: list[GeoDevice]
    removed: list[GeoDevice]
    added: GeoDevice | None
    kept: GeoDevice | None


def _swapped_geo_devices(devices: list[GeoDevice], old: str, new: str) -> _GeoSwap:
    """Replace the old phone's device(s) with one for the new phone.

    The new device takes the place (and the name) of the first removed one,
    unless that name is empty or the default one for the old number, then it
    is called ``Phone …NN``. No device is added when the new phone already has
    one, nor when the old phone had none.
    """
    removed = [device for device in devices if device.phone == old]
    kept = next((device for device in devices if device.phone == new), None)
    if not removed:
        return _GeoSwap(devices=list(devices), removed=[], added=None, kept=kept)
    added: GeoDevice | None = None
    if kept is None:
        name = removed[0].name
        if not name.strip() or name == _default_geo_name(old):
            name = _default_geo_name(new)
        added = GeoDevice(id=_next_geo_id(devices), name=name, phone=new)
    result: list[GeoDevice] = []
    for device in devices:
        if device.phone != old:
            result.append(device)
        elif added is not None and device is removed[0]:
            result.append(added)
    return _GeoSwap(devices=result, removed=removed, added=added, kept=kept)


def _quoted_names(devices: Iterable[GeoDevice]) -> str:
    return ", ".join(f"'{device.name}'" for device in devices)


def _change(
    kind: ChangeKind,
    target_id: str,
    target_name: str,
    description: str,
    steps: tuple[str, ...] = (),
) -> Change:
    """Build a planned change, masking anything that looks like a number."""
    return Change(
        kind=kind,
        target_id=target_id,
        target_name=target_name,
        description=redact_phones(description),
        steps=tuple(redact_phones(step) for step in steps),
    )


def _plan(account: Account, old: str, new: str) -> list[Change]:
    """Plan a swap between two normalized, different numbers."""
    old_hint, new_hint = mask_phone(old), mask_phone(new)
    changes: list[Change] = []

    primary = account.primary_contact
    if primary is not None and primary.phone == old:
        changes.append(
            _change(
                ChangeKind.PRIMARY_CONTACT,
                primary.id,
                primary.name,
                f"Change the phone of primary contact '{primary.name}' "
                f"from {old_hint} to {new_hint}",
            )
        )

    for rule in account.rules:
        if old not in rule.recipients:
            continue
        if new in rule.recipients:
            description = (
                f"Remove {old_hint} from the recipients of rule '{rule.name}' "
                f"({new_hint} is already one)"
            )
        else:
            description = (
                f"Replace recipient {old_hint} with {new_hint} in rule '{rule.name}'"
            )
        changes.append(
            _change(ChangeKind.NOTIFICATION_RECIPIENTS, rule.id, rule.name, description)
        )

    geo = _swapped_geo_devices(account.geo_devices, old, new)
    if geo.removed:
        removed = f"Remove geo-device {_quoted_names(geo.removed)} ({old_hint})"
        if geo.added is not None:
            description = f"{removed} and add '{geo.added.name}' ({new_hint})"
        else:
            kept = _quoted_names([geo.kept] if geo.kept is not None else [])
            description = f"{removed}; {kept} ({new_hint}) is already listed"
        first = geo.removed[0]
        changes.append(
            _change(ChangeKind.GEO_DEVICE, first.id, first.name, description)
        )

    two_factor = account.two_factor
    if two_factor.enabled and two_factor.phone == old:
        changes.append(
            _change(
                ChangeKind.TWO_FACTOR,
                TWO_FACTOR_TARGET_ID,
                TWO_FACTOR_TARGET_NAME,
                f"Move two-factor authentication from {old_hint} to {new_hint}",
                (
                    f"Disable two-factor authentication ({old_hint})",
                    f"Re-enable two-factor authentication with {new_hint}",
                ),
            )
        )
    return changes


def plan_phone_swap(account: Account, old: str, new: str) -> list[Change]:
    """Return the changes swapping phone ``old`` for ``new`` would make.

    Nothing is changed. The changes come in the order
    :func:`apply_phone_swap` makes them: the primary contact (only if its
    phone is ``old``; other contacts are left alone), each notification rule
    sending to ``old``, the geo-devices (one change), and two-factor
    authentication (only if enabled on ``old``; one change of two steps).

    Raises :class:`InvalidPhoneNumber` for a bad number and
    :class:`SamePhoneNumber` when both are the same number.
    """
    old_number, new_number = _swap_numbers(old, new)
    return _plan(account, old_number, new_number)


def _find[T: (Contact, NotificationRule)](items: list[T], item_id: str) -> T:
    for item in items:
        if item.id == item_id:
            return item
    raise _ChangeFailed("its target no longer exists")


def _execute(account: Account, change: Change, old: str, new: str) -> None:
    """Make one planned change, all or nothing."""
    match change.kind:
        case ChangeKind.PRIMARY_CONTACT:
            _find(account.contacts, change.target_id).phone = new
        case ChangeKind.NOTIFICATION_RECIPIENTS:
            rule = _find(account.rules, change.target_id)
            rule.recipients = _swapped_recipients(rule.recipients, old, new)
        case ChangeKind.GEO_DEVICE:
            account.geo_devices = _swapped_geo_devices(
                account.geo_devices, old, new
            ).devices
        case ChangeKind.TWO_FACTOR:
            # Step 1 disables 2FA, step 2 re-enables it with the new phone.
            # Both are worked out before the account is touched so a failure
            # can never leave 2FA switched off.
            disabled = TwoFactor(enabled=False, phone=account.two_factor.phone)
            enabled = replace(disabled, enabled=True, phone=new)
            account.two_factor = enabled


def apply_phone_swap(
    account: Account, old: str, new: str, *, fail_on: ChangeKind | None = None
) -> SwapResult:
    """Swap phone ``old`` for ``new`` on ``account``, changing it in place.

    Makes the changes :func:`plan_phone_swap` lists, in that order, each all
    or nothing. If one fails, the swap stops: it and the ones after it are
    returned as not done, with a reason; the ones before stay done. Running
    the swap again then makes exactly the changes that were not done, and a
    swap that already completed makes no change at all.

    ``fail_on`` is a fault-injection hook for tests: the first change of that
    kind fails before touching the account.

    Raises :class:`InvalidPhoneNumber` for a bad number and
    :class:`SamePhoneNumber` when both are the same number; the account is
    then unchanged.
    """
    old_number, new_number = _swap_numbers(old, new)
    planned = _plan(account, old_number, new_number)
    done: list[Change] = []
    for index, change in enumerate(planned):
        try:
            if change.kind == fail_on:
                raise _ChangeFailed(f"injected fault (fail_on={fail_on})")
            _execute(account, change, old_number, new_number)
        except _ChangeFailed as err:
            failed = replace(change, reason=f"failed: {redact_phones(str(err))}")
            skipped = (
                replace(later, reason="not attempted: an earlier change failed")
                for later in planned[index + 1 :]
            )
            return SwapResult(done=tuple(done), not_done=(failed, *skipped))
        done.append(replace(change, done=True))
    return SwapResult(done=tuple(done))
