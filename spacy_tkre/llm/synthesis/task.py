"""The synthesis task: request docs in, prompts out; responses parsed back onto the request docs.

It follows spacy-llm's sharding task protocol like spacy-llm's built-in tasks (a request is never split: it is
its own single shard) and renders templates in spacy-llm's Jinja sandbox. Which demonstrations a prompt shows
is decided here, from the request, so both prompt styles work from the same request docs.
"""
import random
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc
from spacy_llm.ty import TaskResponseParser

from ..templates import compile_template
from .requests import RESULT_KEY, Sample, read_request, read_results
from .template import TEMPLATES


class RelationSynthesisTask:
    """Asks for new samples of one relation per request, in the batch (TKRE) or diverse (one-at-a-time) style."""

    def __init__(
        self,
        style: str,
        template: str,
        parse_responses: TaskResponseParser,
        samples_per_prompt: int,
        max_demonstrations: int,
        label_definitions: Dict[str, str],
        seed: int,
    ):
        if style not in TEMPLATES:
            raise ValueError(f"Unknown synthesis style {style!r}: use one of {sorted(TEMPLATES)}.")
        if samples_per_prompt < 1 or max_demonstrations < 1:
            raise ValueError("samples_per_prompt and max_demonstrations must be >= 1.")
        self._style = style
        self._template = template
        self._parse_responses = parse_responses
        self._samples_per_prompt = samples_per_prompt if style == "batch" else 1
        self._max_demonstrations = max_demonstrations
        self._label_definitions = dict(label_definitions)
        self._seed = seed
        self._compiled = compile_template(template)

    @property
    def prompt_template(self) -> str:
        return self._template

    @property
    def style(self) -> str:
        return self._style

    @property
    def samples_per_prompt(self) -> int:
        """How many samples one prompt asks for (always 1 in the diverse style)."""
        return self._samples_per_prompt

    def demonstrations(self, request: Dict[str, Any]) -> List[Sample]:
        """Batch: up to ``max_demonstrations`` gold samples, reshuffled per attempt so retries see a new prompt.
        Diverse: a sliding window ending with the most recently accepted samples, topped up with gold samples
        rotated per attempt, so a rejected answer is not followed by the identical prompt."""
        gold, accepted, attempt = list(request["gold"]), list(request["accepted"]), request["attempt"]
        if self._style == "batch":
            random.Random(f"{self._seed}:{request['label']}:{attempt}").shuffle(gold)
            return gold[: self._max_demonstrations]
        recent = accepted[-self._max_demonstrations :]
        room = self._max_demonstrations - len(recent)
        shift = attempt % len(gold) if gold else 0
        rotated = gold[shift:] + gold[:shift]
        return rotated[:room] + recent

    @property
    def max_demonstrations(self) -> int:
        return self._max_demonstrations

    def render(self, doc: Doc) -> str:
        request = read_request(doc)
        return self.prompt(request["label"], self.demonstrations(request), request["head_types"], request["tail_types"])

    def prompt(
        self, label: str, demonstrations: Sequence[Sample], head_types: Sequence[str], tail_types: Sequence[str],
        n: Optional[int] = None,
    ) -> str:
        """The prompt for ``label`` showing exactly ``demonstrations`` and asking for ``n`` samples (by default
        ``samples_per_prompt``; preference pairs choose both themselves)."""
        return self._compiled.render(
            label=label,
            definition=self._label_definitions.get(label, ""),
            head_types=list(head_types),
            tail_types=list(tail_types),
            demonstrations=list(demonstrations),
            n=n or self._samples_per_prompt,
        )

    def generate_prompts(self, docs: Iterable[Doc], context_length: Optional[int] = None) -> Iterable[Tuple[Iterable[str], Iterable[Doc]]]:
        """One prompt per request doc; ``context_length`` is accepted for the protocol, requests are not split."""
        for doc in docs:
            yield [self.render(doc)], [doc]

    def stored_responses(self, doc: Doc) -> List[str]:
        """The raw answers behind the parsed results on ``doc``, for parsing them again (see the cache)."""
        return [result["response"] for result in read_results(doc)]

    def parse_responses(self, shards: Iterable[Iterable[Doc]], responses: Iterable[Iterable[str]]) -> Iterable[Doc]:
        """Store ``{"response", "samples", "problems"}`` per response on the request doc (see ``read_results``)."""
        shards = [list(doc_shards) for doc_shards in shards]
        responses = [list(doc_responses) for doc_responses in responses]
        for doc_shards, doc_responses, parsed in zip(shards, responses, self._parse_responses(self, shards, responses)):
            doc = doc_shards[0]
            doc.user_data[RESULT_KEY] = [
                {"response": response, **result} for response, result in zip(doc_responses, parsed)
            ]
            yield doc
