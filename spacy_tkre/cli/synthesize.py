"""``python -m spacy_tkre synthesize``: new training samples per relation from an LLM, validated, with a report."""
from pathlib import Path
from typing import List, Optional

import srsly
import typer
from spacy.cli._util import import_code, parse_config_overrides
from spacy.tokens import DocBin
from wasabi import msg

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..dpo.label_split import labels_to_generate
from ..llm.loading import cache_stats, load_llm_component
from ..llm.synthesis.run import default_max_prompts, gold_samples, synthesize
from ..llm.validation import ConsistencyFilter, SampleValidator
from .app import app
from .docbins import read_docbin_or_exit
from .support_schema import support_schema


@app.command("synthesize", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def synthesize_command(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="LLM config (configs/llm_*.cfg)"),
    support_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold K-shot support set (.spacy)"),
    output_path: Path = typer.Argument(..., dir_okay=False, help="Where to write the accepted samples (.spacy)"),
    per_label: int = typer.Option(8, "--per-label", min=1, help="Samples wanted per relation label"),
    report_path: Optional[Path] = typer.Option(None, "--report", dir_okay=False, help="Write the quality report (JSON) here"),
    component: str = typer.Option("synthesis", "--component", help="The config's llm component to use"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Answer cache; default OUTPUT with suffix .cache. Rerun to resume."),
    labels: Optional[List[str]] = typer.Option(None, "--label", help="A label to synthesize; repeat for several (default: all in SUPPORT)"),
    labels_from: Optional[Path] = typer.Option(None, "--labels-from", exists=True, dir_okay=False, help="A DPO-tuned generator's dpo_meta.json: synthesize only the labels it was not tuned on (see `dpo --half`)"),
    negative_label: str = typer.Option(DEFAULT_NEGATIVE_LABEL, "--negative-label", help="No-relation label, never synthesized"),
    max_prompts: Optional[int] = typer.Option(None, "--max-prompts", min=1, help="Prompts per label at most (default: 3x the minimum)"),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Requests sent to the component together; a kill loses at most one batch"),
    min_tokens: int = typer.Option(4, "--min-tokens", min=1, help="Shortest accepted context, in tokens"),
    max_tokens: int = typer.Option(80, "--max-tokens", min=1, help="Longest accepted context, in tokens"),
    near_duplicate: float = typer.Option(0.85, "--near-duplicate", min=0.0, max=1.0, help="Word-sequence similarity that counts as a near duplicate"),
    head_first: bool = typer.Option(False, "--head-first", help="Reject samples whose head comes after the tail (SemEval: e1 is always first)"),
    schema_path: Optional[Path] = typer.Option(None, "--schema", exists=True, dir_okay=False, help='Schema file (JSON/YAML) {label: {"head": [types], "tail": [types], "definition": text}}; default: the types in SUPPORT'),
    filter_model: Optional[Path] = typer.Option(None, "--filter-model", exists=True, help="Trained tkre pipeline for the consistency filter"),
    filter_threshold: float = typer.Option(0.5, "--filter-threshold", min=0.0, max=1.0, help="Least probability of the target label the filter accepts"),
    gpu_id: Optional[int] = typer.Option(None, "--gpu-id", help="GPU for spacy_tkre.LocalCausalLM.v1 (-1: CPU); sets components.NAME.model.gpu_id"),
    code_path: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file with extra registered functions (models, tasks)"),
) -> None:
    """Ask the LLM for PER_LABEL new samples of every relation in SUPPORT and write the valid ones to OUTPUT.

    Config overrides go after the arguments, e.g. --components.synthesis.task.style diverse. A run that stops
    half way resumes from its cache when started again with the same arguments.
    """
    import_code(code_path)
    overrides = parse_config_overrides(ctx.args)
    if gpu_id is not None:
        overrides[f"components.{component}.model.gpu_id"] = gpu_id
    support = read_docbin_or_exit(support_path)
    gold = gold_samples(support, negative_label)
    if labels and labels_from:
        msg.fail("Give --label or --labels-from, not both.", exits=1)
    if labels_from:
        try:
            labels = labels_to_generate(srsly.read_json(labels_from), list(gold))
        except ValueError as error:
            msg.fail(f"{labels_from}: {error}", exits=1)
        if not labels:
            msg.fail(f"{labels_from} leaves no label of {support_path} to synthesize: its generator was tuned on them all.", exits=1)
        msg.info(f"Labels the tuned generator was not trained on ({labels_from}): {', '.join(labels)}")
    if labels:
        missing = sorted(set(labels) - set(gold))
        if missing:
            msg.fail(f"--label names labels with no gold relation in {support_path}: {missing}. Known: {sorted(gold)}", exits=1)
        gold = {label: gold[label] for label in labels}
    if not gold:
        msg.fail(f"{support_path} has no relation other than {negative_label!r}: nothing to synthesize from.", exits=1)
    schema = support_schema(gold, schema_path)
    cache_dir = cache_dir or output_path.with_suffix(".cache")
    try:
        nlp, llm = load_llm_component(config_path, component, cache_dir, overrides)
        consistency = ConsistencyFilter(str(filter_model), filter_threshold) if filter_model else None
        validator = SampleValidator(
            nlp.make_doc, schema, [doc.text for doc in support], min_tokens=min_tokens, max_tokens=max_tokens,
            near_duplicate=near_duplicate, head_first=head_first, consistency=consistency,
        )
        limit = max_prompts or default_max_prompts(per_label, llm.task.samples_per_prompt)
        msg.info(f"{len(gold)} labels x {per_label} samples, {llm.task.style} prompts, at most {limit} prompts per label; cache {cache_dir}")
        run = synthesize(llm, nlp.vocab, gold, validator, per_label, limit, batch_size)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    run.cache_stats = cache_stats(llm)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=run.docs, store_user_data=True).to_disk(output_path)
    report = run.report()
    total = report["total"]
    msg.good(f"Wrote {total['accepted']} of {total['wanted']} samples to {output_path} ({total['prompts']} prompts, {report['wall_seconds']} s)")
    if total["rejected"]:
        msg.table(total["rejected"], header=("Rejected", "Count"), divider=True)
    if total["labels_short"]:
        msg.warn(f"Short of {per_label} samples: {', '.join(total['labels_short'])} (raise --max-prompts or check the report)")
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(report_path, report)
        msg.good(f"Report: {report_path}")
