import { readFileSync } from 'node:fs';
import { z } from 'zod';

const pinSchema = z.object({
  /** The version the binaries report (`peer version` → "Version: ..."). */
  version: z.string().min(1),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  /** Version string the Go module proxy knows the commit by. */
  goModuleVersion: z.string().regex(/^v\d+\.\d+\.\d+/),
  releaseArchive: z.url().optional(),
  /** Fabric only: the channel capability that build runs etcdraft channels with correctly. */
  channelCapability: z.enum(['V2_0', 'V3_0']).optional(),
  why: z.string().optional(),
});

const productSchema = z.object({
  module: z.string().min(1),
  metadataPackage: z.string().min(1),
  commands: z.array(z.string().min(1)).min(1),
  pins: z.array(pinSchema).min(1),
});

/** A Go command built at a module version (helm, kubeconform). */
const goToolSchema = z.object({
  module: z.string().min(1),
  /** The module version, as the Go module proxy knows it and the binary reports it. */
  version: z.string().regex(/^v\d+\.\d+\.\d+/),
  /** The main package to build. */
  package: z.string().min(1),
  /** The variable `-ldflags -X` sets to the version (Go builds outside a release leave it unset). */
  versionVariable: z.string().min(1),
  /** Arguments that make the binary print its version, and nothing else. */
  versionArgs: z.array(z.string()),
});

const kubernetesToolsSchema = z.object({
  helm: goToolSchema,
  kubeconform: goToolSchema,
  /** The Kubernetes source module whose OpenAPI document the validation schemas are made from. */
  schemas: z.object({
    module: z.string().min(1),
    version: z.string().regex(/^v\d+\.\d+\.\d+$/),
    openapi: z.string().min(1),
  }),
});

const versionsSchema = z.object({
  go: z.object({ minimum: z.string().regex(/^\d+\.\d+$/) }),
  fabric: productSchema,
  fabricCa: productSchema,
  // Optional so a versions.json without the chart validation tools (a test fixture) still installs Fabric.
  kubernetesTools: kubernetesToolsSchema.optional(),
});

/** One pinned release of a product (a Fabric commit, a Fabric CA tag). */
export type Pin = z.infer<typeof pinSchema>;
/** A product built from one Go module: the commands it provides and its pins, most preferred first. */
export type Product = z.infer<typeof productSchema>;
/** A Go command pinned in versions.json's kubernetesTools. */
export type GoTool = z.infer<typeof goToolSchema>;
/** versions.json's kubernetesTools: helm, kubeconform and the Kubernetes schema source. */
export type KubernetesTools = z.infer<typeof kubernetesToolsSchema>;
/** The contents of versions.json. */
export type Versions = z.infer<typeof versionsSchema>;

/** Reads and validates versions.json, the single source of truth for what gets installed. */
export function loadVersions(file: string): Versions {
  const parsed = versionsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
