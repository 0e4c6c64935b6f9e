"""PyTorch peer for `deno task bench`: times the same VGG16 training step as the TypeScript side.

Reads one JSON request per line on stdin, e.g.
  {"width": 1, "batch": 64, "input": 32, "dense": 4096, "threads": 1, "steps": 3}
and answers one JSON line: {"stepMs": [...], "torch": "1.13.1", "threads": 1}.
The model mirrors lib/model's VGG16: 13 3x3 'same' convs + ReLU, five 2x2 max-pools, two hidden
dense layers (ReLU, dropout 0.5) and a 10-way classifier; SGD lr 0.01, momentum 0.9,
cross-entropy on random data (speed does not depend on the values).
Run with Debian's interpreter, which has python3-torch: /usr/bin/python3.
"""
import json
import sys
import time

import torch
from torch import nn

VGG16 = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]


def build(width, dense, size):
    layers, channels = [], 3
    for block in VGG16:
        for c in block:
            out = max(1, round(c * width))
            layers += [nn.Conv2d(channels, out, 3, padding=1), nn.ReLU(inplace=True)]
            channels = out
        layers.append(nn.MaxPool2d(2, 2))
    side = size // 32
    layers += [
        nn.Flatten(),
        nn.Linear(channels * side * side, dense), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(dense, dense), nn.ReLU(inplace=True), nn.Dropout(0.5),
        nn.Linear(dense, 10),
    ]
    return nn.Sequential(*layers)


def measure(req):
    torch.manual_seed(0)
    torch.set_num_threads(req["threads"])
    model = build(req["width"], req["dense"], req["input"])
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(req["batch"], 3, req["input"], req["input"])
    y = torch.randint(0, 10, (req["batch"],))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    step()  # warm-up: allocations, first-call dispatch
    times = []
    for _ in range(req["steps"]):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return {"stepMs": times, "torch": torch.__version__, "threads": torch.get_num_threads()}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(measure(json.loads(line))), flush=True)
