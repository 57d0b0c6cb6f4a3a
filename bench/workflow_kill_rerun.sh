#!/usr/bin/env bash
# Kill-and-rerun check of `spacy project run all`: in PROJECT (a copy of a finished run with
# training/tkre/{llm_cache/synthesis,train/synthetic.spacy,synthetic.json,encoder,pipeline,selftrain} removed),
# kill `all` once during synthesis (when 6 prompts are cached) and once during pre-training (at stage 2's second
# epoch), rerun each time, and log what each rerun skipped, reused or redid. The third run is stopped when
# `train` starts. Usage: bash bench/workflow_kill_rerun.sh PROJECT LOG
set -u
project=$(realpath "$1"); log=$(realpath "$2")
cd "$project"
cache=training/tkre/llm_cache/synthesis
run_until() {  # run `all` until the condition $1 holds, then kill its process group
  local condition=$1 part=$log.part$2
  setsid python -m spacy project run all > "$part" 2>&1 &
  local pid=$!
  while kill -0 $pid 2>/dev/null; do
    if eval "$condition"; then
      kill -TERM -- -$pid; sleep 3; kill -KILL -- -$pid 2>/dev/null
      echo "$(date +%T) killed when: $condition (cached prompts: $(ls $cache/*/ 2>/dev/null | wc -l))" >> "$log"; break
    fi
    sleep 1
  done
  wait $pid 2>/dev/null
  tr '\r' '\n' < "$part" | grep -v "^ *$" | grep -v -E "(samples|batches|docs)/s\]$" | cut -c1-220 >> "$log"
  echo "----" >> "$log"
}
echo "$(date +%T) start; cached prompts: $(ls $cache/*/ 2>/dev/null | wc -l)" > "$log"
run_until '[ $(ls $cache/*/ 2>/dev/null | wc -l) -ge 6 ]' 1
run_until 'grep -q "stage2 epoch 2/5" "$log.part2"' 2
run_until 'grep -q "=== train ===" "$log.part3"' 3
echo "$(date +%T) done" >> "$log"
