"""The encoder under pre-training, wrapped in its architecture's own masked-LM class from transformers.

The encoders this project uses (all-MiniLM-L6-v2) ship without a masked-LM head: transformers' masked-LM class is
built from the encoder's config, the loaded encoder (pooler included, so the saved folder stays complete) is put
in as its base model, and ``tie_weights`` ties the head's decoder to the word embeddings; the rest of the head
starts fresh unless a previous stage's head state is given."""
import hashlib
import shutil
from pathlib import Path
from typing import Dict, Optional, Tuple

import torch
from transformers import AutoModel, AutoModelForMaskedLM, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerFast


def load_masked_lm(
    path: str, head_state: Optional[Dict[str, torch.Tensor]] = None
) -> Tuple[PreTrainedModel, PreTrainedTokenizerFast]:
    """The masked-LM model around the encoder in folder ``path``, and its fast tokenizer (offsets are needed)."""
    tokenizer = AutoTokenizer.from_pretrained(path)
    if not tokenizer.is_fast or tokenizer.mask_token_id is None:
        raise ValueError(
            f"The tokenizer in {path} is not a fast tokenizer with a mask token; pre-training needs both "
            "(offset mappings locate entities, the mask token replaces masked wordpieces). Save the encoder "
            "with a tokenizer.json."
        )
    encoder = AutoModel.from_pretrained(path)
    mlm = AutoModelForMaskedLM.from_config(encoder.config)
    setattr(mlm, mlm.base_model_prefix, encoder)
    mlm.tie_weights()
    pooler = getattr(encoder, "pooler", None)
    if pooler is not None:
        pooler.requires_grad_(False)  # unused by both objectives; frozen so DDP does not wait for its gradients
    if head_state is not None:
        output_head(mlm).load_state_dict(head_state)
    return mlm, tokenizer


def output_head(mlm: PreTrainedModel) -> torch.nn.Module:
    """The masked-LM head: the one child module besides the base model (``cls`` for BERT, ``lm_head`` for RoBERTa)."""
    heads = [module for name, module in mlm.named_children() if name != mlm.base_model_prefix]
    if len(heads) != 1:
        raise ValueError(
            f"{type(mlm).__name__} does not keep its masked-LM head in one module, which MSLM needs to project only "
            "masked positions. Use a BERT- or RoBERTa-style encoder."
        )
    return heads[0]


def save_encoder(mlm: PreTrainedModel, tokenizer: PreTrainedTokenizerFast, folder: Path) -> None:
    """Write the encoder alone (config, safetensors, tokenizer) so ``AutoModel`` and spacy-transformers load it by
    path; written beside the target and moved in place, so a kill never leaves a half-written folder."""
    folder = Path(folder)
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    mlm.base_model.save_pretrained(staging, safe_serialization=True)
    tokenizer.save_pretrained(staging)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def weights_digest(model: torch.nn.Module) -> str:
    """A SHA-256 over all tensors of ``model``'s state dict, to compare weights across processes and files."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()
