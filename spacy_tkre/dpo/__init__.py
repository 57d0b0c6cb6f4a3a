"""Tuning the synthesis generator with Direct Preference Optimization (trl's DPOTrainer).

``pairs``: the preference-pairs file (JSONL) and its checks; ``gold_pairs`` and ``self_pairs``: pairs from the
gold support set and from the generator's own samples; ``model_folder``: the generator as a Hugging Face folder
(the embedded GGUF converted once); ``training``: the registered settings and the trl run; ``plot``: its curves.
"""
