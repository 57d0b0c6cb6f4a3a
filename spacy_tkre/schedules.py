"""Learning-rate schedules whose warm-up is a share of the run, so a config that changes ``max_steps`` (one K-shot
budget per K) keeps the recipe's 10% warm-up without a second number to keep in step."""
from typing import Iterable

from thinc.api import registry, warmup_linear


@registry.schedules("spacy_tkre.warmup_linear_ratio.v1")
def warmup_linear_ratio(initial_rate: float, total_steps: int, warmup_ratio: float = 0.1) -> Iterable[float]:
    """thinc's ``warmup_linear`` with ``warmup_steps = warmup_ratio * total_steps`` (at least one step)."""
    if not 0.0 <= warmup_ratio < 1.0:
        raise ValueError(f"warmup_ratio is {warmup_ratio}; give a share of the steps in [0, 1), e.g. 0.1.")
    return warmup_linear(initial_rate, max(1, int(total_steps * warmup_ratio)), total_steps)
