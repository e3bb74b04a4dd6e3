// Times on the console: Asia/Shanghai wall-clock time, as the staff read it, whatever the browser's zone.
const FMT = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })

export function when (iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—'
  return FMT.format(new Date(iso))
}

/** Hours and minutes of a duration in ms (absolute). */
export function hm (ms: number): { h: number, m: number } {
  const total = Math.floor(Math.abs(ms) / 60_000)
  return { h: Math.floor(total / 60), m: total % 60 }
}

export const short = (id: string): string => id.length > 10 ? `${id.slice(0, 8)}…` : id
