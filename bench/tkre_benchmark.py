"""The TKRE benchmark grid on SemEval-2010 Task 8, resumable cell by cell, then its tables, plots and README table.

    python -m bench.tkre_benchmark corpus/semeval_train_full.spacy corpus/semeval_test.spacy \
        --k 8 --k 16 --k 32 --seed 13 --seed 21 --seed 42 --seed 87 --seed 100

Per (K, seed) the LLM data and the pre-trained encoder come from the project's own commands (`sample`, `explain`,
`synthesize`, `pretrain` of project.yml, run in a copy of the project, WORK_DIR/k{K}_s{seed}), so the
benchmark measures exactly what `spacy project run all` ships. Each variant is then fine-tuned with the K-shot
recipe (configs/kshot_cpu.cfg, bench.kshot) and scored on the whole test set:

    gold            no pre-training, gold K-shot set                        R_{steps}steps
    synthetic       no pre-training, gold + synthetic                       synthetic_R_{steps}steps
    mslm            stage 1 (MSLM) encoder, gold                            tkre_mslm_R_{steps}steps
    scl             SCL alone (stage 1 skipped, MSLM weight 0), gold        tkre_scl_R_{steps}steps
    full            MSLM then SCL + MSLM, gold                              tkre_full_R_{steps}steps
    full_synthetic  MSLM then SCL + MSLM, gold + synthetic                  tkre_full_synthetic_R_{steps}steps

where R is the shipped pair representation (spans_context_normalized); the same names without R are the records of
the entity-marker representation the recipe used before.

A cell already in the results file (same variant name, K, seed, step count and peak rate) is skipped, so a run killed after
any cell loses nothing and earlier records of the same recipe count. Afterwards `python -m spacy_tkre report`
rewrites the tables and plots of bench/results/ and the README's results table is regenerated from the records
(between its ``tkre-benchmark`` markers).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path
from statistics import mean, stdev
from typing import Any, Dict, List, Optional, Tuple

import typer

from bench.kshot import kshot_steps, output_init, peak_rate, run_cell
from bench.variants import write_variant_config
from spacy_tkre.docbins import read_docbin
from spacy_tkre.report import summarize
from spacy_tkre.results import append_record, read_records

ROOT = Path(__file__).resolve().parents[1]
DATASET = "semeval"
# variant -> (record name prefix, encoder: None / "stage1" / "final" / "scl", synthetic samples in fine-tuning)
VARIANTS: Dict[str, Tuple[str, Optional[str], bool]] = {
    "gold": ("finetune", None, False),
    "synthetic": ("finetune_synthetic", None, True),
    "mslm": ("tkre_mslm", "stage1", False),
    "scl": ("tkre_scl", "scl", False),
    "full": ("tkre_full", "final", False),
    "full_synthetic": ("tkre_full_synthetic", "final", True),
}
GRID_K = (8, 16, 32)
README_START, README_END = "<!-- tkre-benchmark:start -->", "<!-- tkre-benchmark:end -->"


# The pair representation of the shipped recipe (bench.variants); records made before it became the default name the
# entity-marker one implicitly (finetune_200steps, tkre_full_200steps, ...) and stay in the README table as a baseline.
REPRESENTATION = "spans_context_normalized"
BASELINE_ROW = ("gold, entity markers (the default before)", "finetune")
# (row title, the grid variant whose pipeline pseudo-labels the rest of the pool and whose data it trains on again)
SELF_TRAINING_ROWS = (("gold, then self-training", "gold"), ("full_synthetic, then self-training", "full_synthetic"),
                      ("full, then self-training (`all`)", "full"))
# Plain fine-tuning given the training compute of `full` + self-training: pre-training, the two fine-tunings and the
# pseudo-labelling took 2.9 times one fine-tuning's wall time in `all` (88 + 170 + 238 s against 170 s), so 3x the
# steps (bench.kshot --variant spans_context_normalized --steps 3*budget --name spans_context_normalized_<steps>steps).
SAME_COMPUTE_ROW = ("gold, 3x the steps (the training compute of full + self-training)", 3)
# Where the recipe's output rows start; records name it unless it is random (init_suffix).
RECIPE_OUTPUT_INIT = output_init()


def init_suffix(init: Optional[str] = None) -> str:
    """Names of records whose output rows did not start random (the recipe's output_init since it became
    examples+definitions) end in ``_init_<setting>``; the earlier records, all random, keep their names."""
    init = init or RECIPE_OUTPUT_INIT
    return "" if init == "random" else f"_init_{init}"


def record_name(variant: str, steps: int, init: Optional[str] = None) -> str:
    prefix = VARIANTS[variant][0]
    stem = REPRESENTATION if prefix == "finetune" else f"{prefix.replace('finetune_', '')}_{REPRESENTATION}"
    return f"{stem}_{steps}steps{init_suffix(init)}"


def self_training_name(steps: int, variant: str, init: Optional[str] = None) -> str:
    """The record name of a grid variant followed by self-training (bench.self_training); full's is what `all`
    ships."""
    return f"tkre_{variant}_selftrain_{REPRESENTATION}_{steps}steps{init_suffix(init)}"


def is_done(results: Path, name: str, k: int, seed: int, steps: int) -> bool:
    """Whether the results file holds this cell made with the current recipe (same step count and peak rate)."""
    if not results.is_file():
        return False
    cell = (name, k, seed, steps, peak_rate())
    return any((r["variant"], r.get("k"), r.get("seed"), r.get("steps"), r.get("learn_rate")) == cell
               for r in read_records([results]) if r["dataset"] == DATASET)


class SeedData:
    """A copy of the project (project.yml, configs/) per (K, seed), with its own lock file, so each product of the
    project's commands is made once, when a cell first needs it, and a rerun skips or resumes it."""

    def __init__(self, project: Path, pool: Path, k: int, seed: int):
        project.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "project.yml", project)
        shutil.copytree(ROOT / "configs", project / "configs", dirs_exist_ok=True)
        self.project, self.seed, self.work = project, seed, project / "training" / "tkre"
        self.vars = {"train": os.path.relpath(pool, project), "k": k, "seed": seed}

    def run(self, *commands: str) -> None:
        for command in commands:
            options = [f"--vars.{key}={value}" for key, value in self.vars.items()]
            subprocess.run([sys.executable, "-m", "spacy", "project", "run", command, str(self.project), *options], check=True)

    @property
    def synthetic(self) -> str:
        self.run("sample", "synthesize")
        return str(self.work / "train" / "synthetic.spacy")

    def encoder(self, which: str) -> str:
        self.run("sample", "explain", "synthesize")
        if which == "scl":
            return self._scl_encoder()
        self.run("pretrain")
        return str(self.work / "encoder" / which)

    def _scl_encoder(self) -> str:
        """The SCL-only ablation is not a product step: the pre-training command with stage 1 off and MSLM's weight 0."""
        out = self.work / "encoder_scl"
        train = self.work / "train"
        subprocess.run(
            [sys.executable, "-m", "spacy_tkre", "pretrain", str(ROOT / "configs" / "pretrain.cfg"), str(out), "--resume",
             "--paths.train", str(train / "support.spacy"), "--paths.synthetic", str(train / "synthetic.spacy"),
             "--paths.explanations", str(self.work / "explanations.jsonl"), "--pretraining.seed", str(self.seed),
             "--pretraining.stages.stage1.epochs", "0", "--pretraining.stages.stage2.objectives.mslm.weight", "0"],
            check=True,
        )
        return str(out / "final")


