"""Which labels a tuned generator may synthesize: never one of a relation type whose gold answers it was tuned on.

``dpo`` records in ``dpo_meta.json`` the labels its pairs taught (``labels_trained``) and the labels of the other
half of the pairs file (``generate_for``). Halves are cut by relation type (``gold_pairs``), so both directions of a
type go to the same generator, including a direction too rare to make pairs from. With the two generators of a
two-half run the labels are split exactly once: the half-1 generator writes half 0's types; the half-0 generator
(or one tuned on every pair) writes every other type, including types with no pair at all, which neither saw.
"""
from typing import Any, Dict, List, Sequence

from .gold_pairs import relation_type


def labels_to_generate(meta: Dict[str, Any], labels: Sequence[str]) -> List[str]:
    """The labels of ``labels`` that the generator described by ``meta`` (its ``dpo_meta.json``) may write."""
    missing = [key for key in ("half", "labels_trained", "generate_for") if key not in meta]
    if missing:
        raise ValueError(f"The DPO metadata lacks {missing}: give the dpo_meta.json that `dpo` wrote into its output folder.")
    trained = {relation_type(label) for label in meta["labels_trained"]}
    if meta["half"] == 1:
        others = {relation_type(label) for label in meta["generate_for"]}
        return [label for label in labels if relation_type(label) in others]
    return [label for label in labels if relation_type(label) not in trained]
