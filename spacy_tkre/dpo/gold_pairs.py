"""Preference pairs from the gold support set (the diverse-generation paper's recipe).

For each label, its gold samples are shuffled (seeded) and walked in order: the prompt at step ``k`` is the
synthesis prompt showing the first ``k`` of them as demonstrations, and *chosen* is what follows, real new samples
of the label written in the answer layout: sample ``k + 1`` in the diverse style (one sample per prompt), samples
``k + 1`` onwards (at most ``samples_per_prompt``, and the prompt asks for that many) in the batch style, so the
tuned model learns to write the number of distinct samples asked for and then stop. ``k`` grows from 1 to the
task's ``max_demonstrations``, so training sees prompts with as many demonstrations as one-at-a-time generation
shows while its window fills. Each prompt gets one pair per *rejected* kind, as many rejected samples as chosen ones:

- ``other_label``: gold samples of other labels, answered as if they were this one (a wrong relation);
- ``swapped``: demonstrations with head and tail (and their types) exchanged (a wrong direction);
- ``perturbed``: demonstrations with some words outside their entities dropped (near copies);
- ``copy``: demonstrations copied exactly;
- ``loop``: the first chosen sample, then one of its field lines over and over, as SmolLM2 loops (the most common
  way its answers are lost); chosen and rejected share the sample, so the pair teaches to stop after it;
- ``absent_entity``: the chosen samples with a tail entity taken from another gold sample, one their context does
  not contain (the validator's "tail not found in context");
- ``same_entity``: the chosen samples with the head entity as tail too (one entity, no relation).

The last two differ from *chosen* only in the entity lines, so those pairs are about exactly the mistake, not about
the sentence.

**The label half-split.** A generator tuned on the gold answers of a label and then asked for new samples of that
label would be rewarded for reciting them, and the downstream gold + synthetic training set would be measured on
what it memorised. So the relation *types* (the name before ``(``, which keeps both directions of a SemEval relation
such as ``Cause-Effect(e1,e2)`` and ``Cause-Effect(e2,e1)`` together) are shuffled with the seed and cut in two
halves; every pair records its ``half``, ``other_label`` rejections come from the same half, and one generator
is tuned on half 0's pairs to synthesize half 1's labels, another on half 1's pairs for half 0's labels.
"""
import math
import random
from collections import Counter
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..llm.diversity import similarity, words
from ..llm.synthesis.requests import Sample
from ..llm.synthesis.task import RelationSynthesisTask
from ..llm.templates import render_sample
from ..llm.validation import Schema
from .pairs import Pair

KINDS = ("other_label", "swapped", "perturbed", "copy", "loop", "absent_entity", "same_entity")
DROP_FRACTION = 0.15
# How often a ``loop`` rejection repeats its field line (SmolLM2's loops run to max_new_tokens; this is enough to
# make the repetition, not its length, what the pair is about).
LOOP_REPEATS = 8


def relation_type(label: str) -> str:
    return label.split("(", 1)[0].strip()


def label_halves(labels: Sequence[str], seed: int) -> Dict[str, int]:
    """``{label: 0 or 1}``: relation types shuffled with ``seed``, the first ceil(n/2) types are half 0."""
    types = sorted({relation_type(label) for label in labels})
    random.Random(f"halves:{seed}").shuffle(types)
    first = set(types[: math.ceil(len(types) / 2)])
    return {label: 0 if relation_type(label) in first else 1 for label in labels}


