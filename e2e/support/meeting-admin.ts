import { expect, request as playwrightRequest } from '@playwright/test';
import { DEMO_PASSWORD } from './meeting-page.js';

export interface MeetingSetup {
  title: string;
  members: { userId: string; role: 'chair' | 'secretary' | 'delegate' | 'endpoint' | 'observer' }[];
  invitedUnitIds?: string[];
}

/**
 * Creates and publishes a meeting through the administration API, as the demo administrator
 * would from the admin screens: each test gets its own meeting, so tests never share state.
 */
export async function createPublishedMeeting(setup: MeetingSetup): Promise<string> {
  const api = await playwrightRequest.newContext({ baseURL: process.env.EHOP_BASE_URL });
  try {
    const login = await api.post('/api/auth/login', { data: { username: 'admin', password: DEMO_PASSWORD } });
    expect(login.status()).toBe(200);
    const created = await api.post('/api/admin/meetings', {
      data: { startsAt: new Date().toISOString(), location: 'Phòng họp trực tuyến', invitedUnitIds: [], ...setup },
    });
    expect(created.status(), await created.text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const published = await api.post(`/api/meetings/${id}/status`, { data: { status: 'published' } });
    expect(published.status(), await published.text()).toBe(200);
    return id;
  } finally {
    await api.dispose();
  }
}
