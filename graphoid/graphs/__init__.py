"""Graph machinery: bitset d-separation, DAG-model counting, classes of DAGs, the paper's graph checks, drawings."""

from .classes import (ClassCheckResult, DSep, GraphClass, Member, SetLink, chained_class, check_class,
                      condition7, fig3_class, refined_class)
from .dagmodels import count_classes
from .fastdsep import BitDAG, d_separated

__all__ = ["BitDAG", "ClassCheckResult", "DSep", "GraphClass", "Member", "SetLink", "chained_class",
           "check_class", "condition7", "count_classes", "d_separated", "fig3_class", "refined_class"]
