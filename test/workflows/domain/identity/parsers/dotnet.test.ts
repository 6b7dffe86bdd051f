import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { cleanDotnetMethod } from '../../../../../workflows/domain/identity/parsers/dotnet';
import { readStack } from '../read-stack';

describe('.NET traces', () => {
  it('reads type, message, frames with `in file:line N`, and frames without source info', () => {
    const parsed = parseStack(readStack('dotnet-async.txt'));
    expect(parsed.errorType).toBe('System.InvalidOperationException');
    expect(parsed.message).toBe(
      'Order 7f3c2a91-4b5e-4d2f-9a8b-1c2d3e4f5a6b has no shipping address for customer 48213',
    );
    expect(parsed.frames[0]).toEqual({
      function: 'Acme.Orders.Domain.ShippingCalculator.Calculate',
      file: '/src/Acme.Orders/Domain/ShippingCalculator.cs',
      line: 58,
      inApp: true,
    });
    expect(parsed.frames[2]).toEqual({
      function: 'System.Linq.Enumerable.SelectListIterator`2.ToList',
      file: '<unknown>',
      inApp: false,
    });
    // `--- End of stack trace from previous location ---` is a marker, not a frame.
    expect(parsed.frames).toHaveLength(11);
  });

  it('marks System.*, Microsoft.* and dynamic lambda_method frames as not in-app', () => {
    const frames = parseStack(readStack('dotnet-async.txt')).frames;
    expect(frames.filter((f) => f.inApp).map((f) => f.function)).toEqual([
      'Acme.Orders.Domain.ShippingCalculator.Calculate',
      'Acme.Orders.Services.CheckoutService.PlaceOrderAsync.lambda',
      'Acme.Orders.Services.CheckoutService.PlaceOrderAsync',
      'Acme.Orders.Api.Controllers.CheckoutController.Post',
    ]);
  });

  it('reports the innermost exception of ` ---> ` chains and keeps its frames first', () => {
    const parsed = parseStack(readStack('dotnet-inner.txt'));
    expect(parsed.errorType).toBe('System.NullReferenceException');
    expect(parsed.message).toBe('Object reference not set to an instance of an object.');
    expect(parsed.frames.map((f) => f.function)).toEqual([
      'Acme.Billing.InvoiceRenderer.RenderAsync',
      'System.Threading.Tasks.Task.ThrowIfExceptional',
      'System.Threading.Tasks.Task.Wait',
      'Acme.Billing.MonthlyRun.Execute',
      'Acme.Billing.Program.Main',
    ]);
    expect(parsed.frames[0]?.file).toBe('C:\\agent\\_work\\1\\s\\src\\Acme.Billing\\InvoiceRenderer.cs');
  });

  it('names compiler-generated async, lambda and local-function methods after their source method', () => {
    expect(cleanDotnetMethod('Acme.Svc.<LoadAsync>d__12.MoveNext')).toBe('Acme.Svc.LoadAsync');
    expect(cleanDotnetMethod('Acme.Svc.<>c__DisplayClass3_0.<Run>b__2')).toBe('Acme.Svc.Run.lambda');
    expect(cleanDotnetMethod('Acme.Svc.<>c.<Run>b__3_1')).toBe('Acme.Svc.Run.lambda');
    expect(cleanDotnetMethod('Acme.Svc.<Run>g__Validate|4_0')).toBe('Acme.Svc.Run.Validate');
  });
});
