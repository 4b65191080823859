"""The scene world's model (issue 15): captions as tokens, the shipped weights and classifier, a short
training run that resumes exactly, and DiffEdit's scores against the true edit region."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from paperkit.errors import UserError
from paperkit.progress import Cancelled
from paperkit.models.scenes.tokens import NULL_TOKENS, VOCABULARY, caption_tokens, tokens_caption


def test_caption_tokens_keep_the_left_to_right_order_and_round_trip():
    a = caption_tokens("a red circle and a blue star on a striped green background")
    b = caption_tokens("A blue star and a red circle on a striped  green background")
    assert len(a) == 6 and a[:2] == b[2:4] and a[2:4] == b[:2] and a[4:] == b[4:]  # the circle on the left, then on the right
    assert tokens_caption(a) == "a red circle and a blue star on a striped green background"
    assert tokens_caption(b) == "a blue star and a red circle on a striped green background"
    one = caption_tokens("an orange ring on a speckled white background")
    assert VOCABULARY[one[2]] == "<none>" and tokens_caption(one) == "an orange ring on a speckled white background"
    assert caption_tokens("") == NULL_TOKENS and tokens_caption(NULL_TOKENS) == ""


@pytest.mark.parametrize("bad", ["a red dog on a plain blue background", "three", "a red circle"])
def test_caption_outside_the_world_is_one_user_error(bad):
    with pytest.raises(UserError) as err:
        caption_tokens(bad)
    assert "\n" not in str(err.value) and "caption" in str(err.value)


@pytest.fixture(scope="module")
def model():
    from paperkit.models.scenes.model import load_scenes

    return load_scenes()


def test_shipped_model_loads_and_predicts_noise(model):
    assert model.name == "scenes" and model.resolution == 32
    x = torch.randn(model.latent_shape(3))
    cond = model.encode_prompt(["a red circle on a plain blue background"] * 2 + [""])
    eps = model.eps(x, 500, cond)
    assert eps.shape == x.shape and torch.isfinite(eps).all()
    two = ["a red circle on a plain blue background", "a blue square on a plain blue background"]
    emb = model.prompt_embedding(two)
    assert emb.shape[0] == 2 and emb.is_floating_point()
    assert torch.allclose(model.eps(x[:2], 500, emb), model.eps(x[:2], 500, model.encode_prompt(two)), atol=1e-5)
    assert model.null_cond.tolist() == [list(NULL_TOKENS)]
    assert model.meta["steps"] >= 1000, "the shipped weights are a real training run, not a test's"


def test_missing_or_corrupt_weights_are_user_errors(tmp_path):
    from paperkit.models.scenes.model import load_scenes

    with pytest.raises(UserError, match="paperkit train scenes"):
        load_scenes(tmp_path / "none.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="cannot load"):
        load_scenes(bad)


def test_classifier_reads_held_out_renderings():
    from paperkit.models.scenes.classifier import held_out_accuracy, load_classifier

    acc = held_out_accuracy(load_classifier(), count=300)
    assert acc["objects_accuracy"] >= 0.97 and acc["background_accuracy"] >= 0.97, acc


def test_held_out_layouts_are_not_training_layouts():
    from paperkit.models.scenes.data import held_out_scenes, training_scenes
    from paperkit.models.scenes.edits import held_out_edits
    from paperkit.models.scenes.train import DEFAULTS

    seen = {(s.background, s.colour, s.objects) for s in training_scenes(DEFAULTS["scenes"], seed=DEFAULTS["seed"], pairs=DEFAULTS["pairs"])}
    for s in held_out_scenes(500) + [e.before for e in held_out_edits(12)]:
        assert (s.background, s.colour, s.objects) not in seen


def test_the_training_stream_has_the_share_of_pairs_asked_for():
    from paperkit.models.scenes.data import training_scenes
    from paperkit.models.scenes.train import train_scenes

    for share in (0.0, 0.5, 1.0):
        pairs = sum(len(s.objects) == 2 for s in training_scenes(2000, seed=3, pairs=share))
        assert abs(pairs / 2000 - share) < 0.04, (share, pairs)
    assert training_scenes(50, seed=3) == training_scenes(50, seed=3, pairs=0.4)  # the world's own share, as before
    with pytest.raises(UserError, match="between 0 and 1"):
        train_scenes(pairs=1.5, out=None)


def _small_config(slots: bool = True):
    from paperkit.models.scenes.net import SceneNetConfig
    from paperkit.models.unet import UNetConfig

    return SceneNetConfig(token_dim=8, slots=slots, unet=UNetConfig(image_size=32, channels=3, num_classes=0, widths=(16, 16, 32),
                                                                    emb_dim=32, groups=4, dropout=0.0, patch=2,
                                                                    scale_shift=True, context_dim=16))


def test_each_objects_token_knows_whether_it_is_on_the_left():
    """With slots, "a red circle and a blue star" (circle on the left) and "a blue star and a red
    circle" give the network different object tokens — the same pair, swapped; without, the same two."""
    from paperkit.models.scenes.net import SceneNet, SceneNetConfig

    torch.manual_seed(0)
    texts = ["a red circle and a blue star on a plain white background", "a blue star and a red circle on a plain white background"]
    tokens = torch.tensor([caption_tokens(t) for t in texts])
    for slots in (True, False):
        net = SceneNet(_small_config(slots))
        e, k = net.config.unet.emb_dim, net.config.unet.context_dim
        with torch.no_grad():
            ctx = net.embed(tokens)[:, e:].reshape(2, 3, k)
        swapped = torch.allclose(ctx[0, 0], ctx[1, 1]) and torch.allclose(ctx[0, 1], ctx[1, 0])
        assert swapped != slots
    # weights written before slots existed load as they were trained
    old = _small_config().to_dict()
    del old["slots"]
    assert SceneNetConfig.from_dict(old).slots is False and SceneNetConfig.from_dict(_small_config().to_dict()).slots


