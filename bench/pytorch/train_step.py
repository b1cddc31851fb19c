"""PyTorch CPU reference for `pnpm bench:train`: the Headroom task models, layer for layer.

Same architectures as packages/models (checked by the bench: the trainable parameter counts
must be equal), trained the way a PyTorch user would write it: nn.Linear with the Q, K and V
kernels side by side, F.scaled_dot_product_attention, exact (erf) GELU, torch.optim.Adam.

Two variants of the encoder (request field "variant"):
  project    the classes below, written after packages/models (any d_h, Q=K tied);
  idiomatic  nn.TransformerEncoder of nn.TransformerEncoderLayer(batch_first=True,
             norm_first=pre-LN, activation=gelu|relu), what a PyTorch user reaches for first.
             It only expresses the standard geometry (heads·d_h = d_m, separate Q and K); for
             other geometries the answer is {"unsupported": reason} and the project variant
             is the idiomatic one.

Run by bench/train-step.mjs as a server: one JSON request per line on stdin,
  {"task": "pose3d", "config": {...}, "batch": 64, "steps": 5, "warmup": 2, "variant": "project"}
one JSON answer per line on stdout,
  {"paramCount": N, "times": [ms, ...], "torch": "2.13.0+cpu", "threads": 2}
or, with "profile": true, a torch.profiler summary of "steps" steps (see profile()).
Models stay built between requests for the same (task, config, batch, variant), so the bench
can interleave PyTorch and TF.js chunks and both see the same load on the machine.
"""

import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FlexibleAttention(nn.Module):
    """Every head projects to d_h; tied: one projection serves as query and key."""

    def __init__(self, d_m, heads, d_h, qk_tied):
        super().__init__()
        self.heads, self.d_h, self.qk_tied = heads, d_h, qk_tied
        self.inner = heads * d_h
        self.qkv = nn.Linear(d_m, (2 if qk_tied else 3) * self.inner)
        self.out = nn.Linear(self.inner, d_m)

    def forward(self, x):
        b, t, _ = x.shape
        parts = self.qkv(x).view(b, t, -1, self.heads, self.d_h).permute(2, 0, 3, 1, 4)
        if self.qk_tied:
            q, v = parts[0], parts[1]
            k = q
        else:
            q, k, v = parts[0], parts[1], parts[2]
        mixed = F.scaled_dot_product_attention(q, k, v)  # scale 1/sqrt(d_h)
        return self.out(mixed.transpose(1, 2).reshape(b, t, self.inner))


class Block(nn.Module):
    """pre: x + attn(LN(x)), x + ffn(LN(x)); post: LN(x + attn(x)), LN(x + ffn(x))."""

    def __init__(self, c, norm, activation):
        super().__init__()
        d = c["dModel"]
        self.norm = norm
        self.attn = FlexibleAttention(d, c["heads"], c["dH"], c.get("qkTied", False))
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        d_ff = round(c.get("ffnMult", 4) * d)
        self.ffn1 = nn.Linear(d, d_ff)
        self.ffn2 = nn.Linear(d_ff, d)
        self.act = F.gelu if activation == "gelu" else F.relu

    def ffn(self, x):
        return self.ffn2(self.act(self.ffn1(x)))

    def forward(self, x):
        if self.norm == "pre":
            x = x + self.attn(self.ln1(x))
            return x + self.ffn(self.ln2(x))
        x = self.ln1(x + self.attn(x))
        return self.ln2(x + self.ffn(x))


class Encoder(nn.Module):
    def __init__(self, c, norm, activation):
        super().__init__()
        self.blocks = nn.ModuleList(Block(c, norm, activation) for _ in range(c["layers"]))
        self.final = nn.LayerNorm(c["dModel"], eps=1e-5) if norm == "pre" else nn.Identity()

    def forward(self, x):
        for block in self.blocks:
            x = block(x)
        return self.final(x)


