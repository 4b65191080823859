"""The project's own digits model: its data, shipped weights, trainer, classifier, quality and CLI."""

import argparse
import json
import subprocess
import sys
import threading

import pytest
import torch

from paperkit.errors import UserError
from paperkit.models import load_model
from paperkit.models.digits.classifier import CLASSIFIER_WEIGHTS, classify, held_out_accuracy, load_classifier
from paperkit.models.digits.data import load_split, split_indices
from paperkit.models.digits.model import WEIGHTS, DigitsModel, load_digits
from paperkit.models.digits.quality import evaluate, generate
from paperkit.models.digits.train import learning_rate, train_digits
from paperkit.progress import Cancelled


@pytest.fixture(scope="module")
def model():
    return load_model("digits")


# -- data -------------------------------------------------------------------------------------------

def test_split_is_fixed_stratified_and_disjoint():
    train, held = split_indices()
    assert (len(train), len(held)) == (1438, 359)
    assert set(train.tolist()).isdisjoint(held.tolist())
    assert sorted(train.tolist() + held.tolist()) == list(range(1797))
    _, y_all = load_split("all")
    for digit in range(10):
        n = int((y_all == digit).sum())
        assert abs(int((y_all[held] == digit).sum()) - 0.2 * n) <= 0.5
    split_indices.cache_clear()
    again = split_indices()
    assert torch.equal(again[0], train) and torch.equal(again[1], held)


def test_split_images_are_16x16_in_minus_one_one():
    x, y = load_split("held_out")
    assert x.shape == (359, 1, 16, 16) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert x.min() >= -1 and x.max() <= 1 and x.min() == -1
    with pytest.raises(ValueError):
        load_split("test")


# -- the shipped model ----------------------------------------------------------------------------

def test_shipped_weights_load(model):
    assert isinstance(model, DigitsModel)
    assert model.alpha_bars.dtype == torch.float64 and model.alpha_bars.shape == (1000,)
    assert (model.image_size, model.channels, model.num_classes) == (16, 1, 10)
    assert model.to("cpu") is model and model.device.type == "cpu"
    assert WEIGHTS.stat().st_size < 5e6
    assert next(model.net.parameters()).dtype == torch.float32
    assert model.meta["steps"] >= 1000 and model.meta["p_uncond"] > 0


def test_eps_shapes_for_labels_embeddings_and_null(model):
    x = torch.randn(3, 1, 16, 16)
    labels = torch.tensor([0, 5, 9])
    assert model.eps(x, 500, labels).shape == (3, 1, 16, 16)
    assert model.eps(x, torch.tensor([10, 500, 990]), labels).shape == (3, 1, 16, 16)
    emb = model.embed(labels)
    assert emb.shape == (3, 128)
    assert torch.allclose(model.eps(x, 500, emb), model.eps(x, 500, labels), atol=1e-5)
    blended = torch.lerp(model.embed(torch.tensor([3])), model.embed(torch.tensor([8])), 0.5)
    assert model.eps(x, 500, blended).shape == (3, 1, 16, 16)  # one embedding shared by the batch
    assert torch.equal(model.null_cond, torch.tensor([10]))
    assert model.eps(x, 500, model.null_cond).shape == (3, 1, 16, 16)


def test_encode_prompt(model):
    assert torch.equal(model.encode_prompt("three"), model.encode_prompt("3"))
    assert torch.equal(model.encode_prompt("a Three"), torch.tensor([3]))
    assert model.encode_prompt(7).item() == 7
    assert model.encode_prompt("").item() == 10
    assert model.encode_prompt(["one", "2"]).tolist() == [1, 2]
    for bad in ["eleven", "3 and 4", "cat", 12, -1, "42"]:
        with pytest.raises(UserError):
            model.encode_prompt(bad)


def test_sampling_is_deterministic_per_seed(model):
    labels = torch.tensor([1, 7])
    a = generate(model, labels, scale=2.0, steps=4, seed=3)
    b = generate(model, labels, scale=2.0, steps=4, seed=3)
    c = generate(model, labels, scale=2.0, steps=4, seed=4)
    assert a.shape == (2, 1, 16, 16) and torch.equal(a, b) and not torch.equal(a, c)


