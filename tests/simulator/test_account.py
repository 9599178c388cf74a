"""Tests for the hub account data and the phone-swap operation."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, strategies as st
import pytest

from simulator.account import (
    Account,
    Contact,
    GeoDevice,
    InvalidAccount,
    InvalidPhoneNumber,
    NotificationRule,
    SamePhoneNumber,
    TwoFactor,
    mask_phone,
    normalize_e164,
)
from simulator.swap import (
    Change,
    ChangeKind,
    SwapResult,
    apply_phone_swap,
    plan_phone_swap,
)

OLD = "+15555550123"
NEW = "+15555550999"
SAM = "+15555550188"
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
#: A run of three digits: more than a masked number may show.
DIGIT_RUN = re.compile(r"[0-9]{3}")


def demo_data() -> dict[str, Any]:
    """Return the demo account in its site-file form."""
    return {
        "contacts": [
            {
                "id": "c1",
                "name": "Alex",
                "phone": "+1 (555) 555-0123",
                "email": "alex@example.com",
                "primary": True,
            }
        ],
        "rules": [
            {
                "id": "r1",
                "name": "Alarm events",
                "recipients": [OLD, "alex@example.com"],
            },
            {"id": "r2", "name": "Door left open", "recipients": [OLD, SAM]},
            {"id": "r3", "name": "Arming reminders", "recipients": [SAM]},
        ],
        "geo_devices": [
            {"id": "g1", "name": "Alex's phone", "phone": OLD},
            {"id": "g2", "name": "Sam's phone", "phone": SAM},
        ],
        "two_factor": {"enabled": True, "phone": OLD},
    }


def demo() -> Account:
    """Return the demo account."""
    return Account.from_dict(demo_data())


def key(change: Change) -> tuple[str, str, str]:
    """Return what identifies a change, whatever its status."""
    return (change.kind, change.target_id, change.description)


def all_texts(changes: tuple[Change, ...] | list[Change]) -> list[str]:
    """Return every human-readable text of some changes."""
    texts: list[str] = []
    for change in changes:
        texts.append(change.description)
        texts.extend(change.steps)
        if change.reason is not None:
            texts.append(change.reason)
    return texts


def assert_masked(text: str) -> None:
    """Assert ``text`` shows no phone number beyond its last two digits."""
    for number in (OLD, NEW, SAM):
        assert number not in text
        assert number[1:] not in text
    assert DIGIT_RUN.search(text) is None, text


# The Home Assistant test plugin installs async autouse fixtures that only work
# with ``asyncio_mode = auto``. These tests are plain sync pure logic and need
# no event loop, so they shadow them with no-ops to run in any asyncio mode.


@pytest.fixture(autouse=True)
def configure_event_loop() -> None:
    """Shadow the HA plugin's async fixture: no event loop is used here."""


@pytest.fixture(autouse=True)
def enable_event_loop_debug() -> None:
    """Shadow the HA plugin's async fixture: no event loop is used here."""


# --- normalize_e164 / mask_phone ------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+15555550123", "+15555550123"),
        ("+1 (555) 555-0123", "+15555550123"),
        ("+44.20.7946.0958", "+442079460958"),
        ("(+49) 30-1234-5678", "+493012345678"),
        ("+1234 5678", "+12345678"),  # 8 digits, the fewest
        ("+123456789012345", "+123456789012345"),  # 15 digits, the most
    ],
)
def test_normalize_valid(raw: str, expected: str) -> None:
    """Separators are stripped and the E.164 form returned."""
    assert normalize_e164(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "15555550123",  # no '+'
        "0015555550123",  # international prefix instead of '+'
        "+05555550123",  # country code cannot start with 0
        "+1234567",  # 7 digits
        "+1234567890123456",  # 16 digits
        "++15555550123",
        "+1555555O123",  # letter O
        "+1\t5555550123",  # tab is not a tolerated separator
        "+1555555012\u0663",  # Arabic-Indic digit
        "\uff0b15555550123",  # full-width plus
        "+1 555 555 0123 ext 4",
        "tel:+15555550123",
    ],
)
def test_normalize_invalid(raw: str) -> None:
    """Anything but '+' and 8..15 digits (with separators) is rejected."""
    with pytest.raises(InvalidPhoneNumber):
        normalize_e164(raw)


