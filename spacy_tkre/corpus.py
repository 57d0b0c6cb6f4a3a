"""A corpus reader that gives the predicted docs the gold entities, so the relation extractor trains and is
evaluated on gold entity mentions (the standard relation-classification setting)."""
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from spacy.language import Language
from spacy.training import Corpus, Example
from spacy.util import registry


@registry.readers("spacy_tkre.GoldEntsCorpus.v1")
def create_gold_ents_corpus(
    path: Union[str, Path], gold_preproc: bool = False, max_length: int = 0, limit: int = 0
) -> Callable[[Language], Iterable[Example]]:
    """spaCy's ``Corpus`` with each reference's ``doc.ents`` copied onto the predicted doc."""
    corpus = Corpus(path, gold_preproc=gold_preproc, max_length=max_length, limit=limit)

    def read(nlp: Language) -> Iterator[Example]:
        for example in corpus(nlp):
            yield with_gold_entities(example)

    return read


def with_gold_entities(example: Example) -> Example:
    """The example with the reference's entities aligned onto the predicted tokens."""
    example.predicted.ents = example.get_aligned_spans_y2x(example.reference.ents)
    return example
