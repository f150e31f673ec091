"""Compress stage: the dialogue text an LLM reads, with token counts before and after.

Three steps, each switchable (:class:`CompressOptions`), applied to the kept segments:

1. **structural**: consecutive turns of one speaker merge into one line (``Agent: ...``),
   disfluencies go ("uh", "um", "ну", "э-э", "как бы", ...), number words become digits
   ("две тысячи девятьсот девяносто рублей" → "2990 рублей").
2. **semantic**: a sentence that nearly repeats an earlier one of the same speaker (rapidfuzz
   similarity ≥ ``similarity``) is folded into it, which gets a count: "... [×3]" reads "said this
   3 times". A repeat carrying a key fact the first one lacks (another price) is never folded, nor
   a sentence holding a PII placeholder (the redacted text hides whether the numbers were the same).
   Short sentences fold only as an exact repeat within one merged turn ("Интернет пропал. Интернет
   пропал.").
3. **dynamic**: a density score (key facts, emotions and questions per sentence) picks the depth.
   Dense (conflict) calls keep every sentence; simple calls keep only sentences with a key fact,
   a question or an emotion, plus the opening and closing line, the agent's answer to each
   objection, and a short answer to each question or offer ("Yes.", "Давайте."). Below "full",
   sentences that only repeat figures already said and clauses that repeat
   the speaker's earlier clause go (``fold_echoes``), and openers and hedges are cut (``trim``).

Key facts (``processors.keyfacts``: numbers, objections, refusals, commitments, agreement, dates,
legal words, the customer's problem, intent, context, reasons and resolution, and the agent's manner:
rudeness, apologies, empathy, escalation requests, recording notices) are never cut by any step;
``level`` records what was applied, e.g. ``structural+semantic+dynamic:deep``.
PII is redacted once more on the final text, a line at a time read after the line before it:
numbers said in words only become a recognisable phone or card after step 1. ``tokens_before``
counts the full transcript (every segment, as an LLM would read it without this stage),
``tokens_after`` the text produced, with the same tokenizer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, pairwise
from typing import Any

from rapidfuzz import fuzz

from processors.keyfacts import (
    DEFAULT_LEXICON,
    FACT_KINDS,
    Lexicon,
    context_statements,
    done_actions_of,
    intent_statements,
    loss_statements,
    problem_statements,
    pushed_back,
    reason_statements,
    reported_causes_of,
    resolution_statements,
    signals_of,
    with_amounts,
)
from processors.numbers import DIGIT_NOUN, expand_repeats, normalise_numbers
from processors.pii import PLACEHOLDER_RE, PiiOptions, redact, trim_seam
from processors.text import (
    DISFLUENCIES,
    WORD_RE,
    case_sensitive_twin,
    ci_findall,
    ci_view,
    clean_speech_of,
    factored_parts,
    fold,
    fold_safe,
    normalise_space,
    register_fast_twin,
    sentences,
    tidy,
    word_start_factored,
)

ROLE_LABELS = {"agent": "Agent", "customer": "Customer"}

#: Signal weights of the density score: conflict signals weigh most.
DENSITY_WEIGHTS = {
    "objection": 3.0,
    "refusal": 2.0,
    "legal": 4.0,
    "emotion": 3.0,
    "commitment": 1.0,
    "agreement": 1.0,
    "offer": 1.0,
    "issue": 1.0,
    # the agent's manner: rudeness and escalation are conflict; apology and empathy answer one
    "tone": 3.0,
    "escalation": 3.0,
    "apology": 1.0,
    "empathy": 1.0,
    "date": 0.5,
    "number": 0.5,
    "pii": 0.5,
    "question": 0.5,
}

#: Fact kinds a later sentence may only restate (the figure itself, not who commits or objects):
#: a sentence carrying nothing else, all of them said before, is an echo.
ECHO_KINDS = frozenset({"number", "pii"})
#: Signals of the customer that the agent must be seen answering (objection handling is scored).
#: (Not "refusal": a bare "no" mostly answers "anything else?".)
PUSHBACK_KINDS = frozenset({"objection", "legal", "emotion"})

#: Sentence openers that carry no meaning ("So, okay, the plan is..." -> "The plan is..."), cut when
#: a call is not dense. Answers ("yes", "no", "да", "нет") and courtesy words are not in the list.
LEAD_WORDS = (
    "so", "and", "okay", "ok", "yeah", "well", "oh", "alright", "anyway", "also", "again",
    "так что", "то есть", "так", "значит", "смотрите", "слушайте", "вот", "ну", "а", "и",
)  # fmt: skip
#: Hedges that only soften ("honestly", "честно говоря"), cut anywhere in a sentence. Not "actually"
#: (a correction: "No, actually, yes"), "вроде как" or "в принципе" (they make a yes tentative).
HEDGES = (
    "to be honest", "honestly", "frankly", "честно говоря", "по сути", "собственно",
)  # fmt: skip


def _words_alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


#: Not before a digit: "Oh one three four" is "0 1 3 4" said aloud, and "So 5" keeps its lead-in.
#: "Ну что, подумали?", "Ну как?": a question, whose "ну" is no lead word to trim.
_NU_ASKS = r"(?!(?<=ну)[\s,]*(?:что|как(?![\s,]+бы(?!\w)))(?!\w))"
#: "Так же.", "Так себе.", "Так и есть.": "так" there is a word of the phrase, not a lead-in.
_TAK_PHRASE = r"(?!(?<=так)\s+(?:же|себе|и\s+есть|точно|надо|нельзя)(?!\w))"
_LEAD_RE = re.compile(
    rf"^(?:(?:{_words_alternation(LEAD_WORDS)})(?!\w){_NU_ASKS}{_TAK_PHRASE}(?![\s,]*\d)[\s,]*)+",
    re.IGNORECASE,
)
_HEDGE_RE = re.compile(rf",?\s*(?<!\w)(?:{_words_alternation(HEDGES)})(?!\w),?", re.IGNORECASE)
_HEDGE_FIRST = tuple({h.split()[0] for h in HEDGES})
#: The longest word of each hedge: every match of _HEDGE_RE in lower-cased fold-safe text holds one
#: ("to" and "по", first words, are in most sentences; "honest" and "сути" are in few).
_HEDGE_WORDS = tuple({max(h.split(), key=len) for h in HEDGES})
_LETTER = re.compile(r"[^\W\d_]")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")


@dataclass(frozen=True)
class CompressOptions:
    """Which steps run and how hard they cut."""

    structural: bool = True
    semantic: bool = True
    dynamic: bool = True
    #: rapidfuzz ``token_sort_ratio`` (0-100) at or above which two sentences are near-duplicates.
    similarity: float = 75.0
    #: Density (weighted signals per sentence) at or above which nothing more is cut ("full")...
    dense_at: float = 2.0
    #: ...and below which only fact/question/emotion sentences stay ("deep"); between: "medium".
    simple_below: float = 0.8
    #: In "medium", plain sentences of at least this many words are kept too.
    medium_min_words: int = 8
    #: Below "full": drop sentences that only repeat figures already said (``_fold_echoes``).
    fold_echoes: bool = True
    #: Below "full": cut meaningless openers ("So, okay, ...") and hedges ("honestly").
    trim: bool = True
    lexicon: Lexicon = DEFAULT_LEXICON
    pii: PiiOptions = field(default_factory=PiiOptions)


def dialogue_lines(segments: Iterable[Mapping[str, Any]], merge: bool = True) -> list[str]:
    """``Role: text`` lines; with ``merge``, consecutive turns of one role become one line."""
    if not merge:  # one line per segment with text: the same lines, without building turns
        lines = []
        for seg in segments:
            text = normalise_space(seg["text"])
            if any(map(str.isalnum, text)):
                lines.append(f"{ROLE_LABELS.get(seg['role'], 'Speaker')}: {text}")
        return lines
    return [_render(role, parts) for role, parts in _turns(segments, merge, clean=False)]


def _render(role: str, parts: list[str]) -> str:
    return f"{ROLE_LABELS.get(role, 'Speaker')}: {' '.join(parts)}"


def _clean_all(texts: list[str]) -> list[str]:
    """The ``texts`` cleaned: fillers out with their joins mended, repeats and self-repairs collapsed
    ("I need to, um, I need to check" → "I need to check"; "Хм. Ну, это дорого" → "Хм. Это дорого"),
    numbers as digits. The fillers of all are found in one pass (:func:`clean_speech_of`)."""
    return [_with_numbers(*said) for said in clean_speech_of([normalise_space(text) for text in texts])]


def _with_numbers(text: str, words: list[str] | None) -> str:
    """Clean speech ``text`` (``words``: its lower-case words, or None) with its numbers as digits."""
    if "к" in text and not DIGIT_NOUN.isdisjoint(WORD_RE.findall(text.lower()) if words is None else words):
        # a digit's nouns in a dictation as its digits ("нолик, четвёрка, четвёрка..." → "0, 4, 4..."):
        # a number, a key fact no step cuts
        text, words = expand_repeats(text), None
    return normalise_numbers(text, words)  # the words collapse_repeats found, when still valid


def _turns(segments: Iterable[Mapping[str, Any]], merge: bool, clean: bool) -> list[tuple[str, list[str]]]:
    turns: list[tuple[str, list[str]]] = []
    segments = list(segments)
    cleaned = _clean_all([seg["text"] for seg in segments]) if clean else None
    for k, seg in enumerate(segments):
        text = cleaned[k] if cleaned is not None else normalise_space(seg["text"])
        if not any(map(str.isalnum, text)):
            if not clean or not seg.get("kept", True):
                continue
            # all filler, yet kept by the filter: it answers a question ("Вы согласны?" / "Угу."),
            # and the consent must reach the LLM as said
            text = normalise_space(seg["text"])
            if not any(map(str.isalnum, text)):
                continue
        role = seg["role"]
        if merge and turns and turns[-1][0] == role:
            parts = turns[-1][1]
            parts[-1] = trim_seam(parts[-1], text)
            if not parts[-1]:
                parts.pop()
            parts.append(text)
        else:
            turns.append((role, [text]))
    return turns


@dataclass
class _Sentence:
    role: str
    turn: int
    text: str
    signals: list[tuple[str, str]]
    count: int = 1
    keep: bool = True
    # read often by the steps below: found once (the word count again when ``text`` is another string)
    _facts: set[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _said: set[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    _words: tuple[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def facts(self) -> set[tuple[str, str]]:
        """The signals that are key facts (a set the caller does not change)."""
        facts = self._facts
        if facts is None:
            facts = self._facts = {s for s in self.signals if s[0] in _FACT_KINDS}
        return facts

    @property
    def said(self) -> set[tuple[str, str]]:
        """:attr:`facts` and the bare digits of each amount: "$59" says "59" too (a later "59, right"
        restates it), but "50 gigs" says no "$50" (:func:`processors.keyfacts.with_amounts`)."""
        said = self._said
        if said is None:
            said = self._said = self.facts | {("number", _bare(a)) for k, a in self.facts if k == "number"}
        return said

    @property
    def words(self) -> int:
        """``len(self.text.split())``."""
        known = self._words
        if known is None or known[0] is not self.text:
            known = self._words = (self.text, len(self.text.split()))
        return known[1]


_FACT_KINDS = frozenset(FACT_KINDS)
_DIGIT_RUN = re.compile(r"\d+(?:[.,]\d+)*")


def _bare(anchor: str) -> str:
    """The digits of a number fact's anchor without its unit ("$59" → "59", "50 рублей" → "50")."""
    if anchor[:1].isdigit() and anchor[-1:].isdigit():
        return anchor
    m = _DIGIT_RUN.search(anchor)
    return m.group() if m is not None else anchor