def test_normalize_rejects_non_string() -> None:
    """A non-string (from bad wire data) is an invalid number too."""
    with pytest.raises(InvalidPhoneNumber):
        normalize_e164(15555550123)  # type: ignore[arg-type]


def test_invalid_number_error_is_masked() -> None:
    """The error shows only the last two digits of the number."""
    with pytest.raises(InvalidPhoneNumber) as info:
        normalize_e164("+1 555 555 0123 4567 89")
    message = str(info.value)
    assert "\u202689" in message
    assert "5555550123" not in message
    assert DIGIT_RUN.search(message) is None


def test_invalid_phone_is_value_error() -> None:
    """Callers catching ValueError see both errors; they stay distinct."""
    assert issubclass(InvalidPhoneNumber, ValueError)
    assert issubclass(SamePhoneNumber, ValueError)
    assert not issubclass(SamePhoneNumber, InvalidPhoneNumber)


def test_mask_phone() -> None:
    """A mask shows the last two digits, or none of a very short value."""
    assert mask_phone(OLD) == "\u202623"
    assert mask_phone("+1 555 555-0142") == "\u202642"
    assert mask_phone("+12") == "\u2026"
    assert mask_phone("") == "\u2026"


@given(st.text())
def test_random_text_only_raises_invalid_phone(raw: str) -> None:
    """Random text gives a valid E.164 number or InvalidPhoneNumber, masked."""
    try:
        result = normalize_e164(raw)
    except InvalidPhoneNumber as err:
        message = str(err)
        assert DIGIT_RUN.search(message) is None
        if sum(char in "0123456789" for char in raw) >= 3:
            assert raw not in message
        return
    assert E164.fullmatch(result)


@given(
    st.from_regex(E164, fullmatch=True),
    st.lists(st.sampled_from(" -.()"), max_size=20),
    st.randoms(use_true_random=False),
)
def test_separators_anywhere_are_ignored(
    number: str, separators: list[str], rng: Any
) -> None:
    """A valid number with separators sprinkled in normalizes back to itself."""
    chars = list(number)
    for separator in separators:
        chars.insert(rng.randint(0, len(chars)), separator)
    assert normalize_e164("".join(chars)) == number


# --- account data ---------------------------------------------------------------


def test_from_dict_normalizes_and_round_trips() -> None:
    """Numbers are stored in E.164 form; to_dict/from_dict round-trips."""
    account = demo()
    assert account.contacts[0].phone == OLD
    assert account.primary_contact is account.contacts[0]
    assert account.rules[0].recipients == [OLD, "alex@example.com"]
    data = account.to_dict()
    assert Account.from_dict(json.loads(json.dumps(data))) == account
    assert data["two_factor"] == {"enabled": True, "phone": OLD}


def test_from_dict_defaults() -> None:
    """Missing sections are empty; 2FA defaults to disabled."""
    account = Account.from_dict({})
    assert account == Account()
    assert account.two_factor == TwoFactor(enabled=False, phone=None)
    assert account.primary_contact is None


def test_from_dict_dedupes_recipients() -> None:
    """The same number written twice is one recipient."""
    rule = NotificationRule.from_dict(
        {"id": "r", "name": "R", "recipients": [OLD, "+1 555 555 0123", SAM]}
    )
    assert rule.recipients == [OLD, SAM]


