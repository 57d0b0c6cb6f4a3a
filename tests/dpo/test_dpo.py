"""DPO of a tiny random causal LM (conftest's tiny Llama) with trl: margins rise, the folder loads, runs resume."""
import json
import os
import subprocess
import sys
import time

import pytest
import torch
from typer.testing import CliRunner

from spacy_tkre.cli import app
from spacy_tkre.dpo.model_folder import check_model_folder, model_folder
from spacy_tkre.dpo.pairs import write_pairs
from spacy_tkre.dpo.settings import make_dpo_settings
from spacy_tkre.llm.local_model import make_local_causal_lm

PAIRS = [
    {"prompt": f"Sample {i} for R:", "chosen": "Context: a b\nHead Entity: a", "rejected": f"zz{i} qq", "label": "RS"[i % 2],
     "kind": "copy", "source": "gold", "half": i % 2}
    for i in range(4)
]


def _margin(folder, pairs):
    """Mean over pairs of log p(chosen | prompt) - log p(rejected | prompt), through the chat template."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder)).eval()
    margins = []
    for pair in pairs:
        prompt = tokenizer.apply_chat_template([{"role": "user", "content": pair["prompt"]}], tokenize=False, add_generation_prompt=True)
        scores = []
        for answer in (pair["chosen"], pair["rejected"]):
            prompt_ids = tokenizer(prompt, add_special_tokens=False).input_ids
            answer_ids = tokenizer(answer, add_special_tokens=False).input_ids + [tokenizer.eos_token_id]
            ids = torch.tensor([prompt_ids + answer_ids])
            with torch.no_grad():
                logprobs = model(ids).logits[0, :-1].log_softmax(-1)
            targets = ids[0, len(prompt_ids):]
            scores.append(logprobs[len(prompt_ids) - 1:].gather(1, targets[:, None]).sum().item())
        margins.append(scores[0] - scores[1])
    return sum(margins) / len(margins)


@pytest.fixture(scope="module")
def tuned(tiny_llama_dir, tmp_path_factory):
    from spacy_tkre.dpo.training import train_dpo

    out = tmp_path_factory.mktemp("tuned")
    settings = make_dpo_settings(learning_rate=5e-3, epochs=6, batch_size=2, max_prompt_length=64, max_length=128, logging_steps=2, save_steps=4, warmup_ratio=0.0)
    last = train_dpo(PAIRS, tiny_llama_dir, out, settings, resume=False, use_cpu=True, meta={"half": None})
    return out, last


def test_a_few_dpo_steps_raise_the_chosen_over_rejected_margin(tiny_llama_dir, tuned):
    out, last = tuned
    assert _margin(out, PAIRS) > _margin(tiny_llama_dir, PAIRS) + 1.0
    assert last["rewards/margins"] > 0
    history = json.loads((out / "dpo_log.json").read_text())
    assert [row["step"] for row in history if "loss" in row] == [2, 4, 6, 8, 10, 12]
    assert (out / "dpo_curves.png").stat().st_size > 0
    assert json.loads((out / "dpo_meta.json").read_text())["settings"]["beta"] == 0.1


def test_tuned_folder_loads_in_the_local_model_and_generates(tuned):
    out, _ = tuned
    answers = make_local_causal_lm(path=str(out), max_new_tokens=5, seed=1)([["Sample 9 for R:"]])
    assert len(answers) == 1 and len(answers[0]) == 1 and isinstance(answers[0][0], str)


def test_killed_run_resumes_from_its_last_checkpoint(tiny_llama_dir, tmp_path):
    pairs_path, out = tmp_path / "pairs.jsonl", tmp_path / "out"
    write_pairs(pairs_path, PAIRS * 10)
    config = tmp_path / "dpo.cfg"
    config.write_text('[dpo]\n@misc = "spacy_tkre.DPOSettings.v1"\nbatch_size = 1\nsave_steps = 3\nlogging_steps = 1\n'
                      "max_prompt_length = 64\nmax_length = 128\nepochs = 1\n")
    command = [sys.executable, "-m", "spacy_tkre", "dpo", str(pairs_path), str(out), "--model", str(tiny_llama_dir), "--config", str(config), "--half", "0"]
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (out / "checkpoints" / "checkpoint-6" / "trainer_state.json").exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    run.kill()
    run.wait()
    assert not (out / "dpo_meta.json").exists(), "the run finished before it could be killed"
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "add --resume" in " ".join(again.stdout.split())  # no silent restart over a killed run
    resumed = subprocess.run(command + ["--resume"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    history = json.loads((out / "dpo_log.json").read_text())
    steps = [row["step"] for row in history if "loss" in row]
    assert steps == list(range(1, 21))  # half 0: 20 pairs, batch 1; steps before the kill kept, none repeated
    meta = json.loads((out / "dpo_meta.json").read_text())
    assert meta["steps"] == 20 and meta["labels_trained"] == ["R"] and meta["generate_for"] == ["S"]
    write_pairs(pairs_path, PAIRS * 11)
    changed = subprocess.run(command + ["--resume"], env=env, capture_output=True, text=True)
    assert changed.returncode == 1 and "come from other pairs" in " ".join(changed.stdout.split())


def test_folder_without_tokenizer_is_refused_with_the_fix(tiny_llama_dir, tmp_path):
    for name in ("config.json", "model.safetensors"):
        (tmp_path / name).write_bytes((tiny_llama_dir / name).read_bytes())
    with pytest.raises(ValueError, match="no tokenizer.*save_pretrained"):
        check_model_folder(tmp_path)
    with pytest.raises(ValueError, match="no tokenizer"):
        model_folder(str(tmp_path))


@pytest.mark.parametrize("content,problem", [("", "holds no valid preference pair"), ("{oops\n", "1 x bad JSON, first at line 1")])
def test_command_refuses_bad_pairs_before_loading_a_model(tiny_llama_dir, tmp_path, content, problem):
    pairs_path = tmp_path / "pairs.jsonl"
    pairs_path.write_text(content)
    result = CliRunner().invoke(app, ["dpo", str(pairs_path), str(tmp_path / "out"), "--model", str(tiny_llama_dir)])
    assert result.exit_code == 1 and problem in " ".join(result.output.split())


def test_resume_without_a_checkpoint_starts_the_run_from_the_model_of_the_llm_config(tiny_llama_dir, tmp_path):
    """What a workflow does: always --resume, the start model read from the LLM config."""
    pairs_path, out = tmp_path / "pairs.jsonl", tmp_path / "out"
    write_pairs(pairs_path, PAIRS)
    llm_config = tmp_path / "llm.cfg"
    llm_config.write_text('[components]\n\n[components.synthesis]\n\n[components.synthesis.model]\n@llm_models = "spacy_tkre.LocalCausalLM.v1"\n'
                          f'path = "{tiny_llama_dir}"\n')
    result = CliRunner().invoke(app, ["dpo", str(pairs_path), str(out), "--llm-config", str(llm_config), "--resume", "--epochs", "1"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "dpo_meta.json").read_text())
    assert meta["base_model"] == str(tiny_llama_dir) and meta["steps"] == 1
    both = CliRunner().invoke(app, ["dpo", str(pairs_path), str(out), "--llm-config", str(llm_config), "--model", str(tiny_llama_dir)])
    assert both.exit_code == 1 and "not both" in both.output


def test_config_overrides_after_the_arguments_reach_the_settings(tiny_llama_dir, tmp_path):
    """--dpo.* overrides as for `spacy train`; the named options win over them."""
    pairs_path, out = tmp_path / "pairs.jsonl", tmp_path / "out"
    write_pairs(pairs_path, PAIRS)
    result = CliRunner().invoke(app, ["dpo", str(pairs_path), str(out), "--model", str(tiny_llama_dir), "--epochs", "1",
                                      "--dpo.batch_size", "1", "--dpo.gradient_accumulation_steps", "2", "--dpo.epochs", "3"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "dpo_meta.json").read_text())
    assert (meta["settings"]["batch_size"], meta["settings"]["gradient_accumulation_steps"], meta["settings"]["epochs"]) == (1, 2, 1.0)
    assert meta["steps"] == 2  # 4 pairs, 2 per optimizer step, one epoch


def test_cpu_runs_train_in_float32_although_trl_defaults_to_bf16(tmp_path):
    """trl's DPOConfig turns bf16 on by default: on a CPU without bf16 instructions that was over 10x slower."""
    from trl import DPOConfig

    from spacy_tkre.dpo.training import training_arguments

    assert DPOConfig(output_dir=str(tmp_path), use_cpu=True).bf16  # what would happen without the override
    args = training_arguments(make_dpo_settings(), tmp_path, use_cpu=True)
    assert (args.bf16, args.fp16) == (False, False)
    assert args.output_dir == str(tmp_path / "checkpoints")


