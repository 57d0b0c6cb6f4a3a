"""Reading an explanation out of the LLM's answer: the first paragraph of prose, without labels or markup.

An answer with no usable text is reported with a reason rather than stored, so pre-training never reads an
empty or one-word "explanation".
"""
import re
from typing import Any, Dict, Iterable, List, Optional

from spacy.tokens import Doc

MIN_WORDS = 3
LEAD_LABEL = re.compile(r"^\s*(explanation|answer|reason)\s*[:\-]\s*", re.IGNORECASE)
FENCE = re.compile(r"```[a-z]*", re.IGNORECASE)

EMPTY = "empty explanation"
TOO_SHORT = f"explanation shorter than {MIN_WORDS} words"


def parse_explanation(response: str) -> Dict[str, Optional[str]]:
    """``{"explanation": text or None, "problem": reason or None}``."""
    text = FENCE.sub("", response or "").strip()
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = LEAD_LABEL.sub("", paragraphs[0]) if paragraphs else ""
    text = " ".join(text.replace("**", "").split()).strip("\"'` ")
    if not text:
        return {"explanation": None, "problem": EMPTY}
    if len(text.split()) < MIN_WORDS:
        return {"explanation": None, "problem": TOO_SHORT}
    return {"explanation": text, "problem": None}


def parse_responses_v1(task: Any, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[List[Dict[str, Optional[str]]]]:
    """spacy-llm parser protocol: per doc, one parsed explanation per response."""
    for _, doc_responses in zip(shards, responses):
        yield [parse_explanation(response) for response in doc_responses]
