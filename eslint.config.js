// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The layers, bottom up (README: Architecture). A file may import its own layer and those below,
 * never one above: the domain imports nothing of the project, adapters never reach into the
 * workflows or the entry points, and no production file imports test/.
 */
export const LAYERS = [
  ['workflows/domain/', 0, 'the domain'],
  ['infra/platform/', 1, 'the platform'],
  ['activities/', 2, 'the adapters'],
  ['workflows/', 3, 'the workflows'],
  ['api/', 4, 'the ingress'],
  ['workers/', 4, 'the workers'],
  ['infra/', 5, 'the tools'],
  ['test/', 6, 'the tests'],
];
const layerOf = (file) => LAYERS.find(([prefix]) => file.startsWith(prefix));

const layersRule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      upward:
        '{{file}} is in {{fromName}} and must not import {{target}} in {{toName}}: imports only go down the layers (README: Architecture).',
    },
  },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = layerOf(file);
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/');
      const to = layerOf(`${target}/`) ?? layerOf(target);
      if (to && to[1] > from[1])
        context.report({ node, messageId: 'upward', data: { file, fromName: from[2], target, toName: to[2] } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', '.data/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { project: { rules: { layers: layersRule } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'project/layers': 'error',
    },
  },
  {
    // Workflow code is replayed: it must be deterministic. It runs in the SDK's
    // sandbox where Date and timers are already workflow-time; what it must not
    // touch is I/O, Node built-ins, real randomness, or activity implementations.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Workflow code must be deterministic: no Node built-ins.',
            })),
            ...[
              '@temporalio/client',
              '@temporalio/worker',
              '@temporalio/activity',
              'express',
              'isomorphic-git',
              '@slack/web-api',
              '@octokit/rest',
              '@datadog/datadog-api-client',
            ].map((name) => ({
              name,
              message: 'Not allowed in workflow code: do I/O in an activity.',
            })),
          ],
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows import activities as types only (proxyActivities<typeof activities>).',
            },
            {
              group: ['**/api/**', '**/workers/**', '**/infra/**'],
              message: 'Workflow code cannot depend on the ingress, workers or infra.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'Buffer', 'require', '__dirname', '__filename', 'setImmediate', 'fetch'].map((name) => ({
          name,
          message: 'Not available or not deterministic in workflow code.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow for randomness.' },
      ],
    },
  },
);
