"""spacy_tkre: few-shot relation extraction for spaCy.

Importing the package registers ``doc._.relations`` and the package's registered functions (what a packaged
pipeline or a config needs). ``python -m spacy_tkre`` leaves that to the command that runs, so that ``--help``
does not wait for torch and spacy-transformers.
"""
import sys

__version__ = "0.1.0"
__all__ = ["Relation", "RelationExtractor", "register", "render", "__version__"]

_LAZY = {"Relation": ".relations", "RelationExtractor": ".pipeline", "render": ".render"}


def register() -> None:
    """Register ``doc._.relations``, the architectures, readers, scorers and misc functions; safe to repeat."""
    from .relations import register_extension

    register_extension()
    from . import callbacks, candidates, corpus, joint_training, label_map, models, schedules, schema, scoring, transformer_model  # noqa: F401  (their modules register on import)


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if sys.argv[:1] != ["-m"]:  # "-m" only while `python -m spacy_tkre` imports this package to find __main__
    register()
