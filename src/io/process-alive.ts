/** Whether a process of this machine is alive, for sweeping what dead runs left behind. */

/** True if a process with this pid exists on this machine (it may belong to another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
