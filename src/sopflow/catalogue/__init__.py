"""An agency's SOP catalogue: many SOP files in folders, processed together.

Builds on the core and the renderer, never the other way round:

- :mod:`.discover` finds SOP files (``.py`` and ``.json``) in files and folders and loads them;
- :mod:`.batch` validates, renders or exports them in parallel, with a summary;
- :mod:`.links` resolves each SOP's Keterkaitan to other SOPs and draws the catalogue map;
- :mod:`.review` says when each SOP is due for its evaluation (a documented default cycle,
  optional per-SOP settings in ``sopflow-catalogue.toml``);
- :mod:`.site` writes a static e-SOP site (``sopflow site DIR -o OUT``).

Nothing heavy is imported here; each module loads what it needs when called.
"""

from __future__ import annotations

__all__: list[str] = []
