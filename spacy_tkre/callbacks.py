"""Training callbacks referenced from the configs.

``spacy train`` evaluates, and saves ``model-best``, every ``eval_frequency`` steps from step 0 on. A short run
(``--training.max_steps`` below ``eval_frequency``) is then evaluated only at step 0, so ``model-best`` is the
untrained model that the workflow goes on to evaluate and package. The callback below evaluates such a run at its
last step instead, and says so.
"""
from typing import Callable

from spacy import registry
from spacy.language import Language
from wasabi import msg


@registry.callbacks("spacy_tkre.evaluate_last_step.v1")
def make_evaluate_last_step() -> Callable[[Language], Language]:
    """An ``[initialize.after_init]`` callback: ``eval_frequency = max_steps`` when ``0 < max_steps < eval_frequency``.

    ``spacy train`` reads ``[training]`` from ``nlp.config`` after initialization, so the change applies to this
    run and is recorded in the saved config.
    """

    def evaluate_last_step(nlp: Language) -> Language:
        training = nlp.config["training"]
        max_steps, frequency = training.get("max_steps"), training.get("eval_frequency")
        if isinstance(max_steps, int) and isinstance(frequency, int) and 0 < max_steps < frequency:
            msg.warn(
                f"max_steps ({max_steps}) is below eval_frequency ({frequency}): evaluating every {max_steps} steps "
                "instead, so that model-best is a trained model and not the one of step 0."
            )
            training["eval_frequency"] = max_steps
        return nlp

    return evaluate_last_step
