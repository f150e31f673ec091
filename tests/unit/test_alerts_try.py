"""`callstream alerts try`: a typed dialogue through filter, compress, score and the alert rules, with
no broker and no ClickHouse; rules from CALLSTREAM_ALERT_RULES_DIR apply, bad input is one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from streams.alerts_try import DialogueError, guess_language, parse_dialogue, read_calls
from streams.cli import main

pytestmark = pytest.mark.usefixtures("clean_env")  # no CALLSTREAM_* from outside, no stray .env

THREAT = """# a customer threatening to sue
agent: Good morning, Northwind, this is Dana.
customer: My internet has been down for three days, I will sue you.
"""
CALM = """agent: Good morning, Northwind, this is Dana, how can I help?
customer: I would like to know the price of the pro plan.
agent: The pro plan is thirty nine dollars a month.
customer: Great, thank you, sign me up.
"""


def with_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    """A rules folder holding ``text`` as its one file, named by CALLSTREAM_ALERT_RULES_DIR, and the
    calm dialogue written to ``calm.txt`` (returned)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "set.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CALLSTREAM_ALERT_RULES_DIR", str(rules))
    (tmp_path / "calm.txt").write_text(CALM, encoding="utf-8")
    return tmp_path / "calm.txt"


def test_dialogue_lines_become_turns_with_roles() -> None:
    turns = parse_dialogue("A: Hello.\n\n# note\nклиент: Здравствуйте.\nOperator:  Hi  \ncustomer:\n")
    assert turns == [("agent", "Hello."), ("customer", "Здравствуйте."), ("agent", "Hi")]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("agent: Hi.\nhello there\n", "f.txt:2:"),
        ("boss: Hi.\n", "f.txt:1:"),
        ("# only a comment\n", "f.txt:"),
    ],
)
def test_a_line_without_a_speaker_names_file_and_line(text: str, where: str) -> None:
    with pytest.raises(DialogueError, match=f"^{where}"):
        parse_dialogue(text, "f.txt")


def test_language_is_guessed_from_the_script() -> None:
    assert guess_language([("agent", "Здравствуйте, компания Север, OK.")]) == "ru"
    assert guess_language([("agent", "Hello, Sever company, да.")]) == "en"


