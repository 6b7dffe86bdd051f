import os from 'node:os';

export interface SelfTestActivities {
  echo(note: string): Promise<{ echoed: string; worker: string }>;
}

export const selfTestActivities: SelfTestActivities = {
  async echo(note) {
    return { echoed: note, worker: `${os.hostname()}:${process.pid}` };
  },
};
