"""Diversity and similarity of generated text: distinct-n, self-BLEU, similarity to a reference set.

No BLEU implementation is installed (nltk and sacrebleu are not dependencies), so sentence BLEU is written
here: up to 4-grams, uniform weights, clipped counts against several references, brevity penalty with the
closest reference length, and nltk's smoothing "method1" (a zero n-gram match counts as 0.1) so short
sentences do not all score 0. Self-BLEU (Zhu et al., 2018) scores each sample against all the others: lower
means more diverse.
"""
import math
import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

WORD = re.compile(r"\w+|[^\w\s]")
MAX_ORDER = 4
EPSILON = 0.1


def words(text: str) -> List[str]:
    """Lower-cased word and punctuation tokens: the unit of every figure here and of duplicate checks."""
    return WORD.findall(text.lower())


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-sequence similarity in [0, 1] (difflib's ratio): 1 for copies, high for one-word edits."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def ngrams(tokens: Sequence[str], n: int) -> List[Tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(texts: Sequence[str], n: int) -> Optional[float]:
    """Unique n-grams over all n-grams of the set (Li et al., 2016); None when there is no n-gram."""
    grams = [gram for text in texts for gram in ngrams(words(text), n)]
    return len(set(grams)) / len(grams) if grams else None


def sentence_bleu(hypothesis: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """BLEU-4 of one tokenized sentence against tokenized references."""
    if not hypothesis or not references:
        return 0.0
    log_precision = 0.0
    for n in range(1, MAX_ORDER + 1):
        counts = Counter(ngrams(hypothesis, n))
        total = sum(counts.values())
        if total == 0:
            log_precision += math.log(EPSILON) / MAX_ORDER  # shorter than n: as for a zero match
            continue
        best: Counter = Counter()
        for reference in references:
            best |= Counter(ngrams(reference, n))
        matched = sum(min(count, best[gram]) for gram, count in counts.items())
        log_precision += math.log((matched or EPSILON) / total) / MAX_ORDER
    closest = min((abs(len(ref) - len(hypothesis)), len(ref)) for ref in references)[1]
    brevity = 1.0 if len(hypothesis) > closest else math.exp(1 - closest / len(hypothesis))
    return brevity * math.exp(log_precision)


def self_bleu(texts: Sequence[str]) -> Optional[float]:
    """Mean BLEU of each text against all the others; None for fewer than two texts."""
    tokenized = [words(text) for text in texts]
    if len(tokenized) < 2:
        return None
    scores = [sentence_bleu(tokens, tokenized[:i] + tokenized[i + 1 :]) for i, tokens in enumerate(tokenized)]
    return sum(scores) / len(scores)


def diversity(texts: Sequence[str]) -> Dict[str, Optional[float]]:
    return {
        "n": len(texts),
        "distinct_1": distinct_n(texts, 1),
        "distinct_2": distinct_n(texts, 2),
        "self_bleu": self_bleu(texts),
    }


def per_label_self_bleu(texts_per_label: Mapping[str, Sequence[str]]) -> Optional[float]:
    """Self-BLEU within each label (samples of one relation compared with each other), averaged over the labels
    that have two texts or more: pooled, the samples of other relations would make any set look diverse."""
    values = [value for value in (self_bleu(texts) for texts in texts_per_label.values()) if value is not None]
    return sum(values) / len(values) if values else None


def similarity_to_reference(texts: Sequence[str], references: Sequence[str]) -> Dict[str, Optional[float]]:
    """How close generated texts stay to the gold set: mean BLEU against all gold texts, and mean similarity to
    the nearest gold text."""
    if not texts or not references:
        return {"bleu_to_gold": None, "nearest_gold_similarity": None}
    gold = [words(text) for text in references]
    tokenized = [words(text) for text in texts]
    return {
        "bleu_to_gold": sum(sentence_bleu(tokens, gold) for tokens in tokenized) / len(tokenized),
        "nearest_gold_similarity": sum(max(similarity(tokens, ref) for ref in gold) for tokens in tokenized)
        / len(tokenized),
    }