def test_corrupt_or_missing_weights_are_user_errors(tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint" * 10)
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(WEIGHTS.read_bytes()[:5000])
    for path in (junk, truncated, tmp_path / "missing.pt"):
        with pytest.raises(UserError):
            load_digits(path)
        with pytest.raises(UserError):
            load_classifier(path)


# -- the classifier -----------------------------------------------------------------------------------

def test_classifier_reads_held_out_digits():
    clf = load_classifier()
    assert CLASSIFIER_WEIGHTS.stat().st_size < 5e5
    assert held_out_accuracy(clf) > 0.97
    x, y = load_split("held_out")
    labels, probs = classify(x[:20, 0])  # (B, 16, 16) is accepted too
    assert labels.shape == (20,) and probs.shape == (20, 10)
    assert torch.allclose(probs.sum(1), torch.ones(20), atol=1e-5)
    with pytest.raises(UserError):
        classify(torch.zeros(2, 1, 8, 8))


# -- training -------------------------------------------------------------------------------------

def test_learning_rate_warms_up_then_decays_to_zero():
    assert learning_rate(0, 1000, 1e-3, 100) == pytest.approx(1e-5)
    assert learning_rate(99, 1000, 1e-3, 100) == pytest.approx(1e-3)
    assert learning_rate(550, 1000, 1e-3, 100) == pytest.approx(5e-4)
    assert learning_rate(1000, 1000, 1e-3, 100) == pytest.approx(0, abs=1e-12)


def test_tiny_training_run_lowers_the_loss(tmp_path):
    losses = []
    m = train_digits(steps=30, batch_size=16, lr=3e-3, out=tmp_path / "d.pt", checkpoint_every=0,
                     callback=lambda step, total, info: losses.append(info["loss"]))
    assert len(losses) == 30
    assert sum(losses[-5:]) / 5 < 0.8 * losses[0]
    loaded = load_digits(tmp_path / "d.pt")
    assert loaded.meta["steps"] == 30 and loaded.meta["batch_size"] == 16
    assert all(v.dtype == torch.float16 for k, v in torch.load(tmp_path / "d.pt", weights_only=True)["state_dict"].items()
               if v.is_floating_point())


def test_training_cancels_and_resumes_to_the_same_weights(tmp_path):
    kw = dict(steps=6, batch_size=4, checkpoint_every=2)
    whole = train_digits(out=tmp_path / "a.pt", **kw)
    flag = threading.Event()

    def stop_at_3(step, total, info):
        if step == 3:
            flag.set()

    with pytest.raises(Cancelled):
        train_digits(out=tmp_path / "b.pt", callback=stop_at_3, cancel=flag, **kw)
    assert not (tmp_path / "b.pt").exists() and (tmp_path / "b.ckpt").exists()
    resumed = train_digits(out=tmp_path / "b.pt", resume=True, **kw)
    assert resumed.meta["steps"] == 6
    for a, b in zip(whole.net.state_dict().values(), resumed.net.state_dict().values()):
        assert torch.equal(a, b)


def test_training_rejects_bad_input(tmp_path):
    with pytest.raises(UserError):
        train_digits(steps=0, out=None)
    with pytest.raises(UserError):
        train_digits(steps=2, p_uncond=1.5, out=None)
    with pytest.raises(UserError):
        train_digits(steps=2, out=tmp_path / "d.pt", resume=True)  # no checkpoint


# -- the CLI command -------------------------------------------------------------------------------

def _parse(argv):
    from paperkit.cli import train_cmd

    parser = argparse.ArgumentParser()
    train_cmd.add_parser(parser.add_subparsers())
    return parser.parse_args(["train", *argv])


def test_train_command_writes_weights(tmp_path, capsys):
    out = tmp_path / "w" / "digits.pt"
    args = _parse(["digits", "--steps", "3", "--batch", "4", "--device", "cpu", "--out", str(out), "--checkpoint-every", "0"])
    assert args.func(args) == 0
    assert load_digits(out).meta["steps"] == 3
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["cats"], ["digits", "--steps", "0"], ["digits", "--batch", "-1"], ["digits", "--lr", "0"],
    ["digits", "--device", "tpu"], ["digits", "--resume", "--out", "{tmp}/none.pt"], ["digits", "--out", "{tmp}"],
])
def test_train_command_bad_input_is_a_user_error(argv, tmp_path):
    args = _parse([a.format(tmp=tmp_path) for a in argv])
    with pytest.raises(UserError):
        args.func(args)


def test_train_command_parser_imports_no_torch():
    probe = ("import argparse, sys; from paperkit.cli import train_cmd; p = argparse.ArgumentParser(); "
             "train_cmd.add_parser(p.add_subparsers()); print(json.dumps('torch' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", "import json; " + probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) is False


# -- quality --------------------------------------------------------------------------------------

def test_quality_smoke_is_well_above_chance(model):
    report = evaluate(model, samples_per_class=2, steps=20, scales=(4.0,))
    assert report["samples"] == 20 and len(report["results"]) == 1
    assert report["results"][0]["accuracy"] >= 0.6  # chance is 0.1; the full measurement is in MODEL_CARD.md
    assert report["ceiling"] > 0.97