def density(items: list[_Sentence]) -> float:
    """Weighted conflict/information signals per sentence (0 for an empty call)."""
    if not items:
        return 0.0
    total = sum(DENSITY_WEIGHTS.get(kind, 0.0) for s in items for kind, _ in s.signals)
    return total / len(items)


def _fold_repeats(items: list[_Sentence], similarity: float) -> None:
    """Mark near-duplicate sentences of the same speaker as folded into their first occurrence.

    Never folded: short answers ("Yes.", "Нет, спасибо.": what they mean depends on the question),
    and a sentence whose negations or question mark differ from the candidate's ("The router is
    not included." is no repeat of "The router is included.", whatever the token similarity)."""
    # per first occurrence: the sentence, its length and facts (read once, compared often)
    firsts: dict[str, list[tuple[_Sentence, int, set[tuple[str, str]]]]] = {}
    exact: dict[tuple[str, str], tuple[_Sentence, set[tuple[str, str]]]] = {}
    # the sentences compared (most are: a call repeats itself) and their polarity, found in one scan
    compared = [s for s in items if s.words >= _MIN_FOLD_WORDS and _LETTER.search(s.text)]
    polarities = dict(zip(map(id, compared), _polarities_of([s.text for s in compared]), strict=True))
    words: dict[int, list[str]] = {}  # id(sentence) -> its lower-case words, for _contrast

    def polarity(sentence: _Sentence) -> tuple[str, ...]:
        return polarities[id(sentence)]

    def contrast(first: _Sentence, later: _Sentence) -> bool:
        before = words.get(id(first))
        if before is None:
            before = words[id(first)] = WORD_RE.findall(first.text.lower())
        now = words.get(id(later))
        if now is None:
            now = words[id(later)] = WORD_RE.findall(later.text.lower())
        return _contrast_words(before, now)

    # A question asked again and answered otherwise ("Does it include calls?" "No, it does not." ...
    # the same question, "Yes, it does.") is a second exchange: folded, its two answers would read as
    # one ("No, it does not. Yes, it does."). Where each sentence stands, to find the answers.
    at: dict[int, int] = {}

    def answered_otherwise(first: _Sentence, i: int) -> bool:
        before, now = _answer_stance(items, at[id(first)]), _answer_stance(items, i)
        if before is None or now is None or before == now:
            return False
        # a yes after a no, or a negation in one answer only: "No, it does not." / "It does include..."
        return before[1] != now[1] or (before[0] != now[0] and "" not in (before[0], now[0]))

    # the short sentences said in each merged turn: an exact repeat there folds whatever its length
    # ("Интернет пропал. Интернет пропал."): no answer came between, so it means what it meant
    in_turn: dict[tuple[int, str], _Sentence] = {}
    for i, s in enumerate(items):
        at[id(s)] = i
        if PLACEHOLDER_RE.search(s.text) is not None:
            # a placeholder stands for any number and compression sees only the redacted text:
            # "My phone number is [PHONE]." said twice may be two numbers (a correction), so a
            # sentence holding one is never folded, nor a sentence folded into it
            continue
        if id(s) not in polarities:
            # digits only ("4111.", "5 5 5."): a number dictated in pieces, never a repeat; or fewer
            # than _MIN_FOLD_WORDS words: folded only into the same sentence of the same turn
            if _TWO_LETTERS.search(s.text):  # not a name or code spelled letter by letter ("N. N.")
                here = (s.turn, s.text.lower())
                first = in_turn.get(here)
                if first is None:
                    in_turn[here] = s
                else:
                    first.count += 1
                    s.keep = False
            continue
        facts = s.facts
        asks = "?" in s.text
        key = (s.role, s.text.lower())
        known = exact.get(key)
        first = None
        if known is not None and asks and answered_otherwise(known[0], i):
            known = None  # look for a telling answered alike, else this is a new one
        if known is None:
            lo, hi = _length_window(len(s.text))
            for cand, m, cand_facts in firsts.get(s.role, ()):
                if (
                    lo <= m <= hi
                    and facts <= cand_facts
                    and fuzz.token_sort_ratio(cand.text, s.text, score_cutoff=similarity)
                    and polarity(s) == polarity(cand)
                    and not contrast(cand, s)
                    and not (asks and answered_otherwise(cand, i))
                ):
                    first = cand
                    break
        elif facts <= known[0].said:
            first = known[0]
        if first is None:
            exact[key] = (s, facts)
            firsts.setdefault(s.role, []).append((s, len(s.text), s.said))
        else:
            first.count += 1
            s.keep = False


