# lora-sweep — every target installs what it needs first (`setup`), so each works on a fresh machine.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libsqlite3-dev sqlite3 pkg-config wordnet-base
VENV := .venv
PYTHON := $(VENV)/bin/python
SWEEP := .build/release/sweep
DEMO_MODEL := results/models/demo

.PHONY: setup build release test unit-test smoke-test sweep parity parity-setup clean

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

## test: unit tests (debug build, tiny sizes), then end-to-end checks of the release binary
test: unit-test smoke-test

unit-test: setup
	$(SWIFT) test

smoke-test: release
	bash Tests/smoke.sh $(SWEEP)

## sweep: the main job. Until the sweep harness lands: pretrain a demo model on text shipped with Debian
sweep: release
	cat /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/Apache-2.0 > /tmp/lora-sweep-demo.txt
	$(SWEEP) pretrain --text /tmp/lora-sweep-demo.txt --dim 128 --layers 4 --heads 4 --batch 8 --seq-len 128 \
	  --steps 200 --lr 2e-3 --warmup 20 --log-every 20 --out $(DEMO_MODEL)
	@echo "The demo model continues \"The \":"
	@$(SWEEP) generate --model $(DEMO_MODEL) --ids 84,104,101,32 --max-new 60 | \
	  python3 -c 'import sys; print("The " + bytes(int(i) for i in sys.stdin.read().split(",")).decode("utf-8", "replace"))'

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
