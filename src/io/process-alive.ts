/**
 * Which processes of this machine are gone, for sweeping what dead runs left
 * behind (temp files, manifest journals). Names made by tilepipe carry a host
 * tag and a pid; only this machine's can be judged, since a shared folder
 * may hold other machines' files.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';

/** This machine's tag in the names of temp files and journals. */
export const HOST_TAG = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);

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

/** True if a file named with host tag `host` and `pid` was left by a process of this machine that has ended. */
export function leftByDeadProcess(host: string, pid: number): boolean {
  return host === HOST_TAG && !processAlive(pid);
}
