"""The batched, bounded and twinned paths of the text stages (issue 4's speed work) give what the code
they stand for gives: a call's texts read as one (signals, fillers), the repeat regexes searched
between bounds, the agent's keyword hits from all speech's, the hold phrases' factored twin. Random
texts of the words the stages look for (see ``test_text_speed_equivalence``), in random batches,
fold-safe or not."""

from __future__ import annotations

import random
from typing import Any

from processors import compression, keyfacts, rules
from processors import text as T
from tests.unit.test_text_speed_equivalence import TEXTS

_SAFE = [t for t in TEXTS if T.fold_safe(t)]


def _batches(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        texts = rng.sample(_SAFE if rng.random() < 0.9 else TEXTS, rng.randint(0, 12))
        if rng.random() < 0.05:
            texts.append("a\x00b, no problem")  # the separator inside a text: read one by one
        if rng.random() < 0.1:
            texts.append("")
        rng.shuffle(texts)
        out.append(texts)
    return out


def test_signals_of_a_batch_as_of_each_text() -> None:
    batched = 0
    for texts in _batches(3, 3000):
        assert keyfacts.signals_of(texts) == [keyfacts.signals(t) for t in texts], texts
        batched += all(map(T.fold_safe, texts)) and not any("\x00" in t for t in texts)
    assert batched > 2000  # most batches take the joined scan


def test_signals_of_a_lexicon_with_the_separator_reads_each_text() -> None:
    lexicon = keyfacts.Lexicon(refusal=(*keyfacts.REFUSAL, "no\x00way"))
    texts = ["No, nope.", "Not interested, no way?"]
    assert not keyfacts._separable(lexicon)
    assert keyfacts.signals_of(texts, lexicon) == [keyfacts.signals(t, lexicon) for t in texts]


def _without_spans(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` with the repeat regexes searched from the text's start to its end."""
    span = T._repeat_span
    T._repeat_span = lambda *_: None
    try:
        return fn(*args)
    finally:
        T._repeat_span = span


def test_repeats_collapse_as_searched_over_the_whole_text() -> None:
    changed = 0
    for text in TEXTS:
        for said in (text, T.normalise_space(text), T.strip_fillers(T.normalise_space(text))):
            found = T.collapse_repeats_words(said)
            assert found == _without_spans(T.collapse_repeats_words, said), said
            assert T._collapse_long(said, None) == _without_spans(T._collapse_long, said, None), said
            changed += found[0] != said
    assert changed > 1000  # the texts have repeats to collapse


def test_agent_keyword_hits_from_the_places_found_in_all_speech() -> None:
    rng = random.Random(9)
    dictionaries = [
        rules.DEFAULT_KEYWORDS,
        {"refund": ("refund*", "верните деньги", "money-back"), "stems": ("отмен*", "отменить", "от")},
        {"short": ("no", "not", "nothing", "нет", "не", "ни"), "hyphen": ("uh-huh", "mm-hmm", "да-да")},
        {"not a word": ("-no", "$5"), "many": tuple(f"w{i}x" for i in range(70))},
    ]
    agents = 0
    for texts in _batches(11, 1500):
        if rng.random() < 0.1:
            texts = [*texts, "no\nrefund, да-да"]
        agent = [rng.random() < 0.5 for _ in texts]
        spoken = "\n".join(texts)
        by_agent = "\n".join(t for t, own in zip(texts, agent, strict=True) if own)
        for keywords in dictionaries:
            expected = (
                rules._keyword_hits(spoken, T.fold(spoken), keywords),
                rules._keyword_hits(by_agent, T.fold(by_agent), keywords) if by_agent else {},
            )
            hits, mine, spans, agent_spans = rules._keyword_hits_and_agent(texts, spoken, agent, keywords)
            assert (hits, mine) == expected, (texts, agent)
            agents += bool(expected[1])
            # the spans kept for _without_negated are the ones it would find itself
            for found, text in ((spans, spoken), (agent_spans, by_agent)):
                for name, at in (found or {}).items():
                    assert at == rules._match_spans(tuple(keywords[name]), text, T.fold(text)), (texts, agent)
    assert agents > 1000


def test_fillers_stripped_from_a_batch_as_from_each_text() -> None:
    rng = random.Random(5)
    for texts in _batches(5, 3000):
        texts = [T.normalise_space(t) if rng.random() < 0.7 else t for t in texts]
        if rng.random() < 0.2:
            texts.append(rng.choice(["Ну, что", "Ну что?", "Um", "эм-эм", ", uh,", "Ну, э-э, как бы"]))
        assert T.strip_fillers_of(texts) == [T.strip_fillers(t) for t in texts], texts
        assert T.clean_speech_of(texts) == [T.clean_speech(t) for t in texts], texts


def test_hold_phrases_found_as_the_plain_pattern_finds_them() -> None:
    twin = T.case_sensitive_twin(compression._HOLD_RE)
    assert twin is not None and twin.pattern != compression._HOLD_RE.pattern.lower()  # the factored one
    phrases = list(compression.HOLD_PHRASES)
    texts = [*TEXTS, *phrases, *(p.upper() for p in phrases), "Hold  on.", "XOne second", "one secondly"]
    texts += [f"{a}, {b}" for a in phrases for b in ("ok", "Hold on", "минутку")]
    for text in texts:
        plain = compression._HOLD_RE.search(text)
        sentence = compression._Sentence("agent", 0, text, [])
        assert compression._is_hold(sentence) == (plain is not None), text
        if (folded := T.fold(text)) is not None:
            found = twin.search(folded)
            assert (found and found.span()) == (plain and plain.span()), text
