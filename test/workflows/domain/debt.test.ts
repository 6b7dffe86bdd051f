import { describe, expect, it } from 'vitest';
import {
  MAX_ACTION_VALUE,
  debtAsError,
  debtItemId,
  fixDebtValue,
  frameInFile,
  mergeDebtScan,
  parseDebtItems,
  parseFixDebtValue,
  stackLineNaming,
  type DebtItem,
  type FoundDebtItem,
} from '../../../workflows/domain/debt';
import { fingerprintError, parseErrorStack } from '../../../workflows/domain/identity/fingerprint';

const WEEK1 = '2025-01-06T09:00:00.000Z';
const WEEK2 = '2025-01-13T09:00:00.000Z';

const port: FoundDebtItem = {
  file: 'src/server.ts',
  line: 17,
  title: 'Hard-coded listen port',
  why: 'The port cannot be changed per environment.',
  effort: 'S',
  risk: 'low',
};
const cast: FoundDebtItem = {
  file: 'src/users.ts',
  line: 19,
  title: 'Untyped records cast to User',
  why: 'Guests lack a profile but the type says every user has one.',
  effort: 'M',
  risk: 'high',
};
const cart: FoundDebtItem = {
  file: 'src/server.ts',
  line: 12,
  title: 'Cart contents hard-coded in the handler',
  why: 'Every checkout buys two mugs.',
  effort: 'M',
  risk: 'medium',
};

describe('debt item ids', () => {
  it('are the same for the same file and title whatever the spelling, and differ otherwise', () => {
    const id = debtItemId('src/server.ts', 'Hard-coded listen port');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(debtItemId('./src/server.ts', '  hard coded   listen PORT. ')).toBe(id);
    expect(debtItemId('src\\server.ts', 'Hard-coded listen port')).toBe(id);
    expect(debtItemId('src/other.ts', 'Hard-coded listen port')).not.toBe(id);
    expect(debtItemId('src/server.ts', 'Hard-coded host name')).not.toBe(id);
  });
});

describe('mergeDebtScan', () => {
  it('gives a first scan hash ids, all new, nothing resolved', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    expect(first.items.map((i) => i.id)).toEqual([
      debtItemId(port.file, port.title),
      debtItemId(cast.file, cast.title),
    ]);
    expect(first.items.every((i) => i.status === 'open' && i.firstSeen === WEEK1 && i.lastSeen === WEEK1)).toBe(true);
    expect(first.resolved).toEqual([]);
  });

  it('keeps the id the model reused, resolves what it omitted, and adds the new item', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    const portId = first.items[0]!.id;
    // Reworded and moved: only the reused id says it is the same item.
    const again = { ...port, id: portId, line: 18, title: 'Listen port is a literal' };
    const second = mergeDebtScan(first, [again, cart], WEEK2);
    expect(second.items.map((i) => [i.id, i.title, i.firstSeen, i.lastSeen])).toEqual([
      [portId, 'Listen port is a literal', WEEK1, WEEK2],
      [debtItemId(cart.file, cart.title), cart.title, WEEK2, WEEK2],
    ]);
    expect(second.resolved).toEqual([
      expect.objectContaining({ id: first.items[1]!.id, status: 'resolved', resolvedAt: WEEK2, firstSeen: WEEK1 }),
    ]);
  });

  it('never lists an item twice: a reused id given twice, or a duplicate of an existing item', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    const portId = first.items[0]!.id;
    const second = mergeDebtScan(
      first,
      [{ ...port, id: portId }, { ...cast, id: portId }, { ...port, line: 30 }, cast],
      WEEK2,
    );
    const ids = second.items.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([portId, debtItemId(cast.file, cast.title)]);
    expect(second.resolved).toEqual([]);
  });

  it('ignores an unknown or resolved id from the model and falls back to the hash', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    const second = mergeDebtScan(first, [port], WEEK2);
    const castId = first.items[1]!.id;
    expect(second.resolved.map((i) => i.id)).toEqual([castId]);
    // The model points a new item at the resolved one's id: that id is not an open item, so it is not reused.
    const third = mergeDebtScan(second, [port, { ...cart, id: castId }], '2025-01-20T09:00:00.000Z');
    expect(third.items.map((i) => i.id)).toEqual([first.items[0]!.id, debtItemId(cart.file, cart.title)]);
    expect(third.resolved.map((i) => i.id)).toEqual([castId]);
  });

  it('reopens a resolved item that comes back, keeping when it was first seen', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    const second = mergeDebtScan(first, [port], WEEK2);
    const third = mergeDebtScan(second, [port, cast], '2025-01-20T09:00:00.000Z');
    const castItem = third.items.find((i) => i.title === cast.title)!;
    expect(castItem).toMatchObject({ status: 'open', firstSeen: WEEK1 });
    expect(castItem.resolvedAt).toBeUndefined();
    expect(third.resolved).toEqual([]);
  });

  it('keeps resolved items for a while, then drops them', () => {
    const first = mergeDebtScan(undefined, [port, cast], WEEK1);
    const second = mergeDebtScan(first, [port], WEEK2);
    const soon = mergeDebtScan(second, [port], '2025-02-01T09:00:00.000Z', 30 * 86_400_000);
    expect(soon.resolved.map((i) => i.title)).toEqual([cast.title]);
    const later = mergeDebtScan(soon, [port], '2025-03-01T09:00:00.000Z', 30 * 86_400_000);
    expect(later.resolved).toEqual([]);
  });
});

