"""Self-training data from unlabelled text: a trained relation extractor labels docs that have entities but no
relations, and only the docs it is sure about throughout are kept as extra training docs.

A doc's confidence is the lowest, over its candidate pairs, of the best label's probability (a relation or the
negative label): a doc with one unsure pair would teach that pair as a negative. Per label (the negative label for
docs with no relation) the ``per_label`` most confident docs are kept, so that the labels the model already
predicts most do not swamp the few gold examples. The ranking does the selecting: a model trained on a few examples
per label spreads its probability over many labels (on SemEval K=8, 1,000 train docs: median best probability
0.13, maximum 0.51), so a fixed probability would keep all or nothing; ``min_score`` is only a floor."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Tuple

from spacy.tokens import Doc
from spacy.util import minibatch

from .pipeline.relation_extractor import RelationExtractor
from .progress import progress
from .relations import Relation, set_relations


@dataclass
class PseudoLabels:
    docs: List[Doc]
    kept: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)


def pseudo_label(
    extractor: RelationExtractor, docs: Iterable[Doc], min_score: float = 0.0, per_label: int = 32,
    batch_size: int = 64,
) -> PseudoLabels:
    """Label copies of ``docs`` (their own relations, if any, are dropped: the text counts as unlabelled)."""
    if not 0.0 <= min_score <= 1.0 or per_label < 1:
        raise ValueError(f"pseudo-labelling needs 0 <= min_score <= 1 and per_label >= 1, not {min_score} and {per_label}.")
    by_label: Dict[str, List[Tuple[float, int, Doc]]] = defaultdict(list)
    skipped: Counter = Counter()
    docs = list(docs)
    for batch in minibatch(progress(docs, desc="Pseudo-labelling", unit=" docs"), batch_size):
        batch = [doc.copy() for doc in batch]
        for doc in batch:
            set_relations(doc, [])
        pairs_per_doc, scores = extractor.predict(batch)
        scores = extractor.model.ops.to_numpy(scores)
        row = 0
        for doc, pairs in zip(batch, pairs_per_doc):
            decisions = [extractor._best_label(scores[row + i], head, tail) for i, (head, tail) in enumerate(pairs)]
            row += len(pairs)
            if not pairs:
                skipped["doc without a candidate entity pair"] += 1
                continue
            confidence = min(score for _, score in decisions)
            if confidence < min_score:
                skipped[f"a pair below min_score {min_score}"] += 1
                continue
            relations = [Relation(head, tail, label, score) for (head, tail), (label, score) in zip(pairs, decisions)
                         if label != extractor.negative_label]
            set_relations(doc, relations)
            key = min((relation.label for relation in relations), default=extractor.negative_label)
            by_label[key].append((confidence, len(by_label[key]), doc))
    result = PseudoLabels([], skipped=skipped)
    for label, scored in sorted(by_label.items()):
        scored.sort(key=lambda item: (-item[0], item[1]))
        result.docs.extend(doc for _, _, doc in scored[:per_label])
        result.kept[label] = min(len(scored), per_label)
        if len(scored) > per_label:
            result.skipped[f"over per_label {per_label}"] += len(scored) - per_label
    return result
