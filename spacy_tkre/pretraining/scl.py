"""Span-level Contrastive Learning on the pair vector the relation extractor classifies. The text to encode and the
token ranges to average come from the pair representation's own code (``models.pair_slots``); tokens are mapped to
wordpieces by spacy-transformers' own alignment, and averaged as its mean pooling does, so the vector is the one
``spacy_tkre.PairRepresentation.v1`` computes with the same ``pooling`` and ``mark_entities``. Each pair is pulled
towards a learned anchor of its label and pushed from the other labels' anchors, from the batch's pairs of other
labels and from random spans (as many random wordpieces as the vector has parts) of its own text, by an InfoNCE loss
over cosine similarities."""
from typing import Dict, List, Tuple

import numpy
import torch
from spacy.tokens import Doc
from spacy_transformers.align import get_alignment_via_offset_mapping
from transformers import PreTrainedModel, PreTrainedTokenizerFast

from ..models.pair_slots import check_pooling, n_ranges, pair_doc, pooled_ranges
from .data import PretrainExample, SkipExample
from .objective import Batch, Features, Objective, pad


def pooling_weights(doc: Doc, ranges: List[Tuple[int, int]], offsets: List[Tuple[int, int]]) -> torch.Tensor:
    """(ranges, wordpieces) weights such that ``weights @ states`` is the mean over each range's tokens of the mean
    of each token's wordpieces (a token without wordpieces counts as a zero vector, as in spacy-transformers)."""
    align = get_alignment_via_offset_mapping([doc[:]], numpy.asarray([offsets], dtype="int64"))
    starts = numpy.cumsum([0] + list(align.lengths))
    weights = torch.zeros(len(ranges), len(offsets))
    for part, (start, end) in enumerate(ranges):
        for token in range(start, end):
            pieces = align.dataXd[starts[token]:starts[token + 1]]
            if len(pieces):
                weights[part, torch.as_tensor(pieces, dtype=torch.long)] += 1.0 / ((end - start) * len(pieces))
    return weights


class SCL(Objective):
    def __init__(self, weight: float = 1.0, temperature: float = 0.1, random_spans: int = 2, pooling: str = "markers",
                 mark_entities: bool = True, normalize: bool = False):
        super().__init__(weight)
        if temperature <= 0 or random_spans < 0:
            raise ValueError(f"SCL needs temperature > 0 and random_spans >= 0, not {temperature} and {random_spans}.")
        check_pooling(pooling, mark_entities)
        self.temperature = temperature
        self.random_spans = random_spans
        self.pooling = pooling
        self.mark_entities = mark_entities
        self.normalize = normalize
        self.parts = n_ranges(pooling)
        self.labels: List[str] = []
        self.pad_token_id = None
        self.anchors = torch.nn.Parameter(torch.empty(0))

    def featurize(self, example: PretrainExample, tokenizer: PreTrainedTokenizerFast, max_length: int) -> Features:
        if example.pair is None:
            raise SkipExample("example without an entity pair to mark (explanations train MSLM only)")
        doc, tokens = pair_doc(example.pair.head, example.pair.tail, self.mark_entities, example.pair.context_window)
        encoded = tokenizer(
            doc.text, truncation=True, max_length=max_length, return_offsets_mapping=True,
            return_special_tokens_mask=True,
        )
        weights = pooling_weights(doc, pooled_ranges(tokens, self.pooling), encoded["offset_mapping"])
        if not weights.sum(dim=1).all():
            raise SkipExample("pair whose pooled tokens fall beyond max_length wordpieces")
        span_positions = (torch.tensor(encoded["special_tokens_mask"]) == 0) & (weights.sum(dim=0) == 0)
        return {"input_ids": torch.tensor(encoded["input_ids"]), "weights": weights, "label": example.label,
                "span_positions": span_positions}

    def initialize(self, mlm: PreTrainedModel, features: List[Features], tokenizer: PreTrainedTokenizerFast) -> None:
        """Anchors start at each label's mean pair representation under the current encoder, so that they mean
        something from the first step (at a pre-training learning rate random anchors would barely move)."""
        self.pad_token_id = tokenizer.pad_token_id
        self.labels = sorted({f["label"] for f in features})
        sums = torch.zeros(len(self.labels), self.parts * mlm.config.hidden_size)
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
            span_positions.float(), self.parts * self.random_spans, replacement=True, generator=generator
        ) if self.random_spans else torch.zeros(len(features), 0, dtype=torch.long)
        length = span_positions.shape[1]
        weights = torch.stack([torch.nn.functional.pad(f["weights"], (0, length - f["weights"].shape[1])) for f in features])
        return {
            "input_ids": pad([f["input_ids"] for f in features], self.pad_token_id),
            "attention_mask": pad([torch.ones_like(f["input_ids"]) for f in features], 0),
            "weights": weights,
            "label": torch.tensor([label_ids[f["label"]] for f in features]),
            "random_positions": random_positions,
        }

    def pair_representations(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        """The pooled ranges' vectors (each of unit length with ``normalize``), concatenated per pair."""
        parts = torch.einsum("brl,bld->brd", batch["weights"].to(hidden.dtype), hidden)
        if self.normalize:
            parts = parts / (parts.norm(dim=-1, keepdim=True) + 1e-12)
        return parts.reshape(len(hidden), -1)

    @staticmethod
    def encode(mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        return mlm.base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state

    def forward(self, mlm: PreTrainedModel, batch: Batch) -> torch.Tensor:
        hidden = self.encode(mlm, batch)
        normalize = torch.nn.functional.normalize
        pairs = normalize(self.pair_representations(hidden, batch).float(), dim=-1)
        rows = torch.arange(len(hidden), device=hidden.device)[:, None]
        random_spans = hidden[rows, batch["random_positions"]].float()
        random_spans = random_spans.reshape(len(hidden), self.random_spans, self.parts * hidden.shape[-1])
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
