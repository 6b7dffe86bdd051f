import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH, normalizeMessage } from '../../../../workflows/domain/identity/normalize-message';

describe('normalizeMessage', () => {
  it.each([
    ['Order 3f2a9c1e-7b4d-4e8a-9c1d-2b3e4f5a6b7c not found', 'Order <uuid> not found'],
    [
      'object 507f1f77bcf86cd799439011 missing (sha DEADBEEF12, ptr 0x7ffe)',
      'object <hex> missing (sha <hex>, ptr <hex>)',
    ],
    ['no account for alice.smith+test@example.co.uk', 'no account for <email>'],
    ['connect ECONNREFUSED 10.0.3.17:5432', 'connect ECONNREFUSED <ip>'],
    ['connect ECONNREFUSED ::1:5432 and fe80::1ff:fe23:4567:890a', 'connect ECONNREFUSED <ip> and <ip>'],
    [
      'GET https://api.acme.io/v2/orders/991/items?page=3&token=abc#top failed',
      'GET https://api.acme.io/v2/orders/<num>/items?<query> failed',
    ],
    ['took 1534ms, retry 3 of 5, balance -12.50', 'took <num>ms, retry <num> of <num>, balance <num>'],
    ['lock expired at 2024-05-01T10:11:12.123Z (checked 10:11:13)', 'lock expired at <date> (checked <time>)'],
    ['User "alice smith" not found', 'User "<str>" not found'],
    ["invalid coupon 'SPRING24'", "invalid coupon '<str>'"],
    ['bad payload `{"a":1}`', 'bad payload `<str>`'],
    ['req_a1b2c3d4e5 for order-981 by user_8812', 'req_<hex> for order-<num> by user_<num>'],
    ['  multi\n\tline   message  ', 'multi line message'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeMessage(input)).toBe(expected);
  });

  it('keeps quoted code identifiers: they are what tells one runtime error from another', () => {
    expect(normalizeMessage("Cannot read properties of undefined (reading 'email')")).toBe(
      "Cannot read properties of undefined (reading 'email')",
    );
    expect(normalizeMessage("undefined method `upcase' for nil:NilClass")).toBe(
      "undefined method `upcase' for nil:NilClass",
    );
    expect(normalizeMessage('Cannot invoke "com.acme.Repo.find(long)" because "user" is null')).toBe(
      'Cannot invoke "com.acme.Repo.find(long)" because "user" is null',
    );
    expect(normalizeMessage("KeyError: 'user_id'")).not.toBe(normalizeMessage("KeyError: 'order_id'"));
  });

  it('leaves names with digits, versions and apostrophes alone', () => {
    expect(normalizeMessage("ERR_HTTP2_STREAM_ERROR: can't decode utf8 with sha256 on v1.2.3")).toBe(
      "ERR_HTTP2_STREAM_ERROR: can't decode utf8 with sha256 on v1.2.3",
    );
    expect(normalizeMessage('the deadbeef facade')).toBe('the deadbeef facade');
  });

  it('normalises two occurrences of one bug identically', () => {
    const a = "Payment 8812 for jane@shop.io failed: card 'tok_1PqRsT2' declined by 10.1.2.3 (req 5b1f0c2a9d)";
    const b = "Payment 90017 for bob@other.org failed: card 'tok_9ZyXwV8' declined by 10.9.8.7 (req 77aa01c3be)";
    expect(normalizeMessage(a)).toBe(normalizeMessage(b));
    expect(normalizeMessage(a)).toBe("Payment <num> for <email> failed: card '<str>' declined by <ip> (req <hex>)");
  });

  it('keeps different bugs apart', () => {
    expect(normalizeMessage('Order 12 not found')).not.toBe(normalizeMessage('Customer 12 not found'));
    expect(normalizeMessage("reading 'id'")).not.toBe(normalizeMessage("reading 'name'"));
    expect(normalizeMessage('timeout calling https://a.io/x')).not.toBe(
      normalizeMessage('timeout calling https://b.io/x'),
    );
  });

  it('bounds the length', () => {
    const long = `boom ${'word '.repeat(500)}`;
    const normalized = normalizeMessage(long);
    expect(normalized.length).toBe(MAX_MESSAGE_LENGTH);
    expect(normalized.endsWith('…')).toBe(true);
  });

  it('stays fast on pathological text, which some rules would take quadratic time on', () => {
    const started = Date.now();
    for (const text of ['a'.repeat(1_000_000), 'a1-'.repeat(300_000), '1.'.repeat(500_000)]) {
      expect(normalizeMessage(text).length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
