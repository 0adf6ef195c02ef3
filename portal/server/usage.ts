import type { components } from '../../generated/types/platform/portal.v1';

type UsageDay = components['schemas']['UsageDay'];

/** What the portal needs of the gateway's usage records (gateway/policies/usage). */
export interface UsageSource {
  /** Writes this instance's counts not yet stored, so the answer includes the last seconds. */
  flush(): Promise<void>;
  read(clientIds: string[], fromDay: string, toDay: string): Promise<Array<{ clientId: string; day: string; requests: number; errors: number; throttled: number }>>;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` UTC days up to today, oldest first, with zeros for days without traffic. */
export async function usageDays(source: UsageSource, clientId: string, days: number, now: Date): Promise<UsageDay[]> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const from = isoDay(today - (days - 1) * DAY_MS);
  await source.flush();
  const byDay = new Map((await source.read([clientId], from, isoDay(today))).map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const date = isoDay(today - (days - 1 - i) * DAY_MS);
    const r = byDay.get(date);
    return { date, requests: r?.requests ?? 0, errors: r?.errors ?? 0, throttled: r?.throttled ?? 0 };
  });
}
