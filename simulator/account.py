"""Hub account data: contacts, notification rules, geo-devices, two-factor.

Loaded from a site file or the wire with :meth:`Account.from_dict`. Phone
numbers are personal data: they are stored in E.164 form
(:func:`normalize_e164`) and never appear in full in an error message; those
show at most the last two digits, as ``…42`` (:func:`mask_phone`). What a
phone swap changes in this data is worked out in :mod:`simulator.swap`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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


def redact_phones(text: str) -> str:
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
