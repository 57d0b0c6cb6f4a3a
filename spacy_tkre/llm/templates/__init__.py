"""The package's prompt templates: versioned Jinja files, as spacy-llm ships ``rel.v1.jinja``.

A task takes its template as text (a ``template`` argument), so a config can replace it, e.g. with spacy-llm's
``spacy.FileReader.v1``. Every template, shipped or given, is rendered in one sandboxed environment that can
``{% include %}`` the shipped files, so a custom template can reuse ``sample.v1.jinja``, the six-line sample
layout the synthesis parser reads (minus its ``Relation:`` line, which the prompts write themselves).
"""
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.sandbox

TEMPLATE_DIR = Path(__file__).parent
SAMPLE = "sample.v1"


def read_template(name: str) -> str:
    """The text of the shipped template ``name`` (e.g. ``"synthesis_diverse.v1"``)."""
    path = TEMPLATE_DIR / f"{name}.jinja"
    if not path.exists():
        known = sorted(found.stem for found in TEMPLATE_DIR.glob("*.jinja"))
        raise ValueError(f"No shipped template {name!r}: use one of {known}.")
    return path.read_text(encoding="utf8")


@lru_cache(maxsize=None)
def environment() -> jinja2.sandbox.SandboxedEnvironment:
    """spacy-llm's sandbox, with the shipped templates available to ``{% include %}``."""
    return jinja2.sandbox.SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)))


def compile_template(text: str) -> jinja2.Template:
    return environment().from_string(text)


def render_sample(sample: dict) -> str:
    """One sample as an answer in the layout the synthesis parser reads (``sample.v1.jinja``)."""
    return environment().get_template(f"{SAMPLE}.jinja").render(sample=sample)
