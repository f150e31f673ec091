"""A held-out PII probe: 481 Whisper-style RU/EN cases (373 secrets, 126 negatives) written by a tester
who never saw callstream's redaction code (a blind probe, third round), with that tester's own leak
checker (``tests/pii_holdout_numwords.py``). Run through the public filter + compress API.

It is held out from ``callstream bench pii``, whose cases the redaction was tuned on: its leak rate
tells how the redaction generalises. No longer blind once read: write a new probe now and then."""

import json
import re
from pathlib import Path

from tests.pii_holdout_numwords import digit_runs, spelled_sequences

CASES = Path(__file__).parent / "data" / "pii_holdout" / "cases.json"


def load_cases() -> list[dict]:
    return json.loads(CASES.read_text(encoding="utf-8"))


PH = re.compile(r"\[(PHONE|CARD|EMAIL|ID)\]")


def run_case(c, baseline=False):
    if baseline:
        stored = [t[1] for t in c["turns"]]
        llm = "\n".join(f"{s}: {t}" for s, t in c["turns"])
        return stored, llm
    from processors.compression import compress
    from processors.filtering import filter_transcript
    from streams.bench_text import make_transcript_from_turns

    t = make_transcript_from_turns(c["id"], [tuple(x) for x in c["turns"]], c["lang"])
    f = filter_transcript(t)
    stored = [s["text"] for s in f["transcript"]["segments"]]
    llm = compress(f, len, "x")["text"]
    return stored, llm


def leaks_in(text, case):
    """Return list of (secret, evidence) readable in text."""
    runs = digit_runs(text)
    low = PH.sub(" ", text).lower()
    spelled = spelled_sequences(PH.sub(" ", text))
    allowed4 = {s["value"][-4:] for s in case["secrets"] if s.get("allow_last4")}
    out = []
    for s in case["secrets"]:
        v = s["value"]
        if s["kind"] == "digits":
            wins = [(i, v[i : i + 4]) for i in range(len(v) - 3)]
            hit = None
            for i, w in wins:
                if s.get("allow_last4") and i == len(v) - 4:
                    continue
                for r in runs:
                    if w in r:
                        hit = r
                        break
                if hit:
                    break
            if hit:
                out.append((s, hit))
        elif s["kind"] == "cvv":
            for r in runs:
                if r in allowed4 or r == "":
                    continue
                if v in r:
                    out.append((s, r))
                    break
        elif s["kind"] == "word":
            if v.isdigit():
                if any(v in r for r in runs):
                    out.append((s, v))
            elif v.lower() in low or any(v.lower() in sp for sp in spelled):
                out.append((s, v))
    return out


def item_key(s, idx):
    # an e-mail address is one item (all its tokens); every other secret is its own item
    return ("email", 0) if s["cat"] == "email" else (s["cat"], idx)


def evaluate(cases, baseline=False):
    res = []
    for c in cases:
        stored, llm = run_case(c, baseline)
        st_text = " ".join(stored)
        L_st = leaks_in(st_text, c)
        L_llm = leaks_in(llm, c)
        items = {}
        for i, s in enumerate(c["secrets"]):
            items.setdefault(
                item_key(s, i), {"cat": s["cat"], "leak_stored": False, "leak_llm": False, "evidence": []}
            )
        for where, L in (("stored", L_st), ("llm", L_llm)):
            for s, ev in L:
                k = item_key(s, c["secrets"].index(s))
                items[k]["leak_" + where] = True
                items[k]["evidence"].append(f"{where}:{s['value']}~{ev}")
        placeholders = PH.findall(st_text) + PH.findall(llm)
        st_runs = digit_runs(PH.sub(" ", st_text))
        lost = [k for k in c["keep"] if not any(k in r for r in st_runs)]
        res.append(
            {
                "id": c["id"],
                "cat": c["cat"],
                "lang": c["lang"],
                "pattern": c["pattern"],
                "turns": c["turns"],
                "stored": stored,
                "llm": llm,
                "items": list(items.values()),
                "placeholders": placeholders,
                "fp": (not c["secrets"]) and bool(placeholders),
                "keep_lost": lost,
                "has_keep": bool(c["keep"]),
            }
        )
    return res
