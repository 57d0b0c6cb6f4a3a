"""New labels without retraining, on SemEval: train on 14 of the 18 directional labels (+ Other) with K per label,
add the other 4 from K examples each with ``python -m spacy_tkre add-labels``, and score both pipelines on the full
test set (official macro-F1, per-label F1). Resumable: every stage whose output exists is skipped.

    python -m bench.new_labels TRAIN.spacy TEST.spacy --k 8 --seed 13 --results bench/results/results.jsonl

Per seed, the K-shot support set of all 19 labels is drawn once (the benchmark's sampler); its docs of the 4 new
labels are the examples given to ``add-labels``, the rest is the training set and ``--paths.dev`` of the K-shot
recipe (configs/kshot_cpu.cfg, its K step budget).
"""
import subprocess
import sys
from pathlib import Path
from typing import List, Sequence

from spacy.tokens import Doc, DocBin

from bench.kshot import kshot_steps
from bench.variants import spacy_train, write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.relations import get_relations
from spacy_tkre.sampling import sample_k_shot

NEW_LABELS = ["Entity-Origin(e1,e2)", "Entity-Origin(e2,e1)", "Message-Topic(e1,e2)", "Message-Topic(e2,e1)"]


def split_support(support: Sequence[Doc], new_labels: Sequence[str]):
    """The support docs without any of ``new_labels`` (training set) and those with one (examples to add)."""
    new = set(new_labels)
    has_new = [any(r.label in new for r in get_relations(doc)) for doc in support]
    return [d for d, n in zip(support, has_new) if not n], [d for d, n in zip(support, has_new) if n]


def train_without_new_labels(pool: List[Doc], run_dir: Path, k: int, seed: int, new_labels: Sequence[str]) -> Path:
    """Sample the K-shot support set, write its two parts, and train the K-shot recipe on the first (skipped when
    ``model-last`` exists)."""
    model = run_dir / "model-last"
    if model.exists():
        return model
    support, _ = sample_k_shot(pool, k, seed)
    trained_part, new_part = split_support(support, new_labels)
    run_dir.mkdir(parents=True, exist_ok=True)
    DocBin(docs=trained_part, store_user_data=True).to_disk(run_dir / "train.spacy")
    DocBin(docs=new_part, store_user_data=True).to_disk(run_dir / "new_examples.spacy")
    config = write_variant_config("spans_context_normalized", run_dir / "kshot.cfg")
    spacy_train(config, run_dir, run_dir / "train.spacy", run_dir / "train.spacy", system__seed=seed,
                training__max_steps=kshot_steps(k))
    return model
