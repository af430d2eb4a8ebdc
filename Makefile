# lora-sweep — every target installs what it needs first (`setup`), so each works on a fresh machine.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libsqlite3-dev sqlite3 pkg-config wordnet-base
VENV := .venv
PYTHON := $(VENV)/bin/python
SWEEP := .build/release/sweep

.PHONY: setup build release test unit-test smoke-test sweep-test datasets-test byo-test reliability-test fuzz-test front-doors-test reports-test consistency test-slurm sweep reproduce base base-large bench bench-peer memory-check article-memory qlora-ratio parity parity-setup clean

## setup: install the missing system packages (apt-get, non-interactive, idempotent; run as root or with sudo)
setup:
	@missing=""; for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: debug build
build: setup
	$(SWIFT) build

## release: optimised build (anything that trains runs this one)
release: setup
	$(SWIFT) build -c release

## test: unit tests (debug build, tiny sizes), then end-to-end checks of the release binary, then the
## seed-consistency check of experiments/consistency.toml on the committed base model (a fresh database),
## then a small grid as a Slurm job array on a real one-node Slurm started on loopback
test: unit-test smoke-test sweep-test datasets-test byo-test reliability-test fuzz-test front-doors-test examples-test reports-test consistency test-slurm

unit-test: setup
	$(SWIFT) test

smoke-test: release
	bash Tests/smoke.sh $(SWEEP)

sweep-test: release
	bash Tests/sweep-e2e.sh $(SWEEP)

## datasets-test: a sweep over a chat JSON Lines file of our own (ChatML, held-out loss only, benchmarks = []),
## bad data and templates refused up front, `sweep finetune` on the same file
datasets-test: release
	bash Tests/datasets-e2e.sh $(SWEEP)

## byo-test: a Llama-2-style and a SmolLM-style checkpoint of our own making (Tests/byo) through tokenize,
## score, a chat sweep with benchmarks = [], best, export and merge, against transformers' ids and
## log-probabilities; PEFT loads the exported adapter when the venv has it (make parity-setup)
byo-test: release
	PYTHON=$(PYTHON) bash Tests/byo.sh $(SWEEP)

## reliability-test: bad experiment, model and data files, SIGKILL mid-sweep, concurrent sweeps, unwritable paths
reliability-test: release
	bash Tests/reliability.sh $(SWEEP)

## fuzz-test: a few hundred mutated sweep files, config.json, tokenizer.json and safetensors files through
## the binary: each ends in a clean exit with an Error: line (no signal, no trap, no hang)
fuzz-test: release
	python3 Tests/fuzz.py $(SWEEP)

## examples-test: every command of README.md and of `sweep help <command>`, as written, on a tiny model
## (the Slurm ones run in test-slurm, on its cluster)
examples-test: release
	python3 Tests/examples.py $(SWEEP)

## front-doors-test: one configuration as `sweep finetune` flags and as a one-run sweep file trains
## bit-identical adapters with the same trainable parameter count, for targets all too
front-doors-test: release
	bash Tests/front-doors.sh $(SWEEP)

## reports-test: sweep report on the committed results/runs.sqlite reproduces the committed reports and
## results/FINDINGS.md byte for byte
reports-test: release
	bash Tests/reports-match.sh $(SWEEP)

## test-slurm: start munge, slurmctld and slurmd on loopback (installing them if missing), run a small grid
## as a job array, check it against the same grid run locally, stop them (needs root, as CI has)
test-slurm: release
	bash Tests/slurm/test-slurm.sh $(SWEEP)

consistency: release
	@db=$$(mktemp -d)/consistency.sqlite; $(SWEEP) check experiments/consistency.toml --db $$db --jobs 2; \
	  status=$$?; rm -rf $$(dirname $$db); exit $$status

## sweep: the main job: experiments/alpha-rank.toml on the committed base model (results/base), two runs
## at a time, recorded in results/runs.sqlite and rendered to results/alpha-rank.md
sweep: release
	$(SWEEP) experiments/alpha-rank.toml --jobs 2

