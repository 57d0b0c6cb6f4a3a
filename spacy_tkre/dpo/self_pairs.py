"""On-policy preference pairs: the generator's own answers, judged by the synthesis validator.

For each label, the prompt synthesis asks first (the diverse prompt with up to ``max_demonstrations`` gold
demonstrations, seeded order) is sampled ``candidates`` times. Every answer is parsed and validated
(``llm/validation.py``: layout, schema, entities found in the context, copies and near copies of gold and
accepted samples); its verdict is kept in the file. *chosen* is the valid answer farthest from the demonstrations
and from the answers already chosen for the label, so DPO rewards correct *and* new samples: lowest sum of its
BLEU against them (word overlap) and its encoder similarity to the closest of them (meaning, which catches a
paraphrase BLEU misses; ``sentence_vectors``), then lowest nearest word-sequence similarity; each invalid answer is a *rejected* one (``kind`` = its
rejection reason). When every answer is valid, the one closest to the pool is rejected (``near_copy``). A prompt
with no valid answer gives no pair (counted). Answers are not cached: a rerun samples again.

Chosen and rejected are written alike: an answer's first sample in the layout the parser reads (``layout``), and
only an answer without a complete sample stays as the model wrote it. Otherwise every chosen text would be one clean
sample and every rejected one a raw answer with whatever the model wrote after it, and DPO would learn "write one
short sample" instead of "write a correct one". The raw answers stay in ``candidates``.
"""
import random
from collections import Counter
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..llm.diversity import sentence_bleu, similarity, words
from ..llm.sentence_vectors import SentenceVectors
from ..llm.synthesis.parser import parse_samples
from ..llm.synthesis.requests import Sample
from ..llm.synthesis.task import RelationSynthesisTask
from ..llm.templates import render_sample
from ..llm.validation import Rejected, SampleValidator
from ..progress import progress
from .gold_pairs import label_halves
from .pairs import Pair

NEAR_COPY = "near_copy"


def self_pairs(
    task: RelationSynthesisTask,
    model: Callable[[List[List[str]]], List[List[str]]],
    gold: Dict[str, List[Sample]],
    validator: SampleValidator,
    encoder: SentenceVectors,
    candidates: int,
    seed: int,
    half: Optional[int] = None,
    verdicts: Optional[Counter] = None,
) -> Tuple[List[Pair], Counter]:
    """``(pairs, skipped)`` from ``candidates`` answers of ``model`` (a spacy-llm model) per label's prompt;
    ``encoder`` gives the sentence vectors that measure how close a valid answer is to the pool. With ``half``,
    only that half's labels are sampled (the halves are still drawn over every label of ``gold``). ``verdicts``, when
    given, counts every candidate's verdict, also those of prompts that gave no pair (and so are not in the file)."""
    if task.style != "diverse":
        raise ValueError(
            f"On-policy pairs judge one sample per answer, so they need the diverse prompt, not {task.style!r}: add "
            "--components.synthesis.task.style diverse (gold pairs follow either style)."
        )
    halves = label_halves(list(gold), seed)
    pairs: List[Pair] = []
    skipped: Counter = Counter()
    chosen_so_far: Dict[str, List[str]] = {}
    labels = [(label, samples) for label, samples in gold.items() if half is None or halves[label] == half]
    for label, samples in progress(labels, desc="Sampling candidates", unit=" labels"):
        order = list(samples)
        random.Random(f"{seed}:{label}").shuffle(order)
        demonstrations = order[: task.max_demonstrations]
        prompt = task.prompt(label, demonstrations, validator.schema[label]["head"], validator.schema[label]["tail"])
        answers = list(model([[prompt] * candidates]))[0]
        pool = [d["context"] for d in demonstrations] + chosen_so_far.setdefault(label, [])
        judged = [_judge(answer, label, validator, [words(text) for text in pool]) for answer in answers]
        if verdicts is not None:
            verdicts.update(c["verdict"] for c in judged)
        valid = [c for c in judged if c["verdict"] == "valid"]
        for candidate, closest in zip(valid, encoder.closest([c["doc"].text for c in valid], pool)):
            candidate["encoder_similarity"] = round(closest, 4)
        valid.sort(key=lambda c: (c["bleu"] + c["encoder_similarity"], c["similarity"]))
        if not valid:
            skipped["prompt with no valid candidate"] += 1
            continue
        best = valid[0]
        chosen_so_far[label].append(best["doc"].text)
        losers = [c for c in judged if c["verdict"] != "valid"] or ([valid[-1]] if len(valid) > 1 else [])
        if not losers:
            skipped["prompt with a single candidate"] += 1
        every_verdict = [{key: c[key] for key in ("answer", "verdict", "bleu", "similarity", "encoder_similarity")} for c in judged]
        for loser in losers:
            kind = loser["verdict"] if loser["verdict"] != "valid" else NEAR_COPY
            rejected = loser.get("layout", loser["answer"])
            if rejected.strip() == best["layout"].strip():
                skipped["rejected answer equal to the chosen one"] += 1
                continue
            pairs.append({
                "prompt": prompt, "chosen": best["layout"], "rejected": rejected, "label": label, "kind": kind,
                "source": "self", "half": halves[label], "n_demonstrations": len(demonstrations),
                "scores": {"chosen_bleu": best["bleu"], "chosen_similarity": best["similarity"],
                           "chosen_encoder_similarity": best["encoder_similarity"],
                           "rejected_bleu": loser["bleu"], "rejected_similarity": loser["similarity"],
                           "rejected_encoder_similarity": loser["encoder_similarity"]},
                "candidates": every_verdict,
            })
    return pairs, skipped


def _judge(answer: str, label: str, validator: SampleValidator, pool: Sequence[List[str]]) -> Dict[str, Any]:
    """The answer's verdict (``valid`` or the rejection reason), its first sample in the sample layout (``layout``,
    when it has a complete one; a valid sample as validated) and, when valid, its overlap with the pool of earlier
    samples."""
    parsed = parse_samples(answer)
    if not parsed["samples"]:
        return {"answer": answer, "verdict": next(iter(parsed["problems"])), "bleu": None, "similarity": None,
                "encoder_similarity": None}
    draft = parsed["samples"][0]
    try:
        doc: Doc = validator.validate(draft, label)
    except Rejected as rejection:
        layout = render_sample({"head_type": "", "tail_type": "", **draft})
        return {"answer": answer, "layout": layout, "verdict": rejection.reason, "bleu": None, "similarity": None,
                "encoder_similarity": None}
    tokens = words(doc.text)
    relation = doc._.relations[0]
    layout = render_sample({"context": doc.text, "head": relation.head.text, "head_type": relation.head.label_,
                           "tail": relation.tail.text, "tail_type": relation.tail.label_})
    return {
        "answer": answer, "layout": layout, "verdict": "valid", "doc": doc,
        "bleu": round(sentence_bleu(tokens, pool), 4),
        "similarity": round(max((similarity(tokens, other) for other in pool), default=0.0), 4),
    }
