"""Interchange: BPMN 2.0 and Salesforce Flow Orchestration metadata in and out of Baton."""

from __future__ import annotations

import os

from engine.errors import InterchangeError
from engine.interchange.bpmn_export import export_bpmn
from engine.interchange.bpmn_import import import_bpmn, import_bpmn_element
from engine.interchange.bpmn_names import BPMN_NS
from engine.interchange.exporters import load_exporter
from engine.interchange.markdown import export_markdown
from engine.interchange.report import ExportResult, ImportResult, Report, ReportItem
from engine.interchange.safe_xml import local_name, namespace_of, read_xml_file
from engine.interchange.salesforce_export import export_salesforce, write_sfdx_project
from engine.interchange.salesforce_import import (
    api_name_of,
    import_salesforce,
    import_salesforce_element,
)
from engine.interchange.salesforce_xml import SF_NS


def import_file(path: str | os.PathLike[str]) -> ImportResult:
    """Import a BPMN or Salesforce flow file, recognised by its content, not its name.

    Raises:
        InterchangeError: neither format, or the file is refused (see the importers).
    """
    root = read_xml_file(path)
    namespace = namespace_of(root.tag)
    if namespace == BPMN_NS:
        return import_bpmn_element(root, str(path))
    if namespace == SF_NS:
        return import_salesforce_element(root, source=str(path), api_name=api_name_of(path))
    raise InterchangeError(
        f"neither BPMN 2.0 nor Salesforce Flow metadata (root <{local_name(root.tag)}>)",
        file=str(path),
        hint="Baton imports .bpmn files and Salesforce *.flow-meta.xml orchestrations",
    )


__all__ = [
    "ExportResult",
    "ImportResult",
    "Report",
    "ReportItem",
    "export_bpmn",
    "export_markdown",
    "export_salesforce",
    "import_bpmn",
    "import_file",
    "import_salesforce",
    "load_exporter",
    "write_sfdx_project",
]
