"""The pre-training loop: stages in config order, each starting from the folder the previous one saved, with a
checkpoint per epoch, resume, data parallelism under ``torchrun`` and mixed precision on a GPU."""
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy
import torch
from confection import Config
from thinc.api import fix_random_seed
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler
from transformers import PreTrainedModel, PreTrainedTokenizerFast, get_linear_schedule_with_warmup
from wasabi import msg

from ..models.encoder import resolve_encoder_name
from ..progress import progress
from . import distributed
from .checkpoint import load_checkpoint, restore_rng, rng_state, save_checkpoint
from .config import PretrainingSettings, StageSettings
from .data import PretrainExample, SkipExample, read_examples
from .masked_lm import load_masked_lm, output_head, save_encoder, weights_digest
from .objective import Batch, Features, Objective
from .plot import plot_losses

History = List[Dict[str, Any]]


class PretrainingModel(torch.nn.Module):
    """The masked-LM model and the stage's objectives as one module, so DDP sees one forward and one backward."""

    def __init__(self, mlm: PreTrainedModel, objectives: Dict[str, Objective]):
        super().__init__()
        self.mlm = mlm
        self.objectives = torch.nn.ModuleDict(objectives)

    def forward(self, batches: Dict[str, Batch]) -> Dict[str, torch.Tensor]:
        return {name: objective(self.mlm, batches[name]) for name, objective in self.objectives.items()}


@dataclass
class Stage:
    """A stage to run: its settings, position among the stages that run, and where it reads and writes."""

    name: str
    settings: StageSettings
    index: int
    init_path: str
    folder: Path
    checkpoint: Path


