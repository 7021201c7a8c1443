import { parseRoute, routeHash, type Route } from './router.js';

/** The current route, kept in step with `location.hash`. */
class HashRouter {
  current = $state<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseRoute(location.hash);
    });
  }

  go(route: Route): void {
    const hash = routeHash(route);
    if (location.hash === hash) this.current = parseRoute(hash);
    else location.hash = hash;
  }
}

export const router = new HashRouter();
