"""Training the relation extractor behind an entity recognizer on predicted *and* gold entities.

With ``[training] annotating_components = ["transformer", "ner"]`` the extractor trains on the recognizer's
predictions, so it sees spurious and mistyped entities (which teach it the negative label). Alone, that starves
it early in training, when the recognizer finds almost nothing, and loses every gold relation whose entity the
recognizer missed. So the reader below also copies the gold entities into a span group of the predicted doc
(``doc.spans[GOLD_SPANS_KEY]``, which the recognizer neither reads nor overwrites) and the candidate generator
below adds the pairs of those gold entities to the pairs of ``doc.ents``. At prediction time no doc has that
span group, so the generator gives exactly the pairs of ``doc.ents``.
"""
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Tuple, Union

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Corpus, Example
from spacy.util import filter_spans, registry

from .candidates import CandidateGenerator, Pair

GOLD_SPANS_KEY = "tkre_gold_ents"


@registry.readers("spacy_tkre.GoldSpansCorpus.v1")
def create_gold_spans_corpus(
    path: Union[str, Path], spans_key: str = GOLD_SPANS_KEY, gold_preproc: bool = False, max_length: int = 0, limit: int = 0
) -> Callable[[Language], Iterable[Example]]:
    """spaCy's ``Corpus`` with each reference's entities copied to ``doc.spans[spans_key]`` of the predicted doc
    (``doc.ents`` stays empty for the recognizer to fill)."""
    corpus = Corpus(path, gold_preproc=gold_preproc, max_length=max_length, limit=limit)

    def read(nlp: Language) -> Iterator[Example]:
        for example in corpus(nlp):
            example.predicted.spans[spans_key] = example.get_aligned_spans_y2x(example.reference.ents)
            yield example

    return read


@registry.misc("spacy_tkre.gold_and_predicted_pairs.v1")
def make_gold_and_predicted_pairs(
    pairs: CandidateGenerator, spans_key: str = GOLD_SPANS_KEY, max_predicted_pairs: Optional[int] = None
) -> CandidateGenerator:
    """The pairs ``pairs`` gives over ``doc.ents``, plus those it gives over the entities in
    ``doc.spans[spans_key]`` when the doc has that group (training docs of ``GoldSpansCorpus``); a pair found
    both ways is kept once.

    ``max_predicted_pairs`` bounds, on such training docs only, the pairs that involve a predicted entity that is
    not gold (negatives from the recognizer's mistakes): the nearest ones are kept. An untrained recognizer
    proposes dozens of spans per sentence, and an extractor that encodes every pair on its own (entity markers)
    would otherwise run out of memory on the quadratic number of pairs early in training. Pairs of gold entities
    are never dropped, and prediction (no span group) is never capped."""
    if max_predicted_pairs is not None and max_predicted_pairs < 0:
        raise ValueError(f"max_predicted_pairs must be >= 0 or None, got {max_predicted_pairs}.")

    def gold_and_predicted_pairs(doc: Doc) -> List[Pair]:
        found = pairs(doc)
        if spans_key not in doc.spans or not len(doc.spans[spans_key]):
            return found
        gold = _pairs_over(doc, list(doc.spans[spans_key]), pairs)
        gold_keys = {_pair_key(pair) for pair in gold}
        predicted_only = [pair for pair in found if _pair_key(pair) not in gold_keys]
        if max_predicted_pairs is not None and len(predicted_only) > max_predicted_pairs:
            nearest = sorted(range(len(predicted_only)), key=lambda i: _gap(predicted_only[i]))[:max_predicted_pairs]
            predicted_only = [predicted_only[i] for i in sorted(nearest)]
        return predicted_only + gold

    return gold_and_predicted_pairs


def _gap(pair: Pair) -> int:
    """Tokens between the two spans of a pair (0 when they touch)."""
    head, tail = pair
    return max(head.start, tail.start) - min(head.end, tail.end)


def _pairs_over(doc: Doc, entities: List[Span], pairs: CandidateGenerator) -> List[Pair]:
    """``pairs`` applied as if ``entities`` were the doc's entities (on a copy), mapped back onto ``doc``."""
    view = doc.copy()
    view.ents = [Span(view, span.start, span.end, label=span.label) for span in filter_spans(entities)]
    return [(_on(doc, head), _on(doc, tail)) for head, tail in pairs(view)]


def _on(doc: Doc, span: Span) -> Span:
    return Span(doc, span.start, span.end, label=span.label)


def _pair_key(pair: Pair) -> Tuple[Tuple[int, int, str], Tuple[int, int, str]]:
    head, tail = pair
    return (head.start, head.end, head.label_), (tail.start, tail.end, tail.label_)
