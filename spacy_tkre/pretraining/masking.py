"""Masked Span Language Modeling's masking: each wordpiece is masked with a probability set by where it is —
strictly between head and tail (the relation span), inside head or tail, or elsewhere; special tokens never."""
from enum import IntEnum
from typing import Sequence, Tuple

import torch

from .data import CharSpan

IGNORE_INDEX = -100  # the label torch's cross-entropy ignores


class TokenClass(IntEnum):
    SPECIAL = 0
    OTHER = 1
    ENTITY = 2
    RELATION_SPAN = 3


def token_classes(
    offsets: Sequence[Tuple[int, int]], special: Sequence[int], head: CharSpan, tail: CharSpan
) -> torch.Tensor:
    """The class of each wordpiece from the tokenizer's offset mapping and special-tokens mask."""
    first, second = sorted((head, tail))
    classes = []
    for (start, end), is_special in zip(offsets, special):
        if is_special or start == end:
            classes.append(TokenClass.SPECIAL)
        elif any(start < span_end and end > span_start for span_start, span_end in (head, tail)):
            classes.append(TokenClass.ENTITY)
        elif start >= first[1] and end <= second[0]:
            classes.append(TokenClass.RELATION_SPAN)
        else:
            classes.append(TokenClass.OTHER)
    return torch.tensor(classes, dtype=torch.long)


def class_probabilities(relation_span: float, entity: float, other: float) -> torch.Tensor:
    """A lookup table: masking probability indexed by ``TokenClass``."""
    for name, value in (("relation_span_prob", relation_span), ("entity_prob", entity), ("other_prob", other)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"MSLM {name} is {value}; a masking probability must be between 0 and 1.")
    table = torch.zeros(len(TokenClass))
    table[TokenClass.OTHER], table[TokenClass.ENTITY], table[TokenClass.RELATION_SPAN] = other, entity, relation_span
    return table


def mask_tokens(
    input_ids: torch.Tensor, classes: torch.Tensor, probabilities: torch.Tensor, mask_token_id: int,
    generator: torch.Generator,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Draw the mask; return the inputs with masked wordpieces replaced by the mask token, and labels that hold
    the original id at masked positions and ``IGNORE_INDEX`` everywhere else."""
    masked = torch.bernoulli(probabilities[classes], generator=generator).bool()
    labels = torch.where(masked, input_ids, torch.full_like(input_ids, IGNORE_INDEX))
    return torch.where(masked, torch.full_like(input_ids, mask_token_id), input_ids), labels
