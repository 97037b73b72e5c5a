"""The BPMN tools users open sopflow's export in, driven from tests: bpmnlint and bpmn-js.

Both are npm packages installed (test-only) into ``tests/js`` with ``npm ci --prefix tests/js``.
bpmn-js, the viewer behind bpmn.io and Camunda Modeler, runs in headless Chromium from a local
file (no CDN, no network). Locally a missing install skips; in CI (CI=true) it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from services import CHROMIUM_ARGS, chromium_path

JS = Path(__file__).resolve().parent / "js"
_HINT = "run: npm ci --prefix tests/js"


def _module(name: str) -> Path:
    path = JS / "node_modules" / name
    if not path.exists():
        message = f"npm package {name} is not installed; {_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def bpmnlint(xml: str, config: dict[str, Any]) -> list[dict[str, str]]:
    """Run bpmnlint with ``config`` (a .bpmnlintrc) on ``xml``; every report as a dict with
    the element id, category, message and rule name."""
    _module("bpmnlint")
    script = """
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const { BpmnModdle } = require('bpmn-moddle');
const fs = require('fs');
(async () => {
  const [xmlPath, configPath] = process.argv.slice(1);
  const moddle = new BpmnModdle({ zeebe: require('zeebe-bpmn-moddle/resources/zeebe.json') });
  const { rootElement, warnings } = await moddle.fromXML(fs.readFileSync(xmlPath, 'utf8'));
  const linter = new Linter({ config: JSON.parse(fs.readFileSync(configPath, 'utf8')),
                              resolver: new NodeResolver() });
  const results = await linter.lint(rootElement);
  const out = warnings.map(w => ({ id: '', category: 'import', message: w.message,
                                   rule: 'import' }));
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) out.push({ id: r.id || '', category: r.category,
                                        message: r.message, rule });
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"""
    with tempfile.TemporaryDirectory() as tmp:
        xml_path, config_path = Path(tmp) / "sop.bpmn", Path(tmp) / "config.json"
        xml_path.write_text(xml, encoding="utf-8")
        config_path.write_text(json.dumps(config), encoding="utf-8")
        done = subprocess.run(
            ["node", "-e", script, str(xml_path), str(config_path)],
            cwd=JS, capture_output=True, text=True, timeout=120, check=False,
        )
    assert done.returncode == 0, done.stderr
    reports: list[dict[str, str]] = json.loads(done.stdout)
    return reports


_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>html, body, #canvas { margin: 0; width: 100%; height: 100%; }</style>
<script src="node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js"></script>
</head><body><div id="canvas"></div></body></html>
"""


def open_in_bpmn_js(xml: str, screenshot: Path | None = None,
                    size: tuple[int, int] = (1800, 900)) -> dict[str, Any]:
    """Import ``xml`` into bpmn-js in headless Chromium. Returns the import warnings and, per
    diagram element id, the bounding box bpmn-js drew for it and for its label (``label``),
    measured in the page (SVG getBBox of the drawn text). Saves a PNG when asked."""
    _module("bpmn-js")
    from playwright.sync_api import sync_playwright

    page_path = JS / f".bpmn-view-{os.getpid()}.html"
    page_path.write_text(_PAGE, encoding="utf-8")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                page.goto(page_path.as_uri())
                result: dict[str, Any] = page.evaluate(_IMPORT, xml)
                if screenshot is not None:
                    page.screenshot(path=str(screenshot), full_page=True)
            finally:
                browser.close()
    finally:
        page_path.unlink(missing_ok=True)
    return result


_IMPORT = """async (xml) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  const { warnings } = await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport');
  const registry = viewer.get('elementRegistry');
  const shapes = {};
  for (const el of registry.getAll()) {
    if (el.type === 'label' || !el.businessObject) continue;
    const entry = { type: el.type };
    if (el.waypoints) entry.waypoints = el.waypoints.map(p => [p.x, p.y]);
    else entry.box = [el.x, el.y, el.width, el.height];
    const text = registry.getGraphics(el).querySelector('text');
    if (text && el.type.endsWith('Task')) {
      entry.lines = Array.from(text.querySelectorAll('tspan')).map(t => t.textContent);
      const b = text.getBBox();
      entry.textBox = [el.x + b.x, el.y + b.y, b.width, b.height];
    }
    if (el.label) {
      const lt = registry.getGraphics(el.label).querySelector('text');
      const b = lt ? lt.getBBox() : null;
      entry.label = b ? [el.label.x + b.x, el.label.y + b.y, b.width, b.height]
                      : [el.label.x, el.label.y, el.label.width, el.label.height];
      entry.labelLines = lt ? Array.from(lt.querySelectorAll('tspan')).map(t => t.textContent)
                            : [];
    }
    shapes[el.id] = entry;
  }
  return { warnings: warnings.map(w => w.message), elements: shapes };
}"""