def test_from_dict_bad_number_names_place_and_masks() -> None:
    """A bad number on load says where it is, without showing it."""
    data = demo_data()
    data["rules"][1]["recipients"][1] = "5555550188"  # no '+'
    with pytest.raises(InvalidPhoneNumber) as info:
        Account.from_dict(data)
    message = str(info.value)
    assert message.startswith("rules[1].recipients[1]:")
    assert "\u202688" in message
    assert_masked(message)


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda d: d.update(contacts="nope"), InvalidAccount),
        (lambda d: d["contacts"][0].update(id=1), InvalidAccount),
        (lambda d: d["contacts"][0].update(primary="yes"), InvalidAccount),
        (lambda d: d["contacts"].append(dict(d["contacts"][0])), InvalidAccount),
        (
            lambda d: d["contacts"].append(
                {"id": "c2", "name": "Sam", "primary": True}
            ),
            InvalidAccount,
        ),
        (lambda d: d["rules"][0]["recipients"].append("a@"), InvalidAccount),
        (lambda d: d["rules"][0]["recipients"].append(42), InvalidAccount),
        (lambda d: d["geo_devices"][0].pop("phone"), InvalidAccount),
        (lambda d: d["geo_devices"][1].update(id="g1"), InvalidAccount),
        (lambda d: d.update(two_factor={"enabled": True}), InvalidAccount),
        (lambda d: d["geo_devices"][0].update(phone="+0123"), InvalidPhoneNumber),
        (lambda d: d["two_factor"].update(phone="12"), InvalidPhoneNumber),
    ],
)
def test_from_dict_rejects_bad_data(mutate: Any, error: type[Exception]) -> None:
    """Malformed account data raises a ValueError subclass with a reason."""
    data = demo_data()
    mutate(data)
    with pytest.raises(error) as info:
        Account.from_dict(data)
    assert_masked(str(info.value))


def test_from_dict_rejects_non_mapping() -> None:
    """The top level must be a mapping."""
    with pytest.raises(InvalidAccount):
        Account.from_dict([])


def test_direct_construction_normalizes() -> None:
    """Building the dataclasses in code normalizes numbers as well."""
    device = GeoDevice(id="g", name="Phone", phone="+1 555 555 0123")
    assert device.phone == OLD
    contact = Contact(id="c", name="Alex", phone="+1-555-555-0123")
    assert contact.phone == OLD
    with pytest.raises(InvalidPhoneNumber):
        TwoFactor(enabled=True, phone="555")


# --- plan ---------------------------------------------------------------------


def test_plan_lists_the_four_kinds() -> None:
    """The demo swap touches each of the four parts of the account."""
    account = demo()
    before = account.to_dict()
    plan = plan_phone_swap(account, OLD, NEW)
    assert [(c.kind, c.target_id) for c in plan] == [
        (ChangeKind.PRIMARY_CONTACT, "c1"),
        (ChangeKind.NOTIFICATION_RECIPIENTS, "r1"),
        (ChangeKind.NOTIFICATION_RECIPIENTS, "r2"),
        (ChangeKind.GEO_DEVICE, "g1"),
        (ChangeKind.TWO_FACTOR, "two_factor"),
    ]
    assert {c.kind for c in plan} == set(ChangeKind)
    assert not any(c.done for c in plan)
    assert all(c.reason is None for c in plan)
    two_factor = plan[-1]
    assert len(two_factor.steps) == 2
    assert two_factor.steps[0].startswith("Disable")
    assert two_factor.steps[1].startswith("Re-enable")
    assert account.to_dict() == before  # planning changes nothing


def test_plan_accepts_unnormalized_numbers() -> None:
    """The numbers given to a swap are normalized first."""
    account = demo()
    assert plan_phone_swap(account, "+1 (555) 555-0123", "+1.555.555.0999") == (
        plan_phone_swap(account, OLD, NEW)
    )


def test_plan_for_unknown_number_is_empty() -> None:
    """A number the account does not use needs no change."""
    assert plan_phone_swap(demo(), "+15555550777", NEW) == []


def test_same_number_raises() -> None:
    """Swapping a number for itself is refused, with a masked message."""
    account = demo()
    before = account.to_dict()
    for call in (plan_phone_swap, apply_phone_swap):
        with pytest.raises(SamePhoneNumber) as info:
            call(account, OLD, "+1 555 555 0123")
        assert "\u202623" in str(info.value)
        assert_masked(str(info.value))
    assert account.to_dict() == before


@pytest.mark.parametrize(("old", "new"), [("555", NEW), (OLD, "+1555"), ("", "")])
def test_invalid_swap_numbers_raise(old: str, new: str) -> None:
    """Invalid numbers are refused before anything changes."""
    account = demo()
    before = account.to_dict()
    for call in (plan_phone_swap, apply_phone_swap):
        with pytest.raises(InvalidPhoneNumber):
            call(account, old, new)
    assert account.to_dict() == before


