"""The explanation prompt (TKRE): why does the head hold the relation with the tail in this sentence?

Variables: ``text``, ``head``, ``tail``, ``label``, ``definition``.
"""

EXPLANATION_TEMPLATE = """Sentence: {{ text }}
Head entity: {{ head }}
Tail entity: {{ tail }}
Relation: {{ label }}{% if definition %} ({{ definition }}){% endif %}

Explain why the head entity "{{ head }}" has the relation {{ label }} with the tail entity "{{ tail }}" in this \
sentence. Point to the words of the sentence that show it. Answer in one or two sentences."""
