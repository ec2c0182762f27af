/**
 * The JavaScript of a `?tilepipe` module: a value (URL, srcset, meta, picture
 * or HTML) whose strings may hold URL tokens, written out with each token
 * replaced by the bundler's own expression for that asset's public URL.
 */

/** The token that stands for asset `i`'s URL inside a value's strings (a NUL never occurs in a URL or a name). */
export function urlToken(i: number): string {
  return `\0U${i}\0`;
}

/** A string with URL tokens as a JS expression: literal pieces and URL expressions joined by `+`. */
function stringCode(s: string, urls: readonly string[]): string {
  const pieces = s.split(/\0U(\d+)\0/).flatMap((piece, i) => (i % 2 === 1 ? [`(${urls[Number(piece)]})`] : piece === '' ? [] : [JSON.stringify(piece)]));
  if (pieces.length === 0) return '""';
  return pieces[0].startsWith('"') ? pieces.join(' + ') : ['""', ...pieces].join(' + '); // start with a string, so `+` concatenates
}

/** A JSON-like value as a JS expression, its strings' URL tokens replaced by `urls`. */
export function valueCode(value: unknown, urls: readonly string[]): string {
  if (typeof value === 'string') return stringCode(value, urls);
  if (Array.isArray(value)) return `[${value.map((v) => valueCode(v, urls)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${valueCode(v, urls)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/** A module: `imports` (lines), then the value as its default export. */
export function moduleCode(value: unknown, urls: readonly string[], imports: readonly string[] = []): string {
  return `${imports.map((l) => `${l}\n`).join('')}export default ${valueCode(value, urls)};\n`;
}
