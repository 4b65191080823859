"""The command line: papers, eq (text and JSON), and one-line errors for bad input."""

import json
import subprocess
import sys

import pytest

from paperkit.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_overview_lists_papers_and_commands(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for word in ["ddpm", "ddim", "diffedit", "cfg", "lesson11", "papers", "eq", "diffedit"]:
        assert word in out


def test_papers_text_and_json(capsys):
    code, out, _ = run(capsys, "papers")
    assert code == 0 and "2006.11239v2" in out and "Classifier-Free Diffusion Guidance" in out
    code, out, _ = run(capsys, "papers", "--json")
    papers = json.loads(out)
    assert [p["id"] for p in papers] == ["ddpm", "ddim", "diffedit", "cfg", "lesson11"]
    assert papers[1]["arxiv"] == "2010.02502" and papers[1]["version"] == "v4"


def test_one_paper(capsys):
    code, out, _ = run(capsys, "papers", "ddim")
    assert code == 0 and "DDPM's ᾱ_t" in out and "ddim.16" in out
    code, out, _ = run(capsys, "papers", "ddim", "--json")
    assert any(e["id"] == "ddim.12" for e in json.loads(out)["equations"])


def test_eq_text(capsys):
    code, out, _ = run(capsys, "eq", "ddim.12")
    assert code == 0
    assert "xₜ₋₁ = √αₜ₋₁" in out                      # readable Unicode
    assert r"\sqrt{\alpha_{t-1}}" in out                  # the LaTeX
    assert "paperkit/diffusion/ddim.py:" in out and "def ddim_step(" in out


def test_eq_json_fields(capsys):
    code, out, _ = run(capsys, "eq", "cfg.6", "--json")
    record = json.loads(out)
    assert code == 0
    for field in ["id", "paper", "number", "latex", "text", "meaning", "symbols", "code"]:
        assert field in record
    assert record["id"] == "cfg.6" and record["paper"] == "cfg" and record["number"] == "6"
    assert all(set(s) >= {"latex", "meaning"} for s in record["symbols"])
    code_link = record["code"]
    assert code_link["object"] == "paperkit.diffusion.cfg" and code_link["file"] == "paperkit/diffusion/guidance.py"
    source_line = open(code_link["file"], encoding="utf-8").read().splitlines()[code_link["line"] - 1]
    assert source_line.startswith("def cfg(")


def test_eq_verify(capsys):
    code, out, _ = run(capsys, "eq", "ddpm.7", "--verify")
    assert code == 0 and out.count("✓") == 2
    code, out, _ = run(capsys, "eq", "ddpm.alg2", "--verify", "--json")
    assert code == 0 and all(v["ok"] for v in json.loads(out)["verified"])


def test_eq_with_a_paper_id_lists_its_equations(capsys):
    code, out, _ = run(capsys, "eq", "cfg")
    assert code == 0 and "cfg.6" in out


@pytest.mark.parametrize("bad,suggestion", [("ddim.21", "ddim.12"), ("ddpm.04", "ddpm.4"), ("cgf.6", "cfg.6"), ("ε∇⍴", None)])
def test_unknown_id_is_one_line_with_suggestions(capsys, bad, suggestion):
    code, out, err = run(capsys, "eq", bad)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("paperkit: error: no equation")
    if suggestion:
        assert suggestion in err


def test_unknown_paper(capsys):
    code, _, err = run(capsys, "papers", "ddqm")
    assert code == 2 and "ddpm" in err


def test_console_script_runs_in_a_fresh_process():
    out = subprocess.run([sys.executable, "-m", "paperkit", "eq", "ddpm.4", "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == "ddpm.4"
    out = subprocess.run([sys.executable, "-m", "paperkit", "eq", "nope"], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_device_rule():
    import torch

    from paperkit.device import resolve_device
    from paperkit.errors import UserError

    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else resolve_device("auto").type)
    with pytest.raises(UserError, match="unknown device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="CUDA is not available"):
            resolve_device("cuda")
