# Two commands on a fresh machine:  make demo  (replay the bundled example)  and  make test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

.PHONY: demo test lint bench-campaigns clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build first, from PyTorch's CPU wheel index (2.13.0+cpu outranks PyPI's CUDA
	# 2.13.0): a plain torch requirement would pull several GB of CUDA libraries.
	$(BIN)/python -m pip install --quiet --extra-index-url $(TORCH_CPU_INDEX) torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot replay examples/community-thread.jsonl \
		--report vigil-report.html --report vigil-report.json

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) vigil-demo.db* replay-community-thread.db* vigil-report.*
