import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_METRICS_ADDRESS, workerMetricsAddress } from '../../../../infra/platform/observability/runtime';
import { ConfigError } from '../../../../infra/platform/config/load-config';

describe('WORKER_METRICS_ADDRESS', () => {
  it('defaults to loopback 9464, takes host:port, and "off" turns the endpoint off', () => {
    expect(workerMetricsAddress({})).toBe(DEFAULT_WORKER_METRICS_ADDRESS);
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '' })).toBe('127.0.0.1:9464');
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '0.0.0.0:9100' })).toBe('0.0.0.0:9100');
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: '[::1]:9100' })).toBe('[::1]:9100');
    expect(workerMetricsAddress({ WORKER_METRICS_ADDRESS: 'off' })).toBeUndefined();
  });

  it('refuses what is not host:port, naming the variable', () => {
    for (const bad of ['9464', 'http://127.0.0.1:9464', '127.0.0.1:99999', '127.0.0.1:']) {
      expect(() => workerMetricsAddress({ WORKER_METRICS_ADDRESS: bad }), bad).toThrow(ConfigError);
      expect(() => workerMetricsAddress({ WORKER_METRICS_ADDRESS: bad }), bad).toThrow(/WORKER_METRICS_ADDRESS/);
    }
  });
});
