"""Measurement drivers: each module runs with ``python -m bench.<name>`` from the repository root and writes what it
measures to ``bench/results/``. The library they measure is ``spacy_tkre``; nothing here is needed to use it."""