def readme_table(records: List[Dict[str, Any]]) -> str:
    """Mean ± std (seeds) of the official macro-F1 per variant and K of the grid, from the records of this recipe: its
    step budget (in the record name) and its peak learning rate (a record field), so older recipes stay out; the
    rows of output rows random (the recipe before examples+definitions) follow the current ones."""
    ks, steps, rate = GRID_K, {k: kshot_steps(k) for k in GRID_K}, peak_rate()
    groups = summarize([r for r in records if r["dataset"] == DATASET and r.get("learn_rate") == rate], "rel_macro_f")
    lines = ["| variant | " + " | ".join(f"K={k} ({steps[k]} steps)" for k in ks) + " |", "|---" * (len(ks) + 1) + "|"]
    rows = []
    for init in dict.fromkeys((RECIPE_OUTPUT_INIT, "random")):  # the recipe's rows, then those of output rows random
        note = f", output rows {init}" + ("" if init == RECIPE_OUTPUT_INIT else " (the recipe before)")
        rows += [(variant + note, lambda k, v=variant, i=init: record_name(v, steps[k], i)) for variant in VARIANTS]
        rows += [(title + note, lambda k, v=variant, i=init: self_training_name(steps[k], v, i))
                 for title, variant in SELF_TRAINING_ROWS]
        rows.append((SAME_COMPUTE_ROW[0] + note, lambda k, i=init: record_name("gold", SAME_COMPUTE_ROW[1] * steps[k], i)))
    rows.append((BASELINE_ROW[0], lambda k: f"{BASELINE_ROW[1]}_{steps[k]}steps"))
    for variant, name in rows:
        cells = []
        for k in ks:
            values = groups.get((DATASET, name(k), k), [])
            spread = stdev(values) if len(values) > 1 else 0.0
            cells.append(f"{100 * mean(values):.2f} ± {100 * spread:.2f} ({len(values)})" if values else "-")
        if any(cell != "-" for cell in cells):  # a row no cell of this recipe has measured yet stays out
            lines.append(f"| {variant} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_readme_table(readme: Path, table: str) -> None:
    text = readme.read_text(encoding="utf8")
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme} has no {README_START} ... {README_END} markers to write the table between.")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf8")