def test_tiny_training_run_lowers_the_loss_and_resumes_exactly(tmp_path):
    from paperkit.models.scenes.train import train_scenes

    small = _small_config()
    kw = dict(steps=6, batch_size=4, scenes=64, checkpoint_every=2, config=small, warmup=1)
    whole = train_scenes(out=tmp_path / "a.pt", **kw)
    assert whole.meta["history"][-1][0] == 6 and (tmp_path / "a.pt").is_file()
    flag = threading.Event()
    with pytest.raises(Cancelled):
        train_scenes(out=tmp_path / "b.pt", callback=lambda s, n, i: flag.set() if s == 3 else None, cancel=flag, **kw)
    resumed = train_scenes(out=tmp_path / "b.pt", resume=True, **kw)
    for a, b in zip(whole.net.state_dict().values(), resumed.net.state_dict().values()):
        assert torch.equal(a, b)
    longer = train_scenes(out=None, checkpoint=tmp_path / "c.ckpt", **{**kw, "steps": 40, "checkpoint_every": 0})
    hist = longer.meta["history"]
    assert hist[-1][1] < whole.meta["history"][0][1] and longer.meta["params"] > 0


def test_the_shipped_model_draws_what_its_caption_says(model):
    """Floors under the model card's figures (held-out captions read as captioned at 50 steps: 96–98 % of
    one-object ones, 82–86 % of two-object ones): 40 samples of each at 25 steps, read by the judge.
    The shipped model reads 40 and 37; a run that binds pairs poorly (the card's seed-1 CPU run, 17
    of the 40 pairs) fails the second floor."""
    from paperkit.diffusion import sample
    from paperkit.models.scenes.classifier import load_classifier, read_scenes
    from paperkit.models.scenes.data import held_out_scenes
    from paperkit.models.scenes.model import DEFAULT_GUIDANCE

    for objects, floor in ((1, 34), (2, 28)):
        captions = [s.caption for s in held_out_scenes(40, objects=objects, seed=10 + objects)]
        x_T = torch.randn(model.latent_shape(40), generator=torch.Generator().manual_seed(0))
        x0 = sample(model, x_T, model.encode_prompt(captions), steps=25, guidance_scale=DEFAULT_GUIDANCE)
        reads = read_scenes(load_classifier(), model.to_pixels(x0).clamp(-1, 1))
        hits = [r.matches(c, background=False) for r, c in zip(reads, captions)]
        assert sum(hits) >= floor, f"{sum(hits)} of 40 {objects}-object captions read as captioned"


