// A distinct sound and vibration per result, so a volunteer hears the verdict without looking (WebAudio: no sound files).
let audio: AudioContext | null = null

function tone (freq: number, start: number, ms: number, ctx: AudioContext): void {
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.frequency.value = freq
  osc.type = 'square'
  gain.gain.value = 0.15
  osc.connect(gain).connect(ctx.destination)
  osc.start(ctx.currentTime + start / 1000)
  osc.stop(ctx.currentTime + (start + ms) / 1000)
}

export type Feedback = 'allow' | 'deny' | 'invalid' | 'notice'
const PATTERNS: Record<Feedback, { tones: Array<[number, number, number]>, vibrate: number[] }> = {
  allow: { tones: [[1320, 0, 120]], vibrate: [80] },
  deny: { tones: [[440, 0, 180], [440, 260, 180]], vibrate: [200, 100, 200] },
  invalid: { tones: [[220, 0, 600]], vibrate: [500] },
  notice: { tones: [[660, 0, 80]], vibrate: [40] }
}

export function feedback (kind: Feedback): void {
  try {
    audio ??= new AudioContext()
    if (audio.state === 'suspended') void audio.resume()
    for (const [f, s, ms] of PATTERNS[kind].tones) tone(f, s, ms, audio)
  } catch { /* no audio */ }
  try { navigator.vibrate?.(PATTERNS[kind].vibrate) } catch { /* no vibration */ }
}
