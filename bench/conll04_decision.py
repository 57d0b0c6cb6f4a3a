"""How the extractor's decision rule and threshold trade strict relation precision for recall, from one forward
pass over a split (choose on dev, never on test): for each setting, ``set_annotations`` is applied again to the
same label probabilities and the docs are scored as bench.conll04 scores them, from raw text and on gold entities.

    python -m bench.conll04_decision training/conll04_shared/model-best corpus/conll04_dev.spacy \
        --output bench/results/conll04_decision_dev.json

Writes the JSON (one row per setting, the best setting by raw-text strict micro-F1) and a PNG of F1 against the
threshold per rule.
"""
import json
from pathlib import Path
from typing import Dict, List, Tuple

import matplotlib
import spacy
import typer
from spacy.training import Corpus, Example

from bench.conll04 import EXTRACTOR, entity_recognizers
from spacy_tkre.corpus import create_gold_ents_corpus
from spacy_tkre.scoring.joint import score_joint, score_strict_relations

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SETTINGS: List[Tuple[str, float]] = (
    [("argmax", t) for t in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    + [("best_positive", t) for t in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)]
)


def predict_once(nlp, examples: List[Example], disable: List[str], batch_size: int):
    """Run the pipeline up to the extractor on the predicted docs, then the extractor's ``predict`` per batch."""
    extractor = nlp.get_pipe(EXTRACTOR)
    with nlp.select_pipes(disable=disable + [EXTRACTOR]):
        docs = list(nlp.pipe((eg.predicted for eg in examples), batch_size=batch_size))
    for example, doc in zip(examples, docs):
        example.predicted = doc
    batches = [docs[i:i + batch_size] for i in range(0, len(docs), batch_size)]
    return [(batch, extractor.predict(batch)) for batch in batches]


def scores_for(nlp, examples: List[Example], predictions, decision: str, threshold: float, joint: bool) -> Dict:
    extractor = nlp.get_pipe(EXTRACTOR)
    extractor.cfg.update(decision=decision, threshold=threshold)
    for batch, output in predictions:
        extractor.set_annotations(batch, output)
    return score_joint(examples) if joint else score_strict_relations(examples)


def plot(rows: List[Dict], output: Path, title: str) -> None:
    plt.figure(figsize=(7, 3.8))
    for decision, style in (("argmax", "--"), ("best_positive", "-")):
        mine = [row for row in rows if row["decision"] == decision]
        thresholds = [row["threshold"] for row in mine]
        plt.plot(thresholds, [100 * row["rel_strict_micro_f"] for row in mine], style, color="tab:blue",
                 marker="o", label=f"{decision}: micro F1, raw text")
        plt.plot(thresholds, [100 * row["gold_ents_rel_strict_micro_f"] for row in mine], style, color="tab:green",
                 marker=".", label=f"{decision}: micro F1, gold entities")
    plt.xlabel("threshold")
    plt.ylabel("strict relation F1 (%)")
    plt.title(title, fontsize=8)
    plt.legend(fontsize=7)
    plt.tight_layout()
    plt.savefig(output.with_suffix(".png"), dpi=120)
    plt.close()


def main(
    pipeline: str,
    data: Path,
    output: Path = typer.Option(..., dir_okay=False),
    batch_size: int = typer.Option(64),
) -> None:
    nlp = spacy.load(pipeline)
    raw = list(Corpus(data)(nlp))
    raw_predictions = predict_once(nlp, raw, [], batch_size)
    gold = list(create_gold_ents_corpus(data)(nlp))
    gold_predictions = predict_once(nlp, gold, entity_recognizers(nlp), batch_size)
    rows = []
    for decision, threshold in SETTINGS:
        raw_scores = scores_for(nlp, raw, raw_predictions, decision, threshold, joint=False)
        gold_scores = scores_for(nlp, gold, gold_predictions, decision, threshold, joint=False)
        rows.append({
            "decision": decision, "threshold": threshold,
            **{key: round(value, 4) for key, value in raw_scores.items() if key != "rel_strict_per_type"},
            **{f"gold_ents_{key}": round(value, 4) for key, value in gold_scores.items() if key != "rel_strict_per_type"},
        })
        print(f"{decision:14s} {threshold:.2f}  raw micro P/R/F {raw_scores['rel_strict_micro_p']:.3f} "
              f"{raw_scores['rel_strict_micro_r']:.3f} {raw_scores['rel_strict_micro_f']:.3f}  macro F "
              f"{raw_scores['rel_strict_macro_f']:.3f}  gold-ents micro F {gold_scores['rel_strict_micro_f']:.3f}")
    best = max(rows, key=lambda row: row["rel_strict_micro_f"])
    result = {"pipeline": pipeline, "data": str(data), "docs": len(raw),
              "ents_f": round(score_joint(raw)["ents_f"], 4), "best": best, "settings": rows}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2), encoding="utf8")
    plot(rows, output, f"{Path(pipeline).parent.name}/{Path(pipeline).name} on {data.name}: best "
         f"{best['decision']} {best['threshold']} ({100 * best['rel_strict_micro_f']:.1f} micro F1)")
    print(json.dumps(best, indent=2))


if __name__ == "__main__":
    typer.run(main)
