"""Regenerates the decoder/resize fixtures in this directory with real Pillow.

Run: python3 make_fixtures.py   (needs Pillow and numpy; used: Pillow 12.3.0, numpy 2.x)
Each <name>.<ext> input has <name>.rgb next to it: Pillow's Image.open(f).convert("RGB") as raw
interleaved bytes, row-major. resize_*.rgb hold Image.resize((w, h), BICUBIC) of resize_src.rgb.
"""
import io
import numpy as np
from PIL import Image

rng = np.random.default_rng(20240611)


def save_rgb(name, im):
    rgb = im.convert("RGB")
    with open(name + ".rgb", "wb") as f:
        f.write(np.asarray(rgb, dtype=np.uint8).tobytes())


def fixture(name, ext, im, **save_args):
    fn = f"{name}.{ext}"
    im.save(fn, **save_args)
    save_rgb(name, Image.open(fn))


W, H = 13, 7
rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
alpha = rng.integers(0, 256, (H, W), dtype=np.uint8)
grey = rng.integers(0, 256, (H, W), dtype=np.uint8)

# 16-bit PNGs: grey (Pillow clamps to 255), RGB and RGBA (Pillow keeps the high byte).
g16 = rng.integers(0, 65536, (H, W), dtype=np.uint16)
g16[0, :6] = [0, 1, 254, 255, 256, 65535]
fixture("grey16", "png", Image.fromarray(g16))
rgb16 = rng.integers(0, 65536, (H, W, 3), dtype=np.uint16)
# Pillow cannot write 16-bit RGB PNGs: write the PNG by hand (filter 0, zlib).
import struct, zlib


def png(name, width, height, bitdepth, colortype, rows_bytes):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + r for r in rows_bytes)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bitdepth, colortype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    with open(name + ".png", "wb") as f:
        f.write(data)
    save_rgb(name, Image.open(name + ".png"))


