import { describe, expect, it } from 'vitest';
import { parseCodeOwners, ruleFor } from '../../../activities/git/codeowners-rules';

const ownersOf = (text: string, path: string) => ruleFor(parseCodeOwners(text), path)?.owners;

describe('parseCodeOwners', () => {
  it('reads rules, skipping blank lines and comments, inline ones too', () => {
    const rules = parseCodeOwners('# owners\n\n*.js   @acme/web  @alice # the web team\n  /docs/ docs@acme.test\r\n');
    expect(rules.map((r) => [r.pattern, r.owners, r.line])).toEqual([
      ['*.js', ['@acme/web', '@alice'], 3],
      ['/docs/', ['docs@acme.test'], 4],
    ]);
  });

  it('lets the last matching line win, and a line without owners unset them', () => {
    const text = '* @acme/all\n/src/ @acme/src\n/src/vendor/\n/src/vendor/keep.js @bob\n';
    expect(ownersOf(text, 'README.md')).toEqual(['@acme/all']);
    expect(ownersOf(text, 'src/orders.js')).toEqual(['@acme/src']);
    expect(ownersOf(text, 'src/vendor/lib.js')).toEqual([]);
    expect(ownersOf(text, 'src/vendor/keep.js')).toEqual(['@bob']);
  });

  it('matches a pattern without a slash at any depth, a file name or a directory', () => {
    const text = '*.py @py\nlogs @logs\napps/ @apps\n';
    expect(ownersOf(text, 'a/b/c.py')).toEqual(['@py']);
    expect(ownersOf(text, 'logs')).toEqual(['@logs']);
    expect(ownersOf(text, 'x/logs/today.txt')).toEqual(['@logs']);
    expect(ownersOf(text, 'deep/apps/web/index.ts')).toEqual(['@apps']);
    // A trailing slash: directories only, never a file of that name.
    expect(ownersOf('apps/ @apps\n', 'apps')).toBeUndefined();
  });

  it('anchors a leading or inner slash to the root', () => {
    expect(ownersOf('/build/logs/ @build\n', 'build/logs/a.log')).toEqual(['@build']);
    expect(ownersOf('/build/logs/ @build\n', 'x/build/logs/a.log')).toBeUndefined();
    expect(ownersOf('docs/api @api\n', 'docs/api/v1.md')).toEqual(['@api']);
    expect(ownersOf('docs/api @api\n', 'site/docs/api/v1.md')).toBeUndefined();
    expect(ownersOf('/Makefile @make\n', 'sub/Makefile')).toBeUndefined();
  });

  it('keeps * within a segment and lets ** cross them', () => {
    expect(ownersOf('docs/* @docs\n', 'docs/getting-started.md')).toEqual(['@docs']);
    expect(ownersOf('docs/* @docs\n', 'docs/build-app/troubleshooting.md')).toBeUndefined();
    expect(ownersOf('src/*.js @js\n', 'src/a/b.js')).toBeUndefined();
    expect(ownersOf('docs/** @docs\n', 'docs/build-app/troubleshooting.md')).toEqual(['@docs']);
    expect(ownersOf('**/logs @logs\n', 'a/b/logs/x')).toEqual(['@logs']);
    expect(ownersOf('src/**/test.js @t\n', 'src/test.js')).toEqual(['@t']);
    expect(ownersOf('src/**/test.js @t\n', 'src/a/b/test.js')).toEqual(['@t']);
    expect(ownersOf('*.md @md\n', '.github/PULL_REQUEST_TEMPLATE.md')).toEqual(['@md']);
  });

  it('takes what GitHub does not support literally, and escaped # as part of a pattern', () => {
    expect(ownersOf('!secret.txt @x\n', 'secret.txt')).toBeUndefined();
    expect(ownersOf('!secret.txt @x\n', '!secret.txt')).toEqual(['@x']);
    expect(ownersOf('file[1].txt @x\n', 'file1.txt')).toBeUndefined();
    expect(ownersOf('file[1].txt @x\n', 'file[1].txt')).toEqual(['@x']);
    expect(ownersOf('\\#notes.md @x\n', '#notes.md')).toEqual(['@x']);
  });
});
