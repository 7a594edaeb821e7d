/** Errors of process control. */

/** The machine has no Linux procfs, which process control needs to tell one process from another. */
export class ProcfsUnavailableError extends Error {
  constructor() {
    super(
      'process control needs Linux /proc (a PID is only trusted together with its start time from /proc/<pid>/stat); this platform has none',
    );
    this.name = 'ProcfsUnavailableError';
  }
}

/** A process could not be started (the spawn failed, or it was gone before it could be recorded). */
export class ProcessStartError extends Error {
  constructor(
    readonly processName: string,
    detail: string,
  ) {
    super(`could not start ${processName}: ${detail}`);
    this.name = 'ProcessStartError';
  }
}

/** A process that was sent SIGKILL was still there when the bound ran out. */
export class ProcessStopError extends Error {
  constructor(
    readonly processName: string,
    readonly pid: number,
    waitedMs: number,
  ) {
    super(`${processName} (pid ${pid}) was still running ${waitedMs / 1000}s after SIGKILL`);
    this.name = 'ProcessStopError';
  }
}
