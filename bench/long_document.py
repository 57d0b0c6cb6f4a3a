"""A long document through a joint (ner + relation extractor) pipeline: time, peak memory, candidate pairs.

    python -m bench.long_document training/conll04_shared/model-best corpus/conll04_test.spacy \
        --output bench/results/conll04_long_document.json

The document is CoNLL04 test sentences joined until it has ``--tokens`` tokens; ``--entities`` of their gold
entities (spread evenly) are preset on it and the recognizer is disabled, so the extractor gets exactly that many.
Each setting runs in a fresh process; its memory is the peak resident set size sampled every 5 ms while the
document is processed, minus the resident size just before (pipeline loaded, a short sentence run).
Settings: the preset document as built (the joined sentences keep their sentence boundaries, so candidates are
limited by sentence and distance), the same with a sentencizer added first, and raw text (the ner finds the
entities; no sentence boundaries, so candidates are limited by the extractor's token distance only).
"""
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List

import spacy
import typer
from spacy.tokens import Doc, DocBin

from bench.bar_chart import save_result
from spacy_tkre.decision_tuning import EXTRACTOR, entity_recognizers
from spacy_tkre.results import append_record, make_record

SETTINGS = ("distance", "distance_and_sentence", "raw_text")


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


class PeakMemory:
    """Samples this process's resident set size in a thread while the ``with`` block runs."""

    def __enter__(self) -> "PeakMemory":
        self.baseline = self.peak = resident_bytes()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, resident_bytes())

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())


def long_document(nlp, data: Path, tokens: int, entities: int) -> Doc:
    """Test sentences joined into one doc of ``tokens`` tokens, with ``entities`` gold entities preset."""
    sentences = list(DocBin().from_disk(data).get_docs(nlp.vocab))
    picked: List[Doc] = []
    while sum(len(doc) for doc in picked) < tokens:
        picked.append(sentences[len(picked) % len(sentences)])
    doc = Doc.from_docs(picked)[:tokens].as_doc()
    ents = list(doc.ents)
    if len(ents) < entities:
        raise ValueError(f"Only {len(ents)} entities in the first {tokens} tokens; ask for fewer entities.")
    step = len(ents) / entities
    doc.ents = [ents[int(i * step)] for i in range(entities)]
    return doc


def measure(pipeline: str, data: Path, tokens: int, entities: int, setting: str) -> Dict:
    """One setting in this process: seconds, pairs, relations and peak memory over the loaded baseline."""
    nlp = spacy.load(pipeline)
    if setting == "distance_and_sentence":
        nlp.add_pipe("sentencizer", first=True)
    nlp("Alice works for Acme in Paris .")
    doc = long_document(nlp, data, tokens, entities)
    disabled = [] if setting == "raw_text" else entity_recognizers(nlp)
    if setting == "raw_text":
        doc = nlp.make_doc(doc.text)
    with PeakMemory() as memory, nlp.select_pipes(disable=disabled):
        start = time.perf_counter()
        doc = nlp(doc)
        seconds = time.perf_counter() - start
    return {
        "setting": setting, "tokens": len(doc), "entities": len(doc.ents),
        "candidate_pairs": len(nlp.get_pipe(EXTRACTOR).candidates(doc)), "relations": len(doc._.relations),
        "seconds": round(seconds, 2), "docs_per_s": round(1 / seconds, 3),
        "baseline_rss_mb": round(memory.baseline / 2**20, 1), "peak_rss_mb": round(memory.peak / 2**20, 1),
        "extra_peak_mb": round((memory.peak - memory.baseline) / 2**20, 1),
    }


def main(
    pipeline: str,
    data: Path,
    output: Path = typer.Option(Path("bench/results/conll04_long_document.json"), dir_okay=False),
    tokens: int = typer.Option(5000),
    entities: int = typer.Option(200),
    setting: str = typer.Option("", help="Measure one setting and print it as JSON (used internally)"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
) -> None:
    if setting:
        print(json.dumps(measure(pipeline, data, tokens, entities, setting)))
        return
    start = time.perf_counter()
    runs = []
    for name in SETTINGS:
        command = [sys.executable, "-m", "bench.long_document", pipeline, str(data), "--tokens", str(tokens), "--entities", str(entities),
                   "--setting", name]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(f"{name}: {runs[-1]}", file=sys.stderr)
    metrics = {run["setting"]: run for run in runs}
    record = make_record("conll04_long_document", Path(pipeline).parent.name, metrics, time.perf_counter() - start,
                         pipeline=pipeline, tokens=tokens, entities=entities)
    append_record(results, record)
    save_result(record, output, {run["setting"].replace("_", "\n"): run["extra_peak_mb"] for run in runs},
                ["tab:blue", "tab:cyan", "grey"], "peak memory over loaded pipeline (MB)",
                f"{tokens}-token doc, {entities} preset entities")


if __name__ == "__main__":
    typer.run(main)
