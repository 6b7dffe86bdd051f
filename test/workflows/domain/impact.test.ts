import { describe, expect, it } from 'vitest';
import { attributeNewError, DEFAULT_MIN_JUMP, touchedFiles } from '../../../workflows/domain/impact';
import { parseErrorStack } from '../../../workflows/domain/identity/fingerprint';
import { stackFiles } from '../../../workflows/domain/stack-files';

describe('touchedFiles: the changed files a stack runs through', () => {
  it('matches deploy paths, Windows paths, file:// and webpack URLs to repository paths', () => {
    const changed = ['src/cart.ts', 'src/Orders/Checkout.cs', 'lib/money.js', 'src/untouched.ts'];
    expect(
      touchedFiles(
        ['/app/src/cart.ts', 'C:\\build\\agent\\src\\Orders\\Checkout.cs', 'webpack:///./lib/money.js?abc'],
        changed,
      ),
    ).toEqual(['src/cart.ts', 'src/Orders/Checkout.cs', 'lib/money.js']);
    expect(touchedFiles(['file:///srv/app/src/cart.ts'], changed)).toEqual(['src/cart.ts']);
  });

  it('maps a JVM package path onto the repository path that ends with it', () => {
    const stack = parseErrorStack(
      'java.lang.IllegalStateException: closed\n\tat com.acme.orders.OrderService.place(OrderService.java:42)',
    );
    expect(touchedFiles(stackFiles(stack), ['src/main/java/com/acme/orders/OrderService.java'])).toEqual([
      'src/main/java/com/acme/orders/OrderService.java',
    ]);
  });

  it('a repository-root file matches its deploy path; a bare stack file name does not stand for a deeper path', () => {
    expect(touchedFiles(['/app/server.js'], ['server.js'])).toEqual(['server.js']);
    expect(touchedFiles(['index.js'], ['src/index.js'])).toEqual([]);
    expect(touchedFiles(['index.js'], ['index.js'])).toEqual(['index.js']);
  });

  it('a path that only shares a suffix inside a name is another file', () => {
    expect(touchedFiles(['/app/src/mycart.ts'], ['src/cart.ts', 'cart.ts'])).toEqual([]);
    expect(touchedFiles(['/app/src/cart.ts'], ['other/src/cart.ts'])).toEqual([]);
  });
});

describe('attributeNewError: why a new error is put down to the deploy', () => {
  const files = ['/app/src/checkout/discount.ts', '/app/src/server.ts'];

  it('changed-files when its stack runs through a changed file', () => {
    expect(attributeNewError({ count: 1, stackFiles: files, changedFiles: ['src/checkout/discount.ts'] })).toEqual({
      touchedFiles: ['src/checkout/discount.ts'],
      attributedBy: ['changed-files'],
    });
  });

  it(`rate-jump from ${DEFAULT_MIN_JUMP} occurrences by default, or the caller's minJump`, () => {
    const none = { stackFiles: files, changedFiles: ['docs/README.md'] };
    expect(attributeNewError({ ...none, count: DEFAULT_MIN_JUMP - 1 }).attributedBy).toEqual([]);
    expect(attributeNewError({ ...none, count: DEFAULT_MIN_JUMP }).attributedBy).toEqual(['rate-jump']);
    expect(attributeNewError({ ...none, count: 2, minJump: 2 }).attributedBy).toEqual(['rate-jump']);
    // A threshold of 0 would make every error a burst: it counts as 1.
    expect(attributeNewError({ ...none, count: 1, minJump: 0 }).attributedBy).toEqual(['rate-jump']);
  });

  it('both reasons when both hold; none without a stack or a burst', () => {
    expect(attributeNewError({ count: 9, stackFiles: files, changedFiles: ['src/server.ts'] }).attributedBy).toEqual([
      'changed-files',
      'rate-jump',
    ]);
    expect(attributeNewError({ count: 1, stackFiles: [], changedFiles: ['src/server.ts'] })).toEqual({
      touchedFiles: [],
      attributedBy: [],
    });
  });
});
