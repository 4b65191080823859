"""A tiny random-weight Stable Diffusion, built offline from configs, for tests and benchmarks.

It has every component a Stable Diffusion / DiffEdit pipeline has (a cross-attention UNet, a KL VAE,
a CLIP text encoder and byte-level BPE tokenizer, DDIM and inverse-DDIM schedulers on Stable
Diffusion's scaled-linear schedule), each a few hundred kilobytes, so the full DiffEdit procedure
(``diffedit.step1`` … ``diffedit.step3``) runs in well under a second on a CPU. The weights are random:
its pictures are noise, but every tensor has the right shape and every code path is exercised.

Everything is seeded, so two calls with the same seed build bit-identical weights; the global torch
RNG is left as it was.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import torch
from diffusers import (
    AutoencoderKL,
    DDIMInverseScheduler,
    DDIMScheduler,
    StableDiffusionPipeline,
    UNet2DConditionModel,
)
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

#: Stable Diffusion v1's training schedule: scaled-linear β from 0.00085 to 0.012 over 1000 steps.
SCHEDULER_CONFIG = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    clip_sample=False,
    set_alpha_to_one=False,
    steps_offset=1,
    prediction_type="epsilon",
)

#: Words given whole-word BPE tokens, so that prompts like "a photo of a cat" tokenize to a few ids.
WORDS = (
    "a an the of on in with and photo picture painting cat dog bowl fruits pears apples horse zebra "
    "red blue green tree house car man woman"
).split()

BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible map from the 256 byte values to printable unicode characters."""
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


def tiny_vocab() -> tuple[dict[str, int], list[str]]:
    """A CLIP-style byte-level BPE vocabulary and merge list.

    Every byte is a token, with and without the ``</w>`` end-of-word mark, so any text tokenizes; the
    words in ``WORDS`` also get merges that build them whole. The two special tokens come last, as in
    CLIP's own vocabulary.
    """
    byte_chars = list(_bytes_to_unicode().values())
    tokens = byte_chars + [c + "</w>" for c in byte_chars]
    vocab = {tok: i for i, tok in enumerate(tokens)}
    merges: list[str] = []
    for word in WORDS:
        parts = list(word[:-1]) + [word[-1] + "</w>"]
        while len(parts) > 1:
            merge = f"{parts[0]} {parts[1]}"
            merged = parts[0] + parts[1]
            if merge not in merges:
                merges.append(merge)
            if merged not in vocab:
                vocab[merged] = len(vocab)
            parts = [merged] + parts[2:]
    vocab[BOS] = len(vocab)
    vocab[EOS] = len(vocab)
    return vocab, merges


def write_tokenizer_files(folder: str | Path) -> Path:
    """Write ``vocab.json`` and ``merges.txt`` for ``CLIPTokenizer.from_pretrained(folder)``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab, merges = tiny_vocab()
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    return folder


def tiny_tokenizer(folder: str | Path | None = None) -> CLIPTokenizer:
    """The tiny CLIP tokenizer, loaded from files (transformers 5 ignores ``vocab_file`` arguments)."""
    if folder is not None:
        return CLIPTokenizer.from_pretrained(str(write_tokenizer_files(folder)), model_max_length=77)
    with tempfile.TemporaryDirectory(prefix="paperkit-tiny-tok-") as tmp:
        return CLIPTokenizer.from_pretrained(str(write_tokenizer_files(tmp)), model_max_length=77)


def tiny_components(seed: int = 0, sample_size: int = 16) -> dict:
    """The components of a tiny Stable Diffusion DiffEdit pipeline, with seeded random weights.

    ``sample_size`` is the latent side; the VAE halves the image once, so images are
    ``2 * sample_size`` pixels square.
    """
    vocab, _ = tiny_vocab()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        unet = UNet2DConditionModel(
            sample_size=sample_size,
            in_channels=4,
            out_channels=4,
            block_out_channels=(32, 64),
            layers_per_block=2,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
            cross_attention_dim=32,
            attention_head_dim=(2, 4),
            use_linear_projection=True,
        )
        torch.manual_seed(seed + 1)
        vae = AutoencoderKL(
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
            up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
            block_out_channels=(32, 64),
            latent_channels=4,
            sample_size=2 * sample_size,
        )
        torch.manual_seed(seed + 2)
        text_encoder = CLIPTextModel(
            CLIPTextConfig(
                vocab_size=1000,
                hidden_size=32,
                intermediate_size=37,
                num_attention_heads=4,
                num_hidden_layers=5,
                max_position_embeddings=77,
                layer_norm_eps=1e-5,
                hidden_act="gelu",
                projection_dim=32,
                bos_token_id=vocab[BOS],
                eos_token_id=vocab[EOS],
                pad_token_id=vocab[EOS],
            )
        )
    for module in (unet, vae, text_encoder):
        module.eval()
    scheduler = DDIMScheduler(**SCHEDULER_CONFIG)
    return dict(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tiny_tokenizer(),
        scheduler=scheduler,
        inverse_scheduler=DDIMInverseScheduler.from_config(scheduler.config),
    )


def build_tiny_pipeline(seed: int = 0, sample_size: int = 16) -> StableDiffusionPipeline:
    """A tiny ``StableDiffusionPipeline`` (no safety checker), seeded and built offline."""
    c = tiny_components(seed, sample_size)
    pipe = StableDiffusionPipeline(
        vae=c["vae"],
        text_encoder=c["text_encoder"],
        tokenizer=c["tokenizer"],
        unet=c["unet"],
        scheduler=c["scheduler"],
        safety_checker=None,
        feature_extractor=None,
        image_encoder=None,
        requires_safety_checker=False,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def diffedit_pipeline(pipe, inverse_scheduler=None):
    """diffusers' ``StableDiffusionDiffEditPipeline`` sharing ``pipe``'s modules (no copies).

    The pipeline is deprecated since diffusers 0.33 and lives in ``diffusers.pipelines.deprecated``;
    it is still exported as ``diffusers.StableDiffusionDiffEditPipeline``. ``inverse_scheduler``
    defaults to ``DDIMInverseScheduler.from_config(pipe.scheduler.config)``, as diffusers' docs do.
    """
    from diffusers.pipelines.deprecated.stable_diffusion_diffedit.pipeline_stable_diffusion_diffedit import (
        StableDiffusionDiffEditPipeline,
    )

    if inverse_scheduler is None:
        inverse_scheduler = DDIMInverseScheduler.from_config(pipe.scheduler.config)
    edit = StableDiffusionDiffEditPipeline(
        vae=pipe.vae,
        text_encoder=pipe.text_encoder,
        tokenizer=pipe.tokenizer,
        unet=pipe.unet,
        scheduler=pipe.scheduler,
        safety_checker=None,
        feature_extractor=None,
        inverse_scheduler=inverse_scheduler,
        requires_safety_checker=False,
    )
    edit.set_progress_bar_config(disable=True)
    return edit


def save_tiny_pipeline(folder: str | Path, seed: int = 0, sample_size: int = 16) -> Path:
    """Write a loadable ``StableDiffusionPipeline`` folder (``save_pretrained``) and return its path."""
    folder = Path(folder)
    build_tiny_pipeline(seed, sample_size).save_pretrained(str(folder), safe_serialization=True)
    return folder
