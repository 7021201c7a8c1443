import type { MeetingRole, MinutesPermissions, MinutesStatus } from '@ehop/protocol';

/*
 * Who may do what with the minutes, as pure functions (the service enforces them; the UI only
 * shows their outcome). The secretary writes, the chair approves: only the secretary edits, and
 * only a draft. The chair does not edit; a chair who wants changes returns the minutes to draft,
 * so the text the chair approves is always the secretary's and every change has one author.
 */

export type MinutesAction = 'edit' | 'submit' | 'approve' | 'return';

const RULES: Record<MinutesAction, { role: MeetingRole; from: MinutesStatus }> = {
  edit: { role: 'secretary', from: 'draft' },
  submit: { role: 'secretary', from: 'draft' },
  approve: { role: 'chair', from: 'submitted' },
  return: { role: 'chair', from: 'submitted' },
};

/** The status an action leads to. */
export const NEXT_STATUS: Record<MinutesAction, MinutesStatus> = {
  edit: 'draft',
  submit: 'submitted',
  approve: 'approved',
  return: 'draft',
};

export type Refusal = 'forbidden' | 'wrong_status';

/** Null when `role` may do `action` on minutes in `status`; else why not. */
export function refusal(action: MinutesAction, role: MeetingRole, status: MinutesStatus): Refusal | null {
  const rule = RULES[action];
  if (role !== rule.role) return 'forbidden';
  if (status !== rule.from) return 'wrong_status';
  return null;
}

export function permissionsOf(role: MeetingRole, status: MinutesStatus): MinutesPermissions {
  return {
    edit: refusal('edit', role, status) === null,
    submit: refusal('submit', role, status) === null,
    approve: refusal('approve', role, status) === null,
    returnToDraft: refusal('return', role, status) === null,
  };
}

/** The chair and secretary read the minutes at every stage; other members once approved. */
export function canRead(role: MeetingRole, status: MinutesStatus | null): boolean {
  if (role === 'chair' || role === 'secretary') return true;
  return status === 'approved';
}

/** Only the people who write and approve them cause the minutes to exist (from the skeleton). */
export function canCreate(role: MeetingRole): boolean {
  return role === 'chair' || role === 'secretary';
}
