#!/usr/bin/env bash
# LLM data of one K-shot seed with the embedded local model: synthetic samples and explanations of its support set.
#   bash bench/tkre_llm_data.sh TRAIN_POOL.spacy K SEED WORK_DIR [PROMPTS_PER_LABEL] [EXPLANATIONS_PER_LABEL]
# Writes WORK_DIR/s{SEED}/{support.spacy,synthetic.spacy,synthetic.json,explanations.jsonl,explanations.json}.
# Reruns resume from the answer caches next to the outputs.
set -euo pipefail
pool=$1; k=$2; seed=$3; work=$4; prompts=${5:-1}; explained=${6:-3}
out=$work/s$seed
mkdir -p "$out"
python -m spacy_tkre sample "$pool" "$out/support.spacy" --k "$k" --seed "$seed"
python -m spacy_tkre synthesize configs/llm_local.cfg "$out/support.spacy" "$out/synthetic.spacy" --per-label 8 \
    --max-prompts "$prompts" --head-first --report "$out/synthetic.json" --components.synthesis.model.cpu_threads 1 \
    --components.synthesis.model.batch_size 8
python -m spacy_tkre explain configs/llm_local.cfg "$out/support.spacy" "$out/explanations.jsonl" \
    --per-label "$explained" --report "$out/explanations.json" --components.explanation.model.cpu_threads 1 \
    --components.explanation.model.batch_size 8
