#!/usr/bin/env python3
"""Scans the team has not seen: born-digital reports with exact truth printed,
degraded as archives receive them, and wrapped back into image-only PDFs
(or a scanner's multi-page TIFF), so that parcheck's scan reading can be scored on documents outside the public
scan set (each file's truth is its source's truth).

    benches/scan_variants.py SOURCE_DOCS SOURCE_TRUTH OUT_DIR [--seed N]
    parcheck check OUT_DIR/docs --quiet > out.ndjson
    python3 -B ../shared/samples3/scans/score_scans.py out.ndjson OUT_DIR/truth -v

Every source PDF in SOURCE_DOCS with a truth file becomes one document of the
kind in KINDS whose turn it is (kinds go round the sources, so a run covers
every kind without scanning every source every way; renaming the sources
shifts which source gets which kind). The file name starts
with the kind (score_scans.py's category). Needs pdftoppm (poppler-utils),
Pillow and img2pdf.
"""
import argparse
import io
import json
import os
import random
import subprocess
import tempfile

import img2pdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps


def paper(page, rng, tone=238):
    """Paper tone, uneven light and sensor noise on a gray page."""
    w, h = page.size
    light = Image.linear_gradient("L").resize((w, h)).point(lambda v: int(v * rng.uniform(0.05, 0.12)))
    page = ImageChops.subtract(page.point(lambda v: min(v, tone)), light)
    noise = Image.effect_noise((w, h), rng.uniform(6, 12)).point(lambda v: (v - 128) // 3 + 128)
    return ImageChops.add(page, noise, 1.0, -128)


def skewed(page, degrees):
    return page.rotate(degrees, resample=Image.BICUBIC, fillcolor=255 if page.mode == "L" else (255, 255, 255))


def jpeg(page, quality):
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality)
    return out.getvalue()


def office(pages, rng):
    """S1-like: 150 dpi gray, skewed up to 1.5°, JPEG q75."""
    return [jpeg(skewed(paper(p, rng), rng.uniform(-1.5, 1.5)), 75) for p in pages]


def low_resolution(pages, rng):
    """S2-like: 100 dpi colour, JPEG q50."""
    return [jpeg(skewed(paper(p, rng), rng.uniform(-0.8, 0.8)).convert("RGB"), 50) for p in pages]


def fax(pages, rng):
    """S4-like: 200 dpi 1-bit, strokes thickened, specks and drop-outs, CCITT G4."""
    out = []
    for p in pages:
        p = skewed(p, rng.uniform(-0.7, 0.7)).filter(ImageFilter.MinFilter(3))
        bits = p.point(lambda v: 0 if v < 150 else 255)
        draw = ImageDraw.Draw(bits)
        w, h = bits.size
        for _ in range(int(w * h / 4000)):
            x, y = rng.randrange(w), rng.randrange(h)
            draw.point((x, y), fill=0 if rng.random() < 0.6 else 255)
        tiff = io.BytesIO()
        bits.convert("1").save(tiff, "TIFF", compression="group4")
        out.append(tiff.getvalue())
    return out


