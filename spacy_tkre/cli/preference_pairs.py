"""``python -m spacy_tkre preference-pairs``: chosen / rejected answers to synthesis prompts, for DPO (JSONL)."""
import time
from collections import Counter
from pathlib import Path
from typing import List, Optional

import spacy
import typer
from spacy import util
from spacy.cli._util import import_code, parse_config_overrides
from wasabi import msg

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..dpo.gold_pairs import KINDS, gold_pairs
from ..dpo.pairs import write_pairs
from ..dpo.self_pairs import self_pairs
from ..llm.loading import load_part
from ..llm.synthesis.run import gold_samples
from ..llm.sentence_vectors import SentenceVectors
from ..llm.validation import ConsistencyFilter, SampleValidator
from ..models.encoder import DEFAULT_ENCODER
from .app import app
from .docbins import read_docbin_or_exit
from .support_schema import support_schema

SOURCES = ("gold", "self", "both")


@app.command("preference-pairs", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def preference_pairs_command(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="LLM config whose synthesis task writes the prompts (configs/llm_local.cfg)"),
    support_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold K-shot support set (.spacy)"),
    pairs_path: Path = typer.Argument(..., dir_okay=False, help="Where to write the pairs (.jsonl)"),
    source: str = typer.Option("gold", "--source", help="gold: from the support set; self: from the generator's own samples; both"),
    candidates: int = typer.Option(4, "--candidates", min=2, help="Answers sampled per label's prompt (--source self), every verdict kept"),
    component: str = typer.Option("synthesis", "--component", help="The config's llm component"),
    kinds: Optional[List[str]] = typer.Option(None, "--kind", help=f"A rejected kind of gold pairs; repeat for several (default: all of {', '.join(KINDS)})"),
    negative_label: str = typer.Option(DEFAULT_NEGATIVE_LABEL, "--negative-label", help="No-relation label, never paired"),
    schema_path: Optional[Path] = typer.Option(None, "--schema", exists=True, dir_okay=False, help='Schema file (JSON/YAML) {label: {"head": [types], "tail": [types], "definition": text}}; default: the types in SUPPORT'),
    head_first: bool = typer.Option(False, "--head-first", help="Candidates whose head comes after the tail are invalid (SemEval), as in synthesize"),
    filter_model: Optional[Path] = typer.Option(None, "--filter-model", exists=True, help="Trained tkre pipeline whose consistency filter candidates must also pass (--source self)"),
    filter_threshold: float = typer.Option(0.5, "--filter-threshold", min=0.0, max=1.0, help="Least probability of the target label the filter accepts"),
    encoder: str = typer.Option(DEFAULT_ENCODER, "--encoder", help="Sentence encoder (folder or packaged alias) whose similarity, with BLEU, picks the farthest valid candidate (--source self)"),
    half: Optional[int] = typer.Option(None, "--half", min=0, max=1, help="Only the pairs of this label half (what `dpo --half` trains on); with --source self only its labels are sampled, half the time"),
    seed: int = typer.Option(0, "--seed", help="Seed of the demonstration order, the rejected answers and the label halves"),
    code_path: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file with extra registered functions"),
) -> None:
    """Write preference pairs for DPO. Every pair records its label half: tune one generator on half 0's pairs
    for half 1's labels and one on half 1's for half 0's (`dpo --half`), so no generator learns the gold answers
    of the labels it generates for. Config overrides go after the arguments, as for `synthesize`."""
    import_code(code_path)
    if source not in SOURCES:
        msg.fail(f"--source {source!r} is not one of {', '.join(SOURCES)}.", exits=1)
    overrides = parse_config_overrides(ctx.args)
    support = read_docbin_or_exit(support_path)
    gold = gold_samples(support, negative_label)
    if not gold:
        msg.fail(f"{support_path} has no relation other than {negative_label!r}: nothing to pair.", exits=1)
    schema = support_schema(gold, schema_path)
    started = time.perf_counter()
    pairs, skipped, verdicts = [], Counter(), Counter()
    try:
        task = load_part(config_path, component, "task", overrides)
        if task.style != "diverse":
            msg.warn(f"The {component} task's style is {task.style!r}: the pairs teach one sample per answer, as the "
                     "diverse style asks; add --components.synthesis.task.style diverse here and when synthesizing.")
        if source in ("gold", "both"):
            found, reasons = gold_pairs(task, gold, schema, seed, kinds or KINDS)
            pairs.extend(pair for pair in found if half is None or pair["half"] == half)
            skipped.update(reasons)
        if source in ("self", "both"):
            model = load_part(config_path, component, "model", overrides)
            make_doc = spacy.blank(util.load_config(config_path)["nlp"]["lang"]).make_doc
            consistency = ConsistencyFilter(str(filter_model), filter_threshold) if filter_model else None
            validator = SampleValidator(
                make_doc, schema, [doc.text for doc in support], head_first=head_first, consistency=consistency
            )
            found, reasons = self_pairs(task, model, gold, validator, SentenceVectors(encoder), candidates, seed, half, verdicts)
            pairs.extend(found)
            skipped.update(reasons)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    if not pairs:
        msg.fail(f"No pair could be made (skipped: {dict(skipped)}): gold pairs need two gold samples of a label, self "
                 "pairs a valid candidate (raise --candidates).", exits=1)
    write_pairs(pairs_path, pairs)
    counts = Counter((pair["source"], pair["kind"], pair["half"]) for pair in pairs)
    msg.table([(*key, count) for key, count in sorted(counts.items())], header=("source", "rejected kind", "half", "pairs"), divider=True)
    for part in (0, 1):
        msg.text(f"half {part}: {', '.join(sorted({p['label'] for p in pairs if p['half'] == part}))}")
    if verdicts:
        msg.table(verdicts.most_common(), header=("candidate verdict", "answers"), divider=True)
    if skipped:
        msg.warn(f"Skipped: {dict(skipped)}")
    msg.good(f"Wrote {len(pairs)} pairs to {pairs_path} in {time.perf_counter() - started:.1f} s")