#: How an answer starts: its yes or its no.
_YES_NO = re.compile(
    r"\W*(?:(?P<yes>yes|yeah|yep|sure|of course|correct|да|конечно|верно)|(?P<no>no|nope|нет))(?!\w)",
    re.IGNORECASE,
)


def _answer_stance(items: list[_Sentence], i: int) -> tuple[str, bool] | None:
    """The yes or no and whether it negates, of the other speaker's first sentence after ``items[i]``
    (the answer to a question there); None when nobody answered."""
    role = items[i].role
    answer = next((x for x in islice(items, i + 1, None) if x.role != role), None)
    if answer is None:
        return None
    start = _YES_NO.match(answer.text)
    return (start.lastgroup or "") if start is not None else "", _negates(answer.text)


@cache
def _length_window(n: int) -> tuple[int, int]:
    """The lengths ``m`` of a sentence that may repeat one of length ``n``: ``abs(m - n) <= max(m, n) *
    0.3``, which holds on an interval (its left side grows by 1 a step, its right side by 0.3), so
    the candidate loop compares two integers. Per length, so computed a few hundred times at most."""
    lo = n
    while lo > 0 and abs(lo - 1 - n) <= max(lo - 1, n) * 0.3:
        lo -= 1
    hi = n
    while abs(hi + 1 - n) <= max(hi + 1, n) * 0.3:
        hi += 1
    return lo, hi


def _contrast(first: str, later: str) -> bool:
    """Whether ``later`` says a word of content that ``first`` lacks (by stem: "evenings" is in
    "evening", "телефон" is not in "телевидение"): the same sentence about another thing ("How much is
    the premium plan?" / "Sorry, how much is the basic plan?", "... down in the kitchen." / "... in the
    bedroom too.", "У меня не работает телевидение." / "И телефон у меня не работает."), which folding
    would lose and count as a retelling. A retelling only adds fillers, hedges and function words ("So
    it is 59 dollars per user per month, as I said."), or leaves words out."""
    return _contrast_words(WORD_RE.findall(first.lower()), WORD_RE.findall(later.lower()))


def _contrast_words(before: list[str], later: list[str]) -> bool:
    """:func:`_contrast` of the texts whose lower-case words (``WORD_RE``) are ``before`` and ``later``."""
    known = set(before)
    for w in later:
        if w in known or w in _FUNCTION_WORDS or (len(w) <= 2 and not w.isdigit()):
            continue
        if not any(_same_stem(w, v) for v in before):
            return True
    return False


