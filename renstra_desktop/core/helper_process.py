"""A helper process beside the caller, talking through its standard input and output: ``audit
verify``'s bucket builder (:mod:`.audit_aside`) and a large merge's package verifier
(:mod:`.packages.merge_aside`).  Started without a console window, its errors nowhere; stopped by
killing it (it is only ever a helper: the caller does whatever it did not)."""
from __future__ import annotations

import subprocess


def spawn(command: list[str]) -> subprocess.Popen:
    """Start ``command`` with pipes on its standard input and output.  Raises OSError when it cannot."""
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            creationflags=flags)


def stop(proc: subprocess.Popen, reader=None) -> None:
    """Kill it (it may still be working on what the caller no longer needs), wait for it and for the
    thread ``reader`` reading its output, and close the pipes."""
    try:
        proc.kill()
    except OSError:
        pass
    proc.wait()
    if reader is not None:
        reader.join()
    for stream in (proc.stdin, proc.stdout):
        stream.close()
