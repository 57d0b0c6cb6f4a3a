"""Driving explanation: pick gold examples per label, ask the ``llm`` component, collect JSONL records.

A record is ``{"text", "head": {"start_char", "end_char", "text"}, "tail": {...}, "label", "explanation"}``,
the layout pre-training reads. Answers that are not usable explanations are counted by reason, not written.
"""
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from spacy.tokens import Doc

from ...progress import progress
from .task import EXPLANATIONS_KEY, RelationExplanationTask


@dataclass
class ExplanationRun:
    records: List[Dict[str, Any]] = field(default_factory=list)
    asked: Counter = field(default_factory=Counter)
    problems: Dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0
    cache_stats: Dict[str, int] = field(default_factory=dict)

    def report(self) -> Dict[str, Any]:
        written = Counter(record["label"] for record in self.records)
        return {
            "wall_seconds": round(self.seconds, 1),
            "asked": sum(self.asked.values()),
            "written": len(self.records),
            "cache": self.cache_stats,
            "labels": {
                label: {"asked": asked, "written": written[label], "rejected": dict(self.problems.get(label, {}))}
                for label, asked in sorted(self.asked.items())
            },
        }


def select_examples(
    docs: Sequence[Doc], per_label: int, seed: int, negative_label: str, labels: Optional[Sequence[str]] = None
) -> List[Doc]:
    """Docs (seeded order) until every label (of ``labels``, if given) has ``per_label`` relations to explain;
    returned in file order. A chosen doc's other relations are explained too."""
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    counts: Counter = Counter()
    chosen = []
    for index in order:
        found = [
            relation.label for relation in docs[index]._.relations
            if relation.label != negative_label and (not labels or relation.label in labels)
        ]
        if any(counts[label] < per_label for label in found):
            chosen.append(index)
            counts.update(found)
    return [docs[index] for index in sorted(chosen)]


def _span(doc: Doc, offsets: Sequence[int]) -> Dict[str, Any]:
    start, end = offsets
    return {"start_char": start, "end_char": end, "text": doc.text[start:end]}


def explain(llm: Any, docs: Sequence[Doc], batch_size: int) -> ExplanationRun:
    """Explain every non-negative relation of ``docs`` with the ``llm`` component ``llm``."""
    if not isinstance(llm.task, RelationExplanationTask):
        raise ValueError(
            f"The component's task is {type(llm.task).__name__}; explanations need spacy_tkre.RelationExplanation.v1 "
            "in [components.NAME.task] (or pick another component with --component)."
        )
    run = ExplanationRun()
    started = time.perf_counter()
    for doc in progress(llm.pipe(docs, batch_size=batch_size), total=len(docs), desc="Explaining", unit=" docs"):
        for entry in doc.user_data.get(EXPLANATIONS_KEY, []):
            run.asked[entry["label"]] += 1
            if entry["explanation"] is None:
                run.problems.setdefault(entry["label"], Counter())[entry["problem"]] += 1
                continue
            run.records.append(
                {
                    "text": doc.text,
                    "head": _span(doc, entry["head"]),
                    "tail": _span(doc, entry["tail"]),
                    "label": entry["label"],
                    "explanation": entry["explanation"],
                }
            )
    run.seconds = time.perf_counter() - started
    return run
