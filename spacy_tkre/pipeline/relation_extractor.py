"""``tkre_relation_extractor``: classifies candidate entity pairs into relation labels or the negative label."""
import warnings
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc
from spacy.training import Example, validate_get_examples
from spacy.vocab import Vocab
from thinc.api import CategoricalCrossentropy, Config, Model, Optimizer, set_dropout_rate
from thinc.types import Floats2d
from wasabi import msg

from ..annotation import DEFAULT_NEGATIVE_LABEL, looks_negative
from ..candidates import CandidateGenerator, Pair, Schema, filter_by_schema, schema_allows
from ..imprinting import DEFINITION_TEMPLATE, OUTPUT_INITS, definition_doc, imprint_output_layer, read_label_definitions
from ..models.pair_inputs import encoder_passes
from ..prototypes import AddedLabels, LabelPrototypes, add_prototypes, predict_with_prototypes
from ..relations import Relation, relations_by_pair, set_relations

# Per doc its candidate pairs; one row of label probabilities per pair, docs one after the other.
RelationOutput = Tuple[List[List[Pair]], Floats2d]

DEFAULT_MODEL_CONFIG = """
[model]
@architectures = "spacy_tkre.SpanPoolingRelationModel.v2"
pooling = "spans+context"
normalize = true

[model.tok2vec]
@architectures = "spacy_tkre.Encoder.v1"
name = "all-MiniLM-L6-v2"

[model.tok2vec.get_spans]
@span_getters = "spacy-transformers.strided_spans.v1"
window = 128
stride = 96

[model.tok2vec.pooling]
@layers = "reduce_mean.v1"

[model.classifier]
@architectures = "spacy_tkre.PairClassifier.v1"
hidden_width = 384
dropout = 0.1
"""
DEFAULT_MODEL = Config().from_str(DEFAULT_MODEL_CONFIG)["model"]
MISSING = -1
DECISIONS = ("argmax", "best_positive")


@Language.factory(
    "tkre_relation_extractor",
    assigns=["doc._.relations"],
    requires=["doc.ents"],
    default_config={
        "model": DEFAULT_MODEL,
        "labels": [],
        "negative_label": DEFAULT_NEGATIVE_LABEL,
        "threshold": 0.0,
        "decision": "argmax",
        "negative_weight": 1.0,
        "learn_rate_scale": 1.0,
        "schema": {},
        "candidates": {"@misc": "spacy_tkre.entity_pairs.v1"},
        "scorer": {"@scorers": "spacy_tkre.relation_scorer.v1"},
    },
    default_score_weights={"rel_macro_f": 1.0, "rel_micro_p": 0.0, "rel_micro_r": 0.0, "rel_micro_f": 0.0},
)
def make_relation_extractor(
    nlp: Language,
    name: str,
    model: Model,
    labels: List[str],
    negative_label: str,
    threshold: float,
    decision: str,
    negative_weight: float,
    learn_rate_scale: float,
    schema: Schema,
    candidates: CandidateGenerator,
    scorer: Optional[Callable],
) -> "RelationExtractor":
    """Relation extraction between ``doc.ents``; ``schema`` maps a label to allowed ``head``/``tail`` entity types.

    ``decision``: ``argmax`` keeps a pair's most probable allowed label unless it is the negative one or its
    probability is below ``threshold``; ``best_positive`` keeps its most probable allowed relation label whenever
    that probability reaches ``threshold`` (in (0, 1]), even if the negative label is more probable, for data where
    negatives dominate the candidates and the argmax under-predicts. ``negative_weight`` scales the loss of pairs
    whose gold label is the negative one. ``learn_rate_scale`` multiplies the optimizer's learning rate for the
    component's own thinc weights (the pair classifier); a transformer, its own or a shared one, keeps the base rate."""
    return RelationExtractor(
        nlp.vocab, model, name, labels=labels, negative_label=negative_label, threshold=threshold,
        decision=decision, negative_weight=negative_weight, learn_rate_scale=learn_rate_scale,
        schema=schema, candidates=candidates, scorer=scorer,
    )


