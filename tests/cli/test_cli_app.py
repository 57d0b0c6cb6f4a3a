"""The command group: --help lists every command without importing torch; each listed command exists."""
import subprocess
import sys
from importlib import import_module

import typer

from spacy_tkre.cli.app import COMMANDS, app


def test_help_lists_commands_without_importing_heavy_modules():
    command = [sys.executable, "-X", "importtime", "-m", "spacy_tkre", "--help"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert not {"torch", "transformers", "spacy", "spacy_llm", "spacy_transformers"} & imported
    assert all(name in result.stdout for name in COMMANDS)


def test_every_listed_command_is_defined_in_its_module():
    for name, (module, _) in COMMANDS.items():
        import_module(f"spacy_tkre.cli.{module}")
    assert set(COMMANDS) <= set(typer.main.get_command(app).commands)


def test_a_command_runs_through_the_lazy_group():
    result = subprocess.run([sys.executable, "-m", "spacy_tkre", "split", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--dev-fraction" in result.stdout, result.stderr
