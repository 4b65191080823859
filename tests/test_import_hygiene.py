"""The entry module stays light: torch, diffusers and pymupdf load only when a command needs them."""

import json
import subprocess
import sys

HEAVY = ["torch", "diffusers", "transformers", "fitz", "pymupdf", "sympy", "numba"]

PROBE = """
import json, sys, io, contextlib
import paperkit.cli
from paperkit.cli import main
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    codes = [main([]), main(["papers"]), main(["eq", "ddim.12", "--json"]), main(["papers", "ddpm"])]
print(json.dumps({"codes": codes, "loaded": sorted(m for m in %r if m in sys.modules)}))
"""


def test_entry_module_and_catalog_commands_import_no_heavy_library():
    out = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0, 0]
    assert result["loaded"] == [], f"imported on the start-up path: {result['loaded']}"


def test_probe_would_notice_a_heavy_import():
    # the same probe, after importing the maths, must see torch: the check above can fail
    probe = "import sys, paperkit.diffusion; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
