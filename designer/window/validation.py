"""Re-validates the document after edits, off the UI thread, and announces the diagnostics.

Edits restart a short timer (debounce), so a burst of edits costs one validation. When the
timer fires, the UI thread takes a snapshot that shares every element with the live
definition and copies only the containers edits change in place (the node, flow and step
lists, the layout): a few milliseconds at 20,000 steps, where dumping the definition to plain
data and rebuilding it in the worker held the interpreter lock for over a second. Elements
are replaced, not changed, by edits, with one exception (renaming an id rewrites references
in place), and every edit starts a new generation: a run carries its generation number and a
result whose generation is no longer the latest is dropped, so neither a slow validation of
an old state nor one that read a half-renamed element can overwrite the newer one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from designer.document import Change, ChangeKind, Document
from engine.definition import Orchestration, StageNode
from engine.validation import Diagnostic, validate

Validator = Callable[[Orchestration], list[Diagnostic]]

DEBOUNCE_MS = 150

# Moving a node never changes meaning (layout is kept apart from it), so it needs no check.
_LAYOUT_ONLY = {ChangeKind.NODE_MOVED}


class _Relay(QObject):
    """Carries a worker's result back to the UI thread (queued by Qt across threads)."""

    finished = Signal(int, list)


class _ValidationTask(QRunnable):
    def __init__(
        self, generation: int, snapshot: Orchestration, validator: Validator, relay: _Relay
    ):
        super().__init__()
        self._generation, self._snapshot = generation, snapshot
        self._validator, self._relay = validator, relay

    def run(self) -> None:
        result = run_validator(self._validator, lambda: self._snapshot)
        self._relay.finished.emit(self._generation, result)


def snapshot(definition: Orchestration) -> Orchestration:
    """A copy of `definition` for another thread to read while edits go on.

    Elements are shared; the lists and the layout that edits change in place are copied,
    and each stage is copied with its own step list. Like the plain-data copy it replaces,
    it carries nothing the loader noted about the file (repeated keys): only opening and
    saving report those.
    """
    nodes = [
        node.model_copy(update={"steps": list(node.steps)}) if isinstance(node, StageNode) else node
        for node in definition.nodes
    ]
    copy = definition.model_copy(
        update={"nodes": nodes, "flows": list(definition.flows), "layout": dict(definition.layout)}
    )
    copy._repeated_keys = ()
    return copy


def run_validator(
    validator: Validator, definition: Callable[[], Orchestration]
) -> list[Diagnostic]:
    """Validate, turning a crash of the validator itself into one diagnostic to show."""
    try:
        return list(validator(definition()))
    except Exception as exc:  # a bug in a rule must not leave the problems panel silent
        message = f"validation stopped with {type(exc).__name__}: {exc}; please report it"
        return [Diagnostic("error", "validator-crashed", None, None, message)]


class ValidationController(QObject):
    """Keeps `diagnostics()` in step with the document; emits `diagnostics_changed(list)`."""

    diagnostics_changed = Signal(list)

    def __init__(
        self,
        document: Document,
        parent: QObject | None = None,
        *,
        validator: Validator = validate,
        delay_ms: int = DEBOUNCE_MS,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._document, self._validator = document, validator
        self._diagnostics: list[Diagnostic] = []
        self._generation = 0
        self._delivered = 0  # the generation whose result `diagnostics()` holds
        self._pool = pool or QThreadPool.globalInstance()
        # Not parented to self: a worker may still hold it after the controller is gone.
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._unsubscribe = document.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: self._unsubscribe())
        self.schedule()

    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics of the latest validated state."""
        return list(self._diagnostics)

    def is_pending(self) -> bool:
        """Whether the latest document state still awaits its validation result."""
        return self._delivered != self._generation

    def schedule(self) -> None:
        """Validate after the debounce delay (restarting it when already waiting)."""
        self._generation += 1
        self._timer.start()

    def validate_now(self) -> list[Diagnostic]:
        """Validate on this thread at once (tests, saving, activation); returns the result."""
        self._timer.stop()
        self._generation += 1
        current = run_validator(self._validator, lambda: self._document.definition)
        self._deliver(self._generation, current)
        return self.diagnostics()

    def adopt(self, diagnostics: list[Diagnostic]) -> None:
        """Take diagnostics just computed for the current state (opening and saving check
        the file at once), so no worker checks the same state again; emits nothing, the
        caller shows them."""
        self._timer.stop()
        self._delivered = self._generation
        self._diagnostics = list(diagnostics)

    def _on_change(self, change: Change) -> None:
        if change.kind not in _LAYOUT_ONLY:
            self.schedule()

    def _start(self) -> None:
        copy = snapshot(self._document.definition)
        self._pool.start(_ValidationTask(self._generation, copy, self._validator, self._relay))

    @Slot(int, list)
    def _deliver(self, generation: int, diagnostics: list[Diagnostic]) -> None:
        if generation != self._generation:
            return  # an older state's result; a newer validation is on its way
        self._delivered = generation
        if diagnostics != self._diagnostics:
            self._diagnostics = diagnostics
            self.diagnostics_changed.emit(self.diagnostics())
