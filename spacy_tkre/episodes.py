"""N-way K-shot episodes classified by the nearest prototype (the mean support representation per relation)."""
import math
import random
from dataclasses import asdict, dataclass
from typing import Dict, List, Sequence

import numpy


@dataclass(frozen=True)
class EpisodeResult:
    n_way: int
    k_shot: int
    queries: int
    episodes: int
    seed: int
    accuracy: float
    ci95: float

    def to_dict(self) -> Dict:
        return asdict(self)


def run_episodes(
    vectors: numpy.ndarray, labels: Sequence[str], n_way: int, k_shot: int, queries: int, episodes: int, seed: int
) -> EpisodeResult:
    """Sample episodes (N relations, K support and Q query docs each, no doc twice in an episode) and classify each
    query by squared Euclidean distance to the prototypes. Accuracy is averaged over episodes; ``ci95`` is the
    half-width of the normal 95% interval over the per-episode accuracies."""
    by_label: Dict[str, List[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    usable = sorted(label for label, rows in by_label.items() if len(rows) >= k_shot + queries)
    if len(usable) < n_way:
        raise ValueError(
            f"{n_way}-way {k_shot}-shot episodes with {queries} queries need {n_way} relations with at least "
            f"{k_shot + queries} examples; the data have {len(usable)}."
        )
    rng = random.Random(seed)
    accuracies = []
    for _ in range(episodes):
        chosen = rng.sample(usable, n_way)
        prototypes, query_rows, query_truth = [], [], []
        for class_index, label in enumerate(chosen):
            rows = rng.sample(by_label[label], k_shot + queries)
            prototypes.append(vectors[rows[:k_shot]].mean(axis=0))
            query_rows.extend(rows[k_shot:])
            query_truth.extend([class_index] * queries)
        distances = ((vectors[query_rows][:, None, :] - numpy.stack(prototypes)[None, :, :]) ** 2).sum(axis=-1)
        accuracies.append(float((distances.argmin(axis=1) == numpy.asarray(query_truth)).mean()))
    mean = float(numpy.mean(accuracies))
    ci95 = 1.96 * float(numpy.std(accuracies, ddof=1)) / math.sqrt(episodes) if episodes > 1 else 0.0
    return EpisodeResult(n_way, k_shot, queries, episodes, seed, mean, ci95)
