#!/usr/bin/env bash
# Issue 12's yield comparison for one SemEval K=8 seed: gold preference pairs of half 0's labels (five rejected
# kinds, chosen answers without the `Relation:` line), DPO on them (batch 1 x accumulation 4, one epoch), then the
# base and the tuned SmolLM2 answer the identical batch prompts (up to 3 per label: one is too few to compare
# yields, see bench/results/dpo_float32_semeval_k8_s13.md) of the 8 half-1 labels the tuned model never saw gold
# answers of (sampling seed 0). Every step skips when its output exists and DPO resumes from its last checkpoint,
# so a killed run is rerun with the same command. THREADS sets the torch threads (default 1).
# Usage: bash bench/dpo_heldout_half.sh SEED OUT_ROOT     (run from the repository root; writes OUT_ROOT/sSEED)
set -euo pipefail
seed=$1; out=$2/s$seed
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 OMP_NUM_THREADS=${THREADS:-1} PYTHONPATH=$PWD
mkdir -p "$out"
defs='{"@misc": "spacy_tkre.schema_definitions.v1", "path": "configs/schema_semeval.json"}'
[ -f "$out/support.spacy" ] || python -m spacy_tkre sample corpus/semeval_train_full.spacy "$out/support.spacy" --k 8 --seed "$seed"
if [ ! -f "$out/pairs_h0_5kinds.jsonl" ]; then
  /usr/bin/time -v python -m spacy_tkre preference-pairs configs/llm_local.cfg "$out/support.spacy" "$out/pairs_h0_5kinds.jsonl" \
    --source gold --kind loop --kind copy --kind other_label --kind absent_entity --kind same_entity --half 0 \
    --schema configs/schema_semeval.json --negative-label Other --head-first --seed "$seed" \
    --components.synthesis.task.label_definitions "$defs" 2> "$out/pairs.time"
fi
if [ ! -f "$out/generator_h0/dpo_meta.json" ]; then
  /usr/bin/time -v python -m spacy_tkre dpo "$out/pairs_h0_5kinds.jsonl" "$out/generator_h0" --half 0 --config configs/dpo.cfg \
    --llm-config configs/llm_local.cfg --epochs 1 --resume --dpo.batch_size 1 --dpo.gradient_accumulation_steps 4 2> >(tee -a "$out/dpo.stderr" >&2)
fi
synthesis=(--per-label 8 --max-prompts 3 --schema configs/schema_semeval.json --negative-label Other --head-first
           --batch-size 8 --gpu-id -1 --components.synthesis.model.cpu_threads 1 --components.synthesis.model.batch_size 8
           --labels-from "$out/generator_h0/dpo_meta.json" --components.synthesis.task.label_definitions "$defs")
for which in base dpo; do
  [ -f "$out/synthetic_${which}_h1.json" ] && continue
  model=(); [ "$which" = dpo ] && model=(--components.synthesis.model.path "$out/generator_h0")
  /usr/bin/time -v python -m spacy_tkre synthesize configs/llm_local.cfg "$out/support.spacy" "$out/synthetic_${which}_h1.spacy" \
    "${synthesis[@]}" "${model[@]}" --report "$out/synthetic_${which}_h1.json" --cache-dir "$out/cache_${which}_h1" \
    2> >(tee "$out/synthesize_${which}.stderr" >&2)
done
python -m spacy_tkre compare-synthesis "$out/support.spacy" base="$out/synthetic_base_h1.spacy" dpo="$out/synthetic_dpo_h1.spacy" \
  --output "$out/compare.json" --plot "$out/compare.png"
