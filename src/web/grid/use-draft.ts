// A form kept as a draft while it is typed: restored when the form opens, saved a moment after each change, removed
// after the server accepted it. `savedAt` drives the "draft kept" line the worker sees.
import { ref, watch } from 'vue'
import { clearDraft, loadDraft, saveDraft } from './drafts.ts'

export function useDraft<T extends object> (owner: string, key: string, state: T) {
  const savedAt = ref<number | null>(null)
  const restored = ref(false)
  const failed = ref(false)
  let ready = false
  let finished = false
  let timer: ReturnType<typeof setTimeout> | undefined

  /** Puts a saved draft back into `state`; `merge` fits it to what the form holds now (e.g. the members of today). */
  async function restore (merge: (saved: T) => void = (saved) => { Object.assign(state, saved) }): Promise<void> {
    const d = await loadDraft<T>(owner, key)
    if (d !== null && !finished) {
      merge(d.value)
      savedAt.value = d.savedAt
      restored.value = true
    }
    ready = true
  }

  async function save (): Promise<void> {
    if (!ready || finished) return
    const ok = await saveDraft(owner, key, state)
    failed.value = !ok
    if (ok) savedAt.value = Date.now()
  }

  watch(() => state, () => {
    if (!ready || finished) return
    clearTimeout(timer)
    timer = setTimeout(() => { void save() }, 250)
  }, { deep: true })

  /** Saves at once (before a submit, so an offline submit leaves the latest text behind). */
  async function flush (): Promise<void> {
    clearTimeout(timer)
    await save()
  }

  async function clear (): Promise<void> {
    finished = true
    clearTimeout(timer)
    await clearDraft(owner, key)
    savedAt.value = null
    restored.value = false
  }

  return { savedAt, restored, failed, restore, flush, clear }
}
