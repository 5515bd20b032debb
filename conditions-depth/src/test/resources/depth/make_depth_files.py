"""Writes the depth test files with NumPy and a hand-made PNG encoder (run: python3 make_depth_files.py).

Every file holds the same 4x3 (W x H) ramp, value = 10 * y + x at column x, row y (so (0,0) = 0 is
the top-left pixel and (3,2) = 23 the bottom-right), except where noted.
"""
import struct
import zlib

import numpy as np

W, H = 4, 3
ramp = np.array([[10 * y + x for x in range(W)] for y in range(H)], dtype=np.float32)

np.save("ramp.npy", ramp)                                  # <f4, shape (3, 4)
np.save("ramp_f8_be_1hw.npy", ramp.astype(">f8")[None])   # >f8, shape (1, 3, 4)
with_nan = ramp.copy()
with_nan[1, 2] = np.nan
with_nan[0, 3] = np.inf
np.save("ramp_nan.npy", with_nan)
np.save("ramp_int32.npy", ramp.astype(np.int32))           # unsupported dtype
np.save("two_planes.npy", np.stack([ramp, ramp]).reshape(2, 3, 4, 1).repeat(2, axis=3))  # not one plane


def pfm(name, data, little=True, colour=False):
    with open(name, "wb") as f:
        f.write(b"PF\n" if colour else b"Pf\n")
        f.write(f"{data.shape[1]} {data.shape[0]}\n".encode())
        f.write(b"-1.0\n" if little else b"1.0\n")
        rows = np.flipud(data)  # PFM stores the bottom row first
        if colour:
            rows = np.repeat(rows[..., None], 3, axis=2)
        f.write(rows.astype("<f4" if little else ">f4").tobytes())


pfm("ramp.pfm", ramp)
pfm("ramp_be.pfm", ramp, little=False)
pfm("colour.pfm", ramp, colour=True)


def png16(name, data):
    raw = b"".join(b"\x00" + struct.pack(">%dH" % data.shape[1], *row) for row in data)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", data.shape[1], data.shape[0], 16, 0, 0, 0, 0)  # 16-bit grey
    with open(name, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


png16("ramp16.png", (ramp * 1000).astype(np.uint16))       # 16-bit values 0 .. 23000
with open("not_a_png.png", "wb") as f:
    f.write(b"this is text, not an image\n")
