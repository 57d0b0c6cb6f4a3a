"""N-way K-shot episodes classified by the nearest prototype (the mean support representation per relation).
Episodes are drawn first, from the labels alone, so that only the docs they use need encoding."""
import math
import random
from dataclasses import asdict, dataclass
from typing import Dict, List, Sequence, Set

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


@dataclass(frozen=True)
class Episodes:
    """Drawn episodes: per episode and relation, the row indices of its support docs, then of its queries."""

    n_way: int
    k_shot: int
    queries: int
    seed: int
    rows: List[List[List[int]]]

    def used_rows(self) -> Set[int]:
        return {row for episode in self.rows for class_rows in episode for row in class_rows}


def draw_episodes(labels: Sequence[str], n_way: int, k_shot: int, queries: int, episodes: int, seed: int) -> Episodes:
    """Sample episodes: N relations, K support and Q query docs each, no doc twice in an episode."""
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
    drawn = []
    for _ in range(episodes):
        chosen = rng.sample(usable, n_way)
        drawn.append([rng.sample(by_label[label], k_shot + queries) for label in chosen])
    return Episodes(n_way, k_shot, queries, seed, drawn)


def squared_distances(queries: numpy.ndarray, prototypes: numpy.ndarray) -> numpy.ndarray:
    """Squared Euclidean distance of each query (row) to each prototype (column): the nearest-prototype metric of
    episodes and of the component's prototype labels (``spacy_tkre.prototypes``)."""
    return ((queries[:, None, :] - prototypes[None, :, :]) ** 2).sum(axis=-1)


def score_episodes(vectors: numpy.ndarray, episodes: Episodes) -> EpisodeResult:
    """Classify each query by squared Euclidean distance to the prototypes (only the drawn rows of ``vectors`` are
    read). Accuracy is averaged over episodes; ``ci95`` is the half-width of the normal 95% interval over the
    per-episode accuracies."""
    k_shot, accuracies = episodes.k_shot, []
    for episode in episodes.rows:
        prototypes = numpy.stack([vectors[rows[:k_shot]].mean(axis=0) for rows in episode])
        query_rows = [row for rows in episode for row in rows[k_shot:]]
        query_truth = [class_index for class_index, rows in enumerate(episode) for _ in rows[k_shot:]]
        distances = squared_distances(vectors[query_rows], prototypes)
        accuracies.append(float((distances.argmin(axis=1) == numpy.asarray(query_truth)).mean()))
    n = len(accuracies)
    ci95 = 1.96 * float(numpy.std(accuracies, ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return EpisodeResult(episodes.n_way, k_shot, episodes.queries, n, episodes.seed, float(numpy.mean(accuracies)), ci95)


def run_episodes(
    vectors: numpy.ndarray, labels: Sequence[str], n_way: int, k_shot: int, queries: int, episodes: int, seed: int
) -> EpisodeResult:
    """Draw and score episodes over vectors of every doc."""
    return score_episodes(vectors, draw_episodes(labels, n_way, k_shot, queries, episodes, seed))