def turned(pages, rng):
    """S6-like: 200 dpi gray, skewed 2–3.5°, one page turned 90°, one 270°, one 180°."""
    turns = [90, 270, 180]
    rng.shuffle(turns)
    out = []
    for i, p in enumerate(pages):
        p = skewed(paper(p, rng), rng.choice([-1, 1]) * rng.uniform(2.0, 3.5))
        if i < len(turns) and i % 2 == 1:
            p = p.rotate(turns[i // 2], expand=True)
        out.append(jpeg(p, 80))
    return out


def sealed(pages, rng):
    """S5-like: 200 dpi colour, a red round seal and a blue signature stroke on each page."""
    out = []
    for p in pages:
        p = paper(p, rng).convert("RGB")
        w, h = p.size
        overlay = Image.new("RGBA", p.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        cx, cy, r = rng.randrange(w // 2, w - w // 8), rng.randrange(h // 4, h - h // 4), w // 12
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(210, 30, 40, 170), width=max(3, r // 12))
        draw.ellipse((cx - r * 2 // 3, cy - r * 2 // 3, cx + r * 2 // 3, cy + r * 2 // 3), outline=(210, 30, 40, 150), width=2)
        sx, sy = rng.randrange(w // 2, w - w // 4), rng.randrange(h // 4, h - h // 4)
        draw.line([(sx + i * 12, sy + int(25 * ((i % 3) - 1))) for i in range(14)], fill=(30, 50, 190, 180), width=4)
        out.append(jpeg(Image.alpha_composite(p.convert("RGBA"), overlay).convert("RGB"), 85))
    return out


def photo(pages, rng):
    """S3-like: the page photographed a little from the side on a darker desk, light falling off."""
    out = []
    for p in pages:
        p = paper(p, rng)
        w, h = p.size
        desk = Image.new("L", (int(w * 1.15), int(h * 1.12)), 90)
        desk.paste(p, ((desk.width - w) // 2, (desk.height - h) // 2))
        dw, dh = desk.size
        k = rng.uniform(0.03, 0.06) * dw
        quad = (k, 0, 0, dh, dw, dh, dw - k, 0)  # top narrower than the bottom: keystone
        shot = desk.transform(desk.size, Image.QUAD, quad, resample=Image.BILINEAR, fillcolor=70)
        shade = Image.linear_gradient("L").rotate(90).resize(shot.size).point(lambda v: int(v * 0.25))
        shot = ImageChops.subtract(shot, shade).resize((int(dw * 0.8), int(dh * 0.8)), Image.LANCZOS)
        out.append(jpeg(shot.convert("RGB"), 60))
    return out


def photocopy(pages, rng):
    """A copy of a copy: 150 dpi gray, toner haze, strokes thickened and soft, a dark
    streak down the page and the glass's dark edge, JPEG q70."""
    out = []
    for p in pages:
        p = skewed(p, rng.uniform(-1.0, 1.0)).filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(0.8))
        p = p.point(lambda v: int(60 + v * 0.7))  # gray toner haze, contrast squeezed
        draw = ImageDraw.Draw(p)
        w, h = p.size
        x = rng.randrange(w // 8, w - w // 8)
        draw.rectangle((x, 0, x + rng.randrange(2, 5), h), fill=rng.randrange(90, 140))
        draw.rectangle((0, 0, rng.randrange(6, 16), h), fill=40)
        out.append(jpeg(paper(p, rng, tone=225), 70))
    return out


def tiff_pages(pages, rng):
    """A scanner's multi-page TIFF at 200 dpi gray (LZW), a few specks, slight skew."""
    return [skewed(paper(p, rng), rng.uniform(-1.2, 1.2)) for p in pages]


def dim_photo(pages, rng):
    """A phone photo in poor light: a hand's shadow over one side of the sheet, the page
    turned a little on the desk and shot from above, JPEG q55."""
    out = []
    for p in pages:
        p = paper(p, rng)
        w, h = p.size
        desk = Image.new("L", (int(w * 1.2), int(h * 1.15)), 60)
        desk.paste(p.rotate(rng.uniform(-4, 4), expand=True, fillcolor=60, resample=Image.BICUBIC),
                   ((desk.width - w) // 2, (desk.height - h) // 2))
        dw, dh = desk.size
        k = rng.uniform(0.02, 0.05) * dw
        quad = (0, 0, k, dh, dw - k, dh, dw, 0)  # bottom narrower: the phone tilted the other way
        shot = desk.transform(desk.size, Image.QUAD, quad, resample=Image.BILINEAR, fillcolor=55)
        shadow = Image.new("L", shot.size, 0)
        sx = rng.randrange(dw // 2, dw)
        ImageDraw.Draw(shadow).ellipse((sx - dw // 3, -dh // 4, sx + dw // 2, dh // 2), fill=70)
        shot = ImageChops.subtract(shot, shadow.filter(ImageFilter.GaussianBlur(dw // 25)))
        shot = shot.resize((int(dw * 0.75), int(dh * 0.75)), Image.LANCZOS)
        out.append(jpeg(shot.convert("RGB"), 55))
    return out


# (kind, dpi, builder): the kind is the file name's first part.
KINDS = [
    ("V1office150", 150, office),
    ("V2lowres100", 100, low_resolution),
    ("V3fax200", 200, fax),
    ("V4turned200", 200, turned),
    ("V5seal200", 200, sealed),
    ("V6photo", 200, photo),
    ("V7copy150", 150, photocopy),
    ("V8tiff200", 200, tiff_pages),
    ("V9dimphoto", 200, dim_photo),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docs")
    parser.add_argument("truth")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "docs"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "truth"), exist_ok=True)
    sources = sorted(f for f in os.listdir(args.docs)
                     if f.endswith(".pdf") and os.path.exists(os.path.join(args.truth, f + ".json")))
    for index, source in enumerate(sources):
        kind, dpi, build = KINDS[index % len(KINDS)]
        name = f"{kind}_{source}"
        if build is tiff_pages:
            name = name[:-len(".pdf")] + ".tif"
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", os.path.join(args.docs, source),
                            os.path.join(tmp, "p")], check=True)
            pages = [Image.open(os.path.join(tmp, f)).convert("L") for f in sorted(os.listdir(tmp))]
            images = build(pages, rng)
        with open(os.path.join(args.out, "docs", name), "w+b") as out:
            if build is tiff_pages:
                images[0].save(out, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi), save_all=True,
                               append_images=images[1:])
            else:
                out.write(img2pdf.convert(images, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))))
        with open(os.path.join(args.truth, source + ".json"), encoding="utf-8") as f:
            truth = json.load(f)
        truth["file"] = name
        with open(os.path.join(args.out, "truth", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
        print(name, len(images), "pages")


if __name__ == "__main__":
    main()
