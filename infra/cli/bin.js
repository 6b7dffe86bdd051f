#!/usr/bin/env node
// The `bugfix` bin: runs the TypeScript CLI through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
