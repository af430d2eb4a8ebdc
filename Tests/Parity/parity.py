#!/usr/bin/env python3
"""Parity of `sweep` with Hugging Face transformers, in both directions.

1. Models written by `sweep pretrain` load with `LlamaForCausalLM.from_pretrained` and give the
   same log-probabilities as `sweep score`.
2. Models written by transformers (`save_pretrained`, F32, F16 and BF16 safetensors) load in
   `sweep score` and give the same log-probabilities as transformers computes in fp32.
3. LoRA adapters written by `sweep finetune` load with `PeftModel.from_pretrained` and give the
   same log-probabilities as `sweep score --adapter`; adapters saved by PEFT load in `sweep`.

Cases cover multi-head and grouped-query attention, tied and untied embeddings, a head_dim other than
hidden_size / heads, and llama3 and linear RoPE scaling.
Exit status 0 when every case is within the tolerance, 1 otherwise; prints SKIP and exits 0
where torch or transformers cannot be imported (`make parity-setup` installs them).
"""
import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile

TOLERANCE = 1e-4
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

try:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    from peft import LoraConfig, PeftModel, get_peft_model
except ImportError as error:
    print(f"SKIP parity: cannot import torch/transformers ({error}); `make parity-setup` installs them")
    sys.exit(0)


def sweep_logprobs(sweep, model_dir, ids, adapter=None):
    extra = ["--adapter", str(adapter)] if adapter else []
    out = subprocess.run(
        [sweep, "score", "--model", str(model_dir), "--ids", ",".join(map(str, ids)), "--json", *extra],
        check=True, capture_output=True, text=True,
    ).stdout
    result = json.loads(out)
    assert result["ids"] == ids, "sweep echoed different ids"
    return torch.tensor(result["logprobs"], dtype=torch.float64)


def torch_logprobs(model, ids):
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].float()
        logprobs = torch.log_softmax(logits, dim=-1)[:-1]
        return logprobs.gather(1, torch.tensor(ids[1:])[:, None])[:, 0].double()


def compare(name, sweep, model_dir, sequences, adapter=None):
    model = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    if adapter:
        model = PeftModel.from_pretrained(model, adapter)
    model.eval()
    worst, effect = 0.0, None
    for ids in sequences:
        ours = sweep_logprobs(sweep, model_dir, ids, adapter)
        theirs = torch_logprobs(model, ids)
        worst = max(worst, (ours - theirs).abs().max().item())
        if adapter:  # an adapter that changed nothing would make the comparison empty
            change = (ours - sweep_logprobs(sweep, model_dir, ids)).abs().max().item()
            effect = max(effect or 0.0, change)
    ok = worst <= TOLERANCE and (effect is None or effect > 100 * TOLERANCE)
    note = "" if effect is None else f", the adapter moves log p by up to {effect:.2e}"
    print(f"{'ok' if ok else 'FAIL':4}  {name:58}  max |Δ log p| = {worst:.2e}  ({len(sequences)} sequences{note})")
    return ok


