#!/usr/bin/env python3
"""Builds the two "bring your own" checkpoints that Tests/byo.sh takes through tokenize → score → sweep →
export, with Hugging Face transformers, and their golden ids and log-probabilities.

    llama2-style/   Llama-2 / TinyLlama layout: byte-fallback BPE with a <s> template (the llama2 tokenizer
                    fixture of TokenizationTests), multi-head attention, untied output head, bf16 weights.
    smollm-style/   SmolLM layout: byte-level BPE with ChatML specials (the smollm tokenizer fixture),
                    grouped-query attention (4 heads, 2 kv heads), tied embeddings, bf16 weights.

Each directory holds config.json, model.safetensors, tokenizer.json, tokenizer_config.json and golden.json:
{"cases": [{"text", "ids", "logprobs"}]}, where ids are AutoTokenizer's (special tokens as its
post-processor adds them) and logprobs[i] = log p(ids[i+1] | ids[:i+1]) from LlamaForCausalLM in fp32 on
the bf16 weights. chat.jsonl is a small chat dataset ({"messages": [...]}) both sweeps train on.

Regenerate (needs torch, transformers; `make parity-setup` installs them into .venv):
    .venv/bin/python Tests/byo/make_models.py
"""
import json
import pathlib
import random
import shutil

import torch
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

HERE = pathlib.Path(__file__).resolve().parent
TOKENIZERS = HERE.parent / "TokenizationTests" / "fixtures"

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "Question: what is the capital of France?\nAnswer: Paris.",
    "In 2024 the river rose 3.5 metres; café, naïve, 東京 🙂",
]

FAMILIES = {
    "llama2-style": dict(tokenizer="llama2", heads=4, kv_heads=4, tied=False, seed=1),
    "smollm-style": dict(tokenizer="smollm", heads=4, kv_heads=2, tied=True, seed=2),
}

COLOURS = ["red", "blue", "green", "yellow", "black", "white"]
THINGS = ["the sea", "the sky", "grass", "the sun", "coal", "snow", "a lemon", "the night", "milk", "a leaf"]


def chat_dataset():
    """48 short conversations, a third with a system message, fixed by seed 7."""
    rng = random.Random(7)
    lines = []
    for i in range(48):
        thing = rng.choice(THINGS)
        colour = rng.choice(COLOURS)
        messages = []
        if i % 3 == 0:
            messages.append({"role": "system", "content": "You answer in one short sentence."})
        messages.append({"role": "user", "content": f"What colour is {thing}?"})
        messages.append({"role": "assistant", "content": f"In this story, {thing} is {colour}."})
        lines.append(json.dumps({"messages": messages}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def build(name, spec):
    directory = HERE / name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir()
    for file in ["tokenizer.json", "tokenizer_config.json"]:
        shutil.copy(TOKENIZERS / spec["tokenizer"] / file, directory / file)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=160, num_hidden_layers=2,
        num_attention_heads=spec["heads"], num_key_value_heads=spec["kv_heads"], max_position_embeddings=256,
        rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=spec["tied"],
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(spec["seed"])
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0, 0.2)
    model.to(torch.bfloat16).save_pretrained(directory, safe_serialization=True)
    reference = LlamaForCausalLM.from_pretrained(directory, dtype=torch.float32).eval()
    cases = []
    for text in TEXTS:
        ids = tokenizer(text)["input_ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0].double()
        logprobs = torch.log_softmax(logits, dim=-1)
        cases.append({"text": text, "ids": ids,
                      "logprobs": [logprobs[i, ids[i + 1]].item() for i in range(len(ids) - 1)]})
    (directory / "golden.json").write_text(json.dumps({"cases": cases}, ensure_ascii=False, indent=1) + "\n")
    # save_pretrained writes generation_config.json too; the test needs only what a checkpoint must have.
    (directory / "generation_config.json").unlink(missing_ok=True)


def main():
    for name, spec in FAMILIES.items():
        build(name, spec)
    (HERE / "chat.jsonl").write_text(chat_dataset())


if __name__ == "__main__":
    main()
