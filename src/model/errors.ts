/**
 * The errors tilepipe throws at its edges. Each has a stable `code`, so that
 * a caller can tell a bad input from a bad option, a failed write, a timeout,
 * or a bug (any other error).
 */

/** The base class of tilepipe's own errors. */
export class TilepipeError extends Error {
  /** A stable code: `ERR_TILEPIPE_VALIDATION`, `ERR_TILEPIPE_INPUT`, `ERR_TILEPIPE_ENCODE` or `ERR_TILEPIPE_TIMEOUT`. */
  readonly code: string = 'ERR_TILEPIPE';
  override name = 'TilepipeError';
}

/** A bad option, operation or parameter: raised before any file is touched (the CLI exits 2). */
export class ValidationError extends TilepipeError {
  override readonly code = 'ERR_TILEPIPE_VALIDATION';
  override name = 'ValidationError';
}

/**
 * An input that cannot be processed: missing or unreadable, not a regular
 * file, not an image, damaged, or over the pixel limit (`cause` holds the
 * underlying error, e.g. an `ENOENT` or libvips's message).
 */
export class InputError extends TilepipeError {
  override readonly code = 'ERR_TILEPIPE_INPUT';
  override name = 'InputError';
}

/** An output that could not be encoded or written (the encoder refused the image, the disk is full, no permission). */
export class EncodeError extends TilepipeError {
  override readonly code = 'ERR_TILEPIPE_ENCODE';
  override name = 'EncodeError';
}

/** An image that took longer than its `timeout`. */
export class TimeoutError extends TilepipeError {
  override readonly code = 'ERR_TILEPIPE_TIMEOUT';
  override name = 'TimeoutError';
}

/**
 * `err` as an error of class `As` with the same message (and `err` as its
 * cause), unless it already is one of tilepipe's errors.
 */
export function classify(err: unknown, As: new (message: string, options?: { cause?: unknown }) => TilepipeError): unknown {
  if (err instanceof TilepipeError) return err;
  return new As(err instanceof Error ? err.message : String(err), { cause: err });
}
