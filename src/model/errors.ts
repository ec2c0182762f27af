/** The errors tilepipe throws at its edges. */

/** A bad option, operation or parameter: raised before any file is touched (the CLI exits 2). */
export class ValidationError extends Error {
  override name = 'ValidationError';
}
