"""Sentence vectors from the package's encoder, for meaning-level closeness of generated samples.

Word overlap (BLEU, ``diversity.similarity``) misses a paraphrase of a demonstration; a sentence vector catches
it. The vector is the attention-masked mean of the encoder's last hidden states, scaled to unit length: the
pooling the sentence-transformers model all-MiniLM-L6-v2 (the default, installed with the package) was trained
with, so cosine similarity is a dot product. The encoder is found like the relation extractor's
(``resolve_encoder_name``: a folder, a packaged alias, or a model in the local Hugging Face cache).
"""
from typing import List, Sequence

from ..models.encoder import DEFAULT_ENCODER, resolve_encoder_name


class SentenceVectors:
    def __init__(self, name: str = DEFAULT_ENCODER, batch_size: int = 32, max_length: int = 256):
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = resolve_encoder_name(name)
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(path)
            self._model = AutoModel.from_pretrained(path).eval()
        except (OSError, ValueError) as error:
            raise ValueError(
                f"Cannot load the sentence encoder {name!r} ({error}): give a folder with a Hugging Face encoder "
                "and its tokenizer, or the packaged all-MiniLM-L6-v2."
            ) from None
        self._torch = torch
        self.batch_size = batch_size
        self.max_length = max_length

    def __call__(self, texts: Sequence[str]):
        """A ``(len(texts), width)`` float tensor of unit-length vectors."""
        torch = self._torch
        if not texts:
            return torch.zeros((0, self._model.config.hidden_size))
        batches = []
        with torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                batch = self._tokenizer(
                    list(texts[start : start + self.batch_size]), padding=True, truncation=True,
                    max_length=self.max_length, return_tensors="pt",
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                batches.append(torch.nn.functional.normalize(mean, dim=-1))
        return torch.cat(batches)

    def closest(self, texts: Sequence[str], pool: Sequence[str]) -> List[float]:
        """Each text's cosine similarity to its most similar text of ``pool`` (0.0 when the pool is empty)."""
        if not texts:
            return []
        if not pool:
            return [0.0] * len(texts)
        return (self(texts) @ self(pool).T).max(dim=1).values.tolist()
