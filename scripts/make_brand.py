"""Draw AlarmHub's brand images: a shield with a keyhole, and the wordmark.

Writes custom_components/alarmhub/brand/: icon, icon@2x, logo, logo@2x and
dark_logo(@2x) (the wordmark light, for dark themes) as PNG. Home Assistant
(2026.10 here: homeassistant/components/brands) serves a custom
integration's brand/ folder at ``/api/brands/integration/alarmhub/<image>``,
before asking the brands CDN; HACS shows the same images. Sizes follow the
home-assistant/brands rules: icons square 256 and 512 px, logos landscape
with their shortest side 128-256 px (256-512 for @2x); transparent
backgrounds. Pillow comes with Home Assistant.

Usage: .venv/bin/python scripts/make_brand.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "custom_components" / "alarmhub" / "brand"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SCALE = 4  # draw large, then shrink: smooth edges

RIM = (13, 71, 161, 255)  # deep blue
TOP = (41, 150, 243, 255)  # light blue
BOTTOM = (21, 101, 192, 255)
KEYHOLE = (255, 255, 255, 255)
TEXT = (13, 71, 161, 255)
DARK_TEXT = (227, 242, 253, 255)  # the wordmark on a dark theme


def _bezier(
    p0: tuple[float, float],
    p1: tuple[float, float],
    p2: tuple[float, float],
    steps: int,
) -> list[tuple[float, float]]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t**2 * p2[0]
        y = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t**2 * p2[1]
        points.append((x, y))
    return points


def shield(size: float, inset: float = 0.0) -> list[tuple[float, float]]:
    """Return the outline of a shield in a ``size`` square, shrunk by ``inset``."""
    left, right = 0.14 + inset, 0.86 - inset
    top, shoulder, tip = 0.08 + inset, 0.50, 0.94 - inset * 1.6
    outline = [(0.5, top + 0.04)]  # a gentle dip at the top's middle
    outline += _bezier((0.5, top + 0.04), (0.5 + 0.18, top - 0.02), (right, top), 24)
    outline += [(right, shoulder)]
    outline += _bezier((right, shoulder), (right - 0.02, 0.80 - inset), (0.5, tip), 48)
    outline += _bezier((0.5, tip), (left + 0.02, 0.80 - inset), (left, shoulder), 48)
    outline += [(left, top)]
    outline += _bezier((left, top), (0.5 - 0.18, top - 0.02), (0.5, top + 0.04), 24)
    return [(x * size, y * size) for x, y in outline]


def icon(pixels: int) -> Image.Image:
    """Return the square icon at ``pixels`` px."""
    size = pixels * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon(shield(size), fill=RIM)
    # The inner shield: a vertical gradient, masked by its outline.
    gradient = Image.new("RGBA", (size, size))
    gdraw = ImageDraw.Draw(gradient)
    for y in range(size):
        t = y / size
        color = tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True))
        gdraw.line([(0, y), (size, y)], fill=color)
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).polygon(shield(size, inset=0.045), fill=255)
    image.paste(gradient, (0, 0), mask)
    # The keyhole: a round head and a flared slot.
    cx, cy, r = 0.5 * size, 0.42 * size, 0.095 * size
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=KEYHOLE)
    draw.polygon(
        [
            (cx - 0.045 * size, cy + 0.02 * size),
            (cx + 0.045 * size, cy + 0.02 * size),
            (cx + 0.075 * size, 0.70 * size),
            (cx - 0.075 * size, 0.70 * size),
        ],
        fill=KEYHOLE,
    )
    return image.resize((pixels, pixels), Image.Resampling.LANCZOS)


def logo(height: int, text_color: tuple[int, int, int, int] = TEXT) -> Image.Image:
    """Return the landscape logo (icon and wordmark), ``height`` px high."""
    size = height * SCALE
    font = ImageFont.truetype(str(FONT), round(size * 0.46))
    text = "AlarmHub"
    box = font.getbbox(text)
    gap = round(size * 0.12)
    width = int(size + gap + (box[2] - box[0]) + round(size * 0.06))
    image = Image.new("RGBA", (width, size), (0, 0, 0, 0))
    image.paste(icon(size), (0, 0))
    draw = ImageDraw.Draw(image)
    text_y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((size + gap - box[0], text_y), text, font=font, fill=text_color)
    return image.resize((width // SCALE, height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every brand image."""
    BRAND.mkdir(exist_ok=True)
    icon(256).save(BRAND / "icon.png", optimize=True)
    icon(512).save(BRAND / "icon@2x.png", optimize=True)
    logo(128).save(BRAND / "logo.png", optimize=True)
    logo(256).save(BRAND / "logo@2x.png", optimize=True)
    logo(128, DARK_TEXT).save(BRAND / "dark_logo.png", optimize=True)
    logo(256, DARK_TEXT).save(BRAND / "dark_logo@2x.png", optimize=True)
    for path in sorted(BRAND.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
