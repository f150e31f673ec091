"""QLoRA training smoke test (opt-in: CALLSTREAM_TEST_GPU=1 on a CUDA machine with the `train` extra).

Trains a few steps on the fixture labels and checks the adapter is saved in the PEFT layout vLLM's
``--lora-modules`` loads. ``CALLSTREAM_TEST_BASE_MODEL`` names a local base model (default: a small
Qwen2.5 instruct model, which must be reachable from the machine).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ml.finetune import write_dataset
from processors.scorecard import default_scorecard

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.gpu


def test_qlora_training_writes_a_vllm_loadable_adapter(tmp_path):
    pytest.importorskip("peft")
    pytest.importorskip("trl")
    pytest.importorskip("bitsandbytes")
    from ml.finetune_train import TrainOptions, train

    calls = tmp_path / "calls.jsonl"
    calls.write_text(
        "\n".join(
            json.dumps(json.loads(p.read_text()))
            for p in sorted((ROOT / "connectors/samples").glob("*.timeline.json"))
        )
    )
    dataset = tmp_path / "train.jsonl"
    assert write_dataset(default_scorecard(), ROOT / "tests/fixtures/labels.csv", calls, dataset).written == 4
    base = os.environ.get("CALLSTREAM_TEST_BASE_MODEL", "Qwen/Qwen2.5-0.5B-Instruct")
    out = train(TrainOptions(dataset, base, tmp_path / "adapter", max_steps=2, batch_size=1, grad_accum=1))
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["r"] == 16
    assert (out / "adapter_model.safetensors").is_file()
