"""The agent's manner counts toward the density that picks the depth: a call full of rudeness, a request
for a manager, apologies and empathy is a conflict call, which keeps (almost) everything, not a simple
one cut to its key facts (an outside evaluator's finding: such a call was cut at the deepest level)."""

from __future__ import annotations

from processors.compression import DENSITY_WEIGHTS, compress
from processors.filtering import filter_transcript
from streams.bench_text import make_transcript_from_turns

CONFLICT = [
    ("agent", "Thanks for calling Brightline, this is Kevin."),
    ("customer", "Hi, my internet keeps dropping every evening."),
    ("agent", "I'm sorry to hear that."),
    ("customer", "I'm telling you for the whole week already."),
    ("agent", "I understand. I apologize for the trouble."),
    ("customer", "Let me speak with a manager."),
    ("agent", "Calm down, sir. That's not my problem, the line is the landlord's."),
    ("customer", "Put me through to your boss right now."),
    ("agent", "Sorry, the manager is busy at the moment."),
    ("customer", "Fine, thank you."),
]


def _compress(turns: list[tuple[str, str]]) -> dict:
    return compress(filter_transcript(make_transcript_from_turns("density", turns, "en")), len, "len")


def _level(turns: list[tuple[str, str]]) -> str:
    return _compress(turns)["level"]


def test_manner_kinds_weigh_in_the_density():
    for kind in ("tone", "escalation", "apology", "empathy"):
        assert DENSITY_WEIGHTS[kind] > 0, kind
    assert DENSITY_WEIGHTS["tone"] >= DENSITY_WEIGHTS["objection"]  # rudeness is conflict


def test_a_call_full_of_manner_lines_is_not_cut_deep():
    out = _compress(CONFLICT)
    assert not out["level"].endswith("dynamic:deep"), out["level"]
    for _, said in CONFLICT:
        assert said in out["text"], out["text"]


def test_a_calm_call_is_still_cut_deep():
    calm = [
        ("agent", "Thanks for calling Brightline, this is Kevin."),
        ("customer", "Hi, my internet keeps dropping every evening."),
        ("agent", "Let me check the line for you."),
        ("customer", "Okay."),
        ("agent", "I see a fault on the line, a technician will come tomorrow."),
        ("customer", "Fine, thank you."),
    ]
    assert _level(calm).endswith("dynamic:deep")
