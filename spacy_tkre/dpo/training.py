"""One DPO run with trl's ``DPOTrainer``: the policy starts from a local Hugging Face folder, a frozen copy of it
is the reference, and the tuned policy is saved as a folder that ``spacy_tkre.LocalCausalLM.v1`` loads by path.

Prompts are sent through the tokenizer's chat template when it has one (trl's conversational format), which is
how the local model asks them at synthesis time; the answers end with the end-of-turn token, so the tuned model
also learns to stop after its sample. This module imports torch, transformers and trl: import it only where a
run starts.
"""
import copy
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import srsly
import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from trl import DPOConfig, DPOTrainer

from ..progress import progress
from .pairs import Pair
from .plot import plot_curves
from .settings import DPOSettings

CHECKPOINTS = "checkpoints"
LOG_FILE = "dpo_log.json"
CURVES_FILE = "dpo_curves.png"
META_FILE = "dpo_meta.json"
RUN_FILE = "dpo_run.json"


def last_checkpoint(output_dir: Path) -> Optional[Path]:
    """The newest complete checkpoint. The trainer writes a checkpoint in place and its state file last, so a run
    killed while saving leaves a folder without ``trainer_state.json``, or with one cut short: that one is passed
    over."""
    found = [path for path in (output_dir / CHECKPOINTS).glob("checkpoint-*") if _readable_state(path)]
    return max(found, key=lambda path: int(path.name.rsplit("-", 1)[1]), default=None)


def _readable_state(checkpoint: Path) -> bool:
    try:
        srsly.read_json(checkpoint / "trainer_state.json")
    except (ValueError, OSError):
        return False
    return True


def train_dpo(pairs: List[Pair], model_dir: Path, output_dir: Path, settings: DPOSettings, resume: bool, use_cpu: bool, meta: Dict[str, Any]) -> Dict[str, Any]:
    """Train, save the tuned model, its tokenizer, the log, the curves and ``meta`` into ``output_dir``; returns
    the last logged metrics. ``resume`` continues from the newest checkpoint when there is one (else starts), as
    ``pretrain --resume`` does, so a workflow can always pass it; the checkpoints must come from the same pairs,
    start model and settings."""
    if not use_cpu and not torch.cuda.is_available():
        raise ValueError("A GPU was requested but torch sees no CUDA device: use --gpu-id -1 to train on the CPU.")
    checkpoint = last_checkpoint(output_dir)
    if not resume and checkpoint is not None:
        raise ValueError(f"{output_dir} already holds checkpoints of a run: add --resume to continue it, or use another OUTPUT_DIR.")
    _check_same_run(output_dir, {"pairs": _digest(pairs), "model": str(model_dir), "settings": settings.as_dict()}, checkpoint)
    torch.manual_seed(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token is None:  # GGUF tokenizers often have none; padding is masked out anyway
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), torch_dtype=torch.float32)
    args = training_arguments(settings, output_dir, use_cpu)
    trainer = DPOTrainer(
        model=model,
        ref_model=copy.deepcopy(model),  # trl 0.20: a frozen copy, not a path
        args=args,
        train_dataset=Dataset.from_list(training_rows(pairs, bool(getattr(tokenizer, "chat_template", None)))),
        processing_class=tokenizer,
        callbacks=[ProgressCallback()],
    )
    trainer.train(resume_from_checkpoint=str(checkpoint) if checkpoint is not None else None)
    output_dir.mkdir(parents=True, exist_ok=True)
    trainer.save_model(str(output_dir))
    tokenizer.save_pretrained(str(output_dir))
    history = trainer.state.log_history
    srsly.write_json(output_dir / LOG_FILE, history)
    plot_curves(history, output_dir / CURVES_FILE)
    srsly.write_json(output_dir / META_FILE, {**meta, "settings": settings.as_dict(), "steps": trainer.state.global_step})
    logged = [row for row in history if "rewards/margins" in row]
    return logged[-1] if logged else {}


def training_arguments(settings: DPOSettings, output_dir: Path, use_cpu: bool) -> DPOConfig:
    """trl's arguments for ``settings``; float32 on a CPU (see ``bf16``), checkpoints under ``output_dir``."""
    return DPOConfig(
        output_dir=str(output_dir / CHECKPOINTS),
        beta=settings.beta,
        learning_rate=settings.learning_rate,
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        gradient_accumulation_steps=settings.gradient_accumulation_steps,
        warmup_ratio=settings.warmup_ratio,
        max_prompt_length=settings.max_prompt_length,
        max_length=settings.max_length,
        truncation_mode="keep_end",
        logging_steps=settings.logging_steps,
        save_steps=settings.save_steps,
        save_total_limit=2,
        seed=settings.seed,
        data_seed=settings.seed,
        use_cpu=use_cpu,
        # trl's DPOConfig turns bf16 on by default; on a CPU without bf16 instructions (AVX2 only) autocast to bf16
        # made each step more than 10x slower, and it changes the figures from machine to machine: float32 on CPUs
        bf16=not use_cpu and torch.cuda.is_bf16_supported(),
        report_to=[],
        disable_tqdm=True,  # the shared progress bar below shows in logs as well
        dataloader_num_workers=0,
    )


def _digest(pairs: List[Pair]) -> str:
    return hashlib.sha256(json.dumps([[p["prompt"], p["chosen"], p["rejected"]] for p in pairs]).encode("utf8")).hexdigest()


def _check_same_run(output_dir: Path, run: Dict[str, Any], checkpoint: Optional[Path]) -> None:
    """Record what the run trains on (``run.json``); a resumed run whose pairs, start model or settings changed
    would silently keep training the old run, so that is an error."""
    path = output_dir / RUN_FILE
    if checkpoint is not None and path.exists() and srsly.read_json(path) != run:
        raise ValueError(
            f"The checkpoints in {output_dir} come from other pairs, another start model or other settings "
            f"(see {path}): delete {output_dir} to start this run over, or use another OUTPUT_DIR."
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_json(path, run)


def training_rows(pairs: List[Pair], chat: bool) -> List[Dict[str, Any]]:
    """trl's preference format: conversational when the tokenizer has a chat template, plain text otherwise."""
    if not chat:
        return [{"prompt": p["prompt"], "chosen": p["chosen"], "rejected": p["rejected"]} for p in pairs]
    return [
        {
            "prompt": [{"role": "user", "content": p["prompt"]}],
            "chosen": [{"role": "assistant", "content": p["chosen"]}],
            "rejected": [{"role": "assistant", "content": p["rejected"]}],
        }
        for p in pairs
    ]


class ProgressCallback(TrainerCallback):
    """The package's progress bar over optimizer steps, with the latest loss and reward margin."""

    def __init__(self):
        self._bar = None

    def on_train_begin(self, args, state, control, **kwargs):
        self._bar = progress(total=state.max_steps, initial=state.global_step, desc="DPO", unit=" steps")

    def on_step_end(self, args, state, control, **kwargs):
        self._bar.update(state.global_step - self._bar.n)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self._bar.set_postfix(loss=f"{logs['loss']:.3f}", margin=f"{logs.get('rewards/margins', 0.0):.3f}", refresh=False)

    def on_train_end(self, args, state, control, **kwargs):
        self._bar.close()
