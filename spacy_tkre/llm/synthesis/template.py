"""The synthesis styles' default prompts: ``templates/synthesis_batch.v1.jinja`` and ``synthesis_diverse.v1.jinja``.

Both show samples in one fixed six-line layout, the layout the parser reads best and TKRE's demonstrations use.
Variables: ``label``, ``definition``, ``head_types``, ``tail_types``, ``demonstrations`` (dicts with ``context``,
``head``, ``head_type``, ``tail``, ``tail_type``) and ``n`` (samples asked for). Batch (TKRE): the schema, up to 8
gold demonstrations, a request for N more. Diverse: one sample per prompt, the relation explained, a sliding
window of recent samples and an explicit request to differ from them.
"""
from ..templates import read_template

TEMPLATES = {"batch": read_template("synthesis_batch.v1"), "diverse": read_template("synthesis_diverse.v1")}
