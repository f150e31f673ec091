"""problem_statements' fast path (one scan of all the customer's texts with the hint's factored twin,
the verbs written one alternative each) against the plain code it stands for: the verbs as first
written (grouped: "(?:is|was) down"), one IGNORECASE search per text."""

from __future__ import annotations

import random
import re

import pytest

from processors.keyfacts import (
    _PROBLEM_HINT,
    _PROBLEM_SUBJECT,
    PROBLEM_STATEMENTS,
    PROBLEM_VERBS,
    problem_statements,
)
from processors.text import case_sensitive_twin
from streams.bench_text import FIXTURES, fixture_transcript, make_long_transcript, vary

_GROUPED_VERBS = (
    r"пропа\w*", r"сгорел\w*", r"слома\w*", r"не\s+работа\w*", r"перестал\w*", r"отключил\w*",
    r"отвалил\w*", r"не\s+включа\w*", r"не\s+грузи\w*", r"не\s+загружа\w*", r"не\s+открыва\w*",
    r"не\s+приход\w*", r"не\s+приш[её]л", r"не\s+пришл\w*", r"тормоз\w*", r"глюч\w*", r"вылета\w*",
    r"зависа\w*", r"завис\w*", r"висн\w*", r"списа\w*", r"списыва\w*", r"сняли", r"упал\w*", r"пада\w*",
    r"барахл\w*", r"не\s+лови\w*", r"не\s+показыва\w*", r"не\s+проход\w*", r"не\s+подключа\w*",
    r"(?:is|was|['’]s|went|goes|keeps\s+going)\s+(?:down|dead|out|broken)", r"keeps\s+\w+ing",
    r"crash\w*", r"died", r"dies", r"dropp\w*", r"drops", r"stopped\s+working", r"(?:is|was)n['’]t\s+working",
    r"(?:is|was)\s+not\s+working", r"(?:does|did)n['’]t\s+work", r"(?:does|did)\s+not\s+work",
    r"won['’]t\s+\w+", r"broke", r"freez\w*", r"froze", r"never\s+arrived", r"hasn['’]t\s+arrived",
    r"(?:was|got)\s+declined", r"(?:was|got)\s+charged\s+twice", r"disappeared",
    r"(?:is|was)\s+(?:so\s+)?slow", r"cuts?\s+out", r"(?:keeps\s+)?disconnect\w*",
)  # fmt: skip
_VERB = "|".join(_GROUPED_VERBS)
_PLAIN = re.compile(
    rf"(?<![^\W\d_])(?:(?:{_PROBLEM_SUBJECT})(?:[ \t]+[^\W\d_]+){{0,2}}?(?:[ \t]+|(?=['’]))"
    rf"(?:{_VERB})"
    rf"|(?:{_VERB})(?:[ \t]+[^\W\d_]+){{0,1}}?[ \t]+(?:{_PROBLEM_SUBJECT}))(?![^\W\d_])",
    re.IGNORECASE,
)
_PLAIN_HINT = re.compile(_VERB, re.IGNORECASE)


def _plain(texts: list[str], limit: int = PROBLEM_STATEMENTS) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in texts]
    left = limit
    for text, found in zip(texts, out, strict=True):
        if left and _PLAIN_HINT.search(text) is not None:
            for m in _PLAIN.finditer(text):
                found.append(" ".join(m.group().lower().split()))
                left -= 1
                if not left:
                    break
    return out


_EDGES = [
    ["Всё хорошо, но не", "работает приставка."],  # a verb across two texts: neither says it
    ["My INTERNET IS DOWN.", "The App Crashes.", "Роутер СГОРЕЛ."],
    ["The ſervice doesn't work.", "Интернет пропал.", "wifi is so slow"],  # not fold-safe: plain path
    ["a\x00b internet is down", "phone died"],  # the separator inside a text: plain path
    ["", "internet is down", "", "tv went dead", "card was declined", "app crashes"],
    ["keeps going down the internet keeps going down", "the modem keeps disconnecting"],
    ["Internet's down.", "Internet’s down.", "my phone won't charge", "the package never arrived"],
    [],
]


def test_the_hint_twin_is_factored_and_the_verbs_start_plain():
    assert all(v[0] not in "\\[(." for v in PROBLEM_VERBS)
    twin = case_sensitive_twin(_PROBLEM_HINT)
    assert twin is not None and twin.pattern.startswith("п(?:")


@pytest.mark.parametrize("texts", _EDGES)
@pytest.mark.parametrize("limit", [0, 1, 2, 5])
def test_edges_match_the_plain_code(texts, limit):
    assert problem_statements(texts, limit) == _plain(texts, limit)


def test_fixtures_and_generated_calls_match_the_plain_code():
    rng = random.Random(5)
    calls = [fixture_transcript(name) for name in FIXTURES]
    calls += [vary(make_long_transcript(f"g{i}", rng, "en" if i % 2 else "ru"), rng) for i in range(30)]
    for call in calls:
        texts = [seg["text"] for seg in call["segments"] if seg["role"] == "customer"]
        for limit in (2, 50):
            assert problem_statements(texts, limit) == _plain(texts, limit)
        # every text alone, with the hits of the whole call far apart
        assert [problem_statements([t], 9) for t in texts] == [_plain([t], 9) for t in texts]
