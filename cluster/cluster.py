#!/usr/bin/env python3
"""A local 3-node OpenSearch 2.19 cluster on 127.0.0.1, built from Maven Central jars (see README.md).

    python3 cluster/cluster.py start [NODE ...]    build once, start the nodes that are down, wait for green
    python3 cluster/cluster.py stop [NODE ...] [--wipe]
    python3 cluster/cluster.py status

NODE is node-0, node-1 or node-2 (HTTP 9200+i, transport 9300+i); none means all three. Standard library only.
Environment: CLUSTER_VAR (default <repo>/var/cluster), CLUSTER_HEAP (512m), CLUSTER_TIMEOUT (seconds, 240),
CLUSTER_NAME (news-local), CLUSTER_JAVA_OPTS (extra JVM options, appended), CLUSTER_PAINLESS=0 (leave
Painless out: 20-45 s faster starts, but the product's ranking needs it), JAVA_HOME (default: the Java 17
JDK when present), MVN (mvn).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VAR = Path(os.environ.get("CLUSTER_VAR", REPO / "var" / "cluster")).resolve()
HEAP = os.environ.get("CLUSTER_HEAP", "512m")
TIMEOUT = float(os.environ.get("CLUSTER_TIMEOUT", "240"))
CLUSTER_NAME = os.environ.get("CLUSTER_NAME", "news-local")
NODES = ["node-0", "node-1", "node-2"]
HTTP_BASE, TRANSPORT_BASE = 9200, 9300
MAIN_CLASS = "local.search.cluster.ClusterNode"
CLASSPATH_FILE = HERE / "target" / "classpath.txt"
CLASSES = HERE / "target" / "classes"
BUILT = HERE / "target" / "built.stamp"  # touched after each successful build
JAVA17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")


def log(msg: str) -> None:
    print(f"cluster: {msg}", flush=True)


def java_home() -> Path | None:
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    return JAVA17 if JAVA17.is_dir() else None


def java_bin() -> str:
    home = java_home()
    return str(home / "bin" / "java") if home else "java"


# ---- build ------------------------------------------------------------------------------------------


def build_is_current() -> bool:
    main_class = CLASSES / "local/search/cluster/ClusterNode.class"
    if not (BUILT.exists() and CLASSPATH_FILE.exists() and main_class.exists()):
        return False
    built = BUILT.stat().st_mtime
    sources = [HERE / "pom.xml", *HERE.glob("src/**/*.java")]
    if any(p.stat().st_mtime > built for p in sources):
        return False
    # ~/.m2 may have been emptied since: every jar named must still be there.
    return all(Path(j).exists() for j in CLASSPATH_FILE.read_text().strip().split(os.pathsep) if j)


def build() -> None:
    if build_is_current():
        return
    env = dict(os.environ)
    if java_home():
        env["JAVA_HOME"] = str(java_home())
    cmd = [
        os.environ.get("MVN", "mvn"),
        "-B",
        "-q",
        "-Dstyle.color=never",
        "-f",
        str(HERE / "pom.xml"),
        "compile",
        "dependency:build-classpath",
        f"-Dmdep.outputFile={CLASSPATH_FILE}",
    ]
    log("building the node (Maven resolves OpenSearch jars into ~/.m2 on the first run) ...")
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, env=env)
    BUILT.touch()
    log(f"built in {time.monotonic() - t0:.0f}s")


def classpath() -> str:
    return os.pathsep.join([str(CLASSES), CLASSPATH_FILE.read_text().strip()])


# ---- processes --------------------------------------------------------------------------------------


def pid_file(node: str) -> Path:
    return VAR / f"{node}.pid"


def log_file(node: str) -> Path:
    return VAR / f"{node}.log"


def alive(pid: int) -> bool:
    """True while pid is one of our node JVMs (not a zombie, not a recycled pid)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return MAIN_CLASS.encode() in f.read()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def running_pid(node: str) -> int | None:
    try:
        pid = int(pid_file(node).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if alive(pid) else None


def http_port(node: str) -> int:
    return HTTP_BASE + NODES.index(node)


def get(port: int, path: str, timeout: float = 5) -> tuple[int, dict | None]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:  # 408 when wait_for_* times out; the body still says the state
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None
    except (OSError, ValueError):
        return 0, None


def node_settings(node: str) -> list[str]:
    i = NODES.index(node)
    home = VAR / node
    return [
        f"cluster.name={CLUSTER_NAME}",
        f"node.name={node}",
        f"path.home={home}",
        f"path.data={home / 'data'}",
        f"path.logs={home / 'logs'}",
        "network.host=127.0.0.1",
        f"http.port={HTTP_BASE + i}",
        f"transport.port={TRANSPORT_BASE + i}",
        "discovery.seed_hosts=" + ",".join(f"127.0.0.1:{TRANSPORT_BASE + j}" for j in range(len(NODES))),
        "cluster.initial_cluster_manager_nodes=" + ",".join(NODES),
        # The disk may be fuller than the 85 % low watermark: never let that keep replicas unassigned.
        "cluster.routing.allocation.disk.threshold_enabled=false",
    ]


def jvm_options(node: str) -> list[str]:
    tmp = VAR / node / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    return [
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        f"-XX:MaxDirectMemorySize={HEAP}",
        "-Xss1m",
        # C1 only: on two cores the C2 compiler threads of three starting JVMs make a node take ~35 s to
        # answer instead of ~13 s. CLUSTER_JAVA_OPTS=-XX:TieredStopAtLevel=4 brings C2 back (for benchmarks).
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        f"-Djava.io.tmpdir={tmp}",
        "-Dfile.encoding=UTF-8",
        "-Djava.locale.providers=SPI,COMPAT",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        *os.environ.get("CLUSTER_JAVA_OPTS", "").split(),
    ]


def start_node(node: str) -> subprocess.Popen:
    (VAR / node).mkdir(parents=True, exist_ok=True)
    cmd = [java_bin(), *jvm_options(node), "-cp", classpath(), MAIN_CLASS, *node_settings(node)]
    if os.environ.get("CLUSTER_PAINLESS", "1") == "1":
        cmd.append("--plugin=org.opensearch.painless.PainlessPlugin")
    with open(log_file(node), "ab") as out:
        out.write(f"\n===== starting {node} at {time.strftime('%Y-%m-%d %H:%M:%S')} =====\n".encode())
        out.flush()
        # Own session: a ^C on make does not reach the node.
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=VAR,
            start_new_session=True,
        )
    pid_file(node).write_text(f"{proc.pid}\n")
    log(f"started {node} (pid {proc.pid}, http {http_port(node)}, log {log_file(node)})")
    return proc


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def health(wait: str = "") -> tuple[int, dict | None]:
    """Cluster health from the first node that answers."""
    for node in NODES:
        status, body = get(http_port(node), "/_cluster/health" + wait, timeout=15)
        if body and "status" in body:
            return status, body
    return 0, None


