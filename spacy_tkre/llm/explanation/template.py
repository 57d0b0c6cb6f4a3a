"""The explanation prompt (TKRE), ``templates/explanation.v1.jinja``: why does the head hold the relation with
the tail in this sentence? Variables: ``text``, ``head``, ``tail``, ``label``, ``definition``.
"""
from ..templates import read_template

EXPLANATION_TEMPLATE = read_template("explanation.v1")
