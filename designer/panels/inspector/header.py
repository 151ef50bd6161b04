"""The inspector's header: the element's icon, its name, and what kind of thing it is."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from designer.panels.icons import kind_icon


class InspectorHeader(QFrame):
    """Icon, title (name or id) and a grey subtitle (kind, id, where it lives)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorHeader")
        self.icon = QLabel(self)
        self.title = QLabel(self)
        self.title.setObjectName("inspectorTitle")
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("inspectorSubtitle")
        self.title.setWordWrap(True)
        self.subtitle.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.subtitle)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addWidget(self.icon)
        layout.addLayout(text, 1)

    def show_element(self, kind: str, title: str, subtitle: str) -> None:
        """Show one element (or the orchestration) by kind name."""
        self.icon.setPixmap(kind_icon(kind, 22).pixmap(22, 22))
        self.icon.setVisible(bool(kind))
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
