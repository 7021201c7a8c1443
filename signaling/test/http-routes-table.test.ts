import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { RequestHandler } from 'express';
import { httpRoutes, type HttpRouteSpec } from '@ehop/protocol';
import { createHttpApp, type HttpAppOptions } from '../src/app/http-app.js';

/*
 * The HTTP route table of the protocol (protocol/src/http-routes.ts) is what third parties build
 * on, so it must list exactly the routes the real express app registers: this builds the app with
 * the real wiring (http-app.ts) and walks express's router stack.
 */

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** Every `METHOD /path` registered under `prefix`, with mounted routers' paths joined. */
function registeredRoutes(stack: RouterLayer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') return []; // the web app's catch-all (a RegExp)
      const path = joinPaths(prefix, layer.route.path);
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${path}`);
    }
    if (layer.handle.stack && typeof layer.rawPath === 'string') return registeredRoutes(layer.handle.stack, joinPaths(prefix, layer.rawPath));
    return [];
  });
}

function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/** Route factories only keep their services for later: the app is built without any of them running. */
function unusedServices(): HttpAppOptions {
  const anything: object = new Proxy(() => undefined, { get: (_target, key) => (key === 'then' ? undefined : anything) });
  const sessionMiddleware: RequestHandler = (_req, _res, next) => next();
  return new Proxy({} as HttpAppOptions, {
    get: (_target, key) => {
      if (key === 'logger') return pino({ level: 'silent' });
      if (key === 'clientDist') return '/nonexistent-client-dist';
      if (key === 'sessionMiddleware') return sessionMiddleware;
      return anything;
    },
  });
}

describe('the HTTP route table of the protocol', () => {
  const app = createHttpApp(unusedServices()) as unknown as { router: { stack: RouterLayer[] } };
  const registered = registeredRoutes(app.router.stack);

  it('lists exactly the routes the app registers', () => {
    expect(registered.length).toBeGreaterThan(30);
    expect([...registered].sort()).toEqual(Object.keys(httpRoutes).sort());
  });

  it.each(Object.entries(httpRoutes) as [string, HttpRouteSpec][])('%s: its key, method, path and path parameters agree', (name, route) => {
    expect(name).toBe(`${route.method} ${route.path}`);
    const inPath = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]).sort();
    const inSchema = route.params && 'shape' in route.params ? Object.keys(route.params.shape as object).sort() : [];
    expect(inSchema).toEqual(inPath);
  });
});
