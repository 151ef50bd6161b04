"""Baton expressions rewritten into the Python form BPMN engines such as SpiffWorkflow evaluate.

Baton reads step outputs as attributes (`contract.decision`); in BPMN process data they
are flat names (`contract_decision`), as are record fields (`record.status` ->
`record_status`) and run facts (`run.id` -> `run_id`). A step output is read with
`globals().get('contract_decision')`, so that an output no step has set (the step was
skipped, its stage not visited) reads None as in Baton instead of failing the process.
Giving such names a value up front is no way out: parallel branches would carry the empty
value and overwrite the real one when their data merges at the join.

The original Baton expression is always kept in our extension element; this form is only
what another engine evaluates.
"""

from __future__ import annotations

import ast

from engine.expressions import parse
from engine.interchange.bpmn_names import data_name

_CONSTANTS = {"true": True, "false": False, "null": None}
_STRING_FUNCTIONS = {"lower", "upper"}
_FACTS = {"record", "run"}


class _Flatten(ast.NodeTransformer):
    def __init__(self, steps: set[str]) -> None:
        self.steps = steps

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id in self.steps | _FACTS:
            name = data_name(node.value.id, node.attr)
            flat: ast.expr = ast.Name(name, ast.Load())
            if node.value.id in self.steps:
                lookup = ast.Attribute(ast.Call(ast.Name("globals", ast.Load()), [], []), "get")
                flat = ast.Call(lookup, [ast.Constant(name)], [])
            return ast.copy_location(flat, node)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in _CONSTANTS:
            return ast.copy_location(ast.Constant(_CONSTANTS[node.id]), node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        # Baton's lower(x)/upper(x) are plain str methods in Python.
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in _STRING_FUNCTIONS
            and len(node.args) == 1
        ):
            text = ast.Call(ast.Name("str", ast.Load()), [self.visit(node.args[0])], [])
            method = ast.Attribute(text, node.func.id, ast.Load())
            return ast.copy_location(ast.Call(method, [], []), node)
        return self.generic_visit(node)


def to_python(expression: str, step_ids: set[str]) -> str:
    """Rewrite a Baton expression for a BPMN engine's Python evaluator.

    Args:
        expression: the Baton expression (already valid Baton syntax).
        step_ids: ids of every step, whose attribute reads become flat data names.

    Raises:
        ExpressionError: the expression does not parse as Baton syntax.
    """
    parse(expression)  # Baton's own checks and limits first
    # parse() caches its tree, so rewrite a fresh one rather than the shared one.
    tree = ast.parse(expression.strip(), mode="eval")
    flat = _Flatten(step_ids).visit(tree)
    return ast.unparse(ast.fix_missing_locations(flat))
