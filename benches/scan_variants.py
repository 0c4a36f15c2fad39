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


def fax_standard(pages, rng):
    """A fax sent at standard resolution: 204 x 98 dpi (pixels twice as tall as
    wide), 1-bit, thick strokes and specks, CCITT G4 in the PDF."""
    out = []
    for p in pages:
        p = skewed(p, rng.uniform(-0.6, 0.6)).filter(ImageFilter.MinFilter(3))
        p = p.resize((p.width * 204 // 200, p.height * 98 // 200), Image.LANCZOS)
        bits = p.point(lambda v: 0 if v < 160 else 255)
        draw = ImageDraw.Draw(bits)
        for _ in range(int(bits.width * bits.height / 5000)):
            draw.point((rng.randrange(bits.width), rng.randrange(bits.height)), fill=0)
        tiff = io.BytesIO()
        bits.convert("1").save(tiff, "TIFF", compression="group4", dpi=(204, 98))
        out.append(tiff.getvalue())
    return out


def fax_tiff(pages, rng):
    """A fax machine's own file: a multi-page TIFF of fine-mode pages (204 x 196 dpi),
    CCITT Group 3, 1-bit."""
    out = []
    for p in pages:
        p = skewed(p, rng.uniform(-0.5, 0.5)).resize((p.width * 204 // 200, p.height * 196 // 200), Image.LANCZOS)
        out.append(p.point(lambda v: 0 if v < 150 else 255).convert("1"))
    return out


def faded(pages, rng):
    """A scan of a page printed with a toner cartridge running dry: 200 dpi gray,
    strokes light gray and uneven, JPEG q80."""
    out = []
    for p in pages:
        w, h = p.size
        patchy = Image.effect_noise((w // 40 + 1, h // 40 + 1), 40).resize((w, h), Image.BICUBIC)
        p = skewed(p, rng.uniform(-1.0, 1.0)).filter(ImageFilter.GaussianBlur(0.6))
        p = ImageChops.add(p.point(lambda v: int(110 + v * 0.57)), patchy.point(lambda v: max(0, v - 128) // 3), 1.0, 0)
        out.append(jpeg(paper(p, rng, tone=240), 80))
    return out


def marked(pages, rng):
    """An office scan of a sheet that was handled: 200 dpi gray, a fold across the
    page, two punch holes, pen ticks and a circle in the margins and beside the
    cells, JPEG q80."""
    out = []
    for p in pages:
        p = paper(skewed(p, rng.uniform(-1.0, 1.0)), rng)
        w, h = p.size
        draw = ImageDraw.Draw(p)
        y = rng.randrange(h // 3, 2 * h // 3)
        draw.line((0, y, w, y + rng.randrange(-6, 7)), fill=rng.randrange(150, 190), width=2)
        draw.rectangle((0, y + 2, w, y + 6), fill=rng.randrange(200, 225))
        for hy in (h // 3, 2 * h // 3):
            draw.ellipse((w // 40, hy - w // 60, w // 40 + w // 30, hy + w // 60), fill=50)
        for _ in range(rng.randrange(4, 9)):
            x, y = rng.randrange(w // 20, w - w // 20), rng.randrange(h // 8, h - h // 8)
            draw.line([(x, y), (x + 8, y + 10), (x + 26, y - 16)], fill=70, width=3)
        x, y, r = rng.randrange(w // 2, w - w // 10), rng.randrange(h // 4, h - h // 4), w // 30
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), outline=60, width=3)
        out.append(jpeg(p, 80))
    return out


def jpx_colour(pages, rng):
    """A 300-dpi colour scan saved as JPEG 2000 (a scanner's archive setting): yellowed
    paper and a highlighter band across a few rows."""
    out = []
    for p in pages:
        p = skewed(paper(p, rng), rng.uniform(-0.8, 0.8)).convert("RGB")
        w, h = p.size
        tint = Image.new("RGB", p.size, (255, 248, 225))
        p = ImageChops.multiply(p, tint)
        band = Image.new("RGB", p.size, (255, 255, 255))
        y = rng.randrange(h // 4, 3 * h // 4)
        ImageDraw.Draw(band).rectangle((w // 10, y, w - w // 10, y + h // 40), fill=(250, 240, 110))
        p = ImageChops.multiply(p, band)
        data = io.BytesIO()
        p.save(data, "JPEG2000", quality_mode="rates", quality_layers=[40])
        out.append(data.getvalue())
    return out



def pdf_of_layers(pages):
    """A PDF written by hand, as some scanner software writes it: each page is
    several images, each drawn at its own place. `pages` holds, per page, its
    size in points and its layers: (image dictionary entries, data, x, y, width,
    height in points, y from the bottom)."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    page_ids = []
    pages_id = add(None)
    for (width, height), layers in pages:
        names, content = [], []
        for i, (entries, data, x, y, w, h) in enumerate(layers):
            image = add(b"<< /Type /XObject /Subtype /Image " + entries + b" /Length %d >>\nstream\n" % len(data)
                        + data + b"\nendstream")
            names.append(b"/I%d %d 0 R" % (i, image))
            content.append(b"q %.3f 0 0 %.3f %.3f %.3f cm /I%d Do Q" % (w, h, x, y, i))
        stream = b"\n".join(content)
        contents = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.3f %.3f] /Resources << /XObject << "
                            % (pages_id, width, height) + b" ".join(names) + b" >> >> /Contents %d 0 R >>" % contents))
    objects[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % i for i in page_ids)
                             + b"] /Count %d >>" % len(page_ids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def strips(pages, rng):
    """A scanner that writes each page as bands: 200 dpi gray, skewed up to 1°,
    cut into JPEG strips an inch or so high, each its own image drawn at its place."""
    out = []
    for p in pages:
        p = skewed(paper(p, rng), rng.uniform(-1.0, 1.0))
        w, h = p.size
        band = rng.randrange(160, 260)
        layers = []
        for top in range(0, h, band):
            piece = p.crop((0, top, w, min(h, top + band)))
            entries = b"/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode" % piece.size
            scale = 72 / 200
            layers.append((entries, jpeg(piece, 75), 0, (h - top - piece.height) * scale, w * scale,
                           piece.height * scale))
        out.append(((w * 72 / 200, h * 72 / 200), layers))
    return out


def mixed_raster(pages, rng):
    """Mixed raster content, as compact-PDF scanners write it: the paper as a
    100-dpi colour JPEG behind, the print as a 300-dpi 1-bit mask painted black
    over it (CCITT G4)."""
    out = []
    for p in pages:
        w, h = p.size  # 300 dpi
        p = skewed(p, rng.uniform(-0.8, 0.8))
        back = paper(p, rng).convert("RGB").filter(ImageFilter.GaussianBlur(4)).resize((w // 3, h // 3))
        back = ImageChops.multiply(back, Image.new("RGB", back.size, (255, 246, 230)))
        mask = p.point(lambda v: 0 if v < 140 else 255).convert("1")
        tiff = io.BytesIO()
        mask.save(tiff, "TIFF", compression="group4", tiffinfo={278: h})  # one strip
        g4 = ccitt_data(tiff.getvalue())
        size = (w * 72 / 300, h * 72 / 300)
        back_entries = b"/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode" % back.size
        # Pillow codes the paper (1 in its MinIsBlack bits) as the fax's black: with
        # /BlackIs1 it decodes to 1, which a mask leaves unpainted.
        mask_entries = (b"/Width %d /Height %d /ImageMask true /Filter /CCITTFaxDecode "
                        b"/DecodeParms << /K -1 /Columns %d /Rows %d /BlackIs1 true >>" % (w, h, w, h))
        out.append((size, [(back_entries, jpeg(back, 60), 0, 0, *size), (mask_entries, g4, 0, 0, *size)]))
    return out


def ccitt_data(tiff):
    """The Group 4 data of a one-strip TIFF Pillow wrote."""
    image = Image.open(io.BytesIO(tiff))
    offset, count = image.tag_v2[273][0], image.tag_v2[279][0]
    return tiff[offset:offset + count]


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

# Kinds added later, drawn only with --more, so the sets built before stay as they were.
MORE_KINDS = [
    ("V10faxstd", 200, fax_standard),
    ("V11faxtiff", 200, fax_tiff),
    ("V12faded200", 200, faded),
    ("V13marked200", 200, marked),
    ("V14jpx300", 300, jpx_colour),
    ("V15strips200", 200, strips),
    ("V16mrc300", 300, mixed_raster),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docs")
    parser.add_argument("truth")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--more", action="store_true", help="only the kinds added later (MORE_KINDS)")
    args = parser.parse_args()
    kinds = MORE_KINDS if args.more else KINDS
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "docs"), exist_ok=True)
    os.makedirs(os.path.join(args.out, "truth"), exist_ok=True)
    sources = sorted(f for f in os.listdir(args.docs)
                     if f.endswith(".pdf") and os.path.exists(os.path.join(args.truth, f + ".json")))
    for index, source in enumerate(sources):
        kind, dpi, build = kinds[index % len(kinds)]
        name = f"{kind}_{source}"
        if build in (tiff_pages, fax_tiff):
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
            elif build is fax_tiff:
                images[0].save(out, "TIFF", compression="group3", dpi=(204, 196), save_all=True,
                               append_images=images[1:])
            elif build in (strips, mixed_raster):
                out.write(pdf_of_layers(images))
            else:
                # A page keeps its source's size: the fax at standard resolution is
                # laid out at its own 204 x 98 dpi.
                layout = None if build is fax_standard else img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
                out.write(img2pdf.convert(images, layout_fun=layout) if layout else img2pdf.convert(images))
        with open(os.path.join(args.truth, source + ".json"), encoding="utf-8") as f:
            truth = json.load(f)
        truth["file"] = name
        with open(os.path.join(args.out, "truth", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1)
        print(name, len(images), "pages")


if __name__ == "__main__":
    main()
