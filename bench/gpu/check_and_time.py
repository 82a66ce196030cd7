#!/usr/bin/env python3
"""Checks libtessera's CUDA ops against PyTorch composites, then times them (bench/gpu/run.sh).

Checks (float32 kernels against composites computed in float64 on the GPU from the same
float32-rounded inputs, so only the kernels' arithmetic is measured; outputs pre-filled with NaN):
  mix forward   softmax(beta * logits) + conv_transpose2d(stride = template size); the optional p
  mix backward  torch.autograd of that composite, with p recomputed (NULL) and with the saved p
  blur fwd/bwd  F.pad + depthwise conv2d with outer(taps, taps), and its torch.autograd gradient
Error: max |kernel - reference| over a scale: max |reference| for outputs that are sums of
same-signed-ish terms; for mix backward, whose formula beta * p_k * (g_k - sum_m p_m g_m)
cancels, max of beta * p_k * (|g_k| + |sum_m p_m g_m|), the size of the terms float32 rounds.
A check passes when that relative error is <= --tol (1e-5) and every output element is finite.

Timing: CUDA events around batches of calls on torch.cuda.current_stream(), median of several
batches; native vs PyTorch eager composites (strict fp32: TF32 off unless --allow-tf32) and
torch.compile of the same composites; achieved GB/s (the bytes each op must move) against this
card's device-to-device copy bandwidth, measured here as read + write bytes of a large copy.
"""
import argparse
import contextlib
import ctypes
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

# ---- the C ABI (native/include/tessera.h), argument types exactly as declared -------------------

P = ctypes.c_void_p
I64 = ctypes.c_int64
INT = ctypes.c_int
FLT = ctypes.c_float

SIGNATURES = {
    "tsr_version": ([], INT),
    "tsr_last_error": ([], ctypes.c_char_p),
    "tsr_cuda_compiled": ([], INT),
    "tsr_cuda_device_count": ([], INT),
    # out, in, planes, H, W, taps (host), K, pad_before, pad_after, stride, stream
    "tsr_blur_forward_cuda": ([P, P, I64, I64, I64, P, INT, INT, INT, INT, P], INT),
    # grad_in, grad_out, planes, H, W, taps (host), K, pad_before, pad_after, stride, stream
    "tsr_blur_backward_cuda": ([P, P, I64, I64, I64, P, INT, INT, INT, INT, P], INT),
    # out, p, logits, templates, B, N, h, w, C, th, tw, beta, stream
    "tsr_mix_forward_cuda": ([P, P, P, P, I64, I64, I64, I64, I64, I64, I64, FLT, P], INT),
    # grad_logits, grad_out, logits, p, templates, B, N, h, w, C, th, tw, beta, stream
    "tsr_mix_backward_cuda": ([P, P, P, P, P, I64, I64, I64, I64, I64, I64, I64, FLT, P], INT),
}
# The CPU entry points take the same arguments without the stream (--device cpu: a dry run of this
# script on any machine with PyTorch, checking and timing the CPU kernels the same way).
SIGNATURES.update({name.replace("_cuda", "_cpu"): (args[:-1], res) for name, (args, res) in list(SIGNATURES.items())
                   if name.startswith(("tsr_blur_", "tsr_mix_"))})

DEVICE = "cuda"


