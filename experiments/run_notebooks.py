"""Executes one notebook headless with nbclient and reports how it went as one JSON line.

Called by experiments/notebooks.ts (`deno task notebooks`) with Debian's /usr/bin/python3
(python3-nbclient); not meant to be run by hand.

    /usr/bin/python3 experiments/run_notebooks.py IN.ipynb OUT.ipynb --cwd DIR \
        [--kernel deno] [--timeout 900] [--quiet 0.25]

Writes the executed notebook (with every output so far, also when a cell failed) to OUT and
prints {"status": "ok" | "cell_error" | "timeout" | "kernel_died" | "kernel_failed",
"cell": index or null, "ename": ..., "evalue": ..., "seconds": ...} on stdout.
Exit status: 0 when every cell ran, 1 when not, 2 on bad arguments.

Why not plain nbconvert/nbclient: the Deno kernel publishes `status: idle` on IOPub before the
cell's queued stream and display messages, and nbclient stops reading a cell's output at `idle`,
so outputs went missing or landed in the next cell (7 of 8 runs). This client keeps reading the
cell's IOPub messages until the channel has been quiet for `--quiet` seconds after `idle`.
"""

import argparse
import json
import sys
import time
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import (
    CellExecutionComplete,
    CellExecutionError,
    CellTimeoutError,
    DeadKernelError,
)
from nbclient.util import ensure_async


class QuietAfterIdleClient(NotebookClient):
    """An nbclient that collects a cell's outputs until IOPub is quiet after `idle`."""

    def __init__(self, nb, quiet_seconds, **kw):
        super().__init__(nb, **kw)
        self.quiet_seconds = quiet_seconds
        self.current_cell = None

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        self.current_cell = cell_index
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        idle = False
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(
                        timeout=self.quiet_seconds if idle else None
                    )
                )
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                idle = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--cwd", required=True, help="the kernel's working directory")
    parser.add_argument("--kernel", default="deno", help="kernelspec name")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    parser.add_argument("--quiet", type=float, default=0.25, help="quiet seconds after idle")
    args = parser.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    client = QuietAfterIdleClient(
        nb,
        quiet_seconds=args.quiet,
        timeout=args.timeout,
        kernel_name=args.kernel,
        # A cell's outputs may trail its reply; waiting is cheap, losing them is not.
        iopub_timeout=max(60, int(args.quiet * 20)),
        raise_on_iopub_timeout=True,
        record_timing=False,
        resources={"metadata": {"path": args.cwd}},
    )
    started = time.monotonic()
    report = {"status": "ok", "cell": None, "ename": None, "evalue": None}
    try:
        client.execute()
    except CellExecutionError as error:
        report.update(
            status="cell_error",
            cell=client.current_cell,
            ename=error.ename,
            evalue=error.evalue,
        )
    except CellTimeoutError as error:
        report.update(status="timeout", cell=client.current_cell, evalue=str(error))
    except DeadKernelError as error:
        report.update(status="kernel_died", cell=client.current_cell, evalue=str(error))
    except Exception as error:  # the kernel did not start, or the client broke
        report.update(
            status="kernel_failed",
            cell=client.current_cell,
            ename=type(error).__name__,
            evalue=str(error).strip().splitlines()[-1] if str(error).strip() else "",
        )
    report["seconds"] = round(time.monotonic() - started, 3)
    nbformat.write(nb, args.output)
    print(json.dumps(report))
    return 0 if report["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
