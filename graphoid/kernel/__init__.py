"""The trusted kernel: the only code that creates Facts. Read fact.py, context.py, registry.py, then
rules.py (and the rule families it mixes in: graph_rules.py, probability.py, dconnection.py)."""
from .fact import Fact
from . import registry
from .rules import Kernel, RuleError

__all__ = ["Fact", "Kernel", "RuleError", "registry"]
