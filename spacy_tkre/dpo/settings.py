"""``spacy_tkre.DPOSettings.v1``: the DPO hyper-parameters, read from the ``[dpo]`` block of ``configs/dpo.cfg``."""
from dataclasses import asdict, dataclass
from typing import Any, Dict

from spacy.util import registry


@dataclass(frozen=True)
class DPOSettings:
    beta: float
    learning_rate: float
    epochs: float
    batch_size: int
    gradient_accumulation_steps: int
    warmup_ratio: float
    max_prompt_length: int
    max_length: int
    logging_steps: int
    save_steps: int
    seed: int

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


@registry.misc("spacy_tkre.DPOSettings.v1")
def make_dpo_settings(
    beta: float = 0.1,
    learning_rate: float = 1e-5,
    epochs: float = 2.0,
    batch_size: int = 4,
    gradient_accumulation_steps: int = 1,
    warmup_ratio: float = 0.1,
    max_prompt_length: int = 768,
    max_length: int = 1024,
    logging_steps: int = 5,
    save_steps: int = 25,
    seed: int = 0,
) -> DPOSettings:
    """``beta`` (0.1, trl's and the DPO paper's default): how far the tuned generator may move from the frozen
    reference; ``learning_rate`` 1e-5 and 2 ``epochs``: enough for a 135M model to change its answers on a few
    hundred pairs without forgetting the layout. Lengths are in tokens (prompts keep their end, where the request
    is); a checkpoint every ``save_steps`` optimizer steps is what ``--resume`` continues from."""
    if beta <= 0 or learning_rate <= 0 or epochs <= 0:
        raise ValueError(f"beta, learning_rate and epochs must be > 0, got {beta}, {learning_rate}, {epochs}.")
    if min(batch_size, gradient_accumulation_steps, logging_steps, save_steps) < 1:
        raise ValueError("batch_size, gradient_accumulation_steps, logging_steps and save_steps must be >= 1.")
    if max_prompt_length >= max_length:
        raise ValueError(f"max_prompt_length ({max_prompt_length}) must be below max_length ({max_length}).")
    return DPOSettings(
        beta=beta, learning_rate=learning_rate, epochs=epochs, batch_size=batch_size,
        gradient_accumulation_steps=gradient_accumulation_steps, warmup_ratio=warmup_ratio,
        max_prompt_length=max_prompt_length, max_length=max_length, logging_steps=logging_steps,
        save_steps=save_steps, seed=seed,
    )
