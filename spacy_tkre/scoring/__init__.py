"""Scoring: the official SemEval-2010 Task 8 scorer (scores, answer files, report) and the spaCy relation scorer
built on it.

Importing this package registers ``spacy_tkre.relation_scorer.v1`` in ``spacy.registry.scorers``.
"""
from .answers import AnswerFileError, align_answers, read_answer_file, score_answer_files
from .joint import make_joint_relation_scorer, score_joint
from .relation_scorer import make_relation_scorer, score_relations
from .semeval import SEMEVAL_LABELS, SemEvalResult, relation_type, score_semeval
from .semeval_report import format_report

__all__ = [
    "SEMEVAL_LABELS",
    "AnswerFileError",
    "SemEvalResult",
    "align_answers",
    "format_report",
    "make_joint_relation_scorer",
    "make_relation_scorer",
    "read_answer_file",
    "relation_type",
    "score_answer_files",
    "score_joint",
    "score_relations",
    "score_semeval",
]
