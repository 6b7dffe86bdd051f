import { describe, expect, it } from 'vitest';
import { serviceCells } from '../../../../workflows/domain/report/report-text';

describe('serviceCells', () => {
  const figures = {
    service: 'shop-api',
    runs: 5,
    verified: 3,
    regressed: 1,
    reverted: 1,
    rejected: 1,
    open: 0,
    costUsd: 1.5,
    costPerVerifiedFixUsd: 0.5,
    medianToVerifiedMs: 754_000,
  };

  it("gives one service's figures in the per-service table's column order", () => {
    expect(serviceCells(figures)).toEqual(['shop-api', '5', '3', '1', '1', '1', '0', '$1.50', '$0.50', '13m']);
  });

  it('reads the median with the caller\'s duration format, and "-" for figures it lacks', () => {
    const cells = serviceCells(
      { ...figures, verified: 0, costPerVerifiedFixUsd: undefined, medianToVerifiedMs: 400 },
      (ms) => `${ms}ms`,
    );
    expect(cells.slice(-3)).toEqual(['$1.50', '-', '400ms']);
  });
});