## reproduce: every finding of the article (experiments/f1-…f9-*.toml: the nine on results/base, and F2, F6
## and F7 repeated on results/base-large), two runs at a time into results/runs.sqlite (runs already
## there are kept), then results/FINDINGS.md; pretrains results/base-large first when it is missing.
## Started without results/runs.sqlite, it times itself: each invocation (a segment: interrupted and run
## again, it resumes) appends its wall time to results/reproduce-wall-time.tsv until one finishes, and
## FINDINGS.md reports their sum
REPRODUCE_TIMES := results/reproduce-wall-time.tsv
reproduce:
	@start=$$(date +%s); timed=no; \
	  if [ ! -e results/runs.sqlite ]; then \
	    printf 'started\tseconds\tstatus\tcommit\tcores\n' > $(REPRODUCE_TIMES); timed=yes; \
	  elif [ -e $(REPRODUCE_TIMES) ] && [ "$$(tail -n 1 $(REPRODUCE_TIMES) | cut -f 3)" != 0 ]; then timed=yes; fi; \
	  $(MAKE) --no-print-directory release && \
	  { test -e results/base-large/model.safetensors || $(MAKE) --no-print-directory base-large; } && \
	  $(SWEEP) experiments/f[1-9]-*.toml --jobs 2; status=$$?; \
	  seconds=$$(( $$(date +%s) - start )); \
	  if [ $$timed = yes ]; then \
	    printf '%s\t%s\t%s\t%s\t%s\n' "$$(date -u -d @$$start +%Y-%m-%dT%H:%M:%SZ)" $$seconds $$status \
	      "$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$$(nproc)" >> $(REPRODUCE_TIMES); \
	  fi; \
	  echo "make reproduce: $$seconds s of wall time"; \
	  if [ $$status = 0 ]; then $(SWEEP) report || status=$$?; fi; exit $$status

## base: pretrain the base model from experiments/base.toml into results/base, with results/base.md
base: release
	$(SWEEP) base --recipe experiments/base.toml --out results/base --report results/base.md

## base-large: the second scale (issue 19): a ~9.3M-parameter base on the calibrated world, from
## experiments/base-large.toml into results/base-large; run it again after an interruption and it resumes
base-large: release
	$(SWEEP) base --recipe experiments/base-large.toml --out results/base-large --report results/base-large.md

## bench: sweep bench (sgemm peak, tokens/s and MFU of full, LoRA and QLoRA steps) beside PyTorch + PEFT,
## alternating in one invocation, with the Swift ÷ PyTorch ratios (installs torch into .venv)
bench: release bench-peer
	$(PYTHON) Benchmarks/compare.py --sweep $(SWEEP) --python $(PYTHON) --rounds 2

bench-peer: parity-setup

## memory-check: sweep memory's prediction against the ledger and the peak RSS of real LoRA and QLoRA runs
## on a random model of SmolLM2-135M's shape (Benchmarks/BENCHMARKS.md has the output; about a minute)
memory-check: release
	python3 Benchmarks/memory-check.py $(SWEEP) --shape smollm2-135m --seq-len 128 --batch 2 --micro-batch 1 --threads 2

## article-memory: sweep memory's prediction at the article's configurations (Llama 2 7B in bf16, QLoRA as
## bitsandbytes stores it) beside its measured peak memory, under the assumptions of
## Benchmarks/article-memory.toml (Benchmarks/BENCHMARKS.md has the output; a second)
article-memory: release
	python3 Benchmarks/article-memory.py $(SWEEP) Benchmarks/article-memory.toml

## qlora-ratio: QLoRA's training time over LoRA's over tokens per pass and weight size, medians of 5
## alternating repetitions (Benchmarks/BENCHMARKS.md has the output; about 17 minutes on 2 shared cores)
qlora-ratio: release
	nice python3 Benchmarks/qlora-ratio.py $(SWEEP)

## parity: compare log-probabilities with PyTorch transformers in both directions (installs torch into .venv)
parity: release parity-setup
	$(PYTHON) Tests/Parity/parity.py --sweep $(SWEEP)

parity-setup: $(VENV)/.parity-ready
$(VENV)/.parity-ready:
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q torch==2.13.0+cpu transformers peft safetensors numpy || \
	  echo "could not install torch/transformers: parity.py will say it skips"
	touch $@

clean:
	rm -rf .build $(VENV)
