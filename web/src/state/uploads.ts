// Files sent from the composer, the way Bitrix24's client does it: the chat's folder
// (im.disk.folder.get), an upload link for the file (disk.folder.uploadfile without content),
// the file POSTed to it with progress, then im.disk.file.commit posts it as a message. Each upload
// keeps its progress and error per dialog until it is done or dismissed.
import { reactive } from 'vue'
import { call, RestError } from '../api/rest'
import type { DialogId } from './types'

export interface Upload {
  key: number
  dialogId: DialogId
  file: File
  loaded: number
  status: 'waiting' | 'uploading' | 'committing' | 'done' | 'error'
  error: string
  abort?: () => void
}

export const uploads = reactive<Upload[]>([])
let seq = 0

export function uploadsOf(dialogId: DialogId): Upload[] {
  return uploads.filter((u) => u.dialogId === dialogId)
}

/** POSTs `file` to `url` (multipart, field `field`), reporting progress; resolves with `result`. */
function post(url: string, field: string, file: File, u: Upload): Promise<{ ID: number | string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    const form = new FormData()
    form.append(field, file, file.name)
    xhr.open('POST', url)
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) u.loaded = e.loaded
    }
    xhr.onload = () => {
      const body = xhr.response as { result?: { ID: number | string }; error?: string; error_description?: string } | null
      if (xhr.status >= 200 && xhr.status < 300 && body?.result) resolve(body.result)
      else reject(new RestError(body?.error ?? 'UPLOAD_FAILED', body?.error_description || `HTTP ${xhr.status}`, xhr.status))
    }
    xhr.onerror = () => reject(new RestError('NETWORK_ERROR', 'The upload did not reach the server', 0))
    xhr.onabort = () => reject(new RestError('ABORTED', 'Cancelled', 0))
    u.abort = () => xhr.abort()
    xhr.send(form)
  })
}

/** The upload link as a path on this origin (the server names it with its public URL). */
function sameOrigin(url: string): string {
  try {
    const u = new URL(url, window.location.href)
    return u.pathname + u.search
  } catch {
    return url
  }
}

async function run(u: Upload): Promise<void> {
  u.status = 'uploading'
  u.error = ''
  u.loaded = 0
  try {
    const folder = await call<{ ID: number }>('im.disk.folder.get', { DIALOG_ID: u.dialogId })
    const link = await call<{ field: string; uploadUrl: string }>('disk.folder.uploadfile', {
      id: folder.ID,
      data: { NAME: u.file.name },
      generateUniqueName: true,
    })
    const stored = await post(sameOrigin(link.uploadUrl), link.field || 'file', u.file, u)
    u.loaded = u.file.size
    u.status = 'committing'
    await call('im.disk.file.commit', { DIALOG_ID: u.dialogId, UPLOAD_ID: Number(stored.ID) })
    u.status = 'done'
    const i = uploads.indexOf(u)
    if (i >= 0) uploads.splice(i, 1)
  } catch (e) {
    u.status = 'error'
    u.error = e instanceof RestError ? e.description || e.code : e instanceof Error ? e.message : String(e)
  } finally {
    u.abort = undefined
  }
}

/** Sends each file as its own message in `dialogId`, one after another. */
export async function uploadFiles(dialogId: DialogId, files: Iterable<File>): Promise<void> {
  const added: Upload[] = []
  for (const file of files) {
    uploads.push({ key: ++seq, dialogId, file, loaded: 0, status: 'waiting', error: '' })
    added.push(uploads[uploads.length - 1]!)
  }
  for (const u of added) if (u.status === 'waiting') await run(u)
}

export function retryUpload(u: Upload): Promise<void> {
  return run(u)
}

/** Stops an upload in flight, or forgets a failed one. */
export function dismissUpload(u: Upload): void {
  if (u.status === 'waiting') u.status = 'done' // skipped by the queue
  u.abort?.()
  const i = uploads.indexOf(u)
  if (i >= 0) uploads.splice(i, 1)
}
