"""The openai backend against a real vLLM server started by ``callstream llm serve`` with a LoRA adapter.

Opt-in (``CALLSTREAM_TEST_GPU=1`` on a CUDA machine with the ``gpu`` extra). The base model is
``CALLSTREAM_TEST_VLLM_MODEL`` (a local HF model directory; default: a small Qwen2.5 instruct model,
which must be reachable from the machine). The server gets a LoRA with random weights made here with
peft (its answers differ from the base model's, which proves vLLM applies the adapter the worker
names) and, when ``CALLSTREAM_TEST_LORA`` names one, a trained adapter too (e.g. the one
tests/integration/test_finetune_gpu.py trains; set ``--basetemp`` there to keep it).

What is tested is the production path: the ``vllm serve`` command built from settings, the adapter
chosen by model name, structured output through ``response_format`` (a JSON schema generated from the
scorecard, enforced by vLLM's grammar backend: every answer parses and has every field), validation
in code (a small model's values may still be out of range: then the error carries the raw answer),
token usage and cost on the score.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ml.llm import LLMAnswerError, LLMConfig, LLMResult, OpenAIBackend
from ml.llm_serve import vllm_command
from processors.scorecard import default_scorecard
from processors.scoring import Scorer
from streams.settings import Settings
from tests.factories import make_call_score
from tests.llm_servers import free_port, openai_server

pytestmark = pytest.mark.gpu

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = "callstream-test"
TRAINED = "callstream-trained"
#: What is asked for structured answers: the base model, and the trained adapter when there is one.
#: Not the random adapter: its garbled answers run to max_tokens, and a cut answer is no JSON.
SCORED = ["base"] + ([TRAINED] if os.environ.get("CALLSTREAM_TEST_LORA") else [])
START_TIMEOUT_S = 600  # first start compiles kernels; a 7B model also loads for minutes


def random_adapter(base: str, out: Path) -> Path:
    """A LoRA on the attention and MLP projections with random (not zero) B: it changes the answers."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    config = LoraConfig(
        r=16,
        lora_alpha=32,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        init_lora_weights=False,
        task_type="CAUSAL_LM",
    )
    get_peft_model(model, config).save_pretrained(str(out))
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    pytest.importorskip("vllm")
    base = os.environ.get("CALLSTREAM_TEST_VLLM_MODEL", "Qwen/Qwen2.5-0.5B-Instruct")
    tmp = tmp_path_factory.mktemp("vllm")
    adapters = [f"{ADAPTER}={random_adapter(base, tmp / 'adapter')}"]
    if os.environ.get("CALLSTREAM_TEST_LORA"):
        adapters.append(f"{TRAINED}={Path(os.environ['CALLSTREAM_TEST_LORA']).resolve()}")
    url = f"http://127.0.0.1:{free_port()}/v1"
    settings = Settings(
        data_dir=tmp,
        llm_url=url,
        llm_model=ADAPTER,
        llm_serve_model=base,
        llm_lora_modules=adapters,
        llm_max_concurrency=4,
    )
    # The command a user runs, built from the same settings the worker reads.
    assert vllm_command(settings, "127.0.0.1")[:2] == ["vllm", "serve"]
    env = {
        **os.environ,
        "CALLSTREAM_LLM_URL": url,
        "CALLSTREAM_LLM_MODEL": ADAPTER,
        "CALLSTREAM_LLM_SERVE_MODEL": base,
        "CALLSTREAM_LLM_LORA_MODULES": ",".join(adapters),
        "CALLSTREAM_DATA_DIR": str(tmp),
    }
    extra = ["--max-model-len", "4096", "--gpu-memory-utilization", "0.5"]
    extra += ["--max-lora-rank", "16", "--max-loras", "2"]
    log = tmp / "server.log"
    cmd = [sys.executable, "-m", "streams.cli", "llm", "serve", "--host", "127.0.0.1", "--", *extra]
    try:
        with openai_server(
            cmd, url, log, "callstream llm serve", START_TIMEOUT_S, stop_timeout_s=60, cwd=ROOT, env=env
        ):
            yield url, settings
    finally:
        print(f"vLLM log tail:\n{log.read_text()[-1500:]}")


def complete(url: str, model: str, prompt: str) -> dict:
    response = httpx.post(
        f"{url}/chat/completions",
        json={
            "model": model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 24,
            "temperature": 0,
        },
        timeout=120,
    )
    response.raise_for_status()
    return response.json()


def test_the_adapter_is_served_by_name_and_changes_the_answers(server):
    url, settings = server
    models = {m["id"]: m for m in httpx.get(f"{url}/models", timeout=10).json()["data"]}
    assert {ADAPTER, settings.llm_serve_model} | set(SCORED[1:]) <= set(models), models
    prompt = "Say hello to a customer who called about a refund."
    base = complete(url, settings.llm_serve_model, prompt)
    tuned = complete(url, ADAPTER, prompt)
    assert tuned["model"] == ADAPTER
    assert tuned["choices"][0]["message"]["content"] != base["choices"][0]["message"]["content"]


@pytest.mark.parametrize("model", SCORED)
def test_structured_output_is_whole_json_and_validated_in_code(server, model):
    url, settings = server
    name = settings.llm_serve_model if model == "base" else model
    backend = OpenAIBackend(LLMConfig(url=url, model=name, timeout_s=120))
    card = default_scorecard()
    dialogue = make_call_score("c-vllm")["compressed"]["text"]
    try:
        result: LLMResult = backend.score(card, dialogue, "en")
    except LLMAnswerError as exc:
        # The grammar enforces the shape (and the schema's cap on every text), not numeric ranges:
        # a small model may still break a range, and code must say so. It never cuts the JSON off.
        failed = exc.result.failed
        print(f"{name}: rejected by validation: {failed}")
        assert failed and exc.result.raw_answer, exc
        assert not any("not valid JSON" in why or "cut off" in why for why in failed.values()), failed
        return
    print(f"{name}: {result.values} tokens {result.tokens_in}/{result.tokens_out} {result.latency_s:.2f}s")
    assert set(result.values) == {c.id for c in card.llm_criteria}
    assert result.tokens_in > 100 and result.tokens_out > 0 and result.model_id == name


def test_the_score_stage_records_the_llm_scorer_and_cost(server):
    url, _ = server
    backend = OpenAIBackend(LLMConfig(url=url, model=ADAPTER, timeout_s=120))
    scored = Scorer(scorer="llm", llm=backend, gpu_price_per_hour=2.0).outcome(
        make_call_score("c-vllm-2")["compressed"]
    )
    score = scored.score
    # Valid or not (a small model may break a range twice: the stage then dead-letters the answer
    # and keeps what validated), the score names the adapter and carries tokens and cost.
    assert score["scorer"] == "llm" and score["model_id"] == ADAPTER, score
    assert score["llm_tokens_in"] > 100 and score["llm_tokens_out"] > 0 and score["cost_usd"] > 0
    if scored.invalid is not None:
        assert scored.invalid.raw_answer and scored.invalid.raw_answer.lstrip().startswith("{")
    else:
        assert all(c["status"] == "scored" for c in score["criteria"]), score["criteria"]
