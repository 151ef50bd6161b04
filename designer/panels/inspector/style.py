"""The inspector's style sheet: quiet section headers, clear focus and error states."""

from __future__ import annotations

INSPECTOR_STYLE = """
#inspectorPanel { background: #ffffff; }
#inspectorHeader { background: #f8fafc; border-bottom: 1px solid #e2e8f0; }
#problemsStrip[level="warning"] { background: #fffbeb; border-bottom: 1px solid #fde68a; }
#problemsStrip[level="error"] { background: #fef2f2; border-bottom: 1px solid #fecaca; }
QToolButton#changeType {
    border: 1px solid #cbd5e1; border-radius: 4px; padding: 2px 8px; color: #334155;
    background: #ffffff;
}
QToolButton#changeType:hover { border-color: #6e56cf; }
#inspectorTitle { font-size: 11pt; font-weight: 600; color: #0f172a; }
#inspectorSubtitle { color: #64748b; }
#inspectorNote { background: #ffffff; }
#inspectorNote QLabel { color: #64748b; }
#inspectorScroll { border: none; background: #ffffff; }
#inspectorScroll > QWidget > QWidget { background: #ffffff; }
QToolButton#sectionHeader {
    border: none; border-bottom: 1px solid #e2e8f0; background: #f1f5f9;
    padding: 6px 8px; font-weight: 600; color: #334155; text-align: left;
}
QToolButton#sectionHeader:hover { background: #e2e8f0; }
QLabel#fieldLabel { color: #475569; font-weight: 600; }
QLabel#detailTitle { color: #334155; font-weight: 600; padding-top: 4px; }
QLabel#fieldMessage[level="error"] { color: #b91c1c; }
QLabel#fieldMessage[level="warning"] { color: #b45309; }
QLabel#fieldMessage[level="hint"] { color: #64748b; }
#subForm { border-left: 2px solid #e2e8f0; background: transparent; }
QLineEdit, QPlainTextEdit {
    border: 1px solid #cbd5e1; border-radius: 4px; padding: 3px 5px; background: #ffffff;
    selection-background-color: #ddd6fe; selection-color: #0f172a;
}
QLineEdit:focus, QPlainTextEdit:focus { border: 1px solid #6e56cf; }
QSpinBox, QComboBox { min-height: 20px; }
QLineEdit:disabled { background: #f8fafc; color: #94a3b8; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QTableWidget[invalid="true"] {
    border: 1px solid #dc2626; background: #fef2f2;
}
QTableWidget, QListWidget#relations {
    selection-background-color: #ede9fe; selection-color: #1f2430;
}
QTableWidget, QListWidget#checklist, QListWidget#relations {
    border: 1px solid #cbd5e1; border-radius: 4px; gridline-color: #e2e8f0; background: #ffffff;
}
QToolButton#durationPresets::menu-indicator { image: none; width: 0px; }
QToolButton#durationPresets { padding: 2px 6px; }
QHeaderView::section {
    background: #f8fafc; border: none; border-bottom: 1px solid #e2e8f0;
    border-right: 1px solid #e2e8f0; padding: 3px 6px; color: #475569; font-weight: 600;
}
"""
