"""The HTML report in a real headless browser: it loads, and every figure decodes.

Needs Chromium (`.ci/run` installs Debian's package when it is missing); skipped
where no Chromium binary is on PATH.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from pactsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(b)), None)
# Counts the images once the page has loaded; --dump-dom prints the DOM after that.
PROBE = """<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 100; }).length;
  document.body.setAttribute("data-images", imgs.length + "/" + ok);
});
</script>"""


@pytest.mark.figures
@pytest.mark.skipif(BROWSER is None, reason="no Chromium on PATH (.ci/run installs it)")
def test_report_renders_with_every_figure_visible(tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(ROOT / "scenarios" / "iran-russia-2024.yaml"), "--out", str(out),
                 "-n", "20000", "--seed", "1"]) == 0
    probe = tmp_path / "probe.html"
    probe.write_text(out.read_text().replace("</body>", PROBE + "</body>"))
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [str(BROWSER), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'data-images="(\d+)/(\d+)"', dom)
    assert found, "the page did not finish loading in the browser"
    total, decoded = map(int, found.groups())
    assert total >= 4
    assert decoded == total, f"only {decoded} of {total} figures decoded"
    assert dom.count("When will the agreement be signed?") == 1  # a heading, not also a title
