"""BI views (deploy/clickhouse/006_bi.sql) and every SQL block of docs/bi.md, on chDB."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from processors.audio import SAMPLES_DIR, load_call_audio
from processors.doubts import KINDS, MONO_DECLARED_STEREO, TRANSCRIPT_CUT, kind_of
from processors.rows import alert_row, score_rows
from processors.rules import price_mentions
from processors.scorecard import ROLES, ScorecardRegistry
from processors.transcribe import duration_doubt, swapped_channels_doubt
from streams.clickhouse import DDL_DIR, connect, migrate, split_statements
from streams.sink import ClickHouseSink, row_version
from tests import bi_data
from tests.factories import make_alert, make_call_score
from tests.unit.test_recording_doubts import cut_short, write_twice

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BI_DOC = ROOT / "docs" / "bi.md"
VIEWS = re.findall(r"CREATE VIEW IF NOT EXISTS (\w+)", (DDL_DIR / "006_bi.sql").read_text())


def sql_blocks(markdown: str) -> list[tuple[str, str]]:
    """(heading, sql) for every ```sql block, under the heading it belongs to."""
    blocks, heading = [], ""
    for match in re.finditer(r"^(#{1,4} [^\n]+)$|^```sql\n(.*?)^```", markdown, re.M | re.S):
        if match.group(1):
            heading = match.group(1).lstrip("# ").strip()
        else:
            blocks.append((heading, match.group(2).strip()))
    return blocks


DOC_QUERIES = sql_blocks(BI_DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bi(bi_db):
    """The BI data set (with a replay and a re-score), shared by this module."""
    return bi_db


def rows(client, sql: str) -> list[dict]:
    result = client.query(sql)
    return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]


def test_the_bi_migration_defines_the_views_docs_list():
    assert set(VIEWS) >= {
        "bi_call_scores",
        "bi_agent_day",
        "bi_agent_day_criteria",
        "bi_criteria_hourly",
        "bi_keyword_hits_daily",
        "bi_alert_counts",
        "bi_call_costs",
        "bi_costs_daily",
    }
    doc = BI_DOC.read_text(encoding="utf-8")
    for view in VIEWS:
        assert f"`{view}`" in doc, f"{view} is not documented in docs/bi.md"
    for statement in split_statements((DDL_DIR / "006_bi.sql").read_text()):
        code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
        assert code.lstrip().startswith("CREATE VIEW IF NOT EXISTS"), statement[:60]
        assert ";" not in code, f"a `;` inside a statement splits it: {statement[:60]}"


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_returns_rows(bi, view):
    client, _ = bi
    assert rows(client, f"SELECT * FROM {view}"), f"{view} is empty on realistic data"


def test_docs_have_the_questions_bi_teams_ask():
    headings = {h for h, _ in DOC_QUERIES}
    assert {
        "Worst agents this week",
        "Objection handling trend",
        "Calls with a price named but no close",
    } <= headings
    assert len(DOC_QUERIES) >= 12


@pytest.mark.parametrize("heading,sql", DOC_QUERIES, ids=[h for h, _ in DOC_QUERIES])
def test_every_docs_query_runs_and_answers(bi, heading, sql):
    client, _ = bi
    assert rows(client, sql), f"docs/bi.md '{heading}' returned no rows on realistic data"


def test_replays_exist_physically_but_count_once(bi):
    client, data = bi
    physical = rows(client, "SELECT count() AS n FROM calls")[0]["n"]
    logical = rows(client, "SELECT count() AS n FROM calls FINAL")[0]["n"]
    assert logical == len(data.calls)
    assert physical > logical  # the replay really wrote duplicates: the views must not count them
    (agent_day,) = [r for r in rows(client, "SELECT sum(calls) AS calls FROM bi_agent_day")]
    assert agent_day["calls"] == len(data.calls)
    assert rows(client, "SELECT sum(alerts) AS n FROM bi_alert_counts")[0]["n"] == len(data.alerts)


def test_agent_day_average_politeness_uses_the_newest_score_of_each_call(bi):
    client, data = bi
    replayed = data.calls[bi_data.REPLAYED_CALL]
    call = replayed["compressed"]["filtered"]["transcript"]["call"]
    agent, day = call["agent"]["id"], call["started_at"].date()
    got = rows(
        client,
        f"""
        SELECT avg_value, scored, calls FROM bi_agent_day_criteria
        WHERE tenant = 'acme' AND agent_id = '{agent}' AND day = '{day}' AND criterion_id = 'politeness'
        """,
    )
    assert len(got) == 1
    # agent-2's day: 20 (the rude call) and the re-scored 65 (was 60): (20 + 65) / 2
    assert got[0]["avg_value"] == pytest.approx(data.politeness(agent, day)) == pytest.approx(42.5)
    assert got[0]["scored"] == got[0]["calls"] == 2


def test_agent_day_scorecard_values(bi):
    client, data = bi
    for agent_id in bi_data.AGENTS:
        for score_day in {
            s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date()
            for s in data.calls.values()
        }:
            mine = [
                s
                for s in data.calls.values()
                if s["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"] == agent_id
                and s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date() == score_day
            ]
            got = rows(
                client,
                f"""
                SELECT sum(calls) AS calls, sum(scored_calls) AS scored, sum(sum_total) AS sum_total,
                       sum(fatal_failed_calls) AS fatal, sum(price_named_calls) AS priced,
                       sum(cost_usd_total) AS cost
                FROM bi_agent_day WHERE tenant = 'acme' AND agent_id = '{agent_id}' AND day = '{score_day}'
                """,
            )[0]
            assert got["calls"] == len(mine)
            assert got["scored"] == sum(s["total"] is not None for s in mine)
            assert got["sum_total"] == pytest.approx(sum(s["total"] or 0 for s in mine))
            assert got["fatal"] == sum(bool(s["fatal_failed"]) for s in mine)
            # prices are named on the sales card only (price_named): support amounts are no prices
            sales = [s for s in mine if s["scorecard_id"] == "default"]
            assert got["priced"] == sum(s["rules"]["price_mentions"] > 0 for s in sales)
            assert got["cost"] == pytest.approx(sum(s["cost_usd"] or 0 for s in mine))


def test_worst_agent_this_week_is_the_rude_one(bi):
    client, _ = bi
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Worst agents this week"]
    result = rows(client, sql)
    assert result[0]["agent_id"] == "agent-2"
    # one rude call a day for three days: two scored by the LLM, the third by the baseline, whose row
    # stays apart (a scorer change never blends into the average) and has too few calls to be listed
    rude = {r["scorer"]: r["fatal_failed"] for r in result if r["agent_id"] == "agent-2"}
    assert rude == {"llm": 2}
    # totals of different scorecards are not compared: the best of the sales (default card) rows
    sales = [r for r in result if r["scorecard_id"] == "default"]
    assert sales[0] == result[0] and sales[-1]["agent_id"] == "agent-1"
    # support agents are ranked on their own card's rows; agent-3's one support call is not listed
    support = {(r["agent_id"], r["scorer"]) for r in result if r["scorecard_id"] == "support"}
    assert support == {("agent-4", "llm"), ("agent-5", "llm")}


def test_price_named_but_no_close(bi):
    client, data = bi
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Calls with a price named but no close"]
    got = {r["call_id"] for r in rows(client, sql)}
    expected = set()
    for call_id, score in data.calls.items():
        labels = {c["id"]: c["label"] for c in score["criteria"]}
        if labels.get("price_named") == "yes" and labels.get("deal_stage") != "closing":  # sales calls
            expected.add(call_id)
    assert expected and got == expected


def _price_named_calls(client) -> dict[tuple[str, str, str, str, str], int | None]:
    """bi_agent_day.price_named_calls by (agent, day, scorecard, version, scorer)."""
    return {
        (r["agent_id"], str(r["day"]), r["scorecard_id"], r["scorecard_version"], r["scorer"]): r["n"]
        for r in rows(
            client,
            "SELECT agent_id, day, scorecard_id, scorecard_version, scorer, price_named_calls AS n "
            "FROM bi_agent_day WHERE tenant = 'acme'",
        )
    }


def _expected_price_named_calls(data) -> dict[tuple[str, str, str, str, str], int | None]:
    """Sales calls (the default card asks price_named) with a money amount, per agent-day row; None for
    rows of a card that does not ask it (support: its amounts are refunds, charges, credits)."""
    out: dict[tuple[str, str, str, str, str], int | None] = {}
    for s in data.calls.values():
        call = s["compressed"]["filtered"]["transcript"]["call"]
        key = (
            call["agent"]["id"],
            str(call["started_at"].date()),
            s["scorecard_id"],
            s["scorecard_version"],
            s["scorer"],
        )
        asks = any(c["rule"] == "price_named" for c in s["criteria"])
        out[key] = (out.get(key) or 0) + (s["rules"]["price_mentions"] > 0) if asks else None
    return out


def test_price_named_calls_count_sales_prices_not_support_refunds(bi):
    """A support call that only refunded money named an amount, as the price rule counts amounts, but
    named no price: bi_agent_day leaves it out (NULL for the support card); a sales call with a price
    counts."""
    client, data = bi
    assert price_mentions(["I'm sorry, I've refunded the $49 to your card."]) == 1  # no price, still counted
    refund = data.calls["bi-agent-4-d0-c0"]
    assert refund["scorecard_id"] == "support" and "refunded" in refund["summary"]
    assert refund["rules"]["price_mentions"] == 1
    stored = rows(client, "SELECT price_mentions FROM calls FINAL WHERE call_id = 'bi-agent-4-d0-c0'")
    assert stored == [{"price_mentions": 1}]  # the stored amount count cannot tell it from a price
    got = _price_named_calls(client)
    call = refund["compressed"]["filtered"]["transcript"]["call"]
    key = (
        "agent-4",
        str(call["started_at"].date()),
        "support",
        refund["scorecard_version"],
        refund["scorer"],
    )
    assert got[key] is None
    sale = data.calls["bi-agent-1-d0-c1"]
    assert sale["scorecard_id"] == "default" and sale["rules"]["price_mentions"] > 0
    call = sale["compressed"]["filtered"]["transcript"]["call"]
    key = ("agent-1", str(call["started_at"].date()), "default", sale["scorecard_version"], sale["scorer"])
    assert got[key] == 1  # c1 named a price, c0 did not
    assert got == _expected_price_named_calls(data)


@contextlib.contextmanager
def _database_before(migration: str, chdb_dsn, chdb_client, tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    """A fresh database migrated up to, not including, ``migration`` (its file is the second value:
    copy it into ``tmp_path`` to apply it); dropped afterwards."""
    database = f"bi_{uuid.uuid4().hex[:10]}"
    chdb_client.command(f"CREATE DATABASE {database}")
    try:
        client = connect(f"{chdb_dsn}?database={database}")
        [fix] = DDL_DIR.glob(f"{migration}_*.sql")
        for path in DDL_DIR.glob("*.sql"):
            if path.name < fix.name:
                shutil.copy(path, tmp_path / path.name)
        migrate(client, tmp_path)
        yield client, fix
    finally:
        chdb_client.command(f"DROP DATABASE IF EXISTS {database} SYNC")


def test_price_named_calls_migration_fixes_rows_written_before_it(chdb_dsn, chdb_client, tmp_path):
    """013 replaces the plain view: calls stored under 006's view (which counted refunds) are counted
    right as soon as it is applied, with no backfill."""
    with _database_before("013", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        data = bi_data.build()
        _write_before_014(client, data)
        before = _price_named_calls(client)
        assert any(n for (_, _, card, _, _), n in before.items() if card == "support")  # the refunds
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        after = _price_named_calls(client)
        assert after.keys() == before.keys()
        assert after == _expected_price_named_calls(data)
        assert {n for (_, _, card, _, _), n in after.items() if card == "support"} == {None}
        assert migrate(client) == [p.name for p in sorted(DDL_DIR.glob("*.sql")) if p.name > fix.name]
        assert _price_named_calls(client) == after  # 014 counts by the rule: the same calls
        assert migrate(client) == []


#: call_criteria columns of migration 014: what a sink before it did not write.
CRITERION_FACTS = ("fatal", "fatal_failed", "rule")
#: call_criteria column of migration 016.
CRITERION_ROLE = ("role",)


def _write_before_014(client, data) -> None:
    """The calls and criteria of ``data`` as a sink before migration 014 wrote them: without the
    criterion facts (the rest of the rows as processors.rows makes them)."""
    _write_without(client, data.calls, lambda score: data.version(score), (*CRITERION_FACTS, *CRITERION_ROLE))


#: calls columns later than every migration the tests here stop before (019's warning_kinds).
CALLS_LATER = ("warning_kinds",)


def _write_without(client, scores: dict[str, dict], version: Any, left_out: tuple[str, ...]) -> None:
    """The calls and criteria of ``scores`` as processors.rows makes them, without the call_criteria
    columns ``left_out`` (what an older sink did not write) nor CALLS_LATER; ``version``: a score's
    row version."""
    for score in scores.values():
        written = score_rows(score, version(score))
        for table in ("calls", "call_criteria"):
            dropped = left_out if table == "call_criteria" else CALLS_LATER  # calls.fatal_failed is 004's
            values = [{k: v for k, v in r.items() if k not in dropped} for r in written[table]]
            client.insert(table, [list(v.values()) for v in values], column_names=list(values[0]))


def test_criterion_facts_migration_reads_older_rows_as_the_packaged_cards_say(
    chdb_dsn, chdb_client, tmp_path
):
    """014 adds fatal, fatal_failed and rule to call_criteria: rows stored before it read what the
    packaged cards say (politeness fatal, failing below 30; a rule criterion's rule is its id), which
    is what the real scorecard code says of those same calls; the fatal failures query of docs/bi.md
    then lists the politeness rows of the fatally failed calls, as before."""
    with _database_before("014", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        data = bi_data.build()
        _write_before_014(client, data)
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        assert migrate(client, tmp_path) == []
        stored = {
            (r["call_id"], r["criterion_id"]): (r["fatal"], r["fatal_failed"], r["rule"])
            for r in rows(
                client, "SELECT call_id, criterion_id, fatal, fatal_failed, rule FROM call_criteria FINAL"
            )
        }
        expected = {
            (call_id, c["id"]): (int(c["fatal"]), int(c["fatal_failed"]), c["rule"] or "")
            for call_id, s in data.calls.items()
            for c in s["criteria"]
        }
        assert stored == expected
        assert (
            {k for k, (_, failed, _) in stored.items() if failed}
            == {(call_id, "politeness") for call_id, s in data.calls.items() if s["fatal_failed"]}
            != set()
        )
        assert {rule for _, _, rule in stored.values()} == {"", "price_named", "price_mentions"}
        ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Fatal failures with the reason"]
        listed = {(r["call_id"], r["criterion_id"]) for r in rows(client, sql.replace("7 DAY", "30 DAY"))}
        assert listed == {k for k, (_, failed, _) in stored.items() if failed}


def _roles(client) -> dict[str, tuple[float | None, str | None]]:
    """bi_call_scores (fatal_score, deal_stage) by call."""
    return {
        r["call_id"]: (r["fatal_score"], r["deal_stage"])
        for r in rows(client, "SELECT call_id, fatal_score, deal_stage FROM bi_call_scores")
    }


def test_criterion_roles_migration_finds_politeness_and_deal_stage_of_older_rows(
    chdb_dsn, chdb_client, tmp_path
):
    """015 finds politeness (a fatal score criterion) and the deal stage (a sales card's category
    criterion) by what the card says of them: rows stored before 014 (no facts: its defaults) give the
    packaged cards' politeness and the default card's deal_stage at once, none for the support card,
    and the hourly view's politeness rows are those of the `politeness` criterion."""
    with _database_before("015", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        data = bi_data.build()
        _write_before_014(client, data)
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        assert migrate(client, tmp_path) == []

        def answer(s: dict, criterion: str, field: str) -> Any:
            return next((c[field] for c in s["criteria"] if c["id"] == criterion), None)

        expected = {
            call_id: (answer(s, "politeness", "value"), answer(s, "deal_stage", "label"))
            for call_id, s in data.calls.items()
        }
        assert _roles(client) == expected
        assert {
            stage
            for call_id, (_, stage) in expected.items()
            if data.calls[call_id]["scorecard_id"] == "support"
        } == {None}
        fatal_scores = rows(
            client, "SELECT DISTINCT criterion_id FROM bi_criteria_hourly WHERE kind = 'score' AND fatal = 1"
        )
        assert fatal_scores == [{"criterion_id": "politeness"}]


def _role_columns(client, tenant: str) -> dict[str, tuple[Any, ...]]:
    """bi_call_scores (politeness, deal_stage, sale_probability, fatal_score) by call of ``tenant``."""
    return {
        r["call_id"]: (r["politeness"], r["deal_stage"], r["sale_probability"], r["fatal_score"])
        for r in rows(
            client,
            "SELECT call_id, politeness, deal_stage, sale_probability, fatal_score FROM bi_call_scores "
            f"WHERE tenant = '{tenant}'",
        )
    }


def test_criterion_role_migration_reads_older_rows_by_the_packaged_cards_ids_and_falls_back(
    chdb_dsn, chdb_client, tmp_path
):
    """016 adds call_criteria.role: rows stored before it read the packaged cards' roles (by their ids,
    as the cards declare them); a tenant card's older rows have none, so the views fall back to 015's
    guess (politeness: the lowest fatal score, here `compliance` where it is below `courtesy`). Once
    the tenant's calls are stored with their card's roles, its politeness is `courtesy` alone, in
    bi_call_scores and in bi_criteria_hourly."""
    with _database_before("016", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        data = bi_data.build()
        tenant = bi_data.tenant_calls(data.now)
        version = data.version
        _write_without(client, data.calls, version, CRITERION_ROLE)
        _write_without(client, tenant, version, CRITERION_ROLE)
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        assert migrate(client, tmp_path) == []
        stored = {
            (r["call_id"], r["criterion_id"]): r["role"]
            for r in rows(client, "SELECT call_id, criterion_id, role FROM call_criteria FINAL")
        }
        packaged = {
            (call_id, c["id"]): c["role"] or "" for call_id, s in data.calls.items() for c in s["criteria"]
        }
        assert {k: v for k, v in stored.items() if k in packaged} == packaged
        assert set(packaged.values()) == {"", *ROLES}
        assert {v for (call_id, _), v in stored.items() if call_id in tenant} == {""}

        def value(s: dict, criterion: str, field: str = "value") -> Any:
            return next(c[field] for c in s["criteria"] if c["id"] == criterion)

        lowest = {call_id: min(value(s, "courtesy"), value(s, "compliance")) for call_id, s in tenant.items()}
        guessed = {
            call_id: (lowest[call_id], value(s, "pipeline_stage", "label"), None, lowest[call_id])
            for call_id, s in tenant.items()
        }
        assert _role_columns(client, bi_data.OTHER_TENANT) == guessed
        assert any(lowest[call_id] != value(s, "courtesy") for call_id, s in tenant.items())
        hourly = (
            "SELECT DISTINCT criterion_id FROM bi_criteria_hourly WHERE role = 'politeness' AND tenant = '{}'"
        )
        assert {r["criterion_id"] for r in rows(client, hourly.format(bi_data.OTHER_TENANT))} == {
            "courtesy",
            "compliance",
        }

        # scored again by a sink that writes the card's roles (the calls table still before 019)
        _write_without(client, tenant, lambda score: row_version(score["scored_at"]), ())
        assert _role_columns(client, bi_data.OTHER_TENANT) == {
            call_id: (
                value(s, "courtesy"),
                value(s, "pipeline_stage", "label"),
                value(s, "win_chance"),
                lowest[call_id],
            )
            for call_id, s in tenant.items()
        }
        assert {r["criterion_id"] for r in rows(client, hourly.format(bi_data.OTHER_TENANT))} == {"courtesy"}
        assert {r["criterion_id"] for r in rows(client, hourly.format(bi_data.TENANT))} == {"politeness"}


def test_fatal_failures_list_the_criteria_that_failed(bi):
    client, data = bi
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Fatal failures with the reason"]
    got = {(r["call_id"], r["criterion_id"]): r["reasoning"] for r in rows(client, sql)}
    expected = {
        (call_id, c["id"]): c["reasoning"]
        for call_id, s in data.calls.items()
        if s["compressed"]["filtered"]["transcript"]["call"]["started_at"] >= data.now - timedelta(days=7)
        for c in s["criteria"]
        if c["fatal_failed"]
    }
    assert got == expected and expected


def test_keyword_hits_and_alert_counts(bi):
    client, data = bi
    legal = rows(
        client,
        "SELECT sum(calls) AS calls, sum(hits) AS hits FROM bi_keyword_hits_daily WHERE keyword = 'legal'",
    )[0]
    with_legal = [s for s in data.calls.values() if "legal" in s["rules"]["keyword_hits"]]
    assert legal["calls"] == len(with_legal)
    assert legal["hits"] == sum(s["rules"]["keyword_hits"]["legal"] for s in with_legal)
    stored = {
        r["call_id"]: r["hits"]
        for r in rows(client, "SELECT call_id, agent_keyword_hits AS hits FROM calls FINAL")
    }
    assert stored == {call_id: s["rules"].get("agent_keyword_hits", {}) for call_id, s in data.calls.items()}
    assert any(stored.values())  # the agent's own words, stored per call (migration 009)
    critical = rows(client, "SELECT sum(alerts) AS n FROM bi_alert_counts WHERE severity = 'critical'")
    critical = critical[0]["n"]
    assert critical == sum(a["severity"] == "critical" for a in data.alerts) == 3
    suppressed = rows(client, "SELECT sum(suppressed_alerts) AS n FROM bi_alert_counts")[0]["n"]
    assert suppressed == sum(bool(a.get("suppressed")) for a in data.alerts) == 3


def test_cost_per_call(bi):
    client, data = bi
    # a known cost: the LLM's priced calls, and every call of the baseline scorer (it costs nothing)
    priced = [s for s in data.calls.values() if s["cost_usd"] is not None or s["scorer"] != "llm"]
    assert any(s["scorer"] == "baseline" for s in priced)
    got = rows(client, "SELECT sum(priced_calls) AS n, sum(cost_usd_total) AS cost FROM bi_costs_daily")[0]
    assert got["n"] == len(priced)
    assert got["cost"] == pytest.approx(sum(s["cost_usd"] or 0 for s in priced))
    per_call = rows(client, f"SELECT cost_usd FROM bi_call_costs WHERE call_id = '{bi_data.REPLAYED_CALL}'")
    assert len(per_call) == 1


#: Session time zones whose date differs from the UTC date at any time of day: UTC+14 from 10:00 UTC,
#: UTC-12 before 12:00 UTC (POSIX Etc/ names have the sign reversed).
FAR_ZONES = ("Etc/GMT-14", "Etc/GMT+12")


def test_docs_day_windows_are_utc_days_in_any_session_time_zone(chdb_dsn, chdb_client):
    """`day` columns are UTC dates: the docs queries answer the same in a session far east or west of
    UTC (today() would be another date there, moving `day >= today() - 6` by a day at its oldest end)."""
    now = datetime.now(UTC)
    zones = [
        z
        for z in FAR_ZONES
        if rows(chdb_client, f"SELECT today() AS d SETTINGS session_timezone = '{z}'")[0]["d"] != now.date()
    ]
    assert zones  # at least one of them is on another date now: the test can fail
    windowed = [(h, sql) for h, sql in DOC_QUERIES if re.search(r"\bday >= ", sql)]
    assert len(windowed) >= 8 and not [h for h, sql in DOC_QUERIES if "today()" in sql]
    database = f"bi_{uuid.uuid4().hex[:10]}"
    chdb_client.command(f"CREATE DATABASE {database}")
    try:
        client = connect(f"{chdb_dsn}?database={database}")
        migrate(client)
        # the data set's calls 6, 7 and 8 days back (UTC): the oldest end of a 7-day window
        bi_data.write(client, bi_data.build(now.replace(hour=12) - timedelta(days=6)), replay=False)
        answered = 0
        for heading, sql in windowed:
            sql = re.sub(r"\nLIMIT \d+$", "", sql)  # ties at a LIMIT's cut could differ between runs
            utc = sorted(map(repr, client.query(sql, settings={"session_timezone": "UTC"}).result_rows))
            answered += bool(utc)
            for zone in zones:
                got = sorted(map(repr, client.query(sql, settings={"session_timezone": zone}).result_rows))
                assert got == utc, (heading, zone)
        assert answered >= 6
    finally:
        chdb_client.command(f"DROP DATABASE IF EXISTS {database} SYNC")


def test_most_expensive_calls_lists_priced_llm_calls_ties_by_call_id(bi):
    """Calls scored without an LLM cost 0: the docs query lists none of them, only calls of a known,
    non-zero cost, ties (calls of the same latency) in call id order, the same every run."""
    client, data = bi
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Most expensive calls"]
    got = [(r["call_id"], r["cost_usd"]) for r in rows(client, sql)]
    since = datetime.now(UTC).date() - timedelta(days=6)
    priced = [
        (call_id, s["cost_usd"])
        for call_id, s in data.calls.items()
        if s["cost_usd"] and s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date() >= since
    ]
    assert any(s["scorer"] == "baseline" for s in data.calls.values())  # cost 0: not listed
    assert got == sorted(priced, key=lambda c: (-c[1], c[0]))[:20]
    assert len({cost for _, cost in got}) < len(got)  # ties, told apart by the call id


def test_agents_who_talk_too_much_weigh_the_calls_with_a_talk_ratio(isolated_chdb):
    """docs/bi.md "Agents who talk too much": the talk ratio is the average over the calls that have
    one (stereo), a day row's average weighted by its talk_time_calls: a day of one stereo call and two
    mono calls does not weigh three times; `talk_calls` counts the stereo calls only."""
    scores = bi_data.talk_ratio_calls(datetime.now(UTC))
    bi_data.write_scores(isolated_chdb, scores)
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Agents who talk too much or leave long silences"]
    [got] = rows(isolated_chdb, sql)
    ratios = [s["rules"]["agent_talk_ratio"] for s in scores.values()]
    measured = [r for r in ratios if r is not None]
    assert (got["total_calls"], got["talk_calls"]) == (len(ratios), len(measured)) == (5, 3)
    assert got["agent_talk_ratio"] == pytest.approx(round(sum(measured) / len(measured), 2)) == 0.53
    assert got["interruptions"] == sum(s["rules"]["interruptions"] or 0 for s in scores.values()) == 3
    assert got["silence_share"] == pytest.approx(0.62)  # mono calls have a silence share: all 5


def _talk_and_cost_calls() -> dict[str, dict]:
    """One day of acme calls that tell talk time from call length and a free scorer from an unpriced
    LLM: a stereo and a mono call priced by the LLM, a stereo LLM call with no GPU price, and a
    stereo call of the baseline scorer (which runs no model); another agent's mono LLM call with no
    GPU price (nothing of it measured: a row of unknowns)."""
    started = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    calls = {
        # call id: (agent, layout, duration, scorer, model, cost_usd)
        "talk-priced": ("agent-1", "stereo", 60.0, "llm", "m-priced", 0.002),
        "talk-mono": ("agent-2", "mono", 30.0, "llm", "m-priced", 0.001),
        "talk-unpriced": ("agent-1", "stereo", 40.0, "llm", "m-unpriced", None),
        "talk-baseline": ("agent-1", "stereo", 50.0, "baseline", None, None),
        "talk-mono-unpriced": ("agent-3", "mono", 20.0, "llm", "m-nogpu", None),
    }
    out = {}
    for i, (call_id, (agent, layout, duration, scorer, model, cost)) in enumerate(calls.items()):
        at = started + timedelta(minutes=10 * i)
        score = make_call_score(call_id, started_at=at, duration_s=duration, layout=layout)
        score["compressed"]["filtered"]["transcript"]["call"]["agent"] = {"id": agent, "name": agent}
        score.update(**bi_data.scorer_fields(scorer, model or "", 700, 200, 1.0), scored_at=at)
        score["cost_usd"] = cost
        out[call_id] = score
    return out


def test_agent_day_tells_talk_time_from_call_length(isolated_chdb):
    """talk_s stays the calls' length (duration_s, as before migration 017); agent_talk_s and
    customer_talk_s sum the speakers' talk times of the calls that have them, which a mono call has
    not: talk_time_calls counts the calls behind the sums, and a row of mono calls only has NULL sums."""
    scores = _talk_and_cost_calls()
    bi_data.write_scores(isolated_chdb, scores)
    got = {
        (r["agent_id"], r["scorer"]): r
        for r in rows(
            isolated_chdb,
            "SELECT agent_id, scorer, calls, talk_s, duration_s, agent_talk_s, customer_talk_s, "
            "talk_time_calls FROM bi_agent_day",
        )
    }
    metrics = {k: s["compressed"]["filtered"]["transcript"]["metrics"] for k, s in scores.items()}
    llm = got[("agent-1", "llm")]
    assert llm["calls"] == 2 and llm["talk_s"] == llm["duration_s"] == pytest.approx(100.0)
    stereo = ("talk-priced", "talk-unpriced")
    assert llm["agent_talk_s"] == pytest.approx(sum(metrics[c]["agent_talk_s"] for c in stereo))
    assert llm["customer_talk_s"] == pytest.approx(sum(metrics[c]["customer_talk_s"] for c in stereo))
    assert llm["agent_talk_s"] + llm["customer_talk_s"] < llm["duration_s"]  # silence is no talk
    assert llm["talk_time_calls"] == 2
    mono = got[("agent-2", "llm")]
    assert metrics["talk-mono"]["agent_talk_s"] is None
    assert (mono["calls"], mono["duration_s"], mono["talk_time_calls"]) == (1, pytest.approx(30.0), 0)
    assert mono["agent_talk_s"] is None and mono["customer_talk_s"] is None  # unknown, not 0


def test_costs_are_zero_for_a_scorer_without_llm_and_null_when_not_priced(isolated_chdb):
    """The baseline scorer runs no model: its calls cost 0, per call and per audio hour too; an LLM
    call with no GPU price has no known cost: NULL in every cost column, never 0."""
    bi_data.write_scores(isolated_chdb, _talk_and_cost_calls())
    daily = {
        (r["scorer"], r["model_id"]): r
        for r in rows(
            isolated_chdb,
            "SELECT scorer, model_id, calls, priced_calls, cost_usd_total, cost_usd_per_call, "
            "cost_usd_per_audio_hour, priced_audio_hours FROM bi_costs_daily",
        )
    }
    baseline = daily[("baseline", "")]
    assert (baseline["calls"], baseline["priced_calls"]) == (1, 1)
    assert (
        baseline["cost_usd_total"]
        == baseline["cost_usd_per_call"]
        == baseline["cost_usd_per_audio_hour"]
        == 0
    )
    unpriced = daily[("llm", "m-unpriced")]
    assert (unpriced["calls"], unpriced["priced_calls"], unpriced["priced_audio_hours"]) == (1, 0, 0)
    assert unpriced["cost_usd_total"] is None and unpriced["cost_usd_per_call"] is None
    assert unpriced["cost_usd_per_audio_hour"] is None
    priced = daily[("llm", "m-priced")]
    assert priced["priced_calls"] == 2 and priced["cost_usd_total"] == pytest.approx(0.003)
    assert priced["cost_usd_per_call"] == pytest.approx(0.0015)
    assert priced["cost_usd_per_audio_hour"] == pytest.approx(0.003 / (90 / 3600))
    per_call = {
        r["call_id"]: r["cost_usd"]
        for r in rows(isolated_chdb, "SELECT call_id, cost_usd FROM bi_call_costs")
    }
    assert per_call == {
        "talk-priced": 0.002,
        "talk-mono": 0.001,
        "talk-unpriced": None,
        "talk-baseline": 0,
        "talk-mono-unpriced": None,
    }


def test_agent_day_and_scoring_costs_read_null_where_nothing_was_measured(isolated_chdb):
    """A mono call has no interruptions and an unpriced LLM call no cost: a row with no call that has
    the metric reads NULL (interruptions_total, cost_usd_total of bi_agent_day and scoring_costs),
    never 0; a row with some sums theirs; the baseline scorer's calls cost 0 (migration 020)."""
    scores = _talk_and_cost_calls()
    bi_data.write_scores(isolated_chdb, scores)
    columns = (
        "calls, talk_time_calls, interruptions_total, avg_agent_talk_ratio, avg_silence_share, "
        "agent_talk_s, customer_talk_s, cost_usd_total"
    )
    got = {
        (r.pop("agent_id"), r.pop("scorer")): r
        for r in rows(isolated_chdb, f"SELECT agent_id, scorer, {columns} FROM bi_agent_day")
    }
    rules = {k: s["rules"] for k, s in scores.items()}
    assert rules["talk-mono"]["interruptions"] is None and rules["talk-priced"]["interruptions"] == 1
    unknown = got[("agent-3", "llm")]  # one mono call, no GPU price
    assert (unknown["calls"], unknown["talk_time_calls"]) == (1, 0)
    assert unknown["interruptions_total"] is None and unknown["cost_usd_total"] is None
    assert unknown["avg_agent_talk_ratio"] is None and unknown["agent_talk_s"] is None
    assert unknown["avg_silence_share"] == pytest.approx(rules["talk-mono-unpriced"]["silence_share"])
    mono = got[("agent-2", "llm")]  # mono, priced
    assert mono["interruptions_total"] is None and mono["cost_usd_total"] == pytest.approx(0.001)
    stereo = got[("agent-1", "llm")]  # a priced and an unpriced stereo call: the known ones summed
    assert stereo["interruptions_total"] == sum(
        rules[c]["interruptions"] for c in ("talk-priced", "talk-unpriced")
    )
    assert stereo["cost_usd_total"] == pytest.approx(0.002)
    assert got[("agent-1", "baseline")]["cost_usd_total"] == 0  # no LLM: costs nothing
    costs = {
        (r["scorer"], r["model_id"]): (r["calls"], r["cost_usd_total"], r["cost_usd_per_call"])
        for r in rows(
            isolated_chdb,
            "SELECT scorer, model_id, calls, cost_usd_total, cost_usd_per_call FROM scoring_costs",
        )
    }
    assert costs == {
        ("llm", "m-priced"): (2, pytest.approx(0.003), pytest.approx(0.0015)),
        ("llm", "m-unpriced"): (1, None, None),
        ("llm", "m-nogpu"): (1, None, None),
        ("baseline", ""): (1, 0, 0),
    }


def test_the_null_sums_migration_keeps_each_views_columns_in_order(chdb_dsn, chdb_client, tmp_path):
    """020 re-creates bi_agent_day, scoring_costs and bi_alert_counts: a query or dashboard reading
    their columns by position keeps reading the same ones; bi_alert_counts adds `queue` last."""

    def columns(client, view: str) -> list[str]:
        return [r["name"] for r in rows(client, f"DESCRIBE TABLE {view}")]

    views = ("bi_agent_day", "scoring_costs", "bi_alert_counts")
    with _database_before("020", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        before = {view: columns(client, view) for view in views}
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        assert migrate(client, tmp_path) == []
        after = {view: columns(client, view) for view in views}
    assert after == {**before, "bi_alert_counts": [*before["bi_alert_counts"], "queue"]}


def test_talk_time_migration_keeps_talk_s_as_it_was(chdb_dsn, chdb_client, tmp_path):
    """017 replaces bi_agent_day: a dashboard reading talk_s keeps its numbers (the calls' length),
    and duration_s says the same under its own name."""
    with _database_before("017", chdb_dsn, chdb_client, tmp_path) as (client, fix):
        data = bi_data.build()
        _write_without(client, data.calls, data.version, ())  # a calls table before 019
        key = "day, tenant, queue, agent_id, scorecard_id, scorecard_version, scorer"
        before = {
            tuple(r.values())[:-1]: r["talk_s"]
            for r in rows(client, f"SELECT {key}, talk_s FROM bi_agent_day")
        }
        shutil.copy(fix, tmp_path / fix.name)
        assert migrate(client, tmp_path) == [fix.name]
        assert migrate(client, tmp_path) == []
        after = rows(client, f"SELECT {key}, talk_s, duration_s FROM bi_agent_day")
        assert {tuple(r.values())[:-2]: r["talk_s"] for r in after} == before != {}
        assert all(r["duration_s"] == r["talk_s"] for r in after)


def test_a_backfills_alerts_count_on_the_scoring_day_or_by_the_docs_query_on_the_calls_day(isolated_chdb):
    """Alerts are dated when raised (the call's scoring time): calls of five days ago imported today
    show their alerts today in bi_alert_counts; docs/bi.md "Alerts per day of the call" puts them on
    the calls' day."""
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    call_day = today - timedelta(days=5)
    scores = {}
    for i in range(2):
        score = make_call_score(f"backfill-{i}", started_at=call_day + timedelta(minutes=i))
        score["scored_at"] = today + timedelta(minutes=i)
        scores[score["call_id"]] = score
    bi_data.write_scores(isolated_chdb, scores)
    sink = ClickHouseSink(isolated_chdb)
    for offset, call_id in enumerate(scores):
        alert = make_alert(call_id, rule="low_total")
        alert["created_at"] = scores[call_id]["scored_at"] + timedelta(seconds=1)
        sink.add_rows({"alerts": [alert_row(alert, 1)]}, topic="calls.alerts", partition=0, offset=offset)
    sink.flush()
    by_hour = rows(
        isolated_chdb, "SELECT toDate(hour) AS day, sum(alerts) AS n FROM bi_alert_counts GROUP BY day"
    )
    assert by_hour == [{"day": today.date(), "n": 2}]
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Alerts per day of the call"]
    by_call = rows(isolated_chdb, sql)
    assert [(r["call_day"], r["rule"], r["alerts"]) for r in by_call] == [(call_day.date(), "low_total", 2)]


@pytest.mark.parametrize("heading,sql", DOC_QUERIES, ids=[h for h, _ in DOC_QUERIES])
def test_docs_queries_never_average_scores_across_scorecard_versions_or_scorers(heading, sql):
    """docs/bi.md says never to blend scorecard versions or scorers: its own examples must not."""
    # an average of totals or values, and an answer share (a yes share or a label's share averages
    # a yes_no or category criterion the same way)
    averages_scores = re.search(
        r"\bsum(?:If)?\((?:sum_total|sum_value|yes_count|labels\[)|\bavg(?:If)?\((?:total|value|yes_share)\b"
        r"|ARRAY JOIN mapKeys\(labels\)",
        sql,
    )
    if averages_scores:
        group_by = sql[sql.index("GROUP BY") :].split("\n", 1)[0]
        assert "scorecard_version" in group_by and "scorer" in group_by, heading


def test_dead_letters_count_per_tenant_and_undecodable_bytes_under_no_tenant(bi):
    client, data = bi
    sql = "SELECT tenant, sum(dead_letters) AS n FROM bi_dead_letters_hourly GROUP BY tenant"
    by_tenant = {r["tenant"]: r["n"] for r in rows(client, sql)}
    expected: dict[str, int] = {}
    for letter in data.dead_letters:
        expected[letter["tenant"] or ""] = expected.get(letter["tenant"] or "", 0) + 1
    assert by_tenant == expected and set(by_tenant) == {"acme", ""}


def test_unresolved_dead_letters_are_those_newer_than_their_calls_last_result(bi):
    client, data = bi
    [sql] = [sql for heading, sql in DOC_QUERIES if heading == "Dead letters not resolved since"]
    got = sorted((r["call_id"], r["error_class"]) for r in rows(client, sql))
    expected = sorted(
        (d["call_id"], d["error_class"])
        for d in data.dead_letters
        if d["tenant"] == "acme" and not data.resolved(d) and not data.set_aside(d)
    )
    assert got == expected
    assert any(call_id in data.calls for call_id, _ in got)  # the re-sent call whose recording broke
    assert "RecordingNotAllowed" not in {error for _, error in got}  # fixed and scored since


def test_unresolved_dead_letters_judge_the_calls_row_by_version_and_stage_as_dlq_list_does(bi):
    """A newer `calls` row resolves a letter only if its `_version` (not `scored_at`) is newer than the
    failure, and never one of the alerts or notify stage: the same verdict as `dlq list --status`."""
    client, data = bi
    [sql] = [sql for heading, sql in DOC_QUERIES if heading == "Dead letters not resolved since"]
    got = {(r["call_id"], r["stage"]) for r in rows(client, sql)}
    # the alerts stage failed on the first scoring of a call scored again after the failure
    rescored = data.calls[bi_data.REPLAYED_CALL]["scored_at"]
    [alerts] = [d for d in data.dead_letters if d["stage"] == "alerts"]
    assert alerts["call_id"] == bi_data.REPLAYED_CALL and rescored > alerts["failed_at"]
    assert (bi_data.REPLAYED_CALL, "alerts") in got
    # the call whose scored_at (a clock 2 h ahead) is later than a failure after its stored version
    skewed = data.calls[bi_data.SKEWED_CALL]
    [failure] = [d for d in data.dead_letters if d["call_id"] == bi_data.SKEWED_CALL]
    assert skewed["scored_at"] > failure["failed_at"] and not data.resolved(failure)
    assert (bi_data.SKEWED_CALL, "transcribe") in got
    from streams import dlq
    from streams.settings import Settings

    topics = dlq.replay_topics(Settings())
    letters = dlq.fetch(client, dlq.LetterFilter(tenant="acme", topics=topics))
    assert len(letters) == sum(d["tenant"] == "acme" for d in data.dead_letters)
    states = {(x.call_id, x.stage, x.offset): x.state(topics) for x in letters}
    assert "resolved" in states.values() and "dismissed" in states.values()
    listed = {(call_id, stage) for (call_id, stage, _), state in states.items()}
    assert got == {
        (call_id, stage)
        for (call_id, stage, _), state in states.items()
        if state not in ("resolved", "dismissed")
    }
    assert listed > got


def test_a_dismissed_letter_is_not_listed_unresolved_until_it_fails_or_is_replayed_again(bi):
    """docs/bi.md leaves dismissed letters out as `callstream dlq list` does: a dismissal counts only
    while no newer failure of the letter and no replay after it exist."""
    client, data = bi
    [sql] = [sql for heading, sql in DOC_QUERIES if heading == "Dead letters not resolved since"]
    got = {r["call_id"] for r in rows(client, sql)}
    dismissed = {x["call_id"]: data.set_aside(x) for x, _ in data.dismissals}
    assert dismissed == {
        "bi-dlq-test-call": True,
        "bi-dlq-failed-after-dismissal": False,
        "bi-dlq-replayed-after-dismissal": False,
    }
    assert "bi-dlq-test-call" not in got
    assert {"bi-dlq-failed-after-dismissal", "bi-dlq-replayed-after-dismissal"} <= got
    # the same verdict as `dlq list --status`
    from streams import dlq
    from streams.settings import Settings

    topics = dlq.replay_topics(Settings())
    letters = dlq.fetch(client, dlq.LetterFilter(call_ids=tuple(dismissed), topics=topics))
    assert {x.call_id: x.state(topics) for x in letters} == {
        "bi-dlq-test-call": "dismissed",
        "bi-dlq-failed-after-dismissal": "open",
        "bi-dlq-replayed-after-dismissal": "replayed",
    }


def test_support_resolution_and_identity_checks_per_agent(bi):
    client, data = bi
    [sql] = [
        sql for heading, sql in DOC_QUERIES if heading == "Support: resolution and identity checks per agent"
    ]
    got = {(r["agent_id"], r["scorecard_version"], r["scorer"]): r for r in rows(client, sql)}
    expected: dict[tuple[str, str, str], list[dict]] = {}
    for score in data.calls.values():
        if score["scorecard_id"] == "support":
            agent = score["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"]
            expected.setdefault((agent, score["scorecard_version"], score["scorer"]), []).append(score)
    assert set(got) == set(expected)
    assert {agent for agent, _, _ in got} == {"agent-3", "agent-4", "agent-5"}  # agent-3 covered a call
    for key, scores in expected.items():
        answers = [{c["id"]: c for c in s["criteria"]} for s in scores]
        n = len(answers)

        def share(criterion: str, label: str, answers=answers, n=n) -> float:
            return round(sum(a[criterion]["label"] == label for a in answers) / n, 2)

        row = got[key]
        assert row["judged_calls"] == n, key
        for label in ("resolved", "escalated", "unresolved"):
            assert row[f"{label}_share"] == pytest.approx(share("issue_resolved", label)), (key, label)
        assert row["identity_verified_share"] == pytest.approx(share("identity_verified", "yes")), key
        assert row["next_steps_share"] == pytest.approx(share("next_steps", "yes")), key
        complaint = round(sum(a["complaint_handling"]["value"] for a in answers) / n, 1)
        assert row["complaint_handling"] == pytest.approx(complaint), key
    # least resolved first: agent-5 leaves its first call of each day unresolved
    assert next(iter(got))[0] in {"agent-3", "agent-5"}
    version = ScorecardRegistry.load().get("support").version
    assert got[("agent-5", version, "llm")]["unresolved_share"] == pytest.approx(0.5)
    assert got[("agent-4", version, "llm")]["identity_verified_share"] == pytest.approx(1.0)


def test_sales_queries_leave_support_calls_out(bi):
    """The default card's criteria (price named, deal stage, sale probability) exist only on sales calls:
    the sales questions neither list nor count support calls."""
    client, data = bi
    support = {call_id for call_id, s in data.calls.items() if s["scorecard_id"] == "support"}
    assert support and any(data.calls[c]["rules"]["price_mentions"] for c in support)  # money named
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Calls with a price named but no close"]
    assert not {r["call_id"] for r in rows(client, sql)} & support
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "An agent's scorecard, day by day"]
    for row in rows(client, sql.replace("agent-1", "agent-3")):  # agent-3 covered a support call
        assert row["sale_probability"] is not None and row["objection_handling"] is not None
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Deal stages reached, per queue"]
    stages = rows(client, sql)
    assert {r["queue"] for r in stages} == {"sales"}
    groups: dict[tuple, float] = {}
    for r in stages:  # shares of one queue, card, version and scorer, never of all scorers together
        key = (r["queue"], r["scorecard_id"], r["scorecard_version"], r["scorer"])
        groups[key] = groups.get(key, 0) + r["share"]
    assert {scorer for *_, scorer in groups} == {"llm", "baseline"}
    assert all(total == pytest.approx(1, abs=0.02) for total in groups.values()), groups
    ((_, sql),) = [q for q in DOC_QUERIES if q[0] == "Price named per agent, sales scorecards"]
    priced = rows(client, sql)
    assert {r["scorecard_id"] for r in priced} == {"default"}
    for r in priced:
        mine = [
            s
            for s in data.calls.values()
            if s["compressed"]["filtered"]["transcript"]["call"]["agent"]["id"] == r["agent_id"]
            and (s["scorecard_id"], s["scorecard_version"], s["scorer"])
            == (r["scorecard_id"], r["scorecard_version"], r["scorer"])
            and s["compressed"]["filtered"]["transcript"]["call"]["started_at"].date()
            >= datetime.now(UTC).date() - timedelta(days=6)
        ]
        assert (r["total_calls"], r["priced_calls"]) == (
            len(mine),
            sum(s["rules"]["price_mentions"] > 0 for s in mine),
        ), r


def test_a_support_call_does_not_pull_the_average_sale_probability_to_zero(bi):
    """bi_call_scores.sale_probability is NULL on a call whose card asks none (support), so `avg` over
    every call of the tenant is the sales calls' average; the bare map lookup would count each support
    call as 0 (what the panels and docs/bi.md no longer do)."""
    client, data = bi
    sales = [
        next(c["value"] for c in s["criteria"] if c["role"] == "sale_probability")
        for s in data.calls.values()
        if s["scorecard_id"] == "default"
    ]
    assert any(s["scorecard_id"] == "support" for s in data.calls.values())
    [got] = rows(
        client,
        "SELECT avg(sale_probability) AS by_role, avg(scores['sale_probability']) AS bare, "
        "countIf(sale_probability IS NULL AND scorecard_id = 'support') AS support_nulls, "
        "countIf(scorecard_id = 'support') AS support FROM bi_call_scores WHERE tenant = 'acme'",
    )
    assert got["by_role"] == pytest.approx(sum(sales) / len(sales))
    assert got["bare"] < got["by_role"]  # the missing key read as 0
    assert got["support_nulls"] == got["support"] > 0


#: A map lookup with a criterion id as the key: 0 for a missing key unless guarded by mapContains.
SCORE_LOOKUP = re.compile(r"scores\['(\w+)'\]")


def _unguarded_score_lookups(sql: str) -> list[str]:
    return [
        m.group(0)
        for m in SCORE_LOOKUP.finditer(sql)
        if not sql[: m.start()].endswith(f"if(mapContains(scores, '{m.group(1)}'), ")
    ]


def test_no_panel_or_docs_query_reads_a_missing_score_as_zero():
    """Every `scores['x']` in the dashboards, the migrations' views and docs/bi.md's queries is guarded
    (`if(mapContains(scores, 'x'), scores['x'], NULL)`), or reads a role column instead."""
    assert _unguarded_score_lookups("SELECT avg(scores['sale_probability'])")  # the check can fail
    assert not _unguarded_score_lookups("if(mapContains(scores, 'x'), scores['x'], NULL)")
    sources = {f"docs/bi.md: {heading}": sql for heading, sql in DOC_QUERIES}
    for path in [*(ROOT / "deploy").rglob("*.json"), *(ROOT / "deploy").rglob("*.sql")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".sql":
            text = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
        sources[str(path.relative_to(ROOT))] = text
    assert any(p.endswith(".json") for p in sources)
    found = {where: lookups for where, sql in sources.items() if (lookups := _unguarded_score_lookups(sql))}
    assert found == {}


# --- calls.warnings by kind (018_bi_call_warnings.sql) -------------------------------------------------


def _doubts(path: Path, layout: str, channels: dict[str, str]) -> list[str]:
    warnings: list[str] = []
    load_call_audio(path, layout, channels, 600, warnings=warnings)
    return warnings


def _real_warnings(tmp_path: Path) -> dict[str, str]:
    """kind -> a warning as the pipeline's own code words it (the bundled samples, and files made
    from them)."""
    mono, sale = SAMPLES_DIR / "sample-en-mono.wav", SAMPLES_DIR / "sample-en-sale.wav"
    started = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    def lasting(seconds: float) -> dict:
        return {"call_id": "c1", "started_at": started, "ended_at": started + timedelta(seconds=seconds)}

    turns = json.loads((SAMPLES_DIR / "sample-en-sale.timeline.json").read_text())["turns"]
    other = {"agent": "customer", "customer": "agent"}
    swapped = [
        {"channel": t["channel"], "role": other[t["role"]], "text": t["text"]}
        for t in sorted(turns, key=lambda t: t["start"])
    ]
    found = {
        "mono_declared_stereo": _doubts(mono, "stereo", {"0": "agent", "1": "customer"}),
        "stereo_declared_mono": _doubts(sale, "mono", {}),
        "one_mix_declared_stereo": _doubts(write_twice(mono, tmp_path / "twice.wav"), "stereo", {}),
        "channel_map_incomplete": _doubts(sale, "stereo", {"0": "agent"}),
        "extra_channels": _doubts(write_twice(mono, tmp_path / "three.wav", 3), "mono", {}),
        "recording_truncated": _doubts(cut_short(mono, tmp_path / "cut.wav"), "mono", {}),
        "duration_mismatch": [duration_doubt(lasting(1200), 32.0)],
        "channels_swapped": [swapped_channels_doubt(swapped)],
    }
    for kind, texts in found.items():
        assert len(texts) == 1 and texts[0], f"the pipeline no longer warns {kind}: {texts}"
        assert kind_of(texts[0]) == kind  # the code the pipeline gives it is the kind its wording tells
    out = {kind: texts[0] for kind, texts in found.items()}
    out["duration_mismatch_longer"] = duration_doubt(lasting(20), 300.0) or ""
    # worded as processors/audio.py _still_written and ml/llm.py _fit word them (not reached from here
    # without a recorder still writing, or an LLM server refusing a long prompt)
    out["recording_still_written"] = (
        "it grew from 1000 to 2000 bytes while being read: still being written? transcribing the 3.0 s read"
    )
    out["transcript_cut"] = "transcript cut to fit the model's context (4096 tokens): 12 of 80 lines cut"
    out["other"] = "a warning worded otherwise"
    return out


def test_call_warnings_view_tells_each_kind_from_the_pipelines_own_wording(isolated_chdb, tmp_path):
    """bi_call_warnings reads the kind of every warning the transcribe stage and the scorer write, one
    row per call and warning in calls.warnings' order; a reworded message fails here."""
    warnings = _real_warnings(tmp_path)
    row = score_rows(make_call_score("warned", tenant="acme"), 1)["calls"][0]
    row["warnings"] = list(warnings.values())
    assert row["warning_kinds"] == []  # no codes (as a row from before 019): the wording tells the kind
    sink = ClickHouseSink(isolated_chdb)
    sink.add_rows({"calls": [row]}, topic="calls.scored", partition=0, offset=0)
    sink.flush()
    columns = "warning_no, warning, kind, event_mismatch, stage, source"
    got = rows(isolated_chdb, f"SELECT {columns} FROM bi_call_warnings ORDER BY warning_no")
    assert [r["warning"] for r in got] == list(warnings.values())
    assert [r["warning_no"] for r in got] == list(range(1, len(warnings) + 1))
    assert [r["kind"] for r in got] == [k.removesuffix("_longer") for k in warnings]
    mismatches = {"mono_declared_stereo", "stereo_declared_mono", "one_mix_declared_stereo"}
    mismatches |= {"channel_map_incomplete", "duration_mismatch", "channels_swapped"}
    assert {r["kind"] for r in got if r["event_mismatch"]} == mismatches
    assert {r["kind"]: r["stage"] for r in got}["transcript_cut"] == "score"
    assert {r["stage"] for r in got if r["kind"] in mismatches} == {"transcribe"}
    assert {r["source"] for r in got} == {"asterisk"}
    assert "`bi_call_warnings`" in BI_DOC.read_text(encoding="utf-8")


def test_call_warnings_view_reports_each_kinds_code_flag_and_stage(isolated_chdb):
    """019/021: a warning written with its code (calls.warning_kinds) is reported by it whatever its
    wording, with the event_mismatch flag and stage processors/doubts.py gives the kind; a code the view
    does not know (a newer worker's) is reported as written, flagged 0, stage 'transcribe' (021: every
    kind but the scorer's is the transcribe stage's)."""
    row = score_rows(make_call_score("coded", tenant="acme"), 1)["calls"][0]
    codes = [*KINDS, "future_kind"]
    row["warnings"] = [f"worded otherwise {i}" for i in range(len(codes))]
    row["warning_kinds"] = codes
    sink = ClickHouseSink(isolated_chdb)
    sink.add_rows({"calls": [row]}, topic="calls.scored", partition=0, offset=0)
    sink.flush()
    got = rows(isolated_chdb, "SELECT kind, event_mismatch, stage FROM bi_call_warnings ORDER BY warning_no")
    assert got == [
        *(
            {"kind": k.code, "event_mismatch": int(k.event_mismatch), "stage": k.stage}
            for k in KINDS.values()
        ),
        {"kind": "future_kind", "event_mismatch": 0, "stage": "transcribe"},
    ]


def test_warning_kinds_migration_reads_codes_and_keeps_the_wording_for_older_rows(
    chdb_dsn, chdb_client, tmp_path
):
    """019 adds calls.warning_kinds: a row stored before it (no codes) keeps the kind 018 told from its
    wording; a row written with codes is reported by them even where its wording would read 'other',
    and a warning whose code is '' falls back to the wording."""
    (tmp_path / "audio").mkdir()
    texts = _real_warnings(tmp_path / "audio")
    ddl = tmp_path / "ddl"
    ddl.mkdir()
    with _database_before("019", chdb_dsn, chdb_client, ddl) as (client, fix):
        old = score_rows(make_call_score("before-019", tenant="acme"), 1)["calls"][0]
        old["warnings"] = [texts["duration_mismatch"], texts["other"]]
        del old["warning_kinds"]  # what a sink before 019 wrote
        client.insert("calls", [list(old.values())], column_names=list(old))
        shutil.copy(fix, ddl / fix.name)
        assert migrate(client, ddl) == [fix.name]
        assert migrate(client, ddl) == []
        new = score_rows(make_call_score("with-kinds", tenant="acme"), 1)["calls"][0]
        new["warnings"] = [
            "the recording has one channel only",
            "the LLM read part of it",
            texts["channel_map_incomplete"],
        ]
        new["warning_kinds"] = [MONO_DECLARED_STEREO, TRANSCRIPT_CUT, ""]
        sink = ClickHouseSink(client)
        sink.add_rows({"calls": [new]}, topic="calls.scored", partition=0, offset=0)
        sink.flush()
        columns = "call_id, warning_no, kind, event_mismatch, stage"
        got = rows(client, f"SELECT {columns} FROM bi_call_warnings ORDER BY call_id, warning_no")
        stored = rows(client, "SELECT call_id, warning_kinds FROM calls FINAL ORDER BY call_id")
    assert [tuple(r.values()) for r in got] == [
        ("before-019", 1, "duration_mismatch", 1, "transcribe"),
        ("before-019", 2, "other", 0, ""),
        ("with-kinds", 1, "mono_declared_stereo", 1, "transcribe"),
        ("with-kinds", 2, "transcript_cut", 0, "score"),
        ("with-kinds", 3, "channel_map_incomplete", 1, "transcribe"),
    ]
    assert stored == [
        {"call_id": "before-019", "warning_kinds": []},
        {"call_id": "with-kinds", "warning_kinds": [MONO_DECLARED_STEREO, TRANSCRIPT_CUT, ""]},
    ]


def test_call_warnings_view_lists_the_data_sets_warned_calls_only(bi):
    client, data = bi
    got = rows(client, "SELECT call_id, source, kind FROM bi_call_warnings ORDER BY call_id, warning_no")
    assert got == [
        {"call_id": bi_data.CHANNEL_MAP_CALL, "source": "asterisk", "kind": "channel_map_incomplete"},
        {"call_id": bi_data.CHANNEL_MAP_CALL, "source": "asterisk", "kind": "transcript_cut"},
        {"call_id": bi_data.DURATION_CALL, "source": bi_data.DURATION_SOURCE, "kind": "duration_mismatch"},
        {"call_id": bi_data.SWAPPED_CALL, "source": "asterisk", "kind": "channels_swapped"},
    ]
    assert len(data.calls) > 3  # the others have no warnings, so no row
