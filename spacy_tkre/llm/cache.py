"""``spacy_tkre.ResumableCache.v1``: a spacy-llm cache that makes a killed run resumable.

spacy-llm's ``spacy.BatchCache.v1`` does not fit: it writes docs only once a batch is full (a kill loses the
queue), identifies a doc by the sum of its token hashes (two requests with the same text but different
demonstrations collide), and a damaged batch or index file stops every later run. This cache keeps spacy-llm's
cache protocol (the ``llm`` component calls ``in``, ``[]`` and ``add``) but writes every answered doc at once, to
its own file, atomically, under a key made from the doc text and the exact prompts. A damaged entry is
reported, set aside as ``*.corrupt`` and asked again. For tasks that keep their raw responses on the doc (both
tkre tasks do), a cached answer is parsed again with the current parser, so a parser fix never costs a prompt.
"""
import hashlib
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Union

from spacy.tokens import Doc
from spacy.vocab import Vocab
from spacy_llm.registry import registry
from spacy_llm.compat import Protocol, runtime_checkable
from spacy_llm.ty import LLMTask, PromptTemplateProvider, supports_sharding

CHECKSUM_BYTES = 32


@runtime_checkable
class KeepsResponses(Protocol):
    """A sharding task whose processed docs hold the raw responses they were parsed from."""

    def stored_responses(self, doc: Doc) -> List[str]:
        ...


class ResumableCache:
    """Answered docs on disk, one checksummed file per prompt set; ``path=None`` turns caching off."""

    def __init__(self, path: Optional[Union[str, Path]]):
        self._path = Path(path) if path else None
        if self._path is not None:
            if self._path.exists() and not self._path.is_dir():
                raise ValueError(f"The cache path {self._path} is a file; give a directory (it is created if missing).")
            self._path.mkdir(parents=True, exist_ok=True)
        self._vocab: Optional[Vocab] = None
        self._task: Optional[LLMTask] = None
        self._prompt_template: Optional[str] = None
        self._loaded: Dict[str, Doc] = {}
        self.stats: Counter = Counter()

    def initialize(self, vocab: Vocab, task: LLMTask) -> None:
        """Called by the ``llm`` component; the task is kept to render the prompts that key each doc."""
        self._vocab = vocab
        self._task = task
        self._prompt_template = task.prompt_template if isinstance(task, PromptTemplateProvider) else None

    @property
    def prompt_template(self) -> Optional[str]:
        return self._prompt_template

    @prompt_template.setter
    def prompt_template(self, prompt_template: str) -> None:
        self._prompt_template = prompt_template

    def key(self, doc: Doc) -> str:
        """The doc's text and every prompt the task renders for it: a changed template, demonstration or setting
        makes a new key, so no stale answer is reused."""
        if self._task is None:
            raise ValueError("The cache was used before initialize(); it is meant to be used by the `llm` component.")
        generated = next(iter(self._task.generate_prompts([doc])))
        prompts: Iterable = generated[0] if supports_sharding(self._task) else [generated]
        digest = hashlib.sha256(doc.text.encode("utf8"))
        for prompt in prompts:
            digest.update(b"\x1e" + str(prompt).encode("utf8"))
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        assert self._path is not None
        return self._path / f"{key}.doc"

    def __contains__(self, doc: Doc) -> bool:
        """Whether an intact answer is on disk; it is loaded here, so a damaged file is found before the
        component relies on it, and it is then asked again."""
        if self._path is None:
            return False
        key = self.key(doc)
        if key in self._loaded:
            return True
        entry = self._entry(key)
        if not entry.exists():
            self.stats["missed"] += 1
            return False
        try:
            self._loaded[key] = self._read(entry)
        except Exception as error:  # a damaged file may fail in msgpack, spaCy or the checksum
            self.stats["corrupt"] += 1
            entry.replace(entry.with_suffix(".corrupt"))
            warnings.warn(f"Cache entry {entry.name} is damaged ({error}); it was moved aside and will be asked again.")
            return False
        return True

    def __getitem__(self, doc: Doc) -> Optional[Doc]:
        if doc not in self:
            return None
        self.stats["hit"] += 1
        cached = self._loaded.pop(self.key(doc))
        if isinstance(self._task, KeepsResponses) and supports_sharding(self._task):
            cached = next(iter(self._task.parse_responses([[cached]], [self._task.stored_responses(cached)])))
        return cached

    def add(self, doc: Doc) -> None:
        """Write the answered doc now, through a temporary file and a rename, so a kill never leaves half a file."""
        if self._path is None:
            return
        payload = doc.to_bytes()
        handle, temporary = tempfile.mkstemp(dir=self._path, suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(hashlib.sha256(payload).digest() + payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self._entry(self.key(doc)))
        self.stats["added"] += 1

    def _read(self, entry: Path) -> Doc:
        data = entry.read_bytes()
        checksum, payload = data[:CHECKSUM_BYTES], data[CHECKSUM_BYTES:]
        if hashlib.sha256(payload).digest() != checksum:
            raise ValueError("checksum mismatch")
        assert self._vocab is not None
        return Doc(self._vocab).from_bytes(payload)


@registry.llm_misc("spacy_tkre.ResumableCache.v1")
def make_resumable_cache(path: Optional[str] = None) -> ResumableCache:
    """A cache directory that lets an interrupted run resume without asking any answered prompt again."""
    return ResumableCache(path)
