"""Load test of the web application (a benchmark, not a pytest test): 13 cities uploading at once while
the office builds a bulletin and reloads the month's dashboard. See bench/WEB-LOAD.md.

What it does, on a temporary copy of data/jiangsu-2021 (submissions up to 2021-04 kept, none for the
month under test):
1. creates 13 city accounts and 1 office account (reportgen.web.accounts, as `reportgen users add`);
2. starts `reportgen serve` (uvicorn) on 127.0.0.1 and a free port, in its own process;
3. logs everyone in, then at once: every city sends two different forms for the month concurrently
   (two sessions of the same account: the revision numbers race), then a third — for 7 cities the file
   of its current revision again (an identical resubmission: no new revision), for the other 6 a new
   variant; meanwhile the office triggers the month's bulletin build (POST, the real build) and loads
   the dashboard, the month list and the city pages repeatedly;
4. checks: every upload answered "saved" is in the archive exactly once (same bytes), identical
   resubmissions stored nothing, each city's revision numbers are 1..n without gaps or repeats, and
   the dashboard shows each city's revision count and current revision as in the archive;
5. prints p50 / p95 / max response time per kind of request, the run time and the checks.

Exit code 0 when the run completed (whatever the times), 1 when a check failed or a request errored.

    .venv/bin/python bench/web_load.py [--month 2021-05] [--keep] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "data" / "jiangsu-2021"
PASSWORD = "load-test-pass-123"
RUN_LIMIT = 240            # seconds: the whole load phase is abandoned after this
REQUEST_TIMEOUT = 180


class Timings:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def call(self, kind: str, client: httpx.Client, method: str, url: str, ok=(200, 303), **kwargs) -> httpx.Response:
        start = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors.append(f"{kind} {url}: {type(exc).__name__} {exc}")
            raise
        elapsed = time.perf_counter() - start
        with self.lock:
            self.times[kind].append(elapsed)
            if response.status_code not in ok:
                self.errors.append(f"{kind} {url}: HTTP {response.status_code} {response.text[:200]!r}")
        return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_project(folder: Path, month: str) -> Path:
    """A project over a copy of the data set whose submissions stop before `month`."""
    def ignore(directory, names):
        if Path(directory).name != "submissions":
            return []
        return [n for n in names if re.fullmatch(r"\d{4}-\d{2}", n) and n >= month]

    shutil.copytree(DATA, folder / "data" / "jiangsu-2021", ignore=ignore)
    (folder / "reportgen.yaml").write_text(
        "datasets:\n  jiangsu-2021: data/jiangsu-2021\ndefault: jiangsu-2021\noutput: output\n"
        f"profile: gbt9704\nfonts: [{ROOT / 'fonts'}]\n", encoding="utf-8")
    return folder


def make_accounts(project: Path, cities) -> dict[str, str]:
    """city name → account name; plus the office account "office"."""
    from reportgen.web.accounts import add_account
    from reportgen.web.db import default_url, open_database

    sessions = open_database(default_url(project))
    from reportgen.load.plan import load_plan

    units = load_plan(project / "data" / "jiangsu-2021")[0].units
    names = {}
    for i, city in enumerate(cities):
        names[city] = f"city{i + 1:02d}"
        add_account(sessions, names[city], "city", city, PASSWORD, units)
    add_account(sessions, "office", "office", None, PASSWORD, units)
    sessions.kw["bind"].dispose()
    return names


def variant(source: bytes, step: int) -> bytes:
    """The sample form with the city's PM2.5 raised by step × 0.1 (a real, valid form each time)."""
    wb = load_workbook(io.BytesIO(source))
    ws = wb["报送数据"]
    header = {str(c.value): c.column for c in ws[3] if c.value}
    col = next(n for h, n in header.items() if h.startswith("PM2.5浓度"))
    ws.cell(4, col).value = round(float(ws.cell(4, col).value) + step / 10, 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def logged_in(base: str, name: str, timings: Timings) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT, follow_redirects=False)
    page = timings.call("GET /login", client, "GET", "/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = timings.call("POST /login", client, "POST", "/login", data={"name": name, "password": PASSWORD, "csrf": csrf})
    if response.status_code != 303:
        raise SystemExit(f"login of {name} failed: {response.status_code}")
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description="网页版负载测试：13个设区市同时上传报送表，省大气办同时生成通报、刷新报送情况页。")
    parser.add_argument("--month", default="2021-05", help="上传和生成通报的月份（默认 2021-05）")
    parser.add_argument("--keep", action="store_true", help="保留临时项目目录")
    parser.add_argument("--json", type=Path, help="把结果另存为 JSON 文件")
    args = parser.parse_args()
    month = args.month

    from reportgen.load.plan import load_plan

    plan = load_plan(DATA)[0]
    cities = [c.name for c in plan.units.cities]
    samples = {}
    for city in cities:
        found = sorted((DATA / "submissions" / month / city).glob("r01_*.xlsx"))
        if not found:
            raise SystemExit(f"no sample submission of {city} for {month} in {DATA}/submissions")
        samples[city] = found[0].read_bytes()

    tmp = Path(tempfile.mkdtemp(prefix="reportgen-web-load-"))
    project = make_project(tmp / "project", month)
    names = make_accounts(project, cities)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "server.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "reportgen", "--project", str(project), "serve", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    timings = Timings()
    problems: list[str] = []
    result: dict = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("server did not start: " + (tmp / "server.log").read_text(errors="replace")) from exc
                time.sleep(0.2)

        # -- the forms: 3 per city; 7 cities resend their current file as the third ------------------
        first = {c: variant(samples[c], 1) for c in cities}
        second = {c: variant(samples[c], 2) for c in cities}
        third = {c: variant(samples[c], 3) for c in cities}
        resend = set(cities[::2])                         # 7 of 13

        with ThreadPoolExecutor(max_workers=32) as pool:
            city_clients = {c: list(pool.map(lambda _, name=names[c]: logged_in(base, name, timings), range(2)))
                            for c in cities}
            office = logged_in(base, "office", timings)
            office_build = logged_in(base, "office", timings)

        answers: dict[str, list[tuple[bytes, str]]] = defaultdict(list)   # city → (bytes sent, answer)
        answers_lock = threading.Lock()
        uploads_done = threading.Event()
        some_stored = threading.Event()       # half as many uploads stored as there are cities: build now
        stop_at = time.monotonic() + RUN_LIMIT

        def upload(city: str, client: httpx.Client, data: bytes):
            page = timings.call("GET 本市某月页", client, "GET", f"/city/{city}/{month}")
            response = timings.call("POST 上传", client, "POST", f"/city/{city}/{month}/upload",
                                    data={"csrf": csrf_of(page.text), "city": city},
                                    files={"file": (f"{city}{month}.xlsx", data)})
            text = response.text
            saved = re.search(r"已保存为第(\d+)版", text)
            same = re.search(r"与现行的第(\d+)版是同一个文件", text)
            answer = f"saved {saved.group(1)}" if saved else f"unchanged {same.group(1)}" if same else "other"
            if answer == "other":
                problems.append(f"{city}: upload answered neither saved nor unchanged (HTTP {response.status_code})")
            with answers_lock:
                answers[city].append((data, answer))
                if sum(1 for v in answers.values() for _, a in v if a.startswith("saved")) >= len(cities) // 2:
                    some_stored.set()
            return answer

        def city_work(city: str):
            a, b = city_clients[city]
            timings.call("GET 本市各月", a, "GET", "/city")
            with ThreadPoolExecutor(max_workers=2) as two:        # two people of the city at the same moment
                results = list(two.map(lambda job: upload(city, *job), [(a, first[city]), (b, second[city])]))
            revisions = {int(r.split()[1]): data for r, data in zip(results, (first[city], second[city]))
                         if r.startswith("saved")}
            current = revisions[max(revisions)] if revisions else second[city]
            upload(city, a, current if city in resend else third[city])
            timings.call("GET 本市各月", b, "GET", "/city")

        def office_build_work():
            """The office builds the bulletin while the uploads are still arriving."""
            some_stored.wait(timeout=max(1, stop_at - time.monotonic()))
            page = timings.call("GET 月报送情况", office_build, "GET", f"/office/month/{month}")
            response = timings.call("POST 生成通报", office_build, "POST", f"/office/month/{month}/bulletin",
                                    data={"csrf": csrf_of(page.text)})
            if response.status_code != 303:
                said = re.search(r"(未生成[^<]*|失败[^<]*|另一项任务[^<]*)", response.text)
                problems.append(f"bulletin build: HTTP {response.status_code} {said.group(1) if said else ''}")
                return
            # the build runs as a background job: its page is polled as the office's browser does
            job_page = response.headers["location"]
            began = time.monotonic()
            while time.monotonic() < stop_at:
                page = timings.call("GET 任务页", office_build, "GET", job_page)
                if "进行中" not in page.text:
                    break
                time.sleep(2)
            timings.times["通报生成（后台任务，开始到完成）"].append(time.monotonic() - began)
            if "已完成" not in page.text:
                said = re.search(r"未完成</strong>：([^<]*)", page.text)
                problems.append(f"bulletin job: {said.group(1) if said else 'did not finish in time'}")
            else:
                timings.call("GET 通报预览", office_build, "GET", f"/office/month/{month}/bulletin")

        def office_watch():
            while (not uploads_done.is_set() or len(timings.times["GET 月报送情况"]) < 20) and time.monotonic() < stop_at:
                timings.call("GET 月报送情况", office, "GET", f"/office/month/{month}")
                timings.call("GET 各月概况", office, "GET", "/office")
                time.sleep(0.2)

        # the same pages one at a time before the load, for comparison
        idle_client = city_clients[cities[0]][0]
        for _ in range(3):
            timings.call("空载 GET 本市各月", idle_client, "GET", "/city")
            timings.call("空载 GET 本市某月页", idle_client, "GET", f"/city/{cities[0]}/{month}")
            timings.call("空载 GET 月报送情况", office, "GET", f"/office/month/{month}")
            timings.call("空载 GET 各月概况", office, "GET", "/office")
        load_before = os.getloadavg()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=len(cities) + 2) as pool:
            watcher = pool.submit(office_watch)
            builder = pool.submit(office_build_work)
            jobs = [pool.submit(city_work, c) for c in cities]
            for job in jobs:
                job.result(timeout=max(1, stop_at - time.monotonic()))
            uploads_took = time.monotonic() - started
            uploads_done.set()
            builder.result(timeout=max(1, stop_at - time.monotonic()))
            watcher.result(timeout=max(1, stop_at - time.monotonic()))
        took = time.monotonic() - started

        # -- checks ----------------------------------------------------------------------------------
        folder = project / "data" / "jiangsu-2021" / "submissions" / month
        dashboard = office.get(f"/office/month/{month}").text
        stored_total = 0
        for city in cities:
            files = sorted(p for p in (folder / city).glob("r*_*") if p.is_file())
            stored_total += len(files)
            numbers = [int(re.match(r"r(\d+)_", p.name).group(1)) for p in files]
            if sorted(numbers) != list(range(1, len(numbers) + 1)):
                problems.append(f"{city}: revision numbers {sorted(numbers)} are not 1..n without repeats")
            digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in files]
            saved = [hashlib.sha256(d).hexdigest() for d, a in answers[city] if a.startswith("saved")]
            if sorted(digests) != sorted(saved):
                problems.append(f"{city}: the archive holds {len(digests)} files, {len(saved)} uploads were answered saved"
                                " (or their bytes differ)")
            if len(set(digests)) != len(digests):
                problems.append(f"{city}: the same file stored twice")
            told = sorted(int(a.split()[1]) for _, a in answers[city] if a.startswith("saved"))
            if told != sorted(numbers):
                problems.append(f"{city}: revisions answered {told}, archive {sorted(numbers)}")
            expected = 2 if city in resend else 3
            if len(files) != expected:
                problems.append(f"{city}: {len(files)} revisions stored, {expected} expected")
            row = re.search(rf"<tr>\s*<td>{city}</td>(.*?)</tr>", dashboard, re.S)
            cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S) if row else []
            if len(cells) < 3 or cells[1].strip() != str(len(files)) or cells[2].strip() != f"第{max(numbers, default=0)}版":
                problems.append(f"{city}: dashboard row {cells[:3]} does not show {len(files)} revisions, current "
                                f"第{max(numbers, default=0)}版")
        bulletin = list((project / "output").rglob(f"{month} *.pdf"))
        if not bulletin:
            problems.append("no bulletin PDF was built")
        problems.extend(timings.errors)

        result = {
            "month": month, "cities": len(cities), "uploads": sum(len(v) for v in answers.values()),
            "stored": stored_total, "identical_resubmissions": len(resend),
            "uploads_seconds": round(uploads_took, 1), "run_seconds": round(took, 1),
            "bulletin_built": [p.name for p in bulletin],
            "routes": {kind: {"n": len(v), "p50": round(statistics.median(v), 3), "p95": round(percentile(v, 95), 3),
                              "max": round(max(v), 3)} for kind, v in sorted(timings.times.items())},
            "problems": problems, "cpus": os.cpu_count(),
            "loadavg_before": load_before, "loadavg_after": os.getloadavg(),
            "commit": subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                                     text=True).stdout.strip(),
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"临时目录：{tmp}")

    print(f"网页版负载测试  月份 {month}  设区市 {result['cities']} 个  提交 {result['commit']}  CPU {result['cpus']} 核")
    print(f"上传 {result['uploads']} 次（其中相同文件重传 {result['identical_resubmissions']} 次），存档 {result['stored']} 份；"
          f"上传阶段 {result['uploads_seconds']} 秒，全程 {result['run_seconds']} 秒")
    print(f"系统负载（1/5/15分钟平均）：开始前 {'/'.join(f'{x:.2f}' for x in result['loadavg_before'])}，"
          f"结束后 {'/'.join(f'{x:.2f}' for x in result['loadavg_after'])}")
    print(f"通报：{'、'.join(result['bulletin_built']) or '未生成'}")
    print(f"{'请求':<18}{'次数':>6}{'p50 秒':>10}{'p95 秒':>10}{'最长 秒':>10}")
    for kind, r in sorted(result["routes"].items(), key=lambda kv: kv[0].startswith("空载")):
        print(f"{kind:<18}{r['n']:>6}{r['p50']:>10.3f}{r['p95']:>10.3f}{r['max']:>10.3f}")
    if problems:
        print("检查未通过：")
        for p in problems:
            print("  " + p)
    else:
        print("检查通过：每次上传恰好存档一次，版本号不重复，报送情况页的版本数和现行版本与存档一致。")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
