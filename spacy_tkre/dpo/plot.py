"""The DPO run's curves (loss and reward margin per logged step) as a PNG, from the trainer's log history."""
from pathlib import Path
from typing import Any, Dict, List


def plot_curves(log_history: List[Dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in log_history if "loss" in row and "rewards/margins" in row]
    if not rows:
        return
    steps = [row["step"] for row in rows]
    figure, (loss_axis, margin_axis) = plt.subplots(1, 2, figsize=(10, 4))
    loss_axis.plot(steps, [row["loss"] for row in rows], marker="o")
    loss_axis.set(title="DPO loss", xlabel="optimizer step", ylabel="loss")
    margin_axis.plot(steps, [row["rewards/margins"] for row in rows], marker="o", label="margin")
    margin_axis.plot(steps, [row["rewards/accuracies"] for row in rows], marker=".", label="accuracy")
    margin_axis.axhline(0.0, color="grey", linewidth=0.5)
    margin_axis.set(title="chosen - rejected reward", xlabel="optimizer step")
    margin_axis.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