class RelationExtractor(TrainablePipe):
    def __init__(
        self,
        vocab: Vocab,
        model: Model,
        name: str = "tkre_relation_extractor",
        *,
        labels: List[str] = [],
        negative_label: str = DEFAULT_NEGATIVE_LABEL,
        threshold: float = 0.0,
        decision: str = "argmax",
        negative_weight: float = 1.0,
        learn_rate_scale: float = 1.0,
        schema: Schema = {},
        candidates: CandidateGenerator,
        scorer: Optional[Callable] = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must lie in [0, 1], got {threshold}.")
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {list(DECISIONS)}, got {decision!r}.")
        if decision == "best_positive" and threshold == 0.0:
            raise ValueError("decision 'best_positive' with threshold 0 would keep a relation for every candidate "
                             "pair: set a threshold in (0, 1], e.g. 0.3.")
        if negative_weight <= 0.0 or learn_rate_scale <= 0.0:
            raise ValueError(f"negative_weight and learn_rate_scale must be positive, got {negative_weight} and "
                             f"{learn_rate_scale}.")
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        self.candidate_generator = candidates
        self.cfg = {
            "labels": list(labels),
            "negative_label": negative_label,
            "threshold": threshold,
            "decision": decision,
            "negative_weight": negative_weight,
            "learn_rate_scale": learn_rate_scale,
            "schema": {label: dict(allowed) for label, allowed in schema.items()},
        }
        self.skipped: Counter = Counter()

    @property
    def labels(self) -> Tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def prototypes(self) -> Optional[LabelPrototypes]:
        """The labels learnt from examples without retraining (``add_labels_from_examples``), if any."""
        return LabelPrototypes.from_cfg(self.cfg.get("prototypes"))

    @property
    def output_labels(self) -> Tuple[str, ...]:
        """The columns of the predicted probabilities: the trained labels, then the prototype labels."""
        return self.labels + tuple((self.cfg.get("prototypes") or {}).get("new_labels", ()))

    def add_labels_from_examples(
        self, examples: Iterable[Union[Doc, Example]], labels: Optional[List[str]] = None,
        temperature: Optional[float] = None,
    ) -> AddedLabels:
        """Learn new labels from a few docs (or Examples) with gold ``doc.ents`` and ``doc._.relations``, without
        retraining: a prototype per label in the pair space, combined with the trained head as
        ``spacy_tkre.prototypes`` says. ``labels``: the ones to add (default: every label the component lacks);
        the docs' pairs of trained labels, and unannotated candidate pairs, serve as anchors. Docs without
        entities are skipped and counted in the returned report."""
        self._require_initialized()
        prototypes, added = add_prototypes(
            self.prototypes, self.model.get_ref("pair_representation"), examples, self.labels, self.candidates,
            self.negative_label, labels=labels, temperature=temperature,
        )
        self.cfg["prototypes"] = prototypes.to_cfg()
        for label in added.new:
            self.vocab.strings.add(label)
        return added

    @property
    def negative_label(self) -> str:
        return self.cfg["negative_label"]

    @property
    def positive_labels(self) -> List[str]:
        return [label for label in self.labels if label != self.negative_label]

    def candidates(self, doc: Doc) -> List[Pair]:
        """The pairs this component classifies in ``doc``: the generator's pairs that the schema allows."""
        return filter_by_schema(self.candidate_generator(doc), self.cfg["schema"], self.positive_labels)

    def add_label(self, label: str) -> int:
        if not isinstance(label, str) or not label:
            raise ValueError(f"Relation labels are non-empty strings, got {label!r}.")
        if label in self.labels:
            return 0
        output_layer = self.model.get_ref("output_layer")
        if output_layer.has_dim("nO") and output_layer.get_dim("nO") == len(self.labels):
            raise ValueError(
                f"Cannot add the label {label!r} to the trained component {self.name}: its classifier has a fixed "
                "set of outputs. Add labels before nlp.initialize(), or retrain with the new label."
            )
        self.cfg["labels"].append(label)
        self.vocab.strings.add(label)
        return 1

    def initialize(
        self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
        labels: Optional[List[str]] = None, output_init: str = "random", definitions: Optional[str] = None,
        definition_template: Optional[str] = None,
    ) -> None:
        """Labels come from ``labels`` (e.g. ``[initialize.components.NAME.labels]``), else from the examples'
        ``doc._.relations``; the negative label is always one of them. ``output_init``: the classifier's output
        rows start ``random``, or from the training examples' features (``examples``), or from those and the
        label definitions in ``definitions`` (a schema file or a definitions JSON; ``examples+definitions``),
        rendered with the Jinja file ``definition_template`` (default ``definition_pair.v1.jinja``); see
        ``spacy_tkre.imprinting``. Initialize settings, not component settings: a saved pipeline needs none."""
        validate_get_examples(get_examples, "RelationExtractor.initialize")
        if output_init not in OUTPUT_INITS:
            raise ValueError(f"output_init must be one of {list(OUTPUT_INITS)}, got {output_init!r}.")
        if (output_init == "examples+definitions") != (definitions is not None):
            raise ValueError(f"output_init {output_init!r} with definitions = {definitions!r}: 'examples+definitions' "
                             "needs a definitions file (a schema or a {label: text} JSON; in configs/kshot_cpu.cfg: --paths.schema), "
                             "the others take none: without definitions, use output_init = \"examples\".")
        for label in labels or self.cfg["labels"] or self._labels_in(get_examples()):
            self.add_label(label)
        self.add_label(self.negative_label)
        lookalikes = [label for label in self.labels if label != self.negative_label and looks_negative(label)]
        if lookalikes:
            warnings.warn(f"{self.name}: the labels {lookalikes} look like 'no relation' but the negative label is "
                          f"{self.negative_label!r}, so they are trained as relations: if they mean none, set negative_label.")
        unknown = sorted(set(self.cfg["schema"]) - set(self.labels))
        if unknown:
            raise ValueError(
                f"The schema of {self.name} names labels that are not among its labels: {unknown}. "
                f"Known labels: {list(self.labels)}. Fix the schema's keys or add the labels."
            )
        sample = [eg.reference for eg in islice(get_examples(), 200) if self.candidates(eg.reference)][:16]
        if not sample:
            raise ValueError(
                "None of the first 200 training examples has a candidate entity pair. The relation extractor "
                "classifies pairs of doc.ents: check that the training docs have at least two entities each."
            )
        self.model.get_ref("output_layer").set_dim("nO", len(self.labels))
        self.model.initialize(X=(sample, [self.candidates(doc) for doc in sample]))
        if output_init != "random":
            self._imprint(get_examples, nlp, definitions, definition_template)

    def _imprint(self, get_examples: Callable[[], Iterable[Example]], nlp: Optional[Language],
                 definitions: Optional[str], template: Optional[str]) -> None:
        """Start the output rows from label prototypes (``spacy_tkre.imprinting``) and say which stayed random."""
        definition_docs = []
        if definitions is not None:
            texts = read_label_definitions(definitions)
            unknown = sorted(set(texts) - set(self.labels))
            if unknown:  # a schema may cover more relations than this training set has, as the workflow's smoke slice
                msg.warn(f"{self.name}: {definitions} defines labels it does not have, left out: {unknown}")
                texts = {label: text for label, text in texts.items() if label in self.labels}
            if template is None:
                from ..llm.templates import read_template

                template_text = read_template(DEFINITION_TEMPLATE)
            else:
                template_text = Path(template).read_text(encoding="utf8")
            make_doc = nlp.make_doc if nlp is not None else Language(self.vocab).make_doc
            definition_docs = [definition_doc(make_doc, template_text, label, text) for label, text in texts.items()]
        imprinted = imprint_output_layer(self.model, [eg.reference for eg in get_examples()], self.labels,
                                         self.candidates, self.negative_label, definition_docs)
        msg.info(f"{self.name}: output rows imprinted from the training pairs of {len(imprinted.examples)} labels "
                 f"and the definitions of {len(imprinted.definitions)}")
        if imprinted.random:
            msg.warn(f"{self.name}: no training pair or definition for {imprinted.random}: their output rows stay random")
        if imprinted.unknown:
            msg.warn(f"{self.name}: training pairs of labels it does not have, left out: {imprinted.unknown}")

    def _labels_in(self, examples: Iterable[Example]) -> List[str]:
        found = {relation.label for eg in examples for relation in eg.reference._.relations}
        return sorted(found)

    def _require_initialized(self) -> None:
        if not self.model.get_ref("output_layer").has_dim("nO"):
            raise ValueError(
                f"The component {self.name} has no trained classifier yet: call nlp.initialize() (and train it) "
                "before using it, or load a trained pipeline with spacy.load."
            )

    def predict(self, docs: Iterable[Doc]) -> RelationOutput:
        """The candidate pairs of each doc and their label probabilities."""
        self._require_initialized()
        docs = list(docs)
        pairs = [self.candidates(doc) for doc in docs]
        return pairs, predict_with_prototypes(self.model, self.prototypes, docs, pairs)

    def score_pairs(self, docs: List[Doc], pairs: List[List[Pair]]) -> List[numpy.ndarray]:
        """Label probabilities of the given (head, tail) pairs, whatever the candidate generator would propose: per
        doc an array of shape (pairs, labels), columns in ``self.output_labels`` order."""
        self._require_initialized()
        if len(docs) != len(pairs):
            raise ValueError(f"score_pairs needs one list of pairs per doc: got {len(docs)} docs and {len(pairs)} lists.")
        pairs = [list(p) for p in pairs]
        scores = self.model.ops.to_numpy(predict_with_prototypes(self.model, self.prototypes, list(docs), pairs))
        bounds = numpy.cumsum([0] + [len(p) for p in pairs])
        return [scores[start:end] for start, end in zip(bounds[:-1], bounds[1:])]

    def set_annotations(self, docs: Iterable[Doc], predictions: RelationOutput) -> None:
        """Keep, per pair, the label ``decision`` picks (see the factory) if its probability reaches ``threshold``."""
        pairs_per_doc, scores = predictions
        scores = self.model.ops.to_numpy(scores)
        with_negative = self.cfg.get("decision", "argmax") == "argmax"
        row = 0
        for doc, pairs in zip(docs, pairs_per_doc):
            relations = []
            for head, tail in pairs:
                label, score = self._best_label(scores[row], head, tail, with_negative)
                row += 1
                if label != self.negative_label and score >= self.cfg["threshold"]:
                    relations.append(Relation(head, tail, label, score))
            set_relations(doc, relations)

    def _best_label(self, row: numpy.ndarray, head, tail, with_negative: bool = True) -> Tuple[str, float]:
        """The most probable label the schema allows for the pair, the negative label among them or not."""
        labels = self.output_labels
        for index in numpy.argsort(-row):
            label = labels[index]
            if label == self.negative_label:
                if with_negative:
                    return label, float(row[index])
            elif schema_allows(self.cfg["schema"], label, head, tail):
                return label, float(row[index])
        return self.negative_label, 0.0

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optional[Optimizer] = None, losses: Optional[Dict[str, float]] = None) -> Dict[str, float]:
        examples = list(examples)
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        self._warn_if_entities_missing(examples)
        self._require_initialized()
        set_dropout_rate(self.model, drop)
        docs = [eg.predicted for eg in examples]
        pairs = [self.candidates(doc) for doc in docs]
        truths = self._gold_indices(examples, pairs)
        done = 0
        for group_docs, group_pairs in encoder_passes(self.model, docs, pairs, training=True):
            scores, backprop = self.model.begin_update((group_docs, group_pairs))
            if scores.shape[0] == 0:
                backprop(scores)  # a listener's upstream component waits for this call, pairs or not
                continue
            loss, d_scores = self._loss(scores, truths[done:done + scores.shape[0]], len(truths))
            backprop(d_scores)  # gradients of all passes add up to the whole batch's
            done += scores.shape[0]
            losses[self.name] += loss
        if sgd is not None and done:
            self.finish_update(sgd)
        return losses

    def finish_update(self, sgd: Optimizer) -> None:
        """As spaCy's, with the component's own thinc weights at ``learn_rate_scale`` times the learning rate; a
        PyTorch shim (the transformer) updates itself at the base rate."""
        scale = self.cfg.get("learn_rate_scale", 1.0)
        if scale == 1.0:
            return super().finish_update(sgd)
        for node in self.model.walk():
            for shim in node.shims:
                shim.finish_update(sgd)
            for name in node.param_names:
                if node.has_grad(name):
                    param, _ = sgd((node.id, name), node.get_param(name), node.get_grad(name), lr_scale=scale)
                    node.set_param(name, param)

    def get_loss(self, examples: Iterable[Example], predictions: RelationOutput) -> Tuple[float, Floats2d]:
        """Cross-entropy against the gold label of each candidate pair: its label in the reference's
        ``doc._.relations`` or the negative label. Gold labels the component does not know are counted in
        ``self.skipped`` and left out of the loss. Pairs whose gold label is the negative one weigh
        ``negative_weight``."""
        pairs_per_doc, scores = predictions
        truths = self._gold_indices(examples, pairs_per_doc)
        return self._loss(scores, truths, len(truths))

    def _gold_indices(self, examples: Iterable[Example], pairs_per_doc: List[List[Pair]]) -> numpy.ndarray:
        """Per candidate pair, the index of its gold label (``MISSING`` for a label the component does not know)."""
        index = {label: i for i, label in enumerate(self.labels)}
        truths = []
        for eg, pairs in zip(examples, pairs_per_doc):
            gold = relations_by_pair(eg.reference)
            candidate_keys = set()
            for head, tail in pairs:
                key = ((head.start_char, head.end_char), (tail.start_char, tail.end_char))
                candidate_keys.add(key)
                label = gold.get(key, self.negative_label)
                if label not in index:
                    self.skipped["unknown gold label " + label] += 1
                truths.append(index.get(label, MISSING))
            self.skipped["gold pair not a candidate"] += len(set(gold) - candidate_keys)
        return numpy.asarray(truths, dtype="i")

    def _loss(self, scores: Floats2d, truths: numpy.ndarray, batch_pairs: int) -> Tuple[float, Floats2d]:
        """Loss and gradient of ``scores`` (some or all of a batch's pairs), averaged over the ``batch_pairs``
        pairs of the whole batch, so that the passes of one batch add up to it."""
        loss_fn = CategoricalCrossentropy(normalize=False, missing_value=MISSING)
        d_scores = loss_fn.get_grad(scores, self.model.ops.asarray1i(truths)) / max(batch_pairs, 1)
        negative_weight = self.cfg.get("negative_weight", 1.0)
        if negative_weight != 1.0:
            weights = numpy.where(truths == self.labels.index(self.negative_label), negative_weight, 1.0).astype("f")
            d_scores = d_scores * self.model.ops.asarray2f(weights[:, None])
        return float((d_scores ** 2).sum()), d_scores  # thinc's own measure of the loss, from the gradient

    def _warn_if_entities_missing(self, examples: List[Example]) -> None:
        """Count training docs whose gold entities are missing from the predicted doc. Warn at the first only where
        nothing set entities on the predicted doc: an entity recognizer that annotates during training
        (``[training] annotating_components``) marks every token, and early on it rightly finds few entities."""
        missing = [eg.predicted for eg in examples if not eg.predicted.ents and eg.reference.ents]
        recognized = sum(1 for doc in missing if doc.has_annotation("ENT_IOB"))
        if recognized:
            self.skipped["predicted doc in which the recognizer found no entity"] += recognized
        unannotated = len(missing) - recognized
        if not unannotated:
            return
        reason = "predicted doc without the gold entities"
        if reason not in self.skipped:
            msg.warn(
                f"{self.name}: training docs have gold entities but no component set entities on the predicted "
                "docs. Read the corpus with spacy_tkre.GoldEntsCorpus.v1, or put an entity recognizer before "
                "this component and list it in [training] annotating_components."
            )
        self.skipped[reason] += unannotated

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> "RelationExtractor":
        """As spaCy's, but a damaged ``model`` file is named as such (its msgpack error alone does not say which)."""
        exclude = tuple(exclude)
        super().from_disk(path, exclude=exclude + ("model",))
        if "model" not in exclude:
            model_file = Path(path) / "model"
            try:
                self.model.from_bytes(model_file.read_bytes())
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise ValueError(
                    f"The weights file {model_file} of {self.name} is damaged or not this component's ({error}): "
                    "copy the pipeline again from its source, or retrain it."
                ) from None
        return self

    def score(self, examples: Iterable[Example], **kwargs) -> Dict:
        return self.scorer(examples, negative_label=self.negative_label, **kwargs) if self.scorer else {}
