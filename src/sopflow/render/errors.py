"""Why a flowchart cannot be laid out, as types: the layout's retries match on the type.

Every failure is a :class:`LayoutError` (a ``ValueError``, as before); the subclass says what
ran out, and carries the facts (the page, the row, the arrow) as attributes, so no caller
reads the message's words to decide what to do.
"""

from __future__ import annotations

__all__ = [
    "ArrowRouteError",
    "ConnectorRoomError",
    "EndRoomError",
    "FlowShapeError",
    "IdentityRoomError",
    "LayoutError",
    "RowTooTallError",
    "TooManyLanesError",
]


class LayoutError(ValueError):
    """The flowchart cannot be laid out (a missing lane, a row taller than the page, ...)."""


class FlowShapeError(LayoutError):
    """The graph cannot be drawn as a table at all: no lanes, no steps, a step without a lane,
    an unknown actor, two steps in one row."""


class TooManyLanesError(LayoutError):
    """The lanes and the text columns do not fit the paper's width, even at the smallest
    text size; says how many lanes fit and which paper would hold them all."""

    def __init__(self, lanes: int, *, fit: int | None = None, paper: str | None = None,
                 wider: str | None = None) -> None:
        self.lanes = lanes
        self.fit = fit
        self.paper = paper
        self.wider = wider
        on = f" on {paper}" if paper else ""
        advice = []
        if fit is not None:
            advice.append(f"at most {fit} lane(s) fit{on}")
        if wider:
            advice.append(f"{wider} paper holds all {lanes}")
        elif paper:
            advice.append("no supported paper holds them all")
        hint = "; ".join(advice) or "use fewer actors or a wider paper"
        super().__init__(
            f"{lanes} lanes and the text columns do not fit the page width{on}: {hint} "
            "(merge actors into fewer lanes, shorten long words, or use a wider paper)"
        )


class RowTooTallError(LayoutError):
    """A row (``row`` is its table number, None for the start capsule's own row) is taller than
    a page can hold."""

    def __init__(self, row: int | None, height: float) -> None:
        self.row, self.height = row, height
        what = f"row {row}" if row is not None else "the start row"
        super().__init__(
            f"{what} is taller ({height:.0f} pt) than a page can hold: shorten its "
            "text or use a taller paper"
        )


class ConnectorRoomError(LayoutError):
    """Too many arrows cross a page break for the off-page connectors' band (``page`` counts
    from 1); breaking the pages elsewhere may help, more room in the lanes does not."""

    def __init__(self, page: int) -> None:
        self.page = page
        super().__init__(
            f"no room for another off-page connector on page {page}: too many arrows "
            "cross this page break; use a taller paper or fewer loops across pages"
        )


class EndRoomError(LayoutError):
    """The end capsule of a side exit does not fit below its ``step`` in the row's gutter."""

    def __init__(self, step: str) -> None:
        self.step = step
        super().__init__(f"no room for the end capsule after step {step!r}")


class ArrowRouteError(LayoutError):
    """The arrow ``edge`` finds no route even with every compromise allowed."""

    def __init__(self, edge: tuple[str, str], reason: str) -> None:
        self.edge, self.reason = edge, reason
        super().__init__(f"cannot draw the arrow {edge[0]} -> {edge[1]}: {reason}")


class IdentityRoomError(LayoutError):
    """The identity page cannot hold a part that may not be split: the unit's names beside
    the identity rows, or one row of a grid field on a whole page."""


#: Failures that taller gutters and narrower symbols cannot cure: the retry with more room
#: re-raises them at once.
NOT_CURED_BY_ROOM: tuple[type[LayoutError], ...] = (
    ConnectorRoomError, FlowShapeError, RowTooTallError, TooManyLanesError,
)
