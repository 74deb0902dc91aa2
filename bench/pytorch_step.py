#!/usr/bin/env python3
"""PyTorch reference for bench/training-step.ts.

Times one GAN training step (one D step + one G step, Adam) for the same two
architectures that the TypeScript bench builds with tfjs, and prints one JSON
object on stdout. The TypeScript bench runs this as a child process so that both
engines are measured in the same run on the same machine.

Usage: python3 bench/pytorch_step.py [--steps N] [--warmup N] [--threads N]
                                      [--batch N] [--arch small-dcgan,tf-dcgan]
"""
import argparse
import glob
import json
import os
import resource
import statistics
import sys
import time


def blas_info(torch):
    """Which BLAS PyTorch will use. Debian's torch links the generic libblas.so.3,
    which Debian's alternatives point at OpenBLAS once libopenblas0-pthread is
    installed; without it the reference BLAS makes PyTorch ~7x slower."""
    info = {"config": "", "libblas": None, "openblas": False}
    try:
        info["config"] = torch.__config__.show()
    except Exception:  # pragma: no cover - older torch
        pass
    for link in glob.glob("/etc/alternatives/libblas.so.3*"):
        try:
            info["libblas"] = os.path.realpath(link)
        except OSError:
            pass
    # What is actually mapped into this process is the ground truth.
    try:
        with open("/proc/self/maps") as maps:
            mapped = maps.read()
        info["openblas"] = "openblas" in mapped.lower()
    except OSError:
        info["openblas"] = bool(info["libblas"] and "openblas" in info["libblas"])
    return info


def build(arch, nn):
    if arch == "small-dcgan":
        class G(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(100, 7 * 7 * 128)
                self.bn0 = nn.BatchNorm1d(7 * 7 * 128)
                self.net = nn.Sequential(
                    nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
                    nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())
                self.act = nn.LeakyReLU(0.2)

            def forward(self, z):
                h = self.act(self.bn0(self.fc(z))).view(-1, 128, 7, 7)
                return self.net(h)

        d = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
        return G(), d
    if arch == "tf-dcgan":
        # TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan).
        # Keras' LeakyReLU default slope is 0.3.
        class G(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(100, 7 * 7 * 256, bias=False)
                self.bn0 = nn.BatchNorm1d(7 * 7 * 256)
                self.act = nn.LeakyReLU(0.3)
                self.net = nn.Sequential(
                    nn.ConvTranspose2d(256, 128, 5, 1, 2, bias=False), nn.BatchNorm2d(128),
                    nn.LeakyReLU(0.3),
                    nn.ConvTranspose2d(128, 64, 5, 2, 2, output_padding=1, bias=False),
                    nn.BatchNorm2d(64), nn.LeakyReLU(0.3),
                    nn.ConvTranspose2d(64, 1, 5, 2, 2, output_padding=1, bias=False), nn.Tanh())

            def forward(self, z):
                h = self.act(self.bn0(self.fc(z))).view(-1, 256, 7, 7)
                return self.net(h)

        d = nn.Sequential(
            nn.Conv2d(1, 64, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
            nn.Conv2d(64, 128, 5, 2, 2), nn.LeakyReLU(0.3), nn.Dropout(0.3),
            nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
        return G(), d
    raise ValueError("unknown arch " + arch)


def time_arch(torch, arch, batch, warmup, steps):
    nn = torch.nn
    g, d = build(arch, nn)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    real = torch.rand(batch, 1, 28, 28) * 2 - 1
    ones = torch.ones(batch, 1)
    zeros = torch.zeros(batch, 1)

    def step():
        # D step: G's output is a constant here.
        with torch.no_grad():
            fake = g(torch.randn(batch, 100))
        loss_d = bce(d(real), ones) + bce(d(fake), zeros)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        # G step.
        loss_g = bce(d(g(torch.randn(batch, 100))), ones)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        return float(loss_d) + float(loss_g)

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000.0)
    return {"arch": arch, "msPerStep": statistics.median(times), "times": times}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--arch", default="small-dcgan,tf-dcgan")
    args = ap.parse_args()
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": "import torch failed: %s" % e}))
        return 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = [time_arch(torch, a, args.batch, args.warmup, args.steps)
               for a in args.arch.split(",")]
    blas = blas_info(torch)
    print(json.dumps({
        "torch": torch.__version__,
        "python": sys.executable,
        "threads": torch.get_num_threads(),
        "openblas": blas["openblas"],
        "libblas": blas["libblas"],
        "cpuCapability": next((l.strip() for l in blas["config"].splitlines()
                               if "CPU capability" in l), None),
        "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "results": results,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
