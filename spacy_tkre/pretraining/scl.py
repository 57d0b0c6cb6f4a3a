"""Span-level Contrastive Learning. A pair is represented exactly as the relation extractor classifies it: the
encoder states at the first wordpieces of the two opening entity markers, concatenated. Each pair is pulled towards
a learned anchor of its label and pushed from the other labels' anchors, from the batch's pairs of other labels and
from random spans (two random wordpieces) of its own sentence, by an InfoNCE loss over cosine similarities."""
from typing import Dict, List

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from .data import PretrainExample, SkipExample
from .objective import Batch, Features, Objective, pad


class SCL(Objective):
    def __init__(self, weight: float = 1.0, temperature: float = 0.1, random_spans: int = 2):
        super().__init__(weight)
        if temperature <= 0 or random_spans < 0:
            raise ValueError(f"SCL needs temperature > 0 and random_spans >= 0, not {temperature} and {random_spans}.")
        self.temperature = temperature
        self.random_spans = random_spans
        self.labels: List[str] = []
        self.pad_token_id = None
        self.anchors = torch.nn.Parameter(torch.empty(0))

    def featurize(self, example: PretrainExample, tokenizer: PreTrainedTokenizerFast, max_length: int) -> Features:
        if example.marked is None:
            raise SkipExample("example without an entity pair to mark (explanations train MSLM only)")
        encoded = tokenizer(
            example.marked.text, truncation=True, max_length=max_length, return_offsets_mapping=True,
            return_special_tokens_mask=True,
        )
        starts = {}  # character offset -> first wordpiece starting there (the one spacy-transformers pools)
        for i, ((start, end), special) in enumerate(zip(encoded["offset_mapping"], encoded["special_tokens_mask"])):
            if not special and end > start:
                starts.setdefault(start, i)
        if example.marked.head_marker not in starts or example.marked.tail_marker not in starts:
            raise SkipExample("pair whose entity markers fall beyond max_length wordpieces")
        head, tail = starts[example.marked.head_marker], starts[example.marked.tail_marker]
        span_positions = torch.tensor(encoded["special_tokens_mask"]) == 0
        span_positions[[head, tail]] = False
        return {
            "input_ids": torch.tensor(encoded["input_ids"]), "head": head, "tail": tail, "label": example.label,
            "span_positions": span_positions,
        }

    def initialize(self, mlm: PreTrainedModel, features: List[Features], tokenizer: PreTrainedTokenizerFast) -> None:
        """Anchors start at each label's mean pair representation under the current encoder, so that they mean
        something from the first step (at a pre-training learning rate random anchors would barely move)."""
        self.pad_token_id = tokenizer.pad_token_id
        self.labels = sorted({f["label"] for f in features})
        sums = torch.zeros(len(self.labels), 2 * mlm.config.hidden_size)
        counts = torch.zeros(len(self.labels), 1)
        was_training, device = mlm.training, next(mlm.parameters()).device
        mlm.eval()
        with torch.no_grad():
            for start in range(0, len(features), 64):
                batch = self.collate(features[start:start + 64], torch.Generator().manual_seed(0))
                batch = {name: tensor.to(device) for name, tensor in batch.items()}
                pairs = self.pair_representations(self.encode(mlm, batch), batch).cpu()
                sums.index_add_(0, batch["label"].cpu(), pairs)
                counts.index_add_(0, batch["label"].cpu(), torch.ones(len(pairs), 1))
        mlm.train(was_training)
        self.anchors = torch.nn.Parameter((sums / counts).to(device))

    def collate(self, features: List[Features], generator: torch.Generator) -> Batch:
        label_ids = {label: i for i, label in enumerate(self.labels)}
        span_positions = pad([f["span_positions"] for f in features], False)
        random_positions = torch.multinomial(
            span_positions.float(), 2 * self.random_spans, replacement=True, generator=generator
        ) if self.random_spans else torch.zeros(len(features), 0, dtype=torch.long)
        return {
            "input_ids": pad([f["input_ids"] for f in features], self.pad_token_id),
            "attention_mask": pad([torch.ones_like(f["input_ids"]) for f in features], 0),
            "head": torch.tensor([f["head"] for f in features]),
            "tail": torch.tensor([f["tail"] for f in features]),
            "label": torch.tensor([label_ids[f["label"]] for f in features]),
            "random_positions": random_positions,
        }

    @staticmethod
    def pair_representations(hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        """The relation extractor's pair representation: states at the two opening markers, concatenated."""
        rows = torch.arange(len(hidden), device=hidden.device)
        return torch.cat([hidden[rows, batch["head"]], hidden[rows, batch["tail"]]], dim=-1)

    @staticmethod
    def encode(mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        return mlm.base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state

    def forward(self, mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        hidden = self.encode(mlm, batch)
        normalize = torch.nn.functional.normalize
        pairs = normalize(self.pair_representations(hidden, batch).float(), dim=-1)
        rows = torch.arange(len(hidden), device=hidden.device)[:, None]
        random_spans = hidden[rows, batch["random_positions"]].float()
        random_spans = random_spans.reshape(len(hidden), self.random_spans, 2 * hidden.shape[-1])
        random_spans = normalize(random_spans, dim=-1)
        labels = batch["label"]
        to_anchors = pairs @ normalize(self.anchors.float(), dim=-1).T
        to_batch = (pairs @ pairs.T).masked_fill(labels[:, None] == labels[None, :], float("-inf"))
        to_random = torch.einsum("bd,brd->br", pairs, random_spans)
        logits = torch.cat([to_anchors, to_batch, to_random], dim=1) / self.temperature
        return torch.nn.functional.cross_entropy(logits, labels)

    def get_extra_state(self) -> Dict[str, List[str]]:
        return {"labels": self.labels}

    def set_extra_state(self, state: Dict[str, List[str]]) -> None:
        if state["labels"] != self.labels:
            raise ValueError(
                f"The checkpoint's SCL labels {state['labels']} differ from the data's {self.labels}: resume with the "
                "same config and data, or start a new output directory."
            )
