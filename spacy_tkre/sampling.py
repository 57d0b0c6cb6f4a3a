"""K-shot sampling: K docs per relation label (the negative label too), deterministic per seed."""
import random
from collections import Counter, defaultdict
from typing import Dict, List, Sequence, Tuple

from spacy.tokens import Doc

from .relations import get_relations


def sample_k_shot(docs: Sequence[Doc], k: int, seed: int) -> Tuple[List[Doc], Dict[str, int]]:
    """Pick docs so that each label occurs in at least ``k`` chosen docs where the data allow it.

    Labels are visited in sorted order, each over its own seeded shuffle of the docs that carry it; a doc
    chosen for one label counts for every label it carries (exactly K per label when each doc holds one
    relation, as in SemEval and FewRel). Returns the chosen docs in input order and the per-label doc counts.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    labels_of = [{relation.label for relation in get_relations(doc)} for doc in docs]
    docs_with: Dict[str, List[int]] = defaultdict(list)
    for index, labels in enumerate(labels_of):
        for label in labels:
            docs_with[label].append(index)
    rng = random.Random(seed)
    chosen: set = set()
    counts: Counter = Counter()
    for label in sorted(docs_with):
        candidates = list(docs_with[label])
        rng.shuffle(candidates)
        for index in candidates:
            if counts[label] >= k:
                break
            if index in chosen:
                continue
            chosen.add(index)
            counts.update(labels_of[index])
    return [docs[i] for i in sorted(chosen)], {label: counts[label] for label in sorted(docs_with)}


def sample_dev_set(docs: Sequence[Doc], support: Sequence[Doc], k: int, seed: int) -> Tuple[List[Doc], Dict[str, int]]:
    """A K-shot dev set drawn from the docs not in ``support``: the few-shot practice (LM-BFF, KnowPrompt) of
    choosing a recipe on a dev set as small as the training set and disjoint from it, never on the test set."""
    return sample_k_shot(docs_not_in(docs, support), k, seed)


def docs_not_in(docs: Sequence[Doc], taken: Sequence[Doc]) -> List[Doc]:
    """The docs of ``docs`` that are not among ``taken`` (the same objects, as the samplers return them), in order."""
    taken_ids = {id(doc) for doc in taken}
    return [doc for doc in docs if id(doc) not in taken_ids]
