"""Sharing a code: by email through HA's smtp integration, and by text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from unittest.mock import patch

from aiosmtpd.smtp import SMTP, Envelope, Session
from homeassistant.components.notify.const import NOTIFY_SERVICE_SCHEMA
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import EVENT_CALL_SERVICE, MATCH_ALL
from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .codes_helpers import BACK, FRONT, action

CODE = "583920"


class Mailbox:
    """An SMTP server's handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.received = asyncio.Event()

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.received.set()
        return "250 Message accepted for delivery"


@pytest.fixture
async def mailbox(socket_enabled: None) -> AsyncGenerator[tuple[Mailbox, int]]:
    """Run a local SMTP server (aiosmtpd) on a loopback port."""
    box = Mailbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(box, hostname="mail.test"), "127.0.0.1", 0
    )
    yield box, server.sockets[0].getsockname()[1]
    server.close()
    server.close_clients()
    await server.wait_closed()


@pytest.fixture
async def smtp_entry(
    hass: HomeAssistant, mailbox: tuple[Mailbox, int]
) -> AsyncGenerator[MockConfigEntry]:
    """Set up HA's smtp integration, sending to the local server, for Kim."""
    entry = MockConfigEntry(
        domain="smtp",
        title="Home mail",
        data={
            "server": "127.0.0.1",
            "port": mailbox[1],
            "sender": "alarm@home.test",
            "encryption": "none",
            "verify_ssl": False,
        },
        options={"timeout": 5},
        subentries_data=[
            ConfigSubentryData(
                subentry_type="recipient",
                title="Kim",
                unique_id="kim@home.test",
                data={},
            )
        ],
    )
    entry.add_to_hass(hass)
    # smtplib (HA's legacy smtp action) names itself with a DNS look-up, which
    # tests do not allow: it is "ha.home.test" here.
    with patch("smtplib.socket.getfqdn", return_value="ha.home.test"):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)


def notify_entity(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    (found,) = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    return found.entity_id


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


async def test_email_arrives_with_the_code(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
) -> None:
    """add_user returns a code; share_code mails it through HA's smtp entity."""
    box, _ = mailbox
    calls: list[Event] = []
    hass.bus.async_listen(EVENT_CALL_SERVICE, calls.append)
    entry_id = init_integration.entry_id
    added = await action(hass, "add_user", entry_id, name="Kim", locks=[FRONT, BACK])
    code = added["code"]
    response = await action(
        hass,
        "share_code",
        entry_id,
        slot=added["slot"],
        code=code,
        notify_entity=notify_entity(hass, smtp_entry),
        title="Your code for {{ name }}",
    )
    assert response == {"sent": True, "name": "Kim"}
    async with asyncio.timeout(60):  # a hang guard only
        await box.received.wait()
    (mail,) = box.messages
    assert mail["To"] == "Kim <kim@home.test>"
    assert mail["From"] == "alarm@home.test"
    assert text_of(mail).strip() == (
        f"Hello Kim, your alarm code is {code}. "
        "It also opens: Front door lock, Back door lock."
    )
    # Only the caller's own action calls were announced; the mail's was not.
    assert [(c.data["domain"], c.data["service"]) for c in calls] == [
        ("alarmhub", "add_user"),
        ("alarmhub", "share_code"),
    ]


async def test_legacy_smtp_action(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    smtp_entry: MockConfigEntry,
    mailbox: tuple[Mailbox, int],
) -> None:
    """The smtp integration's legacy ``notify.<name>`` action works too."""
    box, _ = mailbox
    assert hass.services.has_service("notify", "home_mail")
    with patch("smtplib.socket.getfqdn", return_value="ha.home.test"):
        await action(
            hass,
            "share_code",
            init_integration.entry_id,
            slot=1,
            code="4826",
            notify_service="notify.home_mail",
            message="{{ name }}: {{ code }}",
        )
        async with asyncio.timeout(60):  # a hang guard only
            await box.received.wait()
    assert text_of(box.messages[0]).strip() == "Alex: 4826"


async def test_text_message(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """By text: through an SMS gateway's notify action (the gateway is faked)."""
    sent: list[dict[str, Any]] = []
    events: list[Event] = []

    async def sms_gateway(call: ServiceCall) -> None:
        sent.append(dict(call.data))

    hass.services.async_register(
        "notify", "sms_gateway", sms_gateway, schema=NOTIFY_SERVICE_SCHEMA
    )
    hass.bus.async_listen(MATCH_ALL, events.append)
    await action(
        hass,
        "share_code",
        init_integration.entry_id,
        slot=2,
        code="7391",
        notify_service="sms_gateway",
        message="{{ name }}, your code: {{ code }}{{ locks }}",
    )
    assert sent == [{"message": "Sam, your code: 7391[]", "title": "Your alarm code"}]
    leaked = [e for e in events if "7391" in str(e.data)]
    assert [e.data["domain"] for e in leaked] == ["alarmhub"]  # the caller's own


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "notify_target_missing"),
        ({"notify_service": "notify.nowhere"}, "notify_not_found"),
        ({"notify_service": "sms", "message": "{{ 1 / 0 }}"}, "share_template"),
        ({"slot": 9, "notify_service": "sms"}, "unknown_user"),
    ],
)
async def test_share_refusals(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    data: dict[str, Any],
    key: str,
) -> None:
    hass.services.async_register("notify", "sms", lambda call: None)
    with pytest.raises(ServiceValidationError) as err:
        await action(
            hass,
            "share_code",
            init_integration.entry_id,
            **{"slot": 1, "code": "4826", **data},
        )
    assert err.value.translation_key == key
    assert "4826" not in str(err.value)


async def test_gateway_failure_does_not_carry_the_code(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A notify action that breaks: a translated error, the code nowhere."""

    async def broken(call: ServiceCall) -> None:
        raise OSError(f"gateway refused {call.data['message']}")

    hass.services.async_register("notify", "sms", broken)
    caplog.set_level("DEBUG")
    with pytest.raises(HomeAssistantError) as err:
        await action(
            hass,
            "share_code",
            init_integration.entry_id,
            slot=1,
            code="4826",
            notify_service="sms",
        )
    assert err.value.translation_key == "share_failed"
    assert err.value.__cause__ is None
    assert "4826" not in str(err.value)
    assert "4826" not in caplog.text


async def test_gateway_error_of_its_own_is_passed_on(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A notify action's own HA error reaches the caller as it is."""

    async def offline(call: ServiceCall) -> None:
        raise HomeAssistantError("The SMS gateway is offline")

    hass.services.async_register("notify", "sms", offline)
    with pytest.raises(HomeAssistantError, match="The SMS gateway is offline"):
        await action(
            hass,
            "share_code",
            init_integration.entry_id,
            slot=1,
            code="4826",
            notify_service="sms",
        )
