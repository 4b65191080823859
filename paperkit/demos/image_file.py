"""Opening a user's image file: one place for what a demo's ``--image`` may be, with no torch import
(the CLI checks ``--image`` with it before anything loads)."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError


def open_image(path):
    """The image at ``path`` as a PIL image, fully read, oriented as shown (EXIF), in RGB (transparency over white).

    A missing path, a folder or a file Pillow cannot read is one ``UserError`` line naming it."""
    path = Path(path).expanduser()
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not path.exists():
        raise UserError(f"image not found: {path}")
    if not path.is_file():
        raise UserError(f"image path is not a file: {path}")
    try:
        with Image.open(path) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                return Image.alpha_composite(white, rgba).convert("RGB")
            return img.convert("RGB")
    except UnidentifiedImageError as exc:
        raise UserError(f"not a readable image: {path}") from exc
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UserError(f"cannot read the image {path}: {' '.join(str(exc).split()) or type(exc).__name__}") from exc