def gold_pairs(
    task: RelationSynthesisTask, gold: Dict[str, List[Sample]], schema: Schema, seed: int, kinds: Sequence[str] = KINDS
) -> Tuple[List[Pair], Counter]:
    """``(pairs, skipped)``: the pairs of every label, and counted reasons for pairs that could not be made."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise ValueError(f"Unknown rejected kinds {unknown}: use some of {list(KINDS)}.")
    halves = label_halves(list(gold), seed)
    pairs: List[Pair] = []
    skipped: Counter = Counter()
    for label, samples in gold.items():
        if len(samples) < 2:
            skipped["label with fewer than 2 gold samples"] += 1
            continue
        rng = random.Random(f"{seed}:{label}")
        order = list(samples)
        rng.shuffle(order)
        others = [s for other, found in gold.items() if other != label and halves[other] == halves[label] for s in found]
        for k in range(1, min(len(order) - 1, task.max_demonstrations) + 1):
            demonstrations, chosen = order[:k], order[k : k + task.samples_per_prompt]
            prompt = task.prompt(label, demonstrations, schema[label]["head"], schema[label]["tail"], n=len(chosen))
            chosen_text = answer_text(chosen, task.style)
            for kind in kinds:
                rejected = _rejected(kind, chosen, demonstrations, others, rng)
                rejected_text = rejected and answer_text(rejected, task.style)
                if kind == "loop" and rejected_text:
                    rejected_text = _looped(rejected_text)
                if not rejected_text or rejected_text == chosen_text:
                    skipped[f"{kind}: no distinct rejected answer"] += 1
                    continue
                pairs.append({
                    "prompt": prompt, "chosen": chosen_text, "rejected": rejected_text,
                    "label": label, "kind": kind, "source": "gold", "half": halves[label], "n_demonstrations": k,
                    "n_samples": len(chosen),
                    "scores": {
                        "chosen_similarity": _closest(chosen, demonstrations),
                        "rejected_similarity": _closest(rejected, demonstrations),
                    },
                })
    return pairs, skipped


def answer_text(samples: Sequence[Sample], style: str) -> str:
    """Samples as the model should answer the style's prompt: the diverse style's one sample, the batch style's
    samples separated by a blank line, all in the sample layout. The batch prompt shows its demonstrations under a
    ``Relation:`` line, but answers leave it out: the prompt asks for one label, the parser does not need the line,
    and a model tuned to repeat label names garbles them on labels it was not tuned on (an invalid sample each)."""
    return render_sample(samples[0]) if style != "batch" else "\n\n".join(render_sample(sample) for sample in samples)


def _looped(text: str) -> str:
    """``text`` followed by its ``Tail Entity`` line again and again."""
    line = next(line for line in text.splitlines() if line.startswith("Tail Entity:"))
    return text + f"\n{line}" * LOOP_REPEATS


def _rejected(
    kind: str, chosen: List[Sample], demonstrations: List[Sample], others: List[Sample], rng: random.Random
) -> Optional[List[Sample]]:
    """As many rejected samples of ``kind`` as there are chosen ones (``loop``: the first chosen sample, which
    ``_looped`` repeats a line of); None when the kind cannot be made."""
    if kind == "loop":
        return chosen[:1]
    if kind == "same_entity":
        return [{**sample, "tail": sample["head"], "tail_type": sample["head_type"]} for sample in chosen]
    if kind == "absent_entity":
        rejected = [_with_absent_tail(sample, demonstrations + others, rng) for sample in chosen]
    else:
        rejected = [_rejected_sample(kind, demonstrations, others, rng) for _ in chosen]
    return None if any(sample is None for sample in rejected) else rejected


def _with_absent_tail(sample: Sample, pool: List[Sample], rng: random.Random) -> Optional[Sample]:
    """``sample`` with the tail of a ``pool`` sample that its context does not contain; None if every one occurs."""
    absent = sorted({other["tail"] for other in pool if other["tail"].lower() not in sample["context"].lower()})
    return {**sample, "tail": rng.choice(absent)} if absent else None


def _rejected_sample(kind: str, demonstrations: List[Sample], others: List[Sample], rng: random.Random) -> Optional[Sample]:
    source = rng.choice(demonstrations)
    if kind == "other_label":
        return dict(rng.choice(others)) if others else None
    if kind == "swapped":
        return {**source, "head": source["tail"], "head_type": source["tail_type"], "tail": source["head"],
                "tail_type": source["head_type"]}
    if kind == "perturbed":
        return _perturbed(source, rng)
    return dict(source)


def _perturbed(sample: Sample, rng: random.Random):
    """The sample with about 15% (at least one) of the words outside its entities dropped; None if there are none."""
    context = sample["context"]
    keep = [(context.find(sample[side]), context.find(sample[side]) + len(sample[side])) for side in ("head", "tail")]
    tokens = list(_word_spans(context))
    free = [i for i, (start, end) in enumerate(tokens) if not any(a <= start < b or a < end <= b for a, b in keep)]
    if not free:
        return None
    dropped = set(rng.sample(free, max(1, round(DROP_FRACTION * len(free)))))
    text = " ".join(context[start:end] for i, (start, end) in enumerate(tokens) if i not in dropped)
    return {**sample, "context": text}


def _word_spans(text: str) -> Iterator[Tuple[int, int]]:
    start = None
    for i, char in enumerate(text + " "):
        if char.isspace():
            if start is not None:
                yield start, i
                start = None
        elif start is None:
            start = i


def _closest(samples: Sequence[Sample], demonstrations: Sequence[Sample]) -> float:
    """Word-sequence similarity of the samples' contexts to the most similar demonstration (1 = a copy), the
    highest over the samples."""
    return round(max(similarity(words(sample["context"]), words(d["context"])) for sample in samples for d in demonstrations), 3)
