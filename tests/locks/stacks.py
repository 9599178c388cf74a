"""Stand-ins for the ZHA, Z-Wave JS and Matter lock actions.

None of the three can run here (no radio, no Z-Wave JS or Matter server), so
each stack's lock actions are registered under its own domain with the
schema the installed integration registers (copied from its code, because
importing it needs the stack's library; ``test_stacks.py`` checks the copies
against each integration's ``services.yaml``) and answer like the
integration: entity services that skip an unavailable entity (and refuse to
answer a query then), a lock with a number of slots and PIN lengths, codes
set at the lock itself, and the errors each integration raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
import probatio as vol

# --- the integrations' schemas (homeassistant/components/<stack>/...) -------

SLOT = {vol.Required("code_slot"): vol.Coerce(int)}
ZHA_SCHEMAS: dict[str, dict[Any, Any]] = {  # zha/lock.py
    "set_lock_user_code": {**SLOT, vol.Required("user_code"): cv.string},
    "enable_lock_user_code": SLOT,
    "disable_lock_user_code": SLOT,
    "clear_lock_user_code": SLOT,
}
ZWAVE_JS_SCHEMAS: dict[str, dict[Any, Any]] = {  # zwave_js/services.py
    "get_lock_usercode": {vol.Optional("code_slot"): vol.Coerce(int)},
    "set_lock_usercode": {**SLOT, vol.Required("usercode"): cv.string},
    "clear_lock_usercode": SLOT,
}
USER_TYPES = [  # matter/const.py USER_TYPE_MAP values
    "unrestricted_user",
    "year_day_schedule_user",
    "week_day_schedule_user",
    "programming_user",
    "non_access_user",
    "forced_user",
    "disposable_user",
    "expiring_user",
    "schedule_restricted_user",
    "remote_only_user",
]
SERVICE_CREDENTIAL_TYPES = ["pin", "rfid", "fingerprint", "finger_vein", "face"]
CREDENTIAL_TYPES = [
    "programming_pin",
    *SERVICE_CREDENTIAL_TYPES,
    "aliro_credential_issuer_key",
    "aliro_evictable_endpoint_key",
    "aliro_non_evictable_endpoint_key",
]
CLEAR_ALL_INDEX = 0xFFFE
INDEX0 = vol.All(vol.Coerce(int), vol.Range(min=0))
INDEX1 = vol.All(vol.Coerce(int), vol.Range(min=1))
MATTER_SCHEMAS: dict[str, dict[Any, Any]] = {  # matter/services.py
    "set_lock_user": {
        vol.Optional("user_index"): INDEX1,
        vol.Optional("user_name"): vol.Any(str, None),
        vol.Optional("user_type"): vol.In(USER_TYPES),
        vol.Optional("credential_rule"): vol.In(["single", "dual", "tri"]),
    },
    "clear_lock_user": {
        vol.Required("user_index"): vol.All(
            vol.Coerce(int), vol.Any(vol.Range(min=1), CLEAR_ALL_INDEX)
        ),
    },
    "get_lock_info": {},
    "get_lock_users": {},
    "set_lock_credential": {
        vol.Required("credential_type"): vol.In(SERVICE_CREDENTIAL_TYPES),
        vol.Required("credential_data"): cv.string,
        vol.Optional("credential_index"): INDEX0,
        vol.Optional("user_index"): INDEX1,
        vol.Optional("user_status"): vol.In(["occupied_enabled", "occupied_disabled"]),
        vol.Optional("user_type"): vol.In(USER_TYPES),
    },
    "clear_lock_credential": {
        vol.Required("credential_type"): vol.In(SERVICE_CREDENTIAL_TYPES),
        vol.Required("credential_index"): INDEX0,
    },
    "get_lock_credential_status": {
        vol.Required("credential_type"): vol.In(CREDENTIAL_TYPES),
        vol.Required("credential_index"): INDEX0,
    },
}
SCHEMAS = {"zha": ZHA_SCHEMAS, "zwave_js": ZWAVE_JS_SCHEMAS, "matter": MATTER_SCHEMAS}
RESPONDING = {
    ("zwave_js", "get_lock_usercode"): SupportsResponse.ONLY,
    ("matter", "get_lock_info"): SupportsResponse.ONLY,
    ("matter", "get_lock_users"): SupportsResponse.ONLY,
    ("matter", "set_lock_credential"): SupportsResponse.ONLY,
    ("matter", "get_lock_credential_status"): SupportsResponse.ONLY,
}


@dataclass
class FakeLock:
    """One lock on a stack: slots with codes, PIN lengths, online or not."""

    hass: HomeAssistant
    platform: str
    entity_id: str
    name: str
    slots: int = 10
    min_pin: int = 4
    max_pin: int = 8
    #: slot -> code (what the lock holds)
    codes: dict[int, str] = field(default_factory=dict)
    enabled: set[int] = field(default_factory=set)
    #: The next n changes fail as the radio or the server would.
    failures: int = 0
    #: Every change the lock got, as (action, slot).
    changes: list[tuple[str, int]] = field(default_factory=list)

    def go_offline(self) -> None:
        """The lock drops off the network: HA shows it unavailable."""
        self.hass.states.async_set(self.entity_id, "unavailable", self._attrs())

    def come_back(self) -> None:
        """The lock is back."""
        self.hass.states.async_set(self.entity_id, "locked", self._attrs())

    def _attrs(self) -> dict[str, Any]:
        return {"friendly_name": self.name}

    def _fail(self, service: str, slot: int) -> None:
        if self.failures:
            self.failures -= 1
            if self.platform == "zwave_js":
                raise HomeAssistantError(
                    translation_domain="zwave_js",
                    translation_key=f"{service}_failed",
                    translation_placeholders={
                        "entity_id": self.entity_id,
                        "code_slot": str(slot),
                        "error": "Node did not respond",
                    },
                )
            raise HomeAssistantError(f"Failed to send request: {self.entity_id}")

    def _check_slot(self, service: str, slot: int) -> None:
        if not 1 <= slot <= self.slots:
            if self.platform == "zwave_js":  # NotFoundError for a missing value
                raise HomeAssistantError(
                    translation_domain="zwave_js",
                    translation_key=f"{service}_failed",
                    translation_placeholders={
                        "entity_id": self.entity_id,
                        "code_slot": str(slot),
                        "error": "Value not found",
                    },
                )
            raise HomeAssistantError(f"Slot {slot} does not exist")

    def _set(self, service: str, slot: int, code: str) -> None:
        self._check_slot(service, slot)
        self._fail(service, slot)
        if not (code.isdigit() and self.min_pin <= len(code) <= self.max_pin):
            if self.platform == "matter":  # CredentialDataInvalidError
                raise ServiceValidationError("PIN length out of range")
            if self.platform == "zwave_js":  # zwave_js_server refuses it
                raise ValueError("User code must be 4 to 10 characters")
            raise HomeAssistantError("Lock refused the PIN (invalid value)")
        self.codes[slot] = code
        self.changes.append(("set", slot))

    def _clear(self, service: str, slot: int) -> None:
        self._check_slot(service, slot)
        self._fail(service, slot)
        self.codes.pop(slot, None)
        self.enabled.discard(slot)
        self.changes.append(("clear", slot))

    # ZHA
    def zha(self, service: str, data: dict[str, Any]) -> None:
        slot = data["code_slot"]
        if service == "set_lock_user_code":
            self._set(service, slot, data["user_code"])
        elif service == "clear_lock_user_code":
            self._clear(service, slot)
        elif service == "enable_lock_user_code":
            self.enabled.add(slot)
        else:
            self.enabled.discard(slot)

    # Z-Wave JS
    def zwave_js(self, service: str, data: dict[str, Any]) -> Any:
        if service == "get_lock_usercode":
            return {
                str(slot): {
                    "usercode": self.codes.get(slot, ""),
                    "in_use": slot in self.codes,
                }
                for slot in range(1, self.slots + 1)
            }
        if service == "set_lock_usercode":
            self._set(service, data["code_slot"], data["usercode"])
        else:
            self._clear(service, data["code_slot"])
        return None

    # Matter (one PIN credential per user, credential index = user index)
    def matter(self, service: str, data: dict[str, Any]) -> Any:
        if service == "get_lock_info":
            return {
                "supports_user_management": True,
                "supported_credential_types": ["pin"],
                "max_users": self.slots,
                "max_pin_users": self.slots,
                "max_rfid_users": None,
                "max_credentials_per_user": 1,
                "min_pin_length": self.min_pin,
                "max_pin_length": self.max_pin,
                "min_rfid_length": None,
                "max_rfid_length": None,
            }
        if service == "get_lock_users":
            return {
                "max_users": self.slots,
                "users": [
                    {
                        "user_index": slot,
                        "user_name": None,
                        "user_unique_id": None,
                        "user_status": "occupied_enabled",
                        "user_type": "unrestricted_user",
                        "credential_rule": "single",
                        "credentials": [{"type": "pin", "index": slot}],
                        "creator_fabric_index": 1,
                        "last_modified_fabric_index": 1,
                        "next_user_index": None,
                    }
                    for slot in sorted(self.codes)
                ],
            }
        if service == "set_lock_credential":
            assert data["credential_type"] == "pin"
            slot = data.get("user_index") or data.get("credential_index")
            assert slot is not None
            if (index := data.get("credential_index")) is not None:
                assert index == slot
            elif slot in self.codes:  # a second credential for one user
                raise HomeAssistantError("set_credential_failed: duplicate")
            self._set(service, slot, data["credential_data"])
            return {
                "credential_index": slot,
                "user_index": slot,
                "next_credential_index": None,
            }
        if service == "clear_lock_user":
            self._clear(service, data["user_index"])
            return None
        raise NotImplementedError(service)


@dataclass
class Stacks:
    """The stand-in stacks of one test, and their locks."""

    hass: HomeAssistant
    locks: dict[str, FakeLock] = field(default_factory=dict)
    #: Every call, as (domain, service, data) after the schema.
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def add_lock(
        self, platform: str, object_id: str, name: str, **kwargs: Any
    ) -> FakeLock:
        """Register a lock entity of ``platform`` and the lock behind it."""
        entry = er.async_get(self.hass).async_get_or_create(
            "lock", platform, f"{platform}-{object_id}", suggested_object_id=object_id
        )
        lock = FakeLock(self.hass, platform, entry.entity_id, name, **kwargs)
        self.locks[entry.entity_id] = lock
        lock.come_back()
        return lock

    async def _handle(self, call: ServiceCall) -> Any:
        data = dict(call.data)
        self.calls.append((call.domain, call.service, data))
        results: dict[str, Any] = {}
        for entity_id in data.pop("entity_id"):
            lock = self.locks.get(entity_id)
            state = self.hass.states.get(entity_id)
            if lock is None or lock.platform != call.domain:
                continue
            if state is None or state.state == "unavailable":
                continue  # HA skips an unavailable entity
            results[entity_id] = getattr(lock, call.domain)(call.service, data)
        if not results and call.return_response:
            raise HomeAssistantError(
                "Service call requested response data but did not match any entities"
            )
        return results if call.return_response else None

    def register(self) -> None:
        """Register the three stacks' lock actions."""
        for domain, schemas in SCHEMAS.items():
            for service, fields in schemas.items():
                self.hass.services.async_register(
                    domain,
                    service,
                    self._handle,
                    schema=cv.make_entity_service_schema(fields),
                    supports_response=RESPONDING.get(
                        (domain, service), SupportsResponse.NONE
                    ),
                )
