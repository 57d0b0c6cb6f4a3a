"""Reading an explanation out of the LLM's answer: the first paragraph of prose, without labels or markup.

An answer cut off by the token limit is trimmed to its last complete sentence. An answer with no usable text is
reported with a reason rather than stored, so pre-training never reads an empty or one-word "explanation".
"""
import re
from typing import Any, Dict, Iterable, List, Optional

from spacy.tokens import Doc

from ..diversity import similarity, words

MIN_WORDS = 3
MAX_SIMILARITY_TO_SENTENCE = 0.9
LEAD_LABEL = re.compile(r"^\s*(explanation|answer|reason)\s*[:\-]\s*", re.IGNORECASE)
FENCE = re.compile(r"```[a-z]*", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)")

EMPTY = "empty explanation"
TOO_SHORT = f"explanation shorter than {MIN_WORDS} words"
REPEATS = "explanation only repeats the sentence"


def parse_explanation(response: str, sentence: str = "") -> Dict[str, Optional[str]]:
    """``{"explanation": text or None, "problem": reason or None}``; ``sentence`` is the explained text, which
    small models often just copy back."""
    text = FENCE.sub("", response or "").strip()
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = LEAD_LABEL.sub("", paragraphs[0]) if paragraphs else ""
    text = " ".join(text.replace("**", "").split())
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()  # the whole answer in quotes
    text = _complete_sentences(text)
    if not text:
        return {"explanation": None, "problem": EMPTY}
    if len(text.split()) < MIN_WORDS:
        return {"explanation": None, "problem": TOO_SHORT}
    if sentence and similarity(words(text), words(sentence)) >= MAX_SIMILARITY_TO_SENTENCE:
        return {"explanation": None, "problem": REPEATS}
    return {"explanation": text, "problem": None}


def _complete_sentences(text: str) -> str:
    """``text`` up to its last sentence end, if it stops mid-sentence after one."""
    if re.search(r"[.!?][\"')\]]*$", text):
        return text
    ends = list(SENTENCE_END.finditer(text))
    return text[: ends[-1].end()] if ends else text


def parse_responses_v1(task: Any, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[List[Dict[str, Optional[str]]]]:
    """spacy-llm parser protocol: per doc, one parsed explanation per response."""
    for doc_shards, doc_responses in zip(shards, responses):
        sentence = list(doc_shards)[0].text
        yield [parse_explanation(response, sentence) for response in doc_responses]