def _same_stem(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one word in two forms: a common start of 4+ letters that leaves at most
    2 letters of the shorter ("plan"/"plans", "рубля"/"рублей"; not "телефон"/"телевидение")."""
    n = min(len(a), len(b))
    if n < 4 or a[:4] != b[:4]:
        return False
    common = 4
    while common < n and a[common] == b[common]:
        common += 1
    return common >= n - 2


#: Sentences shorter than this are answers, not explanations: never folded as repeats.
_MIN_FOLD_WORDS = 4
_NEGATION_WORDS = (
    "not", "no", "never", "none", "nothing", "nobody", "cannot",
    "не", "нет", "ни", "без", "никогда", "ничего", "нельзя",
)  # fmt: skip
_NEGATION = re.compile(rf"(?<!\w)(?:{'|'.join(_NEGATION_WORDS)})(?!\w)|n['’]t(?!\w)", re.IGNORECASE)
# Its twin with every alternative starting with its first letter (the words' lookbehind checked right
# after it, see processors.text.word_start_factored): the regex engine then skips to the next "n",
# "c", "н" or "б" instead of trying the pattern at every character (about 2.5x as fast, the same matches).
_NEGATION_PARTS = factored_parts([list(word) for word in _NEGATION_WORDS])
register_fast_twin(
    _NEGATION,
    "|".join(rf"{first}(?<!\w[\s\S]){rest}(?!\w)" for first, rest in _NEGATION_PARTS) + r"|n['’]t(?!\w)",
)


def _polarity(text: str) -> tuple[str, ...]:
    """The negations of ``text`` and whether it asks: two sentences that differ in these say
    different things however alike their words are."""
    # ci_findall: the matched strings, as finditer's (lower-cased either way), found faster
    return (*sorted(map(str.lower, ci_findall(_NEGATION, text))), "?" if "?" in text else "")


_NEGATION_TWIN = case_sensitive_twin(_NEGATION)


def _polarities_of(texts: list[str]) -> list[tuple[str, ...]]:
    r"""``[_polarity(text) for text in texts]``, with one scan of them all: joined by a character no
    negation holds and that ``(?<!\w)``/``(?!\w)`` read as a text's edge, so each match lies in one text
    and is the one a scan of that text alone finds."""
    joined = "\x00".join(texts)
    folded = fold(joined)
    if folded is None or _NEGATION_TWIN is None or joined.count("\x00") != len(texts) - 1:
        return [_polarity(text) for text in texts]
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    found: list[list[str]] = [[] for _ in texts]
    for m in _NEGATION_TWIN.finditer(folded):
        found[bisect_right(starts, m.start()) - 1].append(m.group())
    return [
        (*sorted(negations), "?" if "?" in text else "") for negations, text in zip(found, texts, strict=True)
    ]


def _polarity_of_lower(low: str) -> tuple[str, ...]:
    """:func:`_polarity` of ``low``, lower-cased fold-safe text (a fold-safe text's lower-case form is
    fold-safe): :func:`ci_findall` would fold it (lower-case it again: the same string) and match the
    twin, whose matches, pieces of ``low``, are lower-case already."""
    if _NEGATION_TWIN is None:
        return _polarity(low)
    return (*sorted(_NEGATION_TWIN.findall(low)), "?" if "?" in low else "")


def _choose_depth(items: list[_Sentence], options: CompressOptions) -> str:
    """Pick a depth from the density and drop the sentences that depth does not keep."""
    score = density([s for s in items if s.keep])
    if score >= options.dense_at:
        return "full"
    depth = "deep" if score < options.simple_below else "medium"
    kept = [s for s in items if s.keep]
    edges = {id(kept[0]), id(kept[-1])} if kept else set()
    answers = _answers_to_pushback(kept) | _answers_to_asks(kept) | _first_names(kept)
    answers |= _reason_for_call(kept)
    for s in kept:
        if s.signals or id(s) in edges or id(s) in answers:
            continue
        if depth == "medium" and s.words >= options.medium_min_words:
            continue
        if _says_something(s.text) and not _is_hold(s):
            continue
        s.keep = False
    _keep_what_is_answered(kept)
    _keep_what_is_asked_about(kept)
    _keep_turns_apart(kept)
    if options.fold_echoes:
        # an answer to a question is no echo, whatever it restates: "the 49 or the 59 dollar plan?"
        # "59, yes."; "And without autopay?" "It's $45 too." (folded, the question has no answer)
        answers = _answers_to_asks(kept, offers=False)
        _fold_echoes([s for s in kept if s.keep], edges | answers)
        _drop_repeated_clauses([s for s in kept if s.keep], options.similarity, answers)
    return depth


def _answers_to_pushback(kept: list[_Sentence]) -> set[int]:
    """Ids of the agent's answer after each customer objection or complaint: its next
    :data:`_ANSWER_SENTENCES` sentences of 3+ words, over several turns if the agent first asks
    something ("Там какая ткань?" ... "Просто у нас гарантия полтора года"), hold phrases not
    counted or kept. How the agent answered is what objection handling is scored on, and "I hear
    you." is often only the start ("... I can move you to the basic plan instead.")."""
    out: set[int] = set()
    taken = _ANSWER_SENTENCES  # nothing pending
    turns: set[int] = set()  # the turns of the answer pending
    for s in kept:
        if s.role == "customer":
            if any(kind in PUSHBACK_KINDS for kind, _ in s.signals):
                taken, turns = 0, set()
        elif taken < _ANSWER_SENTENCES and not _is_hold(s):
            words = s.words
            if words >= 3 or s.turn not in turns:  # "Понимаю." answers nothing yet; later "Okay." neither
                out.add(id(s))
            turns.add(s.turn)
            taken += words >= 3
    return out


_ANSWER_SENTENCES = 3

#: Hold phrases: what the agent says while looking something up, no answer to anything.
HOLD_PHRASES = (
    "one second", "one moment", "just a second", "just a moment", "hold on", "bear with me",
    "let me check", "let me see", "on hold", "thanks for holding", "thank you for holding",
    "thanks for waiting", "thank you for waiting", "for your patience", "sorry about the wait",
    "sorry for the wait", "a couple more minutes", "pull that up", "pull it up", "pull up your",
    "секунду", "секундочку", "секунда", "минутку", "минуточку", "одну минуту", "не кладите трубку",
    "подождите", "сейчас посмотрю", "сейчас проверю", "открою", "спасибо, что подождали",
    "спасибо за ожидание",
)  # fmt: skip
_HOLD_RE = re.compile(rf"(?<!\w)(?:{_words_alternation(HOLD_PHRASES)})(?!\w)", re.IGNORECASE)
# Its twin with the alternatives factored by first letter, the word start checked after it (see
# processors.text.word_start_factored): the same matches, the engine skipping to the next letter that
# starts a phrase instead of trying the lookbehind at every character; in the order of the alternation
# above (longest first), each phrase a piece per character and "\s+" for a space.
register_fast_twin(
    _HOLD_RE,
    word_start_factored(
        [
            [r"\s+" if ch == " " else re.escape(ch) for ch in phrase]
            for phrase in sorted(HOLD_PHRASES, key=len, reverse=True)
        ]
    )
    + r"(?!\w)",
)


#: Facts of the agent's manner: a hold phrase with an apology ("Sorry about the wait.", "Ещё секундочку,
#: извините.") is kept for it, yet is still no answer to anything.
MANNER_KINDS = frozenset({"tone", "apology", "empathy", "escalation", "recording"})


def _is_hold(s: _Sentence) -> bool:
    """Whether ``s`` is a hold phrase: one carrying no fact but the speaker's manner ("Минутку, не
    кладите трубку.", "Thank you for your patience, sorry about the wait.")."""
    if any(kind not in MANNER_KINDS for kind, _ in s.facts):
        return False
    matcher, subject = ci_view(_HOLD_RE, s.text)  # on lower-cased fold-safe text, its twin
    return matcher.search(subject) is not None


#: Sentences that answer the other speaker's last sentence and mean nothing without it.
_ANSWER_START = re.compile(r"\W*(?:yes|no|nope|yep|of course|да|нет|конечно)(?!\w)", re.IGNORECASE)


def _keep_what_is_answered(kept: list[_Sentence]) -> None:
    """Keep the other speaker's sentence right before a kept "Yes, ..." / "Нет, ...": without it
    the answer reads as an answer to an earlier line ("Нет" to "Раньше никак?" instead of to
    "Ещё неделю ждать.")."""
    for prev, s in pairwise(kept):
        if s.keep and not prev.keep and prev.role != s.role and _ANSWER_START.match(s.text):
            prev.keep = True


#: What a sentence without a key fact may still say that the call means nothing without: how a step
#: turned out ("It didn't help.", "Nothing.", "Не помогло."), what one asks of the other ("Please don't
#: close it.", "Try a different outlet.", "Включите роутер."), a decision or need ("Нужен выезд
#: мастера.", "We have to replace it."), a reason ("I'm not watching it anyway.", "потому что ..."),
#: what something costs or shows ("The visit is free.", "Красная горит."). Matched on lower-case text.
_CONTENT = (
    # outcomes, mostly negated
    "didn't help", "did not help", "doesn't help", "does not help", "didn't work", "did not work",
    "nothing", "no luck", "no change", "same thing", "still the same", "not anymore", "no longer",
    "не помогло", "не помогает", "не помог", "ничего", "без изменений", "то же самое", "всё так же",
    "все так же", "не получилось", "не вышло",
    # requests
    "please", "пожалуйста", "прошу", "don't", "do not",
    # decisions: what is to be done about the problem (not every "нужно": "Нужно свидетельство и
    # паспорт" is a list of papers, and kept, it makes the PII pass read the next number as an ID)
    "need a technician", "need to replace", "needs to be replaced", "have to replace", "will have to",
    "need to send", "need to come out", "нужен выезд", "нужен мастер", "нужна замена", "нужно заменить",
    "нужно менять", "надо менять", "надо заменить", "придётся", "придется", "требуется выезд",
    # reasons
    "because", "since", "cause", "due to", "потому что", "так как", "поэтому", "ведь",
    "всё равно", "все равно", "из-за",
    # a diagnosis
    "likely", "probably", "seems", "looks like", "must be", "скорее всего", "похоже", "видимо", "наверное",
    # what it costs or shows
    "free", "горит", "мигает", "не горит", "светится", "blinking", "flashing", "light is", "lights are",
)  # fmt: skip
#: An imperative opening a sentence (after lead words): English verbs of a support call (not "hold" or
#: "wait": "Hold on, one moment" is a hold phrase, said also with fillers inside), a Russian
#: polite imperative ("выключите", "попробуйте", "проверьте"), not an apology ("Извините.") or an
#: opener ("Смотрите, ...", "Слушайте, ...").
_IMPERATIVE = re.compile(
    rf"(?:(?:{_words_alternation(LEAD_WORDS)}|now|then|теперь|тогда)(?!\w)[\s,]*)*"
    r"(?:try|check|restart|reboot|reset|unplug|plug|turn|press|click|open|go|call|switch|"
    r"make sure|keep|leave|send|bring|take|"
    r"(?!(?:простите|извините|смотрите|слушайте)(?!\w))[^\W\d_]{2,}(?:ите|йте|ьте))(?!\w)"
)
_CONTENT_RE = re.compile(rf"(?<!\w)(?:{_words_alternation(_CONTENT)})(?!\w)")
#: Every match of :data:`_CONTENT_RE` holds one of these: a substring test rules most sentences out.
_CONTENT_HINTS = tuple(sorted({w[:3] for w in _CONTENT}))


def _says_something(text: str) -> bool:
    """Whether ``text`` says an outcome, a request, a decision, a reason or a state
    (:data:`_CONTENT`, :data:`_IMPERATIVE`): content a depth keeps though it holds no key fact."""
    low = text.lower()
    if _IMPERATIVE.match(low) is not None:
        return True
    if any(map(low.__contains__, _CONTENT_HINTS)) and _CONTENT_RE.search(low) is not None:
        return True
    # a reason given with a denial: "I'm not watching it anyway." ("..., hasn't it anyway" is chat)
    return any(map(low.__contains__, _ANYWAY)) and _DENIES.search(low) is not None


_ANYWAY = ("anyway", "всё равно", "все равно", "так и так")
_DENIES = re.compile(r"(?<!\w)(?:not|never|don't|doesn't|didn't|won't|не|ни)(?!\w)")


def _keep_what_is_asked_about(kept: list[_Sentence]) -> None:
    """Keep the other speaker's sentence a short question follows up: one that picks up its word
    ("Лампочка ... красная горит." / "Красная, да?") or a bare "Когда?" / "How much?" ("Нужен выезд
    мастера." / "Когда?"). Without it the question hangs. "Ещё вопросы есть?" follows up nothing."""
    for prev, s in pairwise(kept):
        if (
            s.keep
            and not prev.keep
            and prev.role != s.role
            and s.words <= 3
            and "?" in s.text
            and ((s.words <= 2 and _ASKS_WHAT.match(s.text) is not None) or _picks_up(s.text, prev.text))
        ):
            prev.keep = True


#: A question word opening a follow-up question ("Когда?", "И сколько?", "When?", "How much?").
_ASKS_WHAT = re.compile(
    r"\W*(?:(?:and|и|а)\s+)?(?:when|where|how|what|which|who|why|когда|где|куда|сколько|как|какой|какая|"
    r"какие|кто|почему|зачем|что)(?!\w)",
    re.IGNORECASE,
)


def _picks_up(question: str, before: str) -> bool:
    """Whether ``question`` repeats a word (4+ letters, by stem) of ``before``: "Красная, да?"."""
    stems = {w[:4] for w in WORD_RE.findall(before.lower()) if len(w) >= 4}
    return any(len(w) >= 4 and w[:4] in stems for w in WORD_RE.findall(question.lower()))


def _keep_turns_apart(kept: list[_Sentence]) -> None:
    """Keep the last sentence of a turn cut whole when the other speaker's kept sentences before and
    after it would merge and the one after gives a number or a placeholder: the cut turn says what is
    given ("Паспорт, серия и номер." / "Серия [ID]."), and without it two answers read as one line
    ("[PHONE]. Серия [ID].")."""
    last: _Sentence | None = None  # the last kept sentence before the turn at i
    i = 0
    while i < len(kept):
        j = i
        while j < len(kept) and kept[j].role == kept[i].role:
            j += 1
        nxt = kept[j] if j < len(kept) else None
        if (
            nxt is not None
            and last is not None
            and last.role == nxt.role
            and nxt.keep
            and not any(s.keep for s in kept[i:j])
            and any(kind in ECHO_KINDS for kind, _ in nxt.signals)
        ):
            kept[j - 1].keep = True
        last = next((s for s in reversed(kept[i:j]) if s.keep), last)
        i = j


#: A sentence of the customer's with this many words is past the greeting: the reason for the call.
_REASON_MIN_WORDS = 4
_REASON_SENTENCES = 3


def _reason_for_call(kept: list[_Sentence]) -> set[int]:
    """Ids of the first :data:`_REASON_SENTENCES` sentences of the customer's first substantive turn
    (one with a sentence of :data:`_REASON_MIN_WORDS`+ words): why they call ("I'm calling about
    the pro plan. We're a small team and want to upgrade."), which a bare "Hi." does not say."""
    turn = next((s.turn for s in kept if s.role == "customer" and s.words >= _REASON_MIN_WORDS), None)
    return {id(s) for s in [s for s in kept if s.turn == turn][:_REASON_SENTENCES]}


#: A capitalised word inside a sentence (not after its start or a title's dot): a name as ASR writes it.
#: (The capital first, the lookbehinds after it: the regex engine then skips to the next capital
#: instead of trying the lookbehinds at every character; the same matches, about 2.5x as fast.)
_NAME_RE = re.compile(r"[A-ZА-ЯЁ](?<=\s[A-ZА-ЯЁ])(?<![.!?…]\s[A-ZА-ЯЁ])[^\W\d_]*(?:['’-][^\W\d_]+)?")
#: Capitalised words that name nobody.
_NOT_NAMES = frozenset(("I", "I'm", "I'll", "I've", "I'd", "OK", "Okay"))


def _first_names(kept: list[_Sentence]) -> set[int]:
    """Ids of the sentences that first say a name: a product, plan, company or person ("there's an
    add-on called Cloud Backup Plus", "тариф Домашний плюс", "That's Mike Hanlon, he's the ops
    director"). Without it "Cloud what?" answers nothing, and a scorer cannot tell which plan was
    sold or whether the agent introduced themself."""
    out: set[int] = set()
    seen: set[str] = set()
    for s in kept:
        names = {w.lower() for w in _NAME_RE.findall(s.text) if w not in _NOT_NAMES}
        if not names <= seen:
            out.add(id(s))
            seen |= names
    return out


#: What a speaker says that the other one's next sentence answers: a question, or the agent's offer.
ASK_KINDS = frozenset({"question"})
OFFER_KINDS = frozenset({"number", "offer", "commitment"})
_SHORT_ANSWER_WORDS = 5


def _answers_to_asks(kept: list[_Sentence], offers: bool = True) -> set[int]:
    """Ids of the other speaker's answer to a question: its first sentence whatever its length, and
    the next one of that turn when the first is short ("Sure. It's about the warehouse side.");
    hold phrases are skipped. After an agent sentence with a price, an offer or a commitment, the
    customer's first sentence when it is short: "Yes.", "Давайте.", "Not really." carry no signal
    of their own, and without them a sale (or a refusal) disappears from what the LLM reads. Without
    the answers, questions merge and a later "Нет" answers the wrong one."""
    out: set[int] = set()
    asker: str | None = None
    asked = False  # a question, not an offer
    turn: int | None = None  # the turn of a question's answer still going on
    taken = 0
    # an open question ("what's this about?") answered with a preamble ("I'll be quick, I promise")
    # and a backchannel of the asker ("Okay.") before the substance: (answerer, the answer's turn)
    going_on: tuple[str, int] | None = None
    open_question = False
    for s in kept:
        short = s.words <= _SHORT_ANSWER_WORDS
        if going_on is not None and s.role == going_on[0] and s.turn != going_on[1]:
            out.add(id(s))  # the answerer goes on after the asker's backchannel
            going_on = None
        elif going_on is not None and (s.role == going_on[0] or _backchannel(s)):
            pass
        else:
            going_on = None
        if turn is not None and s.turn == turn and taken < _QUESTION_ANSWER_SENTENCES:
            out.add(id(s))
            taken += 1
            turn = turn if short else None
        elif asker is not None and s.role != asker and not _is_hold(s):
            if asked or short:  # a longer answer to an offer stands on its own signals
                out.add(id(s))
            if open_question:
                going_on = (s.role, s.turn)
            turn, taken = (s.turn, 1) if asked and short else (None, 0)
            asker = None
        else:
            turn = None if turn is not None and s.turn != turn else turn
        kinds = {kind for kind, _ in s.signals}
        if kinds & ASK_KINDS or (offers and s.role == "agent" and kinds & OFFER_KINDS):
            asker, asked, turn = s.role, bool(kinds & ASK_KINDS), None
            open_question = asked and _OPEN_QUESTION.search(s.text) is not None
    return out


#: A question asking what something is about, not yes or no: its answer may take more than a breath.
_OPEN_QUESTION = re.compile(
    r"(?<!\w)(?:what(?:'s|\s+is)\s+(?:this|it|that)\s+(?:about|regarding)|what\s+do\s+you\s+(?:do|want|offer)|"
    r"what\s+(?:company|product)|regarding|о\s+ч[её]м|по\s+какому\s+(?:вопросу|поводу)|что\s+за\s+(?:компания|предложение)|"
    r"что\s+вы\s+(?:предлагаете|продаёте|продаете|хотели))(?!\w)",
    re.IGNORECASE,
)


def _backchannel(s: _Sentence) -> bool:
    """Whether ``s`` only acknowledges ("Okay.", "Угу.", "Sure, go ahead.", "I understand."): no
    question, no fact but the speaker's manner."""
    return s.words <= 3 and not any(
        kind in ASK_KINDS or (kind in _FACT_KINDS and kind not in MANNER_KINDS) for kind, _ in s.signals
    )


_QUESTION_ANSWER_SENTENCES = 2


def _fold_echoes(kept: list[_Sentence], edges: set[int]) -> None:
    """Drop sentences that only repeat figures already said ("So it's 59 dollars a month", "12,
    okay"): folded into the speaker's own earlier sentence, which counts one more telling when the
    echo restates all its figures; another speaker's echo just goes. Sentences with anything else (a
    question, a promise, an objection) stay, and so do the answers in ``edges`` and a sentence right
    after the other speaker negated something: "I see 2 here." after "I ordered 4, not 2." holds
    the agent's side of a dispute, whatever it restates."""
    said: dict[tuple[str, str], _Sentence] = {}
    # the latest sentence that said each fact: an echo restates the first telling only when nothing
    # said its figures since ("The basic plan is 500 dollars a year." between "The premium plan is 500
    # dollars a year." and "500 dollars a year.")
    last: dict[tuple[str, str], _Sentence] = {}
    position = {id(s): i for i, s in enumerate(kept)}
    prev: _Sentence | None = None
    for s in kept:
        facts = s.facts
        disputed = prev is not None and prev.role != s.role and _negates(prev.text)
        prev = s
        if (
            facts
            and id(s) not in edges
            and not disputed
            and _LETTER.search(s.text)  # digits only: a piece of a number dictated, not an echo
            and all(kind in ECHO_KINDS for kind, _ in s.signals)
            # a placeholder stands for any number: two "[ID]" are two numbers (a policy, then SNILS),
            # and compression cannot see whether they are the same
            and not any(kind == "pii" for kind, _ in facts)
            and all(f in said for f in facts)
            and not _new_words(s, [said[f] for f in facts])
            # the earliest sentence that said them (not a set's arbitrary first: that changed the
            # text with the interpreter's hash seed)
            and _polarity(s.text)
            == _polarity((first := min((said[f] for f in facts), key=lambda x: position[id(x)])).text)
        ):  # "You said 20" after "not 20" is no echo
            s.keep = False
            # "[×N]" says the sentence was said N times: "I see 2 here" is no retelling of "2 items,
            # 3 units each, shipping in 5 to 7 days"
            if (
                first.role == s.role
                and {_bare(a) for k, a in first.facts if k in ECHO_KINDS} <= {_bare(a) for _, a in facts}
                and all(last[f] is first for f in facts)
            ):
                first.count += s.count
            continue
        for f in s.said:
            said.setdefault(f, s)
            last[f] = s


def _negates(text: str) -> bool:
    """Whether ``text`` says "not", "no", "without", "не", "без", ...: a correction or a denial."""
    return any(p != "?" and p for p in _polarity(text))


#: Words an echo says around the figure without adding to it ("so it is 59, as I said, right").
_ECHO_WORDS = frozenset(
    [
        "said",
        "says",
        "right",
        "okay",
        "yeah",
        "again",
        "just",
        "that",
        "this",
        "what",
        "with",
        "your",
        "have",
        "there",
        "then",
        "also",
        "well",
        "like",
        "sure",
        "here",
        "will",
        "would",
        "that's",
        "it's",
        "basically",
        "exactly",
        "correct",
        "total",
        "totally",
        "perfect",
        "great",
        "thank",
        "thanks",
        "сказал",
        "сказала",
        "говорил",
        "говорила",
        "говорю",
        "значит",
        "ладно",
        "хорошо",
        "понятно",
        "верно",
        "точно",
        "опять",
        "тоже",
        "итого",
        "всего",
        "получается",
        "выходит",
        "отлично",
        "спасибо",
    ]
)


#: Words that say nothing of what a sentence is about: function words, pronouns, auxiliaries, fillers,
#: hedges, answers and courtesy (negations differ in :func:`_polarity` already). Two sentences that
#: differ only in these are one sentence told twice. Words of 1-2 letters count as these too ("in",
#: "at", "в", "у", and the pieces of "it's", "don't").
_FUNCTION_WORDS = frozenset(
    (
        "the", "this", "that", "these", "those", "its", "was", "were", "are", "been", "being", "have",
        "has", "had", "does", "did", "will", "would", "can", "could", "should", "shall", "may", "might",
        "must", "you", "your", "yours", "our", "ours", "they", "them", "their", "his", "her", "hers",
        "him", "she", "with", "from", "about", "into", "onto", "over", "under", "for", "and", "but",
        "then", "than", "too", "also", "just", "really", "very", "quite", "pretty", "again", "still",
        "even", "only", "already", "now", "well", "okay", "yeah", "yes", "yep", "sure", "right", "like",
        "please", "sorry", "actually", "basically", "literally", "there", "here", "what", "which", "who",
        "whom", "how", "when", "where", "why", "said", "say", "says", "told", "tell", "mean", "meant",
        "know", "see", "look", "thing", "any", "some", "all", "one", "don", "doesn", "didn", "isn", "aren",
        "wasn", "won", "let", "ain", "hey", "wow", "hmm", "umm", "uhm", "mhm", "что", "чтобы", "как",
        "так", "это", "этот", "эта", "эти", "этого", "этой", "тот", "того", "там", "тут", "здесь", "вот",
        "ещё", "еще", "тоже", "также", "очень", "просто", "вообще", "сейчас", "опять", "снова", "всё",
        "все", "весь", "вся", "был", "была", "было", "были", "есть", "будет", "значит", "короче", "типа",
        "вроде", "конечно", "хорошо", "ладно", "понятно", "пожалуйста", "извините", "спасибо", "сказал",
        "сказала", "говорю", "говорил", "говорила", "меня", "мне", "мной", "нас", "нам", "вас", "вам",
        "его", "ему", "мой", "моя", "моё", "мое", "мои", "наш", "наша", "наше", "наши", "ваш", "ваша",
        "ваше", "ваши", "они", "оно", "она", "тебя", "тебе", "для", "при", "про", "без", "над", "под",
        "или", "уже", "когда", "где", "какой", "какая", "какие", "кто", "зачем", "почему", "сколько",
        "тогда", "потом", "даже", "именно", "может", "можно", "нужно", "надо",
    )
) | (
    # fillers, openers, hedges and the words an echo says around a figure ("Ну, смотрите, в общем,
    # рассрочка ..." retells "Рассрочка ...", "Ещё раз, тариф ..." retells "Тариф ...")
    {w for phrase in (*DISFLUENCIES, *LEAD_WORDS, *HEDGES) for w in phrase.split()}
    | {"раз", "целом", "принципе", "кстати", "слушай", "смотри", "anyway", "kind", "sort"}
    | _ECHO_WORDS
)  # fmt: skip


#: Short words that change what a restated figure means: "not 20", "ещё 500", "also 20 dollars",
#: and contrasts: "Я 5 дней без интернета, а вы мне 150 рублей" is a complaint, not a restatement.
_ADDING = frozenset(
    ("not", "no", "plus", "also", "extra", "more", "but", "whereas", "without", "except", "instead", "only",
     "не", "нет", "ни", "ещё", "еще", "плюс", "тоже", "а", "но", "зато", "без", "кроме", "вместо", "только")
)  # fmt: skip


def _new_words(s: _Sentence, earlier: list[_Sentence]) -> bool:
    """Whether ``s`` says a content word (4+ letters) none of ``earlier`` said: "$49 per month,
    billed yearly" after "$49" brings the billing terms and is no echo. The words of
    :data:`_ADDING` are compared whole, not by stem: "without" is no "with"."""
    before_words = {w for e in earlier for w in WORD_RE.findall(e.text.lower())}
    before = {w[:4] for w in before_words}  # a stem: "рубля", "рублей"
    return any(
        (w not in before_words if w in _ADDING else len(w) >= 4 and w[:4] not in before)
        and not w.isdigit()
        and w not in _ECHO_WORDS
        for w in WORD_RE.findall(s.text.lower())
    )


#: A clause ends at a comma, not at one inside a number ("$1,500", "2,5 миллиона").
#: (The comma first, the lookbehind after it: the regex engine then skips to the next comma instead of
#: trying the lookbehind at every character.)
_CLAUSE_COMMA = re.compile(r",(?<!\d,)|,(?!\d)")


#: Words that tie a clause to the one before it: "Я 5 дней без интернета, а вы мне 150 рублей" loses
#: its point, and its grammar, without the first clause.
_CONNECTIVES = frozenset(
    ("а", "но", "и", "зато", "хотя", "потому", "поэтому", "так", "то", "что", "чтобы", "если",
     "and", "but", "or", "so", "because", "while", "whereas", "though", "although", "which", "then")
)  # fmt: skip


def _drop_repeated_clauses(kept: list[_Sentence], similarity: float, answers: Container[int] = ()) -> None:
    """Cut the clauses of a sentence that repeat a clause the speaker said before ("Процентов 0,
    рассрочка на 6 месяцев, ..." after the terms were given: "Процентов 0"), when the clause brings
    no fact the earlier sentence lacks and the next clause does not lean on it ("..., а вы мне").
    The earlier sentence counts one more telling only when the cut clauses are at least 2/3 of
    its length: "[×N]" says that sentence was said N times, and a cut "more or less" is no retelling
    of the figure before it. An answer to a question (its id in ``answers``) keeps a clause with its
    figure. Runs on the few sentences a depth keeps, so it stays cheap."""
    said: dict[str, list[tuple[str, set[tuple[str, str]], _Sentence, tuple[str, ...]]]] = {}
    for s in kept:
        clauses = _CLAUSE_COMMA.split(s.text)
        earlier = said.setdefault(s.role, [])
        # the clauses of 3+ words, lower-cased, and their polarity: compared below, then remembered
        lows = [(i, low) for i, c in enumerate(clauses) if len((low := c.strip().lower()).split()) >= 3]
        polarities: dict[int, tuple[str, ...]] = {}
        polarity_of = _polarity_of_lower if fold_safe(s.text) else _polarity
        if len(clauses) > 1 and earlier:
            keep: list[str | None] = []
            source: _Sentence | None = None
            long = dict(lows)
            all_facts = s.facts
            for i, clause in enumerate(clauses):
                match = None
                if (low := long.get(i)) is not None and (
                    # a placeholder stands for any number, and compression sees only the redacted
                    # text: a clause holding one is no repeat ("my number is [PHONE]" twice: a correction)
                    "[" not in low or PLACEHOLDER_RE.search(low.upper()) is None
                ):
                    facts = {f for f in all_facts if _has_anchor(low, f)}
                    # the same for every earlier clause: read once
                    said_so = polarities[i] = polarity_of(low)
                    match = next(
                        (
                            first
                            for prev, before, first, polarity in earlier
                            # "doesn't include installation" repeats no "includes installation"
                            if facts <= before
                            and polarity == said_so
                            and fuzz.token_sort_ratio(low, prev, score_cutoff=similarity)
                            # "how much is the basic plan?" repeats no "how much is the premium plan?"
                            and not _contrast(prev, low)
                        ),
                        None,
                    )
                if match is None:
                    keep.append(clause)
                else:
                    source = source or match
                    keep.append(None)
            # a clause the next kept one starts from with "а", "but", ... stays, and so does one that ends
            # where a number read in groups starts ("на линию 8, 800, 100, ...": the 8 is the number's)
            for i in range(len(clauses) - 1):
                if (
                    keep[i] is None
                    and keep[i + 1] is not None
                    and (_leans_back(clauses[i + 1]) or _runs_on(clauses[i], clauses[i + 1]))
                ):
                    keep[i] = clauses[i]
            kept_clauses = [c for c in keep if c is not None]
            text = ",".join(kept_clauses).rstrip(",;: ")
            if id(s) in answers and all_facts and not any(_has_anchor(text.lower(), f) for f in all_facts):
                # an answer cut to no figure at all answers nothing: "How much?" / "It's 5000 dollars
                # a year, yes." read "Yes."
                kept_clauses, source = clauses, None
            # a cut clause's facts are all in the earlier sentence (``facts <= before``), still kept
            if source is not None and kept_clauses and len(kept_clauses) < len(clauses):
                cut_words = sum(len(c.split()) for c, k in zip(clauses, keep, strict=True) if k is None)
                if cut_words * 3 >= source.words * 2:
                    source.count += 1
                end = s.text[-1] if s.text[-1] in ".!?…" and text[-1:] not in (".", "!", "?", "…") else ""
                s.text = tidy(text + end)
        facts = s.facts
        earlier.extend(
            (low, facts, s, polarities[i] if i in polarities else polarity_of(low)) for i, low in lows
        )


def _runs_on(clause: str, after: str) -> bool:
    """Whether ``clause`` ends with digits and ``after`` goes on with more: one number's groups."""
    return clause[-1:].isdigit() and after.lstrip()[:1].isdigit()


def _leans_back(clause: str) -> bool:
    """Whether ``clause`` starts with a connective (:data:`_CONNECTIVES`)."""
    first = WORD_RE.match(clause.strip())
    return first is not None and first.group().lower() in _CONNECTIVES


def _has_anchor(lower: str, fact: tuple[str, str]) -> bool:
    """Whether ``fact``'s anchor is in ``lower`` (a number not inside a longer one: "0" vs "3000")."""
    kind, anchor = fact
    if kind == "number":
        # (a number not in the text at all, the common case, needs no pattern)
        return anchor in lower and re.search(rf"(?<!\d){re.escape(anchor)}(?!\d)", lower) is not None
    return anchor in " ".join(lower.split())


def _trim(text: str, signals: list[tuple[str, str]]) -> str:
    """``text`` without meaningless openers and hedges; unchanged if a signal's anchor would go."""
    new = _LEAD_RE.sub("", text, count=1)
    lower = new.lower()
    if any(map(lower.__contains__, _HEDGE_FIRST)) and (
        # in fold-safe text (where lower-casing is the engine's case folding) only where a hedge's
        # longest word is there too
        not fold_safe(new) or any(map(lower.__contains__, _HEDGE_WORDS))
    ):
        new = _HEDGE_RE.sub("", new)
        lower = new.lower()
    if new == text:
        return text
    if not any(map(str.isalnum, new)):
        return text
    lower = " ".join(lower.split())
    if not all(anchor in lower for kind, anchor in signals if kind != "question"):
        return text
    return tidy(new)


def compress_text(
    segments: Iterable[Mapping[str, Any]], options: CompressOptions = CompressOptions()
) -> tuple[str, str, float]:
    """(text, level, density) for the kept ``segments``."""
    kept = [s for s in segments if s.get("kept", True)]
    if not options.structural:
        turns = _turns(kept, merge=True, clean=False)
        level = ["merge"]
    else:
        turns = _turns(kept, merge=True, clean=True)
        level = ["structural"]
    if not (options.semantic or options.dynamic):
        text = "\n".join(_render(role, parts) for role, parts in turns)
        return text, "+".join(level), 0.0
    said = [(role, i, sent) for i, (role, parts) in enumerate(turns) for sent in sentences(" ".join(parts))]
    found = signals_of([sent for _, _, sent in said], options.lexicon)
    # amounts with their unit: "$50" is another fact than the "50" of "50 gigs"
    items = [
        _Sentence(role, i, sent, with_amounts(sent, kinds))
        for (role, i, sent), kinds in zip(said, found, strict=True)
    ]
    # the customer's first problem statements ("Интернет пропал."): the reason for the call, a key fact
    theirs = [s for s in items if s.role == "customer"]
    problems = problem_statements([s.text for s in theirs])
    # and who they are ("I work from home."), in a call where they push back: what the agent's answer
    # to the objection is judged against
    pushback = pushed_back((s.signals for s in theirs), problems)
    for s, problem in zip(theirs, problems, strict=True):
        s.signals += [("problem", anchor) for anchor in problem]
    # and their word that the fix worked ("Да! Заработал."): whether the call resolved the problem
    for s, resolution in zip(theirs, resolution_statements([s.text for s in theirs], problems), strict=True):
        s.signals += [("resolution", anchor) for anchor in resolution]
    # and a theft or loss ("кошелёк украли"): why a card is blocked, in any call
    for s, loss in zip(theirs, loss_statements([s.text for s in theirs]), strict=True):
        s.signals += [("reason", anchor) for anchor in loss]
    # and what they mean to do ("And I want to trade in my car."): what the call is about, in any call
    for s, intent in zip(theirs, intent_statements([s.text for s in theirs]), strict=True):
        s.signals += [("intent", anchor) for anchor in intent]
    if pushback:
        for s, context in zip(theirs, context_statements([s.text for s in theirs]), strict=True):
            s.signals += [("context", anchor) for anchor in context]
        # and why they push back ("We barely used it.", "Those charges aren't mine.")
        for s, reason in zip(theirs, reason_statements([s.text for s in theirs]), strict=True):
            s.signals += [("reason", anchor) for anchor in reason]
    # the agent relaying why a delivery or visit failed ("Курьер отметил, что не смог дозвониться.")
    ours = [s for s in items if s.role == "agent"]
    said_by_agent = [s.text for s in ours]
    for s, causes, done in zip(
        ours, reported_causes_of(said_by_agent), done_actions_of(said_by_agent), strict=True
    ):
        s.signals += [("reason", anchor) for anchor in causes]
        # and what they did ("Обе карты заблокированы.", "Я перевыпустил."): the call's outcome
        s.signals += [("commitment", anchor) for anchor in done]
    if options.semantic:
        _fold_repeats(items, options.similarity)
        level.append("semantic")
    score = density([s for s in items if s.keep])
    depth = "full"
    if options.dynamic:
        depth = _choose_depth(items, options)
        level.append("dynamic:" + depth)
    trim = options.trim and depth != "full"  # a dense call is read word for word
    lines: list[tuple[str, list[str]]] = []
    for s in items:
        if not s.keep:
            continue
        text = _trim(s.text, s.signals) if trim else s.text
        text = f"{text} [×{s.count}]" if s.count > 1 else text
        if lines and lines[-1][0] == s.role:
            lines[-1][1].append(text)
        else:
            lines.append((s.role, [text]))
    return "\n".join(_render(role, parts) for role, parts in lines), "+".join(level), round(score, 3)


def _redact_lines(text: str, options: PiiOptions) -> tuple[str, dict[str, int]]:
    """PII redacted once more, one speaker's line at a time read after the line before it: a number a
    merge or step 1 made recognisable is in one line, the line before may say what it is ("Какой
    номер обращения?" / "5783107958"), and a line further up must not ("Паспортные данные
    продиктуйте" three lines up, then "Договор № 29-2025/767")."""
    counts: Counter[str] = Counter()
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        redacted, found = redact(line if i == 0 else f"{lines[i - 1]}\n{line}", options)
        if i and found:
            # the line before was redacted on its own turn: this line's part, its new placeholders
            # counted (a speaker prefix starts every line, so no number runs over the newline)
            redacted = redacted.split("\n", 1)[-1]
            found = dict(_placeholders(redacted) - _placeholders(line))
        out.append(redacted if found else line)
        counts.update(found)
    return "\n".join(out), dict(counts)


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER_RE.findall(text))


def compress(
    filtered: Mapping[str, Any],
    count_tokens: Callable[[str], int],
    tokenizer_name: str,
    options: CompressOptions = CompressOptions(),
) -> dict[str, Any]:
    """FilteredTranscript -> CompressedTranscript."""
    segments = filtered["transcript"]["segments"]
    full = "\n".join(dialogue_lines(segments, merge=False))  # what an LLM would read without this stage
    text, level, score = compress_text(segments, options)
    text, pii = _redact_lines(text, options.pii)
    # A counter with ``many`` (ml.tokenizer.TokenCounter) counts both texts in one batch.
    many = getattr(count_tokens, "many", None)
    before, after = many([full, text]) if many is not None else (count_tokens(full), count_tokens(text))
    return {
        "call_id": filtered["call_id"],
        "filtered": dict(filtered),
        "text": text,
        "tokens_before": before,
        "tokens_after": after,
        "tokenizer": tokenizer_name,
        "level": level,
        "density": score,
        "pii": pii,
    }