def report(results: Path, readme: Path) -> None:
    out = results.parent
    for metric, name in (("rel_macro_f", "macro_f"), ("rel_micro_f", "micro_f")):
        subprocess.run([sys.executable, "-m", "spacy_tkre", "report", str(results), "--metric", metric,
                        "--markdown", str(out / f"report_semeval_{name}.md"),
                        *(["--plot", str(out / "semeval_macro_f_vs_k.png")] if name == "macro_f" else [])], check=True)
    write_readme_table(readme, readme_table(read_records([results])))


def main(
    train: Path = typer.Argument(..., exists=True, help="The labelled pool K-shot sets are drawn from (.spacy)"),
    test: Path = typer.Argument(..., exists=True, help="The test set every cell is scored on (.spacy)"),
    k: List[int] = typer.Option(list(GRID_K)),
    seed: List[int] = typer.Option([13, 21, 42, 87, 100]),
    variant: List[str] = typer.Option(list(VARIANTS), help=f"Variants to run: {', '.join(VARIANTS)}"),
    results: Path = typer.Option(Path("bench/results/results.jsonl")),
    work_dir: Path = typer.Option(Path("bench/out/tkre_benchmark")),
    readme: Path = typer.Option(ROOT / "README.md"),
    report_only: bool = typer.Option(False, "--report-only", help="Only regenerate the tables, plots and README table"),
) -> None:
    unknown = sorted(set(variant) - set(VARIANTS))
    if unknown:
        raise typer.BadParameter(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    steps = {k_value: kshot_steps(k_value) for k_value in k}
    if not report_only:
        work_dir = work_dir.resolve()
        config = write_variant_config(REPRESENTATION, work_dir / f"{REPRESENTATION}.cfg")
        pool = read_docbin(train)
        for k_value in k:
            for seed_value in seed:
                data = SeedData(work_dir / f"k{k_value}_s{seed_value}", train.resolve(), k_value, seed_value)
                for name in variant:
                    label = record_name(name, steps[k_value])
                    if is_done(results, label, k_value, seed_value, steps[k_value]):
                        print(f"{label} K={k_value} seed={seed_value}: in {results}, skipped", flush=True)
                        continue
                    _, encoder, synthetic = VARIANTS[name]
                    record = run_cell(
                        pool, test, config, k_value, seed_value, label, work_dir / "kshot", steps=steps[k_value],
                        encoder=data.encoder(encoder) if encoder else None,
                        synthetic=data.synthetic if synthetic else None,
                    )
                    append_record(results, record)
    report(results, readme)


if __name__ == "__main__":
    typer.run(main)
