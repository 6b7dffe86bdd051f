import type { Config } from '../platform/config/load-config';
import { skip, type CheckGroup, type DoctorCheck, type Outcome } from './check';

/** A check the configuration alone answers: it runs everywhere, `npm start` included, and calls nothing. */
export function configCheck(id: string, group: CheckGroup, evaluate: (config: Config) => Outcome): DoctorCheck {
  return {
    id,
    group,
    fast: true,
    timeoutHint: '',
    precondition: evaluate,
    // Never reached: the precondition always answers.
    run: () => Promise.resolve(skip('configuration only')),
  };
}
