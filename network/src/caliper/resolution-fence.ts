/**
 * Preloaded into Caliper's manager and worker processes (`NODE_OPTIONS=--require <this file>`,
 * with `FABPAY_CALIPER_DIR` naming Caliper's install folder): a package that Caliper's own code
 * asks for resolves inside that folder or not at all.
 *
 * Why: Caliper is installed in `<repo>/.caliper`, and Node looks for packages in every
 * `node_modules` up the tree, so Caliper's code also finds this repository's `node_modules`. There
 * it finds `fabric-network` (a dev dependency of the live tests), and Caliper's Fabric connector
 * then refuses to start: "Multiple bindings for fabric have been detected". Paths Caliper loads by
 * name (the workload module) and the workload's own imports (`@fabpay/model`) are not fenced.
 */
import Module from 'node:module';
import path from 'node:path';

/** Node's resolver hook; not in @types/node because it is internal, stable since Node 0.x. */
type Resolve = (
  request: string,
  parent: { filename?: string | null } | undefined,
  ...rest: unknown[]
) => string;

const fence = process.env.FABPAY_CALIPER_DIR;
if (fence) {
  const root = path.resolve(fence) + path.sep;
  const mod = Module as unknown as { _resolveFilename: Resolve };
  const original = mod._resolveFilename;
  /** A package name, as opposed to a file path or a builtin. */
  const bare = (request: string) => !/^(\.{1,2}(\/|$)|\/|node:)/.test(request) && !Module.isBuiltin(request);
  mod._resolveFilename = function fencedResolve(this: unknown, request, parent, ...rest) {
    const resolved = original.call(this, request, parent, ...rest);
    if (bare(request) && parent?.filename?.startsWith(root) && !resolved.startsWith(root)) {
      // The error Node itself throws, which Caliper's "is this binding installed" check expects.
      const err = new Error(`Cannot find module '${request}' (outside ${root})`) as NodeJS.ErrnoException;
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    return resolved;
  };
}