class Tessera:
    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        for name, (args, res) in SIGNATURES.items():
            fn = getattr(self.lib, name)
            fn.argtypes = args
            fn.restype = res

    def _call(self, name, *args):
        if DEVICE == "cpu":
            name, args = name.replace("_cuda", "_cpu"), args[:-1]
        rc = getattr(self.lib, name)(*args)
        if rc != 0:
            raise RuntimeError("%s failed (%d): %s" % (name, rc, self.lib.tsr_last_error().decode()))

    @staticmethod
    def _ptr(t):
        if t is None:
            return None
        assert t.device.type == DEVICE and t.dtype == torch.float32 and t.is_contiguous(), \
            "kernel tensors: %s float32 contiguous" % DEVICE
        return ctypes.c_void_p(t.data_ptr())

    @staticmethod
    def _stream():
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream) if DEVICE == "cuda" else None

    def blur_forward(self, out, x, blur):
        taps = blur.host_taps
        B, C, H, W = x.shape
        self._call("tsr_blur_forward_cuda", self._ptr(out), self._ptr(x), B * C, H, W,
                   ctypes.cast(taps, P), len(taps), blur.pad_before, blur.pad_after, blur.stride, self._stream())

    def blur_backward(self, grad_in, grad_out, blur):
        taps = blur.host_taps
        B, C, H, W = grad_in.shape
        self._call("tsr_blur_backward_cuda", self._ptr(grad_in), self._ptr(grad_out), B * C, H, W,
                   ctypes.cast(taps, P), len(taps), blur.pad_before, blur.pad_after, blur.stride, self._stream())

    def mix_forward(self, out, p, logits, templates, beta):
        B, N, h, w = logits.shape
        _, C, th, tw = templates.shape
        self._call("tsr_mix_forward_cuda", self._ptr(out), self._ptr(p), self._ptr(logits), self._ptr(templates),
                   B, N, h, w, C, th, tw, beta, self._stream())

    def mix_backward(self, grad_logits, grad_out, logits, p, templates, beta):
        B, N, h, w = grad_logits.shape
        _, C, th, tw = templates.shape
        self._call("tsr_mix_backward_cuda", self._ptr(grad_logits), self._ptr(grad_out), self._ptr(logits),
                   self._ptr(p), self._ptr(templates), B, N, h, w, C, th, tw, beta, self._stream())


# ---- the method's blurs (GaussianBlur.java) -----------------------------------------------------

class Blur:
    def __init__(self, name, size, sigma, pad_before, pad_after, stride):
        self.name, self.pad_before, self.pad_after, self.stride = name, pad_before, pad_after, stride
        self.taps = gaussian_taps(size, sigma)  # python floats holding float32 values
        self.host_taps = (ctypes.c_float * size)(*self.taps)  # kept alive with the Blur

    def out_size(self, n):
        return (n + self.pad_before + self.pad_after - len(self.taps)) // self.stride + 1


def gaussian_taps(size, sigma):
    """GaussianBlur.gaussianTaps: offsets i - (size-1)/2, normalised in double, rounded to float32."""
    w = [math.exp(-((i - (size - 1) / 2.0) ** 2) / (2 * sigma * sigma)) for i in range(size)]
    s = sum(w)
    return torch.tensor([v / s for v in w], dtype=torch.float64).float().double().tolist()


VIEWING = Blur("viewing", 8, 3.0, 3, 4, 1)
PYRAMID1 = Blur("pyramid 1", 3, math.sqrt(2 / 4.0), 0, 1, 2)
PYRAMID2 = Blur("pyramid 2", 5, math.sqrt(4 / 4.0), 0, 1, 4)


# ---- composites (work in any dtype) -------------------------------------------------------------

def blur_ref(x, blur):
    C = x.shape[1]
    t = torch.tensor(blur.taps, dtype=x.dtype, device=x.device)
    k = len(blur.taps)
    weight = torch.outer(t, t).reshape(1, 1, k, k).expand(C, 1, k, k).contiguous()
    padded = F.pad(x, (blur.pad_before, blur.pad_after, blur.pad_before, blur.pad_after))
    return F.conv2d(padded, weight, stride=blur.stride, groups=C)


def mix_ref(logits, templates, beta):
    p = torch.softmax(beta * logits, dim=1)
    return F.conv_transpose2d(p, templates, stride=(templates.shape[2], templates.shape[3]))


# ---- checks -------------------------------------------------------------------------------------

class Report:
    def __init__(self, tol):
        self.tol, self.failures, self.rows = tol, 0, []

    def compare(self, what, got, ref, scale=None):
        got64 = got.double()
        finite = bool(torch.isfinite(got64).all())
        diff = (got64 - ref).abs()
        max_abs = float(diff.max()) if diff.numel() else 0.0
        if scale is None:
            scale = float(ref.abs().max()) if ref.numel() else 0.0
        rel = max_abs / scale if scale > 0 else max_abs
        ok = finite and rel <= self.tol
        self.failures += 0 if ok else 1
        self.rows.append((what, max_abs, rel, finite, ok))

    def print(self):
        print("| check | max abs err | max rel err (of scale) | finite | result |")
        print("|---|---|---|---|---|")
        for what, max_abs, rel, finite, ok in self.rows:
            print("| %s | %.3e | %.3e | %s | %s |" % (what, max_abs, rel, "yes" if finite else "NO",
                                                   "ok" if ok else "**FAIL**"))
        print()
        print("%d checks, %d failed (tolerance %.0e)" % (len(self.rows), self.failures, self.tol))