class IdiomaticEncoder(nn.Module):
    """The stack as a PyTorch user writes it: nn.TransformerEncoderLayer blocks (packed
    in_proj Q/K/V, nn.MultiheadAttention) and, pre-LN, a final LayerNorm."""

    def __init__(self, c, norm, activation):
        super().__init__()
        d = c["dModel"]
        layer = nn.TransformerEncoderLayer(
            d,
            c["heads"],
            dim_feedforward=round(c.get("ffnMult", 4) * d),
            dropout=0.0,
            activation=activation,
            layer_norm_eps=1e-5,
            batch_first=True,
            norm_first=norm == "pre",
        )
        self.stack = nn.TransformerEncoder(
            layer,
            c["layers"],
            norm=nn.LayerNorm(d, eps=1e-5) if norm == "pre" else None,
            enable_nested_tensor=False,
        )

    def forward(self, x):
        return self.stack(x)


def idiomatic_unsupported(c):
    """Why nn.TransformerEncoderLayer cannot express this geometry, or None when it can."""
    if c.get("qkTied", False):
        return (
            "Q=K tied: nn.TransformerEncoderLayer (nn.MultiheadAttention) has separate Q and K "
            "projections; the project script is the idiomatic PyTorch model here"
        )
    if c["heads"] * c["dH"] != c["dModel"]:
        return (
            f"heads·d_h = {c['heads'] * c['dH']} ≠ d_m = {c['dModel']}: "
            "nn.TransformerEncoderLayer splits d_m among the heads; "
            "the project script is the idiomatic PyTorch model here"
        )
    return None


ENCODERS = {"project": Encoder, "idiomatic": IdiomaticEncoder}


class Pose3d(nn.Module):
    """[B, J, 2] -> Dense(d_m) + joint table -> pre-LN GELU encoder -> LN -> Dense(3)."""

    def __init__(self, c, encoder=Encoder):
        super().__init__()
        d, joints = c["dModel"], c.get("joints", 17)
        self.embed = nn.Linear(2, d)
        self.position = nn.Parameter(torch.randn(joints, d) * 0.02)
        self.encoder = encoder(c, "pre", c.get("activation", "gelu"))
        self.head = nn.Linear(d, 3)

    def forward(self, x):
        return self.head(self.encoder(self.embed(x) + self.position))


