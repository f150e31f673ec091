"""QLoRA training of a scoring adapter (``train`` extra: peft + trl + bitsandbytes + datasets; CUDA).

    python -m ml.finetune_train --dataset train.jsonl --base Qwen/Qwen2.5-7B-Instruct --out adapters/sales

The base model is loaded in 4-bit NF4 (bitsandbytes), a LoRA adapter is trained on the chat JSONL
from :mod:`ml.finetune` with the loss on the assistant answer only, and the adapter is saved in
the PEFT layout (``adapter_config.json`` + ``adapter_model.safetensors``) that vLLM loads with
``--enable-lora --lora-modules NAME=OUT`` (``callstream llm serve``). Nothing here runs on CPU CI:
the GPU test is opt-in (``CALLSTREAM_TEST_GPU=1``).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TrainOptions:
    dataset: Path
    base_model: str
    output_dir: Path
    epochs: float = 2.0
    learning_rate: float = 2e-4
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    batch_size: int = 2
    grad_accum: int = 8
    max_length: int = 4096
    max_steps: int = -1


def train(opts: TrainOptions) -> Path:
    """Train and save the adapter; returns its directory."""
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig
    from trl import SFTConfig, SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(opts.base_model)
    model = AutoModelForCausalLM.from_pretrained(
        opts.base_model,
        quantization_config=BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        ),
        dtype=torch.bfloat16,
        device_map="auto",
    )
    dataset = load_dataset("json", data_files=str(opts.dataset), split="train")
    # prompt = the system + user turns, completion = the analyst's answer: for prompt-completion data
    # TRL masks the prompt (completion_only_loss=None means True), so the loss is on the answer only.
    dataset = dataset.select_columns(["messages"]).map(
        lambda e: {"prompt": e["messages"][:-1], "completion": e["messages"][-1:]},
        remove_columns=["messages"],
    )
    peft_config = LoraConfig(
        r=opts.lora_r,
        lora_alpha=opts.lora_alpha,
        lora_dropout=opts.lora_dropout,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        task_type="CAUSAL_LM",
    )
    args = SFTConfig(
        output_dir=str(opts.output_dir),
        num_train_epochs=opts.epochs,
        max_steps=opts.max_steps,
        learning_rate=opts.learning_rate,
        per_device_train_batch_size=opts.batch_size,
        gradient_accumulation_steps=opts.grad_accum,
        gradient_checkpointing=True,
        bf16=True,
        logging_steps=10,
        save_strategy="no",
        report_to=[],
        max_length=opts.max_length,
        assistant_only_loss=False,
        completion_only_loss=None,
    )
    trainer = SFTTrainer(
        model=model, args=args, train_dataset=dataset, processing_class=tokenizer, peft_config=peft_config
    )
    trainer.train()
    trainer.model.save_pretrained(str(opts.output_dir))  # adapter only: what vLLM's --lora-modules loads
    tokenizer.save_pretrained(str(opts.output_dir))
    return opts.output_dir


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", type=Path, required=True, help="chat JSONL from ml.finetune")
    p.add_argument("--base", required=True, help="base model path or hub name (Qwen2.5-7B-Instruct class)")
    p.add_argument("--out", type=Path, required=True, help="adapter output directory")
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--max-steps", type=int, default=-1)
    p.add_argument("--lora-r", type=int, default=16)
    args = p.parse_args(argv)
    out = train(
        TrainOptions(
            args.dataset,
            args.base,
            args.out,
            epochs=args.epochs,
            max_steps=args.max_steps,
            lora_r=args.lora_r,
        )
    )
    print(
        f"adapter saved to {out}; serve it with CALLSTREAM_LLM_LORA_MODULES=NAME={out} callstream llm serve"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
