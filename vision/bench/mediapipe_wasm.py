#!/usr/bin/env python3
"""Times MediaPipe's own Pose solution (npm @mediapipe/pose, WebAssembly with SIMD, CPU) in headless
Chromium and ptcoach-pose on the same images, one after the other in one run, and prints both
per image. A benchmark, not a test: it is not part of CTest.

Needs Debian's chromium (apt-get install chromium) and npm (the package is fetched once with
`npm pack` into build/mediapipe-pose/). Usage, from the repository root:

    python3 vision/bench/mediapipe_wasm.py --model full [--images ../shared/data/pose-frames]
        [--runs 10] [--pose build/bin/ptcoach-pose]

MediaPipe's time per image is `await pose.send({image})` in static-image mode (detector and
landmark model every image, no segmentation), which includes handing the image to WebAssembly;
ptcoach-pose's is the median "pipeline" of --bench on the same image file (decoding not timed).
"""
import argparse
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse

POSE_VERSION = "0.5.1675469404"
HERE = os.path.dirname(os.path.abspath(__file__))


def fetch_mediapipe(cache):
    pkg = os.path.join(cache, "package")
    if os.path.exists(os.path.join(pkg, "pose.js")):
        return pkg
    os.makedirs(cache, exist_ok=True)
    out = subprocess.run(["npm", "pack", f"@mediapipe/pose@{POSE_VERSION}", "--silent"], cwd=cache,
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    subprocess.run(["tar", "xzf", out], cwd=cache, check=True)
    return pkg


def serve(root_mp, root_img, page, result):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def end_headers(self):
            # Cross-origin isolation, as MediaPipe's own demos are served.
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            super().end_headers()

        def translate_path(self, path):
            p = urllib.parse.unquote(urllib.parse.urlparse(path).path)
            if p.startswith("/mp/"):
                return os.path.join(root_mp, os.path.basename(p))
            if p.startswith("/img/"):
                return os.path.join(root_img, os.path.basename(p))
            return page

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            result["data"] = json.loads(body)
            self.send_response(204)
            self.end_headers()
            result["event"].set()

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run_mediapipe(pkg, images_dir, files, runs, complexity, chromium):
    result = {"event": threading.Event()}
    httpd = serve(pkg, images_dir, os.path.join(HERE, "mediapipe_wasm.html"), result)
    url = (f"http://127.0.0.1:{httpd.server_address[1]}/bench.html?"
           + urllib.parse.urlencode({"images": ",".join(files), "runs": runs, "complexity": complexity}))
    profile = tempfile.mkdtemp(prefix="mp-chromium-")
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-angle=swiftshader", "--enable-unsafe-swiftshader", f"--user-data-dir={profile}", url]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not result["event"].wait(600):
            sys.exit("mediapipe_wasm: no result from Chromium within 600 s")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        httpd.shutdown()
        shutil.rmtree(profile, ignore_errors=True)
    data = result["data"]
    if not data.get("ok"):
        sys.exit("mediapipe_wasm: MediaPipe failed in Chromium: " + data.get("error", "?"))
    return {im["file"]: im for im in data["images"]}


def run_ours(pose, model, path, runs):
    out = subprocess.run([pose, "--model", model, "--input", path, "--bench", str(runs)], check=True,
                         capture_output=True, text=True).stdout
    medians = re.findall(r"pipeline\s+median ([0-9.]+) ms", out)
    return float(medians[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=["lite", "full", "heavy"], default="full")
    ap.add_argument("--images", default="../shared/data/pose-frames")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--pose", default="build/bin/ptcoach-pose")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--cache", default="build/mediapipe-pose")
    a = ap.parse_args()
    for tool in (a.chromium, a.pose):
        if not os.path.exists(tool):
            sys.exit(f"mediapipe_wasm: {tool} not found")
    files = sorted(f for f in os.listdir(a.images) if f.lower().endswith((".png", ".jpg")))
    if not files:
        sys.exit(f"mediapipe_wasm: no images in {a.images}")
    pkg = fetch_mediapipe(a.cache)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    mp = run_mediapipe(pkg, os.path.abspath(a.images), files, a.runs, {"lite": 0, "full": 1, "heavy": 2}[a.model],
                       a.chromium)
    print(f"model {a.model}, {a.runs} runs per image, load average {load} before")
    print(f"{'image':28} {'size':>10} {'MediaPipe':>10} {'ptcoach':>9} {'ratio':>6}")
    ratios = []
    for f in files:
        ours = run_ours(a.pose, a.model, os.path.join(a.images, f), a.runs * 3)
        m = mp[f]
        ratios.append(m["median_ms"] / ours)
        print(f"{f:28} {m['width']:>5}x{m['height']:<4} {m['median_ms']:>8.1f}ms {ours:>7.1f}ms {ratios[-1]:>5.1f}x")
    ratios.sort()
    print(f"median ratio {ratios[len(ratios) // 2]:.1f}x, smallest {ratios[0]:.1f}x")


if __name__ == "__main__":
    main()
