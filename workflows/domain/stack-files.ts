import type { ParsedStack } from './identity/parsed-stack';

/**
 * The service's own files a stack trace names, innermost first, once each: what CODEOWNERS is
 * asked about. Paths are as the runtime printed them (often absolute deploy paths such as
 * `/app/src/orders.js`); the git activity maps them onto the repository by suffix. JVM frames
 * name only the file, so the package of the frame's class gives its directory.
 */
export function stackFiles(stack: ParsedStack, max = 20): string[] {
  const files: string[] = [];
  for (const frame of stack.frames) {
    if (!frame.inApp || frame.file.startsWith('<')) continue;
    const file = stack.language === 'java' ? javaPath(frame.function, frame.file) : frame.file;
    if (!files.includes(file)) files.push(file);
    if (files.length >= max) break;
  }
  return files;
}

/** `com.acme.orders.OrderService$Inner.place` + `OrderService.java` → `com/acme/orders/OrderService.java`. */
function javaPath(qualified: string | undefined, file: string): string {
  if (file.includes('/')) return file;
  const parts = (qualified ?? '').split('.');
  // Drop the method and the class: the package is what is left, when it looks like one.
  const pkg = parts.slice(0, -2).filter((p) => /^[a-z_][\w]*$/.test(p));
  return pkg.length === parts.length - 2 && pkg.length ? `${pkg.join('/')}/${file}` : file;
}
