"""Pre-training examples from the project's data: gold or synthetic DocBins and LLM explanations (JSONL).

Every relation of a doc becomes one example; an explanation record becomes one example of the explanation text
with its head and tail found in it. Nothing is dropped silently: each skipped input is counted under a reason."""
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from spacy.tokens import Doc, Span

from ..docbins import read_docbin

CharSpan = Tuple[int, int]


@dataclass(frozen=True)
class EntityPair:
    """The annotated pair in its doc and the context window around it: what the pair representation's marking
    (``models.pair_slots``) needs to build the text SCL encodes."""

    head: Span
    tail: Span
    context_window: int


@dataclass(frozen=True)
class PretrainExample:
    """A text with a head and a tail span (character offsets) and the relation label between them."""

    text: str
    head: CharSpan
    tail: CharSpan
    label: str
    pair: Optional[EntityPair] = None


class SkipExample(Exception):
    """Raised for an input that cannot become an example; the message is the reason it is counted under."""


def examples_from_docs(docs: Iterable[Doc], context_window: int, skipped: Counter) -> List[PretrainExample]:
    """One example per relation in ``doc._.relations`` (negative-label relations included)."""
    examples = []
    for doc in docs:
        try:
            relations = doc._.relations
        except ValueError:
            skipped["doc whose relation offsets are not on token boundaries"] += 1
            continue
        if not relations:
            skipped["doc without relations"] += 1
            continue
        for relation in relations:
            examples.append(
                PretrainExample(
                    text=doc.text,
                    head=(relation.head.start_char, relation.head.end_char),
                    tail=(relation.tail.start_char, relation.tail.end_char),
                    label=relation.label,
                    pair=EntityPair(relation.head, relation.tail, context_window),
                )
            )
    return examples


def _find_mention(text: str, mention: str, avoid: Optional[CharSpan] = None) -> CharSpan:
    """The first case-insensitive occurrence of ``mention`` in ``text`` that does not overlap ``avoid``."""
    lowered, needle = text.lower(), mention.lower().strip()
    start = lowered.find(needle) if needle else -1
    while start >= 0 and avoid is not None and start < avoid[1] and start + len(needle) > avoid[0]:
        start = lowered.find(needle, start + 1)
    if start < 0:
        raise SkipExample("explanation that does not mention its head or tail")
    return start, start + len(needle)


def example_from_explanation(record: object) -> PretrainExample:
    """The explanation text with its head and tail mentions located in it (the record's offsets are the sentence's)."""
    try:
        explanation, label = record["explanation"], record["label"]
        head_text, tail_text = record["head"]["text"], record["tail"]["text"]
    except (KeyError, TypeError):
        raise SkipExample("explanation record without explanation, label, head.text or tail.text") from None
    if not isinstance(explanation, str) or not explanation.strip():
        raise SkipExample("empty explanation")
    head = _find_mention(explanation, str(head_text))
    tail = _find_mention(explanation, str(tail_text), avoid=head)
    return PretrainExample(text=explanation, head=head, tail=tail, label=str(label))


def examples_from_explanations(path: Path, skipped: Counter) -> List[PretrainExample]:
    """Examples from an explanation JSONL file, one record per line; bad lines are counted, not fatal."""
    examples = []
    with Path(path).open(encoding="utf8") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                examples.append(example_from_explanation(json.loads(line)))
            except json.JSONDecodeError:
                skipped["explanation line that is not JSON"] += 1
            except SkipExample as reason:
                skipped[str(reason)] += 1
    return examples


def read_examples(path: Path, context_window: int, skipped: Counter) -> List[PretrainExample]:
    """Examples from a DocBin (``.spacy``) or an explanation file (``.jsonl``), chosen by the file suffix."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Pre-training source {path} does not exist: fix the path in [paths] or --paths.*.")
    if path.suffix == ".spacy":
        return examples_from_docs(read_docbin(path), context_window, skipped)
    if path.suffix == ".jsonl":
        return examples_from_explanations(path, skipped)
    raise ValueError(
        f"Cannot read pre-training source {path}: use a DocBin (.spacy) of docs with doc._.relations "
        "or an explanation file (.jsonl) written by `python -m spacy_tkre explain`."
    )
