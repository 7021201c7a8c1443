import { z } from 'zod';

/*
 * The server's Content-Security-Policy forbids eval. zod would probe for it (`new Function`) to
 * compile faster validators; the probe fails harmlessly but the browser reports it as a policy
 * violation. Jitless: no probe, plain validation. Imported first by main.ts, before any schema runs.
 */
z.config({ jitless: true });