def random_sequences(vocab, lengths, seed):
    rng = random.Random(seed)
    return [[rng.randrange(vocab) for _ in range(n)] for n in lengths]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", default=".build/release/sweep", help="the sweep executable")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, transformers {__import__('transformers').__version__}, tolerance {TOLERANCE}")
    torch.manual_seed(0)
    passed = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        corpus = tmp / "corpus.txt"
        words = ["the", "model", "learns", "a", "rotary", "attention", "norm", "of", "tokens", "and", "heads"]
        rng = random.Random(1)
        corpus.write_text(" ".join(rng.choice(words) for _ in range(6000)) + "\n")

        # 1. sweep → transformers
        wide = tmp / "wide-heads-llama3.json"  # a config.json sweep reads, then writes for transformers
        wide.write_text(json.dumps({
            "hidden_size": 64, "intermediate_size": 176, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "head_dim": 24, "vocab_size": 256, "max_position_embeddings": 64,
            "rope_theta": 500.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 32},
        }))
        for name, extra in [
            ("sweep pretrain, multi-head, untied", ["--heads", "4"]),
            ("sweep pretrain, grouped-query (4 heads, 2 kv), untied", ["--heads", "4", "--kv-heads", "2"]),
            ("sweep pretrain, grouped-query (4 heads, 1 kv), tied", ["--heads", "4", "--kv-heads", "1", "--tied"]),
            ("sweep pretrain --config, head_dim 24 ≠ 64/4, llama3 RoPE", ["--config", str(wide)]),
        ]:
            model_dir = tmp / f"sweep-{len(passed)}"
            subprocess.run(
                [args.sweep, "pretrain", "--text", str(corpus), "--dim", "64", "--layers", "2", "--seq-len", "64",
                 "--batch", "4", "--steps", "40", "--lr", "3e-3", "--log-every", "1000", "--out", str(model_dir), *extra],
                check=True, capture_output=True,
            )
            passed.append(compare(name, args.sweep, model_dir, random_sequences(256, [2, 17, 64], seed=len(passed))))

        # 2. transformers → sweep
        llama3 = {"rope_type": "llama3", "rope_theta": 500.0, "factor": 8.0, "low_freq_factor": 1.0,
                  "high_freq_factor": 4.0, "original_max_position_embeddings": 32}
        for name, dtype, kv_heads, tied, extra in [
            ("transformers save_pretrained F32, grouped-query, untied", torch.float32, 2, False, {}),
            ("transformers save_pretrained F32, multi-head, tied", torch.float32, 4, True, {}),
            ("transformers save_pretrained F16, grouped-query, untied", torch.float16, 2, False, {}),
            ("transformers save_pretrained BF16, grouped-query, untied", torch.bfloat16, 2, False, {}),
            ("transformers F32, head_dim 24 ≠ 64/4, grouped-query", torch.float32, 2, False, {"head_dim": 24}),
            ("transformers F32, rope_parameters llama3", torch.float32, 2, False, {"rope_parameters": llama3}),
            ("transformers F32, rope_scaling linear ×4", torch.float32, 4, True,
             {"rope_scaling": {"rope_type": "linear", "factor": 4.0}}),
        ]:
            config = LlamaConfig(
                vocab_size=300, hidden_size=64, intermediate_size=176, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=kv_heads, max_position_embeddings=96,
                rms_norm_eps=1e-5, rope_theta=500.0, tie_word_embeddings=tied,
                initializer_range=0.2,  # peaked predictions, far from uniform, so differences show
                **extra,
            )
            model = LlamaForCausalLM(config)
            with torch.no_grad():  # norms away from 1, so a wrong norm weight shows
                for module_name, parameter in model.named_parameters():
                    if "norm" in module_name:
                        parameter.uniform_(0.5, 1.5)
            model_dir = tmp / f"hf-{len(passed)}"
            model.to(dtype).save_pretrained(model_dir, safe_serialization=True)
            passed.append(compare(name, args.sweep, model_dir, random_sequences(300, [3, 40, 96], seed=len(passed))))

        # 3. adapters, both ways, over a sweep-trained base
        base = tmp / "sweep-0"
        examples = tmp / "instructions.jsonl"
        with examples.open("w") as f:
            for i in range(64):
                word = rng.choice(words)
                f.write(json.dumps({"prompt": f"repeat {word}:", "response": f" {word} {word}."}) + "\n")
        for name, extra in [
            ("sweep finetune LoRA q,v r=8 → PEFT", ["--targets", "q,v"]),
            ("sweep finetune LoRA all layers + head, r=4, rsLoRA → PEFT", ["--targets", "all", "--rank", "4", "--rslora"]),
        ]:
            adapter = tmp / f"adapter-{len(passed)}"
            subprocess.run(
                [args.sweep, "finetune", "--model", str(base), "--data", str(examples), "--out", str(adapter),
                 "--lr", "1e-2", "--batch", "8", "--micro-batch", "2", "--log-every", "1000", *extra],
                check=True, capture_output=True,
            )
            passed.append(compare(name, args.sweep, base, random_sequences(256, [5, 64], seed=len(passed)), adapter))

        model = LlamaForCausalLM.from_pretrained(base, dtype=torch.float32)
        peft_model = get_peft_model(model, LoraConfig(
            r=4, lora_alpha=8, lora_dropout=0.0, target_modules=["k_proj", "o_proj", "up_proj", "lm_head"],
            init_lora_weights=False,  # random A and B, so the adapter changes the outputs
        ))
        adapter = tmp / "peft-adapter"
        peft_model.save_pretrained(adapter)
        passed.append(compare("PEFT save_pretrained LoRA k,o,up,head r=4 → sweep", args.sweep, base,
                              random_sequences(256, [5, 64], seed=len(passed)), adapter))

    print(f"{sum(passed)} passed, {len(passed) - sum(passed)} failed")
    sys.exit(0 if all(passed) else 1)


if __name__ == "__main__":
    main()
