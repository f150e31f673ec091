"""CALLSTREAM_TEXT_CONFIG: the filter, compression and PII options of a deployment, from YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from processors.compression import CompressOptions, compress_text
from processors.filtering import FilterOptions, filter_transcript
from processors.text_config import TextConfig, TextConfigError
from streams.settings import Settings
from tests.factories import make_transcript


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "text.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def segments_of(*texts: str, role: str = "customer") -> dict:
    transcript = make_transcript("cfg-1")
    base = transcript["segments"][0]
    transcript["segments"] = [
        {**base, "index": i, "role": role, "text": t, "vad_speech": None, "kept": True, "drop_reason": None}
        for i, t in enumerate(texts)
    ]
    return transcript


def test_no_file_is_the_defaults():
    config = TextConfig.load(None)
    assert config.filter == FilterOptions() and config.compress == CompressOptions()


def test_an_empty_file_is_the_defaults(tmp_path):
    assert TextConfig.load(write(tmp_path, "")) == TextConfig()


def test_word_lists_are_changed_or_replaced_and_thresholds_set(tmp_path):
    path = write(
        tmp_path,
        """
filter:
  min_words: 2
  fillers: {add: [Well well], remove: [okay]}
  action_words: [оформите]
compress:
  semantic: false
  similarity: 80
""",
    )
    config = TextConfig.load(path)
    assert config.filter.min_words == 2
    assert "well well" in config.filter.fillers and "okay" not in config.filter.fillers
    assert len(config.filter.fillers) == len(FilterOptions().fillers)  # one in, one out
    assert config.filter.action_words == ("оформите",)
    assert (config.compress.semantic, config.compress.similarity) == (False, 80.0)
    assert config.compress.structural and config.compress.dynamic  # left out: default

    out = filter_transcript(segments_of("Well well.", "Okay.", "Оформите."), config.filter)
    reasons = [s["drop_reason"] for s in out["transcript"]["segments"]]
    # "Well well" is a filler now; "Okay." is not any more, and with min_words 2 a one-word turn is
    # short; "Оформите." is an action that keeps a short turn
    assert reasons == ["filler", "short", None]


def test_pii_off_reaches_both_stages(tmp_path):
    config = TextConfig.load(write(tmp_path, "pii: {enabled: false}\n"))
    assert not config.filter.pii.enabled and not config.compress.pii.enabled
    out = filter_transcript(segments_of("Call me on +1 415 555 0134 please."), config.filter)
    assert "555 0134" in out["transcript"]["segments"][0]["text"]
    assert out["pii"] == {}


def test_compression_steps_switch_off(tmp_path):
    config = TextConfig.load(write(tmp_path, "compress: {semantic: false, dynamic: false}\n"))
    text, level, _ = compress_text(
        [{"role": "agent", "text": "Um, the plan is $39 a month."}], config.compress
    )
    assert level == "structural" and text == "Agent: The plan is $39 a month."


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("filters: {}\n", "unknown section(s) filters"),
        ("filter: {min_word: 3}\n", "unknown key(s) min_word; known:"),
        ("filter: {min_words: three}\n", "filter.min_words: Input should be a valid integer"),
        ("filter: {drop_short: maybe}\n", "filter.drop_short: Input should be a valid boolean"),
        ("compress: {similarity: high}\n", "compress.similarity: Input should be a valid number"),
        ("filter: {fillers: {remove: [not one]}}\n", "fillers.remove: not in the defaults: not one"),
        ("filter: {fillers: okay}\n", "filter.fillers: a list of phrases"),
        ("filter: {fillers: ['', ok]}\n", "must be a list of non-empty strings"),
        ("filter: {pii: {enabled: false}}\n", "unknown key(s) pii"),  # pii has its own section
        ("pii: {phone: false}\n", "pii: unknown key(s) phone"),
        ("- filter\n", "must be a mapping"),
        ("filter: [1, 2]\n", "filter: must be a mapping"),
        ("filter: {min_words: [3\n", "not valid YAML"),
        ("filter:\n  fillers: [um, uh\n  min_words: 3\n", "text.yaml:3:12: not valid YAML: expected ','"),
        # numbers out of their range kept or dropped everything without a word
        ("compress: {similarity: 750}\n", "compress.similarity: must be from 0 to 100 (got 750)"),
        ("filter: {min_words: -5}\n", "filter.min_words: must be from 0 to 100 (got -5)"),
        ("filter: {max_no_speech_prob: 1.5}\n", "filter.max_no_speech_prob: must be from 0 to 1"),
        ("filter: {min_avg_logprob: 0.5}\n", "filter.min_avg_logprob: must be at most 0"),
        ("compress: {dense_at: -1.0}\n", "compress.dense_at: must be at least 0"),
    ],
)
def test_bad_files_name_the_file_and_key(tmp_path, yaml_text, message):
    path = write(tmp_path, yaml_text)
    with pytest.raises(TextConfigError, match=r"text\.yaml") as exc:
        TextConfig.load(path)
    assert message in str(exc.value)


def test_settings_refuse_a_bad_file_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("CALLSTREAM_TEXT_CONFIG", str(write(tmp_path, "filter: {min_words: -}\n")))
    with pytest.raises(ValueError, match=r"filter\.min_words"):
        Settings(data_dir=tmp_path)
    monkeypatch.setenv("CALLSTREAM_TEXT_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ValueError, match=r"missing\.yaml: cannot read"):
        Settings(data_dir=tmp_path)
    monkeypatch.setenv("CALLSTREAM_TEXT_CONFIG", "")
    assert Settings(data_dir=tmp_path).text_config is None


def yaml_examples() -> list[tuple[str, str]]:
    """The YAML examples the README and the module docstring show to users."""
    import processors.text_config as module

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\nfilter:", 1)[1].split("```", 1)[0]
    doc = module.__doc__.split("::\n", 1)[1].split("\n\nAn unknown key", 1)[0]
    return [("README", "filter:" + block), ("docstring", doc)]


@pytest.mark.parametrize(("where", "text"), yaml_examples(), ids=["README", "docstring"])
def test_documented_examples_load(tmp_path, where, text):
    config = TextConfig.load(write(tmp_path, text))
    assert config != TextConfig(), where
    assert "okay" not in config.filter.fillers


def test_a_bad_file_is_one_line_naming_the_file_once(tmp_path, monkeypatch, capsys):
    from streams.cli import main

    monkeypatch.setenv("CALLSTREAM_TEXT_CONFIG", str(write(tmp_path, "filter: {filers: [um]}\n")))
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.count("text.yaml") == 1, err
    assert "Value error" not in err and "CALLSTREAM_TEXT_CONFIG: " in err
