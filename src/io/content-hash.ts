/**
 * Output names that depend on the output's own bytes (`{contenthash}`): a
 * planned path carries a marker in its file name, and the atomic write
 * replaces it with the first 8 hex digits of the written file's SHA-256
 * before the rename, so the name is known only once the bytes are.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';

/**
 * Stands for the content hash in a planned path. A NUL cannot occur in a real
 * file name, so no input's name can be mistaken for it.
 */
export const CONTENT_HASH_MARK = '\0contenthash\0';

/** Whether a planned path is named after its content. */
export function namedByContent(planned: string): boolean {
  return planned.includes(CONTENT_HASH_MARK);
}

/** The planned path as people read it: the marker shown as `{contenthash}`. */
export function shownPath(planned: string): string {
  return planned.split(CONTENT_HASH_MARK).join('{contenthash}');
}

/** First 8 hex digits of a file's SHA-256 (streamed: outputs can be large). */
export async function contentHashOf(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 8);
}

/** Where the bytes now in `written` go: `planned` with the marker replaced by their content hash (unchanged without one). */
export async function finalPath(planned: string, written: string): Promise<string> {
  if (!namedByContent(planned)) return planned;
  const hash = await contentHashOf(written);
  return path.join(path.dirname(planned), path.basename(planned).split(CONTENT_HASH_MARK).join(hash));
}