# --- apply ----------------------------------------------------------------------


def test_apply_swaps_everything() -> None:
    """Apply makes every planned change and updates the account."""
    account = demo()
    plan = plan_phone_swap(account, OLD, NEW)
    result = apply_phone_swap(account, OLD, NEW)
    assert isinstance(result, SwapResult)
    assert not result.partial
    assert result.not_done == ()
    assert [key(c) for c in result.done] == [key(c) for c in plan]
    assert all(c.done and c.reason is None for c in result.done)

    assert account.contacts[0].phone == NEW
    assert account.contacts[0].email == "alex@example.com"
    assert [r.recipients for r in account.rules] == [
        [NEW, "alex@example.com"],
        [NEW, SAM],
        [SAM],
    ]
    assert account.geo_devices == [
        GeoDevice(id="geo-1", name="Alex's phone", phone=NEW),
        GeoDevice(id="g2", name="Sam's phone", phone=SAM),
    ]
    assert account.two_factor == TwoFactor(enabled=True, phone=NEW)
    json.dumps(result.to_dict())  # wire form is JSON-serializable
    assert result.to_dict()["partial"] is False


def test_second_apply_changes_nothing() -> None:
    """The swap is idempotent: a second run has nothing left to do."""
    account = demo()
    apply_phone_swap(account, OLD, NEW)
    after_first = account.to_dict()
    assert plan_phone_swap(account, OLD, NEW) == []
    again = apply_phone_swap(account, OLD, NEW)
    assert again == SwapResult()
    assert not again.partial
    assert account.to_dict() == after_first


@pytest.mark.parametrize("kind", list(ChangeKind))
def test_partial_failure_then_rerun_completes(kind: ChangeKind) -> None:
    """A failed change stops the swap; a re-run does exactly the rest."""
    reference = demo()
    apply_phone_swap(reference, OLD, NEW)

    account = demo()
    plan = plan_phone_swap(account, OLD, NEW)
    failed_at = next(i for i, c in enumerate(plan) if c.kind == kind)

    first = apply_phone_swap(account, OLD, NEW, fail_on=kind)
    assert first.partial
    assert [key(c) for c in first.done] == [key(c) for c in plan[:failed_at]]
    assert [key(c) for c in first.not_done] == [key(c) for c in plan[failed_at:]]
    assert not any(c.done for c in first.not_done)
    assert first.not_done[0].reason is not None
    assert first.not_done[0].reason.startswith("failed:")
    for skipped in first.not_done[1:]:
        assert skipped.reason is not None
        assert skipped.reason.startswith("not attempted")
    assert first.to_dict()["partial"] is True

    # What is left to do is exactly what was reported as not done.
    remaining = plan_phone_swap(account, OLD, NEW)
    assert [key(c) for c in remaining] == [key(c) for c in first.not_done]

    second = apply_phone_swap(account, OLD, NEW)
    assert not second.partial
    assert [key(c) for c in second.done] == [key(c) for c in first.not_done]
    assert account.to_dict() == reference.to_dict()
    assert apply_phone_swap(account, OLD, NEW) == SwapResult()


def test_failed_two_factor_change_keeps_two_factor_enabled() -> None:
    """A failure while moving 2FA never leaves it switched off."""
    account = demo()
    result = apply_phone_swap(account, OLD, NEW, fail_on=ChangeKind.TWO_FACTOR)
    assert result.partial
    assert account.two_factor == TwoFactor(enabled=True, phone=OLD)


def test_fail_on_a_kind_not_planned_does_nothing_special() -> None:
    """Fault injection only fires for a change that is actually made."""
    account = demo()
    account.two_factor = TwoFactor(enabled=False, phone=OLD)
    result = apply_phone_swap(account, OLD, NEW, fail_on=ChangeKind.TWO_FACTOR)
    assert not result.partial
    assert ChangeKind.TWO_FACTOR not in {c.kind for c in result.done}
    assert account.two_factor == TwoFactor(enabled=False, phone=OLD)


