import { ref, shallowRef } from 'vue'
import type { Page } from './api/types'

/**
 * useKeyset loads a list page by page with the API's opaque cursor
 * (加载更多): reload() starts again, more() appends the next page.
 */
export function useKeyset<T>(load: (cursor: string | undefined) => Promise<Page<T>>) {
  const items = shallowRef<T[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  let generation = 0

  async function fetchPage(cursor: string | undefined, append: boolean) {
    const gen = ++generation
    loading.value = true
    error.value = null
    try {
      const page = await load(cursor)
      if (gen !== generation) return
      items.value = append ? [...items.value, ...page.items] : page.items
      next.value = page.next_cursor ?? null
      loaded.value = true
    } catch (e) {
      if (gen === generation) error.value = e
    } finally {
      if (gen === generation) loading.value = false
    }
  }

  return {
    items,
    next,
    loading,
    loaded,
    error,
    reload: () => fetchPage(undefined, false),
    more: () => (next.value ? fetchPage(next.value, true) : Promise.resolve()),
  }
}

/** saveBlob hands a downloaded file to the browser. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function formatTime(s?: string | null): string {
  if (!s) return '—'
  return s.replace('T', ' ').replace(/([+-]\d\d:\d\d|Z)$/, '')
}

export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined) return '—'
  return (r * 100).toFixed(1) + '%'
}
