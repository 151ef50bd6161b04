"""Foreign and hostile files are refused clearly, safely and quickly by every importer."""

from __future__ import annotations

import time

import pytest

from engine.errors import InterchangeError
from engine.interchange import import_bpmn, import_file, import_salesforce

IMPORTERS = [import_bpmn, import_salesforce, import_file]
NAMES = ["bpmn", "salesforce", "auto"]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><label>&lol9;</label></Flow>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&secret;</definitions>
"""


@pytest.fixture(params=list(zip(IMPORTERS, NAMES, strict=True)), ids=NAMES)
def importer(request):
    return request.param[0]


def refused(importer, path) -> InterchangeError:
    began = time.perf_counter()
    with pytest.raises(InterchangeError) as caught:
        importer(path)
    # a hang guard (refusals take milliseconds; an expanded bomb would take minutes)
    assert time.perf_counter() - began < 10.0, "refusing must not expand the document"
    return caught.value


def test_an_xml_bomb_is_refused_without_expanding_entities(importer, tmp_path):
    path = tmp_path / "bomb.flow-meta.xml"
    path.write_text(BILLION_LAUGHS)
    error = refused(importer, path)
    assert "DTD or entities" in error.message and error.file == str(path)


def test_an_external_entity_is_never_resolved(importer, tmp_path):
    path = tmp_path / "xxe.bpmn"
    path.write_text(EXTERNAL_ENTITY)
    error = refused(importer, path)
    assert "DTD or entities" in error.message
    assert "root:" not in str(error)


def test_malformed_xml_is_refused_with_its_line(importer, tmp_path):
    path = tmp_path / "truncated.bpmn"
    path.write_text('<?xml version="1.0"?>\n<definitions>\n  <process id="p">\n')
    error = refused(importer, path)
    assert error.message.startswith("not well-formed XML at line 4")


def test_a_50_megabyte_file_is_refused_before_parsing(importer, tmp_path):
    path = tmp_path / "huge.flow-meta.xml"
    with path.open("wb") as handle:
        handle.write(b"<Flow>")
        handle.truncate(50 * 1024 * 1024)  # sparse: the size is real, the disk is spared
    error = refused(importer, path)
    assert "52.4 MB" in error.message and "at most 10 MB" in error.message


def test_a_missing_file_is_reported_as_such(importer, tmp_path):
    error = refused(importer, tmp_path / "nowhere.bpmn")
    assert error.message == "file not found"


def test_binary_garbage_is_refused(importer, tmp_path):
    path = tmp_path / "random.bpmn"
    path.write_bytes(bytes(range(256)) * 40)
    error = refused(importer, path)
    assert "not well-formed XML" in error.message


def test_a_file_of_neither_format_is_refused_by_auto_detection(tmp_path):
    path = tmp_path / "pom.xml"
    path.write_text('<project xmlns="http://maven.apache.org/POM/4.0.0"/>')
    with pytest.raises(InterchangeError, match=r"neither BPMN 2\.0 nor Salesforce"):
        import_file(path)
