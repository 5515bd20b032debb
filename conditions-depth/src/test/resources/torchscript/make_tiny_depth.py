"""Makes tiny_depth.pt, the TorchScript model of the DepthEstimator tests.

A MiDaS-shaped toy: input [1, 3, H, W] (normalised RGB), output [1, H, W] (like MiDaS/DPT, which
return [N, H, W]). The "depth" is a fixed weighted sum of the channels plus a bias:
    out = 0.5 * r + 0.25 * g + 0.25 * b + 1.0
so a test can compute the expected output of any image by hand.

Run with PyTorch (made with Debian's python3-torch 1.13.1): /usr/bin/python3 make_tiny_depth.py
"""
import torch


class TinyDepth(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 1, kernel_size=1)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor([0.5, 0.25, 0.25]).view(1, 3, 1, 1))
            self.conv.bias.fill_(1.0)

    def forward(self, x):
        return self.conv(x).squeeze(1)


model = TinyDepth().eval()
traced = torch.jit.trace(model, torch.zeros(1, 3, 8, 8))
traced.save("tiny_depth.pt")
print(traced(torch.ones(1, 3, 4, 6)).shape)