describe('parseDebtItems', () => {
  it('keeps well-formed items up to topN and drops the rest', () => {
    const parsed = parseDebtItems(
      {
        items: [
          { ...port, file: './src/server.ts', title: ' Hard-coded\nlisten port ' },
          { ...cast, effort: 'XL' },
          { ...cart, line: -3, id: 'not an id!' },
          { ...cast, title: '' },
          { ...cast },
        ],
      },
      3,
    );
    expect(parsed).toEqual([{ ...port, title: 'Hard-coded listen port' }, { ...cart, line: 1 }, cast]);
    expect(parseDebtItems({ items: 'none' }, 5)).toEqual([]);
    expect(parseDebtItems(null, 5)).toEqual([]);
  });
});

describe('the Fix this value', () => {
  const item: DebtItem = {
    ...port,
    id: debtItemId(port.file, port.title),
    status: 'open',
    firstSeen: WEEK1,
    lastSeen: WEEK1,
  };
  const scan = { workflowId: 'bugfix-debt-scan-shop-api-2025-01-06T09:00:00Z', repository: 'shop-api' };

  it('carries the item and its scan, and reads back', () => {
    expect(parseFixDebtValue(fixDebtValue(item, scan))).toEqual({
      itemId: item.id,
      scanWorkflowId: scan.workflowId,
      repository: 'shop-api',
      file: port.file,
      line: port.line,
      title: port.title,
      why: port.why,
    });
    expect(parseFixDebtValue('bugfix-shop-api-0123')).toBeUndefined();
    expect(parseFixDebtValue('{"i":"x"}')).toBeUndefined();
  });

  it("stays under Slack's 2000 characters however long the explanation, quotes and all", () => {
    const long = { ...item, why: '"quoted" \\ and é '.repeat(400) };
    const value = fixDebtValue(long, scan);
    expect(value.length).toBeLessThanOrEqual(MAX_ACTION_VALUE);
    const back = parseFixDebtValue(value)!;
    expect(back.itemId).toBe(item.id);
    expect(back.why.length).toBeGreaterThan(1_000);
    expect(long.why.startsWith(back.why.slice(0, -1))).toBe(true);
  });

  it('fingerprints as a TechnicalDebt error at the item, the same for every click, another per item', () => {
    const req = parseFixDebtValue(fixDebtValue(item, scan))!;
    const e = debtAsError(req, 'shop-api');
    const identity = fingerprintError(e, parseErrorStack(e.stack));
    expect(identity).toMatchObject({
      service: 'shop-api',
      errorType: 'TechnicalDebt',
      topFrames: [`src/server.ts:debt_${item.id}`],
      language: 'node',
    });
    expect(identity.normalizedMessage).toContain('Hard-coded listen port');
    const again = fingerprintError(debtAsError({ ...req, why: 'reworded' }, 'shop-api'));
    expect(again.fingerprint).toBe(identity.fingerprint);
    const other = fingerprintError(debtAsError({ ...req, file: 'src/users.ts' }, 'shop-api'));
    expect(other.fingerprint).not.toBe(identity.fingerprint);
  });
});

describe('relating items to production errors', () => {
  it('matches a top frame in the file, with or without more leading directories', () => {
    expect(frameInFile('src/cart.ts:shippingLabel', 'src/cart.ts')).toBe(true);
    expect(frameInFile('app/src/cart.ts:shippingLabel', 'src/cart.ts')).toBe(true);
    expect(frameInFile('src/cart.ts:shippingLabel', 'services/shop/src/cart.ts')).toBe(true);
    expect(frameInFile('src/cart.tsx:render', 'src/cart.ts')).toBe(false);
    expect(frameInFile('src/mycart.ts:x', 'cart.ts')).toBe(false);
  });

  it('finds the stack line that names the file', () => {
    const stack =
      'TypeError: x\n    at shippingLabel (/app/src/cart.ts:14:29)\n    at checkout (/app/src/cart.ts:19:17)';
    expect(stackLineNaming(stack, 'src/cart.ts')).toBe('at shippingLabel (/app/src/cart.ts:14:29)');
    expect(stackLineNaming(stack, 'cart.ts')).toBe('at shippingLabel (/app/src/cart.ts:14:29)');
    expect(stackLineNaming(stack, 'rt.ts')).toBeUndefined();
    expect(stackLineNaming(stack, 'src/users.ts')).toBeUndefined();
  });
});
