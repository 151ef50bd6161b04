"""Guards against a broken PySide6 build (6.12.0 on CPython 3.11 leaked None per void call
and aborted the interpreter after ~100,000 calls)."""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsRectItem


def test_two_hundred_thousand_void_qt_calls_do_not_crash_the_interpreter(qapp):
    item = QGraphicsRectItem(0, 0, 10, 10)
    for i in range(200_000):
        item.setPos(i % 97, i % 89)
    assert item.pos().x() == (199_999 % 97)
