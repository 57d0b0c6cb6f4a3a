"""Two-stage pre-training: MSLM masking and loss, SCL, stage hand-over, saved folders, resume, bad input, DDP."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy
import pytest
import spacy
import torch
from spacy.tokens import DocBin
from transformers import AutoModel, AutoTokenizer

from spacy_tkre import Relation
from spacy_tkre.pretraining import MSLM, SCL, PretrainExample, load_masked_lm, load_pretraining_config, pretrain
from spacy_tkre.pretraining import trainer, weights_digest
from spacy_tkre.docbins import read_docbin
from spacy_tkre.models.pair_slots import n_ranges
from spacy_tkre.pretraining.data import examples_from_docs, read_examples
from spacy_tkre.pretraining.masking import IGNORE_INDEX, TokenClass, class_probabilities, mask_tokens, token_classes
from spacy_tkre.representations import encode_relations, load_pair_representation

CONFIG = Path(__file__).resolve().parents[2] / "configs" / "pretrain.cfg"
SENTENCES = [
    ("Alice works for Acme in Paris .", "Alice", "Acme", "works_for"),
    ("Bob works for Initech in Berlin .", "Bob", "Initech", "works_for"),
    ("Carol lives in Rome near the sea .", "Carol", "Rome", "lives_in"),
    ("Dave lives in Oslo with a cat .", "Dave", "Oslo", "lives_in"),
    ("Acme hired Erin last year .", "Erin", "Acme", "works_for"),
    ("Frank moved to Lima in May .", "Frank", "Lima", "lives_in"),
    ("Rome is where Grace lives .", "Grace", "Rome", "lives_in"),
    ("Heidi joined Globex as a clerk .", "Heidi", "Globex", "works_for"),
]
CLI = [sys.executable, "-c", "from spacy_tkre.cli.pretrain import app; app()", "pretrain"]


def relation_doc(nlp, text, head, tail, label):
    doc = nlp.make_doc(text)
    spans = [doc.char_span(text.index(word), text.index(word) + len(word), label=kind)
             for word, kind in ((head, "PER"), (tail, "ORG"))]
    doc.ents = sorted(spans)
    doc._.relations = [Relation(spans[0], spans[1], label)]
    return doc


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread here and in the subprocesses: on a shared CPU, several threads spin-wait and run far slower,
    and the resumed and the uninterrupted runs must use the same thread count to give bit-identical weights."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A DocBin of relation docs plus one doc without relations, and an explanation file with bad lines."""
    path = tmp_path_factory.mktemp("pretraining_data")
    nlp = spacy.blank("en")
    docs = DocBin(store_user_data=True)
    for sentence in SENTENCES:
        docs.add(relation_doc(nlp, *sentence))
    docs.add(nlp.make_doc("A sentence without any relation ."))
    docs.to_disk(path / "train.spacy")
    records = [
        {"text": text, "head": {"start_char": text.index(head), "end_char": text.index(head) + len(head), "text": head},
         "tail": {"start_char": text.index(tail), "end_char": text.index(tail) + len(tail), "text": tail},
         "label": label, "explanation": f"{head} is employed by or resides in {tail}, so the relation is {label}."}
        for text, head, tail, label in SENTENCES[:4]
    ]
    lines = [json.dumps(record) for record in records]
    lines += ["{not json", json.dumps({"text": "x"}), json.dumps({**records[0], "explanation": "It says nothing useful."})]
    (path / "explanations.jsonl").write_text("\n".join(lines) + "\n", encoding="utf8")
    return path


def overrides(data_dir, encoder_dir, **extra):
    values = {
        "paths.train": str(data_dir / "train.spacy"), "paths.explanations": str(data_dir / "explanations.jsonl"),
        "paths.encoder": str(encoder_dir), "pretraining.batch_size": 4, "pretraining.max_length": 64,
        "pretraining.learn_rate": 1e-3, "pretraining.stages.stage1.epochs": 1, "pretraining.stages.stage2.epochs": 1,
    }
    values.update(extra)
    return values


def settings_for(data_dir, encoder_dir, **extra):
    return load_pretraining_config(CONFIG, overrides(data_dir, encoder_dir, **extra))[1]


def cli_args(data_dir, encoder_dir, output_dir, **extra):
    args = [str(CONFIG), str(output_dir)]
    for key, value in overrides(data_dir, encoder_dir, **extra).items():
        args += [f"--{key}", str(value)]
    return args


def example(text="Alice works for Acme .", head="Alice", tail="Acme"):
    return PretrainExample(text, (text.index(head), text.index(head) + len(head)),
                           (text.index(tail), text.index(tail) + len(tail)), "works_for")


