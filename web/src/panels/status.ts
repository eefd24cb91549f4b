// The signed-in user's own status (im.user.status.get / im.user.status.set): online, away, do
// not disturb. The platform also knows `break`; it is shown when set elsewhere.
import { ref } from 'vue'
import { call } from '../api/rest'

export const STATUSES = ['online', 'away', 'dnd'] as const

const LABELS: Record<string, string> = { online: 'Online', away: 'Away', dnd: 'Do not disturb', break: 'On a break' }

export const ownStatus = ref('online')

export function statusLabel(status: string): string {
  return LABELS[status] ?? status
}

export async function loadOwnStatus(): Promise<void> {
  try {
    const status = await call<string>('im.user.status.get')
    if (typeof status === 'string' && status) ownStatus.value = status
  } catch {
    // Keep the default; setting it shows the server's error.
  }
}

export async function setOwnStatus(status: string): Promise<void> {
  await call('im.user.status.set', { STATUS: status })
  ownStatus.value = status
}
