"""Masked Span Language Modeling: masks concentrated on the relation span and the entities, reconstructed by the
masked-LM head. The head runs only on the masked positions' hidden states: on a small encoder the vocabulary
projection of every position would dominate the step time, and unmasked positions carry no loss anyway."""
from typing import List

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from .data import PretrainExample
from .masked_lm import output_head
from .masking import IGNORE_INDEX, class_probabilities, mask_tokens, token_classes
from .objective import Batch, Features, Objective, pad


class MSLM(Objective):
    def __init__(
        self, weight: float = 1.0, relation_span_prob: float = 0.8, entity_prob: float = 0.5, other_prob: float = 0.2,
        masked_positions_only: bool = True,
    ):
        super().__init__(weight)
        # A plain attribute, not a buffer: masks are drawn on the CPU while batching, whatever the model's device.
        self.probabilities = class_probabilities(relation_span_prob, entity_prob, other_prob)
        self.masked_positions_only = masked_positions_only
        self.pad_token_id = self.mask_token_id = None

    def featurize(self, example: PretrainExample, tokenizer: PreTrainedTokenizerFast, max_length: int) -> Features:
        encoded = tokenizer(
            example.text, truncation=True, max_length=max_length, return_offsets_mapping=True,
            return_special_tokens_mask=True,
        )
        classes = token_classes(encoded["offset_mapping"], encoded["special_tokens_mask"], example.head, example.tail)
        return {"input_ids": torch.tensor(encoded["input_ids"]), "classes": classes}

    def initialize(self, mlm: PreTrainedModel, features: List[Features], tokenizer: PreTrainedTokenizerFast) -> None:
        output_head(mlm)  # fail before training for an architecture without a single head module
        self.pad_token_id, self.mask_token_id = tokenizer.pad_token_id, tokenizer.mask_token_id

    def collate(self, features: List[Features], generator: torch.Generator) -> Batch:
        input_ids = pad([f["input_ids"] for f in features], self.pad_token_id)
        classes = pad([f["classes"] for f in features], 0)
        masked_ids, labels = mask_tokens(input_ids, classes, self.probabilities, self.mask_token_id, generator)
        attention_mask = pad([torch.ones_like(f["input_ids"]) for f in features], 0)
        return {"input_ids": masked_ids, "attention_mask": attention_mask, "labels": labels}

    def forward(self, mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        hidden = mlm.base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        labels = batch["labels"]
        if self.masked_positions_only:
            positions = labels != IGNORE_INDEX
            hidden, labels = hidden[positions], labels[positions]
        logits = output_head(mlm)(hidden)
        total = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=IGNORE_INDEX, reduction="sum"
        )
        return total / (labels != IGNORE_INDEX).sum().clamp(min=1)
