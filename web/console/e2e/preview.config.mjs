// `vite preview` of the built console in front of a running unionhub API
// (UNIONHUB_API, default http://127.0.0.1:8080), with the console's CSP, for
// working on the console when the API node serves no /console/ of its own.
// Usage: npx vite preview --config e2e/preview.config.mjs --port 4173
import { defineConfig } from 'vite'

const api = process.env.UNIONHUB_API || 'http://127.0.0.1:8080'
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"

export default defineConfig({
  base: '/console/',
  build: { outDir: 'dist' },
  preview: {
    headers: { 'Content-Security-Policy': csp, 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' },
    proxy: { '/api': api },
  },
  plugins: [
    {
      name: 'console-config-fallback',
      configurePreviewServer(server) {
        // An API without the console routes yet: offer development login.
        server.middlewares.use('/api/v1/console/config', async (req, res, next) => {
          const up = await fetch(api + '/api/v1/console/config').catch(() => null)
          if (up && up.status !== 404) return next()
          res.setHeader('Content-Type', 'application/json')
          res.end(JSON.stringify({ code: 0, message: 'ok', data: { dev_login: true } }))
        })
      },
    },
  ],
})
