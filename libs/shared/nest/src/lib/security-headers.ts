import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Headers every answer carries. The API serves personal data to staff screens: nothing may be
 * cached on the way or sniffed as another type, framed by another site, or leak the URL (which
 * holds client ids) to another origin; and the framework does not advertise itself.
 */
const HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The API answers JSON only; the Swagger UI under /docs needs its own scripts and styles.
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

export function useSecurityHeaders(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  express.disable('x-powered-by');
  app.use((request: Request, response: Response, next: NextFunction) => {
    for (const [name, value] of Object.entries(HEADERS)) {
      if (name === 'Content-Security-Policy' && request.path.startsWith('/docs')) continue;
      response.setHeader(name, value);
    }
    next();
  });
}
