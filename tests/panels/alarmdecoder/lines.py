# ruff: noqa: E501  (captured lines are quoted whole)
"""AD2 lines captured from real panels, with where each comes from.

Sources (public repositories, quoted verbatim):

* ``NUTECH_TESTS``: nutechsoftware/alarmdecoder ``test/test_ad2.py`` and
  ``test/test_messages.py`` (the library's own tests: a Vista's fault cycle,
  expander, RF, LRR and configuration lines).
* ``AD2IOT``: nutechsoftware/AlarmDecoder-IoT ``README.md`` (a console log
  of an AD2 on a Vista: ready, low battery, a fault, chime).
* ``AD2IOT_ST``: nutechsoftware/AlarmDecoder-IoT SmartThings driver comment
  (a Vista arming stay: the exit delay line).
* ``NODE``: node-alarmdecoder's tests (a Vista armed away and stay).
* ``WIKI``: alarmdecoder.com wiki, Protocol page (the keypad example).
* ``OPENHAB``: openHAB's alarmdecoder binding, ``VersionMessage.java``.

Where a test needs a state no capture shows (an alarm, the entry delay, a
beep), the line is a captured one with only the documented bit or text
changed; :func:`with_bits` and :func:`with_text` say which.
"""

from __future__ import annotations

# AD2IOT
READY = '[10000001000100003A--],008,[f700004f1008005c08020000000000],"****DISARMED****  Ready to Arm  "'
LO_BAT = '[00000001000100003A--],008,[f70000100008004c08020000000000],"SYSTEM LO BAT                   "'
HIT_STAR = '[00000001000100003A--],008,[f70000100008004c08020000000000],"****DISARMED****Hit * for faults"'
FAULT_02 = '[00000001000000000A--],002,[f700004f1002000008020000000000],"FAULT 02 DOUG   TEST            "'
CHIME_READY = '[10000001100000003A--],008,[f72600ff1008001c28020000000000]," DISARMED CHIME   Ready to Arm  "'
# NUTECH_TESTS (test_zone_fault_and_restore)
FAULT_03 = '[00010001000000000A--],003,[f70000051003000008020000000000],"FAULT 03                        "'
FAULT_04 = '[00010001000000000A--],004,[f70000051003000008020000000000],"FAULT 04                        "'
FAULT_05 = '[00010001000000000A--],005,[f70000051003000008020000000000],"FAULT 05                        "'
# NUTECH_TESTS (test_ECP_failure): zone 191 means "read the text"
CHECK_ECP = '[00000000000000100A--],0bf,[f707000600e5800c0c020000],"CHECK 1                         "'
# AD2IOT_ST
EXIT_STAY = '[00100301000100003A0-],008,[f702000f100803cc08020000000000],"ARMED ***STAY***You may exit now"'
# NODE
ARMED_AWAY = '[0100000100000000----],008,[f702000b1008008c08020000000000],"ARMED ***AWAY***                "'
ARMED_STAY = '[0010000100000000----],008,[f702000b1008008c08020000000000],"ARMED ***STAY***                "'
# WIKI
STAY_BYPASSED = '[001000010000--------],010,[f70700060010808c08020000],"ARMED ***STAY** ZONE BYPASSED "'
# NUTECH_TESTS
EXP_07_01_ON = "!EXP:07,01,01"
EXP_07_01_OFF = "!EXP:07,01,00"
REL = "!REL:12,01,01"
RFX = "!RFX:0180036,80"
LRR_V1 = "!LRR:012,1,ARM_STAY"
LRR_V2 = "!LRR:001,1,CID_3401,ff"
CONFIG = "!CONFIG>MODE=A&CONFIGBITS=ff04&ADDRESS=18&LRR=N&COM=N&EXP=NNNNN&REL=NNNN&MASK=ffffffff&DEDUPLICATE=N"
SENDING_OK = "!Sending.done"
SENDING_RETRIED = "!Sending.....done"
BOOT = "!Ready"
# OPENHAB
VER = "!VER:ffffffff,V2.2a.8.2,TX;RX;SM;VZ;RF;ZX;RE;AU;3X;CG;DD;MF;LR;KE;MK;CB;DS;ER"


def with_bits(line: str, **bits: str) -> str:
    """Return a keypad line with bit-field positions changed (AD2 protocol).

    Positions: 1 ready, 2 armed away, 3 armed home, 6 beeps (hex digit),
    7 bypassed, 8 AC, 9 chime, 10 alarm occurred, 11 alarm sounding,
    12 low battery, 14 fire.
    """
    names = {
        "ready": 1, "away": 2, "home": 3, "beeps": 6, "bypassed": 7, "ac": 8,
        "chime": 9, "alarm_occurred": 10, "alarm": 11, "battery": 12, "fire": 14,
    }  # fmt: skip
    field = list(line[1:21])
    for name, value in bits.items():
        field[names[name] - 1] = value
    return "[" + "".join(field) + line[21:]


def with_text(line: str, text: str, code: str | None = None) -> str:
    """Return a keypad line with another display text (and zone number)."""
    head, _, _ = line.rpartition(',"')
    if code is not None:
        bits, _, rest = head.partition(",")
        _, _, raw = rest.partition(",")
        head = f"{bits},{code},{raw}"
    return f'{head},"{text:<32}"'


ALARM_05 = with_text(
    with_bits(ARMED_AWAY, alarm="1", alarm_occurred="1"), "ALARM 05", "005"
)
ENTRY_DELAY = with_text(ARMED_AWAY, "DISARM SYSTEM   Or alarm occurs")
NIGHT = with_text(ARMED_STAY, "ARMED *NIGHT-STAY*")
BYPAS_05 = with_text(
    with_bits(READY, ready="0", bypassed="1"), "BYPAS 05 BACK DOOR", "005"
)
READY_BEEP = with_bits(READY, beeps="1")
READY_ERROR = with_bits(READY, beeps="3")
