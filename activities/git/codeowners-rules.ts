import picomatch from 'picomatch';

/**
 * A CODEOWNERS file with GitHub's semantics: one `pattern owner…` rule a line, `#` comments,
 * gitignore-style patterns (a leading or inner `/` anchors to the root, a trailing `/` matches
 * directories only, `*` stays within a path segment, `**` crosses them, a pattern naming a
 * directory covers everything under it), and the LAST matching rule wins; a rule without owners
 * leaves its files unowned. GitHub supports neither `!` negation nor `[ ]` ranges: both are
 * taken literally here.
 */

export interface CodeOwnersRule {
  pattern: string;
  owners: string[];
  /** 1-based, for "which line owns this". */
  line: number;
  matches: (path: string) => boolean;
}

/** GitHub ignores a CODEOWNERS file larger than this. */
export const CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024;
const MAX_RULES = 10_000;

export function parseCodeOwners(text: string): CodeOwnersRule[] {
  const rules: CodeOwnersRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length && rules.length < MAX_RULES; i++) {
    const tokens = tokenize(lines[i]!);
    const [pattern, ...owners] = tokens;
    if (!pattern) continue;
    const matches = matcherOf(pattern);
    if (matches) rules.push({ pattern, owners, line: i + 1, matches });
  }
  return rules;
}

/** The rule that owns `path` (repository-relative, `/`-separated): the last that matches. */
export function ruleFor(rules: readonly CodeOwnersRule[], path: string): CodeOwnersRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]!.matches(path)) return rules[i];
  return undefined;
}

/** Whitespace-separated tokens up to an unescaped `#`; `\#` and `\ ` are literal. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length && /[#\s\\]/.test(line[i + 1]!)) {
      current += `\\${line[++i]}`;
    } else if (c === '#' && !current) {
      break;
    } else if (/\s/.test(c)) {
      if (current) tokens.push(current);
      current = '';
    } else current += c;
  }
  if (current) tokens.push(current);
  return tokens;
}

const GLOB_OPTIONS = { dot: true, nobrace: true, nobracket: true, noextglob: true, nonegate: true };

function matcherOf(raw: string): ((path: string) => boolean) | undefined {
  // Characters picomatch would read as syntax GitHub does not have are escaped; `\#`, `\ ` stay escaped.
  let pattern = raw.replace(/([\[\]{}()!+@])/g, '\\$1');
  const dirOnly = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  const anchored = pattern.startsWith('/') || pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  if (!pattern) return dirOnly ? () => true : undefined; // `/` alone: the whole repository
  const glob = anchored || pattern.startsWith('**') ? pattern : `**/${pattern}`;
  const isMatch = picomatch(glob, GLOB_OPTIONS);
  // GitHub: `docs/*` owns docs/a.md but not docs/build/b.md, so a final bare `*` covers no directory.
  const childrenOnly = !dirOnly && /(^|\/)\*$/.test(pattern) && pattern !== '*';
  return (path) => {
    if (childrenOnly) return isMatch(path);
    const parts = path.split('/');
    // A match on a directory covers everything under it; the file itself only when not `dir/`.
    for (let n = 1; n <= parts.length; n++) {
      if (n === parts.length && dirOnly) break;
      if (isMatch(parts.slice(0, n).join('/'))) return true;
    }
    return false;
  };
}
