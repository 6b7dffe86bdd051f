import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startDatadogFake, type DatadogFake } from '../fakes/datadog-fake';

/**
 * One Datadog fake for the test file, and before each test a service name of its own (so the logs and
 * metrics one test adds never count in another's query) and an empty request log, handed to `use`.
 */
export function datadogFakePerTest(prefix: string, use: (fake: DatadogFake, service: string) => void): void {
  let fake: DatadogFake | undefined;
  let n = 0;
  beforeAll(async () => {
    fake = await startDatadogFake();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake!.requests.length = 0;
    use(fake!, `${prefix}-${++n}`);
  });
}