def sync():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def nan_like(shape):
    return torch.full(shape, float("nan"), dtype=torch.float32, device=DEVICE)


def check_blur(ts, rep, blur, shape, gen):
    B, C, H, W = shape
    Ho, Wo = blur.out_size(H), blur.out_size(W)
    x32 = (torch.randn(shape, generator=gen, device=DEVICE, dtype=torch.float64) * 50).float()
    g32 = torch.randn((B, C, Ho, Wo), generator=gen, device=DEVICE, dtype=torch.float64).float()
    x = x32.double().requires_grad_(True)
    ref = blur_ref(x, blur)
    (ref_grad,) = torch.autograd.grad(ref, x, g32.double())

    out = nan_like((B, C, Ho, Wo))
    ts.blur_forward(out, x32, blur)
    grad_in = nan_like(shape)
    ts.blur_backward(grad_in, g32, blur)
    sync()
    tag = "blur %s %s" % (blur.name, "x".join(map(str, shape)))
    rep.compare(tag + " fwd", out, ref.detach())
    rep.compare(tag + " bwd", grad_in, ref_grad)


def check_mix(ts, rep, B, N, h, w, C, th, tw, beta, logits_kind, gen, stream=None):
    """logits_kind: a number s for s * randn; "uniform 1e4" for uniform in +-1e4 (beta * gaps of
    thousands: p is one-hot); "offset 1e4" for +-1e4 per cell plus 0.05 * randn (near ties at huge
    magnitude: only max-subtraction keeps exp finite, and p is far from one-hot)."""
    shape = (B, N, h, w)
    if logits_kind == "uniform 1e4":
        logits64 = (torch.rand(shape, generator=gen, device=DEVICE, dtype=torch.float64) * 2 - 1) * 1e4
    elif logits_kind == "offset 1e4":
        sign = torch.randint(0, 2, (B, 1, h, w), generator=gen, device=DEVICE).double() * 2 - 1
        logits64 = sign * 1e4 + 0.05 * torch.randn(shape, generator=gen, device=DEVICE, dtype=torch.float64)
    else:
        logits64 = torch.randn(shape, generator=gen, device=DEVICE, dtype=torch.float64) * logits_kind
    logits32 = logits64.float()
    templates32 = (torch.rand((N, C, th, tw), generator=gen, device=DEVICE, dtype=torch.float64) * 255).float()
    g32 = torch.randn((B, C, h * th, w * tw), generator=gen, device=DEVICE, dtype=torch.float64).float()

    logits = logits32.double().requires_grad_(True)
    templates = templates32.double()
    beta64 = float(torch.tensor(beta, dtype=torch.float32))  # the kernel receives beta as float32
    ref = mix_ref(logits, templates, beta64)
    (ref_grad,) = torch.autograd.grad(ref, logits, g32.double())
    with torch.no_grad():
        p_ref = torch.softmax(beta64 * logits, dim=1)
        g = F.conv2d(g32.double(), templates, stride=(th, tw))  # g_k = <grad_out cell, T_k>
        pg = (p_ref * g).sum(dim=1, keepdim=True)
        bwd_scale = float((beta64 * p_ref * (g.abs() + pg.abs())).max())

    with torch.cuda.stream(stream) if stream is not None else contextlib.nullcontext():
        out = nan_like((B, C, h * th, w * tw))
        p = nan_like((B, N, h, w))
        ts.mix_forward(out, p, logits32, templates32, beta)
        out_nop = nan_like((B, C, h * th, w * tw))
        ts.mix_forward(out_nop, None, logits32, templates32, beta)
        grad = nan_like((B, N, h, w))
        ts.mix_backward(grad, g32, logits32, None, templates32, beta)
        grad_p = nan_like((B, N, h, w))
        ts.mix_backward(grad_p, g32, None, p, templates32, beta)
    sync()
    tag = "mix B=%d N=%d %dx%d cells, C=%d %dx%d, beta=%g, logits %s%s" % (
        B, N, h, w, C, th, tw, beta, logits_kind if isinstance(logits_kind, str) else "%g*randn" % logits_kind,
        ", side stream" if stream is not None else "")
    rep.compare(tag + " fwd", out, ref.detach())
    rep.compare(tag + " fwd p", p, p_ref, scale=1.0)
    rep.compare(tag + " fwd (p=NULL)", out_nop, ref.detach())
    rep.compare(tag + " bwd", grad, ref_grad, scale=bwd_scale)
    rep.compare(tag + " bwd (saved p)", grad_p, ref_grad, scale=bwd_scale)


