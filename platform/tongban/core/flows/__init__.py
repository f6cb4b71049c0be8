"""Flows are graphs (DESIGN.md §5): parse, validate and analyse flow documents.

- ``parse_flow`` / ``FlowDef`` / ``FlowNode`` / ``FlowEdge``: the document as a graph;
- ``validate_flow``: every rule a flow must follow, as ``Violation``s (codes in
  ``validation.py``);
- ``critical_path`` / ``procedure_violations``: path analysis without path enumeration;
- ``parse_expression`` / ``evaluate`` / ``ExpressionError``: the condition language of
  choice edges (docs/expressions.md), hand-written, never ``eval``.
"""

from tongban.core.flows.analysis import critical_path, procedure_violations
from tongban.core.flows.codes import FLOW_CODES
from tongban.core.flows.definition import NODE_KINDS, FlowDef, FlowEdge, FlowNode, parse_flow
from tongban.core.flows.expr_nodes import Expr, ExpressionError
from tongban.core.flows.expressions import evaluate, parse_expression
from tongban.core.flows.flow_schema import FLOW_SCHEMA_ID, flow_meta_schema
from tongban.core.flows.validation import validate_flow

__all__ = [
    "FLOW_CODES",
    "FLOW_SCHEMA_ID",
    "NODE_KINDS",
    "Expr",
    "ExpressionError",
    "FlowDef",
    "FlowEdge",
    "FlowNode",
    "critical_path",
    "evaluate",
    "flow_meta_schema",
    "parse_expression",
    "parse_flow",
    "procedure_violations",
    "validate_flow",
]
