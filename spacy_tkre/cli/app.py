"""The ``python -m spacy_tkre`` command group; each command lives in its own module of this package."""
import typer

app = typer.Typer(name="spacy_tkre", help="Few-shot relation extraction for spaCy.", no_args_is_help=True)
