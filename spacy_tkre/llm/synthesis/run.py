"""Driving synthesis: rounds of requests through the ``llm`` component until each label has its samples.

Every round sends one request per label that still needs samples (so labels share model batches), validates
what comes back in a fixed order, and feeds accepted samples into the next request of that label (the diverse
style's sliding window). Each label gets at most ``max_prompts`` prompts, so a model that never writes a valid
sample ends the run with a reported shortfall instead of an endless loop. Because the requests depend only on
earlier answers, and answers are cached, a rerun after a crash replays the same requests: cached answers come
back without asking the model, and the same samples are accepted again.
"""
import math
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence

from spacy.tokens import Doc
from spacy.vocab import Vocab

from ...progress import progress
from ..diversity import diversity, per_label_self_bleu, similarity_to_reference
from ..validation import Rejected, SampleValidator, reasons_total
from .requests import Sample, make_request, read_results, sample_from_relation
from .task import RelationSynthesisTask


@dataclass
class LabelState:
    label: str
    gold: List[Sample]
    head_types: List[str]
    tail_types: List[str]
    accepted: List[Doc] = field(default_factory=list)
    samples: List[Sample] = field(default_factory=list)
    prompts: int = 0
    proposed: int = 0
    surplus: int = 0


@dataclass
class SynthesisRun:
    states: Dict[str, LabelState]
    validator: SampleValidator
    per_label: int
    style: str
    seconds: float = 0.0
    cache_stats: Dict[str, int] = field(default_factory=dict)

    @property
    def docs(self) -> List[Doc]:
        return [doc for state in self.states.values() for doc in state.accepted]

    def report(self) -> Dict[str, Any]:
        """Per-label yield and rejection reasons, totals, and diversity of the accepted and the gold samples."""
        labels = {}
        for label, state in self.states.items():
            rejected = dict(sorted(self.validator.rejections.get(label, {}).items()))
            labels[label] = {
                "wanted": self.per_label,
                "accepted": len(state.accepted),
                "yield": len(state.accepted) / self.per_label,
                "shortfall": self.per_label - len(state.accepted),
                "prompts": state.prompts,
                "proposed": state.proposed,
                "surplus": state.surplus,
                "rejected": rejected,
                "diversity": diversity([doc.text for doc in state.accepted]),
            }
        synthetic = [doc.text for doc in self.docs]
        gold = [sample["context"] for state in self.states.values() for sample in state.gold]
        return {
            "style": self.style,
            "per_label": self.per_label,
            "wall_seconds": round(self.seconds, 1),
            "total": {
                "wanted": self.per_label * len(labels),
                "accepted": len(synthetic),
                "yield": len(synthetic) / (self.per_label * len(labels)) if labels else None,
                "prompts": sum(entry["prompts"] for entry in labels.values()),
                "proposed": sum(entry["proposed"] for entry in labels.values()),
                "surplus": sum(entry["surplus"] for entry in labels.values()),
                "rejected": dict(reasons_total(self.validator.rejections).most_common()),
                "labels_short": sorted(label for label, entry in labels.items() if entry["shortfall"] > 0),
            },
            "diversity": {
                "synthetic": diversity(synthetic),
                "gold": diversity(gold),
                "synthetic_per_label_mean_self_bleu": per_label_self_bleu(
                    {label: [doc.text for doc in state.accepted] for label, state in self.states.items()}
                ),
                "gold_per_label_mean_self_bleu": per_label_self_bleu(
                    {label: [s["context"] for s in state.gold] for label, state in self.states.items()}
                ),
                "similarity_to_gold": similarity_to_reference(synthetic, gold),
            },
            "cache": self.cache_stats,
            "labels": labels,
        }


def gold_samples(docs: Sequence[Doc], negative_label: str) -> Dict[str, List[Sample]]:
    """The support set's relations per label, in the prompts' layout; the negative label is not synthesized."""
    found: Dict[str, List[Sample]] = {}
    for doc in docs:
        for relation in doc._.relations:
            if relation.label != negative_label:
                found.setdefault(relation.label, []).append(sample_from_relation(doc, relation))
    return dict(sorted(found.items()))


def default_max_prompts(per_label: int, samples_per_prompt: int) -> int:
    """Three times the prompts a perfect model would need."""
    return 3 * math.ceil(per_label / samples_per_prompt)


def synthesize(
    llm: Any,
    vocab: Vocab,
    gold: Dict[str, List[Sample]],
    validator: SampleValidator,
    per_label: int,
    max_prompts: int,
    batch_size: int,
) -> SynthesisRun:
    """Run synthesis with the ``llm`` component ``llm`` (its task must be ``spacy_tkre.RelationSynthesis.v1``);
    the prompts show the entity types the validator's schema allows."""
    task = llm.task
    if per_label < 1 or max_prompts < 1:
        raise ValueError(f"per_label and max_prompts must be >= 1, got {per_label} and {max_prompts}.")
    if not isinstance(task, RelationSynthesisTask):
        raise ValueError(
            f"The component's task is {type(task).__name__}; synthesis needs spacy_tkre.RelationSynthesis.v1 "
            "in [components.NAME.task] (or pick another component with --component)."
        )
    states = {
        label: LabelState(label, samples, validator.schema[label]["head"], validator.schema[label]["tail"])
        for label, samples in gold.items()
    }
    run = SynthesisRun(states=states, validator=validator, per_label=per_label, style=task.style)
    started = time.perf_counter()
    with progress(total=per_label * len(states), desc="Synthesizing", unit=" samples") as bar:
        while True:
            active = [s for s in states.values() if len(s.accepted) < per_label and s.prompts < max_prompts]
            if not active:
                break
            requests = [
                make_request(vocab, s.label, s.prompts, s.gold, s.samples, s.head_types, s.tail_types)
                for s in active
            ]
            for state in active:
                state.prompts += 1
            for state, answered in zip(active, llm.pipe(requests, batch_size=batch_size)):
                bar.update(_take_samples(state, answered, validator, per_label))
            bar.set_postfix(prompts=sum(s.prompts for s in states.values()), refresh=False)
    run.seconds = time.perf_counter() - started
    return run


def _take_samples(state: LabelState, answered: Doc, validator: SampleValidator, per_label: int) -> int:
    """Validate one answered request's samples in order; returns how many were accepted."""
    before = len(state.accepted)
    for result in read_results(answered):
        for reason, count in result["problems"].items():
            validator.reject(state.label, reason, count)
        for draft in result["samples"]:
            state.proposed += 1
            if len(state.accepted) >= per_label:
                state.surplus += 1
                continue
            try:
                doc = validator.validate(draft, state.label)
            except Rejected as rejection:
                validator.reject(state.label, rejection.reason)
                continue
            validator.accept(doc, f"synthetic:{state.label}:{len(state.accepted)}")
            state.accepted.append(doc)
            state.samples.append(sample_from_relation(doc, doc._.relations[0]))
    return len(state.accepted) - before
