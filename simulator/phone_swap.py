"""The account commands: read the account and swap the owner's phone.

``account_get`` returns the account with every phone number masked to its
last two digits (the hub never sends a whole number). ``phone_swap`` (args
``old_number``, ``new_number``, ``dry_run``) plans or applies the swap with
:mod:`simulator.swap`: a dry run returns ``changes`` (what would change);
a real run returns ``done``, ``not_done`` and ``partial`` and announces an
``account`` event. A number that is not E.164 is refused with
``invalid_phone``; the same number twice with ``bad_request``.

Tests make a change fail with :func:`account_of` (``.fail_on``), to see a
partial swap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
import weakref

from custom_components.alarmhub.panels.hub.protocol import ErrorCode

from .account import Account, InvalidPhoneNumber, SamePhoneNumber, mask_phone
from .panel import Rejection
from .swap import ChangeKind, apply_phone_swap, plan_phone_swap

if TYPE_CHECKING:
    from .hub import Hub

_FEATURES: weakref.WeakKeyDictionary[Hub, AccountFeature] = weakref.WeakKeyDictionary()


def _masked(phone: str | None) -> str | None:
    return None if phone is None else mask_phone(phone)


class AccountFeature:
    """The hub's account and its commands."""

    def __init__(self, hub: Hub) -> None:
        """Load the site's account."""
        self.hub = hub
        self.account = Account.from_dict(hub.site.get("account") or {})
        #: Fault injection: the first change of this kind fails (tests only).
        self.fail_on: ChangeKind | None = None

    def view(self) -> dict[str, Any]:
        """Return the account with every phone number masked."""
        data = self.account.to_dict()
        for contact in data["contacts"]:
            contact["phone"] = _masked(contact["phone"])
        for rule in data["rules"]:
            rule["recipients"] = [
                mask_phone(r) if r.startswith("+") else r for r in rule["recipients"]
            ]
        for device in data["geo_devices"]:
            device["phone"] = _masked(device["phone"])
        data["two_factor"]["phone"] = _masked(data["two_factor"]["phone"])
        return data

    async def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """``account_get``: the masked account."""
        del args
        return self.view()

    async def phone_swap(self, args: dict[str, Any]) -> dict[str, Any]:
        """``phone_swap``: plan (``dry_run``) or make the swap."""
        old, new = args.get("old_number"), args.get("new_number")
        dry_run = args.get("dry_run", False)
        if not isinstance(old, str) or not isinstance(new, str):
            raise Rejection(ErrorCode.BAD_REQUEST, "both numbers must be strings")
        if not isinstance(dry_run, bool):
            raise Rejection(ErrorCode.BAD_REQUEST, "dry_run must be true or false")
        try:
            if dry_run:
                changes = plan_phone_swap(self.account, old, new)
                return {"dry_run": True, "changes": [c.to_dict() for c in changes]}
            result = apply_phone_swap(self.account, old, new, fail_on=self.fail_on)
        except InvalidPhoneNumber as err:
            raise Rejection(ErrorCode.INVALID_PHONE, str(err)) from None
        except SamePhoneNumber as err:
            raise Rejection(ErrorCode.BAD_REQUEST, str(err)) from None
        if result.done:
            self.hub.emit("account", {"changes": len(result.done)})
        return {"dry_run": False, **result.to_dict()}


def account_of(hub: Hub) -> AccountFeature:
    """Return a hub's account feature (for tests and the admin API)."""
    return _FEATURES[hub]


def install(hub: Hub) -> None:
    """Serve the site's account, if it has one."""
    if not hub.site.get("account"):
        return
    feature = AccountFeature(hub)
    _FEATURES[hub] = feature
    hub.commands.update(account_get=feature.get, phone_swap=feature.phone_swap)
