"""The ``python -m spacy_tkre`` command group; each command lives in its own module of this package.

A command's module is imported only when that command runs (or its own ``--help`` is asked for): most commands
need torch, spacy-transformers or spacy-llm, and importing all of them made every call, ``--help`` included, wait
10-15 s. ``COMMANDS`` names each command's module and the one line the group's ``--help`` lists for it.
"""
from functools import wraps
from importlib import import_module
from typing import Callable, Dict, List, Optional, Tuple

import click
import typer
from typer.core import TyperGroup

COMMANDS: Dict[str, Tuple[str, str]] = {
    "convert": ("convert", "Convert a relation data set to a .spacy DocBin with doc._.relations."),
    "split": ("split", "Split a .spacy file into train and dev at random (seeded)."),
    "sample": ("sample", "Sample K examples per relation label (K-shot support set)."),
    "evaluate": ("evaluate", "Score a pipeline's relations on gold entities (official SemEval report)."),
    "score-semeval": ("score_semeval", "The official SemEval-2010 Task 8 scorer on answer files."),
    "episodes": ("episodes", "FewRel N-way K-shot episodes classified by the nearest prototype."),
    "add-labels": ("add_labels", "Teach a trained pipeline new labels from a few examples, without retraining."),
    "synthesize": ("synthesize", "Ask an LLM (spacy-llm) for new training samples of each relation."),
    "compare-synthesis": ("compare_synthesis", "Compare synthesis runs' diversity on matched sets per label."),
    "explain": ("explain", "Ask an LLM (spacy-llm) why the head holds the relation with the tail."),
    "pretrain": ("pretrain", "Pre-train the encoder: MSLM, then SCL + MSLM (TKRE)."),
    "pseudo-label": ("pseudo_label", "Label unlabelled docs with a trained pipeline, keeping the confident ones."),
    "preference-pairs": ("preference_pairs", "Preference pairs (chosen, rejected) for tuning the generator with DPO."),
    "dpo": ("dpo", "Tune the synthesis generator on preference pairs with DPO (trl)."),
    "tune-decision": ("tune_decision", "Choose the extractor's decision rule and threshold on a dev set."),
    "package": ("package", "Package a pipeline as a wheel, with spacy_tkre's own wheel beside it."),
    "report": ("report", "Mean ± std table and plot against K of a results file."),
}


class LazyCommandGroup(TyperGroup):
    """Lists the commands of ``COMMANDS`` without importing them; imports a command's module when it is resolved."""

    def list_commands(self, ctx: click.Context) -> List[str]:
        return list(COMMANDS) + [name for name in super().list_commands(ctx) if name not in COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        return click.Command(cmd_name, help=COMMANDS[cmd_name][1])  # listed in --help, resolved on use

    def resolve_command(self, ctx: click.Context, args: List[str]):
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS and name not in self.commands:
            import_module(f"{__package__}.{COMMANDS[name][0]}")
            command = typer.main.get_command(app).commands[name]
            command.callback = _registering(command.callback)
        return name, command, rest


def _registering(callback: Callable) -> Callable:
    """Run ``spacy_tkre.register()`` before the command, since ``python -m spacy_tkre`` skips it at import."""

    @wraps(callback)
    def run(*args, **kwargs):
        from .. import register

        register()
        return callback(*args, **kwargs)

    return run


app = typer.Typer(name="spacy_tkre", cls=LazyCommandGroup, no_args_is_help=True)


@app.callback()
def main() -> None:
    """Few-shot relation extraction for spaCy."""