def start(nodes: list[str]) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    todo = []
    for node in nodes:
        pid = running_pid(node)
        if pid:
            log(f"{node} already running (pid {pid})")
        elif get(http_port(node), "/")[0] == 200:
            log(f"{node}: something not started from here answers on port {http_port(node)}; leaving it")
        else:
            todo.append(node)
    if not todo:
        _, body = health()
        if body and body.get("status") == "green" and body.get("number_of_nodes") == len(NODES):
            log("cluster already green with 3 nodes")
            return 0
    else:
        build()
    t0 = time.monotonic()
    procs = {node: start_node(node) for node in todo}
    deadline = t0 + TIMEOUT
    wait = f"?wait_for_status=green&wait_for_nodes={len(NODES)}&timeout=5s"
    body = None
    while time.monotonic() < deadline:
        for node, proc in procs.items():
            if proc.poll() is not None:
                log(f"{node} exited with code {proc.returncode} during start; its log ends with:")
                print(tail(log_file(node)), file=sys.stderr)
                return 1
        status, body = health(wait)
        if status == 200 and body and not body.get("timed_out"):
            log(f"cluster green with {body['number_of_nodes']} nodes in {time.monotonic() - t0:.1f}s")
            return 0
        time.sleep(1)
    log(f"no green cluster after {TIMEOUT:.0f}s; last health: {json.dumps(body)}")
    for node in NODES:
        print(f"---- {log_file(node)} (last lines) ----", file=sys.stderr)
        print(tail(log_file(node)), file=sys.stderr)
    return 1


def stop(nodes: list[str], wipe: bool) -> int:
    pids = {}
    for node in nodes:
        pid = running_pid(node)
        if pid:
            os.kill(pid, signal.SIGTERM)
            pids[node] = pid
    deadline = time.monotonic() + 20
    while any(alive(p) for p in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for node, pid in pids.items():
        if alive(pid):
            log(f"{node} (pid {pid}) did not stop on SIGTERM; SIGKILL")
            os.kill(pid, signal.SIGKILL)
    while any(alive(p) for p in pids.values()):
        time.sleep(0.1)
    for node in nodes:
        pid_file(node).unlink(missing_ok=True)
        if wipe:
            shutil.rmtree(VAR / node, ignore_errors=True)
            log_file(node).unlink(missing_ok=True)
    wiped = " and wiped their data" if wipe else ""
    log(f"stopped {', '.join(pids) or 'nothing (no node was running)'}{wiped}")
    return 0


def status() -> int:
    for node in NODES:
        pid = running_pid(node)
        code, _ = get(http_port(node), "/")
        print(f"{node}: pid {pid or '-'}, http {http_port(node)} {'answers' if code == 200 else 'down'}")
    _, body = health()
    print(json.dumps(body, indent=1) if body else "no node answers")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("start", "stop", "status"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    wipe = "--wipe" in rest
    nodes = [a for a in rest if a != "--wipe"] or NODES
    unknown = [n for n in nodes if n not in NODES]
    if unknown:
        print(f"unknown node(s) {unknown}; nodes are {NODES}", file=sys.stderr)
        return 2
    if command == "start":
        return start(nodes)
    if command == "stop":
        return stop(nodes, wipe)
    return status()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
