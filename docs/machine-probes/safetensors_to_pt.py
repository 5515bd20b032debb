"""Writes a float32 safetensors file as a torch.save checkpoint ({"model": state_dict}), to measure
loading a .pt file (docs/benchmarks.md, session 22). Needs torch and numpy, not safetensors:

    /usr/bin/python3 docs/machine-probes/safetensors_to_pt.py /tmp/arpgl.safetensors /tmp/arpgl.pt
"""
import json
import struct
import sys

import numpy as np
import torch

source, target = sys.argv[1], sys.argv[2]
with open(source, 'rb') as f:
    header_length = struct.unpack('<Q', f.read(8))[0]
    header = json.loads(f.read(header_length))
data = np.memmap(source, dtype=np.uint8, mode='r')
start = 8 + header_length
state_dict = {}
for name, info in header.items():
    if name == '__metadata__':
        continue
    begin, end = info['data_offsets']
    values = np.frombuffer(data[start + begin:start + end], dtype=np.float32).reshape(info['shape'])
    state_dict[name] = torch.from_numpy(values.copy())
torch.save({'model': state_dict}, target)
