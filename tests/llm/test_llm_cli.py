"""The synthesize and explain commands end to end with a deterministic fake LLM, including a real kill and resume.

This file is also passed to the commands as ``--code``: importing it registers the fake model, so a
subprocess run uses the same model as the in-process runs.
"""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, Optional

import pytest
import spacy
import srsly
from spacy.tokens import DocBin
from spacy_llm.registry import registry
from typer.testing import CliRunner

from spacy_tkre import Relation
from spacy_tkre.cli import app, explain, synthesize  # noqa: F401  (the command modules register themselves)

HERE = Path(__file__).resolve()
MAIN = HERE.parents[2]
# ``python -m spacy_tkre`` with the command modules imported explicitly, as in this test's own process.
RUN_CLI = "from spacy_tkre.cli import app, explain, synthesize; app(prog_name='spacy_tkre')"
PEOPLE = ["Alice", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jia", "Kofi", "Lena"]
PLACES = ["Acme", "Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Wonka", "Soylent", "Tyrell", "Cyberdyne"]
VERBS = {"works_for": ["works for", "is employed by", "joined"], "lives_in": ["lives near", "moved close to", "rents a flat by"]}
LABEL_LINE = re.compile(r"^Relation: (\S+)$", re.MULTILINE)


class FakeRelationLLM:
    """Answers synthesis prompts with valid samples (plus one whose tail is missing from the context) and
    explanation prompts with a sentence; the answer depends only on the prompt. ``log_path`` records when each
    prompt starts and is answered; ``delay`` makes each prompt slow enough to kill a run in the middle."""

    def __init__(self, log_path: Optional[str], delay: float, junk: bool):
        self._log_path, self._delay, self._junk = log_path, delay, junk

    @property
    def context_length(self) -> int:
        return 4096

    def _log(self, event: str, prompt: str) -> None:
        if self._log_path:
            with open(self._log_path, "a", encoding="utf8") as file:
                file.write(json.dumps({"event": event, "prompt": hashlib.sha256(prompt.encode()).hexdigest()}) + "\n")
                file.flush()
                os.fsync(file.fileno())

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        answers = []
        for doc_prompts in prompts:
            doc_answers = []
            for prompt in doc_prompts:
                self._log("start", prompt)
                time.sleep(self._delay)
                doc_answers.append(self.answer(prompt))
                self._log("answer", prompt)
            answers.append(doc_answers)
        return answers

    def answer(self, prompt: str) -> str:
        if self._junk:
            return "I am not sure what you mean."
        if prompt.startswith("Sentence:"):
            head = re.search(r'head entity "([^"]+)"', prompt).group(1)
            return f"Explanation: the sentence states it about {head} directly."
        label = LABEL_LINE.findall(prompt)[-1]
        wanted = int(re.search(r"Generate (\d+) more", prompt).group(1)) if "Generate" in prompt else 1
        seed = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
        blocks = []
        for i in range(wanted):
            person = PEOPLE[(seed >> (4 * i)) % len(PEOPLE)]
            place = PLACES[(seed >> (4 * i + 2)) % len(PLACES)]
            verb = VERBS[label][(seed >> (3 * i)) % 3]
            year = 1900 + (seed >> (5 * i)) % 120
            blocks.append(
                f"Relation: {label}\nContext: In {year} , {person} {verb} {place} .\nHead Entity: {person}\n"
                f"Head Type: PER\nTail Entity: {place}\nTail Type: ORG"
            )
        blocks.append(f"Relation: {label}\nContext: Nobody {VERBS[label][0]} anyone here .\nHead Entity: Nobody\nTail Entity: Mars")
        return "\n\n".join(blocks)


@registry.llm_models("test.FakeRelationLLM.v1")
def make_fake_relation_llm(log_path: Optional[str] = None, delay: float = 0.0, junk: bool = False,
                           name: str = "fake") -> FakeRelationLLM:
    """``name`` changes nothing in the answers; it stands for the model a user names in a real config."""
    return FakeRelationLLM(log_path, delay, junk)


CONFIG = """
[paths]
cache = null

[nlp]
lang = "en"
pipeline = ["synthesis","explanation"]

[components]

[components.synthesis]
factory = "llm"

[components.synthesis.task]
@llm_tasks = "spacy_tkre.RelationSynthesis.v1"
style = "{style}"
samples_per_prompt = 4
max_demonstrations = 3

[components.synthesis.task.label_definitions]
works_for = "the head is employed by the tail"

[components.synthesis.model]
@llm_models = "test.FakeRelationLLM.v1"

[components.synthesis.cache]
@llm_misc = "spacy_tkre.ResumableCache.v1"
path = ${{paths.cache}}

[components.explanation]
factory = "llm"

[components.explanation.task]
@llm_tasks = "spacy_tkre.RelationExplanation.v1"
negative_label = "Other"

[components.explanation.model]
@llm_models = "test.FakeRelationLLM.v1"

[components.explanation.cache]
@llm_misc = "spacy_tkre.ResumableCache.v1"
path = ${{paths.cache}}
"""

@pytest.fixture
def workdir(support_dir):
    """The support set with the two test configs (batch and diverse synthesis, explanation) next to it."""
    for style in ("batch", "diverse"):
        (support_dir / f"{style}.cfg").write_text(CONFIG.format(style=style), encoding="utf8")
    return support_dir


def invoke(*args):
    result = CliRunner().invoke(app, [str(arg) for arg in args] + ["--code", str(HERE)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def read_samples(path):
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    return [(doc.text, [(r.head.text, r.head.label_, r.tail.text, r.tail.label_, r.label) for r in doc._.relations]) for doc in docs]


def read_log(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()] if Path(path).exists() else []


@pytest.mark.parametrize("style", ["batch", "diverse"])
def test_synthesize_writes_valid_samples_and_report(workdir, style):
    output, report = workdir / "out.spacy", workdir / "report.json"
    invoke("synthesize", workdir / f"{style}.cfg", workdir / "support.spacy", output, "--per-label", 5, "--report", report)
    samples = read_samples(output)
    assert len(samples) == 10
    for text, [(head, head_type, tail, tail_type, label)] in samples:
        assert head in text and tail in text and (head_type, tail_type) == ("PER", "ORG")
        assert label in ("works_for", "lives_in")
    data = srsly.read_json(report)
    assert data["style"] == style
    assert data["total"]["accepted"] == 10 and data["total"]["yield"] == 1.0
    assert data["total"]["rejected"]["tail not found in context"] >= 2
    for entry in data["labels"].values():
        assert entry["accepted"] == 5 and entry["shortfall"] == 0
    assert 0 < data["diversity"]["synthetic"]["distinct_2"] <= 1
    assert 0 <= data["diversity"]["synthetic"]["self_bleu"] <= 1
    assert 0 <= data["diversity"]["similarity_to_gold"]["bleu_to_gold"] <= 1
    assert "Other" not in data["labels"]


def test_synthesize_gives_up_after_max_prompts(workdir):
    output, report = workdir / "out.spacy", workdir / "report.json"
    invoke("synthesize", workdir / "batch.cfg", workdir / "support.spacy", output, "--per-label", 3,
           "--report", report, "--max-prompts", 2, "--components.synthesis.model.junk", "true")
    data = srsly.read_json(report)
    assert data["total"]["accepted"] == 0
    assert data["total"]["prompts"] == 4
    assert data["total"]["rejected"] == {"no sample found in the response": 4}
    assert data["total"]["labels_short"] == ["lives_in", "works_for"]
    assert read_samples(output) == []


def test_synthesize_rejects_unknown_label(workdir):
    result = CliRunner().invoke(app, ["synthesize", str(workdir / "batch.cfg"), str(workdir / "support.spacy"),
                                      str(workdir / "out.spacy"), "--label", "founded", "--code", str(HERE)])
    assert result.exit_code == 1
    assert "founded" in result.output


def test_synthesize_labels_from_a_tuned_generator_keeps_the_labels_it_was_not_tuned_on(workdir):
    meta = workdir / "dpo_meta.json"
    srsly.write_json(meta, {"half": 0, "labels_trained": ["lives_in"], "generate_for": ["works_for"]})
    output, report = workdir / "split.spacy", workdir / "split.json"
    invoke("synthesize", workdir / "batch.cfg", workdir / "support.spacy", output, "--per-label", 2, "--report", report,
           "--labels-from", meta)
    assert list(srsly.read_json(report)["labels"]) == ["works_for"]
    samples = read_samples(output)
    assert samples and {relation[-1] for _, relations in samples for relation in relations} == {"works_for"}
    both = CliRunner().invoke(app, ["synthesize", str(workdir / "batch.cfg"), str(workdir / "support.spacy"), str(output),
                                    "--labels-from", str(meta), "--label", "lives_in", "--code", str(HERE)])
    assert both.exit_code == 1 and "not both" in both.output
    srsly.write_json(meta, {"half": None, "labels_trained": ["lives_in", "works_for"], "generate_for": []})
    none_left = CliRunner().invoke(app, ["synthesize", str(workdir / "batch.cfg"), str(workdir / "support.spacy"),
                                         str(output), "--labels-from", str(meta), "--code", str(HERE)])
    assert none_left.exit_code == 1 and "tuned on them all" in " ".join(none_left.output.split())


def test_explain_writes_jsonl_for_pretraining(workdir):
    output, report = workdir / "explanations.jsonl", workdir / "report.json"
    invoke("explain", workdir / "batch.cfg", workdir / "support.spacy", output, "--per-label", 2, "--report", report)
    records = list(srsly.read_jsonl(output))
    assert len(records) == 4
    for record in records:
        assert set(record) == {"text", "head", "tail", "label", "explanation"}
        for side in ("head", "tail"):
            span = record[side]
            assert record["text"][span["start_char"] : span["end_char"]] == span["text"]
        assert record["explanation"].startswith("the sentence states it about " + record["head"]["text"])
    assert srsly.read_json(report)["written"] == 4


def test_resume_after_corrupt_cache_entry_regenerates_it(workdir):
    output, log = workdir / "out.spacy", workdir / "log.jsonl"
    args = ("synthesize", workdir / "diverse.cfg", workdir / "support.spacy", output, "--per-label", 3,
            "--components.synthesis.model.log_path", log)
    invoke(*args)
    first = read_samples(output)
    answered = len([e for e in read_log(log) if e["event"] == "answer"])
    entry = sorted((workdir / "out.cache").rglob("*.doc"))[0]
    entry.write_bytes(entry.read_bytes()[:-20])
    with pytest.warns(UserWarning, match="damaged"):
        invoke(*args)
    assert read_samples(output) == first
    assert len([e for e in read_log(log) if e["event"] == "answer"]) == answered + 1
    assert len(list((workdir / "out.cache").rglob("*.corrupt"))) == 1


def test_another_model_is_not_served_the_first_models_answers(workdir):
    output, log = workdir / "out.spacy", workdir / "log.jsonl"
    args = ("synthesize", workdir / "batch.cfg", workdir / "support.spacy", output, "--per-label", 3,
            "--components.synthesis.model.log_path", log)
    invoke(*args)
    answered = len([e for e in read_log(log) if e["event"] == "answer"])
    invoke(*args, "--components.synthesis.model.delay", 0.001)  # not the model's identity: all from the cache
    assert len([e for e in read_log(log) if e["event"] == "answer"]) == answered
    invoke(*args, "--components.synthesis.model.name", "another-model")
    assert len([e for e in read_log(log) if e["event"] == "answer"]) == 2 * answered
    assert len(list((workdir / "out.cache").iterdir())) == 2


def test_killed_run_resumes_without_loss_duplicates_or_repeated_prompts(workdir):
    """A subprocess is killed while the model is answering; the rerun must ask only what was never answered and
    write exactly what an uninterrupted run writes."""
    reference = workdir / "reference.spacy"
    invoke("synthesize", workdir / "diverse.cfg", workdir / "support.spacy", reference, "--per-label", 6)

    output, log = workdir / "out.spacy", workdir / "log.jsonl"
    args = ["synthesize", workdir / "diverse.cfg", workdir / "support.spacy", output, "--per-label", 6,
            "--batch-size", 1, "--components.synthesis.model.log_path", log]
    command = [sys.executable, "-c", RUN_CLI] + [str(a) for a in args] + [
        "--components.synthesis.model.delay", "0.4", "--code", str(HERE)]
    process = subprocess.Popen(command, cwd=MAIN, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while len([e for e in read_log(log) if e["event"] == "start"]) < 5:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.time() < deadline, "the subprocess never reached its fifth prompt"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not output.exists()
    before = read_log(log)
    answered_before = {e["prompt"] for e in before if e["event"] == "answer"}
    assert len(answered_before) == 4  # killed while the fifth prompt was being answered

    invoke(*args)
    after = read_log(log)[len(before):]
    assert not answered_before & {e["prompt"] for e in after if e["event"] == "start"}
    answers = [e["prompt"] for e in read_log(log) if e["event"] == "answer"]
    assert len(answers) == len(set(answers))
    assert read_samples(output) == read_samples(reference)
