/**
 * Reads YAML files (compose, Kubernetes manifests, Helm values) into plain values with the `yaml`
 * package: YAML 1.2's core schema, `<<` merge keys, and duplicate keys or any parse error refused.
 */
import { parseAllDocuments } from 'yaml';

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

/** Every document of a YAML stream, in order; empty documents (a trailing `---`) are left out. */
export async function parseYamlDocuments(text: string): Promise<YamlValue[]> {
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(documents)) throw new Error('not a YAML stream');
  const values: YamlValue[] = [];
  for (const doc of documents) {
    const problem = doc.errors[0];
    if (problem) throw new Error(`YAML: ${problem.message}`);
    if (doc.contents === null) continue;
    values.push(doc.toJS({ maxAliasCount: 100 }) as YamlValue);
  }
  return values;
}

/** The one document of a file, which must be a map. */
export async function parseYamlMap(text: string): Promise<YamlMap> {
  const [first, ...rest] = await parseYamlDocuments(text);
  if (rest.length || !isMap(first)) throw new Error('expected exactly one YAML document holding a map');
  return first;
}

export const isMap = (v: YamlValue | undefined): v is YamlMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
