"""Probability terms and equations (terms.py), their script steps (script_steps.py), exact
evaluation in finite distributions (evaluate.py) and counter-model search (countermodels.py). The
trusted rules and their z3 encoding are in graphoid/kernel/probability.py and prob_encoding.py."""
