"""Data-parallel pre-training on PyTorch's own launcher: under ``torchrun`` (WORLD_SIZE > 1) each process joins a
process group (gloo on CPU, nccl on GPU) and only rank 0 writes files; a plain run is a group of one."""
import os
from dataclasses import dataclass
from typing import Any, List

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Processes:
    rank: int
    world_size: int
    device: torch.device

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def start(gpu_id: int) -> Processes:
    """Join the ``torchrun`` group if there is one; ``gpu_id`` >= 0 runs on a GPU (each torchrun process on the
    GPU of its LOCAL_RANK)."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if gpu_id >= 0 and not torch.cuda.is_available():
        raise ValueError(f"--gpu-id {gpu_id} was given but torch sees no CUDA GPU: drop --gpu-id to run on the CPU.")
    if gpu_id >= 0:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", gpu_id)) if world_size > 1 else gpu_id)
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world_size > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        return Processes(dist.get_rank(), world_size, device)
    return Processes(0, 1, device)


def barrier(processes: Processes) -> None:
    if processes.distributed:
        dist.barrier()


def stop(processes: Processes) -> None:
    if processes.distributed and dist.is_initialized():
        dist.destroy_process_group()


def gather(value: Any, processes: Processes) -> List[Any]:
    """``value`` of every process, in rank order (a collective: every process must call it)."""
    if not processes.distributed:
        return [value]
    values = [None] * processes.world_size
    dist.all_gather_object(values, value)
    return values


def check_replicas_agree(digest: str, processes: Processes) -> None:
    """Fail loudly if the processes' weights diverged (DDP keeps them equal; a mismatch means a broken setup)."""
    digests = gather(digest, processes)
    if len(set(digests)) != 1:
        raise RuntimeError(f"The data-parallel processes ended with different weights ({digests}); do not use them.")
