"""Hub account data and the "swap to a different phone" operation.

The vendor's help centre lists what has to change on an account when its
owner moves to a different phone:

1. the primary contact's phone, if it was the old number;
2. every notification rule that sends to the old number: the old number is
   removed from its recipients and the new one added;
3. the Geo-Devices: the old phone's device is deleted and one for the new
   phone added;
4. two-factor authentication, if it is enabled on the old number: it is
   disabled and re-enabled so that its contact is the new phone.

This module holds the account data (loaded from a site file or the wire with
:meth:`Account.from_dict`) and turns that list into code:
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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
import re
from typing import Any, Final

#: Fewest digits (country code included) accepted in an E.164 number.
E164_MIN_DIGITS: Final = 8
#: Most digits (country code included) that E.164 allows.
E164_MAX_DIGITS: Final = 15
#: Characters people put in phone numbers that carry no meaning.
PHONE_SEPARATORS: Final = frozenset(" -.()")
#: Marks the hidden part of a masked phone number.
MASK: Final = "\u2026"

_DIGITS: Final = frozenset("0123456789")
#: Fewest digits a value must have before :func:`mask_phone` shows any.
_MASK_MIN_DIGITS: Final = 4
#: Anything in free text (a name) that looks like a phone number.
_PHONE_LIKE: Final = re.compile(r"\+?[0-9](?:[ ().-]*[0-9]){5,}")
TWO_FACTOR_TARGET_ID: Final = "two_factor"
TWO_FACTOR_TARGET_NAME: Final = "Two-factor authentication"


class InvalidPhoneNumber(ValueError):
    """A phone number that is not a valid E.164 number.

    The message shows at most the last two digits of the number.
    """


class SamePhoneNumber(ValueError):
    """A phone swap whose old and new numbers are the same number."""


class InvalidAccount(ValueError):
    """Account data with the wrong shape (a missing field, a duplicate id...)."""


def mask_phone(number: str) -> str:
    """Return ``number`` with everything but its last two digits hidden.

    ``"+15555550142"`` becomes ``"…42"``. A value with fewer than four digits
    shows none of them (``"…"``), so a mask never gives away most of a value.
    """
    digits = [char for char in number if char in _DIGITS]
    if len(digits) < _MASK_MIN_DIGITS:
        return MASK
    return MASK + "".join(digits[-2:])


def _invalid(hint: str, problem: str) -> InvalidPhoneNumber:
    """Build the error for a bad number, showing only its masked form."""
    shown = f" ending {hint}" if hint != MASK else ""
    return InvalidPhoneNumber(f"invalid phone number{shown}: {problem}")


def normalize_e164(number: str) -> str:
    """Return ``number`` in E.164 form: ``+`` followed by 8 to 15 digits.

    Spaces, dashes, dots and parentheses are dropped first, so
    ``"+1 (555) 555-0123"`` gives ``"+15555550123"``. The first digit (the
    start of the country code) cannot be 0. Only ASCII digits count as
    digits. Anything else raises :class:`InvalidPhoneNumber`.
    """
    if not isinstance(number, str):
        raise InvalidPhoneNumber("invalid phone number: must be a string")
    stripped = "".join(char for char in number if char not in PHONE_SEPARATORS)
    hint = mask_phone(stripped)
    if not stripped:
        raise _invalid(hint, "it is empty")
    if not stripped.startswith("+"):
        raise _invalid(hint, "it must start with '+' and the country code")
    digits = stripped[1:]
    if any(char not in _DIGITS for char in digits):
        raise _invalid(hint, "only digits may follow the '+'")
    if not E164_MIN_DIGITS <= len(digits) <= E164_MAX_DIGITS:
        raise _invalid(
            hint, f"it must have {E164_MIN_DIGITS} to {E164_MAX_DIGITS} digits"
        )
    if digits[0] == "0":
        raise _invalid(hint, "a country code cannot start with 0")
    return "+" + digits


def _redact(text: str) -> str:
    """Mask anything in ``text`` that looks like a phone number."""
    return _PHONE_LIKE.sub(lambda match: mask_phone(match.group()), text)


def _is_email(value: str) -> bool:
    """Return whether ``value`` looks like an e-mail address."""
    local, at, domain = value.partition("@")
    return (
        bool(at and local and domain)
        and "@" not in domain
        and not any(char.isspace() for char in value)
    )


def _normalize_recipient(value: str) -> str:
    """Return a rule recipient: an e-mail address as is, a phone in E.164."""
    if "@" in value:
        if not _is_email(value):
            raise InvalidAccount("recipient is not a valid e-mail address")
        return value
    return normalize_e164(value)


def _is_phone_recipient(value: str) -> bool:
    """Return whether a (normalized) recipient is a phone number."""
    return value.startswith("+")


# --- loading helpers --------------------------------------------------------


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidAccount(f"{path} must be a mapping")
    return value


def _list(data: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidAccount(f"{path}.{key} must be a list")
    return value


def _id(data: Mapping[str, Any], path: str) -> str:
    value = data.get("id")
    if not isinstance(value, str) or not value:
        raise InvalidAccount(f"{path}.id must be a non-empty string")
    return value


def _text(data: Mapping[str, Any], key: str, path: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise InvalidAccount(f"{path}.{key} must be a string")
    return value


def _optional_text(data: Mapping[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidAccount(f"{path}.{key} must be a string or null")
    return value


def _bool(data: Mapping[str, Any], key: str, path: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise InvalidAccount(f"{path}.{key} must be true or false")
    return value


def _located[T](path: str, build: Callable[[], T]) -> T:
    """Run ``build`` and prefix any validation error with ``path``."""
    try:
        return build()
    except InvalidPhoneNumber as err:
        raise InvalidPhoneNumber(f"{path}: {err}") from None
    except InvalidAccount as err:
        message = str(err)
        if message.startswith(path):
            raise
        raise InvalidAccount(f"{path}: {message}") from None


def _unique_ids(ids: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise InvalidAccount(f"duplicate {what} id {item_id!r}")
        seen.add(item_id)


# --- account data -------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Contact:
    """A person on the account; the primary contact is the account owner."""

    id: str
    name: str
    phone: str | None = None
    email: str | None = None
    primary: bool = False

    def __post_init__(self) -> None:
        """Store the phone number in E.164 form."""
        if self.phone is not None:
            self.phone = normalize_e164(self.phone)

    @classmethod
    def from_dict(cls, data: Any, path: str = "contact") -> Contact:
        """Build a contact from its site-file / wire form."""
        obj = _mapping(data, path)
        return _located(
            path,
            lambda: cls(
                id=_id(obj, path),
                name=_text(obj, "name", path),
                phone=_optional_text(obj, "phone", path),
                email=_optional_text(obj, "email", path),
                primary=_bool(obj, "primary", path),
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site-file / wire form."""
        return {
            "id": self.id,
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "primary": self.primary,
        }


