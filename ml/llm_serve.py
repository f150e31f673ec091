"""``callstream llm serve``: start vLLM's OpenAI-compatible server with the configured model and adapters.

vLLM is in the ``gpu`` extra (CUDA machines only). The command is built from settings so the server
and the workers agree: the port comes from ``CALLSTREAM_LLM_URL``, the base model from
``CALLSTREAM_LLM_SERVE_MODEL`` and the LoRA adapters (``name=path``; a worker selects one by using
its name as ``CALLSTREAM_LLM_MODEL``) from ``CALLSTREAM_LLM_LORA_MODULES``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

DEFAULT_PORT = 8000
#: JSON answers are read by code: whitespace between their tokens has no use, and a small or
#: freshly tuned model can emit it without end (seen on vLLM with SmolLM2-135M: hundreds of
#: newlines after a key until max_tokens cut the answer). Disabled unless the user passes this.
STRUCTURED_OUTPUTS = [
    "--structured-outputs-config",
    '{"backend": "xgrammar", "disable_any_whitespace": true}',
]


def vllm_command(settings: Any, host: str = "0.0.0.0", extra: Sequence[str] = ()) -> list[str]:
    """The ``vllm serve`` argv for these settings (raises ValueError on what is missing)."""
    model = settings.llm_serve_model
    if not model:
        raise ValueError("set CALLSTREAM_LLM_SERVE_MODEL to the base model (path or name) vLLM should load")
    port = urlparse(settings.llm_url).port if settings.llm_url else None
    cmd = ["vllm", "serve", model, "--host", host, "--port", str(port or DEFAULT_PORT)]
    if settings.llm_api_key:
        cmd += ["--api-key", settings.llm_api_key.get_secret_value()]
    if settings.llm_lora_modules:
        cmd += ["--enable-lora", "--lora-modules", *settings.llm_lora_modules]
    elif settings.llm_model and settings.llm_model != model:
        # Without adapters the worker's model name must be the served name.
        cmd += ["--served-model-name", settings.llm_model]
    cmd += ["--max-num-seqs", str(max(settings.llm_max_concurrency, 8))]
    if not any(a.startswith(STRUCTURED_OUTPUTS[0]) for a in extra):
        cmd += STRUCTURED_OUTPUTS
    return [*cmd, *extra]


def serve(settings: Any, host: str = "0.0.0.0", extra: Sequence[str] = (), dry_run: bool = False) -> int:
    """Print the command, then replace this process with it (unless ``dry_run``)."""
    try:
        cmd = vllm_command(settings, host, extra)
    except ValueError as exc:
        print(f"callstream llm serve: {exc}", file=sys.stderr)
        return 2
    printable = [("***" if i and cmd[i - 1] == "--api-key" else a) for i, a in enumerate(cmd)]
    print(shlex.join(printable), file=sys.stderr)
    if dry_run:
        return 0
    if shutil.which("vllm") is None:
        print(
            "callstream llm serve: vllm is not installed: pip install 'callstream[gpu]' (CUDA)",
            file=sys.stderr,
        )
        return 2
    os.execvp(cmd[0], cmd)
    return 0  # not reached
