"""Which editor class shows which kind of field."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from designer.panels.inspector.editors.base import EditorContext, FieldEditor
from designer.panels.inspector.editors.basic import (
    BooleanFieldEditor,
    ChoiceFieldEditor,
    IdentifierFieldEditor,
    IntegerFieldEditor,
    MultilineFieldEditor,
    StringListFieldEditor,
    TextFieldEditor,
    ValueFieldEditor,
)
from designer.panels.inspector.editors.choosers import (
    ActionFieldEditor,
    AssigneeFieldEditor,
    ChoiceChecklistFieldEditor,
    StepChecklistFieldEditor,
)
from designer.panels.inspector.editors.duration import DurationFieldEditor
from designer.panels.inspector.editors.expression import ExpressionFieldEditor
from designer.panels.inspector.editors.model_table import ModelTableFieldEditor
from designer.panels.inspector.editors.nested import NestedFieldEditor, VariantFieldEditor
from designer.panels.inspector.editors.outcome import OutcomeFieldEditor
from designer.panels.inspector.editors.tables import MappingFieldEditor
from designer.panels.inspector.fields import FieldKind, FieldSpec

EDITORS: dict[FieldKind, type[FieldEditor]] = {
    FieldKind.TEXT: TextFieldEditor,
    FieldKind.VALUE: ValueFieldEditor,
    FieldKind.STRING_LIST: StringListFieldEditor,
    FieldKind.MULTILINE: MultilineFieldEditor,
    FieldKind.IDENTIFIER: IdentifierFieldEditor,
    FieldKind.INTEGER: IntegerFieldEditor,
    FieldKind.BOOLEAN: BooleanFieldEditor,
    FieldKind.CHOICE: ChoiceFieldEditor,
    FieldKind.DURATION: DurationFieldEditor,
    FieldKind.EXPRESSION: ExpressionFieldEditor,
    FieldKind.ASSIGNEE: AssigneeFieldEditor,
    FieldKind.ACTION: ActionFieldEditor,
    FieldKind.STEP_CHECKLIST: StepChecklistFieldEditor,
    FieldKind.CHOICE_CHECKLIST: ChoiceChecklistFieldEditor,
    FieldKind.MODEL_TABLE: ModelTableFieldEditor,
    FieldKind.MAPPING: MappingFieldEditor,
    FieldKind.NESTED: NestedFieldEditor,
    FieldKind.VARIANT: VariantFieldEditor,
    FieldKind.OUTCOME: OutcomeFieldEditor,
}


def create_editor(spec: FieldSpec, context: EditorContext, parent: QWidget) -> FieldEditor:
    """A new editor for the field."""
    return EDITORS[spec.kind](spec, context, parent)