# --- MSLM masking ---------------------------------------------------------------------------------------------

def test_token_classes_follow_head_tail_and_relation_span(tiny_encoder_dir):
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_encoder_dir))
    for head, tail in (("Alice", "Acme"), ("Acme", "Alice")):  # either argument order
        item = example(head=head, tail=tail)
        encoded = tokenizer(item.text, return_offsets_mapping=True, return_special_tokens_mask=True)
        classes = token_classes(encoded["offset_mapping"], encoded["special_tokens_mask"], item.head, item.tail)
        by_char = {item.text[s:e]: TokenClass(c) for (s, e), c in zip(encoded["offset_mapping"], classes.tolist()) if e > s}
        assert classes[0] == classes[-1] == TokenClass.SPECIAL
        assert classes[1:6].tolist() == [TokenClass.ENTITY] * 5  # A l i c e
        assert by_char["w"] == by_char["f"] == TokenClass.RELATION_SPAN
        assert by_char["."] == TokenClass.OTHER


def test_masking_probabilities_over_many_draws(tiny_encoder_dir):
    """Per-class masking rates of MSLM's own batching match 0.8 / 0.5 / 0.2 / 0, within 4 standard errors."""
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_encoder_dir))
    mslm = MSLM()
    mslm.initialize(load_masked_lm(str(tiny_encoder_dir))[0], [], tokenizer)
    features = mslm.featurize(example(), tokenizer, 64)
    batch = mslm.collate([features] * 3000, torch.Generator().manual_seed(0))
    classes = features["classes"].expand(3000, -1)
    masked = batch["labels"] != IGNORE_INDEX
    assert torch.equal(batch["input_ids"][masked], torch.full_like(batch["input_ids"][masked], tokenizer.mask_token_id))
    assert torch.equal(batch["labels"][masked], features["input_ids"].expand(3000, -1)[masked])
    for token_class, expected in ((TokenClass.RELATION_SPAN, 0.8), (TokenClass.ENTITY, 0.5),
                                  (TokenClass.OTHER, 0.2), (TokenClass.SPECIAL, 0.0)):
        draws = masked[classes == token_class]
        tolerance = 4 * (expected * (1 - expected) / draws.numel()) ** 0.5
        assert abs(draws.float().mean().item() - expected) <= max(tolerance, 1e-9), token_class


def test_masking_never_touches_padding():
    ids = torch.tensor([[5, 6, 0, 0]])
    classes = torch.tensor([[TokenClass.OTHER, TokenClass.RELATION_SPAN, TokenClass.SPECIAL, TokenClass.SPECIAL]])
    masked_ids, labels = mask_tokens(ids, classes, class_probabilities(1.0, 1.0, 1.0), 4, torch.Generator())
    assert masked_ids.tolist() == [[4, 4, 0, 0]] and labels.tolist() == [[5, 6, IGNORE_INDEX, IGNORE_INDEX]]


def test_bad_masking_probability_is_named():
    with pytest.raises(ValueError, match="entity_prob is 1.5"):
        MSLM(entity_prob=1.5)


# --- MSLM loss ------------------------------------------------------------------------------------------------

def test_loss_and_projection_only_at_masked_positions(tiny_encoder_dir, monkeypatch):
    mlm, tokenizer = load_masked_lm(str(tiny_encoder_dir))
    mlm.eval()
    masked_only, full = MSLM(), MSLM(masked_positions_only=False)
    for objective in (masked_only, full):
        objective.initialize(mlm, [], tokenizer)
    batch = masked_only.collate([masked_only.featurize(example(), tokenizer, 64)] * 4, torch.Generator().manual_seed(1))
    n_masked = int((batch["labels"] != IGNORE_INDEX).sum())
    assert 0 < n_masked < batch["labels"].numel()

    head = mlm.cls
    seen = []
    monkeypatch.setattr(head, "forward", lambda hidden, original=head.forward: seen.append(hidden.shape) or original(hidden))
    loss = masked_only(mlm, batch)
    assert seen == [torch.Size([n_masked, mlm.config.hidden_size])]  # vocabulary projection of masked rows only

    # The full projection gives the same loss, and logits at unmasked positions cannot change it.
    unmasked = batch["labels"] == IGNORE_INDEX
    noisy = lambda hidden, original=head.forward: original(hidden) + 100 * torch.randn(
        *hidden.shape[:-1], mlm.config.vocab_size) * unmasked[..., None]
    assert torch.allclose(full(mlm, batch), loss, atol=1e-5)
    monkeypatch.setattr(head, "forward", noisy)
    assert torch.allclose(full(mlm, batch), loss, atol=1e-5)


