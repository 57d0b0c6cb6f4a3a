"""Prompt templates (Jinja, rendered in spacy-llm's sandbox) for the two synthesis styles.

Both show samples in one fixed six-line layout, the layout the parser reads best and TKRE's demonstrations use.
Variables: ``label``, ``definition``, ``head_types``, ``tail_types``, ``demonstrations`` (dicts with ``context``,
``head``, ``head_type``, ``tail``, ``tail_type``) and ``n`` (samples asked for).
"""

SAMPLE_LAYOUT = """Relation: {{ label }}
Context: {{ sample.context }}
Head Entity: {{ sample.head }}
Head Type: {{ sample.head_type }}
Tail Entity: {{ sample.tail }}
Tail Type: {{ sample.tail_type }}
"""

# TKRE: describe a sample and the schema, show up to 8 gold demonstrations, ask for N more at once.
BATCH_TEMPLATE = (
    """You create training samples for relation extraction. A sample has six lines:
Relation: the relation name.
Context: one sentence in which the relation holds.
Head Entity: the entity the relation goes from, copied exactly from the context.
Head Type: the type of the head entity, one of: {{ head_types | join(", ") }}.
Tail Entity: the entity the relation goes to, copied exactly from the context.
Tail Type: the type of the tail entity, one of: {{ tail_types | join(", ") }}.

The relation {{ label }}{% if definition %} means: {{ definition }}{% endif %}

{% for sample in demonstrations %}"""
    + SAMPLE_LAYOUT
    + """
{% endfor %}Generate {{ n }} more samples like above for the relation {{ label }}, each in the same six-line format, \
separated by a blank line, each with a new context sentence."""
)

# Diverse generation: one sample per prompt, the relation explained, a sliding window of recent samples, and an
# explicit request to differ from them.
DIVERSE_TEMPLATE = (
    """Task: write one training sample for relation extraction. A sample is a sentence (Context) with a head entity \
and a tail entity copied word for word from it, the type of each entity, and the relation from head to tail.

Relation: {{ label }}
Explanation of the relation: {% if definition %}{{ definition }}{% else %}see the samples below.{% endif %}
Allowed head entity types: {{ head_types | join(", ") }}. Allowed tail entity types: {{ tail_types | join(", ") }}.

Recent samples:

{% for sample in demonstrations %}"""
    + SAMPLE_LAYOUT
    + """
{% endfor %}Write one new sample for the relation {{ label }} that is as different as possible from the samples above: \
another topic, other entities, different words and sentence structure. Use the same six-line format and write \
nothing else."""
)

TEMPLATES = {"batch": BATCH_TEMPLATE, "diverse": DIVERSE_TEMPLATE}
