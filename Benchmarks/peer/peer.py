#!/usr/bin/env python3
"""The PyTorch peer of `sweep bench`: the same models and steps in PyTorch + transformers + PEFT.

    python3 Benchmarks/peer/peer.py [--configs base,3.4m] [--threads 1,2] [--modes full,lora] [--seconds 2]

Builds LlamaForCausalLM with the shape `sweep bench` uses (the base config from
results/base/config.json, and dim 256, 4 layers, 4 heads, intermediate 688, vocab 512), random
initialised, and times training steps on random token batches of 8 × 128 with every position a
target: `full` trains every parameter with AdamW (weight decay 0.01) and global-norm clipping at 1;
`lora` wraps the model with PEFT (r=8, alpha=16, q_proj and v_proj, dropout 0.05) and trains the
adapter alike. torch.set_num_threads(n) per thread count. Prints
{"results": [{"mode", "threads", "dim", "layers", "tokens_per_second", ...}, ...]} on stdout.
Needs torch, transformers and peft (e.g. pip install torch==2.13.0+cpu transformers peft).
"""
import argparse
import json
import os
import sys
import time

import torch
import transformers
import peft


def base_config(path, seq_len):
    try:
        with open(path) as f:
            c = json.load(f)
        return dict(dim=c["hidden_size"], hidden=c["intermediate_size"], layers=c["num_hidden_layers"],
                    heads=c["num_attention_heads"], kv_heads=c.get("num_key_value_heads", c["num_attention_heads"]),
                    vocab=c["vocab_size"], max_len=max(c.get("max_position_embeddings", 128), seq_len),
                    tied=c.get("tie_word_embeddings", False))
    except FileNotFoundError:
        return dict(dim=192, hidden=512, layers=4, heads=4, kv_heads=4, vocab=1000, max_len=max(128, seq_len), tied=False)


def config_34m(seq_len):
    return dict(dim=256, hidden=688, layers=4, heads=4, kv_heads=4, vocab=512, max_len=max(128, seq_len), tied=False)


def build(shape, attn):
    config = transformers.LlamaConfig(
        hidden_size=shape["dim"], intermediate_size=shape["hidden"], num_hidden_layers=shape["layers"],
        num_attention_heads=shape["heads"], num_key_value_heads=shape["kv_heads"], vocab_size=shape["vocab"],
        max_position_embeddings=shape["max_len"], rms_norm_eps=1e-5, rope_theta=10000.0,
        tie_word_embeddings=shape["tied"], attention_bias=False, mlp_bias=False, use_cache=False)
    torch.manual_seed(1)
    return transformers.LlamaForCausalLM._from_config(config, attn_implementation=attn, dtype=torch.float32)


def time_steps(shape, mode, batch, seq_len, seconds, attn):
    model = build(shape, attn)
    if mode == "lora":
        lora = peft.LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"], lora_dropout=0.05,
                               bias="none", task_type="CAUSAL_LM")
        model = peft.get_peft_model(model, lora)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4, weight_decay=0.01)
    generator = torch.Generator().manual_seed(2)

    def step():
        # Every position a target, as `sweep bench` does: logits (B, T, V) against (B, T) targets.
        inputs = torch.randint(0, shape["vocab"], (batch, seq_len), generator=generator)
        targets = torch.randint(0, shape["vocab"], (batch, seq_len), generator=generator)
        logits = model(input_ids=inputs).logits
        loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)

    for _ in range(2):
        step()
    steps, started = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and steps >= 3:
            return steps, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default="base,3.4m")
    parser.add_argument("--threads", default=None, help="comma-separated (default: 1 and every core)")
    parser.add_argument("--modes", default="full,lora")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--base-config", default="results/base/config.json")
    parser.add_argument("--attn", default="sdpa", help="transformers attn_implementation: sdpa (default) or eager")
    args = parser.parse_args()

    cores = os.cpu_count() or 1
    threads = [int(t) for t in args.threads.split(",")] if args.threads else sorted({1, cores})
    shapes = {"base": base_config(args.base_config, args.seq_len), "3.4m": config_34m(args.seq_len)}
    results = []
    for name in args.configs.split(","):
        shape = shapes[name]
        for n in threads:
            torch.set_num_threads(n)
            for mode in args.modes.split(","):
                steps, elapsed = time_steps(shape, mode, args.batch, args.seq_len, args.seconds, args.attn)
                tokens_per_second = steps * args.batch * args.seq_len / elapsed
                print(f"{name} {mode:5} {n} thread(s): {tokens_per_second:8.0f} tokens/s "
                      f"({1000 * elapsed / steps:.1f} ms/step)", file=sys.stderr)
                results.append(dict(config=name, mode=mode, threads=n, dim=shape["dim"], layers=shape["layers"],
                                    vocab=shape["vocab"], batch=args.batch, seq_len=args.seq_len, steps=steps,
                                    seconds_per_step=elapsed / steps, tokens_per_second=tokens_per_second))
    print(json.dumps(dict(results=results, torch=torch.__version__, transformers=transformers.__version__,
                          peft=peft.__version__, attn_implementation=args.attn), indent=2))


if __name__ == "__main__":
    main()