def test_json_lines_keep_their_call_ids_and_tenants(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    lines = [
        {"call_id": "c1", "tenant": "acme", "turns": [{"role": "agent", "text": "Hello."}]},
        {"call_id": "c2", "turns": [{"role": "customer", "text": "Здравствуйте."}]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    calls = read_calls(path, queue="vip")
    assert [(c["call_id"], c["call"]["tenant"], c["call"]["queue"], c["language"]) for c in calls] == [
        ("c1", "acme", "vip", "en"),
        ("c2", "default", "vip", "ru"),
    ]
    path.write_text('{"call_id": "c3"}\n', encoding="utf-8")
    with pytest.raises(DialogueError, match=r"calls.jsonl:1: a JSON line needs call_id and turns"):
        read_calls(path)


def test_a_legal_threat_fires_and_a_calm_call_does_not(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "threat.txt").write_text(THREAT, encoding="utf-8")
    (tmp_path / "calm.txt").write_text(CALM, encoding="utf-8")
    assert main(["alerts", "try", str(tmp_path / "threat.txt"), "--agent", "Dana"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("threat: ")
    assert "FIRES  legal_threat [critical]" in out
    # the message quotes what the customer said, as the alerts worker's does
    assert 'rules.customer_keyword_hits.legal = 1 (>= 1), the customer said "i will sue"; agent Dana' in out
    assert main(["alerts", "try", str(tmp_path / "calm.txt"), "--all"]) == 0
    out = capsys.readouterr().out
    assert "FIRES  legal_threat" not in out
    assert "quiet  legal_threat [critical]" in out


def test_rules_from_the_configured_folder_apply_per_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    with_rules(
        tmp_path,
        monkeypatch,
        "id: acme\ntenants: [acme]\nrules:\n"
        "  - id: price_named\n    severity: info\n    when: rules.price_mentions >= 1\n",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(CALM))
    assert main(["alerts", "try", "-", "--tenant", "acme"]) == 0
    assert "FIRES  price_named [info]" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(CALM))
    assert main(["alerts", "try", "-"]) == 0  # tenant "default": the acme set does not apply
    assert "price_named" not in capsys.readouterr().out


def test_a_bad_dialogue_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "bad.txt").write_text("hello\n", encoding="utf-8")
    assert main(["alerts", "try", str(tmp_path / "bad.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"callstream: {tmp_path / 'bad.txt'}:1: a line starts with the speaker")
    assert err.count("\n") == 1


def test_a_quiet_rule_says_what_it_read_and_a_typed_dialogue_has_no_acoustics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    calm = with_rules(
        tmp_path,
        monkeypatch,
        "id: acme\ntenants: [acme]\nrules:\n"
        "  - id: long_silence\n    severity: warning\n    when: acoustics.longest_silence_s >= 20\n",
    )
    assert main(["alerts", "try", str(calm), "--all", "--tenant", "acme"]) == 0
    out = capsys.readouterr().out
    assert "rule sets acme, default" in out
    assert "quiet  long_silence [warning]: acoustics.longest_silence_s = n/a (needs >= 20)" in out
    assert "quiet  legal_threat [critical]: rules.customer_keyword_hits.legal = 0 (needs >= 1)" in out
    assert "a typed dialogue has no audio" in out
    calls = read_calls(calm)
    assert calls[0]["metrics"]["overtalk_count"] is None and calls[0]["metrics"]["agent_talk_s"] > 0


def test_a_tenant_a_rule_set_names_in_other_letters_is_pointed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    calm = with_rules(
        tmp_path,
        monkeypatch,
        "id: r\ntenants: [rostelecom-demo]\nrules:\n  - id: any_price\n    severity: info\n"
        "    when: rules.price_mentions >= 1\n",
    )
    assert main(["alerts", "try", str(calm), "--tenant", "Rostelecom-Demo"]) == 0
    out = capsys.readouterr().out
    assert "note: no rule set names tenant 'Rostelecom-Demo'; one names 'rostelecom-demo'" in out
    assert main(["alerts", "try", str(calm), "--tenant", "rostelecom-demo"]) == 0
    out = capsys.readouterr().out
    assert "note: no rule set names tenant" not in out and "FIRES  any_price" in out


def test_without_a_queue_a_note_names_the_rules_only_another_card_lets_fire(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A supervisor typed a support call (an account touched without an identity check) without
    --queue: it was scored on the sales card, and identity_not_verified stayed silent with no word
    about why. A note names those rules and the --queue that scores the call on the support card."""
    dialogue = tmp_path / "support.txt"
    dialogue.write_text(
        "agent: Hello, Northwind support, this is Dana.\n"
        "customer: I was charged twice this month.\n"
        "agent: I see the double charge on your account and I have refunded it.\n",
        encoding="utf-8",
    )
    assert main(["alerts", "try", str(dialogue)]) == 0
    out = capsys.readouterr().out
    assert "scorecard default" in out and "identity_not_verified [info]" not in out
    note = next(line for line in out.splitlines() if line.startswith("  note: "))
    assert "identity_not_verified, unresolved_churn_risk read criteria scorecard default" in note
    assert note.endswith("--queue support scores the dialogue on a card that has them")
    # what the note says to do makes the rule fire, and the note is gone once a queue is chosen
    assert main(["alerts", "try", str(dialogue), "--queue", "support"]) == 0
    out = capsys.readouterr().out
    assert "scorecard support" in out and "FIRES  identity_not_verified [info]" in out
    assert "note:" not in out


RU_THREAT = """оператор: Добрый день, компания Север, меня зовут Дана.
клиент: У меня три дня не работает интернет, я подам на вас в суд.
"""


@pytest.mark.parametrize(
    ("dialogue", "given", "words"),
    [(RU_THREAT, "en", "ru"), (THREAT, "ru", "en")],
    ids=["ru-as-en", "en-as-ru"],
)
def test_a_language_the_words_are_not_in_is_pointed_out(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    dialogue: str,
    given: str,
    words: str,
) -> None:
    """A user trial: `--language en` on a Russian dialogue said nothing, and a rule on call.language
    (or an LLM told the wrong language) silently missed. The score stage's own count of the words
    decides; without --language that count is what the call gets, and the header says so."""
    with_rules(
        tmp_path,
        monkeypatch,
        f"id: lang\nrules:\n  - id: by_language\n    severity: info\n    when: call.language == {words}\n",
    )
    (tmp_path / "call.txt").write_text(dialogue, encoding="utf-8")
    assert main(["alerts", "try", str(tmp_path / "call.txt"), "--language", given]) == 0
    told = capsys.readouterr()
    assert "FIRES  by_language" not in told.out and f", language {given}, " in told.out
    assert told.err.splitlines() == [
        f"callstream alerts try: note: call: --language {given}, but most of its words are {words} (as "
        f"the score stage counts them): the scorer is told {given} and call.language reads {given}, "
        f"while rules.language reads {words}; leave --language out to use {words}"
    ]
    assert main(["alerts", "try", str(tmp_path / "call.txt")]) == 0
    detected = capsys.readouterr()
    assert detected.err == ""
    assert f", detected language {words}, " in detected.out and "FIRES  by_language [info]" in detected.out
    assert main(["alerts", "try", str(tmp_path / "call.txt"), "--language", words]) == 0
    agreed = capsys.readouterr()
    assert agreed.err == "" and f", language {words}, " in agreed.out and "detected" not in agreed.out


def test_a_queue_that_falls_back_to_the_default_card_and_rules_names_the_tenant_s_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A trial tried `--tenant northwind` with no --queue (and with `collection` for `collections`):
    the dialogue was scored on the default card and the default rules, with no word of the tenant's
    own card and rule set for its collections queue."""
    import yaml

    from processors.scorecard import PACKAGED_DIR

    calm = with_rules(
        tmp_path,
        monkeypatch,
        "id: nw\ntenants: [northwind]\nqueues: [collections]\nrules:\n"
        "  - id: any_price\n    severity: info\n    when: rules.price_mentions >= 1\n",
    )
    cards = tmp_path / "cards"
    cards.mkdir()
    raw = yaml.safe_load((PACKAGED_DIR / "default.yaml").read_text())
    raw.update(id="nw-collections", version="1", tenants=["northwind"], queues=["collections"])
    (cards / "nw.yaml").write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("CALLSTREAM_SCORECARDS_DIR", str(cards))
    for queue in ([], ["--queue", "collection"]):
        assert main(["alerts", "try", str(calm), "--tenant", "northwind", *queue]) == 0
        out = capsys.readouterr().out
        given = "queue 'collection'" if queue else "no --queue"
        assert (
            f"  note: scorecard default scored this call ({given}); tenant 'northwind' has scorecard "
            "nw-collections (queues collections) for other queues: give one of them with --queue"
        ) in out
        assert (
            f"  note: no rule set of tenant 'northwind' applies ({given}); rule set nw (queues "
            "collections) names it for other queues"
        ) in out
    assert main(["alerts", "try", str(calm), "--tenant", "northwind", "--queue", "collections"]) == 0
    out = capsys.readouterr().out
    assert "scorecard nw-collections" in out and "FIRES  any_price" in out and "note:" not in out


def test_an_llm_server_that_is_down_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """LLM trial: a wrong port or model name printed a traceback; it is the user's setting to fix."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens once the block ends
    monkeypatch.setenv("CALLSTREAM_LLM_URL", f"http://127.0.0.1:{closed}/v1")
    monkeypatch.setenv("CALLSTREAM_LLM_MODEL", "sales-lora")
    monkeypatch.setenv("CALLSTREAM_LLM_RETRIES", "0")
    (tmp_path / "call.txt").write_text("agent: Hello, how can I help?\ncustomer: I want a refund.\n")
    monkeypatch.chdir(tmp_path)
    assert main(["alerts", "try", str(tmp_path / "call.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("callstream: LLM server 'http://127.0.0.1:") and "Traceback" not in err
    assert "unavailable after 1 tries: ConnectError" in err
    assert err.count("\n") == 1
