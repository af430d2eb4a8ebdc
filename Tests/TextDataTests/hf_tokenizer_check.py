#!/usr/bin/env python3
"""Does Hugging Face encode and decode like our BPETokenizer?

Loads TOKENIZER_DIR (written by `BPETokenizer.savePretrained`) twice: with `tokenizers.Tokenizer.from_file`
on its tokenizer.json, and with `transformers.AutoTokenizer.from_pretrained`. For every text it checks that
both give the ids our Swift `encode` gave (when the case carries them), that they agree with each other, and
that decoding the ids gives the text back. Prints each mismatch with the first differing token; exit status
0 when everything agrees, 1 otherwise; prints SKIP and exits 0 when `tokenizers` cannot be imported.

Texts come from a JSON Lines file, one {"text": "...", "ids": [...]} per line ("ids" optional; "-" reads
stdin), and/or from --text arguments. With --emit it prints {"text", "ids"} lines with Hugging Face's ids
instead of checking (how the golden ids in BPETokenizerTests.swift were made).

    python3 Tests/TextDataTests/hf_tokenizer_check.py DIR cases.jsonl
    python3 Tests/TextDataTests/hf_tokenizer_check.py DIR --text "don't 12345" --text "café 🙂"
    TEXTDATA_PARITY_DIR=/tmp/tok swift test --filter writeParityCases  # writes /tmp/tok, cases.jsonl, golden/

Literal "<s>" in text: our encode never turns text into a special token. tokenizer_config.json sets
split_special_tokens so AutoTokenizer agrees; for the bare `tokenizers` object we set
encode_special_tokens = True, which is the same thing.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

try:
    from tokenizers import Tokenizer
except ImportError as error:
    print(f"SKIP tokenizer check: cannot import tokenizers ({error})")
    sys.exit(0)


def load_cases(path, texts):
    cases = []
    if path:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
        for number, line in enumerate(stream, 1):
            if line.strip():
                case = json.loads(line)
                if "text" not in case:
                    sys.exit(f"{path}:{number}: a case needs a \"text\"")
                cases.append(case)
    cases.extend({"text": text} for text in texts)
    return cases


def first_difference(a, b):
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return index
    return min(len(a), len(b))


def describe(tokenizer, ids, at):
    window = ids[max(0, at - 2):at + 3]
    return f"{window} = {[tokenizer.id_to_token(i) for i in window]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tokenizer_dir")
    parser.add_argument("cases", nargs="?", help="JSON Lines file of {\"text\", \"ids\"}; - for stdin")
    parser.add_argument("--text", action="append", default=[], help="a text to check (repeatable)")
    parser.add_argument("--emit", action="store_true", help="print Hugging Face's ids instead of checking")
    parser.add_argument("--no-transformers", action="store_true", help="check only the tokenizers library")
    args = parser.parse_args()

    fast = Tokenizer.from_file(os.path.join(args.tokenizer_dir, "tokenizer.json"))
    fast.encode_special_tokens = True
    auto = None
    if not args.no_transformers:
        try:
            from transformers import AutoTokenizer
            auto = AutoTokenizer.from_pretrained(args.tokenizer_dir)
        except ImportError as error:
            print(f"note: transformers not importable ({error}); checking tokenizers only")

    cases = load_cases(args.cases, args.text)
    if args.emit:
        for case in cases:
            print(json.dumps({"text": case["text"], "ids": fast.encode(case["text"], add_special_tokens=False).ids},
                             ensure_ascii=False))
        return 0

    mismatches = 0
    for number, case in enumerate(cases):
        text = case["text"]
        problems = []
        hf_ids = fast.encode(text, add_special_tokens=False).ids
        expected = case.get("ids")
        if expected is not None and hf_ids != expected:
            at = first_difference(hf_ids, expected)
            problems.append(f"tokenizers ids differ from ours at {at}: "
                            f"ours {describe(fast, expected, at)}, tokenizers {describe(fast, hf_ids, at)}")
        if auto is not None:
            auto_ids = auto(text, add_special_tokens=False)["input_ids"]
            if auto_ids != hf_ids:
                at = first_difference(auto_ids, hf_ids)
                problems.append(f"AutoTokenizer ids differ from tokenizers at {at}: {describe(fast, auto_ids, at)}")
            decoded = auto.decode(hf_ids)
            if decoded != text:
                problems.append(f"AutoTokenizer decodes to {decoded!r}")
        decoded = fast.decode(hf_ids, skip_special_tokens=False)
        if decoded != text:
            problems.append(f"tokenizers decodes to {decoded!r}")
        if problems:
            mismatches += 1
            if mismatches <= 20:
                print(f"MISMATCH case {number}: {text[:80]!r}")
                for problem in problems:
                    print(f"  {problem}")
    checked = "tokenizers" + (" and AutoTokenizer" if auto is not None else "")
    print(f"{len(cases) - mismatches}/{len(cases)} texts agree ({checked})")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
