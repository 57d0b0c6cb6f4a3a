"""``python -m spacy_tkre dpo``: tune the synthesis generator on preference pairs with trl's DPOTrainer."""
import os
import time
from pathlib import Path
from typing import Any, Dict, Optional

import typer
from spacy import util
from spacy.cli._util import parse_config_overrides
from wasabi import msg

from .app import app


@app.command("dpo", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def dpo_command(
    ctx: typer.Context,
    pairs_path: Path = typer.Argument(..., dir_okay=False, help="Preference pairs (.jsonl from `preference-pairs`)"),
    output_dir: Path = typer.Argument(..., file_okay=False, help="Where to write the tuned model folder"),
    model: Optional[str] = typer.Option(None, "--model", help="Model folder or .gguf file to start from (default: the embedded SmolLM2)"),
    config_path: Optional[Path] = typer.Option(None, "--config", exists=True, dir_okay=False, help="Config with a [dpo] block (configs/dpo.cfg); default: its defaults"),
    beta: Optional[float] = typer.Option(None, "--beta", help="Overrides dpo.beta (default 0.1)"),
    epochs: Optional[float] = typer.Option(None, "--epochs", help="Overrides dpo.epochs"),
    learning_rate: Optional[float] = typer.Option(None, "--learning-rate", help="Overrides dpo.learning_rate"),
    half: Optional[int] = typer.Option(None, "--half", min=0, max=1, help="Train only on the pairs of this label half (see preference-pairs)"),
    gpu_id: int = typer.Option(-1, "--gpu-id", help="GPU to train on; -1: CPU"),
    llm_config: Optional[Path] = typer.Option(None, "--llm-config", exists=True, dir_okay=False, help="Start from the model of this LLM config's synthesis component (its path; null: the embedded SmolLM2), instead of --model"),
    resume: bool = typer.Option(False, "--resume", help="Continue the run in OUTPUT_DIR from its last checkpoint, if there is one"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where a .gguf model's Hugging Face copy is kept (default: the user cache)"),
) -> None:
    """Tune a causal LM on PAIRS with DPO (a frozen copy is the reference) and save it to OUTPUT_DIR, with its
    loss / reward-margin curves (dpo_curves.png). Synthesize with it through
    --components.synthesis.model.path OUTPUT_DIR. Any setting of the [dpo] block can be overridden after the
    arguments, as for `spacy train` (--dpo.batch_size 1 --dpo.gradient_accumulation_steps 4)."""
    if gpu_id >= 0:
        os.environ["CUDA_VISIBLE_DEVICES"] = str(gpu_id)  # before torch initialises CUDA: the trainer uses cuda:0
    from ..dpo import settings as _  # noqa: F401  (registers spacy_tkre.DPOSettings.v1)
    from ..dpo.model_folder import model_folder
    from ..dpo.pairs import pairs_of_half, read_pairs

    overrides = {**parse_config_overrides(ctx.args), **{f"dpo.{key}": value for key, value in (("beta", beta), ("epochs", epochs), ("learning_rate", learning_rate)) if value is not None}}
    try:
        settings = _settings(config_path, overrides)
        every_pair = read_pairs(pairs_path)
        pairs = pairs_of_half(every_pair, half) if half is not None else every_pair
        if model is not None and llm_config is not None:
            raise ValueError("Give --model or --llm-config, not both.")
        start = model_folder(configured_model(llm_config) if llm_config else model, cache_dir)
        from ..dpo.training import train_dpo

        msg.info(f"DPO on {len(pairs)} pairs from {start}: beta {settings.beta}, lr {settings.learning_rate}, {settings.epochs} epochs")
        started = time.perf_counter()
        labels = sorted({pair["label"] for pair in pairs})
        unseen = sorted({pair["label"] for pair in every_pair} - set(labels))
        last = train_dpo(pairs, start, output_dir, settings, resume, use_cpu=gpu_id < 0, meta={
            "pairs": str(pairs_path), "base_model": str(start), "half": half, "labels_trained": labels,
            "generate_for": unseen,
        })
    except ValueError as error:
        msg.fail(str(error), exits=1)
    msg.good(f"Tuned model in {output_dir} ({time.perf_counter() - started:.0f} s); curves: {output_dir / 'dpo_curves.png'}")
    if last:
        msg.text(f"last logged step: loss {last['loss']:.4f}, reward margin {last['rewards/margins']:.4f}, accuracy {last['rewards/accuracies']:.2f}")
    if half is not None:
        msg.text(f"Trained on half {half}'s labels; synthesize with it for the others: {', '.join(unseen)}")


def configured_model(llm_config: Path, component: str = "synthesis") -> Optional[str]:
    """The ``path`` of the LLM config's local model (None: the embedded SmolLM2)."""
    model = util.load_config(llm_config).get("components", {}).get(component, {}).get("model", {})
    if model.get("@llm_models") != "spacy_tkre.LocalCausalLM.v1":
        raise ValueError(f"{llm_config}'s {component} model is not spacy_tkre.LocalCausalLM.v1: give the model to tune with --model.")
    return model.get("path")


def _settings(config_path: Optional[Path], overrides: Dict[str, Any]) -> Any:
    """The [dpo] block of ``config_path`` (or spacy_tkre.DPOSettings.v1's defaults) with the options applied."""
    config = util.load_config(config_path) if config_path else util.Config({"dpo": {"@misc": "spacy_tkre.DPOSettings.v1"}})
    if "dpo" not in config:
        raise ValueError(f"{config_path} has no [dpo] block: see configs/dpo.cfg.")
    return util.registry.resolve({"dpo": config.merge(util.dot_to_dict(overrides))["dpo"]})["dpo"]