def test_diffedit_on_the_demos_edits_meets_the_issues_bar(model):
    """Issue 15's bar on the six held-out edits the demo shows, at the defaults: mean mask IoU ≥ 0.6
    with the true edit regions, every pixel outside each mask unchanged, ≥ 80 % read as the query."""
    from paperkit.models.scenes.classifier import load_classifier
    from paperkit.models.scenes.edits import held_out_edits, run_edits, summary

    stats = summary(run_edits(model, held_out_edits(6), classifier=load_classifier()))
    assert stats["mean_iou"] >= 0.6 and stats["min_kept"] == 1.0, stats
    assert stats["reads_as_query"] >= 5 / 6, stats   # the issue's 80 %: the shipped model reads 6 of 6


def test_a_rings_mask_takes_its_hole():
    """DiffEdit's mask of a ring is a ring (its hole is background under both captions); filled, it
    covers the disc, so the edit can turn the ring into a solid shape. The outside stays outside."""
    from paperkit.models.scenes.edits import fill_mask_holes
    from paperkit.scenes import SceneObject, shape_mask

    yy, xx = np.mgrid[0:32, 0:32] / 32 + 0.5 / 32
    ring = torch.from_numpy(shape_mask(SceneObject("ring", "red", 0.5, 0.5, 0.3), xx, yy)).float()[None]
    disc = shape_mask(SceneObject("circle", "red", 0.5, 0.5, 0.3), xx, yy)
    assert not ring[0, 16, 16] and ring.sum() < disc.sum()
    filled = fill_mask_holes(ring)
    assert filled.dtype == ring.dtype and filled.shape == ring.shape
    assert np.array_equal(filled[0].bool().numpy(), disc) and not filled[0, 0, 0]


def test_edit_scores_against_the_truth(model):
    from paperkit.models.scenes.classifier import load_classifier
    from paperkit.models.scenes.edits import held_out_edits, iou, kept_outside, run_edits, summary

    assert iou(np.array([1, 1, 0, 0], bool), np.array([0, 1, 1, 0], bool)) == pytest.approx(1 / 3)
    before = np.zeros((2, 2, 3), np.uint8)
    after = before.copy()
    after[0, 0] = 9
    assert kept_outside(before, after, np.array([[True, False], [False, False]])) == 1.0
    assert kept_outside(before, after, np.zeros((2, 2), bool)) == 0.75
    edits = held_out_edits(2)
    assert [len(e.before.objects) for e in edits] == [1, 2] and all("→" in e.label for e in edits)
    outcomes = run_edits(model, edits, n=2, steps=10, classifier=load_classifier())
    for o in outcomes:
        assert o.mask.shape == o.truth.shape == (32, 32) and o.edited.shape == (32, 32, 3)
        assert o.truth.any() and o.kept == 1.0   # DiffEdit's last step blends back the input itself
        assert 0.0 <= o.iou <= 1.0 and isinstance(o.reads_as_query, bool)
    assert summary(outcomes)["edits"] == 2


def test_the_quality_command_meets_bad_input_with_one_line(capsys, tmp_path):
    from paperkit.models.scenes.quality import main

    assert main(["--weights", str(tmp_path / "none.pt")]) == 2
    assert main(["--samples", "-1"]) == 2
    assert main(["--guidance", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert "paperkit train scenes" in err[0] and "--samples" in err[1] and "--guidance" in err[2]


def test_quality_scores_edits_by_their_number_of_objects(model):
    from paperkit.models.scenes.classifier import load_classifier
    from paperkit.models.scenes.edits import held_out_edits, run_edits
    from paperkit.models.scenes.quality import edit_scores

    outcomes = run_edits(model, held_out_edits(2), n=2, steps=10, classifier=load_classifier())
    scores = edit_scores(outcomes)
    assert scores["edits"] == 2
    assert scores["one_object"] == float(outcomes[0].reads_as_query) and scores["two_objects"] == float(outcomes[1].reads_as_query)
