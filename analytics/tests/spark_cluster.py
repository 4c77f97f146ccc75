"""A real Spark standalone cluster for the suite: a master and a worker, each its own JVM,
started from the pyspark distribution's ``bin/spark-class`` (pip's pyspark ships no
``sbin/start-master.sh``; ``spark-class`` is what that script runs), on free local ports, their
logs and work folders under ``folder``, stopped by process group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pyspark


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandaloneCluster:
    def __init__(self, folder: Path, *, worker_cores: int = 1, worker_memory: str = "1g"):
        self.folder = Path(folder)
        self.home = Path(pyspark.__file__).parent
        self.port, self.ui_port, self.worker_ui_port = _free_port(), _free_port(), _free_port()
        self.cores, self.memory = worker_cores, worker_memory
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "SPARK_HOME": str(self.home),
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_LOG_DIR": str(self.folder / "logs"),
            "SPARK_WORKER_DIR": str(self.folder / "work"),
            "SPARK_NO_DAEMONIZE": "1",
        }

    def _start(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [str(self.home / "bin" / "spark-class"), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env(),
                cwd=self.folder,
                start_new_session=True,
            )
        )

    def status(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ui_port}/json/", timeout=5) as r:
            return json.load(r)

    def start(self, timeout: float = 180) -> StandaloneCluster:
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        (self.folder / "work").mkdir(exist_ok=True)
        self._start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--webui-port", str(self.ui_port),
        )  # fmt: skip
        self._start(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1",
            "--cores", str(self.cores),
            "--memory", self.memory,
            "--webui-port", str(self.worker_ui_port),
            "--work-dir", str(self.folder / "work"),
            self.url,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"a Spark daemon exited; see {self.folder}/*.log")
            try:
                if self.status().get("aliveworkers", 0) >= 1:
                    return self
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"no Spark worker registered in {timeout:.0f} s; see {self.folder}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