def run_checks(ts, tol):
    rep = Report(tol)
    gen = torch.Generator(device=DEVICE)
    gen.manual_seed(int(time.time()))  # fresh inputs every run; the seed is printed for a rerun
    print("seed %d" % gen.initial_seed())
    blur_shapes = {
        VIEWING: [(1, 1, 1, 1), (1, 3, 3, 2), (2, 3, 37, 53), (1, 3, 5, 300), (3, 3, 64, 33), (6, 3, 512, 512)],
        PYRAMID1: [(1, 1, 2, 2), (1, 3, 3, 5), (2, 3, 37, 53), (3, 3, 64, 33), (6, 3, 512, 512)],
        PYRAMID2: [(1, 1, 4, 4), (1, 3, 7, 5), (2, 3, 37, 53), (3, 3, 64, 33), (6, 3, 512, 512)],
    }
    for blur, shapes in blur_shapes.items():
        for shape in shapes:
            check_blur(ts, rep, blur, shape, gen)
    # B, N, h, w, C, th, tw, beta, logits
    mix_cases = [
        (1, 2, 1, 1, 3, 8, 8, 1.0, 1.0),        # one cell, two templates
        (2, 62, 7, 5, 3, 8, 8, 5.0, 1.0),       # odd grid, B > 1
        (3, 1000, 9, 11, 3, 8, 8, 15.0, 1.0),   # many templates
        (2, 37, 13, 3, 1, 4, 6, 2.0, 3.0),      # grey, non-square templates that do not divide 64
        (1, 5, 3, 4, 3, 16, 16, 1.0, 1.0),      # templates larger than one 64-column tile
        (2, 100, 6, 6, 3, 8, 8, 100.0, "uniform 1e4"),   # extreme beta and logits
        (2, 1000, 5, 7, 3, 8, 8, 100.0, "uniform 1e4"),
        (2, 62, 6, 6, 3, 8, 8, 100.0, "offset 1e4"),
        (2, 1000, 5, 7, 3, 8, 8, 100.0, "offset 1e4"),
        (6, 62, 64, 64, 3, 8, 8, 5.0, 1.0),     # training size
    ]
    for case in mix_cases:
        check_mix(ts, rep, *case, gen)
    if DEVICE == "cuda":
        check_mix(ts, rep, 2, 62, 7, 5, 3, 8, 8, 5.0, 1.0, gen, stream=torch.cuda.Stream())
    rep.print()
    return rep.failures


# ---- timing -------------------------------------------------------------------------------------

class Clock:
    """CUDA events on the current stream; a wall clock for --device cpu (the kernels are synchronous there)."""

    def __init__(self):
        if DEVICE == "cuda":
            self.start, self.end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)

    def __enter__(self):
        if DEVICE == "cuda":
            self.start.record()
        else:
            self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if DEVICE == "cuda":
            self.end.record()
            torch.cuda.synchronize()
            self.ms = self.start.elapsed_time(self.end)
        else:
            self.ms = (time.perf_counter() - self.t0) * 1e3


def time_ms(fn, min_batch_ms=20.0, batches=7):
    """Median time of one call, from clocks around batches of calls."""
    for _ in range(3):
        fn()
    sync()
    with Clock() as once:
        fn()
    reps = max(1, min(1000, int(min_batch_ms / max(once.ms, 1e-3))))
    samples = []
    for _ in range(batches):
        with Clock() as batch:
            for _ in range(reps):
                fn()
        samples.append(batch.ms / reps)
    return statistics.median(samples)


def copy_bandwidth_gbs():
    n = 1 << 28  # 1 GiB of float32
    src = torch.empty(n, dtype=torch.float32, device=DEVICE).uniform_()
    dst = torch.empty_like(src)
    ms = time_ms(lambda: dst.copy_(src), min_batch_ms=50.0)
    del src, dst
    if DEVICE == "cuda":
        torch.cuda.empty_cache()
    return 2 * n * 4 / (ms * 1e-3) / 1e9


