#!/usr/bin/env bash
# TKRE ablation for one K-shot seed (after bench/tkre_llm_data.sh): pre-train the encoder on the seed's gold, synthetic
# and explanation data, then fine-tune with the K-shot recipe of bench/kshot.py and append records to RESULTS:
#   tkre_mslm  stage 1 only (OUT/stage1 of the full run: stage 1 runs identically with or without stage 2)
#   tkre_full  stage 1 MSLM, then stage 2 SCL + MSLM
#   tkre_scl   stage 2 only, SCL alone (MSLM weight 0)
#   finetune_synthetic  no pre-training; gold + synthetic samples as training data
#   bash bench/tkre_ablation.sh TRAIN_POOL.spacy TEST.spacy K SEED WORK_DIR RESULTS [STEPS]
# STEPS fixes the fine-tuning step count (default: kshot.py's 10 per shot; 80 under-trains K=8, 200 does not) and
# is added to the variant names (tkre_full_200steps), so records of different budgets are never pooled.
set -euo pipefail
pool=$1; test=$2; k=$3; seed=$4; work=$5; results=$6; steps=${7:-}
suffix=${steps:+_${steps}steps}
data=$work/s$seed
sources=(--paths.train "$data/support.spacy" --paths.synthetic "$data/synthetic.spacy"
         --paths.explanations "$data/explanations.jsonl" --pretraining.seed "$seed")
python -m spacy_tkre pretrain configs/pretrain.cfg "$data/pretrain_full" "${sources[@]}" --resume
python -m spacy_tkre pretrain configs/pretrain.cfg "$data/pretrain_scl" "${sources[@]}" --resume \
    --pretraining.stages.stage1.epochs 0 --pretraining.stages.stage2.objectives.mslm.weight 0
kshot=(python bench/kshot.py "$pool" "$test" --variant finetune --k "$k" --seed "$seed"
       --results "$results" --work-dir "$work/kshot" ${steps:+--steps "$steps"})
"${kshot[@]}" --encoder "$data/pretrain_full/stage1" --name tkre_mslm$suffix
"${kshot[@]}" --encoder "$data/pretrain_full/final" --name tkre_full$suffix
"${kshot[@]}" --encoder "$data/pretrain_scl/final" --name tkre_scl$suffix
"${kshot[@]}" --synthetic "$data/synthetic.spacy" --name finetune_synthetic$suffix
