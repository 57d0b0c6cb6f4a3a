"""Per-epoch checkpoints: model, optimizer, scheduler, gradient scaler, RNG state, epoch and loss history, so that
``--resume`` continues a killed run from its last finished epoch exactly as if it had never stopped."""
import os
import pickle
from pathlib import Path
from typing import Any, Dict

import torch


def rng_state() -> Dict[str, Any]:
    """The global torch RNG (dropout draws from it); masks and random spans come from per-epoch generators."""
    return {"cpu": torch.get_rng_state(), "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def restore_rng(state: Dict[str, Any]) -> None:
    torch.set_rng_state(state["cpu"])
    if state["cuda"]:
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(state: Dict[str, Any], path: Path) -> None:
    """Written beside ``path`` and renamed over it, so a kill while saving leaves the previous checkpoint intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save(state, partial)
    os.replace(partial, path)


def load_checkpoint(path: Path) -> Dict[str, Any]:
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, EOFError, OSError, ValueError, pickle.UnpicklingError) as error:
        # torch's unpickling message suggests weights_only=False, the wrong fix for a damaged file: name the type only.
        detail = type(error).__name__ if isinstance(error, pickle.UnpicklingError) else f"{type(error).__name__}: {error}"
        raise ValueError(
            f"Checkpoint {path} cannot be read ({detail}). It is damaged or not a spacy_tkre "
            "pre-training checkpoint: delete it to restart that stage from its first epoch, or pre-train into a new "
            "output directory without --resume."
        ) from None
    missing = {"epoch", "model", "optimizer", "scheduler", "scaler", "rng", "history"} - set(state)
    if missing:
        raise ValueError(f"Checkpoint {path} lacks {sorted(missing)}: it is not a spacy_tkre pre-training checkpoint.")
    return state
