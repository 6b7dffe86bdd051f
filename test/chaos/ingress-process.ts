/**
 * The ingress in a process of its own, as in production (`npm run api`), started by the chaos
 * suite with its configuration in the environment. It also watches its own event loop and
 * answers the parent over IPC: `reset` clears the histogram, `stall` reports the worst delay and the CPU time used.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readConfig } from '../../infra/platform/config/read-config';
import { startApi } from '../../api/main';

export type IngressMessage = { type: 'reset' } | { type: 'stall' };
export type IngressReply =
  { type: 'ready'; url: string } | { type: 'stall'; maxMs: number; p99Ms: number; cpuMs: number };

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const api = await startApi(readConfig());
const reply = (m: IngressReply) => process.send?.(m);
// The CPU time this process used since the reset: a loop blocked by its own work burns CPU all along,
// one that merely waited for a core (a busy machine) does not.
let cpuFrom = process.cpuUsage();
process.on('message', (m: IngressMessage) => {
  if (m.type === 'reset') {
    delay.reset();
    cpuFrom = process.cpuUsage();
    return;
  }
  const cpu = process.cpuUsage(cpuFrom);
  reply({
    type: 'stall',
    maxMs: delay.max / 1e6,
    p99Ms: delay.percentile(99) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
});
// The parent gone (killed, or the test over) means this process has no reason to stay.
process.on('disconnect', () => void api.close().finally(() => process.exit(0)));
reply({ type: 'ready', url: api.url });
