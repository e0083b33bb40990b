"""The trusted kernel: the only code that creates Facts. Read fact.py, then rules.py."""
from .fact import Fact
from .rules import Kernel, RuleError

__all__ = ["Fact", "Kernel", "RuleError"]
