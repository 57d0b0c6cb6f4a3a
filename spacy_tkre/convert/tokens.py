"""Docs over pre-tokenized words (FewRel, OpenNRE, CoNLL04), with spaces guessed so the text reads naturally."""
from typing import Any

from spacy.tokens import Doc
from spacy.vocab import Vocab

from .report import SkipRecord

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''", "'"}
NO_SPACE_BEFORE |= {"'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "``", "`"}


def doc_from_tokens(vocab: Vocab, tokens: Any) -> Doc:
    """A Doc over pre-tokenized words, with spaces guessed so the text reads naturally (no space before a comma)."""
    if not isinstance(tokens, list) or not all(isinstance(token, str) for token in tokens):
        raise SkipRecord("tokens are not a list of strings")
    if not tokens:
        raise SkipRecord("empty text")
    if "" in tokens:
        raise SkipRecord("empty token", f"token {tokens.index('')}")
    spaces = [_space_between(word, following) for word, following in zip(tokens, tokens[1:])] + [False]
    return Doc(vocab, words=tokens, spaces=spaces)


def _space_between(word: str, following: str) -> bool:
    if word.isspace() or following.isspace():
        return False
    return word not in NO_SPACE_AFTER and following not in NO_SPACE_BEFORE