def compiled(fn, enabled):
    if not enabled:
        return None
    try:
        return torch.compile(fn, dynamic=False)
    except Exception as e:  # noqa: BLE001 - reported, and the column says n/a
        print("torch.compile unavailable: %s" % e)
        return None


def try_time(fn):
    try:
        return time_ms(fn)
    except Exception as e:  # noqa: BLE001 - e.g. no triton, no C compiler: report, keep going
        print("  (timing failed: %s: %s)" % (type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
        return None


def blur_bytes(shape, blur):
    B, C, H, W = shape
    return B * C * (H * W + blur.out_size(H) * blur.out_size(W)) * 4


def mix_bytes(B, N, h, w, C, th, tw, direction):
    cells, ct = B * h * w, C * th * tw
    logits, templates, mosaic = cells * N * 4, N * ct * 4, cells * ct * 4
    fwd = logits + templates + mosaic
    bwd = mosaic + 2 * logits + templates
    return {"fwd": fwd, "bwd": bwd, "fwd+bwd": fwd + bwd}[direction]


def run_timing(ts, use_compile):
    bw = copy_bandwidth_gbs()
    print("%s copy bandwidth: %.0f GB/s (read + write bytes of a 1 GiB copy)"
          % ("device-to-device" if DEVICE == "cuda" else "host", bw))
    rows = []

    def add(op, size, direction, native, eager, comp, nbytes):
        rows.append((op, size, direction, native, eager, comp, nbytes))

    shape = (6, 3, 512, 512)
    x = torch.randn(shape, device=DEVICE)
    for blur in (VIEWING, PYRAMID1, PYRAMID2):
        Ho, Wo = blur.out_size(512), blur.out_size(512)
        g = torch.randn((6, 3, Ho, Wo), device=DEVICE)
        out = torch.empty((6, 3, Ho, Wo), device=DEVICE)
        grad_in = torch.empty(shape, device=DEVICE)
        fc = compiled(lambda t, b=blur: blur_ref(t, b), use_compile)
        xr = x.clone().requires_grad_(True)
        graph_out = blur_ref(xr, blur)
        nb = blur_bytes(shape, blur)
        size = "B=6, 3x512x512"

        def native_fb(b=blur, g=g, out=out, grad_in=grad_in):
            ts.blur_forward(out, x, b)
            ts.blur_backward(grad_in, g, b)

        def eager_fb(fn, g=g):
            xx = x.detach().requires_grad_(True)
            fn(xx).backward(g)
            return xx.grad

        with torch.no_grad():
            add("blur " + blur.name, size, "fwd", time_ms(lambda b=blur, out=out: ts.blur_forward(out, x, b)),
                time_ms(lambda b=blur: blur_ref(x, b)), try_time(lambda: fc(x)) if fc else None, nb)
        add("blur " + blur.name, size, "bwd",
            time_ms(lambda b=blur, g=g, grad_in=grad_in: ts.blur_backward(grad_in, g, b)),
            time_ms(lambda g=g, o=graph_out, xr=xr: torch.autograd.grad(o, xr, g, retain_graph=True)),
            None, nb)
        add("blur " + blur.name, size, "fwd+bwd", time_ms(native_fb),
            time_ms(lambda b=blur: eager_fb(lambda t: blur_ref(t, b))),
            try_time(lambda: eager_fb(fc)) if fc else None, 2 * nb)
        del g, out, grad_in, xr, graph_out

    B, h, w, C, th, tw, beta = 6, 64, 64, 3, 8, 8, 5.0
    for N in (62, 1000):
        logits = torch.randn((B, N, h, w), device=DEVICE)
        templates = torch.rand((N, C, th, tw), device=DEVICE) * 255
        g = torch.randn((B, C, h * th, w * tw), device=DEVICE)
        out = torch.empty((B, C, h * th, w * tw), device=DEVICE)
        grad = torch.empty((B, N, h, w), device=DEVICE)
        fc = compiled(lambda l, T=templates: mix_ref(l, T, beta), use_compile)
        lr = logits.clone().requires_grad_(True)
        graph_out = mix_ref(lr, templates, beta)
        size = "B=6, 64x64 cells, N=%d" % N

        def native_fb(g=g, out=out, grad=grad, logits=logits, templates=templates):
            ts.mix_forward(out, None, logits, templates, beta)
            ts.mix_backward(grad, g, logits, None, templates, beta)

        def eager_fb(fn, g=g, logits=logits):
            ll = logits.detach().requires_grad_(True)
            fn(ll).backward(g)
            return ll.grad

        with torch.no_grad():
            add("mix", size, "fwd",
                time_ms(lambda out=out, logits=logits, templates=templates: ts.mix_forward(out, None, logits, templates, beta)),
                time_ms(lambda logits=logits, templates=templates: mix_ref(logits, templates, beta)),
                try_time(lambda logits=logits: fc(logits)) if fc else None, mix_bytes(B, N, h, w, C, th, tw, "fwd"))
        add("mix", size, "bwd",
            time_ms(lambda g=g, grad=grad, logits=logits, templates=templates:
                    ts.mix_backward(grad, g, logits, None, templates, beta)),
            time_ms(lambda g=g, o=graph_out, lr=lr: torch.autograd.grad(o, lr, g, retain_graph=True)),
            None, mix_bytes(B, N, h, w, C, th, tw, "bwd"))
        add("mix", size, "fwd+bwd", time_ms(native_fb),
            time_ms(lambda templates=templates: eager_fb(lambda l: mix_ref(l, templates, beta))),
            try_time(lambda: eager_fb(fc)) if fc else None, mix_bytes(B, N, h, w, C, th, tw, "fwd+bwd"))
        del logits, templates, g, out, grad, lr, graph_out

    print()
    print("| op | size | direction | native µs | eager µs | compile µs | eager/native | compile/native "
          "| native GB/s | % of copy BW |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for op, size, direction, native, eager, comp, nbytes in rows:
        gbs = nbytes / (native * 1e-3) / 1e9
        print("| %s | %s | %s | %.1f | %.1f | %s | %.2f× | %s | %.0f | %.0f%% |" % (
            op, size, direction, native * 1e3, eager * 1e3, "%.1f" % (comp * 1e3) if comp else "n/a",
            eager / native, "%.2f×" % (comp / native) if comp else "n/a", gbs, 100 * gbs / bw))
    print()
    print("bwd alone: eager is torch.autograd.grad on a graph built once (retain_graph); torch.compile "
          "is timed for fwd and fwd+bwd only (its backward runs inside fwd+bwd).")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", required=True, help="path to libtessera.so built with TESSERA_CUDA=ON")
    ap.add_argument("--tol", type=float, default=1e-5, help="max relative error (of each check's scale)")
    ap.add_argument("--check-only", action="store_true", help="skip the timings")
    ap.add_argument("--no-compile", action="store_true", help="skip torch.compile in the timings")
    ap.add_argument("--allow-tf32", action="store_true", help="let PyTorch's convolutions use TF32 (default: strict fp32)")
    ap.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                    help="cpu: the same checks and timings on the CPU kernels (a dry run without a GPU)")
    args = ap.parse_args()

    global DEVICE
    DEVICE = args.device
    ts = Tessera(args.lib)
    if DEVICE == "cuda":
        if not torch.cuda.is_available():
            print("no CUDA device visible to PyTorch; this script needs a GPU (or --device cpu)", file=sys.stderr)
            return 2
        if not ts.lib.tsr_cuda_compiled():
            print("%s was built without CUDA (TESSERA_CUDA=ON and nvcc are needed)" % args.lib, file=sys.stderr)
            return 2
        if ts.lib.tsr_cuda_device_count() < 1:
            print("libtessera sees no CUDA device (driver too old for its CUDA runtime?)", file=sys.stderr)
            return 2
        torch.backends.cudnn.allow_tf32 = args.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = args.allow_tf32
        props = torch.cuda.get_device_properties(0)
        where = "%s (sm_%d%d, %d SMs), CUDA %s" % (props.name, props.major, props.minor,
                                                  props.multi_processor_count, torch.version.cuda)
    else:
        where = "CPU (%d torch threads)" % torch.get_num_threads()
    print("# Tessera %s ops on %s, torch %s, libtessera %d" % (DEVICE.upper(), where, torch.__version__,
                                                            ts.lib.tsr_version()))
    print()

    failures = run_checks(ts, args.tol)
    if not args.check_only:
        print()
        run_timing(ts, not args.no_compile)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
