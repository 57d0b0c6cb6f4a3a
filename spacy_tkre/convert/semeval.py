"""SemEval-2010 Task 8: ``id<TAB>"text with <e1>..</e1> <e2>..</e2>"``, a label line, a comment line, a blank line.

The tags are removed and the text tokenized with spaCy's blank English tokenizer; entity offsets come
from the tag positions. Every sentence has one candidate pair (e1, e2), stored as a relation even when
its label is ``Other`` so the pair is known as a negative candidate. Directional labels are kept as
given (``Cause-Effect(e2,e1)``) with head = e1 and tail = e2, as the official scorer expects. Other data sets
use the same layout with their own label names (TAC-style ``per:employee_of(e1,e2)``): any label text is read.
"""
import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..annotation import DEFAULT_NEGATIVE_LABEL, ENTITY_LABEL, annotate, char_span
from .records import text_lines
from .report import ConversionReport, SkipRecord, convert_records

SEMEVAL_NEGATIVE = "Other"
SENTENCE_LINE = re.compile(r'^(\d+)\t"(.*)"\s*$')
COMMENT_LINE = re.compile(r"^Comment\b")
DIRECTION = re.compile(r"\(e[12],e[12]\)$")
# Something that tries to be a direction suffix: "(e1, e2)", "(E1,E2)", "(e1,e3)".
DIRECTION_LIKE = re.compile(r"\(\s*e\d.*\)$", re.IGNORECASE)
TAG = re.compile(r"</?e[12]>")
TAGS = ("<e1>", "</e1>", "<e2>", "</e2>")


def read_semeval(
    path: Union[str, Path], report: ConversionReport, *, negative_label: str = DEFAULT_NEGATIVE_LABEL
) -> Iterator[Doc]:
    """Yield one Doc per sentence of a SemEval-2010 Task 8 file (``TRAIN_FILE.TXT``, ``TEST_FILE_FULL.TXT``)."""
    nlp = spacy.blank("en")
    return convert_records(_blocks(path), lambda block: _block_to_doc(nlp, block, negative_label), report)


def _blocks(path: Union[str, Path]) -> Iterator[Tuple[str, List[str]]]:
    """Groups of consecutive non-blank lines, located by their first line number."""
    block: List[str] = []
    first = 0
    for number, line in text_lines(path):
        if line.strip():
            first = first if block else number
            block.append(line.rstrip("\r\n"))
        elif block:
            yield f"line {first}", block
            block = []
    if block:
        yield f"line {first}", block


def _block_to_doc(nlp: Language, block: List[str], negative_label: str) -> Doc:
    sentence = SENTENCE_LINE.match(block[0])
    if sentence is None:
        raise SkipRecord("malformed sentence line", "expected: id<TAB>\"text\"")
    sentence_id, marked = sentence.groups()
    label = _label(block, sentence_id)
    if not TAG.sub("", marked).strip():
        raise SkipRecord("empty text", f"sentence {sentence_id}")
    text, offsets = _strip_tags(marked)
    doc = nlp.make_doc(text)
    entities = [char_span(doc, *offsets[name], ENTITY_LABEL) for name in ("e1", "e2")]
    label = negative_label if label == SEMEVAL_NEGATIVE else label
    return annotate(doc, entities, [(0, 1, label)], source_id=sentence_id)


def _label(block: List[str], sentence_id: str) -> str:
    """The relation label on the line after the sentence; the skip reason says what stands there instead."""
    if len(block) < 2:
        raise SkipRecord("missing label line", f"sentence {sentence_id} is the last line of its block")
    label = block[1].strip()
    if COMMENT_LINE.match(label):
        raise SkipRecord("missing label line", f"sentence {sentence_id} is followed by its comment line")
    if SENTENCE_LINE.match(block[1]):
        raise SkipRecord("missing label line", f"sentence {sentence_id} is followed by another sentence")
    if DIRECTION_LIKE.search(label) and not DIRECTION.search(label):
        raise SkipRecord("malformed direction suffix", f"sentence {sentence_id}: {label!r}; write (e1,e2) or (e2,e1)")
    return label


def _strip_tags(marked: str) -> Tuple[str, Dict[str, Tuple[int, int]]]:
    """The text without ``<e1>``/``<e2>`` tags, and each entity's character offsets in that text."""
    pieces, positions, cursor, length = [], {}, 0, 0
    for tag in TAG.finditer(marked):
        pieces.append(marked[cursor : tag.start()])
        length += tag.start() - cursor
        if tag.group() in positions:
            raise SkipRecord("entity tag repeated", tag.group())
        positions[tag.group()] = length
        cursor = tag.end()
    pieces.append(marked[cursor:])
    missing = [tag for tag in TAGS if tag not in positions]
    if missing:
        raise SkipRecord("entity tag not found", ", ".join(missing))
    offsets = {name: (positions[f"<{name}>"], positions[f"</{name}>"]) for name in ("e1", "e2")}
    if any(start >= end for start, end in offsets.values()):
        raise SkipRecord("entity tag not found", "closing tag before opening tag or empty entity")
    return "".join(pieces), offsets
