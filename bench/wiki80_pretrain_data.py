"""Pre-training data for the FewRel check: Wiki80 sentences of the relations that FewRel val_wiki does not hold.

    python -m spacy_tkre convert ../shared/data/wiki80/train_0.1.txt wiki80_train.spacy --format opennre
    python -m bench.wiki80_pretrain_data wiki80_train.spacy ../shared/data/fewrel/val_wiki.json \
        ../shared/data/fewrel/pid2name.json wiki80_pretrain.spacy --per-relation 20 --seed 0

Wiki80 names its relations, val_wiki uses Wikidata ids: pid2name maps one to the other. Relations of val_wiki are
left out entirely, so the pre-trained encoder never sees a relation it is then tested on.
"""
import json
from pathlib import Path

import typer
from spacy.tokens import DocBin
from wasabi import msg

from spacy_tkre.docbins import read_docbin
from spacy_tkre.relations import get_relations
from spacy_tkre.sampling import sample_k_shot


def main(
    wiki80: Path,
    val_wiki: Path,
    pid2name: Path,
    output: Path,
    per_relation: int = typer.Option(20, help="Sentences kept per relation (seeded)"),
    seed: int = typer.Option(0),
) -> None:
    names = json.loads(pid2name.read_text(encoding="utf8"))
    held_out = {names[pid][0] for pid in json.loads(val_wiki.read_text(encoding="utf8"))}
    docs = list(read_docbin(wiki80))
    kept = [doc for doc in docs if not any(relation.label in held_out for relation in get_relations(doc))]
    labels_seen = {relation.label for doc in docs for relation in get_relations(doc)}
    if not held_out & labels_seen:
        msg.fail(f"No relation of {val_wiki} is named in {wiki80}: are the names those of {pid2name}?", exits=1)
    chosen, counts = sample_k_shot(kept, per_relation, seed)
    DocBin(docs=chosen, store_user_data=True).to_disk(output)
    msg.good(f"{len(chosen)} sentences of {len(counts)} relations -> {output} "
             f"(left out {len(docs) - len(kept)} sentences of the {len(held_out & labels_seen)} val_wiki relations)")


if __name__ == "__main__":
    typer.run(main)