def test_masked_lm_head_is_tied_to_word_embeddings(tiny_encoder_dir):
    mlm, _ = load_masked_lm(str(tiny_encoder_dir))
    assert mlm.cls.predictions.decoder.weight is mlm.bert.embeddings.word_embeddings.weight
    base = AutoModel.from_pretrained(str(tiny_encoder_dir))
    assert weights_digest(mlm.bert) == weights_digest(base)  # encoder weights loaded, pooler included


# --- SCL ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("pooling,mark_entities,normalize", [
    ("markers", True, False), ("spans", False, False), ("markers+spans+context", True, False),
    ("spans+context", False, True),
])
def test_scl_pairs_are_the_component_pair_representation(tiny_encoder_dir, data_dir, pooling, mark_entities, normalize):
    """SCL computes the vector ``spacy_tkre.PairRepresentation.v1`` gives the classifier, whatever the pooling."""
    mlm, tokenizer = load_masked_lm(str(tiny_encoder_dir))
    docs = [doc for doc in read_docbin(data_dir / "train.spacy") if doc._.relations]
    scl = SCL(pooling=pooling, mark_entities=mark_entities, normalize=normalize)
    features = [scl.featurize(item, tokenizer, 128) for item in examples_from_docs(docs, 48, Counter())]
    scl.initialize(mlm, features, tokenizer)
    mlm.eval()
    with torch.no_grad():
        batch = scl.collate(features, torch.Generator().manual_seed(0))
        pretrained = scl.pair_representations(scl.encode(mlm, batch), batch).numpy()
    representation = load_pair_representation(str(tiny_encoder_dir), pooling, mark_entities, normalize)
    classified = encode_relations(representation, docs)
    assert pretrained.shape == classified.shape == (len(docs), n_ranges(pooling) * mlm.config.hidden_size)
    assert numpy.allclose(pretrained, classified, atol=1e-4)


def test_scl_contrasts_anchors_batch_and_random_spans(tiny_encoder_dir, data_dir):
    mlm, tokenizer = load_masked_lm(str(tiny_encoder_dir))
    examples = read_examples(data_dir / "train.spacy", 48, Counter())
    scl = SCL(random_spans=3)
    features = [scl.featurize(item, tokenizer, 128) for item in examples]
    scl.initialize(mlm, features, tokenizer)
    assert scl.labels == ["lives_in", "works_for"] and scl.anchors.shape == (2, 2 * mlm.config.hidden_size)
    batch = scl.collate(features, torch.Generator().manual_seed(0))
    random_positions = batch["random_positions"]
    assert random_positions.shape == (len(features), 6)
    pooled = batch["weights"].sum(dim=1) > 0
    assert not pooled.gather(1, random_positions).any() and not (random_positions == 0).any()
    loss = scl(mlm, batch)
    loss.backward()
    assert torch.isfinite(loss) and scl.anchors.grad.abs().sum() > 0
    assert mlm.bert.embeddings.word_embeddings.weight.grad.abs().sum() > 0
    without_random_spans = SCL(random_spans=0)
    without_random_spans.initialize(mlm, features, tokenizer)
    assert torch.isfinite(without_random_spans(mlm, without_random_spans.collate(features, torch.Generator())))


def test_scl_needs_marked_pairs(tiny_encoder_dir):
    from spacy_tkre.pretraining import SkipExample

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_encoder_dir))
    with pytest.raises(SkipExample, match="explanations train MSLM only"):
        SCL().featurize(example(), tokenizer, 64)


# --- data and configuration -----------------------------------------------------------------------------------

def test_bad_input_is_skipped_with_counted_reasons(data_dir):
    skipped = Counter()
    docs = read_examples(data_dir / "train.spacy", 48, skipped)
    explanations = read_examples(data_dir / "explanations.jsonl", 48, skipped)
    assert len(docs) == len(SENTENCES) and len(explanations) == 4
    assert skipped == {
        "doc without relations": 1, "explanation line that is not JSON": 1,
        "explanation record without explanation, label, head.text or tail.text": 1,
        "explanation that does not mention its head or tail": 1,
    }
    first = explanations[0]
    assert first.text[slice(*first.head)] == "Alice" and first.text[slice(*first.tail)] == "Acme"
    with pytest.raises(ValueError, match="DocBin \\(.spacy\\) .* or an explanation file"):
        read_examples(CONFIG, 48, skipped)


