"""What a screen's key line really shows, for tests that check no key is cut at 80 columns.

``footer_keys(app)`` reads the active screen as drawn: its ``Footer`` (each ``FooterKey``'s region
against the footer's, minus the command-palette key docked at its right), or, on a screen with a
plain key line instead (the library's ``#key-bar``), that line's text against its width. It returns
the labels fully in sight ("esc Back", "^p Commands") and those cut or pushed out of sight.
Await ``settle(pilot)`` first: the footer redraws a refresh after the bindings change.

    await settle(pilot)
    keys = footer_keys(pilot.app)
    assert not keys.cut, keys
    assert "f Fetch PDF" in keys.visible
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FooterKeys:
    visible: list[str] = field(default_factory=list)  # "key description", left to right
    cut: list[str] = field(default_factory=list)  # partly or wholly out of sight
    width: int = 0  # the key line's width in cells

    def __bool__(self) -> bool:  # "any keys at all"
        return bool(self.visible or self.cut)


async def settle(pilot, turns: int = 3) -> None:
    """Let the footer recompose after a screen change or a binding change."""
    for _ in range(turns):
        await pilot.pause()


def footer_keys(app) -> FooterKeys:
    """The keys the active screen's footer (or key line) shows, and those it cuts."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    screen = app.screen
    footers = [f for f in screen.query(Footer) if f.display]
    if not footers:
        return _key_bar(screen)
    footer = footers[0]
    area = footer.region
    keys = list(footer.query(FooterKey))
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    right = palette.region.x if palette is not None and palette.region.width else area.right
    out = FooterKeys(width=area.width)
    for key in keys:
        label = f"{key.key_display} {key.description}".strip()
        region = key.region
        limit = area.right if key is palette else right
        inside = region.width > 0 and region.x >= area.x and region.right <= limit
        # a key drawn narrower than its text is cut as well (the footer shrinks nothing, but check)
        if inside and region.width >= len(label):
            out.visible.append(label)
        else:
            out.cut.append(label)
    return out


def _key_bar(screen) -> FooterKeys:
    """A screen's own one-line key bar (``#key-bar``): cut when its text is wider than its content."""
    bars = [w for w in screen.query("#key-bar") if w.display]
    if not bars:
        return FooterKeys()
    bar = bars[0]
    plain = bar.visual.plain  # the Static's text as drawn, markup resolved
    width = bar.content_region.width
    labels = [part.strip() for part in plain.split("  ") if part.strip()]
    out = FooterKeys(width=width)
    used = 0
    for label in labels:
        start = plain.index(label, used)
        used = start + len(label)
        (out.visible if used <= width else out.cut).append(label)
    return out