@dataclass
class Training:
    """Everything a checkpoint holds, so that an epoch boundary can be saved and restored."""

    model: PretrainingModel
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    scaler: torch.amp.GradScaler
    epoch: int = 0
    history: History = field(default_factory=list)

    def state(self, rng_states: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {"epoch": self.epoch, "model": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(), "scaler": self.scaler.state_dict(), "rng": rng_states,
                "history": self.history}

    def restore(self, state: Dict[str, Any], rank: int) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.scaler.load_state_dict(state["scaler"])
        restore_rng(state["rng"][rank % len(state["rng"])])
        self.epoch, self.history = state["epoch"], state["history"]


def read_stage_examples(stage: Stage, settings: PretrainingSettings, skipped: Counter) -> List[PretrainExample]:
    examples = []
    for source in stage.settings.sources:
        path = settings.sources[source]
        if path is not None:
            examples.extend(read_examples(path, settings.context_window, skipped))
    return examples


def featurize(
    examples: List[PretrainExample], objectives: Dict[str, Objective], tokenizer: PreTrainedTokenizerFast,
    max_length: int, skipped: Counter,
) -> List[Dict[str, Features]]:
    """Features of each example for every objective; an example one objective cannot use is skipped and counted."""
    features = []
    for example in examples:
        try:
            features.append({name: o.featurize(example, tokenizer, max_length) for name, o in objectives.items()})
        except SkipExample as reason:
            skipped[str(reason)] += 1
    return features


def stage_features(
    stage: Stage, settings: PretrainingSettings, objectives: Dict[str, Objective], tokenizer: PreTrainedTokenizerFast,
    report: bool,
) -> List[Dict[str, Features]]:
    skipped: Counter = Counter()
    features = featurize(read_stage_examples(stage, settings, skipped), objectives, tokenizer, settings.max_length, skipped)
    if report:
        msg.info(f"{stage.name}: {len(features)} examples from sources {stage.settings.sources}")
        for reason, count in skipped.most_common():
            msg.warn(f"{stage.name}: skipped {count} x {reason}")
    if not features:
        raise ValueError(
            f"Stage {stage.name} has no usable examples in sources {stage.settings.sources}: set their paths "
            "(--paths.train, --paths.synthetic, --paths.explanations) to data with doc._.relations."
        )
    return features


def collate(objectives: Dict[str, Objective], generator: torch.Generator, items: List[Dict[str, Features]]):
    return {name: objective.collate([item[name] for item in items], generator) for name, objective in objectives.items()}


def epoch_generator(seed: int, stage_index: int, epoch: int, rank: int) -> torch.Generator:
    """Masks and random spans of one epoch on one process, independent of what ran before (so resume repeats them)."""
    state = numpy.random.SeedSequence([seed, stage_index, epoch, rank]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(state))


def to_device(batches: Dict[str, Batch], device: torch.device) -> Dict[str, Batch]:
    return {name: {key: value.to(device) for key, value in batch.items()} for name, batch in batches.items()}


def train_epoch(training: Training, trained: torch.nn.Module, loader: DataLoader, desc: str, stage_name: str,
                processes: distributed.Processes, grad_clip: float) -> Dict[str, float]:
    """One pass over ``loader``; returns the epoch's mean losses (of this process's batches)."""
    objectives = training.model.objectives
    parameters = [parameter for parameter in training.model.parameters() if parameter.requires_grad]
    mixed_precision = training.scaler.is_enabled()
    entries = []
    for batches in progress(loader, desc=desc, unit=" batches", disable=not processes.is_main, leave=False):
        with torch.autocast(processes.device.type, dtype=torch.float16, enabled=mixed_precision):
            losses = trained(to_device(batches, processes.device))
            total = sum(objectives[name].weight * loss for name, loss in losses.items())
        training.scaler.scale(total).backward()
        training.scaler.unscale_(training.optimizer)
        torch.nn.utils.clip_grad_norm_(parameters, grad_clip)
        training.scaler.step(training.optimizer)
        training.scaler.update()
        training.scheduler.step()
        training.optimizer.zero_grad(set_to_none=True)
        entry = {**{name: round(loss.item(), 5) for name, loss in losses.items()}, "total": round(total.item(), 5)}
        entries.append(entry)
        training.history.append({"stage": stage_name, "epoch": training.epoch + 1, "step": len(training.history) + 1,
                                 **entry})
    return {name: float(numpy.mean([entry[name] for entry in entries])) for name in entries[0]}


def run_stage(
    stage: Stage, settings: PretrainingSettings, processes: distributed.Processes, resume: bool,
    head_state: Optional[Dict[str, torch.Tensor]],
) -> Tuple[Dict[str, torch.Tensor], History]:
    """Train one stage (or only reload it, if its checkpoint is complete) and save its encoder folder; return the
    masked-LM head's weights for the next stage and the stage's loss history."""
    fix_random_seed(settings.seed + stage.index)
    mlm, tokenizer = load_masked_lm(stage.init_path, head_state)
    mlm.to(processes.device)
    objectives = {name: objective for name, objective in stage.settings.objectives.items() if objective.weight > 0}
    if not objectives:
        raise ValueError(f"Stage {stage.name} has no objective with a weight > 0: give one a weight or set epochs = 0.")
    features = stage_features(stage, settings, objectives, tokenizer, processes.is_main)
    for name, objective in objectives.items():
        objective.initialize(mlm, [item[name] for item in features], tokenizer)
    model = PretrainingModel(mlm, objectives).to(processes.device)
    sampler = DistributedSampler(
        features, num_replicas=processes.world_size, rank=processes.rank, shuffle=True, seed=settings.seed + stage.index
    )
    total_steps = -(-len(sampler) // settings.batch_size) * stage.settings.epochs
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=settings.learn_rate)
    training = Training(
        model, optimizer, get_linear_schedule_with_warmup(optimizer, int(settings.warmup_ratio * total_steps), total_steps),
        torch.amp.GradScaler(processes.device.type, enabled=processes.device.type == "cuda"),
    )
    if resume and stage.checkpoint.exists():
        training.restore(load_checkpoint(stage.checkpoint), processes.rank)
        if processes.is_main:
            msg.info(f"{stage.name}: resuming after epoch {training.epoch} of {stage.settings.epochs}")
    trained = DistributedDataParallel(model) if processes.distributed else model
    model.train()
    while training.epoch < stage.settings.epochs:
        sampler.set_epoch(training.epoch)
        generator = epoch_generator(settings.seed, stage.index, training.epoch, processes.rank)
        loader = DataLoader(features, settings.batch_size, sampler=sampler, collate_fn=partial(collate, objectives, generator))
        desc = f"{stage.name} epoch {training.epoch + 1}/{stage.settings.epochs}"
        means = train_epoch(training, trained, loader, desc, stage.name, processes, settings.grad_clip)
        training.epoch += 1
        rng_states = distributed.gather(rng_state(), processes)
        if processes.is_main:
            msg.text(f"{desc}: " + ", ".join(f"{name} {value:.4f}" for name, value in means.items()))
            save_checkpoint(training.state(rng_states), stage.checkpoint)
        distributed.barrier(processes)
    digest = weights_digest(mlm.base_model)
    if processes.distributed:
        msg.info(f"rank {processes.rank}/{processes.world_size}: {stage.name} weights sha256 {digest}")
    distributed.check_replicas_agree(digest, processes)
    if processes.is_main:
        save_encoder(mlm, tokenizer, stage.folder)
        msg.good(f"{stage.name}: saved the encoder to {stage.folder} (weights sha256 {digest})")
    distributed.barrier(processes)
    head = {name: tensor.detach().cpu().clone() for name, tensor in output_head(mlm).state_dict().items()}
    return head, training.history


def pretrain(
    settings: PretrainingSettings, output_dir: Path, *, resume: bool = False, gpu_id: int = -1,
    config: Optional[Config] = None,
) -> Path:
    """Run the stages with epochs > 0 in config order; the last writes ``output_dir/final``, the others
    ``output_dir/<stage>``; ``config`` is kept as ``output_dir/config.cfg``. Returns the final encoder folder."""
    output_dir = Path(output_dir)
    checkpoints = output_dir / "checkpoints"
    if not resume and any(checkpoints.glob("*.pt")):
        raise FileExistsError(
            f"{output_dir} holds checkpoints of an earlier run: pass --resume to continue it, or use a new output directory."
        )
    names = [name for name, stage in settings.stages.items() if stage.epochs > 0]
    if not names:
        raise ValueError("Every stage has epochs = 0, so there is nothing to pre-train: give a stage epochs > 0.")
    for name in names:
        if all(settings.sources[source] is None for source in settings.stages[name].sources):
            raise ValueError(
                f"Stage {name} reads sources {settings.stages[name].sources}, and none has a path: set them with "
                "--paths.train, --paths.synthetic or --paths.explanations."
            )
    processes = distributed.start(gpu_id)
    try:
        if processes.is_main and config is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            config.to_disk(output_dir / "config.cfg")
        init_path, head_state, history = resolve_encoder_name(settings.encoder), None, []
        for index, name in enumerate(names):
            folder = output_dir / ("final" if index == len(names) - 1 else name)
            stage = Stage(name, settings.stages[name], index, init_path, folder, checkpoints / f"{name}.pt")
            head_state, stage_history = run_stage(stage, settings, processes, resume, head_state)
            history.extend(stage_history)
            init_path = str(folder)
            if processes.is_main:
                (output_dir / "losses.json").write_text(json.dumps(history), encoding="utf8")
                plot_losses(history, output_dir / "loss_curve.png")
    finally:
        distributed.stop(processes)
    if processes.is_main:
        msg.good(f"Pre-trained encoder: {output_dir / 'final'}")
    return output_dir / "final"