def test_doc_relations_keep_the_negative_label():
    nlp = spacy.blank("en")
    doc = relation_doc(nlp, "Alice met Bob .", "Alice", "Bob", "Other")
    [item] = examples_from_docs([doc], 48, Counter())
    assert item.label == "Other" and (item.pair.head.text, item.pair.tail.text) == ("Alice", "Bob")


def test_config_resolves_registered_objectives_and_overrides(data_dir, tiny_encoder_dir, tmp_path):
    settings = settings_for(data_dir, tiny_encoder_dir, **{"pretraining.stages.stage2.objectives.scl.temperature": 0.5})
    assert (settings.batch_size, settings.max_length, settings.seed) == (4, 64, 42)
    stage1, stage2 = settings.stages["stage1"], settings.stages["stage2"]
    assert list(stage1.objectives) == ["mslm"] and isinstance(stage1.objectives["mslm"], MSLM)
    assert isinstance(stage2.objectives["scl"], SCL) and stage2.objectives["scl"].temperature == 0.5
    defaults = load_pretraining_config(CONFIG)[1]
    assert (defaults.batch_size, defaults.learn_rate, defaults.max_length, defaults.stages["stage1"].epochs) == (16, 2e-5, 128, 5)
    with pytest.raises(ValueError, match="does not define"):
        settings_for(data_dir, tiny_encoder_dir, **{"pretraining.stages.stage2.sources": ["train", "gold"]})
    with pytest.raises(ValueError, match="--pretraining.learning_rate names no setting"):
        settings_for(data_dir, tiny_encoder_dir, **{"pretraining.learning_rate": 0.1})
    misspelled = tmp_path / "misspelled.cfg"
    misspelled.write_text(CONFIG.read_text().replace("epochs = 5", "epoch = 5", 1), encoding="utf8")
    with pytest.raises(ValueError, match=r"\[pretraining.stages.stage1\] .* unknown settings \['epoch'\]"):
        load_pretraining_config(misspelled)


# --- the trainer ----------------------------------------------------------------------------------------------

def test_stage2_starts_from_stage1_and_saved_folders_load(data_dir, tiny_encoder_dir, tmp_path, monkeypatch):
    loaded = []

    def recording_load(path, head_state=None):
        mlm, tokenizer = load_masked_lm(path, head_state)
        loaded.append((path, weights_digest(mlm.base_model), head_state is not None))
        return mlm, tokenizer

    monkeypatch.setattr(trainer, "load_masked_lm", recording_load)
    final = pretrain(settings_for(data_dir, tiny_encoder_dir), tmp_path / "out")
    base = weights_digest(AutoModel.from_pretrained(str(tiny_encoder_dir)))
    stage1 = AutoModel.from_pretrained(str(tmp_path / "out" / "stage1"))
    [(first_path, first_digest, first_head), (second_path, second_digest, second_head)] = loaded
    assert first_digest == base and not first_head
    assert Path(second_path) == tmp_path / "out" / "stage1" and second_digest == weights_digest(stage1) != base
    assert second_head  # the masked-LM head carries over too
    assert final == tmp_path / "out" / "final" and (tmp_path / "out" / "loss_curve.png").stat().st_size > 0
    history = json.loads((tmp_path / "out" / "losses.json").read_text())
    assert {entry["stage"] for entry in history} == {"stage1", "stage2"} and "scl" in history[-1]


def test_stage1_of_a_full_run_equals_an_mslm_only_run(data_dir, tiny_encoder_dir, tmp_path):
    """The ablation's "MSLM only" encoder is the full run's stage1 folder: stage 2 must not change how stage 1 runs."""
    pretrain(settings_for(data_dir, tiny_encoder_dir), tmp_path / "full")
    mslm_only = pretrain(settings_for(data_dir, tiny_encoder_dir, **{"pretraining.stages.stage2.epochs": 0}), tmp_path / "mslm")
    stage1 = weights_digest(AutoModel.from_pretrained(str(tmp_path / "full" / "stage1")))
    assert stage1 == weights_digest(AutoModel.from_pretrained(str(mslm_only)))
    assert stage1 != weights_digest(AutoModel.from_pretrained(str(tiny_encoder_dir)))


