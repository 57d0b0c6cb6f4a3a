"""``python -m spacy_tkre pretrain``: two-stage pre-training of the span encoder from a config; also the command
``torchrun --nproc_per_node N -m spacy_tkre pretrain ...`` runs data-parallel."""
from pathlib import Path

import typer
from spacy.cli._util import parse_config_overrides, show_validation_error
from wasabi import msg

from ..pretraining import load_pretraining_config, pretrain
from .app import app


@app.command("pretrain", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def pretrain_command(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Pre-training config (configs/pretrain.cfg)."),
    output_dir: Path = typer.Argument(..., file_okay=False, help="Where stage folders, final/, checkpoints and the loss curve go."),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU to use; -1 for the CPU. Mixed precision on a GPU."),
    resume: bool = typer.Option(False, "--resume", help="Continue a killed run from its last finished epoch."),
) -> None:
    """Pre-train the encoder: stage 1 MSLM, stage 2 SCL + MSLM. Override config values like spaCy,
    e.g. --paths.train train.spacy --paths.explanations explanations.jsonl --pretraining.seed 13.
    Writes OUTPUT_DIR/final (and OUTPUT_DIR/stage1), Hugging Face folders that the relation extractor's encoder
    (spacy_tkre.Encoder.v1, name = OUTPUT_DIR/final) loads by path."""
    overrides = parse_config_overrides(ctx.args)
    try:
        with show_validation_error(config_path):
            config, settings = load_pretraining_config(config_path, overrides)
        pretrain(settings, output_dir, resume=resume, gpu_id=gpu_id, config=config)
    except (ValueError, FileExistsError, FileNotFoundError) as error:
        msg.fail(str(error), exits=1)
