import type { User } from '@ehop/protocol';
import { api } from './api.js';
import { disconnectSocket } from './socket.js';

/** Who is signed in. `undefined` while the first `/auth/me` is in flight. */
class Session {
  user = $state<User | null | undefined>(undefined);

  async restore(): Promise<void> {
    try {
      this.user = await api.me();
    } catch {
      this.user = null; // the server is unreachable: show the sign-in form, which will say so
    }
  }

  async signIn(username: string, password: string): Promise<void> {
    this.user = await api.login(username, password);
  }

  async signOut(): Promise<void> {
    disconnectSocket();
    try {
      await api.logout();
    } finally {
      this.user = null;
    }
  }

  /** The server said the session is gone (expired, revoked): drop to the sign-in form. */
  expired(): void {
    disconnectSocket();
    this.user = null;
  }
}

export const session = new Session();