def test_final_folder_loads_in_automodel_and_as_the_component_encoder(data_dir, tiny_encoder_dir, tmp_path, make_nlp, train_examples):
    final = pretrain(settings_for(data_dir, tiny_encoder_dir, **{"pretraining.stages.stage1.epochs": 0}), tmp_path / "out")
    assert not (tmp_path / "out" / "stage1").exists()  # a stage with epochs = 0 is skipped
    model, info = AutoModel.from_pretrained(str(final), output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"] and (final / "model.safetensors").exists()
    nlp = make_nlp(final)
    examples = train_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    [shim] = [shim for node in nlp.get_pipe("tkre_relation_extractor").model.walk() for shim in node.shims]
    assert weights_digest(shim._model) == weights_digest(model)
    losses = [nlp.update(examples, sgd=optimizer, losses={})["tkre_relation_extractor"] for _ in range(3)]
    assert losses[-1] < losses[0]  # the pre-trained encoder trains in the component


def test_corrupt_checkpoint_and_unfinished_output_are_named(data_dir, tiny_encoder_dir, tmp_path):
    settings = settings_for(data_dir, tiny_encoder_dir)
    checkpoint = tmp_path / "out" / "checkpoints" / "stage1.pt"
    checkpoint.parent.mkdir(parents=True)
    checkpoint.write_bytes(b"not a checkpoint")
    with pytest.raises(FileExistsError, match="pass --resume"):
        pretrain(settings, tmp_path / "out")
    with pytest.raises(ValueError, match="stage1.pt cannot be read .* delete it"):
        pretrain(settings, tmp_path / "out", resume=True)


def test_no_usable_examples_is_named(data_dir, tiny_encoder_dir, tmp_path):
    empty = tmp_path / "empty.spacy"
    DocBin().to_disk(empty)
    settings = settings_for(data_dir, tiny_encoder_dir, **{"paths.train": str(empty), "paths.explanations": None})
    with pytest.raises(ValueError, match="no usable examples .*--paths.train"):
        pretrain(settings, tmp_path / "out")
    unset = settings_for(data_dir, tiny_encoder_dir, **{"paths.train": None, "paths.explanations": None})
    with pytest.raises(ValueError, match="Stage stage1 reads sources .* none has a path"):
        pretrain(unset, tmp_path / "out")


def run_cli(args, **kwargs):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, **kwargs)


def test_resume_after_kill_repeats_no_epoch_and_matches_an_uninterrupted_run(data_dir, tiny_encoder_dir, tmp_path):
    epochs = {"pretraining.stages.stage1.epochs": 30, "pretraining.stages.stage2.epochs": 2}
    killed = run_cli(CLI + cli_args(data_dir, tiny_encoder_dir, tmp_path / "killed", **epochs))
    checkpoint = tmp_path / "killed" / "checkpoints" / "stage1.pt"
    deadline = time.time() + 120
    while not checkpoint.exists() and killed.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert not (tmp_path / "killed" / "final").exists()

    resumed = run_cli(CLI + cli_args(data_dir, tiny_encoder_dir, tmp_path / "killed", **epochs) + ["--resume"])
    output = resumed.communicate()[0]
    assert resumed.returncode == 0, output
    after = int(re.search(r"stage1: resuming after epoch (\d+) of 30", output).group(1))
    assert 1 <= after < 30 and f"stage1 epoch {after}/30" not in output and f"stage1 epoch {after + 1}/30" in output

    history = json.loads((tmp_path / "killed" / "losses.json").read_text())
    steps = Counter((entry["stage"], entry["epoch"]) for entry in history)
    assert set(steps) == {("stage1", e) for e in range(1, 31)} | {("stage2", 1), ("stage2", 2)}
    # No epoch ran twice: stage 1 has 12 examples (8 docs + 4 explanations) in batches of 4, stage 2 the 8 docs.
    assert {steps[key] for key in steps if key[0] == "stage1"} == {3} and steps[("stage2", 2)] == 2

    reference = pretrain(settings_for(data_dir, tiny_encoder_dir, **epochs), tmp_path / "reference")
    assert weights_digest(AutoModel.from_pretrained(str(reference))) == weights_digest(
        AutoModel.from_pretrained(str(tmp_path / "killed" / "final")))


def test_data_parallel_two_processes_end_with_rank0_weights(data_dir, tiny_encoder_dir, tmp_path):
    launcher = tmp_path / "launch.py"
    launcher.write_text("from spacy_tkre.cli.pretrain import app\napp()\n", encoding="utf8")
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(launcher)]
    process = run_cli(torchrun + ["pretrain"] + cli_args(data_dir, tiny_encoder_dir, tmp_path / "out"))
    output = process.communicate(timeout=300)[0]
    assert process.returncode == 0, output
    digests = dict(re.findall(r"rank (\d)/2:\s+stage2\s+weights\s+sha256\s+(\w+)", output))
    assert set(digests) == {"0", "1"} and digests["0"] == digests["1"]
    saved = weights_digest(AutoModel.from_pretrained(str(tmp_path / "out" / "final")))
    assert saved == digests["0"]
