"""Minimal PNG writer and reader (zlib + struct) and contact-sheet assembly; no imaging library needed."""
import struct
import zlib

import numpy as np


def write_png(path, rgb):
    """Writes an HxWx3 uint8 array as an 8-bit RGB PNG."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def read_png(path):
    """Reads an 8-bit RGB or RGBA PNG (no interlacing; any of the five row filters) as an HxWx3 uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file (bad signature)")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        n, tag = struct.unpack(">I", data[pos:pos + 4])[0], data[pos + 4:pos + 8]
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", data[pos + 8:pos + 21])
        elif tag == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + n])
        pos += 12 + n
    if header is None:
        raise ValueError(f"{path}: no IHDR chunk")
    w, h, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: expected 8-bit RGB or RGBA without interlacing, found depth {depth}, colour type "
                         f"{colour}, interlace {interlace}")
    ch = 3 if colour == 2 else 4
    rows = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, w * ch + 1)
    out = np.zeros((h, w, ch), np.int32)
    prev = np.zeros((w, ch), np.int32)
    for y in range(h):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32).reshape(w, ch)
        if kind == 0:
            cur = line
        elif kind == 1:  # Sub: a running sum along the row, per channel
            cur = np.cumsum(line, axis=0) & 255
        elif kind == 2:  # Up
            cur = (line + prev) & 255
        elif kind in (3, 4):  # Average and Paeth depend on the byte to the left: one byte at a time, in plain ints
            a, b, flat = [0] * ch, prev.ravel().tolist(), line.ravel().tolist()
            for i, v in enumerate(flat):
                left, up = a[i], b[i]
                if kind == 3:
                    pred = (left + up) >> 1
                else:
                    upleft = b[i - ch] if i >= ch else 0
                    p = left + up - upleft
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upleft)
                a.append((v + pred) & 255)
            cur = np.array(a[ch:], np.int32).reshape(w, ch)
        else:
            raise ValueError(f"{path}: row {y} has unknown filter type {kind}")
        out[y] = cur
        prev = cur
    return out[..., :3].astype(np.uint8)


def grid(images, cols, pad=2, fill=255):
    """Tiles a list of equally sized HxWx3 uint8 images into a sheet."""
    h, w, _ = images[0].shape
    rows = (len(images) + cols - 1) // cols
    sheet = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, 3), fill, np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        sheet[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = im
    return sheet
