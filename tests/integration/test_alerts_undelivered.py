"""An alert no channel delivered does not keep its cool-down window, on a real broker and chDB.

The first rule-breaking call's alerts fail on every channel (the webhook answers 404): they are dead
letters at stage ``notify`` and go back to the cool-down as undelivered, which closes their windows,
so the same agent breaking the same rule minutes later is notified. With the first delivered, the
second is suppressed as before. Two worker runs on the same topics: the first drains (every topic's
lag zero, the send-back and the release included) before it stops.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from streams.settings import Settings
from tests.integration.test_alerts_pipeline import HOOK, broker, complaint, run  # noqa: F401 (fixture)
from tests.notify_servers import http_server

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("first_fails", [True, False], ids=["undelivered", "delivered"])
def test_next_alert_is_notified_only_when_the_first_reached_no_channel(
    broker,  # noqa: F811
    chdb_dsn,
    chdb_client,
    tmp_path: Path,
    first_fails: bool,
) -> None:
    prefix = f"undelivered-{uuid.uuid4().hex[:8]}."
    first, second = (complaint(f"{prefix}{name}") for name in ("first", "second"))
    # The first call raises legal_threat and cancellation_risk: two webhook posts, refused (404 is
    # permanent: one try each) when first_fails; every later post is answered 200.
    script = [(404, {}, b"no_route")] * 2 if first_fails else []
    with http_server(script=script) as server:
        settings = Settings(
            data_dir=tmp_path / "data",
            clickhouse_dsn=chdb_dsn,
            topic_prefix=prefix,
            partitions=2,
            metrics_port=0,
            notify_webhook_url=f"{server.url}{HOOK}",
            notify_backoff=0.05,
        )
        run(settings, broker.bootstrap, [first])
        run(settings, broker.bootstrap, [second])
        posts = server.wait_for(4, timeout=2, path=HOOK)

    sent = [
        (b["alert"]["call_id"], b["alert"]["rule"], b["alert"]["suppressed"])
        for b in map(json.loads, (p.body for p in posts))
    ]
    ids = [first["call_id"], second["call_id"]]
    rows = chdb_client.query(
        "SELECT call_id, suppressed FROM alerts FINAL WHERE call_id IN %(ids)s AND rule = 'legal_threat'"
        " ORDER BY created_at",
        parameters={"ids": ids},
    ).result_rows
    letters = chdb_client.query(
        "SELECT call_id, error_message FROM dead_letters FINAL WHERE stage = 'notify' AND call_id IN %(ids)s",
        parameters={"ids": ids},
    ).result_rows
    if first_fails:
        # Tried once, refused; the second alert of that agent and rule is notified, not suppressed.
        assert (first["call_id"], "legal_threat", False) in sent
        assert (second["call_id"], "legal_threat", False) in sent
        assert len(sent) == 4, sent  # each call's legal_threat and cancellation_risk, once
        assert rows == [(first["call_id"], False), (second["call_id"], False)]
        # The failed notifications are still dead letters, as before.
        assert sorted(r[0] for r in letters) == [first["call_id"]] * 2
        assert all("1 of 1 channel(s) failed: webhook: HTTP 404" in r[1] for r in letters)
        # Each names its own alert (legal_threat, cancellation_risk): the rows are not identical.
        assert sorted(r[1].split(")")[0] for r in letters) == [
            f"alert {first['call_id']}:{rule}@demo (rule {rule}, call {first['call_id']}"
            for rule in ("cancellation_risk", "legal_threat")
        ]
    else:
        assert sorted(sent) == [
            (first["call_id"], "cancellation_risk", False),
            (first["call_id"], "legal_threat", False),
        ]
        assert rows == [(first["call_id"], False), (second["call_id"], True)]
        assert letters == []
