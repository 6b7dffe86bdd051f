import type { RequestHandler } from 'express';
import { checkBearer } from './constant-time-equal';
import { HttpError } from './http-error';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * For the admin endpoints (/metrics shows service names and costs; /selftest starts a workflow):
 * with ADMIN_TOKEN set, a Bearer token is required; without it, only loopback clients are served.
 */
export function adminOnly(adminToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (adminToken) {
      const denied = checkBearer(req.get('authorization'), adminToken);
      next(denied ? new HttpError(401, 'unauthorized', `Admin endpoint: ${denied}`) : undefined);
      return;
    }
    if (isLoopback(req.socket.remoteAddress)) return next();
    next(
      new HttpError(
        403,
        'forbidden',
        'Admin endpoints answer loopback clients only: set ADMIN_TOKEN to reach them from elsewhere',
      ),
    );
  };
}
