"""The Qt-free document model of the designer."""

from designer.document.changes import Change, ChangeKind
from designer.document.document import Document

__all__ = ["Change", "ChangeKind", "Document"]
