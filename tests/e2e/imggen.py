"""Images in every layout the image fuzzy hash reads, drawn with Pillow
(python3-pil): colour textures in PNG (RGB, gray, palette, RGBA, 16-bit,
interlaced), TIFF (also with alpha), GIF (and one smaller than its screen), BMP (24-bit, palette,
1-bit, top-down), TIFF and JPEG (4:4:4, 4:2:2, 4:2:0, progressive, gray),
and degenerate shapes (one pixel, one row, one column, one colour)."""
import io
import math
import struct
import zlib

from PIL import Image


def texture(w, h, k):
    im = Image.new("RGB", (w, h))
    px = im.load()
    a, b, c = 5.0 + k, 3.0 + 2 * k, 7.0 + k / 2
    for y in range(h):
        for x in range(w):
            px[x, y] = (int(127 + 120 * math.sin(x / a) * math.cos(y / b)) & 255,
                        (x * (k + 2) + y * 5) & 255,
                        int(128 + 100 * math.sin((x + y) / c)) & 255)
    return im


def save(im, fmt, **kw):
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def png_file(w, h, depth, interlace, raw):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(
            ">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, 2, 0, 0,
                                       interlace)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png16(im):
    """A 16-bit RGB PNG (Pillow writes none): each sample v as v*257+k."""
    w, h = im.size
    raw = b""
    for y in range(h):
        raw += b"\0" + b"".join(struct.pack(">H", min(v * 257 + x % 7, 65535))
                                for x in range(w) for v in im.getpixel((x, y)))
    return png_file(w, h, 16, 0, raw)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_interlaced(im):
    """An Adam7-interlaced 8-bit RGB PNG (Pillow writes none)."""
    w, h = im.size
    raw = b""
    for x0, y0, dx, dy in ADAM7:
        xs = range(x0, w, dx)
        for y in range(y0, h, dy):
            if xs:
                raw += b"\0" + bytes(v for x in xs for v in im.getpixel((x, y)))
    return png_file(w, h, 8, 1, raw)


def gif_on_screen(im):
    """A GIF whose only frame is smaller than its logical screen."""
    g = bytearray(save(im.convert("P", palette=Image.ADAPTIVE, colors=64), "GIF"))
    w, h = im.size
    g[6:10] = struct.pack("<HH", w + 9, h + 5)   # the screen
    at = g.index(b"\x2c")                        # image descriptor
    g[at + 1:at + 5] = struct.pack("<HH", 4, 3)  # the frame's left, top
    return bytes(g)


def bmp_topdown(im):
    b = bytearray(save(im, "BMP"))
    w, h = im.size
    stride = (w * 3 + 3) & ~3
    rows = [b[54 + stride * y:54 + stride * (y + 1)] for y in range(h)]
    b[22:26] = struct.pack("<i", -h)
    b[54:] = b"".join(reversed(rows))
    return bytes(b)


SIZES = [(64, 48), (300, 200), (33, 31), (8, 8), (120, 640), (32, 32),
         (1, 1), (1, 40), (40, 1), (48, 16)]


def images():
    """{name: bytes}: every layout, each hash to equal ClamAV's."""
    out = {}
    for i, (w, h) in enumerate(SIZES):
        im = texture(w, h, i)
        out["rgb%d.png" % i] = save(im, "PNG")
        out["gray%d.png" % i] = save(im.convert("L"), "PNG")
        out["pal%d.png" % i] = save(im.convert("P", palette=Image.ADAPTIVE, colors=64), "PNG")
        out["rgba%d.png" % i] = save(im.convert("RGBA"), "PNG")
        out["a%d.gif" % i] = save(im.convert("P", palette=Image.ADAPTIVE, colors=128), "GIF")
        out["b%d.bmp" % i] = save(im, "BMP")
        out["p%d.bmp" % i] = save(im.convert("P", palette=Image.ADAPTIVE, colors=16), "BMP")
        out["m%d.bmp" % i] = save(im.convert("1"), "BMP")
        out["t%d.tif" % i] = save(im, "TIFF")
        out["z%d.tif" % i] = save(im, "TIFF", compression="tiff_deflate")
    im = texture(90, 70, 9)
    out["deep.png"] = png16(im)
    out["adam7.png"] = png_interlaced(im)
    out["screen.gif"] = gif_on_screen(im)
    out["topdown.bmp"] = bmp_topdown(im)
    out["flat.png"] = save(Image.new("RGB", (20, 10), (10, 200, 30)), "PNG")
    rgba = im.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(im.size))
    out["alpha.tif"] = save(rgba, "TIFF")   # unassociated alpha: dropped
    out["alpha.png"] = save(rgba, "PNG")
    out.update(jpegs())
    return out


def jpegs():
    """{name: bytes}: JPEGs in every sampling layout."""
    out = {}
    for i, (w, h) in enumerate(SIZES):
        im = texture(w, h, i)
        out["f%d.jpg" % i] = save(im, "JPEG", quality=90, subsampling=0)
        out["h%d.jpg" % i] = save(im, "JPEG", quality=60, subsampling=1)
        out["s%d.jpg" % i] = save(im, "JPEG", quality=75, subsampling=2)
        out["p%d.jpg" % i] = save(im, "JPEG", quality=85, progressive=True)
        out["g%d.jpg" % i] = save(im.convert("L"), "JPEG")
    return out
