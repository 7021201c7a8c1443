import { z } from 'zod';

/** Request bodies of the HTTP API (`/api/...`). Responses carry domain types from domain.ts. */
export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const MeetingIdParams = z.object({ meetingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** `GET /healthz` on every service. */
export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  service: z.string(),
  checks: z.record(z.string(), z.boolean()),
});
export type Health = z.infer<typeof Health>;