png("rgb16", W, H, 16, 2, [rgb16[y].astype(">u2").tobytes() for y in range(H)])
rgba16 = rng.integers(0, 65536, (H, W, 4), dtype=np.uint16)
png("rgba16", W, H, 16, 6, [rgba16[y].astype(">u2").tobytes() for y in range(H)])
la16 = rng.integers(0, 65536, (H, W, 2), dtype=np.uint16)
png("la16", W, H, 16, 4, [la16[y].astype(">u2").tobytes() for y in range(H)])
# 2-bit grey (Pillow L;2 -> v * 85).
g2 = rng.integers(0, 4, (H, W), dtype=np.uint8)
rows = []
for y in range(H):
    row = np.zeros((W + 3) // 4, dtype=np.uint8)
    for x in range(W):
        row[x // 4] |= g2[y, x] << (6 - 2 * (x % 4))
    rows.append(row.tobytes())
png("grey2", W, H, 2, 0, rows)

# RGBA and LA: alpha dropped, not composited.
fixture("rgba", "png", Image.fromarray(np.dstack([rgb, alpha]), "RGBA"))
fixture("la", "png", Image.fromarray(np.dstack([grey, alpha]), "LA"))
# Palette with transparency, and a 4-bit palette.
pal = Image.fromarray(rgb).quantize(colors=40)
fixture("palette_trns", "png", pal, transparency=3)
pal16 = Image.fromarray(rgb).quantize(colors=16)
fixture("palette4", "png", pal16, bits=4)
# GIF and BMP.
fixture("anim", "gif", pal)
fixture("rgb24", "bmp", Image.fromarray(rgb))
fixture("pal8", "bmp", pal)
fixture("grey8", "bmp", Image.fromarray(grey))
# 16-bit BMPs written by hand (Pillow cannot write them): default 5-5-5 and 5-6-5 bit fields.
def bmp16(name, pixels, masks=None):
    h, w = pixels.shape
    row_bytes = (w * 2 + 3) // 4 * 4
    header_len = 40 + (12 if masks else 0)
    off = 14 + header_len
    data = b"".join(pixels[y].astype("<u2").tobytes().ljust(row_bytes, b"\0") for y in range(h - 1, -1, -1))
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 16, 3 if masks else 0, len(data), 2835, 2835, 0, 0)
    if masks:
        info += struct.pack("<III", *masks)
    with open(name + ".bmp", "wb") as f:
        f.write(b"BM" + struct.pack("<IHHI", off + len(data), 0, 0, off) + info + data)
    save_rgb(name, Image.open(name + ".bmp"))


bmp16("bmp555", rng.integers(0, 1 << 15, (H, W), dtype=np.uint16))
bmp16("bmp565", rng.integers(0, 1 << 16, (H, W), dtype=np.uint16), (0xF800, 0x07E0, 0x001F))

# CMYK JPEG (Pillow writes Adobe APP14; ImageIO cannot build a BufferedImage for it).
cmyk = Image.fromarray(rng.integers(0, 256, (H * 2, W * 2, 4), dtype=np.uint8), "CMYK")
fixture("cmyk", "jpg", cmyk, quality=95)

# Resize reference: a 61x47 random image to several sizes.
src = rng.integers(0, 256, (47, 61, 3), dtype=np.uint8)
src[0:10, 0:10] = 255  # saturated block to exercise clipping
src[10:20, 0:10] = 0
open("resize_src.rgb", "wb").write(src.tobytes())
im = Image.fromarray(src)
for (w, h) in [(20, 15), (7, 5), (150, 97), (61, 20), (33, 47), (61, 47), (64, 30), (1, 1)]:
    out = im.resize((w, h), resample=Image.BICUBIC, reducing_gap=None)
    open(f"resize_{w}x{h}.rgb", "wb").write(np.asarray(out).tobytes())

# Full CLIP preprocessing with a small S (tiny models): HF CLIPImageProcessor arithmetic.
mean = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
std = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def clip_preprocess(image, s):
    image = image.convert("RGB")
    w, h = image.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(s * long / short)
    nw, nh = (s, new_long) if w <= h else (new_long, s)
    a = np.asarray(image.resize((nw, nh), resample=Image.BICUBIC, reducing_gap=None))
    top, left = (nh - s) // 2, (nw - s) // 2
    a = a[top:top + s, left:left + s]
    a = (a.astype(np.float64) * (1 / 255)).astype(np.float32)
    return ((a - mean) / std).transpose(2, 0, 1)


im.save("preprocess_src.png")
for s in (32, 64):
    clip_preprocess(Image.open("preprocess_src.png"), s).astype("<f4").tofile(f"preprocess_s{s}.f32")

# GIFs whose first frame covers only part of the logical screen: Pillow's canvas is the logical
# screen, filled with the frame's transparency index (or index 0), the frame pasted at its offset.
def offset_gif(name, transparency):
    frame = Image.fromarray(rng.integers(0, 256, (5, 8, 3), dtype=np.uint8)).quantize(colors=6)
    buf = io.BytesIO()
    if transparency is None:
        frame.save(buf, "GIF")
    else:
        frame.save(buf, "GIF", transparency=transparency)
    b = bytearray(buf.getvalue())
    b[6:10] = struct.pack("<HH", 20, 12)  # logical screen 20 x 12
    gct = 3 * (2 << (b[10] & 7)) if b[10] & 0x80 else 0
    p = 13 + gct
    while b[p] == 0x21:  # skip extensions
        p += 2
        while b[p]:
            p += b[p] + 1
        p += 1
    assert b[p] == 0x2C
    b[p + 1:p + 5] = struct.pack("<HH", 3, 4)  # frame at (3, 4)
    with open(name + ".gif", "wb") as f:
        f.write(bytes(b))
    save_rgb(name, Image.open(name + ".gif"))


offset_gif("gif_offset", None)
offset_gif("gif_offset_trns", 2)
