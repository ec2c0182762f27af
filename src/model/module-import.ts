/**
 * `import()` of what the bundler cannot see (plugins, config files, optional
 * packages), in one place. The CLI's launcher compiles the program bundle
 * itself, with V8's code cache (cli/program-loader.cts); code compiled that
 * way cannot call `import()` on Node 20 without an experimental flag or
 * warning, so the launcher lends its own `import()` here. Anywhere else (the
 * library, the bundler plugins) this is a plain `import()`.
 */

/** The global key under which the CLI's launcher lends its `import()` (cli/program-loader.cts). */
const HOST_IMPORT = Symbol.for('tilepipe.hostImport');

/** A function that imports a module by URL or package name. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/**
 * Imports an ES or CommonJS module by absolute file URL or package name (a
 * relative specifier would resolve against whichever file runs the import).
 */
export function importModule(specifier: string): Promise<unknown> {
  const host = (globalThis as { [HOST_IMPORT]?: ModuleImporter })[HOST_IMPORT];
  return host ? host(specifier) : import(specifier);
}
