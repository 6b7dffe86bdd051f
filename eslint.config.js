// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', '.data/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
            ...['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'express', 'isomorphic-git', '@slack/web-api', '@octokit/rest', '@datadog/datadog-api-client'].map((name) => ({
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
            { group: ['**/api/**', '**/workers/**', '**/infra/**'], message: 'Workflow code cannot depend on the ingress, workers or infra.' },
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
