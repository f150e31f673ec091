"""processors.rules: tenant dictionaries, language and code-switching, duration/silence/interruptions, PII."""

from __future__ import annotations

import pytest

from processors.filtering import filter_transcript
from processors.rules import RuleOptions, keyword_hits, language_mix, load_dictionary, rule_metrics
from streams.bench_text import fixture_transcript, make_transcript_from_turns


def test_default_dictionary_is_package_data():
    entries = load_dictionary()
    assert {"greeting", "legal", "cancel", "too_expensive"} <= set(entries)


def test_tenant_dictionary_adds_and_replaces_entries(tmp_path):
    (tmp_path / "globex.yaml").write_text("refund: [refund, верните деньги]\nlegal: [регулятор*]\n")
    entries = load_dictionary("globex", tmp_path)
    assert entries["refund"] == ("refund", "верните деньги")
    assert entries["legal"] == ("регулятор*",)  # replaced
    assert keyword_hits(["Верните деньги! Пойду к регулятору."], entries) == {"refund": 1, "legal": 1}
    assert load_dictionary("nobody", tmp_path) == load_dictionary()


def test_bad_tenant_dictionary_says_which_file(tmp_path):
    (tmp_path / "bad.yaml").write_text("- just\n- a list\n")
    with pytest.raises(ValueError, match=r"bad\.yaml"):
        load_dictionary("bad", tmp_path)


def test_language_mix_by_script_and_lingua_for_shared_scripts():
    assert language_mix(["Hello there", "Это стоит 2990 рублей"]) == {"en": 2, "ru": 3}
    mix = language_mix(["Guten Tag, wie geht es Ihnen heute?"], ("en", "de"))
    assert mix.most_common(1)[0][0] == "de"


def test_rule_metrics_language_code_switching_and_acoustics(tmp_path):
    filtered = filter_transcript(fixture_transcript("mixed_language"))
    rules = rule_metrics(filtered["transcript"], RuleOptions(tmp_path))
    assert rules["language"] == "ru"
    assert 0.1 < rules["code_switching"] < 0.5
    metrics = filtered["transcript"]["metrics"]
    assert rules["duration_s"] == metrics["duration_s"]
    assert rules["silence_share"] == pytest.approx(metrics["silence_s"] / metrics["duration_s"], abs=1e-4)
    assert rules["interruptions"] == metrics["agent_interruptions"] + metrics["customer_interruptions"]
    en = rule_metrics(filter_transcript(fixture_transcript("en_sale_simple"))["transcript"])
    assert en["language"] == "en" and en["code_switching"] == 0.0


def test_rule_metrics_pii_counts_and_prices_survive_redaction():
    transcript = make_transcript_from_turns(
        "r-pii",
        [
            ("customer", "Card 4111 1111 1111 1111, phone +7 916 123-45-67."),
            ("agent", "That's $39, or 2 990 рублей."),
        ],
    )
    rules = rule_metrics(filter_transcript(transcript)["transcript"])
    assert rules["pii"] == {"CARD": 1, "PHONE": 1}
    assert rules["price_mentions"] == 2


def test_mono_has_no_interruptions():
    transcript = make_transcript_from_turns("mono", [("agent", "Hello there, how are you doing?")])
    transcript["metrics"] |= {"agent_interruptions": None, "customer_interruptions": None}
    assert rule_metrics(transcript)["interruptions"] is None


def test_scorer_takes_rule_options_from_settings_including_dotenv(tmp_path, monkeypatch):
    """CALLSTREAM_LANGUAGES / CALLSTREAM_DICTIONARIES_DIR written in .env reach the rule metrics."""
    from processors.scoring import build_scorer
    from streams.settings import load_settings

    (tmp_path / "dicts").mkdir()
    (tmp_path / ".env").write_text(
        f"CALLSTREAM_LANGUAGES=en,de\nCALLSTREAM_DICTIONARIES_DIR={tmp_path / 'dicts'}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLSTREAM_LANGUAGES", raising=False)
    monkeypatch.delenv("CALLSTREAM_DICTIONARIES_DIR", raising=False)
    scorer = build_scorer(load_settings())
    assert scorer.rule_options.languages == ("en", "de")
    assert scorer.rule_options.dictionaries_dir == tmp_path / "dicts"
