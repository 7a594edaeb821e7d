/**
 * Changes to a topology file made by commands (`org add`, `orderer add`, `peer add`, ...): the
 * file is the record of what the network consists of, so a later `up` after `down` brings back
 * exactly what the commands built. Edits keep the file's comments and layout, are validated as a
 * whole before anything is written, and replace the file atomically.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseDocument, type Document } from 'yaml';
import { parseTopologyYaml, TopologyError } from './load';
import type { Topology } from './schema';

/** What {@link editTopologyFile} did. */
export interface TopologyEdit {
  /** False when the edit left the file as it was (nothing written). */
  changed: boolean;
  /** The topology as the file now states it. */
  topology: Topology;
}

/**
 * Applies `edit` to the YAML document of `file` and writes the result if the edit says it changed
 * something (returns true) and the result still validates; a topology that would not validate is
 * refused with its problems and nothing is written. An edit that returns false writes nothing, so
 * the file's own formatting is never rewritten for no change.
 * @throws TopologyError when the file cannot be read or the edited topology does not validate.
 */
export function editTopologyFile(file: string, edit: (doc: Document) => boolean): TopologyEdit {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TopologyError(file, [{ path: '', message: `cannot read: ${(e as Error).message}` }]);
  }
  const current = parseTopologyYaml(text, file);
  const doc = parseDocument(text);
  if (!edit(doc)) return { changed: false, topology: current };
  // No padding inside flow collections: `[Org1]` stays as people write it.
  const next = doc.toString({ flowCollectionPadding: false });
  if (next === text) return { changed: false, topology: current };
  const topology = parseTopologyYaml(next, `${file} (after the change)`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
  return { changed: true, topology };
}
