"""``spacy_tkre.OpenAICompatible.v1``: a spacy-llm model for any server speaking OpenAI's chat-completions API.

spacy-llm 0.7.4's OpenAI models accept an ``endpoint`` but still check the key against api.openai.com and
require the model name to be one OpenAI lists, so they cannot talk to a local vLLM, Ollama or llama.cpp server.
This model posts to the given URL only, with an optional bearer token.
"""
import os
import time
from typing import Any, Dict, Iterable, Optional

import requests
from confection import SimpleFrozenDict
from spacy_llm.registry import registry

RETRY_STATUS = {429, 500, 502, 503, 504}


class OpenAICompatible:
    """Sends each prompt as one user message to ``endpoint`` and returns the first choice's content."""

    def __init__(
        self,
        endpoint: str,
        name: str,
        config: Dict[str, Any],
        api_key_env: Optional[str],
        system_prompt: Optional[str],
        max_tries: int,
        timeout: float,
        context_length: Optional[int],
    ):
        if max_tries < 1:
            raise ValueError(f"max_tries must be >= 1, got {max_tries}.")
        self._endpoint = endpoint
        self._name = name
        self._config = dict(config)
        self._system_prompt = system_prompt
        self._max_tries = max_tries
        self._timeout = timeout
        self._context_length = context_length
        key = os.getenv(api_key_env) if api_key_env else None
        self._headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}

    @property
    def context_length(self) -> Optional[int]:
        return self._context_length

    def __call__(self, prompts: Iterable[Iterable[str]]) -> Iterable[Iterable[str]]:
        return [[self._complete(prompt) for prompt in doc_prompts] for doc_prompts in prompts]

    def _complete(self, prompt: str) -> str:
        messages = [{"role": "system", "content": self._system_prompt}] if self._system_prompt else []
        messages.append({"role": "user", "content": prompt})
        payload = {**self._config, "model": self._name, "messages": messages}
        response = self._post(payload)
        try:
            return response.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise ValueError(
                f"{self._endpoint} answered without choices[0].message.content ({response.text[:200]!r}): check "
                "that the URL is an OpenAI-compatible /v1/chat/completions endpoint."
            ) from error

    def _post(self, payload: Dict[str, Any]) -> requests.Response:
        """POST with exponential back-off on connection errors, rate limits and server errors."""
        problem = ""
        for attempt in range(self._max_tries):
            if attempt:
                time.sleep(min(2.0**attempt, 30.0))
            try:
                response = requests.post(self._endpoint, json=payload, headers=self._headers, timeout=self._timeout)
            except requests.RequestException as error:
                problem = f"cannot connect ({error})"
                continue
            if response.status_code not in RETRY_STATUS:
                if response.status_code >= 400:
                    raise ValueError(
                        f"{self._endpoint} refused the request ({response.status_code}: {response.text[:200]}): "
                        f"check the model name {self._name!r}, the API key variable and the config."
                    )
                return response
            problem = f"status {response.status_code}: {response.text[:200]}"
        raise ValueError(
            f"{self._endpoint} failed {self._max_tries} times ({problem}); check that the server is running, or "
            "raise max_tries. Answers received so far are in the cache, so a rerun resumes."
        )


@registry.llm_models("spacy_tkre.OpenAICompatible.v1")
def make_openai_compatible(
    endpoint: str = "http://localhost:8000/v1/chat/completions",
    name: str = "default",
    config: Dict[str, Any] = SimpleFrozenDict(temperature=0.1, top_p=0.95, max_tokens=512),
    api_key_env: Optional[str] = "OPENAI_API_KEY",
    system_prompt: Optional[str] = None,
    max_tries: int = 5,
    timeout: float = 120.0,
    context_length: Optional[int] = None,
) -> OpenAICompatible:
    """A chat-completions server (vLLM, Ollama, llama.cpp server, OpenAI itself); ``config`` is sent with each
    request (sampling settings), the key is read from the environment variable ``api_key_env`` if it is set."""
    return OpenAICompatible(
        endpoint=endpoint, name=name, config=config, api_key_env=api_key_env, system_prompt=system_prompt,
        max_tries=max_tries, timeout=timeout, context_length=context_length,
    )