def sine_code_2d(rows, cols, d):
    """DETR / TransPose 2-D sine code, as packages/models' sineCode2d (a fixed buffer)."""
    half, eps, scale = d // 2, 1e-6, 2 * math.pi
    out = torch.zeros(rows * cols, d)
    for r in range(rows):
        for c in range(cols):
            y, x = (r + 1) / (rows + eps) * scale, (c + 1) / (cols + eps) * scale
            for i in range(half):
                dim_t = 10000 ** (2 * (i // 2) / half)
                f = math.sin if i % 2 == 0 else math.cos
                out[r * cols + c, i] = f(y / dim_t)
                out[r * cols + c, half + i] = f(x / dim_t)
    return out


class Pose2d(nn.Module):
    """Conv backbone (stride 2 per stage) -> 1x1 to d_m -> tokens + sine -> post-LN ReLU
    encoder -> grid -> 4x4 stride-2 deconv + BN + ReLU -> 1x1 conv to joint heatmaps."""

    def __init__(self, c, encoder=Encoder):
        super().__init__()
        h, w = c.get("imageSize", [256, 192])
        channels, joints = c.get("channels", 3), c.get("joints", 17)
        stages = c.get("backbone", [64, 128, 256])
        d = c["dModel"]
        layers, cin = [], channels
        for filters in stages:
            for stride in (2, 1):
                layers += [
                    nn.Conv2d(cin, filters, 3, stride, 1, bias=False),
                    nn.BatchNorm2d(filters, momentum=0.1),
                    nn.ReLU(inplace=True),
                ]
                cin = filters
        self.backbone = nn.Sequential(*layers)
        self.rows, self.cols = h // 2 ** len(stages), w // 2 ** len(stages)
        self.proj = nn.Conv2d(cin, d, 1)
        self.register_buffer("position", sine_code_2d(self.rows, self.cols, d))
        self.encoder = encoder(c, "post", c.get("activation", "relu"))
        self.deconv = nn.ConvTranspose2d(d, d, 4, 2, 1, bias=False)
        self.head_bn = nn.BatchNorm2d(d, momentum=0.1)
        self.heatmaps = nn.Conv2d(d, joints, 1)

    def forward(self, x):
        f = self.proj(self.backbone(x))
        b, d = f.shape[0], f.shape[1]
        tokens = f.flatten(2).transpose(1, 2) + self.position
        grid = self.encoder(tokens).transpose(1, 2).reshape(b, d, self.rows, self.cols)
        return self.heatmaps(F.relu(self.head_bn(self.deconv(grid))))


class Chest(nn.Module):
    """ViT: patches -> Dense(d_m) -> class token + learned positions -> pre-LN encoder ->
    class-token output -> sigmoid classes."""

    def __init__(self, c, encoder=Encoder):
        super().__init__()
        h, w = c.get("imageSize", [224, 224])
        self.channels, self.patch = c.get("channels", 1), c.get("patchSize", 16)
        d = c["dModel"]
        tokens = (h // self.patch) * (w // self.patch) + 1
        self.embed = nn.Linear(self.patch * self.patch * self.channels, d)
        self.token = nn.Parameter(torch.zeros(1, 1, d))
        self.position = nn.Parameter(torch.randn(tokens, d) * 0.02)
        self.encoder = encoder(c, "pre", c.get("activation", "gelu"))
        self.classifier = nn.Linear(d, c.get("classes", 15))

    def forward(self, x):
        p = self.patch
        patches = F.unfold(x, p, stride=p).transpose(1, 2)  # [B, N, C*p*p]
        t = self.embed(patches)
        t = torch.cat([self.token.expand(t.shape[0], -1, -1), t], 1) + self.position
        return torch.sigmoid(self.classifier(self.encoder(t)[:, 0]))


def build(task, c, batch, variant="project"):
    """Model, a fixed batch (inputs, targets) and the task's training loss."""
    g = torch.Generator().manual_seed(1)
    encoder = ENCODERS[variant]
    if task == "pose3d":
        joints = c.get("joints", 17)
        x, y = torch.randn(batch, joints, 2, generator=g), torch.randn(batch, joints, 3, generator=g)
        # MPJPE: mean Euclidean distance per joint, as the worker's trainer.
        loss = lambda p, t: torch.sqrt(((p - t) ** 2).sum(-1) + 1e-12).mean()
        return Pose3d(c, encoder), x, y, loss
    if task == "pose2d":
        h, w = c.get("imageSize", [256, 192])
        m = Pose2d(c, encoder)
        s = 2 ** (len(c.get("backbone", [64, 128, 256])) - 1)
        x = torch.randn(batch, c.get("channels", 3), h, w, generator=g)
        y = torch.rand(batch, c.get("joints", 17), h // s, w // s, generator=g)
        return m, x, y, F.mse_loss
    if task == "chest":
        h, w = c.get("imageSize", [224, 224])
        x = torch.randn(batch, c.get("channels", 1), h, w, generator=g)
        y = (torch.rand(batch, c.get("classes", 15), generator=g) > 0.8).float()
        return Chest(c, encoder), x, y, F.binary_cross_entropy
    raise ValueError(f"unknown task {task}")


_cache = {}


def prepared(req):
    """The model, batch, loss and optimizer of a request, built once per (task, config, batch,
    variant); both variants of one configuration stay built, so the bench can alternate them."""
    variant = req.get("variant", "project")
    shape_key = json.dumps([req["task"], req["config"], req["batch"]], sort_keys=True)
    key = (shape_key, variant)
    if key not in _cache:
        if any(k[0] != shape_key for k in _cache):
            _cache.clear()  # the bench finishes a configuration before the next
        torch.manual_seed(1)
        model, x, y, loss_fn = build(req["task"], req["config"], req["batch"], variant)
        model.train()
        # torch.optim.Adam's defaults (β 0.9/0.999, ε 1e-8), as the project's ScheduledAdam.
        optimizer = torch.optim.Adam(model.parameters(), lr=req.get("lr", 5e-4), eps=1e-8)
        _cache[key] = (model, x, y, loss_fn, optimizer)
    return _cache[key]


def param_count(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def run(req):
    if req.get("variant") == "idiomatic":
        reason = idiomatic_unsupported(req["config"])
        if reason:
            return {"unsupported": reason}
    model, x, y, loss_fn, optimizer = prepared(req)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()  # the trainer reads the loss every step; so does the TF.js side

    for _ in range(req.get("warmup", 0)):
        step()
    if req.get("profile"):
        return profile(model, x, y, loss_fn, optimizer, req["steps"])
    times = []
    for _ in range(req["steps"]):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return {"paramCount": param_count(model), "times": times, **settings()}


def profile(model, x, y, loss_fn, optimizer, steps):
    """torch.profiler over `steps` steps: wall time of forward / backward / optimizer / loss
    read (timed without the profiler, then again inside it), and per operator its calls,
    self CPU time and the memory it allocated, top-level operators (what the Python code
    dispatched) counted apart from all (nested ones included)."""
    from torch.profiler import ProfilerActivity, profile as torch_profile, record_function

    phases = {"forward": [], "backward": [], "optimizer": [], "read": []}

    def timed_step():
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        loss.item()
        t4 = time.perf_counter()
        for name, ms in zip(phases, [t1 - t0, t2 - t1, t3 - t2, t4 - t3]):
            phases[name].append(ms * 1000)

    for _ in range(steps):
        timed_step()

    def step():
        optimizer.zero_grad(set_to_none=True)
        with record_function("forward"):
            loss = loss_fn(model(x), y)
        with record_function("backward"):
            loss.backward()
        with record_function("optimizer"):
            optimizer.step()
        loss.item()

    with torch_profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        for _ in range(steps):
            step()
    events = prof.events()
    ops = {}
    top_level = 0
    for e in events:
        if e.name in phases:
            continue
        o = ops.setdefault(e.name, {"calls": 0, "selfMs": 0.0, "bytesAllocated": 0})
        o["calls"] += 1
        o["selfMs"] += e.self_cpu_time_total / 1000
        o["bytesAllocated"] += max(0, e.self_cpu_memory_usage)
        # Dispatched from Python (forward) or by autograd / the optimizer at the top.
        parent = e.cpu_parent
        if parent is None or parent.name in phases or parent.name.startswith("autograd::engine"):
            top_level += 1
    per_step = lambda v: v / steps
    return {
        "paramCount": param_count(model),
        "steps": steps,
        "phasesMs": {k: sorted(v)[len(v) // 2] for k, v in phases.items()},
        "operatorsPerStep": per_step(sum(o["calls"] for o in ops.values())),
        "topLevelOperatorsPerStep": per_step(top_level),
        "ops": sorted(
            (
                {
                    "name": name,
                    "callsPerStep": per_step(o["calls"]),
                    "selfMsPerStep": per_step(o["selfMs"]),
                    "bytesAllocatedPerStep": per_step(o["bytesAllocated"]),
                }
                for name, o in ops.items()
            ),
            key=lambda o: -o["selfMsPerStep"],
        ),
        **settings(),
    }


def settings():
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY", "default"),
    }


def main():
    # The first line says the process is up (the bench waits for it before asking).
    sys.stdout.write(json.dumps({"ready": True, **settings()}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = run(json.loads(line))
        except Exception as err:  # reported to the bench, which prints it and goes on
            answer = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