@dataclass(slots=True, kw_only=True)
class NotificationRule:
    """A rule that sends notifications to phone numbers and e-mail addresses.

    Phone recipients are stored in E.164 form; a recipient listed twice is
    kept once.
    """

    id: str
    name: str
    recipients: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Normalize the recipients and drop duplicates, keeping order."""
        self.recipients = list(
            dict.fromkeys(_normalize_recipient(value) for value in self.recipients)
        )

    @classmethod
    def from_dict(cls, data: Any, path: str = "rule") -> NotificationRule:
        """Build a rule from its site-file / wire form."""
        obj = _mapping(data, path)
        recipients: list[str] = []
        for index, value in enumerate(_list(obj, "recipients", path)):
            where = f"{path}.recipients[{index}]"
            if not isinstance(value, str):
                raise InvalidAccount(f"{where} must be a string")
            recipients.append(_located(where, partial(_normalize_recipient, value)))
        return _located(
            path,
            lambda: cls(
                id=_id(obj, path), name=_text(obj, "name", path), recipients=recipients
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site-file / wire form."""
        return {"id": self.id, "name": self.name, "recipients": list(self.recipients)}


@dataclass(slots=True, kw_only=True)
class GeoDevice:
    """A phone that reports the account owner's location (geofencing)."""

    id: str
    name: str
    phone: str

    def __post_init__(self) -> None:
        """Store the phone number in E.164 form."""
        self.phone = normalize_e164(self.phone)

    @classmethod
    def from_dict(cls, data: Any, path: str = "geo_device") -> GeoDevice:
        """Build a geo-device from its site-file / wire form."""
        obj = _mapping(data, path)
        phone = obj.get("phone")
        if not isinstance(phone, str):
            raise InvalidAccount(f"{path}.phone must be a string")
        return _located(
            path,
            lambda: cls(id=_id(obj, path), name=_text(obj, "name", path), phone=phone),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site-file / wire form."""
        return {"id": self.id, "name": self.name, "phone": self.phone}


@dataclass(slots=True, kw_only=True)
class TwoFactor:
    """Two-factor authentication: codes are sent to ``phone`` when enabled."""

    enabled: bool = False
    phone: str | None = None

    def __post_init__(self) -> None:
        """Store the phone number in E.164 form; enabled needs a phone."""
        if self.phone is not None:
            self.phone = normalize_e164(self.phone)
        if self.enabled and self.phone is None:
            raise InvalidAccount("two-factor authentication is enabled without a phone")

    @classmethod
    def from_dict(cls, data: Any, path: str = "two_factor") -> TwoFactor:
        """Build the 2FA settings from their site-file / wire form."""
        if data is None:
            return cls()
        obj = _mapping(data, path)
        return _located(
            path,
            lambda: cls(
                enabled=_bool(obj, "enabled", path),
                phone=_optional_text(obj, "phone", path),
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site-file / wire form."""
        return {"enabled": self.enabled, "phone": self.phone}


@dataclass(slots=True, kw_only=True)
class Account:
    """Everything on a hub account that refers to the owner's phone.

    Ids are unique within each list and at most one contact is primary.
    """

    contacts: list[Contact] = field(default_factory=list)
    rules: list[NotificationRule] = field(default_factory=list)
    geo_devices: list[GeoDevice] = field(default_factory=list)
    two_factor: TwoFactor = field(default_factory=TwoFactor)

    def __post_init__(self) -> None:
        """Check ids are unique and there is at most one primary contact."""
        _unique_ids((contact.id for contact in self.contacts), "contact")
        _unique_ids((rule.id for rule in self.rules), "rule")
        _unique_ids((device.id for device in self.geo_devices), "geo-device")
        if sum(contact.primary for contact in self.contacts) > 1:
            raise InvalidAccount("more than one contact is primary")

    @property
    def primary_contact(self) -> Contact | None:
        """Return the primary contact, if there is one."""
        return next((contact for contact in self.contacts if contact.primary), None)

    @classmethod
    def from_dict(cls, data: Any) -> Account:
        """Build an account from a site file's / the wire's form.

        Phone numbers are validated and normalized to E.164; a bad one raises
        :class:`InvalidPhoneNumber`, any other problem :class:`InvalidAccount`.
        Both messages name where the problem is (``rules[1].recipients``).
        Unknown keys are ignored; missing lists are empty.
        """
        obj = _mapping(data, "account")
        return cls(
            contacts=[
                Contact.from_dict(item, f"contacts[{index}]")
                for index, item in enumerate(_list(obj, "contacts", "account"))
            ],
            rules=[
                NotificationRule.from_dict(item, f"rules[{index}]")
                for index, item in enumerate(_list(obj, "rules", "account"))
            ],
            geo_devices=[
                GeoDevice.from_dict(item, f"geo_devices[{index}]")
                for index, item in enumerate(_list(obj, "geo_devices", "account"))
            ],
            two_factor=TwoFactor.from_dict(obj.get("two_factor")),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site-file / wire form."""
        return {
            "contacts": [contact.to_dict() for contact in self.contacts],
            "rules": [rule.to_dict() for rule in self.rules],
            "geo_devices": [device.to_dict() for device in self.geo_devices],
            "two_factor": self.two_factor.to_dict(),
        }


# --- phone swap ---------------------------------------------------------------


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
        description=_redact(description),
        steps=tuple(_redact(step) for step in steps),
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
            failed = replace(change, reason=f"failed: {_redact(str(err))}")
            skipped = (
                replace(later, reason="not attempted: an earlier change failed")
                for later in planned[index + 1 :]
            )
            return SwapResult(done=tuple(done), not_done=(failed, *skipped))
        done.append(replace(change, done=True))
    return SwapResult(done=tuple(done))
