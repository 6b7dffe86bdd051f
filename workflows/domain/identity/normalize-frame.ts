import type { StackFrame } from './parsed-stack';

/**
 * Frame keys for the fingerprint: `file:function` without line numbers, absolute
 * prefixes or build hashes, so a redeploy, another container layout or another build
 * machine keeps the same key.
 */

// Where dependencies live: keep what follows (package name and path inside it).
const DEPENDENCY_ROOTS = [
  /^.*[/\\]node_modules[/\\]/,
  /^.*[/\\](?:site|dist)-packages[/\\]/,
  /^.*[/\\]lib[/\\]python\d(?:\.\d+)?[/\\]/i,
  /^.*[/\\]go[/\\]pkg[/\\]mod[/\\]/,
  /^.*[/\\]go[/\\]src[/\\]/,
  /^.*[/\\]gems[/\\]/,
  /^.*[/\\]lib[/\\]ruby[/\\](?:\d+\.\d+\.\d+[/\\])?/,
];

// Where applications are deployed or built: dropped. CI checkouts first, they are deeper.
const APP_ROOTS = [
  /^[A-Za-z]:\/(?:agent\/)?_work\/\d+\/s\//, // Azure Pipelines self-hosted agent
  /^[A-Za-z]:\/a\/\d+\/s\//, // Azure Pipelines hosted agent
  /^(?:[A-Za-z]:\/a|\/home\/runner\/work)\/[^/]+\/[^/]+\//, // GitHub Actions
  /^\/builds\/[^/]+\/[^/]+\//, // GitLab CI
  /^\/var\/jenkins_home\/workspace\/[^/]+\//, // Jenkins (`job@2` for concurrent builds)
  /^[A-Za-z]:\/(?:Users\/[^/]+\/|inetpub\/wwwroot\/)?/,
  /^\/(?:usr\/src\/app|usr\/app|opt\/app|srv\/app|var\/www\/html|var\/www\/app|var\/task|workspace|app|code)\//,
  /^\/(?:home|Users)\/[^/]+\//,
  /^\/root\//,
  /^\//,
];

// Build output hashes: `main.3f2a1b9c.js`, `index-B3x9dK2f.js`, `chunk-1a2b3c4d/`, uuids.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HASHED_NAME = /[.-](?=[A-Za-z0-9_]*\d)(?=[A-Za-z0-9_]*[A-Za-z])[A-Za-z0-9_]{8,}(?=\.(?:m?js|cjs|css|map)$)/;
const HEX_SEGMENT = /(?<=^|\/|[_.-])(?=[a-f]*\d)[0-9a-f]{8,}(?=$|\/|[_.-])/gi;

export function normalizeFile(file: string): string {
  let path = file
    .replace(/\\/g, '/')
    .replace(/^file:\/\//, '')
    .replace(/^webpack(?:-internal)?:\/\/[^/]*\/(?:\.\/)?/, '/') // webpack://<namespace>/./src/x.ts
    .replace(/[?#].*$/, '');
  if (/^<.*>$/.test(path) || /^node:/.test(path)) return path;
  const dependency = DEPENDENCY_ROOTS.find((re) => re.test(path));
  if (dependency) {
    path = path
      .replace(dependency, '')
      .replace(/^\.pnpm\/[^/]+\/node_modules\//, '')
      .replace(/@v\d[^/]*/, '') // Go module versions
      .replace(/^([^/]+?)-\d+(?:\.\d+)+[^/]*/, '$1'); // gem versions
  } else {
    const root = APP_ROOTS.find((re) => re.test(path));
    if (root) path = path.replace(root, '');
  }
  path = path.replace(/^\.\//, '').replace(/^(?:tmp\/build_|tmp\/)[^/]+\//, '');
  const slash = path.lastIndexOf('/');
  const dir = path
    .slice(0, slash + 1)
    .replace(UUID, '<uuid>')
    .replace(HEX_SEGMENT, '<hex>')
    .replace(/(?<=^|\/)\d+(?=\/)/g, '<n>') // build and agent numbers
    .replace(/@\d+(?=\/)/g, '');
  const base = path.slice(slash + 1).replace(HASHED_NAME, '');
  return dir + base;
}

/** Compiler-generated suffixes that change when unrelated code changes. */
export function normalizeFunction(fn: string | undefined): string {
  if (!fn) return '?';
  return fn
    .replace(/\$\$[A-Za-z]*\$\$[0-9a-f]+/g, '$$$$') // CGLIB proxies: Foo$$EnhancerBySpringCGLIB$$1a2b3c
    .replace(/\$\d+/g, '$') // Java anonymous classes and lambdas: Foo$1, lambda$handle$0
    .replace(/(__[A-Za-z]*?)\d+(?:_\d+)*/g, '$1') // .NET closures: <>c__DisplayClass5_0, <Run>b__3_1
    .replace(/\.func\d+(?:\.\d+)*/g, '.func') // Go closures: handler.func1.2
    .replace(/\bblock \(\d+ levels\) in /, 'block in '); // Ruby nested blocks
}

export function frameKey(frame: StackFrame): string {
  return `${normalizeFile(frame.file)}:${normalizeFunction(frame.function)}`;
}
