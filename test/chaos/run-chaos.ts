/**
 * `npm run chaos`: the fault and abuse suite at full size (or as set by flags / CHAOS_* variables,
 * see options.ts). Prints the figures and the targets, writes them as JSON to --report /
 * CHAOS_REPORT when given, and exits 1 when a target is missed.
 */
import { writeFile } from 'node:fs/promises';
import { chaosOptions } from './options';
import { runChaos } from './chaos';
import { formatFigures, targets } from './report';

const options = chaosOptions(process.argv.slice(2));
const figures = await runChaos(options, (line) => console.log(line));
console.log(formatFigures(figures));
const json = JSON.stringify({ options, figures, targets: targets(figures) }, null, 2);
if (options.reportPath) await writeFile(options.reportPath, json);
else console.log(json);
process.exit(targets(figures).every((t) => t.value <= t.max) ? 0 : 1);