def test_swap_to_a_number_already_in_use() -> None:
    """Swapping onto a number already present adds no duplicate."""
    account = demo()
    result = apply_phone_swap(account, SAM, OLD)
    kinds = [c.kind for c in result.done]
    # Alex (the primary contact) and 2FA are on OLD, not SAM: untouched.
    assert kinds == [
        ChangeKind.NOTIFICATION_RECIPIENTS,
        ChangeKind.NOTIFICATION_RECIPIENTS,
        ChangeKind.GEO_DEVICE,
    ]
    assert [r.recipients for r in account.rules] == [
        [OLD, "alex@example.com"],
        [OLD],
        [OLD],
    ]
    # Sam's device is removed; Alex's phone already has one, none is added.
    assert account.geo_devices == [GeoDevice(id="g1", name="Alex's phone", phone=OLD)]
    assert account.two_factor == TwoFactor(enabled=True, phone=OLD)
    assert apply_phone_swap(account, SAM, OLD) == SwapResult()


def test_only_primary_contact_phone_changes() -> None:
    """Another contact on the old number is left alone."""
    data = demo_data()
    data["contacts"][0]["primary"] = False
    data["contacts"].append({"id": "c2", "name": "Owner", "primary": True})
    account = Account.from_dict(data)
    result = apply_phone_swap(account, OLD, NEW)
    assert ChangeKind.PRIMARY_CONTACT not in {c.kind for c in result.done}
    assert account.contacts[0].phone == OLD


def test_two_factor_on_another_number_is_untouched() -> None:
    """2FA moves only when it is enabled on the old number."""
    data = demo_data()
    data["two_factor"] = {"enabled": True, "phone": SAM}
    account = Account.from_dict(data)
    apply_phone_swap(account, OLD, NEW)
    assert account.two_factor == TwoFactor(enabled=True, phone=SAM)


def test_geo_device_default_name() -> None:
    """A device with no real name becomes "Phone …NN" for the new number."""
    for old_name in ("", "Phone \u202623"):
        data = demo_data()
        data["geo_devices"][0]["name"] = old_name
        account = Account.from_dict(data)
        apply_phone_swap(account, OLD, NEW)
        assert account.geo_devices[0] == GeoDevice(
            id="geo-1", name="Phone \u202699", phone=NEW
        )


def test_geo_device_all_old_devices_removed() -> None:
    """Every device on the old phone goes; one device replaces them."""
    data = demo_data()
    data["geo_devices"].append({"id": "geo-1", "name": "Alex's tablet", "phone": OLD})
    account = Account.from_dict(data)
    apply_phone_swap(account, OLD, NEW)
    assert account.geo_devices == [
        GeoDevice(id="geo-2", name="Alex's phone", phone=NEW),
        GeoDevice(id="g2", name="Sam's phone", phone=SAM),
    ]


def test_no_geo_device_added_without_an_old_one() -> None:
    """The swap replaces the old phone's device; it does not invent one."""
    data = demo_data()
    del data["geo_devices"][0]
    account = Account.from_dict(data)
    result = apply_phone_swap(account, OLD, NEW)
    assert ChangeKind.GEO_DEVICE not in {c.kind for c in result.done}
    assert [d.phone for d in account.geo_devices] == [SAM]


# --- masking --------------------------------------------------------------------


def test_descriptions_are_masked() -> None:
    """No description, step or reason shows a full phone number."""
    texts = all_texts(plan_phone_swap(demo(), OLD, NEW))
    for kind in ChangeKind:
        result = apply_phone_swap(demo(), OLD, NEW, fail_on=kind)
        texts += all_texts(result.done) + all_texts(result.not_done)
    texts += all_texts(apply_phone_swap(demo(), SAM, OLD).done)
    assert texts
    for text in texts:
        assert_masked(text)
    joined = "\n".join(texts)
    assert "\u202623" in joined
    assert "\u202699" in joined


def test_number_in_a_name_is_masked() -> None:
    """A name that contains the phone number is masked in descriptions."""
    data = demo_data()
    data["geo_devices"][0]["name"] = "+1 555 555 0123"
    data["rules"][0]["name"] = "Texts to 555-555-0123"
    plan = plan_phone_swap(Account.from_dict(data), OLD, NEW)
    for text in all_texts(plan):
        assert_masked(text)