def test_shipped_config_gives_the_documented_defaults_and_options_override_them():
    from pathlib import Path

    from spacy_tkre.cli.dpo import _settings

    shipped = _settings(Path("configs/dpo.cfg"), {})
    assert shipped == make_dpo_settings()
    assert (shipped.beta, shipped.learning_rate, shipped.epochs) == (0.1, 1e-5, 2)
    assert _settings(None, {"dpo.beta": 0.3, "dpo.epochs": 1.0}).beta == 0.3
    with pytest.raises(ValueError, match="max_prompt_length"):
        make_dpo_settings(max_prompt_length=2048)


def test_a_checkpoint_killed_while_saving_is_passed_over(tmp_path):
    from spacy_tkre.dpo.training import last_checkpoint

    assert last_checkpoint(tmp_path) is None
    for step in (3, 12, 15, 18, 21):
        (tmp_path / "checkpoints" / f"checkpoint-{step}").mkdir(parents=True)
    for step in (3, 12):
        (tmp_path / "checkpoints" / f"checkpoint-{step}" / "trainer_state.json").write_text("{}")
    # killed while the state file was being written: empty, or cut off mid-object
    (tmp_path / "checkpoints" / "checkpoint-18" / "trainer_state.json").write_text("")
    (tmp_path / "checkpoints" / "checkpoint-21" / "trainer_state.json").write_text('{"global_step": 21, "log_hist')
    assert last_checkpoint(tmp_path).name == "checkpoint-12"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown on a machine without a GPU")
def test_gpu_id_without_a_gpu_is_a_clear_error(tiny_llama_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")  # the command sets it; restored after the test
    pairs_path = tmp_path / "pairs.jsonl"
    write_pairs(pairs_path, PAIRS)
    result = CliRunner().invoke(app, ["dpo", str(pairs_path), str(tmp_path / "out"), "--model", str(tiny_llama_dir), "--gpu-id", "0"])
    assert result.exit_code == 1 and "no CUDA device" in " ".join(result.output.split())
