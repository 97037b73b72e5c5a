"""Sizes of the SOP AP symbols and the spacing around them, in points: one home for each."""

from __future__ import annotations

__all__ = [
    "CELL_PAD",
    "CLEAR",
    "CONN_BAND",
    "CONN_H",
    "CONN_W",
    "DECISION_H",
    "DECISION_W",
    "GAP_Y",
    "PAD_Y",
    "PROCESS_H",
    "PROCESS_W",
    "SLOT",
    "TERM_H",
    "TERM_W",
]

PROCESS_W, PROCESS_H = 50.0, 22.0
DECISION_W, DECISION_H = 40.0, 28.0
TERM_W, TERM_H = 44.0, 15.0
CONN_W, CONN_H = 17.0, 15.0
PAD_Y = 10.0  # free space above and below the shapes of a row (arrow gutters)
GAP_Y = 10.0  # between a capsule and the box it belongs to
CELL_PAD = 4.0
CONN_BAND = 30.0  # height of a band holding off-page connectors
CLEAR = 3.0  # clearance kept between arrows and shapes
SLOT = 6.0  # spacing of several arrows on one side of a shape
