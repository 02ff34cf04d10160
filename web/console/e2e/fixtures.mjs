// Test data for the end-to-end run, made through the public API as the
// mini-program would: logins with fake WeChat codes, consent, phone,
// a photo upload and a submitted application.
import { deflateSync, crc32 } from 'node:zlib'

export function apiClient(base) {
  async function call(method, path, { token, body, form } = {}) {
    const headers = { Accept: 'application/json' }
    if (token) headers.Authorization = `Bearer ${token}`
    let payload
    if (form) payload = form
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const res = await fetch(base + '/api/v1' + path, { method, headers, body: payload })
    const text = await res.text()
    let env
    try {
      env = JSON.parse(text)
    } catch {
      throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`)
    }
    if (env.code !== 0) throw Object.assign(new Error(`${method} ${path}: ${res.status} ${env.code} ${env.message}`), { status: res.status, env })
    return env.data
  }
  let seq = 0
  const login = async (name) => {
    seq++
    return call('POST', '/auth/wechat/login', { body: { code: `${name}-e2e${seq}x${Date.now()}` } })
  }
  return { call, login }
}

/** idNumber makes a valid resident ID number (GB 11643) born on birth (YYYYMMDD). */
export function idNumber(birth, seq) {
  const first17 = '420111' + birth + String(seq % 1000).padStart(3, '0')
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i]
  return first17 + '10X98765432'[sum % 11]
}

/** png is a small real RGB image (a gradient), so the upload decodes. */
export function png(width = 64, height = 48) {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = x * 4
      raw[row + 2 + x * 3] = y * 5
      raw[row + 3 + x * 3] = 128
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(td) >>> 0)
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** applyAsWorker makes a new worker submit a complete application to orgId. */
export async function applyAsWorker(api, name, orgId, n) {
  const { access_token: token } = await api.login(name)
  const notice = await api.call('GET', '/privacy/notice')
  await api.call('POST', '/me/consents', { token, body: { version: notice.version, personal_info: true, sensitive_info: true, share_upward: true } })
  await api.call('POST', '/me/phone', { token, body: { code: `1380013${String(8000 + n).padStart(4, '0')}-1` } })
  const form = new FormData()
  form.append('kind', 'photo')
  form.append('file', new Blob([png()], { type: 'image/png' }), 'photo.png')
  const photo = await api.call('POST', '/uploads', { token, form })
  return api.call('POST', '/applications', {
    token,
    body: {
      org_id: orgId, name: ['张三', '李四', '王五'][n % 3], id_type: 'resident_id', id_number: idNumber('19900101', 100 + n * 2 + 1),
      ethnicity: '汉族', education: '大学本科', political_status: '群众', household_type: '农业户口',
      employment: { employer_name: '武汉光谷制造有限公司', job_title: '装配工', hired_on: '2024-03-01', work_type: 'floating',
        is_migrant_worker: true, is_dispatched: false },
      photo_upload_id: photo.id, submit: true,
    },
  })
}

/** firstGrassroots walks the org tree from root to the first grassroots union. */
export async function firstGrassroots(api, token, rootId) {
  const queue = [rootId]
  while (queue.length) {
    const id = queue.shift()
    const page = await api.call('GET', `/admin/orgs/${id}/children?limit=100`, { token })
    for (const o of page.items) {
      if (o.type === 'grassroots' && o.status === 'active') return o
      queue.push(o.id)
    }
  }
  throw new Error('no grassroots union under ' + rootId)
}
