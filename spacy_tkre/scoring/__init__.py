"""Scoring: the official SemEval-2010 Task 8 scorer and the spaCy relation scorer built on it.

Importing this package registers ``spacy_tkre.relation_scorer.v1`` in ``spacy.registry.scorers``.
"""
from .joint import make_joint_relation_scorer, score_joint
from .relation_scorer import make_relation_scorer, score_relations
from .semeval import (
    SEMEVAL_LABELS,
    AnswerFileError,
    SemEvalResult,
    align_answers,
    format_report,
    read_answer_file,
    relation_type,
    score_answer_files,
    score_semeval,
)

__all__ = [
    "SEMEVAL_LABELS",
    "AnswerFileError",
    "SemEvalResult",
    "align_answers",
    "format_report",
    "make_relation_scorer",
    "read_answer_file",
    "relation_type",
    "score_answer_files",
    "score_relations",
    "score_semeval",
]
