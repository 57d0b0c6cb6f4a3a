"""Choose the relation extractor's decision rule and threshold on a dev set, from one forward pass.

The label probabilities do not depend on the rule, so the pipeline runs once and ``set_annotations`` is applied
again per setting. With an entity recognizer in the pipeline the choice is made on raw text (strict micro-F1, the
recognizer's mistakes included); without one, on the reference entities. Never tune on the test set.
"""
from pathlib import Path
from typing import Dict, List, Tuple

from spacy.language import Language
from spacy.training import Corpus, Example

from .corpus import create_gold_ents_corpus
from .scoring.joint import score_joint, score_strict_relations

EXTRACTOR = "tkre_relation_extractor"
SETTINGS: List[Tuple[str, float]] = (
    [("argmax", t) for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    + [("best_positive", t) for t in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)]
)


def entity_recognizers(nlp: Language) -> List[str]:
    """The components that set doc.ents (ner, entity_ruler, label maps), the extractor excepted."""
    return [name for name in nlp.pipe_names if name != EXTRACTOR and "doc.ents" in nlp.get_pipe_meta(name).assigns]


def predict_once(nlp: Language, examples: List[Example], disable: List[str], batch_size: int):
    """Run the pipeline up to the extractor on the predicted docs, then the extractor's ``predict`` per batch."""
    extractor = nlp.get_pipe(EXTRACTOR)
    with nlp.select_pipes(disable=disable + [EXTRACTOR]):
        docs = list(nlp.pipe((eg.predicted for eg in examples), batch_size=batch_size))
    for example, doc in zip(examples, docs):
        example.predicted = doc
    batches = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
    return [(batch, extractor.predict(batch)) for batch in batches]


def scores_for(nlp: Language, examples: List[Example], predictions, decision: str, threshold: float) -> Dict:
    """Strict relation scores of ``examples`` with the extractor's decision set to (decision, threshold)."""
    extractor = nlp.get_pipe(EXTRACTOR)
    extractor.cfg.update(decision=decision, threshold=threshold)
    for batch, output in predictions:
        extractor.set_annotations(batch, output)
    return score_strict_relations(examples)


def sweep_decisions(nlp: Language, data: Path, batch_size: int = 64) -> Dict:
    """Score every setting of ``SETTINGS`` on ``data`` from raw text and on gold entities; the best by the micro-F1
    the pipeline is judged by (raw text when it has a recognizer). The extractor's own setting is restored."""
    extractor = nlp.get_pipe(EXTRACTOR)
    before = {key: extractor.cfg[key] for key in ("decision", "threshold")}
    recognizers = entity_recognizers(nlp)
    with_recognizer = bool(recognizers)
    gold = list(create_gold_ents_corpus(data)(nlp))
    if not gold:
        raise ValueError(f"{data} holds no docs to tune on.")
    gold_predictions = predict_once(nlp, gold, recognizers, batch_size)
    raw, raw_predictions = [], []
    if with_recognizer:
        raw = list(Corpus(data)(nlp))
        raw_predictions = predict_once(nlp, raw, [], batch_size)
    rows = []
    try:
        for decision, threshold in SETTINGS:
            row = {"decision": decision, "threshold": threshold}
            if with_recognizer:
                scores = scores_for(nlp, raw, raw_predictions, decision, threshold)
                row.update({key: round(value, 4) for key, value in scores.items() if key != "rel_strict_per_type"})
            scores = scores_for(nlp, gold, gold_predictions, decision, threshold)
            row.update({f"gold_ents_{key}": round(value, 4) for key, value in scores.items()
                        if key != "rel_strict_per_type"})
            rows.append(row)
    finally:
        extractor.cfg.update(before)
    criterion = "rel_strict_micro_f" if with_recognizer else "gold_ents_rel_strict_micro_f"
    best = max(rows, key=lambda row: row[criterion])  # the first of equals: the least change from argmax 0.0
    result = {"docs": len(gold), "criterion": criterion, "best": best, "settings": rows}
    if with_recognizer:
        result["ents_f"] = round(score_joint(raw)["ents_f"], 4)
    return result
