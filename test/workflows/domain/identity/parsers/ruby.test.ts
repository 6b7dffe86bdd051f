import { describe, expect, it } from 'vitest';
import { parseStack } from '../../../../../workflows/domain/identity/parse-stack';
import { readStack } from '../read-stack';

describe('Ruby backtraces', () => {
  it("reads `file:line:in 'm': message (ErrorClass)` and drops the error_highlight excerpt", () => {
    const parsed = parseStack(readStack('ruby-nomethod.txt'));
    expect(parsed.errorType).toBe('NoMethodError');
    expect(parsed.message).toBe("undefined method 'email' for nil");
    expect(parsed.frames.slice(0, 2)).toEqual([
      { function: 'InvoiceMailer#recipient', file: '/app/app/services/invoice_mailer.rb', line: 23, inApp: true },
      { function: 'InvoiceMailer#deliver', file: '/app/app/services/invoice_mailer.rb', line: 11, inApp: true },
    ]);
    expect(parsed.frames.slice(4).map((f) => [f.function, f.inApp])).toEqual([
      ['block in ActiveJob::Execution#_perform_job', false], // a gem
      ['Benchmark.realtime', false], // the standard library
      ['Kernel#loop', false], // <internal:kernel>
    ]);
  });

  it("reads Rails' `ErrorClass (message):` header and backtick-quoted methods", () => {
    const parsed = parseStack(readStack('ruby-rails.txt'));
    expect(parsed.errorType).toBe('ActiveRecord::RecordNotFound');
    expect(parsed.message).toBe("Couldn't find Order with 'id'=90871");
    expect(parsed.frames.map((f) => `${f.function}@${f.file}:${f.line}:${f.inApp}`)).toEqual([
      'set_order@app/controllers/orders_controller.rb:54:true',
      'block (2 levels) in with_tenant@app/controllers/concerns/tenant_scoped.rb:12:true',
      'block in make_lambda@/usr/local/bundle/gems/activesupport-7.0.8/lib/active_support/callbacks.rb:400:false',
      'block (2 levels) in <module:Callbacks>@/usr/local/bundle/gems/actionpack-7.0.8/lib/abstract_controller/callbacks.rb:34:false',
      'synchronize@/usr/local/lib/ruby/3.2.0/monitor.rb:202:false',
    ]);
  });

  it('reads `ErrorClass: message` headers and old-style uncaught first lines', () => {
    const prefixed = parseStack(
      "Stripe::CardError: Your card was declined.\n/app/lib/billing.rb:9:in `charge!'\n/app/lib/billing.rb:3:in `run'",
    );
    expect(prefixed).toMatchObject({ errorType: 'Stripe::CardError', message: 'Your card was declined.' });
    expect(prefixed.frames).toHaveLength(2);
    const uncaught = parseStack(
      "script.rb:4:in `divide': divided by 0 (ZeroDivisionError)\n\tfrom script.rb:8:in `<main>'",
    );
    expect(uncaught).toEqual({
      language: 'ruby',
      errorType: 'ZeroDivisionError',
      message: 'divided by 0',
      frames: [
        { function: 'divide', file: 'script.rb', line: 4, inApp: true },
        { function: '<main>', file: 'script.rb', line: 8, inApp: true },
      ],
    });
  });
});
