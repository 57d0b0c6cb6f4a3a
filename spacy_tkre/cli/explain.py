"""``python -m spacy_tkre explain``: LLM explanations of gold relations, as JSONL for pre-training."""
from pathlib import Path
from typing import List, Optional

import srsly
import typer
from spacy.cli._util import import_code, parse_config_overrides
from wasabi import msg

from ..annotation import DEFAULT_NEGATIVE_LABEL
from ..llm.explanation.run import explain, select_examples
from ..llm.loading import cache_stats, load_llm_component
from .app import app
from .docbins import read_docbin_or_exit


@app.command("explain", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def explain_command(
    ctx: typer.Context,
    config_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="LLM config (configs/llm_*.cfg)"),
    support_path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Gold examples (.spacy)"),
    output_path: Path = typer.Argument(..., dir_okay=False, help="Where to write the explanations (.jsonl)"),
    per_label: int = typer.Option(6, "--per-label", min=1, help="Gold relations explained per label"),
    seed: int = typer.Option(0, "--seed", help="Seed for picking the examples"),
    labels: Optional[List[str]] = typer.Option(None, "--label", help="A label to explain; repeat for several (default: all in SUPPORT)"),
    report_path: Optional[Path] = typer.Option(None, "--report", dir_okay=False, help="Write counts and rejection reasons (JSON) here"),
    component: str = typer.Option("explanation", "--component", help="The config's llm component to use"),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Answer cache; default OUTPUT with suffix .cache. Rerun to resume."),
    negative_label: str = typer.Option(DEFAULT_NEGATIVE_LABEL, "--negative-label", help="No-relation label, never explained"),
    batch_size: int = typer.Option(8, "--batch-size", min=1, help="Docs sent to the component together; a kill loses at most one batch"),
    gpu_id: Optional[int] = typer.Option(None, "--gpu-id", help="GPU for spacy_tkre.LocalCausalLM.v1 (-1: CPU); sets components.NAME.model.gpu_id"),
    code_path: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file with extra registered functions (models, tasks)"),
) -> None:
    """Explain why the head holds the relation with the tail for PER_LABEL gold examples of each label.

    Each JSONL line: {"text", "head": {"start_char", "end_char", "text"}, "tail": {...}, "label", "explanation"}.
    Config overrides go after the arguments; a rerun with the same arguments resumes from the cache.
    """
    import_code(code_path)
    overrides = parse_config_overrides(ctx.args)
    if gpu_id is not None:
        overrides[f"components.{component}.model.gpu_id"] = gpu_id
    docs = select_examples(read_docbin_or_exit(support_path), per_label, seed, negative_label, labels)
    if not docs:
        wanted = f"with the labels {labels}" if labels else f"other than {negative_label!r}"
        msg.fail(f"{support_path} has no relation {wanted}: nothing to explain.", exits=1)
    cache_dir = cache_dir or output_path.with_suffix(".cache")
    try:
        _, llm = load_llm_component(config_path, component, cache_dir, overrides)
        run = explain(llm, docs, batch_size)
    except ValueError as error:
        msg.fail(str(error), exits=1)
    run.cache_stats = cache_stats(llm)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_jsonl(output_path, run.records)
    report = run.report()
    msg.good(f"Wrote {report['written']} of {report['asked']} explanations to {output_path} ({report['wall_seconds']} s)")
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        srsly.write_json(report_path, report)
        msg.good(f"Report: {report_path}")
