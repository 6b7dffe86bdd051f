/**
 * Reads YAML files (compose, Kubernetes manifests, Helm values) into plain values. The parsing is
 * the YAML parser that ships with prettier (a devDependency; `prettier/plugins/yaml`, the plugin's
 * public `parsers.yaml.parse`); this file only turns its syntax tree into values, with YAML 1.2's
 * core schema for plain scalars, anchors, aliases and `<<` merge keys. Anything else (other tags,
 * complex keys, duplicate keys) is refused rather than guessed at.
 */
import { parsers } from 'prettier/plugins/yaml';

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };
export type YamlMap = { [key: string]: YamlValue };

interface YamlNode {
  type: string;
  value?: string | null;
  children?: (YamlNode | null | undefined)[];
  anchor?: { value: string } | null;
  tag?: { value: string } | null;
  position?: { start: { line: number } };
}

const STR_TAG = 'tag:yaml.org,2002:str';

/** Every document of a YAML stream, in order; empty documents (a trailing `---`) are left out. */
export async function parseYamlDocuments(text: string): Promise<YamlValue[]> {
  // The plugin reads no parser option for YAML; prettier's option type is not needed to call it.
  const root = (await parsers.yaml.parse(text, {} as Parameters<typeof parsers.yaml.parse>[1])) as YamlNode;
  const documents: YamlValue[] = [];
  for (const document of root.children ?? []) {
    const body = document?.children?.find((c) => c?.type === 'documentBody');
    const content = body?.children?.find((c) => c && c.type !== 'comment');
    if (content) documents.push(new Reader().read(content));
  }
  return documents;
}

/** A file of exactly one document that is a mapping. */
export async function parseYamlMap(text: string): Promise<YamlMap> {
  const documents = await parseYamlDocuments(text);
  if (documents.length !== 1 || !isMap(documents[0])) throw new Error('expected one YAML document, a mapping');
  return documents[0];
}

export const isMap = (v: YamlValue | undefined): v is YamlMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  private readonly anchors = new Map<string, YamlValue>();

  read(node: YamlNode): YamlValue {
    const value = this.value(node);
    if (node.anchor) this.anchors.set(node.anchor.value, value);
    return value;
  }

  private value(node: YamlNode): YamlValue {
    if (node.tag && node.tag.value !== STR_TAG) throw this.error(node, `unsupported tag ${node.tag.value}`);
    switch (node.type) {
      case 'plain':
        return node.tag ? (node.value ?? '') : plainScalar(node.value ?? '');
      case 'quoteDouble':
      case 'quoteSingle':
      case 'blockLiteral':
      case 'blockFolded':
        return node.value ?? '';
      case 'alias': {
        const name = node.value ?? '';
        if (!this.anchors.has(name)) throw this.error(node, `unknown alias *${name}`);
        return structuredClone(this.anchors.get(name) ?? null);
      }
      case 'sequence':
      case 'flowSequence':
        return (node.children ?? []).map((item) => this.item(item));
      case 'mapping':
      case 'flowMapping':
        return this.mapping(node);
      default:
        throw this.error(node, `unsupported node ${node.type}`);
    }
  }

  /** A sequence item's content (a flow sequence may hold `key: value` pairs, which are refused). */
  private item(item: YamlNode | null | undefined): YamlValue {
    if (!item) return null;
    if (item.type !== 'sequenceItem' && item.type !== 'flowSequenceItem') throw this.error(item, 'unsupported item');
    const content = item.children?.[0];
    return content ? this.read(content) : null;
  }

  private mapping(node: YamlNode): YamlMap {
    const own: YamlMap = {};
    const merged: YamlMap = {};
    for (const pair of node.children ?? []) {
      if (!pair) continue;
      const [keyNode, valueNode] = pair.children ?? [];
      const keyContent = keyNode?.children?.[0];
      if (!keyContent || !['plain', 'quoteDouble', 'quoteSingle'].includes(keyContent.type)) {
        throw this.error(pair, 'only scalar keys are supported');
      }
      const key = keyContent.value ?? '';
      const content = valueNode?.children?.[0];
      const value = content ? this.read(content) : null;
      if (key === '<<' && keyContent.type === 'plain') {
        // Merge keys: explicit keys win over merged ones, earlier merged maps over later ones.
        for (const source of Array.isArray(value) ? value : [value]) {
          if (!isMap(source)) throw this.error(pair, '<< must merge a mapping or a list of mappings');
          for (const [k, v] of Object.entries(source)) if (!(k in merged)) merged[k] = v;
        }
        continue;
      }
      if (Object.hasOwn(own, key)) throw this.error(pair, `duplicate key ${key}`);
      own[key] = value;
    }
    return { ...merged, ...own };
  }

  private error(node: YamlNode, message: string): Error {
    return new Error(`YAML line ${node.position?.start.line ?? '?'}: ${message}`);
  }
}

/** YAML 1.2 core schema: null, booleans, integers (decimal, 0o, 0x), floats; anything else is a string. */
function plainScalar(text: string): YamlValue {
  if (/^(?:~|null|Null|NULL)?$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}
