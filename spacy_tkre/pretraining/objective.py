"""What the trainer asks of a pre-training objective; MSLM and SCL implement it, and a registered function in
``registry.misc`` builds each, so a config can add, drop (weight 0) or tune objectives."""
from typing import Dict, List

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from .data import PretrainExample

Features = Dict[str, object]
Batch = Dict[str, torch.Tensor]


class Objective(torch.nn.Module):
    """One weighted loss over the shared encoder. Examples are featurized once before training; batches are
    drawn per step (masks and random spans come from the epoch's seeded generator)."""

    def __init__(self, weight: float):
        super().__init__()
        if weight < 0:
            raise ValueError(f"An objective weight is {weight}; use a weight >= 0 (0 turns the objective off).")
        self.weight = weight

    def featurize(self, example: PretrainExample, tokenizer: PreTrainedTokenizerFast, max_length: int) -> Features:
        """Tokenized features of one example; raise ``SkipExample`` for one this objective cannot use."""
        raise NotImplementedError

    def initialize(self, mlm: PreTrainedModel, features: List[Features], tokenizer: PreTrainedTokenizerFast) -> None:
        """Set up what depends on the data or the encoder (labels, anchors) before training starts."""

    def collate(self, features: List[Features], generator: torch.Generator) -> Batch:
        raise NotImplementedError

    def forward(self, mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        """The unweighted loss of a batch."""
        raise NotImplementedError


def pad(rows: List[torch.Tensor], value: int) -> torch.Tensor:
    return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True, padding_value=value)
