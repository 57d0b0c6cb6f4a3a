"""``package``: a pipeline wheel that installs offline, with spacy_tkre's own wheel beside it.

``spacy package`` would make the pipeline require ``spacy_tkre>=0.1.0,<0.2.0`` from an index, where the name is
not published (and where anyone could claim it). Here the requirement is pinned to this exact version and the
wheel of this very code is written next to the pipeline's, so ``pip install --find-links OUTPUT_DIR NAME`` takes
both from OUTPUT_DIR and only the public dependencies (spaCy, torch, ...) from the package index.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import srsly
import typer
from wasabi import msg

from .app import app


@app.command("package")
def package_command(
    model: Path = typer.Argument(..., help="Pipeline folder (e.g. training/semeval/model-last)"),
    output_dir: Path = typer.Argument(..., help="Folder for the two wheels (created if needed)"),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Package name without the language prefix"),
    version: Optional[str] = typer.Option(None, "--version", "-v", help="Package version"),
    force: bool = typer.Option(False, "--force", "-f", help="Overwrite an earlier package of the same version"),
) -> None:
    """Build MODEL's wheel (spacy package) requiring spacy_tkre==<this version>, and spacy_tkre's own wheel, into
    OUTPUT_DIR; then `pip install --find-links OUTPUT_DIR <lang>_<name>` installs the pipeline in a new venv."""
    from spacy.cli.package import package
    from spacy.util import split_requirement

    from .. import __version__

    if not (model / "meta.json").is_file():
        msg.fail(f"{model} is not a saved pipeline (no meta.json): pass the folder spacy train wrote.", exits=1)
    output_dir.mkdir(parents=True, exist_ok=True)
    code_wheel = build_code_wheel(output_dir)
    meta = srsly.read_json(model / "meta.json")
    others = [req for req in meta.get("requirements", []) if split_requirement(req)[0] not in ("spacy_tkre", "spacy-tkre")]
    meta["requirements"] = others + [f"spacy_tkre=={__version__}"]
    with tempfile.TemporaryDirectory() as scratch:
        meta_path = Path(scratch) / "meta.json"
        srsly.write_json(meta_path, meta)
        package(
            model, output_dir, meta_path=meta_path, name=name, version=version,
            create_sdist=False, create_wheel=True, require_parent=True, force=force, silent=False,
        )
    lang, name, version = meta["lang"], name or meta["name"], version or meta["version"]
    built = sorted((output_dir / f"{lang}_{name}-{version}" / "dist").glob("*.whl"))
    if not built:
        msg.fail(f"spacy package wrote no wheel under {output_dir / f'{lang}_{name}-{version}'}; see its output above.", exits=1)
    shutil.copy(built[-1], output_dir / built[-1].name)
    msg.good(f"Wrote {output_dir / built[-1].name} (requires spacy_tkre=={__version__}) and {code_wheel}")
    msg.text(f"Install: pip install torch==2.13.0 && pip install --find-links {output_dir} {lang}_{name}")


def build_code_wheel(output_dir: Path) -> Path:
    """Build spacy_tkre's wheel from the source tree it is imported from (an editable install or a clone)."""
    from .. import __version__

    root = Path(__file__).resolve().parents[2]
    if not (root / "setup.py").is_file():
        msg.fail(
            f"spacy_tkre is imported from {root}, which holds no setup.py: package from a clone of the repository "
            "(pip install -e .), whose source the wheel is built from.",
            exits=1,
        )
    msg.info(f"Building the spacy_tkre {__version__} wheel from {root}")
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(output_dir), str(root)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        msg.fail(f"Building the spacy_tkre wheel failed ({' '.join(command)}):", result.stdout + result.stderr, exits=1)
    return output_dir / f"spacy_tkre-{__version__}-py3-none-any.whl"
