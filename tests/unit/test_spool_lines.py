"""Reading a broker spool (streams/spool.py) line by line: a bad line is named by its line in the file
and set aside, never a traceback that stops the worker's start; an unusable header is refused whole."""

from __future__ import annotations

import base64
import json

import pytest

from streams import spool
from streams.settings import Settings

HEADER = json.dumps({"format": spool.FORMAT, "topics": {"calls.completed": 2}}).encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def line(**fields: object) -> bytes:
    rec = {"t": "calls.completed", "p": 0, "k": b64(b"k"), "v": b64(b"v"), "h": [], "ts": 1700000000000}
    rec.update(fields)
    return json.dumps({k: v for k, v in rec.items() if v is not ...}).encode()


def test_good_lines_are_decoded_with_their_line_numbers() -> None:
    data = b"\n".join([HEADER, line(), b"", line(p=1, k=None, h=[["attempt", b64(b"2")]], ts=None)]) + b"\n"
    header, topics, good, bad = spool._parse(data)
    assert header == HEADER and topics == {"calls.completed": 2} and bad == []
    assert [(r.line, r.partition, r.key, r.value) for r in good] == [(2, 0, b"k", b"v"), (4, 1, None, b"v")]
    assert good[1].headers == [("attempt", b"2")] and good[1].timestamp == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (line()[:30], "not JSON (Expecting value, column 31)"),
        (b"\xff\xfe" + line(), "not UTF-8 text"),
        (b"[1, 2]", "a JSON list, not a record"),
        (line(t=...), 'no topic ("t")'),
        (line(t="calls.other"), "topic 'calls.other' is not in the spool's header"),
        (line(p=...), 'no partition ("p": None)'),
        (line(p=-1), 'no partition ("p": -1)'),
        (line(p="0"), "no partition"),
        (line(v="not base64!"), '"v" is not base64'),
        (line(k=12), '"k" is not base64: int, not base64 text'),
        (line(h=[["a"]]), "header ['a'] is not [name, value]"),
        (line(h=[["a", "%%"]]), "header 'a' is not base64"),
        (line(h="x"), 'headers ("h") are not a list'),
        (line(ts="soon"), 'timestamp ("ts")'),
    ],
)
def test_a_bad_line_is_set_aside_with_its_file_line_number_and_reason(text: bytes, reason: str) -> None:
    _, _, good, bad = spool._parse(b"\n".join([HEADER, line(), line(), text, line()]))
    assert [r.line for r in good] == [2, 3, 5]
    assert [(b.line, b.text) for b in bad] == [(4, text)]
    assert reason in bad[0].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "it is empty"),
        (b"\n" + line(), "first line is not JSON"),
        (HEADER[:20] + b"\n" + line(), "first line is not JSON"),
        (
            json.dumps({"format": "callstream-broker-spool/2", "topics": {}}).encode(),
            "not a callstream-broker",
        ),
        (json.dumps({"format": spool.FORMAT}).encode(), "no valid topic list"),
        (json.dumps({"format": spool.FORMAT, "topics": {"a": 0}}).encode(), "no valid topic list"),
        (json.dumps({"format": spool.FORMAT, "topics": {"a": "2"}}).encode(), "no valid topic list"),
    ],
)
def test_an_unusable_header_refuses_the_whole_file(data: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        spool._parse(data)


def test_the_topics_a_worker_reads_follow_its_prefix_and_app_id() -> None:
    plain = spool.read_topics(Settings(topic_prefix=""))
    assert {"calls.completed", "calls.dlq", "callstream-notify-delivered-changelog"} <= plain
    prefixed = spool.read_topics(Settings(topic_prefix="v2.", app_id="cs"))
    assert {"v2.calls.completed", "cs-v2.alerts-cooldown-changelog"} <= prefixed
    assert not plain & prefixed
